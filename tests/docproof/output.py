"""Compare what a block printed with the output the page shows."""

from __future__ import annotations

import difflib
import doctest

_CHECKER = doctest.OutputChecker()


def normalise(text: str) -> str:
    """Strip trailing spaces on each line and trailing blank lines; end with one newline."""
    lines = [line.rstrip() for line in text.replace("\r\n", "\n").split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines) + "\n" if lines else ""


def matches(expected: str, actual: str) -> bool:
    """True when ``actual`` matches ``expected``; ``...`` in ``expected`` matches anything."""
    want, got = normalise(expected), normalise(actual)
    return want == got or _CHECKER.check_output(want, got, doctest.ELLIPSIS)


def diff(expected: str, actual: str, where: str) -> str:
    """A unified diff from the page's output to the real output, headed by file:line."""
    lines = difflib.unified_diff(
        normalise(expected).splitlines(keepends=True),
        normalise(actual).splitlines(keepends=True),
        fromfile="shown on the page",
        tofile="printed when run",
    )
    return f"{where}: the output differs from what the page shows\n" + "".join(lines)
