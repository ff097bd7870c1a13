"""The Sybil side of docproof: one parser that turns every fence of a page into an example.

Each fence becomes exactly one Sybil region:

* ``python``/``py`` (any header: ``title=``, ``linenums``, ``hl_lines``, ``{ .python .annotate }``)
  run in the page's namespace; an ``output`` fence right after one (blank lines and an
  annotation list may sit between) is merged into the same region and compared with what the
  block printed. A block that prints while the page shows no output fails;
* ``pycon`` sessions run as doctests in the page's namespace;
* ``console`` sessions run their ``$`` commands (see `docproof.console`);
* languages in `languages.CHECKED` go through their checker;
* a fence preceded by ``<!-- docproof: not-run reason="..." -->`` is reported as skipped with
  its reason;
* anything else fails, naming the fence's language and line.

Hidden setup code in ``<!-- invisible-code-block: python ... -->`` comments runs like a
python block. ``--8<--`` snippet lines inside a fence are expanded with pymdownx.snippets,
configured from mkdocs.yml, before the block is run or checked.
"""

from __future__ import annotations

import contextlib
import doctest
import io
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from pymdownx.snippets import SnippetMissingError
from sybil import Document, Example, Region, Sybil
from sybil.parsers.markdown.lexers import DirectiveInHTMLCommentLexer, RawFencedCodeBlockLexer

from docproof import console, output
from docproof.directives import SNIPPET_LINE, expect_before, opt_out_before
from docproof.languages import CHECKED, OUTPUT, RUN, language_of
from docproof.site_config import SiteConfig, load

NAMESPACE_KEY = "__docproof__"
_ANNOTATION_OR_BLANK = re.compile(r"^(?:[ \t]*|[ \t]*\d+\.[ \t].*|[ \t]{2,}\S.*)$")


@dataclass
class Page:
    """Per-page state: the scratch directory commands and code run in."""

    path: Path
    scratch: Path


@dataclass(frozen=True)
class Block:
    kind: str  # the fence language, "hidden-python", "opt-out", "orphan-output"
    source: str
    line: int  # 1-based line of the fence (or directive) in the page
    expected: str | None = None
    reason: str = ""
    # Where the shown output lives in the page (character span of an output fence's body, or of
    # a console fence's body) and the indentation of its lines: what `regen` rewrites.
    shown_span: tuple[int, int] | None = None
    prefix: str = ""
    expect: str | None = None  # an expression whose value the block must equal


#: When not None, evaluators record what blocks really print here (span -> (prefix, text))
#: instead of comparing; `docproof.regen` uses it to rewrite a page's shown output.
RECORDER: dict[tuple[int, int], tuple[str, str]] | None = None


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _outermost(regions: list[Region]) -> list[Region]:
    """Drop fences nested inside another fence: inside a fence, text is literal (a ````markdown
    example that shows a ```python block does not run that block)."""
    kept: list[Region] = []
    for region in regions:
        if kept and region.start < kept[-1].end:
            continue
        kept.append(region)
    return kept


def _body_span(text: str, region: Region) -> tuple[int, int]:
    start = text.index("\n", region.start) + 1
    end = text.rfind("\n", start, region.end) + 1
    return start, max(start, end)


def _prefix(text: str, position: int) -> str:
    line_start = text.rfind("\n", 0, position) + 1
    line = text[
        line_start : text.index("\n", line_start) if "\n" in text[line_start:] else len(text)
    ]
    return line[: len(line) - len(line.lstrip(" \t"))]


