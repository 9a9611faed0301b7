"""Synthetic shows in feedpub's format, for the benchmarks.

Usage::

    python benchmarks/showgen.py DIR [--episodes 1000] [--seconds 2]

Each episode has an ``episode.toml`` (title, date, number, guid, two speakers), about
1.5 KB of French Markdown notes (accents, emoji, emphasis, links, a list, inline code),
a speaker-labelled transcript of about 4 KB and its own short MP3.  The MP3 is a real
one: one 2-second template (``--seconds``) is encoded by LAME (``tests/audiofactory.py``)
and tagged with an ID3 title once; every episode's file is that template with the episode's number
written into the tag, so each file has its own bytes (and SHA-256) and 10,000 episodes
are made in seconds.  The show uses the hosts RFC 2606 reserves (``example.org``):
builds of it need ``FEEDPUB_ALLOW_TEST_HOSTS=1`` (see ``benchmarks/rebuild.py``).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

SHOW = """\
title = "Banc d'essai"
description = "Une émission générée pour mesurer feedpub."
link = "https://example.org/show"
language = "fr"
author = "Banc"
artwork = "https://media.example.org/cover.jpg"
categories = ["Technology", "Society & Culture > Philosophy"]
explicit = false
feed_url = "https://feeds.example.org/show/feed.xml"
media_base_url = "https://media.example.org/audio/"
timezone = "Europe/Paris"

[owner]
name = "Banc"
email = "banc@example.org"
"""

NOTES = """\
Dans cet épisode n° {n}, nous parlons d'éthique numérique 🎙️ et de *sobriété* : la \
**chaîne de valeur** de l'IA, ses coûts cachés et ce que « souveraineté » veut dire en \
Europe. Une conversation franche, sans jargon — ou presque 😅.

Au programme :

- Les données d'entraînement : leur provenance, leur qualité, leurs biais
- L'énergie & l'eau des centres de données, mesurées honnêtement
- Qui décide ? Qui paie ? Qui en profite vraiment ?
- Le rôle des régulateurs, de l'*AI Act* à la CNIL
- Ce que chacun peut faire, dès demain, à son échelle

Notre invitée revient sur son parcours, de la recherche à l'industrie, et sur les \
choix qu'elle a dû faire en chemin. Elle cite le fichier `modele_{n}.onnx` et la \
commande `pip install --user`, pour les curieux.

> « La technique n'est jamais neutre ; elle est ce que nous en faisons. »

Pour aller plus loin : [le site de l'émission](https://example.org/episodes/{n}), \
https://example.org/notes/{n} et le [rapport cité](https://example.org/rapport?id={n}&lang=fr).

Dans la deuxième partie, on répond à vos questions : faut-il avoir peur des \
modèles « ouverts » ? Peut-on compter sur l'autorégulation des géants du numérique ? \
Et que change, concrètement, la transparence des algorithmes pour un citoyen ?

Musique : « Aube » par Léa & les Éphémères. Réalisation : Noël Château. Merci à \
toutes celles et ceux qui nous écoutent ✨ ; écrivez-nous, on lit tout !
"""

TURNS = [
    "Bonjour à toutes et à tous, et bienvenue dans ce nouvel épisode où l'on prend le "
    "temps de réfléchir ensemble.",
    "Merci de m'avoir invitée ; c'est un sujet qui me tient à cœur depuis longtemps, "
    "vraiment.",
    "Commençons par le début : qu'entend-on exactement par « chaîne de valeur » de "
    "l'intelligence artificielle ?",
    "C'est l'ensemble des étapes, des mines de métaux aux centres de données, jusqu'à "
    "l'application que vous ouvrez sur votre téléphone.",
    "Et à chaque étape, il y a des coûts que l'on ne voit pas : l'énergie, l'eau, le "
    "travail des annotateurs…",
    "Exactement. Et la question de la souveraineté se pose à chacune de ces étapes, pas "
    "seulement à la fin.",
]

#: the template MP3's ID3 title; the digits are replaced by each episode's number
TAG_TITLE = "Épisode 0000000"
PLACEHOLDER = b"0000000"
FIRST_DATE = datetime(2003, 1, 1, 6, 0, tzinfo=UTC)
STEP = timedelta(hours=2)  # 100,000 episodes still end before 2026


def template_mp3(seconds: float = 2.0) -> bytes:
    """A real MP3 (LAME) of ``seconds`` with an ID3v2 title holding a 7-digit placeholder."""
    from mutagen.id3 import ID3, TIT2

    from audiofactory import make_mp3

    with tempfile.TemporaryDirectory(prefix="feedpub-showgen-") as tmp:
        path = make_mp3(Path(tmp) / "template.mp3", seconds)
        tag = ID3()
        tag.add(TIT2(encoding=3, text=[TAG_TITLE]))
        tag.save(path, v2_version=4, padding=lambda info: 0)
        data = path.read_bytes()
    if data.count(PLACEHOLDER) != 1:
        raise RuntimeError("the template's tag placeholder is not unique")
    return data


def episode_audio(template: bytes, n: int) -> bytes:
    """The template with ``n`` in its tag: same size and duration, bytes of its own."""
    return template.replace(PLACEHOLDER, f"{n:07d}".encode("ascii"), 1)


def slug(n: int) -> str:
    return f"ep-{n:06d}"


def make_episode(root: Path, n: int, template: bytes) -> Path:
    folder = root / "episodes" / slug(n)
    folder.mkdir(parents=True)
    date = (FIRST_DATE + n * STEP).isoformat()
    (folder / "episode.toml").write_text(
        f'title = "Épisode {n} : l\'IA, la chaîne et nous"\ndate = {date}\n'
        f'number = {n + 1}\naudio = "{slug(n)}.mp3"\nguid = "bench-{n}"\n\n'
        '[[speakers]]\nlabel = "Speaker #0"\nname = "Hôte Éloïse"\nrole = "host"\n\n'
        '[[speakers]]\nlabel = "Speaker #1"\nname = "Invitée Zoë"\nrole = "guest"\n',
        encoding="utf-8")
    (folder / "description.md").write_text(NOTES.format(n=n), encoding="utf-8")
    turns = [f"Speaker #{i % 2}\n{TURNS[(i + n) % len(TURNS)]} ({n}.{i})\n" for i in range(30)]
    (folder / "transcript.txt").write_text("\n".join(turns), encoding="utf-8")
    (folder / f"{slug(n)}.mp3").write_bytes(episode_audio(template, n))
    return folder


def make_show(root: Path, episodes: int, template: bytes | None = None) -> bytes:
    """Write a show of ``episodes`` episodes into ``root`` (created); returns the template."""
    template = template or template_mp3()
    root.mkdir(parents=True)
    (root / "podcast.toml").write_text(SHOW, encoding="utf-8")
    for n in range(episodes):
        make_episode(root, n, template)
    return template


def set_show_field(root: Path, key: str, value: str) -> None:
    """Rewrite the top-level ``key = …`` line of podcast.toml (``value`` is TOML)."""
    path = root / "podcast.toml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    for i, line in enumerate(lines):
        if line.startswith(f"{key} = "):
            lines[i] = f"{key} = {value}\n"
            break
    else:
        raise KeyError(key)
    path.write_text("".join(lines), encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="the show's folder (must not exist)")
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=2.0, help="length of every MP3")
    args = parser.parse_args()
    make_show(args.folder, args.episodes, template_mp3(args.seconds))
    print(f"{args.episodes} episodes in {args.folder}")


if __name__ == "__main__":
    main()
