"""Where a problem is in pasted text, and what a validator says about it.

One model for every z/OS validator: TSO commands, server.xml, and the policies and trace
specifications to come.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["Finding", "Position"]


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
