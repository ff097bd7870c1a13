"""The ``certkit`` command.

Every sub-command prints its result on standard output. Bad input gives one line on standard
error saying what is wrong and what to do, and exit status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import errno
import importlib
import io
import os
import sys
import warnings
from collections.abc import Sequence

from certkit import __version__
from certkit.cli import commands as command_modules
from certkit.cli.options import stdin_once
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
        2 on bad input or when the output cannot be written (a full disk), 141 (as a shell
        reports a process ended by SIGPIPE) when the reader of the output went away (``| head``),
        silently.
    """
    _escape_unencodable_output()
    try:
        with warnings.catch_warnings():
            # The one place library warnings are silenced: they are about the input (such as
            # cryptography's about a zero or negative serial number, which lint reports as
            # serial-not-positive), and on standard error they would break the promise of one
            # error line or none.
            warnings.simplefilter("ignore")
            args = _build_parser().parse_args(argv)
            stdin_once(args)
            status = int(args.handler(args))
        sys.stdout.flush()
        return status
    except CertkitError as exc:
        print(one_line(f"certkit: error: {exc}"), file=sys.stderr)
        return 2
    except BrokenPipeError:
        _drop_stdout()
        return 141
    except OSError as exc:
        if exc.errno not in _OUTPUT_ERRORS:
            raise
        _drop_stdout()
        print(
            one_line(
                f"certkit: error: cannot write the output ({exc.strerror or exc}); "
                "check where standard output goes (a full disk or device)"
            ),
            file=sys.stderr,
        )
        return 2
    except KeyboardInterrupt:
        return 130


_OUTPUT_ERRORS = {errno.ENOSPC, errno.EIO, errno.EDQUOT, errno.EFBIG, errno.EPIPE}


def _escape_unencodable_output() -> None:
    """Print what the terminal cannot show (bytes of a file name that were not UTF-8) escaped."""
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="backslashreplace")


def _drop_stdout() -> None:
    """Send what is left of standard output nowhere, so that exit does not fail on it again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, io.UnsupportedOperation):
        pass


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
