"""certkit.errors.one_line on any text: what escaping it all and cutting it would print."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from certkit.errors import MESSAGE_LIMIT, one_line
from fuzz.budget import fuzz

TEXT = st.text(
    alphabet=st.sampled_from(["a", " ", "\n", "\t", "\x1b", "\\", "\u2028", "\udc80", "é", "\x00"]),
    max_size=400,
)


@fuzz(300)
@given(TEXT, st.integers(3, 300))
def test_one_line_is_the_whole_message_escaped_then_cut(message: str, limit: int) -> None:
    """one_line escapes only what can show (a message may be megabytes); the same line."""
    whole = one_line(message, limit=10**9)
    expected = whole if len(whole) <= limit else whole[: limit - 3].rstrip() + "..."
    assert one_line(message, limit=limit) == expected
    assert len(one_line(message)) <= MESSAGE_LIMIT and "\n" not in one_line(message)
