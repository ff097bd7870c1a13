"""The ``certkit`` command.

Every sub-command prints its result on standard output. Bad input gives one line on standard
error saying what is wrong and what to do, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import warnings
from collections.abc import Sequence

from certkit import __version__
from certkit.cli import commands as command_modules
from certkit.errors import CertkitError, InputError, one_line

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise InputError(f"{message} (see: {self.prog} --help)")


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="certkit",
        description="Build test PKIs, explain certificates and run real TLS handshakes.",
    )
    parser.add_argument("--version", action="version", version=f"certkit {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    for name in command_modules.names():
        importlib.import_module(f"certkit.cli.commands.{name}").add_parser(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``certkit`` command.

    Args:
        argv: The arguments (without the program name); ``sys.argv[1:]`` by default.

    Returns:
        The exit status: 0 on success, 1 when a check fails (e.g. a chain does not verify),
        2 on bad input.
    """
    try:
        with warnings.catch_warnings():
            # The one place library warnings are silenced: they are about the input (such as
            # cryptography's about a zero or negative serial number, which lint reports as
            # serial-not-positive), and on standard error they would break the promise of one
            # error line or none.
            warnings.simplefilter("ignore")
            args = _build_parser().parse_args(argv)
            return int(args.handler(args))
    except CertkitError as exc:
        print(one_line(f"certkit: error: {exc}"), file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
