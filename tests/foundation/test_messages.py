"""certkit.errors: every message one line, bounded, with what the user typed escaped."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from certkit.errors import MESSAGE_LIMIT, one_line, quote, shown

QUICK = settings(max_examples=200, deadline=None, derandomize=True, database=None)


@QUICK
@given(st.text(max_size=1000), st.integers(min_value=20, max_value=400))
def test_one_line_is_one_bounded_printable_line(message: str, limit: int) -> None:
    line = one_line(message, limit)
    assert len(line) <= limit
    assert line.isprintable() or all(c.isprintable() or c == " " for c in line)
    assert "\n" not in line and "\r" not in line and "\x1b" not in line


@QUICK
@given(st.text(max_size=500))
def test_quote_and_shown_escape_and_bound(value: str) -> None:
    for text in (quote(value), shown(value)):
        assert all(c.isprintable() for c in text), text
        assert len(text) <= 4 * 120 + 40


def test_the_end_of_a_long_message_survives() -> None:
    """A deep path is shortened in its middle, so 'what to do' at the end is still there."""
    path = "/var/" + "very-long-directory-name/" * 12 + "server.pem"
    line = one_line(f"certkit: error: {path}: no such file; check the name")
    assert len(line) <= MESSAGE_LIMIT and line.endswith("server.pem: no such file; check the name")


def test_a_huge_message_costs_little() -> None:
    line = one_line("x " * 5_000_000 + "do this")
    assert len(line) == MESSAGE_LIMIT


def test_bytes_that_were_not_utf8_show_as_hex() -> None:
    assert quote("caf\udce9") == "'caf\\xe9'"
    assert one_line("bidi \u202e override") == "bidi \\u202e override"
