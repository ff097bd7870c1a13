"""Checks of a pasted batch job (certkit.zos.text.jcl)."""

from __future__ import annotations

import pytest

from certkit.zos.text.jcl import check

JOB = """//ZCSEC1   JOB (ACCT),'SET UP',CLASS=A,
//             MSGCLASS=H,NOTIFY=&SYSUID
//* a comment
//TSO      EXEC PGM=IKJEFT01,REGION=0M
//SYSTSPRT DD SYSOUT=*
//SYSTSIN  DD DATA,DLM=$$
/* comments in column 1 are safe with a delimiter */
RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)
PROFILE
$$
"""


def found(text: str) -> list[tuple[int, int, str, str]]:
    return [(f.position.line, f.position.column, f.severity, f.message) for f in check(text)]


def test_a_good_job_has_no_findings() -> None:
    assert check(JOB) == []
    assert check(JOB.replace("\n", "\r\n")) == []


def test_the_commands_inside_are_checked_at_their_line_in_the_job() -> None:
    bad = JOB.replace("ADDRING(ZCEE.Ring)", "CONNECT(LABEL('x'))")
    assert [(line, severity) for line, _, severity, _ in found(bad)] == [(8, "error")]


@pytest.mark.parametrize(
    ("text", "where", "fragment"),
    [
        ("", (1, 1), "the job is empty"),
        ("//S EXEC PGM=IKJEFT01\n", (1, 1), "starts with its JOB statement"),
        ("//9JOB JOB\n", (1, 3), "job name 9JOB"),
        ("//J JOB\n//S EXEC PGM=X,PARM='" + "x" * 60 + "'\n", (2, 72), "past column 71"),
        ("//J JOB\nRACDCERT LIST\n", (2, 1), "is a DD * missing?"),
        ("//J JOB\n//S EXEC PGM=IKJEFT01\n//SYSTSIN DD DATA,DLM=$$\nLIST\n", (4, 1), "never ends"),
        (
            "//J JOB\n//S EXEC PGM=IKJEFT01\n//SYSTSIN DD *\n/* note */\nLIST\n",
            (4, 1),
            "/* in column 1 ends DD * data",
        ),
        ("//J JOB\n//S EXCE PGM=X\n", (2, 5), "EXCE is not a JCL operation"),
    ],
)
def test_each_rule(text: str, where: tuple[int, int], fragment: str) -> None:
    hits = [f for f in found(text) if fragment in f[3]]
    assert hits and hits[0][:2] == where, found(text)


@pytest.mark.parametrize(
    "garbage",
    ["//", "////////", "//J JOB\n" + "//S EXEC ,,,,\n" * 2000, "\x00\x1b//J JOB", "//J JOB '"],
)
def test_garbage_gives_findings_not_exceptions(garbage: str) -> None:
    for finding in check(garbage):
        assert "\n" not in finding.message and "\x1b" not in finding.message
