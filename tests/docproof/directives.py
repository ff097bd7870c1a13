"""The HTML-comment directives a page may use around fences.

``<!-- docproof: not-run reason="..." -->`` on the line just before a fence opts that fence out
of the tests; the reason is required and every opt-out is listed in the test output.

``<!-- docproof: expect="EXPRESSION" -->`` on the line just before a fence says that the fence's
content is what certkit generates: the expression is evaluated in the page's namespace (after
the blocks before it ran) and must equal the block, as well as pass the checker for the block's
language. That is how a Mermaid diagram drawn from a real handshake is both rendered and proven.
"""

from __future__ import annotations

import re

OPT_OUT = re.compile(
    r'^[ \t]*<!--\s*docproof:\s*not-run\s+reason="(?P<reason>[^"]*)"\s*-->[ \t]*$', re.MULTILINE
)

#: A pymdownx.snippets include line: ``--8<-- "path"``.
SNIPPET_LINE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"(?P<path>[^"]+)"[ \t]*$', re.MULTILINE)


EXPECT = re.compile(r'^[ \t]*<!--\s*docproof:\s*expect="(?P<expression>[^"]+)"\s*-->[ \t]*$')


def _line_before(text: str, fence_start: int) -> str | None:
    line_start = text.rfind("\n", 0, fence_start) + 1
    if line_start == 0:
        return None
    previous_start = text.rfind("\n", 0, line_start - 1) + 1
    return text[previous_start : line_start - 1]


def opt_out_before(text: str, fence_start: int) -> str | None:
    """The reason of an opt-out directive on the line just before ``fence_start``, if any."""
    line = _line_before(text, fence_start)
    match = OPT_OUT.match(line) if line is not None else None
    return match.group("reason") if match else None


def expect_before(text: str, fence_start: int) -> str | None:
    """The expression of an expect directive on the line just before ``fence_start``, if any."""
    line = _line_before(text, fence_start)
    match = EXPECT.match(line) if line is not None else None
    return match.group("expression") if match else None
