"""What every fuzz test asserts: certkit answers or refuses, and what it answers prints."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol, TypeVar

from certkit.errors import CertkitError, one_line

_T = TypeVar("_T")


def answer(call: Callable[..., _T], *args: Any, **kwargs: Any) -> _T | None:
    """``call(*args, **kwargs)``, or ``None`` when certkit refuses the input with its own error.

    Any other exception (a ValueError from cryptography, a RecursionError, an IndexError) is a
    bug: it propagates, and hypothesis shows the input that raised it. A refusal's message must
    print as the command prints it.
    """
    try:
        return call(*args, **kwargs)
    except CertkitError as exc:
        assert one_line(f"certkit: error: {exc}")
        return None


class Result(Protocol):
    """A certkit result: it has the two serialisations."""

    def to_text(self) -> str: ...

    def to_dict(self) -> Any: ...


def printable(result: Result) -> None:
    """The result's text and its JSON, as ``certkit ... [--json]`` prints them, both work."""
    assert isinstance(result.to_text(), str)
    json.dumps(result.to_dict())
