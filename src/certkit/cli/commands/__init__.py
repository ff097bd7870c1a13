"""The sub-commands of ``certkit``: one module each, each with ``add_parser(subparsers)``.

A command module registers its parser and sets ``handler`` to a function taking the parsed
arguments and returning the exit status. It raises `certkit.errors.InputError` (or another
`certkit.errors.CertkitError`) for bad input; `certkit.cli.app.main` turns that into one line on
standard error and exit status 2. Every module in this package is a command: adding a file
adds a command.
"""

import pkgutil

ORDER = ("pki", "inspect", "verify", "lint", "fingerprint")
"""Commands listed first by ``certkit --help``, in this order; any other follows by name."""


def names() -> list[str]:
    """The command modules of this package, in help order."""
    found = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    return [n for n in ORDER if n in found] + [n for n in found if n not in ORDER]
