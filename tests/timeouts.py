"""Bounded waits for tests whose failure mode is a hang (correctness, not speed).

Each waits for an event (work done, a line printed) and only fails at a generous deadline.
"""

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


class Lines:
    """The lines a child process prints, read in a thread, so a test can wait for one of them.

    Waiting for a line is waiting for an event: the test goes on as soon as the line arrives,
    and fails (with everything read so far) only if it has not arrived by a generous deadline
    or the stream ended first. Every line stays in ``seen``; `rest` returns what follows once the
    stream ends.
    """

    def __init__(self, stream: Any) -> None:
        import queue

        self.seen: list[str] = []
        self._queue: queue.Queue[str | None] = queue.Queue()
        self._thread = threading.Thread(target=self._pump, args=(stream,), daemon=True)
        self._thread.start()

    def _pump(self, stream: Any) -> None:
        try:
            for line in stream:
                self._queue.put(line)
        finally:
            self._queue.put(None)

    def wait_for(self, wanted: Callable[[str], bool], seconds: float, what: str) -> str:
        """The first line for which ``wanted`` is true; fail if none comes within ``seconds``."""
        import queue
        import time

        deadline = time.monotonic() + seconds
        while True:
            try:
                line = self._queue.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                pytest.fail(f"no {what} within {seconds} s; read so far: {''.join(self.seen)!r}")
            if line is None:
                self._queue.put(None)
                pytest.fail(f"the stream ended before {what}; read: {''.join(self.seen)!r}")
            self.seen.append(line)
            if wanted(line):
                return line

    def rest(self, seconds: float) -> str:
        """Everything printed after the lines consumed so far, once the stream has ended."""
        self._thread.join(seconds)
        if self._thread.is_alive():
            pytest.fail(f"the stream did not end within {seconds} s")
        tail: list[str] = []
        while (line := self._queue.get()) is not None:
            tail.append(line)
        self._queue.put(None)
        self.seen += tail
        return "".join(tail)


def server_is_serving(port: int, seconds: float, host: str = "127.0.0.1") -> Any:
    """Connect to a TLS server, send a ClientHello, and return once the server has answered.

    The server's first bytes are the event that it has accepted the connection and is serving
    it. The client then says nothing more, so the connection stays open on the server's side
    (until its own timeout) for as long as the test keeps the returned socket open; it fails
    if no answer comes within ``seconds``.
    """
    import contextlib
    import socket
    import ssl

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    incoming, outgoing = ssl.MemoryBIO(), ssl.MemoryBIO()
    hello = context.wrap_bio(incoming, outgoing, server_hostname="localhost")
    with contextlib.suppress(ssl.SSLWantReadError):
        hello.do_handshake()
    sock = socket.create_connection((host, port), timeout=seconds)
    try:
        sock.sendall(outgoing.read())
        if not sock.recv(1):
            pytest.fail(f"the server on port {port} closed the connection instead of answering")
    except TimeoutError:
        sock.close()
        pytest.fail(f"the server on port {port} did not answer a ClientHello within {seconds} s")
    except BaseException:
        sock.close()
        raise
    return sock
