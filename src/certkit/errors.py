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

__all__ = ["MESSAGE_LIMIT", "CertkitError", "InputError", "one_line", "quote", "shown"]

MESSAGE_LIMIT = 200
"""The most characters of an error line ``certkit`` prints, ``certkit: error:`` included."""

_QUOTE_LIMIT = 60


class CertkitError(Exception):
    """Base class of every error certkit raises on purpose.

    The message is one line that says what is wrong and what to do about it.
    """


class InputError(CertkitError):
    """The input (a file, a name, an option) cannot be used as given."""


def _escaped(text: str, *, backslash: bool = True) -> str:
    if text.isprintable() and (not backslash or "\\" not in text):
        return text  # the common case, in one C call
    out = []
    for char in text:
        code = ord(char)
        if 0xDC80 <= code <= 0xDCFF:  # a byte that was not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif char == "\\" and backslash:
            out.append("\\\\")
        elif char in _NAMED:
            out.append(_NAMED[char])
        elif char.isprintable():
            out.append(char)
        elif code < 0x100:
            out.append(f"\\x{code:02x}")  # control characters (a terminal's escape sequences)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")  # line separators, bidirectional overrides, ...
        else:
            out.append(f"\\U{code:08x}")
    return "".join(out)


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


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


def shown(value: object, limit: int = 60) -> str:
    r"""A file name (or another name) as a message starts with it: as given, unless unsafe.

    A short name of printable characters is shown as it is (``server.pem: no such file``).
    A name with control characters, line breaks or blanks around it goes through
    [`quote`][certkit.errors.quote], so that it cannot end the error line or move the cursor,
    and shows where it ends. A long name keeps its end, where the file's own name is.

    Examples:
        >>> shown("lab/server.pem")
        'lab/server.pem'
        >>> shown("evil\nname.pem")
        "'evil\\nname.pem'"
        >>> shown("/very/long/" + "x" * 80 + "/server.pem")
        '...xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx/server.pem'
    """
    text = str(value)
    if len(text) > limit:
        text = "..." + text[3 - limit :]
    if text == text.strip() and _escaped(text) == text:
        return text
    quoted, room = quote(text, limit), limit
    while len(quoted) > limit + 24 and room > 8:  # escapes make a quoted name longer
        room //= 2
        quoted = quote(text, room)
    return quoted


def one_line(message: object, limit: int = MESSAGE_LIMIT) -> str:
    r"""A message as one printable line of at most ``limit`` characters.

    Control characters and line breaks are escaped (a message is one line even if a library's
    text held several). A message longer than ``limit`` is first made shorter where it hurts
    least, by eliding the middle of its longest words (deep file paths), so that what to do
    at its end survives; only then is its end cut with ``...``.

    Examples:
        >>> one_line("first line\nsecond line")
        'first line\\nsecond line'
        >>> len(one_line("word " * 100))
        200
        >>> path = "/tmp/" + "deep/" * 40 + "key.pem"
        >>> one_line(path + ": no such file; check the path", 76)
        '/tmp/deep/deep/deep/de...eep/deep/deep/key.pem: no such file; check the path'
    """
    text = str(message).strip()
    if len(text) > 8 * limit:  # bound the work: keep the start and the end (what to do)
        text = f"{text[: 4 * limit]} ... {text[-4 * limit :]}"
    text = _escaped(text, backslash=False)
    words = text.split(" ")
    while len(" ".join(words)) > limit:
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        word = words[longest]
        excess = len(" ".join(words)) - limit
        keep = max(_SHORTEST_WORD, len(word) - excess - 3)
        if keep + 3 >= len(word):  # nothing left to gain here: cut the end instead
            break
        head = keep // 2
        words[longest] = f"{word[:head]}...{word[len(word) - (keep - head) :]}"
    text = " ".join(words)
    if len(text) <= limit:
        return text
    return text[: limit - 3].rstrip() + "..."


_SHORTEST_WORD = 40
