"""How every command prints a result: ``to_text()`` for people, ``to_dict()`` as JSON.

Every result type of certkit (a [`Description`][certkit.certificates.anatomy.Description], a
[`Verification`][certkit.certificates.verify.Verification], lint
[`Reports`][certkit.certificates.lint.Reports], a cipher
[`Suite`][certkit.tls.ciphersuites.Suite], a handshake
[`Recording`][certkit.tls.recording.Recording]) has ``to_dict()`` (JSON-ready data) and
``to_text()`` (text for people). [`show`][certkit.cli.output.show] prints one, or a list of
them, either way, so that no command turns a result into JSON itself and ``--json`` means the
same everywhere: ``json.dumps`` with an indent of 2, non-ASCII characters as themselves.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Protocol

__all__ = ["Result", "json_text", "show"]


class Result(Protocol):
    """What ``show`` prints: a result with the two serialisations."""

    def to_dict(self) -> Any:
        """JSON-ready data."""

    def to_text(self) -> str:
        """Text for people."""


def json_text(data: Any) -> str:
    """JSON-ready data as the ``--json`` of every command prints it (no final newline).

    Examples:
        >>> print(json_text({"subject": "CN=Zürich", "ok": True}))
        {
          "subject": "CN=Zürich",
          "ok": true
        }
    """
    return json.dumps(data, indent=2, ensure_ascii=False)


def show(
    result: Result | Sequence[Result], *, as_json: bool = False, separator: str = "\n\n"
) -> None:
    """Print a result, or several, on standard output.

    Args:
        result: One result, or a sequence of them (a JSON list; texts joined by ``separator``).
        as_json: Print ``to_dict()`` as JSON instead of ``to_text()``.
        separator: What stands between the texts of several results.

    The output ends with exactly one newline, whether or not the text ends with one.
    """
    if isinstance(result, Sequence):
        if as_json:
            text = json_text([r.to_dict() for r in result])
        else:
            text = separator.join(r.to_text() for r in result)
    else:
        text = json_text(result.to_dict()) if as_json else result.to_text()
    print(text, end="" if text.endswith("\n") else "\n")
