"""The checks every value a user gives passes: text, lists of names and numbers.

A value reaches certkit from a command line, a library call or a page, and the same rule must
hold on every road: an empty ``--groups`` is as meaningless as ``Options(groups=("",))``. Each
rule lives here once. [`text`][certkit.values.text] refuses what no option means (nothing at
all, bytes that are not UTF-8, control characters, non-ASCII where a protocol name must be
ASCII, a value longer than any real one); [`name_list`][certkit.values.name_list] splits a
list such as ``secp384r1,x25519`` and checks each item; [`number`][certkit.values.number]
refuses ``nan``, infinities and values out of range. Every refusal is an
[`InputError`][certkit.errors.InputError] whose message names the option (or field) and says
what to give instead. Imports only the standard library and `certkit.errors`.
"""

from __future__ import annotations

import math
import re

from certkit.errors import InputError, quote, shown

__all__ = ["TEXT_LIMIT", "name_list", "number", "text"]

TEXT_LIMIT = 1024
"""The longest text value accepted by default (no real host, seed or cipher string is longer)."""


def text(
    value: str,
    what: str,
    *,
    example: str = "",
    ascii_only: bool = False,
    limit: int = TEXT_LIMIT,
) -> str:
    """A text value, checked: not empty, UTF-8, no control characters, bounded.

    Args:
        value: What the user gave.
        what: The option or field it was given as, for the message (``"--host"``).
        example: A value to suggest in the messages (``"secp384r1"``).
        ascii_only: Refuse non-ASCII characters (protocol names, OpenSSL strings).
        limit: The longest value accepted.

    Returns:
        ``value`` unchanged.

    Raises:
        InputError: If the value is empty or blank, holds bytes that were not UTF-8 (as a
            command line passes them), control characters or non-ASCII characters where they
            are refused, or is longer than ``limit``.

    Examples:
        >>> text("secp384r1", "--curve")
        'secp384r1'
        >>> text(" x25519", "--groups", ascii_only=True)
        ' x25519'
    """
    hint = f" such as {example}" if example else ""
    if not value.strip():
        raise InputError(f"{what} is empty: give a value{hint}, or leave {what} out")
    if len(value) > limit:
        raise InputError(f"{what} {quote(value)}: longer than {limit} characters; check the value")
    if any(0xDC80 <= ord(c) <= 0xDCFF for c in value):
        raise InputError(f"{what} {quote(value)}: holds bytes that are not UTF-8; give UTF-8 text")
    if any(ord(c) < 0x20 or 0x7F <= ord(c) < 0xA0 for c in value):
        raise InputError(f"{what} {quote(value)}: holds control characters; give plain text{hint}")
    if ascii_only and not value.isascii():
        raise InputError(f"{what} {quote(value)}: only ASCII names exist here; give one{hint}")
    return value


def name_list(value: str, what: str, *, separator: str = ",", example: str = "") -> tuple[str, ...]:
    """A list of ASCII names such as ``secp384r1,x25519``: split, stripped, each one checked.

    Raises:
        InputError: If the list, or an item of it, is empty, or an item is not plain ASCII.

    Examples:
        >>> name_list(" secp384r1, x25519 ", "--groups")
        ('secp384r1', 'x25519')
    """
    text(value, what, example=example, ascii_only=True)
    items = tuple(item.strip() for item in value.split(separator))
    if not all(items) or any(" " in item for item in items):
        hint = f" such as {example}" if example else ""
        problem = "an empty name in the list" if not all(items) else "a blank inside a name"
        raise InputError(
            f"{what} {quote(value)}: {problem}; give names separated by {separator!r}{hint}"
        )
    return items


def number(
    value: str | float,
    what: str,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    above: float | None = None,
    integer: bool = False,
    give: str | None = None,
) -> float:
    """A number, checked: finite, whole if ``integer``, within its bounds.

    Args:
        value: What the user gave (text from a command line, or a number).
        what: The option or field, for the message (``"--lifetime"``).
        minimum: The smallest value accepted.
        maximum: The largest value accepted.
        above: A bound the value must be greater than (``0`` for a duration).
        integer: Accept whole numbers only (written without a point or exponent).
        give: What the message asks for instead (``"a port from 1 to 65535"``); by default
            it is made from the bounds.

    Returns:
        The number (an ``int`` when ``integer``).

    Raises:
        InputError: If the value is not a number, is ``nan`` or infinite, is not whole where a
            whole number is needed, or is out of range. The one message names the option, the
            value and what to give.

    Examples:
        >>> number("2.5", "--lifetime", above=0)
        2.5
        >>> number("8443", "--port", minimum=0, maximum=65535, integer=True)
        8443
    """
    wanted = give or _wanted(minimum, maximum, above, integer)
    refused = InputError(f"{what} {shown(str(value).strip(), 24)}: give {wanted}")
    try:
        if integer:
            text = str(value).strip()
            if not _INTEGER.fullmatch(text):
                raise refused
            found: float = int(text)
        else:
            found = float(value)
    except (TypeError, ValueError, OverflowError):
        raise refused from None
    if not math.isfinite(found):
        raise refused
    if (minimum is not None and found < minimum) or (maximum is not None and found > maximum):
        raise refused
    if above is not None and found <= above:
        raise refused
    return found


_INTEGER = re.compile(r"[+-]?[0-9]{1,19}")


def _wanted(
    minimum: float | None, maximum: float | None, above: float | None, integer: bool
) -> str:
    kind = "a whole number" if integer else "a number"
    low = f"above {_bound(above)}" if above is not None else None
    if minimum is not None:
        low = f"from {_bound(minimum)}"
    if low and maximum is not None:
        joiner = " to " if low.startswith("from") else " and at most "
        return f"{kind} {low}{joiner}{_bound(maximum)}"
    if low:
        return (
            f"{kind} {low}"
            if low.startswith("above")
            else f"{kind} of {_bound(minimum or 0)} or more"
        )
    if maximum is not None:
        return f"{kind} of at most {_bound(maximum)}"
    return f"a finite {kind.removeprefix('a ')}"


def _bound(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)
