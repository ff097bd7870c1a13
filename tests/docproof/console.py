"""Run a ``console`` session: each ``$ `` command in a shell, its output compared.

Conventions:

* a line starting with ``$ `` is a command; a command line ending in ``\\`` continues on the next;
* the lines after a command, up to the next command, are its expected output (stdout and stderr
  together, as a terminal shows them); ``...`` matches any text;
* every command must exit with status 0, unless the next command is ``echo $?`` (which shows
  the reader the status, and is itself checked);
* commands run in the page's scratch directory with the project's virtual environment first on
  ``PATH`` and ``LC_ALL=C.UTF-8``. The time zone is left as it is, as a reader's would be:
  scripts/matrix.py runs the pages in UTC-12 and UTC+14 too, so output that depends on the
  zone fails there (give the tool its zone on the command line, e.g. ``TZ=UTC`` or keytool's
  ``-J-Duser.timezone=UTC``, and say so on the page).
"""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from docproof import output

PROMPT = "$ "


@dataclass
class Command:
    line: int  # line in the page
    text: str
    expected: list[str] = field(default_factory=list)


def parse(source: str, first_line: int) -> list[Command]:
    """Split a console block into commands with their expected output."""
    commands: list[Command] = []
    lines = source.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(PROMPT) or line == "$":
            text = line[2:]
            start = i
            while text.endswith("\\") and i + 1 < len(lines):
                i += 1
                text = text + "\n" + lines[i]
            commands.append(Command(first_line + start, text))
        elif commands:
            commands[-1].expected.append(line)
        else:
            raise ValueError(
                f"line {first_line + i}: a console block must start with a '$ ' command"
            )
        i += 1
    if not commands:
        raise ValueError(f"line {first_line}: a console block with no '$ ' command")
    return commands


def environment(scratch: Path) -> dict[str, str]:
    env = {
        key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "COV_"))
    }
    venv_bin = str(Path(sys.executable).parent)
    env.update(
        PATH=f"{venv_bin}{os.pathsep}{env.get('PATH', '/usr/bin:/bin')}",
        HOME=str(scratch),
        LC_ALL="C.UTF-8",
        LANG="C.UTF-8",
        COLUMNS="100",
        NO_COLOR="1",
        PYTHONHASHSEED="0",
    )
    return env


def _execute(
    command: Command, status: int, scratch: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    # "(exit N)" sets $? to the previous command's status, so `echo $?` works as typed.
    return subprocess.run(
        ["bash", "-o", "pipefail", "-c", f"(exit {status}); {command.text}"],
        cwd=scratch,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        timeout=120,
        check=False,
    )


def replay(source: str, first_line: int, scratch: Path) -> str:
    """Run the block and return it as it should read: each command followed by its real output."""
    env = environment(scratch)
    status = 0
    out: list[str] = []
    for command in parse(source, first_line):
        result = _execute(command, status, scratch, env)
        status = result.returncode
        out.append(PROMPT + command.text + "\n" + output.normalise(result.stdout))
    return "".join(out)


def run(source: str, first_line: int, scratch: Path, page: str) -> str | None:
    """Run every command of the block; return a failure text, or None when all agree."""
    commands = parse(source, first_line)
    env = environment(scratch)
    status = 0
    for index, command in enumerate(commands):
        result = _execute(command, status, scratch, env)
        status = result.returncode
        where = f"{page}:{command.line}"
        expected = "\n".join(command.expected)
        if not output.matches(expected, result.stdout):
            return output.diff(expected, result.stdout, where) + f"(command: $ {command.text})"
        following = commands[index + 1].text.strip() if index + 1 < len(commands) else ""
        if status != 0 and following != "echo $?":
            return (
                f"{where}: `$ {command.text}` exited with status {status}; a command that "
                "fails on purpose must be followed by `$ echo $?` to show it"
            )
    return None
