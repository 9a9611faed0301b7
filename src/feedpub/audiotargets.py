"""The ``[audio]`` table of podcast.toml: the targets of ``feedpub audio check``.

```toml
[audio]
loudness = -16      # LUFS, stereo (mono aims 3 LU lower)
true_peak = -1      # dBTP, at most
```

Declared in the show's schema (:mod:`feedpub.source.schema`): every build loads this
module for the table, so it holds the table and :class:`Targets` only; measuring
(:mod:`feedpub.audiocheck`: PyAV, mutagen, worker processes) is imported when used.
"""

from __future__ import annotations

from dataclasses import dataclass

from .source.schema import PODCAST_TOML, Field, Table

__all__ = ["AUDIO_TABLE", "Targets"]


@dataclass(frozen=True)
class Targets:
    """What a show aims for; ``[audio]`` in podcast.toml overrides any of them."""

    loudness: float = -16.0  # LUFS, stereo; mono aims 3 LU lower, as Apple advises
    tolerance: float = 1.0  # LU either side of the target
    true_peak: float = -1.0  # dBTP, at most
    spoken: bool = True  # a voice show: bitrates beyond what speech needs are flagged
    max_silence: float = 2.0  # seconds of silence allowed at the start or the end
    outlier: float = 3.0  # LU from the show's median that is pointed out

    def loudness_for(self, channels: int) -> float:
        return self.loudness - 3.0 if channels == 1 else self.loudness


#: ``[audio]`` of podcast.toml, declared in the show's schema (feedpub.source.schema)
AUDIO_TABLE = PODCAST_TOML.add(Table("audio", "Targets of `feedpub audio check`.", (
    Field("loudness", "number", "integrated loudness aimed at, in LUFS (mono: 3 LU lower)",
          "a number", default=Targets.loudness, example="-16"),
    Field("tolerance", "number", "LU either side of the loudness target", "a number",
          default=Targets.tolerance, example="1"),
    Field("true_peak", "number", "the highest true peak allowed, in dBTP", "a number",
          default=Targets.true_peak, example="-1"),
    Field("spoken", "bool", "a voice show: bitrates beyond what speech needs are flagged",
          "true or false", default=Targets.spoken, example="true"),
    Field("max_silence", "number", "seconds of silence allowed at the start or the end",
          "a number", default=Targets.max_silence, example="2"),
    Field("outlier", "number", "LU from the show's median loudness that is pointed out",
          "a number", default=Targets.outlier, example="3"),
)))