class FenceParser:
    """A Sybil parser for every fenced block (and hidden python block) of a Markdown page."""

    def __init__(self, site: SiteConfig) -> None:
        self.site = site
        self.fences = RawFencedCodeBlockLexer(
            info_pattern=re.compile(r"(?P<info>[^\n]*)$\n", re.MULTILINE),
            mapping={"info": "info", "source": "source"},
        )
        self.hidden = DirectiveInHTMLCommentLexer(
            directive="invisible-code-block", arguments="python"
        )

    def __call__(self, document: Document) -> Iterable[Region]:
        text = document.text
        fence_regions = _outermost(sorted(self.fences(document), key=lambda r: r.start))
        regions: list[Region] = []
        previous: tuple[Region, str, str] | None = None  # region, language, source
        for region in fence_regions:
            language = language_of(region.lexemes["info"])
            source = str(region.lexemes["source"])
            line = _line_of(text, region.start)
            reason = opt_out_before(text, region.start)
            if language == OUTPUT and reason is None:
                between = text[previous[0].end : region.start] if previous else ""
                if (
                    previous is not None
                    and previous[1] in {"python", "py"}
                    and all(_ANNOTATION_OR_BLANK.match(x) for x in between.split("\n"))
                ):
                    prev_region, prev_language, prev_source = previous
                    regions[-1] = self._region(
                        prev_region.start,
                        region.end,
                        Block(
                            prev_language,
                            prev_source,
                            _line_of(text, prev_region.start),
                            source,
                            shown_span=_body_span(text, region),
                            prefix=_prefix(text, region.start),
                        ),
                    )
                    previous = None
                    continue
                block = Block("orphan-output", source, line)
            elif reason is not None:
                block = Block("opt-out", source, line, reason=reason)
            else:
                block = Block(
                    language,
                    source,
                    line,
                    shown_span=_body_span(text, region),
                    prefix=_prefix(text, region.start),
                    expect=expect_before(text, region.start),
                )
            regions.append(self._region(region.start, region.end, block))
            previous = (region, language, source)
        for region in self.hidden(document):
            block = Block(
                "hidden-python", str(region.lexemes["source"]), _line_of(text, region.start)
            )
            regions.append(self._region(region.start, region.end, block))
        return sorted(regions, key=lambda r: r.start)

    def _region(self, start: int, end: int, block: Block) -> Region:
        return Region(start, end, parsed=block, evaluator=self.evaluate)

    # -- evaluation ---------------------------------------------------------------------------

    def evaluate(self, example: Example) -> str | None:
        block: Block = example.parsed
        page: Page = example.namespace[NAMESPACE_KEY]
        where = f"{_relative(example.path)}:{block.line}"
        if block.kind == "opt-out":
            if not block.reason.strip():
                return f"{where}: an opt-out needs a written reason"
            pytest.skip(f"{where}: not run: {block.reason}")
        if block.kind == "orphan-output":
            return (
                f"{where}: an output block must directly follow the python block whose output "
                "it shows"
            )
        try:
            source = self._expand(block.source)
        except SnippetMissingError as exc:
            return f"{where}: snippet include failed: {exc}"
        if block.expect is not None:
            problem = self._compare_expected(block, source, example, where)
            if problem or RECORDER is not None:  # regenerating: the old text is replaced
                return problem
        runner = self._runners().get(block.kind)
        if runner is not None:
            return runner(self, source, block, page, example, where)
        if block.kind in CHECKED:
            problem = CHECKED[block.kind](source)
            return f"{where}: {problem}" if problem else None
        if not block.kind:
            return f"{where}: a fence needs a language (```python, ```console, ```xml, ...)"
        return (
            f"{where}: no runner or checker for ```{block.kind} blocks; use a language docproof "
            f"knows ({', '.join(sorted(RUN | set(CHECKED)))}) or add "
            '<!-- docproof: not-run reason="..." --> on the line before the fence'
        )

    def _compare_expected(
        self, block: Block, source: str, example: Example, where: str
    ) -> str | None:
        assert block.expect is not None
        try:
            value = eval(block.expect, example.namespace)
        except Exception as exc:
            return f"{where}: expect={block.expect!r} failed: {type(exc).__name__}: {exc}"
        generated = str(value)
        if RECORDER is not None and block.shown_span:
            RECORDER[block.shown_span] = (block.prefix, output.normalise(generated))
            return None
        if output.normalise(generated) != output.normalise(source):
            return output.diff(source, generated, where).replace(
                "printed when run", f"generated by {block.expect}"
            )
        return None

    def _expand(self, source: str) -> str:
        if SNIPPET_LINE.search(source):
            return self.site.expand_snippets(source)
        return source

    @staticmethod
    def _runners() -> dict[str, Callable[..., str | None]]:
        return {
            "python": FenceParser._run_python,
            "py": FenceParser._run_python,
            "hidden-python": FenceParser._run_python,
            "pycon": FenceParser._run_pycon,
            "console": FenceParser._run_console,
        }

    def _run_python(
        self, source: str, block: Block, page: Page, example: Example, where: str
    ) -> str | None:
        first = block.line  # the code starts on the line after the fence
        code = compile("\n" * first + source, example.path, "exec", dont_inherit=True)
        captured = io.StringIO()
        with contextlib.chdir(page.scratch), contextlib.redirect_stdout(captured):
            exec(code, example.namespace)
        printed = captured.getvalue()
        if RECORDER is not None and block.expected is not None and block.shown_span:
            RECORDER[block.shown_span] = (block.prefix, output.normalise(printed))
            return None
        if block.expected is None:
            if printed.strip() and block.kind != "hidden-python":
                return (
                    f"{where}: the block printed output that the page does not show; "
                    "add an ```output block after it:\n" + printed
                )
            return None
        if not output.matches(block.expected, printed):
            return output.diff(block.expected, printed, where)
        return None

    def _run_pycon(
        self, source: str, block: Block, page: Page, example: Example, where: str
    ) -> str | None:
        parser = doctest.DocTestParser()
        test = parser.get_doctest(source, example.namespace, where, example.path, block.line)
        if not test.examples:
            return f"{where}: a pycon block with no >>> example"
        report = io.StringIO()
        runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
        with contextlib.chdir(page.scratch):
            result = runner.run(test, out=report.write, clear_globs=False)
        if result.failed:
            return f"{where}: pycon session failed\n{report.getvalue()}"
        return None

    def _run_console(
        self, source: str, block: Block, page: Page, example: Example, where: str
    ) -> str | None:
        try:
            if RECORDER is not None and block.shown_span:
                RECORDER[block.shown_span] = (
                    block.prefix,
                    console.replay(source, block.line + 1, page.scratch),
                )
                return None
            return console.run(source, block.line + 1, page.scratch, _relative(example.path))
        except ValueError as exc:
            return f"{_relative(example.path)}: {exc}"


def _relative(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def _setup(namespace: dict[str, Any]) -> None:
    scratch = Path(tempfile.mkdtemp(prefix="docproof-"))
    namespace[NAMESPACE_KEY] = Page(path=Path(namespace.get("__file__", "")), scratch=scratch)


def _teardown(namespace: dict[str, Any]) -> None:
    page = namespace.get(NAMESPACE_KEY)
    if page is not None:
        shutil.rmtree(page.scratch, ignore_errors=True)


def make_sybil(mkdocs_yml: Path) -> Sybil:
    """A Sybil that proves every fenced block of every page of the site in ``mkdocs_yml``."""
    site = load(mkdocs_yml.resolve())
    return Sybil(
        parsers=[FenceParser(site)],
        patterns=["*.md"],
        path=str(site.docs_dir),
        setup=_setup,
        teardown=_teardown,
        name="docproof",
    )
