"""feedpub validate on the command line: exit codes, output formats, default feed."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from feedpub.cli import cli
from validate_feeds import line_of, make_feed

BROKEN = make_feed().replace("<itunes:explicit>false</itunes:explicit>\n<itunes:type>",
                             "<itunes:explicit>yes</itunes:explicit>\n<itunes:type>")
WARNING_ONLY = make_feed().replace("<itunes:author>Ada Host</itunes:author>\n", "")


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, list(args))
    return result.exit_code, result.output


def write(tmp_path: Path, text: str, name: str = "feed.xml") -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_clean_feed_exits_0(tmp_path: Path) -> None:
    feed = write(tmp_path, make_feed())
    code, out = invoke("validate", "--offline", feed)
    assert code == 0, out
    assert out.strip().endswith(f"{feed}: 0 errors, 0 warnings, 1 info")


def test_errors_exit_1_with_rule_line_and_hint(tmp_path: Path) -> None:
    feed = write(tmp_path, BROKEN)
    code, out = invoke("validate", "--offline", feed)
    assert code == 1
    line = line_of(BROKEN, "<itunes:explicit>yes")
    assert (f"{feed}:{line}: error [itunes-explicit] channel itunes:explicit is 'yes'; Apple "
            "accepts only 'true' or 'false'\n  hint: write <itunes:explicit>true"
            "</itunes:explicit>") in out
    assert "1 error, 0 warnings" in out


def test_warnings_fail_only_with_strict(tmp_path: Path) -> None:
    feed = write(tmp_path, WARNING_ONLY)
    assert invoke("validate", "--offline", feed)[0] == 0
    code, out = invoke("validate", "--offline", "--strict", feed)
    assert code == 1 and "warning [itunes-author]" in out


def test_ignore_rules(tmp_path: Path) -> None:
    feed = write(tmp_path, WARNING_ONLY)
    assert invoke("validate", "--offline", "--strict", "--ignore", "itunes-author", feed)[0] == 0
    code, out = invoke("validate", "--offline", "--ignore", "category-count,itunes-author",
                       feed)
    assert code == 0 and out.strip().endswith("0 errors, 0 warnings")
    code, out = invoke("validate", "--offline", "--ignore", "itunes-autor", feed)
    assert code == 2 and "unknown rule id(s) itunes-autor" in out


def test_json_format(tmp_path: Path) -> None:
    feed = write(tmp_path, BROKEN)
    code, out = invoke("validate", "--offline", "--format", "json", feed)
    assert code == 1
    doc = json.loads(out)
    assert doc["summary"] == {"errors": 1, "warnings": 0, "info": 1}
    errors = [f for f in doc["findings"] if f["severity"] == "error"]
    assert errors == [{"severity": "error", "rule": "itunes-explicit",
                       "message": "channel itunes:explicit is 'yes'; Apple accepts only "
                                  "'true' or 'false'",
                       "line": line_of(BROKEN, "<itunes:explicit>yes"),
                       "hint": "write <itunes:explicit>true</itunes:explicit>",
                       "source": feed, "url": None}]


def test_github_format(tmp_path: Path) -> None:
    feed = write(tmp_path, BROKEN)
    code, out = invoke("validate", "--offline", "--format", "github", feed)
    assert code == 1
    line = line_of(BROKEN, "<itunes:explicit>yes")
    assert (f"::error file={feed},line={line},title=itunes-explicit::channel itunes%3A"
            not in out)  # only properties are escaped, not the message
    assert re.search(rf"^::error file={re.escape(feed)},line={line},title=itunes-explicit::"
                     r"channel itunes:explicit is 'yes'.*%0Ahint: write", out, re.M), out
    assert re.search(r"^::notice file=.*title=category-count::", out, re.M)


def test_default_feed_is_public_feed_xml(tmp_path: Path) -> None:
    (tmp_path / "public").mkdir()
    write(tmp_path / "public", make_feed())
    code, out = invoke("-C", str(tmp_path), "validate", "--offline")
    assert code == 0, out
    assert str(tmp_path / "public" / "feed.xml") in out


def test_missing_default_feed_is_a_usage_error(tmp_path: Path) -> None:
    code, out = invoke("-C", str(tmp_path), "validate", "--offline")
    assert code == 2
    assert "public/feed.xml does not exist" in out and "feedpub build" in out


def test_missing_file_and_bad_options_are_usage_errors(tmp_path: Path) -> None:
    assert invoke("validate", str(tmp_path / "nope.xml"))[0] == 2
    feed = write(tmp_path, make_feed())
    assert invoke("validate", "--format", "xml", feed)[0] == 2
    assert invoke("validate", "--timeout", "0", feed)[0] == 2
    code, out = invoke("validate", "--offline", "--against", str(tmp_path / "old.xml"), feed)
    assert code == 2 and "--against" in out and "no such file" in out


def test_max_size(tmp_path: Path) -> None:
    feed = write(tmp_path, make_feed())
    code, out = invoke("validate", "--offline", "--max-size", "100", feed)
    assert code == 1 and "[xml-too-large]" in out


def test_against_file(tmp_path: Path) -> None:
    old = write(tmp_path, make_feed(n_items=3), "old.xml")
    new = write(tmp_path, make_feed(n_items=2), "new.xml")
    code, out = invoke("validate", "--offline", "--against", old, new)
    assert code == 1 and "error [episode-disappeared] episode 'A conversation about topic 3'" \
        in out
    assert invoke("validate", "--offline", "--against", new, old)[0] == 0


def test_sample_show_built_and_validated(sample_show: Path) -> None:
    code, out = invoke("-C", str(sample_show), "build", "-q")
    assert code == 0, out
    code, out = invoke("-C", str(sample_show), "validate", "--offline", "--strict")
    assert code == 0, out
    assert "0 errors, 0 warnings" in out


def test_unbuilt_show_is_built_in_memory(sample_show: Path) -> None:
    """What the pre-commit hook relies on when public/ is not committed."""
    assert not (sample_show / "public").exists()
    code, out = invoke("-C", str(sample_show), "validate", "--offline", "--strict")
    assert code == 0, out
    assert "feed.xml (built in memory): 0 errors, 0 warnings" in out
    assert not (sample_show / "public").exists()


def test_unbuilt_show_with_errors_fails(sample_show: Path) -> None:
    toml = sample_show / "podcast.toml"
    text = toml.read_text(encoding="utf-8")
    start = text.index("description = ")
    end = text.index("\n", start)
    toml.write_text(text[:start] + 'description = "Lorem ipsum dolor sit amet"' + text[end:],
                    encoding="utf-8")
    code, out = invoke("-C", str(sample_show), "validate", "--offline")
    # the loader applies the feed rule (placeholder-text) to podcast.toml itself: a
    # configuration error at its line, before any feed is built
    assert code == 2
    assert "feedpub: error: podcast.toml:3: description: 'Lorem ipsum dolor sit amet' looks " \
        "like a placeholder" in out


def test_help_has_an_example() -> None:
    code, out = invoke("validate", "--help")
    assert code == 0 and "Example: feedpub validate" in out
    for option in ("--offline", "--against", "--format", "--strict", "--timeout", "--max-size",
                   "--ignore"):
        assert option in out


REPO = Path(__file__).resolve().parent.parent


def test_readme_documents_every_rule() -> None:
    from feedpub.validate import RULES

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Validating a feed", 1)[1]
    missing = [rule for rule in RULES if f"`{rule}`" not in section]
    assert missing == []


def test_pre_commit_hooks_run_real_commands() -> None:
    text = (REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8")
    ids = re.findall(r"^- id: (\S+)", text, re.M)
    entries = re.findall(r"^  entry: feedpub (.+)$", text, re.M)
    assert ids == ["feedpub-validate", "feedpub-build-check"]
    assert entries == ["validate --offline --sources", "build --check-lock --quiet"]
    for entry in entries:
        command, *options = entry.split()
        code, out = invoke(command, "--help")
        assert code == 0 and all(option in out for option in options)


def test_github_annotation_escaping() -> None:
    from feedpub.validate import Finding
    from feedpub.validate.output import annotation

    f = Finding("warning", "atom-self", "100% wrong\nsecond line", 3, "fix: it, now",
                "shows/a,b:c/feed.xml")
    assert annotation(f) == ("::warning file=shows/a%2Cb%3Ac/feed.xml,line=3,title=atom-self::"
                             "100%25 wrong%0Asecond line%0Ahint: fix: it, now")
    remote = Finding("error", "http-status", "gone", None, None, "https://x.org/feed.xml")
    assert annotation(remote) == "::error title=http-status::gone"


def test_github_paths_are_relative_to_the_checkout(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "public").mkdir()
    feed = write(tmp_path / "public", BROKEN)
    code, out = invoke("validate", "--offline", "--format", "github", feed)
    assert code == 1 and "::error file=public/feed.xml,line=" in out


def test_benchmark_script_runs() -> None:
    import subprocess
    import sys

    script = REPO / "benchmarks" / "validate_feed.py"
    done = subprocess.run([sys.executable, str(script), "--episodes", "200", "--runs", "1"],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^ratio: \d+\.\d\dx", done.stdout, re.M), done.stdout
