"""The HTML-comment directives a page may use around fences.

``<!-- docproof: not-run reason="..." -->`` on the line just before a fence opts that fence out
of the tests; the reason is required and every opt-out is listed in the test output.
"""

from __future__ import annotations

import re

OPT_OUT = re.compile(
    r'^[ \t]*<!--\s*docproof:\s*not-run\s+reason="(?P<reason>[^"]*)"\s*-->[ \t]*$', re.MULTILINE
)

#: A pymdownx.snippets include line: ``--8<-- "path"``.
SNIPPET_LINE = re.compile(r'^[ \t]*-{1,}8<-{1,}[ \t]+"(?P<path>[^"]+)"[ \t]*$', re.MULTILINE)


def opt_out_before(text: str, fence_start: int) -> str | None:
    """The reason of an opt-out directive on the line just before ``fence_start``, if any."""
    line_start = text.rfind("\n", 0, fence_start) + 1
    if line_start == 0:
        return None
    previous_start = text.rfind("\n", 0, line_start - 1) + 1
    match = OPT_OUT.match(text[previous_start : line_start - 1])
    return match.group("reason") if match else None
