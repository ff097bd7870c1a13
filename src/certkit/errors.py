"""The errors certkit raises.

Every error certkit raises on purpose derives from [`CertkitError`][certkit.errors.CertkitError],
so a caller (and the `certkit` command) can tell "certkit refused this input" apart from a bug.
"""

from __future__ import annotations

__all__ = ["CertkitError", "InputError"]


class CertkitError(Exception):
    """Base class of every error certkit raises on purpose.

    The message is one line that says what is wrong and what to do about it.
    """


class InputError(CertkitError):
    """The input (a file, a name, an option) cannot be used as given."""
