"""Checks of a pasted batch job: the JCL around the commands, and the commands inside.

What it checks is what a job certkit writes relies on, no more (JCL has far more than this):

* every statement (``//``) fits in columns 1 to 71: column 72 marks a continuation and
  73 to 80 are sequence numbers, so text there is lost or misread;
* the first statement is a JOB statement with a name of 1 to 8 characters
  (A-Z 0-9 $ # @, not starting with a digit);
* an ``EXEC`` names a program or procedure;
* in-stream data after ``DD *`` ends at ``/*`` or at the next ``//`` statement, after
  ``DD DATA,DLM=xx`` at a line starting ``xx``; data left open at the end is reported. So a
  TSO comment ``/* ... */`` in column 1 ends ``DD *`` data early: certkit's jobs use
  ``DD DATA,DLM=$$``;
* a statement whose operands end with a comma continues on the next ``//`` line;
* the SYSTSIN data of a step that runs the TSO terminal monitor program (IKJEFT01, IKJEFT1A,
  IKJEFT1B) is checked as RACF commands by [`check`][certkit.zos.text.commands.check], its
  positions given in the job's lines.

Text only (no ``cryptography``).
"""

from __future__ import annotations

import re

from certkit.errors import shown
from certkit.zos.text import commands
from certkit.zos.text.findings import Finding, Position

__all__ = ["STATEMENT_LIMIT", "check"]

STATEMENT_LIMIT = 71
"""The last column a JCL statement's text may use (72 continues, 73 to 80 are sequence)."""

_NAME = re.compile(r"[A-Z$#@][A-Z0-9$#@]{0,7}\Z")
_STATEMENT = re.compile(r"//(?P<name>\S*)\s+(?P<op>\S+)(?:\s+(?P<operands>.*))?\Z")
_TMP = ("IKJEFT01", "IKJEFT1A", "IKJEFT1B")
_KNOWN = ("JOB", "EXEC", "DD", "SET", "IF", "ELSE", "ENDIF", "JCLLIB", "INCLUDE", "OUTPUT")


