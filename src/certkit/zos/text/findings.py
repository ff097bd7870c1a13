"""Where a problem is in pasted text, and what a validator says about it.

One model for every z/OS validator: TSO commands, server.xml, and the policies and trace
specifications to come.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

__all__ = ["Finding", "Position", "Report", "in_order"]


@dataclass(frozen=True)
class Position:
    """Where something starts in the pasted text, as an editor counts: from line 1, column 1."""

    line: int
    column: int

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}"


@dataclass(frozen=True)
class Finding:
    """A problem in a pasted command: where, how bad, what is wrong and what to do.

    Attributes:
        position: Where it is (line and column).
        severity: ``error`` (RACF refuses it, or it cannot do what is meant) or ``warning``.
        message: One line: what is wrong, and what to do.
    """

    position: Position
    severity: Literal["error", "warning"]
    message: str

    def __str__(self) -> str:
        return f"{self.position}: {self.severity}: {self.message}"


@dataclass(frozen=True)
class Report:
    """What a validator found in one pasted file, for ``certkit zos lint``.

    Attributes:
        source: The file's name as messages show it.
        kind: What the text was read as: ``racf`` (TSO commands) or ``server.xml``.
        findings: The findings, in the order of the text.
    """

    source: str
    kind: str
    findings: tuple[Finding, ...]

    def count(self, severity: str) -> int:
        """How many findings of that severity there are."""
        return sum(1 for f in self.findings if f.severity == severity)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready data: the source, the kind and each finding's line and column."""
        return {
            "source": self.source,
            "kind": self.kind,
            "findings": [
                {
                    "line": f.position.line,
                    "column": f.position.column,
                    "severity": f.severity,
                    "message": f.message,
                }
                for f in self.findings
            ],
        }

    def to_text(self) -> str:
        """One line per finding, as compilers write them (``file:line:column: severity: ...``).

        Examples:
            >>> finding = Finding(Position(3, 7), "error", "a message")
            >>> print(Report("job.txt", "racf", (finding,)).to_text())
            job.txt:3:7: error: a message
            >>> print(Report("job.txt", "racf", ()).to_text())
            job.txt: racf: no problems found
        """
        if not self.findings:
            return f"{self.source}: {self.kind}: no problems found"
        return "\n".join(
            f"{self.source}:{f.position.line}:{f.position.column}: {f.severity}: {f.message}"
            for f in self.findings
        )


def in_order(findings: Iterable[Finding], limit: int) -> list[Finding]:
    """Findings in the order of the text, at most ``limit`` and then one that says so.

    Examples:
        >>> many = [Finding(Position(n, 1), "error", "x") for n in (3, 1, 2)]
        >>> [str(f.position) for f in in_order(many, 2)]
        ['line 1, column 1', 'line 2, column 1', 'line 2, column 1']
        >>> in_order(many, 2)[-1].message
        'more findings not shown; fix these first'
    """
    ordered = sorted(findings, key=lambda f: (f.position.line, f.position.column))
    if len(ordered) <= limit:
        return ordered
    last = ordered[limit - 1].position
    return [*ordered[:limit], Finding(last, "warning", "more findings not shown; fix these first")]
