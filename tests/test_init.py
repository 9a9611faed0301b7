"""feedpub init: options or questions -> a show folder that loads, builds and has CI."""

from __future__ import annotations

import os
import subprocess
import sys
import tomllib
from pathlib import Path

import yaml
from PIL import Image

from feedpub.config import load_show
from feedpub.init import category_choices

SPEC = "feedpub @ git+https://forge.example.org/team/feedpub.git@v0.2.0"
OPTIONS = ["--title", "Night Owls", "--language", "fr", "--author", "Ada Host",
           "--email", "ada@example.org", "--feed-url", "https://feeds.example.org/owls/feed.xml",
           "--category", "Science > Astronomy", "--timezone", "Europe/Brussels"]


def feedpub(*args: str, cwd: Path | None = None, stdin: str | None = None,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "feedpub", *args], capture_output=True,
                          text=True, cwd=cwd, input=stdin, env={**os.environ, **(env or {})})


def test_init_yes_writes_a_show_that_loads(tmp_path: Path) -> None:
    root = tmp_path / "owls"
    proc = feedpub("init", "--yes", *OPTIONS, str(root))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [
        f"wrote {root / 'podcast.toml'}", f"wrote {root / 'artwork.png'}",
        f"wrote {root / '.gitignore'}", f"wrote {root / 'README.md'}",
        f"replace {root / 'artwork.png'} with your cover art (square JPEG or PNG, 1400-3000 px)",
        f'next: cd {root} && feedpub new "Episode title"']
    show = load_show(root)
    assert (show.title, show.language, show.author, show.timezone) == (
        "Night Owls", "fr", "Ada Host", "Europe/Brussels")
    assert show.feed_url == "https://feeds.example.org/owls/feed.xml"
    assert show.media_base_url == "https://feeds.example.org/owls/media/"
    data = tomllib.loads((root / "podcast.toml").read_text(encoding="utf-8"))
    assert data["categories"] == ["Science > Astronomy"]
    assert data["owner"] == {"name": "Ada Host", "email": "ada@example.org"}
    assert data["link"] == "https://feeds.example.org/owls/"
    assert (root / "episodes").is_dir()
    assert "public/" in (root / ".gitignore").read_text().splitlines()
    assert (root / "README.md").read_text().startswith("# Night Owls\n")
    with Image.open(root / "artwork.png") as img:
        assert (img.format, img.mode, img.size) == ("PNG", "RGB", (1400, 1400))
    assert not (root / ".github").exists()


def test_init_ci_writes_each_forges_file(tmp_path: Path) -> None:
    for forge, path in (("github", ".github/workflows/feedpub.yml"),
                        ("forgejo", ".forgejo/workflows/feedpub.yml"),
                        ("gitlab", ".gitlab-ci.yml")):
        root = tmp_path / forge
        proc = feedpub("init", "--yes", *OPTIONS, "--ci", forge, "--feedpub-spec", SPEC,
                       str(root))
        assert proc.returncode == 0, proc.stderr
        assert f"wrote {root / path}" in proc.stdout.splitlines()
        data = yaml.safe_load((root / path).read_text(encoding="utf-8"))
        env = data["variables"] if forge == "gitlab" else data["env"]
        assert env["FEEDPUB_SPEC"] == SPEC
        assert "@@" not in (root / path).read_text()
        assert (root / "README.md").read_text().count(path) == 1


def test_init_ci_needs_to_know_what_ci_installs(tmp_path: Path) -> None:
    # this test suite runs an editable install: nothing a CI machine could reach
    proc = feedpub("init", "--yes", *OPTIONS, "--ci", "github", str(tmp_path / "s"))
    assert proc.returncode == 2
    assert proc.stderr == (
        "feedpub: error: --ci: cannot tell where CI should install feedpub from (this "
        "feedpub was not installed from a git or https URL) (expected --feedpub-spec "
        "'feedpub @ git+https://…/feedpub.git@<commit or tag>')\n")
    assert not (tmp_path / "s").exists()  # nothing written


def test_init_never_overwrites_without_force(tmp_path: Path) -> None:
    root = tmp_path / "owls"
    root.mkdir()
    (root / "podcast.toml").write_text("# mine\n", encoding="utf-8")
    (root / "README.md").write_text("mine\n", encoding="utf-8")
    proc = feedpub("init", "--yes", *OPTIONS, str(root))
    assert proc.returncode == 2
    assert proc.stderr.splitlines() == [
        f"feedpub: error: {root / 'podcast.toml'}: already exists",
        "  hint: feedpub init never overwrites; pass --force to replace",
        f"feedpub: error: {root / 'README.md'}: already exists",
        "  hint: feedpub init never overwrites; pass --force to replace"]
    assert (root / "podcast.toml").read_text() == "# mine\n"
    assert sorted(p.name for p in root.iterdir()) == ["README.md", "podcast.toml"]
    forced = feedpub("init", "--yes", *OPTIONS, "--force", str(root))
    assert forced.returncode == 0, forced.stderr
    assert load_show(root).title == "Night Owls"