def check(text: str) -> list[Finding]:
    """Check a pasted batch job (JCL and the TSO commands of its IKJEFT01 steps).

    Args:
        text: The job as pasted.

    Returns:
        The findings, in the order of the text.

    Examples:
        >>> job = '''//ZCSEC1   JOB (ACCT),'SETUP',CLASS=A
        ... //TSO      EXEC PGM=IKJEFT01
        ... //SYSTSPRT DD SYSOUT=*
        ... //SYSTSIN  DD *
        ... RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)
        ... /*'''
        >>> check(job)
        []
        >>> bad = job.replace("ADDRING(ZCEE.Ring)", "CONNECT(RING(R))")
        >>> for finding in check(bad):
        ...     print(finding.position, finding.message.split(":")[0])
        line 5, column 21 CONNECT needs LABEL(label)
    """
    lines = text.replace("\r\n", "\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    found: list[Finding] = []
    if not lines:
        return [Finding(Position(1, 1), "error", "the job is empty; give a JOB statement first")]
    program: str | None = None
    data_end: str | None = None  # "/*", or a DLM delimiter, while in-stream data is open
    data_start = 0
    data_lines: list[str] = []
    data_is_commands = False
    seen_job = False
    continued = False
    index = 0
    while index < len(lines):
        number = index + 1
        line = lines[index]
        index += 1
        if data_end is not None:
            ends_at_statement = data_end == "/*" and line.startswith("//")
            if line.startswith(data_end) or ends_at_statement:
                if data_end == "/*" and line.rstrip() != "/*" and not ends_at_statement:
                    found.append(
                        Finding(
                            Position(number, 1),
                            "error",
                            "/* in column 1 ends DD * data, so this comment ends the "
                            "commands; use DD DATA,DLM=$$ or start the comment in column 2",
                        )
                    )
                if data_is_commands:
                    found.extend(_commands(data_lines, data_start))
                data_end, data_lines = None, []
                if not ends_at_statement:
                    continue
            else:
                data_lines.append(line)
                continue
        if line.startswith("//*"):
            found.extend(_length(line, number))
            continue
        if not line.startswith("//"):
            if line.startswith("/*"):
                continue  # an end of data with no data open: harmless
            found.append(
                Finding(
                    Position(number, 1),
                    "error",
                    "a line outside in-stream data must start with //; is a DD * missing?",
                )
            )
            continue
        found.extend(_length(line, number))
        if continued:  # the operands of the statement before go on (it ended with a comma)
            continued = _field(line[2:STATEMENT_LIMIT].strip()).endswith(",")
            continue
        match = _STATEMENT.match(line.rstrip())
        if match is None:
            if line.rstrip() != "//":
                found.append(
                    Finding(Position(number, 3), "error", "a statement needs an operation")
                )
            continue
        name, op, operands = match["name"], match["op"], match["operands"] or ""
        continued = _field(operands).endswith(",")
        if not seen_job:
            seen_job = True
            if op != "JOB":
                found.append(
                    Finding(Position(number, 1), "error", "a job starts with its JOB statement")
                )
            elif not _NAME.match(name):
                found.append(
                    Finding(
                        Position(number, 3),
                        "error",
                        f"job name {shown(name)}: 1 to 8 of A-Z 0-9 $ # @, not starting "
                        "with a digit",
                    )
                )
        if name and not _NAME.match(name) and op != "JOB":
            found.append(
                Finding(
                    Position(number, 3),
                    "error",
                    f"name {shown(name)}: 1 to 8 of A-Z 0-9 $ # @, not starting with a digit",
                )
            )
        if op not in _KNOWN:
            found.append(
                Finding(
                    Position(number, line.index(op) + 1),
                    "warning",
                    f"{shown(op)} is not a JCL operation certkit knows; check its spelling",
                )
            )
        if op == "EXEC":
            program_match = re.match(r"(?:PGM=)?([A-Z$#@][A-Z0-9$#@]{0,7})", operands)
            if program_match is None:
                found.append(
                    Finding(Position(number, 3), "error", "EXEC needs PGM=name or a procedure")
                )
                program = None
            else:
                program = program_match.group(1) if operands.startswith("PGM=") else None
        if op == "DD":
            delimiter = _instream(operands)
            if delimiter is not None:
                data_end = delimiter
                data_start = number + 1
                data_is_commands = program in _TMP and name == "SYSTSIN"
    if data_end is not None:
        if data_is_commands:
            found.extend(_commands(data_lines, data_start))
        if data_end != "/*":
            found.append(
                Finding(
                    Position(len(lines), 1),
                    "error",
                    f"in-stream data opened with DLM={data_end} never ends; add a {data_end} line",
                )
            )
    return sorted(found, key=lambda f: (f.position.line, f.position.column))


def _field(operands: str) -> str:
    """The operand field: up to the first blank outside apostrophes (comments follow it)."""
    quoted = False
    for index, char in enumerate(operands):
        if char == "'":
            quoted = not quoted
        elif char == " " and not quoted:
            return operands[:index]
    return operands


def _instream(operands: str) -> str | None:
    """The end of the in-stream data a DD's operands open, or ``None`` if they open none."""
    first = operands.split(",")[0]
    if first not in ("*", "DATA"):
        return None
    dlm = re.search(r"DLM=(?:'([^']{2})'|(\S{2}))", operands)
    return (dlm.group(1) or dlm.group(2)) if dlm else "/*"


def _length(line: str, number: int) -> list[Finding]:
    if len(line.rstrip()) <= STATEMENT_LIMIT:
        return []
    return [
        Finding(
            Position(number, STATEMENT_LIMIT + 1),
            "error",
            f"the statement runs past column {STATEMENT_LIMIT}: column 72 continues a statement "
            "and 73 to 80 are ignored; end it earlier and continue on a new // line",
        )
    ]


def _commands(lines: list[str], first_line: int) -> list[Finding]:
    """The TSO commands of SYSTSIN, their findings moved to the job's line numbers."""
    shift = first_line - 1
    return [
        Finding(Position(f.position.line + shift, f.position.column), f.severity, f.message)
        for f in commands.check("\n".join(lines))
    ]
