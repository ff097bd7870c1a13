"""The sub-commands of ``certkit``: one module each, each with ``add_parser(subparsers)``.

A command module registers its parser and sets ``handler`` to a function taking the parsed
arguments and returning the exit status. It raises `certkit.errors.InputError` (or another
`certkit.errors.CertkitError`) for bad input; `certkit.cli.main` turns that into one line on
standard error and exit status 2.
"""

COMMANDS = ("pki", "fingerprint")
"""The command modules, in the order ``certkit --help`` lists them."""
