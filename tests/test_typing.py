"""The package type-checks under mypy --strict, so type hints stay true as code changes."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parent.parent / "src" / "feedpub"


def test_mypy_strict(tmp_path: Path) -> None:
    pytest.importorskip("mypy")
    proc = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports",
         "--cache-dir", str(tmp_path), str(SRC)],
        capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
