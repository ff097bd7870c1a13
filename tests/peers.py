"""A pytest plugin that notes which tests talk to another process, a socket or a browser.

scripts/soak.py loads it (``-p peers --peers-record FILE``) for one pass over the suite, then
runs just those tests again and again under load: they are the ones whose timing depends on
something other than the test itself. A test is noted when, during its setup, call or
teardown, it starts a process (anything through `subprocess`), connects, binds or listens on
a socket, or is marked ``browser``. A page (or a module's docstrings) is noted whole when any
of its examples is, because its examples only run in order.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from sybil.integration.pytest import SybilItem

_touched = False


def _noting(original: Callable[..., Any]) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        global _touched
        _touched = True
        return original(*args, **kwargs)

    return wrapper


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--peers-record",
        metavar="FILE",
        help="append the ids of tests that talk to a process, a socket or a browser to FILE",
    )


def _target(item: pytest.Item) -> str:
    """What to run again: the test itself, or the whole document a Sybil example is in."""
    if isinstance(item, SybilItem):
        return item.nodeid.split("::", 1)[0]
    return item.nodeid


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> Iterator[None]:
    record = item.config.getoption("--peers-record")
    if not record:
        yield
        return
    global _touched
    _touched = item.get_closest_marker("browser") is not None
    patched = [
        (subprocess.Popen, "_execute_child"),
        (socket.socket, "connect"),
        (socket.socket, "connect_ex"),
        (socket.socket, "bind"),
        (socket.socket, "listen"),
    ]
    # (owner, name, the attribute, whether the class itself defined it or inherited it)
    originals = [(o, n, getattr(o, n), n in vars(o)) for o, n in patched]
    for owner, name, original, _ in originals:
        setattr(owner, name, _noting(original))
    try:
        yield
    finally:
        for owner, name, original, own in originals:
            if own:
                setattr(owner, name, original)
            else:
                delattr(owner, name)
    if _touched:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        with Path(f"{record}.{worker}").open("a", encoding="utf-8") as f:
            f.write(_target(item) + "\n")
