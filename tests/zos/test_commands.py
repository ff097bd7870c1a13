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


def messages(text: str) -> list[tuple[int, int, str, str]]:
    return [(f.position.line, f.position.column, f.severity, f.message) for f in check(text)]


def test_a_ring_spelled_in_two_cases_is_two_rings() -> None:
    found = messages(
        "RACDCERT ID(ZCSRV1) ADDRING(ZCEE.Ring)\n"
        "RACDCERT ID(ZCSRV1) CONNECT(CERTAUTH LABEL('CA') RING(ZCEE.RING) USAGE(CERTAUTH))\n"
    )
    assert len(found) == 1
    line, _, severity, message = found[0]
    assert (line, severity) == (2, "warning")
    assert message.startswith("ring ZCEE.RING is spelled ZCEE.Ring at line 1, column 21")


def test_permit_names_user_ids_racf_can_hold() -> None:
    good = "PERMIT BBGZDFLT CLASS(APPL) ID(WSGUEST,ZCEEUSRS) ACCESS(READ)"
    assert check(good) == []
    bad = messages("PERMIT BBGZDFLT CLASS(APPL) ID(WSGUEST,TOOLONGID) ACCESS(READ)")
    assert [m[3] for m in bad] == ["ID(TOOLONGID): a user ID or group is 1 to 8 of A-Z 0-9 $ # @"]
    assert check("PERMIT BBGZDFLT CLASS(APPL) RESET") == []


def test_an_rdatalib_profile_in_lower_case_is_flagged() -> None:
    found = messages("RDEFINE RDATALIB ZCSRV1.ZCEE.Ring.LST UACC(NONE)")
    assert [(m[2], m[3].split(":")[0]) for m in found] == [
        ("warning", "RDATALIB profile ZCSRV1.ZCEE.Ring.LST")
    ]


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("NISTECC KEYUSAGE(DATAENCRYPT)", "KEYUSAGE(DATAENCRYPT) with a NISTECC key"),
        ("KEYUSAGE(HANDSHAKE KEYAGREE)", "KEYUSAGE(KEYAGREE) with an RSA key"),
        ("BPECC KEYUSAGE(HANDSHAKE KEYAGREE)", None),
        ("RSA KEYUSAGE(HANDSHAKE DATAENCRYPT)", None),
    ],
)
def test_key_usage_must_suit_the_key(command: str, expected: str | None) -> None:
    found = messages(f"RACDCERT ID(A) GENCERT SUBJECTSDN(CN('x')) {command}")
    assert [m[3].split(":")[0] for m in found] == ([expected] if expected else [])


def test_an_unknown_keyword_is_a_warning() -> None:
    found = messages("RACDCERT ID(A) GENCERT SUBJECTSDN(CN('x')) WITHLABL('x')")
    assert [(m[2], m[3].split(" ")[0]) for m in found] == [("warning", "WITHLABL")]


def test_control_characters_are_reported_where_they_are() -> None:
    found = messages("RACDCERT ID(A) LIST\nRACDCERT\x1b[2J ID(A) LIST\r\n")
    assert [(m[0], m[1], m[2]) for m in found] == [(2, 9, "error")]
    assert "\\x1b" in found[0][3] and "\x1b" not in found[0][3]
    assert check("RACDCERT ID(A) +\r\n  LIST\r\n") == []
