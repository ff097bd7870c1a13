"""RACDCERT checks (work in progress, issue 11): each rule on a command that breaks it."""

from __future__ import annotations

import pytest

from certkit.zos.text.commands import check

GOOD = """\
RACDCERT GENCERT CERTAUTH +
  SUBJECTSDN(CN('Example Local CA') OU('ZCEE') O('Example') C('US')) +
  SIZE(2048) NOTAFTER(DATE(2030-12-31)) +
  WITHLABEL('Example Local CA') KEYUSAGE(CERTSIGN)
RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)
RACDCERT ID(ZCSRV1) CONNECT(CERTAUTH LABEL('Example Local CA') RING(ZCEE.Ring) USAGE(CERTAUTH))
SETROPTS RACLIST(DIGTCERT DIGTRING) REFRESH
"""


def test_a_correct_setup_has_no_findings() -> None:
    assert check(GOOD) == []


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("RACDCERT ID(ZCSRV1)", 1, 1, "names no function"),
        ("RACDCERT ID(ZCSRV1) LIST LISTRING(*)", 1, 26, "a second function, LISTRING"),
        ("RACDCERT ID(A) CERTAUTH LIST", 1, 16, "a second owner (CERTAUTH)"),
        ("RACDCERT ID(TOOLONGID) LIST", 1, 10, "a user ID is 1 to 8"),
        ("RACDCERT LIST(LABEL('" + "x" * 33 + "'))", 1, 15, "33 characters"),
        ("RACDCERT ID(A) CONNECT(LABEL('L') RING(R) USAGE(TRUSTED))", 1, 43, "USAGE takes"),
        ("RACDCERT ID(A) CONNECT(LABEL('L'))", 1, 16, "needs RING"),
        ("RACDCERT ID(A) REMOVE(RING(R))", 1, 16, "needs LABEL"),
        ("RACDCERT CERTAUTH ADDRING(R)", 1, 10, "cannot own a key ring"),
        ("RACDCERT GENCERT NOTAFTER(DATE(2030/12/31))", 1, 27, "yyyy-mm-dd"),
        ("RACDCERT GENREQ DSN('X.CSR')", 1, 10, "GENREQ needs LABEL"),
        ("RACDCERT ID(A) CONNECT(LABEL(Server) RING(R))", 1, 24, "quote the label"),
    ],
)
def test_each_rule(text: str, line: int, column: int, fragment: str) -> None:
    findings = check(text)
    assert any(
        (f.position.line, f.position.column) == (line, column) and fragment in f.message
        for f in findings
    ), [str(f) for f in findings]


def test_broken_text_is_reported_not_raised() -> None:
    findings = check("RACDCERT ID(A) CONNECT(LABEL('x) RING(R)")
    assert findings and all(f.severity == "error" for f in findings)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("PERMIT CLASS(FACILITY) ID(A) ACCESS(READ)", "names no profile"),
        ("PERMIT IRR.DIGTCERT.LIST ID(A) ACCESS(READ)", "needs CLASS"),
        ("PERMIT IRR.DIGTCERT.LIST CLASS(FACILITY) ACCESS(READ)", "needs ID"),
        ("PERMIT IRR.DIGTCERT.LIST CLASS(FACILITY) ID(A) ACCESS(WRITE)", "ACCESS takes"),
        ("PERMIT ZCSRV1.RING CLASS(RDATALIB) ID(A) ACCESS(READ)", "OWNER.RING.LST"),
        ("RDEFINE FACILITY", "needs a class and a profile"),
        ("RDEFINE FACILITY IRR.DIGTCERT.LIST UACC(ALL)", "UACC takes"),
        ("SETROPTS REFRESH", "needs RACLIST"),
    ],
)
def test_permit_rdefine_and_setropts(text: str, fragment: str) -> None:
    assert any(fragment in f.message for f in check(text)), [str(f) for f in check(text)]


def test_the_generated_permits_pass() -> None:
    from certkit.zos.keyring import KeyRing
    from certkit.zos.racf import ring_access_commands

    ring = KeyRing("ZCEE.Ring", owner="ZCSRV1")
    for granular in (False, True):
        assert check("\n".join(ring_access_commands(ring, "ZCSRV1", granular=granular))) == []
