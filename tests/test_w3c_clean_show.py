"""A show using every documented feature builds to a feed the offline rules (our
reproduction of the W3C validator's RSS 2.0 and iTunes rules, issue 8) find clean."""

from __future__ import annotations

from pathlib import Path

from audiofactory import make_audio
from feedpub.build import build
from feedpub.validate import validate_bytes

VTT = ("WEBVTT\n\n00:00:00.000 --> 00:00:01.000\n<v Ada Lovelace>Bonjour à tous ; "
       "« l'éthique » & <i>nous</i>.\n\n00:00:01.000 --> 00:00:02.000\n<v Grace>Merci !\n")
SRT = "1\n00:00:00,000 --> 00:00:01,500\nAda Lovelace: Hello <script>x</script> world\n"
CHAPTERS = '[[chapters]]\nstart = "0:00"\ntitle = "Intro é"\n\n[[chapters]]\nstart = 1.5\ntitle = "Suite"\n'


def test_a_show_with_every_feature_is_clean(make_show) -> None:
    make_show.edit_show('explicit = false', 'explicit = true')
    make_show.edit_show('[owner]', '[podcast]\nlocked = true\nmedium = "podcast"\n\n'
                        '[[podcast.funding]]\nurl = "https://example.org/soutien"\n'
                        'text = "Soutenir"\n\n[[podcast.persons]]\nname = "Ada Lovelace"\n'
                        'role = "host"\n\n[owner]')
    template = Path(make_show.root / "t.mp3")
    make_audio(template, 3.0)
    data = template.read_bytes()
    template.unlink()
    for n in range(200):
        slug = f"episode-{n:03d}"
        extra = (f'number = {n + 1}\nseason = {1 + n // 100}\n'
                 f'explicit = {"true" if n % 3 else "false"}\n'
                 f'link = "https://example.org/épisodes/{slug}-ß"\n'
                 '[[speakers]]\nlabel = "Ada Lovelace"\nname = "Ada Lovelace"\nrole = "host"\n'
                 '[[speakers]]\nlabel = "Grace"\nname = "Grace Hopper"\nrole = "guest"\n')
        folder = make_show.episode(
            slug, seconds=None, title=f"Épisode {n} : l'IA & nous, 2 < 3 « 🎙 »",
            description=(f"Notes *{n}* : <script>alert(1)</script> un `<filename>` ; "
                         f"2 < 3 & [lien](https://example.org/{n}?ref_src=x) "
                         f"<img src=x onerror=alert(1)> [mal](javascript:alert(1))"),
            extra=extra)
        audio = bytearray(data)
        audio[-1] = n % 256
        (folder / f"{slug}.mp3").write_bytes(bytes(audio))
        (folder / "transcript.fr.vtt").write_text(VTT, encoding="utf-8")
        (folder / "transcript.en.srt").write_text(SRT, encoding="utf-8")
        (folder / "chapters.toml").write_text(CHAPTERS, encoding="utf-8")
    feed = build(make_show.root, site=False).feed
    assert feed.count(b"<item>") == 200
    findings = [f for f in validate_bytes(feed) if f.severity in ("error", "warning")]
    assert findings == []
    # the notes' script and onerror= reach the feed as text at most; the javascript: link
    # is dropped, its words kept
    assert b"<script" not in feed and b"onerror=" not in feed
    assert b"javascript:" not in feed and b"</a>  mal</p>]]></description>" in feed
