"""Build findings point at the line a podcaster edits, not at the feed feedpub wrote."""

from __future__ import annotations

from feedpub.build import build


def warnings_of(root) -> list[str]:  # type: ignore[no-untyped-def]
    return [str(w) for w in build(root).warnings]


def test_a_channel_warning_names_the_line_of_podcast_toml(make_show) -> None:
    make_show.edit_show('artwork = "https://media.example.org/cover.jpg"',
                        'artwork = "http://media.example.org/cover.jpg"')
    make_show.episode("ep")
    found = [w for w in warnings_of(make_show.root) if "[https]" in w]
    # itunes:image, written from the artwork key on line 6
    assert found and all(w.startswith("podcast.toml:6: [https]") for w in found), found


def test_channel_findings_follow_their_keys(make_show) -> None:
    make_show.edit_show('title = "Test Show"', 'title = "Test <b>Show</b>"')
    make_show.edit_show('[owner]', '[podcast]\nmedium = "podcast"\n\n'
                        '[[podcast.funding]]\nurl = "https://example.org/give"\n'
                        'text = "Give"\n\n[[podcast.funding]]\nurl = "https://example.org/tip"\n'
                        f'text = "{"Tip " * 40}"\n\n[owner]')
    make_show.episode("ep")
    text = (make_show.root / "podcast.toml").read_text(encoding="utf-8").splitlines()
    tip = text.index('url = "https://example.org/tip"')  # 0-based: the [[...]] line above
    found = warnings_of(make_show.root)
    assert any(w.startswith("podcast.toml:1: [html-in-text]") for w in found), found
    assert any(w.startswith(f"podcast.toml:{tip}: ") and "funding" in w for w in found), found
    assert not any(w.startswith("public/feed.xml") for w in found), found


def test_validate_sources_reports_at_the_show_files(make_show) -> None:
    """The pre-commit hook's run (a build in memory) names podcast.toml and episode.toml."""
    from click.testing import CliRunner

    from feedpub.cli import cli

    make_show.edit_show('artwork = "https://media.example.org/cover.jpg"',
                        'artwork = "http://media.example.org/cover.jpg"')
    make_show.episode("ep", audio="ep.flac")  # Apple lists only MP3 and AAC for audio
    run = CliRunner().invoke(cli, ["-C", str(make_show.root), "validate", "--offline",
                                   "--sources"])
    lines = run.output.splitlines()
    assert run.exit_code == 0, run.output
    assert any(line.startswith("podcast.toml:6: warning [https]") for line in lines), lines
    assert any(line.startswith("episodes/ep/episode.toml:3: warning [enclosure-type]")
               for line in lines), lines
    assert lines[-1] == "feed.xml (built in memory): 0 errors, 2 warnings", lines
    github = CliRunner().invoke(cli, ["-C", str(make_show.root), "validate", "--offline",
                                      "--sources", "--format", "github"])
    assert "::warning file=podcast.toml,line=6,title=https::" in github.output, github.output


def test_github_annotations_are_relative_to_the_checkout_under_dash_c(make_show,
                                                                       monkeypatch) -> None:
    """A workflow runs ``feedpub -C show validate`` from the repository's root: GitHub
    attaches an annotation only to a path relative to that root, not to the show folder."""
    from click.testing import CliRunner

    from feedpub.cli import cli

    make_show.edit_show('artwork = "https://media.example.org/cover.jpg"',
                        'artwork = "http://media.example.org/cover.jpg"')
    make_show.episode("ep")
    repo = make_show.root.parent
    show = make_show.root.name
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(repo)
    args = ["-C", show, "validate", "--offline", "--sources", "--format", "github"]
    run = CliRunner().invoke(cli, args)
    assert f"::warning file={show}/podcast.toml,line=6,title=https::" in run.output, run.output
    # GitHub's own variable names the checkout wherever feedpub was started
    monkeypatch.chdir(make_show.root / "episodes")
    monkeypatch.setenv("GITHUB_WORKSPACE", str(repo))
    run = CliRunner().invoke(cli, ["-C", str(make_show.root)] + args[2:])
    assert f"::warning file={show}/podcast.toml,line=6,title=https::" in run.output, run.output
    # a feed file named from elsewhere, too
    assert CliRunner().invoke(cli, ["-C", str(make_show.root), "build", "--no-site"]).exit_code == 0
    monkeypatch.chdir(repo)
    run = CliRunner().invoke(cli, ["-C", show, "validate", "--offline", "--format", "github",
                                   "public/feed.xml"])
    assert f"file={show}/public/feed.xml," in run.output, run.output


def test_each_channel_line_maps_to_its_key(make_show) -> None:
    from feedpub.build.locate import Sources

    make_show.episode("ep")
    result = build(make_show.root)
    toml = make_show.root / "podcast.toml"
    keys = (toml.read_text(encoding="utf-8")).splitlines()
    sources = Sources(result.feed, result.episodes, toml)
    feed = result.feed.decode().splitlines()

    def at(start: str) -> tuple[object, int | None] | None:
        (n,) = [i for i, line in enumerate(feed, 1) if line.strip().startswith(start)]
        return sources.place(n)

    assert at("<itunes:email>") == (toml, keys.index('email = "owner@example.org"') + 1)
    assert at("<itunes:image") == (toml, keys.index(
        'artwork = "https://media.example.org/cover.jpg"') + 1)
    assert at("<atom:link") == (toml, keys.index(
        'feed_url = "https://feeds.example.org/show/feed.xml"') + 1)
    assert at("<lastBuildDate>") is None and at("<generator>") is None  # no key writes them
    assert at("</channel>") is None and at("</rss>") is None
    assert at("<enclosure")[0] == make_show.root / "episodes" / "ep" / "episode.toml"
