"""The guard reads every page on its own and accounts for every fenced block."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from docproof import guard
from minisite import MiniSite

ROOT = Path(__file__).parents[2]


def test_every_fence_on_the_course_pages_is_accounted_for() -> None:
    verdicts = guard.judge(ROOT / "mkdocs.yml")
    assert verdicts, "the guard found no fenced block at all: is docs/ empty?"
    unaccounted = [str(v) for v in verdicts if not v.accounted]
    print("\n".join(guard.summary_lines(ROOT / "mkdocs.yml")))
    assert not unaccounted, "fenced blocks that no test runs or checks:\n" + "\n".join(unaccounted)


def test_every_snippet_include_on_the_course_pages_exists() -> None:
    assert list(guard.missing_snippets(ROOT / "mkdocs.yml")) == []


def test_guard_names_file_and_line_of_unaccounted_fences(site: MiniSite) -> None:
    site.page(
        "p.md",
        "# P\n\n```python\nx = 1\n```\n\n```cobol\nDISPLAY X.\n```\n\n"
        '<!-- docproof: not-run reason="" -->\n```text\nx\n```\n\n```output\n1\n```\n',
    )
    verdicts = guard.judge(site.root / "mkdocs.yml")
    lines = [f"{v.fence.line}:{v.status}" for v in verdicts]
    assert lines == [
        "3:run",
        "7:UNACCOUNTED: no runner or checker for ```cobol",
        "12:UNACCOUNTED: opt-out without a reason",
        "16:UNACCOUNTED: output block without a python block before it",
    ]
    summary = guard.summary_lines(site.root / "mkdocs.yml")
    assert "unaccounted: 3" in summary
    assert any(str(site.root / "docs" / "p.md") + ":7:" in line for line in summary)


def test_guard_lists_opt_outs_with_reasons(site: MiniSite) -> None:
    site.page(
        "p.md", '<!-- docproof: not-run reason="z/OS only" -->\n```text\nF SRV,REFRESH\n```\n'
    )
    summary = guard.summary_lines(site.root / "mkdocs.yml")
    assert "opt-outs: 1" in summary
    assert "  docs/p.md:2: z/OS only" in summary
    assert "unaccounted: 0" in summary


def test_guard_catches_a_fence_sybil_would_not_collect(
    site: MiniSite, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Stock Sybil silently skips ```python title="x" blocks; if the collection ever loses a
    # fence, the guard's own reading of the page must notice.
    site.page("p.md", '```python title="x.py"\nx = 1\n```\n')
    assert [v.status for v in guard.judge(site.root / "mkdocs.yml")] == ["run"]
    monkeypatch.setattr(guard, "_sybil_region_lines", lambda *_: [])
    assert [v.status for v in guard.judge(site.root / "mkdocs.yml")] == [
        "UNACCOUNTED: Sybil does not collect this fence"
    ]


def test_guard_reads_fences_in_containers_and_not_inside_other_fences(site: MiniSite) -> None:
    page = site.page(
        "p.md",
        '=== "Tab"\n\n    ```console\n    $ echo hi\n    hi\n    ```\n\n'
        "- item\n\n    ```json\n    {}\n    ```\n\n"
        "````markdown\n```python\nnot a fence\n```\n````\n",
    )
    fences = guard.scan(page)
    assert [(f.line, f.language) for f in fences] == [
        (3, "console"),
        (10, "json"),
        (14, "markdown"),
    ]


def test_missing_snippet_fails_the_build(site: MiniSite, tmp_path: Path) -> None:
    site.page("index.md", '# P\n\n```python\n--8<-- "missing.py"\n```\n')
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path / "out")],
        cwd=site.root,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "missing.py" in result.stderr