def test_init_yes_names_what_is_missing_and_defaults_the_rest(tmp_path: Path) -> None:
    proc = feedpub("init", "--yes", "--author", "Ada", str(tmp_path / "my-night_show"))
    assert proc.returncode == 2
    assert proc.stderr.startswith("feedpub: error: --yes needs --email, --feed-url, ")
    root = tmp_path / "my-night_show"
    ok = feedpub("init", "--yes", "--author", "Ada", "--email", "a@example.org",
                 "--feed-url", "https://f.example.org/feed.xml", "--category", "History",
                 str(root), env={"LANG": "de_DE.UTF-8", "TZ": "America/New_York"})
    assert ok.returncode == 0, ok.stderr
    show = load_show(root)
    assert (show.title, show.language, show.timezone) == ("My Night Show", "de",
                                                          "America/New_York")


def test_init_refuses_bad_answers_with_what_is_expected(tmp_path: Path) -> None:
    cases = [
        (["--language", "english"], "feedpub: error: language: 'english' is not a language "
         "code such as 'en' or 'en-us' (expected an ISO 639 code such as 'en' or 'fr-ca')"),
        (["--email", "ada-at-example"], "feedpub: error: email: 'ada-at-example' is not an "
         "e-mail address (expected name@example.org)"),
        (["--feed-url", "http://feeds.example.org/feed.xml"], "feedpub: error: feed-url: "
         "'http://feeds.example.org/feed.xml' is not an https URL (expected https://host/path)"),
        (["--timezone", "Mars/Olympus"], "feedpub: error: timezone: "),
        (["--category", "Cooking"], "feedpub: error: category: "),
        (["--category", "999"], "feedpub: error: category: "),
    ]
    for extra, message in cases:
        proc = feedpub("init", "--yes", *OPTIONS, *extra, str(tmp_path / "s"))
        assert proc.returncode == 2, extra
        assert proc.stderr.startswith(message), proc.stderr
        assert not (tmp_path / "s").exists()
    assert "expected a number from 1 to 110 or a name from Apple's list" in proc.stderr


def test_category_numbers_follow_apples_list(tmp_path: Path) -> None:
    choices = category_choices()
    assert len(choices) == 19 + 91 and choices[:2] == ["Arts", "Arts > Books"]
    number = choices.index("Technology") + 1
    root = tmp_path / "s"
    opts = [o if o != "Science > Astronomy" else str(number) for o in OPTIONS]
    assert feedpub("init", "--yes", *opts, str(root)).returncode == 0
    assert tomllib.loads((root / "podcast.toml").read_text())["categories"] == ["Technology"]


def test_init_asks_and_asks_again_after_a_bad_answer(tmp_path: Path) -> None:
    root = tmp_path / "night-owls"
    number = category_choices().index("Science > Astronomy") + 1
    answers = ["",  # title: the default from the folder name
               "english", "en",  # a bad language, asked again
               "Ada Host", "ada@example.org", "https://feeds.example.org/owls/feed.xml",
               "",  # media URL: the default beside the feed
               str(number), "Europe/Brussels"]
    proc = feedpub("init", str(root), stdin="\n".join(answers) + "\n")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Title of the show [Night Owls]: " in proc.stdout
    assert "Error: language: 'english' is not a language code" in proc.stdout + proc.stderr
    assert f"{number:4}. Science > Astronomy" in proc.stdout
    assert "Public URL the audio files are served from " \
           "[https://feeds.example.org/owls/media/]: " in proc.stdout
    show = load_show(root)
    assert (show.title, show.language, show.timezone) == ("Night Owls", "en",
                                                          "Europe/Brussels")
    assert [(c.name, c.sub) for c in show.categories] == [("Science", "Astronomy")]


def test_answers_with_quotes_and_control_characters_load_back(tmp_path: Path) -> None:
    title = 'The "Owls" \\ night\x7f show'
    opts = [o if o != "Night Owls" else title for o in OPTIONS]
    proc = feedpub("init", "--yes", *opts, str(tmp_path / "s"))
    assert proc.returncode == 0, proc.stderr
    assert load_show(tmp_path / "s").title == title
