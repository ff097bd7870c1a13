"""The guard: read every page on its own (not through Sybil) and account for every fence.

A fence is accounted for when it is run (its language is in `languages.RUN`), checked (in
`languages.CHECKED`), an ``output`` block right after a python block, or opted out with a
written reason. The guard then asks the Sybil configuration which regions it would collect and
fails on any fence Sybil would not turn into an example: that is how a header that Sybil
silently skips gets caught.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from docproof.directives import OPT_OUT, SNIPPET_LINE
from docproof.languages import CHECKED, OUTPUT, RUN, language_of
from docproof.site_config import load

_OPEN = re.compile(r"^[ \t]*(?:[-*+][ \t]+|\d+[.)][ \t]+)?(?P<fence>`{3,}|~{3,})(?P<info>.*)$")


@dataclass(frozen=True)
class Fence:
    page: Path
    line: int  # 1-based line of the opening fence
    end_line: int  # 1-based line of the closing fence
    language: str
    info: str
    opt_out: str | None  # the written reason, when opted out


@dataclass(frozen=True)
class Verdict:
    fence: Fence
    status: str  # "run", "checked", "output", "opted out", or "UNACCOUNTED: why"

    @property
    def accounted(self) -> bool:
        return not self.status.startswith("UNACCOUNTED")

    def __str__(self) -> str:
        return f"{self.fence.page}:{self.fence.line}: ```{self.fence.info.strip()}: {self.status}"


def scan(page: Path) -> list[Fence]:
    """Every fenced block of a Markdown page. Text inside a fence is literal: nothing opens there."""
    lines = page.read_text(encoding="utf-8").split("\n")
    fences: list[Fence] = []
    open_at: tuple[int, str, str] | None = None  # (line index, fence, info)
    for index, line in enumerate(lines):
        stripped = line.strip()
        if open_at is not None:
            start, fence, info = open_at
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                fences.append(_fence(page, lines, start, index, info))
                open_at = None
            continue
        match = _OPEN.match(line)
        if match:
            info = match.group("info")
            if match.group("fence")[0] == "`" and "`" in info:
                continue  # an inline code span such as ```text``` is not a fence
            open_at = (index, match.group("fence"), info)
    if open_at is not None:
        fences.append(_fence(page, lines, open_at[0], len(lines) - 1, open_at[2]))
    return fences


def _fence(page: Path, lines: list[str], start: int, end: int, info: str) -> Fence:
    previous = lines[start - 1] if start > 0 else ""
    match = OPT_OUT.match(previous)
    return Fence(
        page, start + 1, end + 1, language_of(info), info, match.group("reason") if match else None
    )


def _sybil_region_lines(mkdocs_yml: Path, page: Path) -> list[tuple[int, int]]:
    """(first line, last line) of every example the Sybil configuration collects on a page."""
    from docproof import make_sybil

    document = make_sybil(mkdocs_yml).parse(page)
    return [
        (example.line, document.text.count("\n", 0, example.end) + 1)
        for example in document.examples()
    ]


def _status(fence: Fence, previous: Fence | None, spans: list[tuple[int, int]]) -> str:
    if fence.opt_out is not None:
        if not fence.opt_out.strip():
            return "UNACCOUNTED: opt-out without a reason"
        status = "opted out"
    elif fence.language == OUTPUT:
        after_python = previous is not None and previous.language in {"python", "py"}
        if after_python and any(s < fence.line <= e for s, e in spans):
            return "output"
        return "UNACCOUNTED: output block without a python block before it"
    elif fence.language in RUN:
        status = "run"
    elif fence.language in CHECKED:
        status = "checked"
    elif not fence.language:
        return "UNACCOUNTED: fence without a language"
    else:
        return f"UNACCOUNTED: no runner or checker for ```{fence.language}"
    if fence.line not in {start for start, _ in spans}:
        return "UNACCOUNTED: Sybil does not collect this fence"
    return status


def judge(mkdocs_yml: Path) -> list[Verdict]:
    """A verdict for every fence on every page of the site."""
    site = load(mkdocs_yml.resolve())
    verdicts: list[Verdict] = []
    for page in sorted(site.docs_dir.rglob("*.md")):
        spans = _sybil_region_lines(mkdocs_yml, page)
        previous: Fence | None = None
        for fence in scan(page):
            verdicts.append(Verdict(fence, _status(fence, previous, spans)))
            previous = fence
    return verdicts


def missing_snippets(mkdocs_yml: Path) -> Iterator[str]:
    """``file:line: path`` for every ``--8<--`` include whose file does not exist."""
    site = load(mkdocs_yml.resolve())
    for page in sorted(site.docs_dir.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        for match in SNIPPET_LINE.finditer(text):
            target = match.group("path").split(":")[0]
            if not any((base / target).is_file() for base in site.snippet_bases):
                yield f"{page}:{text.count(chr(10), 0, match.start()) + 1}: {target}"


def summary_lines(mkdocs_yml: Path) -> list[str]:
    """Counts of fences by verdict, the opt-outs with their reasons, and any unaccounted fence."""
    verdicts = judge(mkdocs_yml)
    root = mkdocs_yml.resolve().parent
    counts: dict[str, int] = {}
    for verdict in verdicts:
        key = verdict.status if verdict.accounted else "UNACCOUNTED"
        counts[key] = counts.get(key, 0) + 1
    pages = len({v.fence.page for v in verdicts})
    parts = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    lines = [f"{len(verdicts)} fenced blocks on {pages} pages: {parts or 'none'}"]
    unaccounted = counts.get("UNACCOUNTED", 0)
    lines.append(f"unaccounted: {unaccounted}")
    opt_outs = [v for v in verdicts if v.status.startswith("opted out")]
    lines.append(f"opt-outs: {len(opt_outs)}")
    for verdict in opt_outs:
        fence = verdict.fence
        lines.append(f"  {fence.page.relative_to(root)}:{fence.line}: {fence.opt_out}")
    for verdict in verdicts:
        if not verdict.accounted:
            lines.append(f"  {verdict}")
    return lines
