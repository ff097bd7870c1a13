"""Every file in snippets/ is tested on its own, by its kind (pages also test them in context)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docproof.languages import CHECKED, SUFFIXES

SNIPPETS = Path(__file__).parents[1] / "snippets"
FILES = sorted(p for p in SNIPPETS.rglob("*") if p.is_file() and "__pycache__" not in p.parts)


def test_there_are_snippets() -> None:
    assert FILES, "snippets/ is empty"


@pytest.mark.parametrize("path", FILES, ids=lambda p: str(p.relative_to(SNIPPETS)))
def test_snippet_on_its_own(path: Path, tmp_path: Path) -> None:
    if path.suffix == ".py":
        result = subprocess.run(
            [sys.executable, str(path)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, f"{path} failed on its own:\n{result.stderr}"
        return
    language = SUFFIXES.get(path.suffix)
    assert language, f"{path}: no test knows how to check a {path.suffix or 'suffix-less'} snippet"
    problem = CHECKED[language](path.read_text(encoding="utf-8"))
    assert problem is None, f"{path}: {problem}"
