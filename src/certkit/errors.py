"""The errors certkit raises, and the one way their messages are made safe to print.

Every error certkit raises on purpose derives from [`CertkitError`][certkit.errors.CertkitError],
so a caller (and the `certkit` command) can tell "certkit refused this input" apart from a bug.

A message often names what the user gave: a file name, a host, an option's value. Those come
from anywhere (a file name can hold a newline or a terminal escape sequence, a pasted value can
be megabytes long), so a message quotes them with [`quote`][certkit.errors.quote], and the
command prints every message through [`one_line`][certkit.errors.one_line]: one line, control
characters escaped, bounded.
"""

from __future__ import annotations

__all__ = ["MESSAGE_LIMIT", "CertkitError", "InputError", "one_line", "quote"]

MESSAGE_LIMIT = 200
"""The most characters of an error line ``certkit`` prints, ``certkit: error:`` included."""

_QUOTE_LIMIT = 60


class CertkitError(Exception):
    """Base class of every error certkit raises on purpose.

    The message is one line that says what is wrong and what to do about it.
    """


class InputError(CertkitError):
    """The input (a file, a name, an option) cannot be used as given."""


def _escaped(text: str) -> str:
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char == "\\":
            out.append("\\\\")
        elif code < 0x20 or code == 0x7F or 0x80 <= code < 0xA0 or 0xD800 <= code < 0xE000:
            out.append({"\n": "\\n", "\r": "\\r", "\t": "\\t"}.get(char, f"\\x{code:02x}"))
        elif code in (0x2028, 0x2029, 0x85, 0xFEFF) or 0x202A <= code <= 0x202E:
            out.append(f"\\u{code:04x}")  # line separators and bidirectional overrides
        else:
            out.append(char)
    return "".join(out)


def quote(value: object, limit: int = _QUOTE_LIMIT) -> str:
    r"""A value the user gave, ready to stand in a message: quoted, escaped and bounded.

    Control characters, bytes that were not UTF-8 and Unicode line separators are written as
    escapes, so that a file name cannot end a line or move the cursor; a long value is cut,
    with ``...`` and its length.

    Args:
        value: A file name, host, option value (or anything; ``str()`` is used).
        limit: The most characters of the value to show.

    Examples:
        >>> quote("server.pem")
        "'server.pem'"
        >>> quote("evil\x1b[2Jname\n")
        "'evil\\x1b[2Jname\\n'"
        >>> quote("x" * 100, limit=10)
        "'xxxxxxxxxx...' (100 characters)"
    """
    text = str(value)
    if len(text) <= limit:
        return f"'{_escaped(text)}'"
    return f"'{_escaped(text[:limit])}...' ({len(text)} characters)"


def one_line(message: object, limit: int = MESSAGE_LIMIT) -> str:
    r"""A message as one printable line of at most ``limit`` characters.

    Control characters and line breaks are escaped (a message is one line even if a library's
    text held several), and a message longer than ``limit`` is cut with ``...``.

    Examples:
        >>> one_line("first line\nsecond line")
        'first line\\nsecond line'
        >>> len(one_line("word " * 100))
        200
    """
    # Only the first ``limit`` characters can show, and escaping never shortens a character:
    # escape those (and one more, to know it was cut), not a message of megabytes.
    text = _escaped(" ".join(str(message).split(" ")).strip()[: limit + 1])
    if len(text) <= limit:
        return text
    return text[: limit - 3].rstrip() + "..."
