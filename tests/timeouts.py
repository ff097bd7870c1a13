"""A hard time limit for tests whose failure mode is a hang (correctness, not speed)."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

T = TypeVar("T")


def within(seconds: float, work: Callable[[], T], what: str = "the work") -> T:
    """Run ``work`` in a daemon thread; fail, rather than hang the suite, if it takes too long."""
    box: dict[str, Any] = {}

    def target() -> None:
        try:
            box["result"] = work()
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        pytest.fail(f"{what} did not finish within {seconds} s")
    if "error" in box:
        raise box["error"]
    result: T = box["result"]
    return result
