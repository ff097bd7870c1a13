"""The code base passes the linters of `make lint`: ruff (check, format) and mypy (strict)."""

from __future__ import annotations

import pytest

import subprocess
import sys
from pathlib import Path

from site_helpers import ROOT

pytestmark = pytest.mark.site

BIN = Path(sys.executable).parent


def _run(*command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_ruff_check() -> None:
    result = _run(str(BIN / "ruff"), "check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format() -> None:
    # Markdown pages are excluded in pyproject.toml (see the comment there).
    result = _run(str(BIN / "ruff"), "format", "--check", "--no-cache", ".")
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy_strict() -> None:
    # Files and strictness come from [tool.mypy] in pyproject.toml.
    result = _run(str(BIN / "mypy"))
    assert result.returncode == 0, result.stdout + result.stderr
