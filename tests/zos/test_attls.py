"""AT-TLS policy (issue 12 item 3): each rule of the checker on a minimal sample, the
generator's output checked, return codes explained, and hostile input giving findings."""

from __future__ import annotations

import pytest

from certkit.datafiles import read_json
from certkit.defaults import RING_NAME, RING_OWNER
from certkit.errors import InputError
from certkit.zos.attls import policy
from certkit.zos.text.attls import (
    MAX_DEPTH,
    MAX_TEXT_CHARS,
    check,
    explain_rc,
    explain_trace,
    parse,
    statement_types,
)
from certkit.zos.text.findings import Finding

DATA = read_json("attls.json")

# zos-syntax.md §5.5: the reference's example policy (outbound, z/OS Connect as the client)
EXAMPLE = """\
TTLSRule ZceeOutRule
{
  LocalAddr All
  RemoteAddr All
  RemotePortRange 443
  Jobname ZCEESRV*
  Direction Outbound
  Priority 100
  TTLSGroupActionRef GrpOn
  TTLSEnvironmentActionRef ZceeClientEnv
}
TTLSGroupAction GrpOn
{
  TTLSEnabled On
  Trace 2
}
TTLSEnvironmentAction ZceeClientEnv
{
  HandshakeRole Client
  TTLSKeyringParmsRef ZceeRing
  TTLSCipherParmsRef Ciphers12and13
  TTLSEnvironmentAdvancedParmsRef AdvTls12and13
}
TTLSKeyringParms ZceeRing
{
  Keyring ZCSRV1/ZCEE.Ring
}
TTLSEnvironmentAdvancedParms AdvTls12and13
{
  SSLv2 Off
  SSLv3 Off
  TLSv1 Off
  TLSv1.1 Off
  TLSv1.2 On
  TLSv1.3 On
}
TTLSCipherParms Ciphers12and13
{
  V3CipherSuites TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384
  V3CipherSuites TLS_AES_256_GCM_SHA384
}
"""


def _messages(findings: list[Finding]) -> str:
    return " | ".join(f"{f.position}: {f.severity}: {f.message}" for f in findings)


def _one(text: str, severity: str, part: str) -> Finding:
    findings = check(text)
    found = [f for f in findings if f.severity == severity and part in f.message]
    assert found, _messages(findings)
    return found[0]


def _edit(old: str, new: str) -> str:
    assert old in EXAMPLE
    return EXAMPLE.replace(old, new, 1)


# --- the data file ------------------------------------------------------------------------


def test_every_fact_has_a_mark_and_a_source() -> None:
    marks = {"V", "V-wsc", "V-n", "P", "U"}
    for type_, spec in statement_types().items():
        assert spec["mark"] in marks and spec["source"], type_
        for name, facts in spec["parameters"].items():
            assert facts["mark"] in marks and facts["source"], (type_, name)
            if facts["kind"] == "ref":
                assert facts["refers_to"] in statement_types(), (type_, name)
    for code, facts in DATA["return_codes"].items():
        assert facts["mark"] in marks and facts["source"], code
        assert facts["side"] in {"local", "server", "client", "partner", "either"}, code
    for bit, facts in DATA["trace"]["bits"].items():
        assert facts["mark"] in marks, bit


def test_generated_ciphers_are_verified_iana_names() -> None:
    from certkit.tls.ciphersuites import explain

    facts = DATA["generated_ciphers"]
    assert facts["mark"] == "V"
    assert [explain(name).iana for name in facts["names"]] == facts["names"]


# --- parsing ------------------------------------------------------------------------------


def test_the_reference_example_is_clean() -> None:
    assert check(EXAMPLE) == []
    parsed = parse(EXAMPLE)
    assert [s.type for s in parsed.statements][:3] == [
        "TTLSRule",
        "TTLSGroupAction",
        "TTLSEnvironmentAction",
    ]
    rule = parsed.find("TTLSRule", "ZceeOutRule")
    assert rule is not None and rule.first("Direction") == "Outbound"
    assert rule.get("jobname")[0].position.line == 6
    assert rule.get("jobname")[0].position.column == 3


def test_comments_and_inline_blocks() -> None:
    text = """\
# a full-line comment
TTLSEnvironmentAction Env
{
  # another one
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring ZCSRV1/ZCEE.Ring
  }
}
"""
    assert check(text) == []
    env = parse(text).statements[0]
    inline = env.parameters[1]
    assert inline.block is not None and inline.block.first("Keyring") == "ZCSRV1/ZCEE.Ring"


def test_trailing_comment_is_a_warning() -> None:
    _one(_edit("  Trace 2", "  Trace 2 # errors"), "warning", "comment after a value")


def test_braces_on_the_statement_line_are_a_warning() -> None:
    text = _edit("TTLSGroupAction GrpOn\n{", "TTLSGroupAction GrpOn {")
    _one(text, "warning", "braces on their own lines")


# --- statements and parameters ------------------------------------------------------------


def test_misspelt_statement_type_is_an_error() -> None:
    found = _one(_edit("TTLSGroupAction GrpOn", "TTLSGroupActon GrpOn"), "error", "did you mean")
    assert "TTLSGroupAction" in found.message


def test_unknown_statement_type_is_a_warning() -> None:
    _one(EXAMPLE + "IpAddrSet Mine\n{\n  Prefix 10.0.0.0/8\n}\n", "warning", "not checked")


def test_misspelt_parameter_is_an_error() -> None:
    found = _one(_edit("  Direction Outbound", "  Directon Outbound"), "error", "did you mean")
    assert found.position.line == 7


def test_parameter_of_another_statement_is_an_error() -> None:
    found = _one(_edit("  Trace 2", "  Trace 2\n  Keyring X/Y"), "error", "belongs in")
    assert "TTLSKeyringParms" in found.message


@pytest.mark.parametrize(
    ("old", "new", "part"),
    [
        ("Direction Outbound", "Direction Out", "Inbound, Outbound, Both"),
        ("HandshakeRole Client", "HandshakeRole Clnt", "ServerWithClientAuth"),
        ("TTLSEnabled On", "TTLSEnabled Yes", "On, Off"),
        ("TLSv1.2 On", "TLSv1.2 1", "On, Off"),
        ("Priority 100", "Priority 0", "1 to 2000000000"),
        ("Priority 100", "Priority high", "whole number"),
        ("Trace 2", "Trace 256", "at most 255"),
        ("RemotePortRange 443", "RemotePortRange 70000", "0 to 65535"),
        ("RemotePortRange 443", "RemotePortRange 500-400", "lower one first"),
        ("RemotePortRange 443", "RemotePortRange https", "n-m"),
        ("RemoteAddr All", "RemoteAddr 10.1.1.300", "ip/prefix"),
        ("Keyring ZCSRV1/ZCEE.Ring", "Keyring zc-srv-long1/ZCEE.Ring", "user ID"),
        ("V3CipherSuites TLS_AES_256_GCM_SHA384", "V3CipherSuites TLS_NOPE", "cipher"),
        ("Direction Outbound", "Direction", "needs a value"),
        ("Direction Outbound", "Direction Outbound Inbound", "one value"),
    ],
)
def test_bad_values_are_errors(old: str, new: str, part: str) -> None:
    _one(_edit(old, new), "error", part)


def test_wrong_case_value_is_a_warning() -> None:
    _one(_edit("TTLSEnabled On", "TTLSEnabled on"), "warning", "write On")


def test_good_addresses_ports_and_keyrings() -> None:
    for old, new in [
        ("RemoteAddr All", "RemoteAddr 10.1.1.0/24"),
        ("RemoteAddr All", "RemoteAddr 10.1.1.1-10.1.1.9"),
        ("RemoteAddr All", "RemoteAddr 2001:db8::1"),
        ("RemotePortRange 443", "RemotePortRange 1024-65535"),
        ("Keyring ZCSRV1/ZCEE.Ring", "Keyring ZCEE.Ring"),
        ("Keyring ZCSRV1/ZCEE.Ring", "Keyring /u/zcee/key.kdb"),
        ("Keyring ZCSRV1/ZCEE.Ring", "Keyring *TOKEN*/ZCEETOKEN"),
    ]:
        assert check(_edit(old, new)) == [], new


def test_cipher_spellings() -> None:
    other = "V3CipherSuites ECDHE-RSA-AES256-GCM-SHA384"
    found = _one(_edit("V3CipherSuites TLS_AES_256_GCM_SHA384", other), "warning", "IANA name")
    assert "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in found.message
    weak = "V3CipherSuites TLS_RSA_WITH_RC4_128_SHA"
    _one(_edit("V3CipherSuites TLS_AES_256_GCM_SHA384", weak), "warning", "insecure")
    four = "V3CipherSuites4Char C030"
    assert check(_edit("V3CipherSuites TLS_AES_256_GCM_SHA384", four)) == []


# --- references, duplicates, required parameters ------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("TTLSGroupActionRef GrpOn", "TTLSGroupActionRef GrpOff"),
        ("TTLSEnvironmentActionRef ZceeClientEnv", "TTLSEnvironmentActionRef Nope"),
        ("TTLSKeyringParmsRef ZceeRing", "TTLSKeyringParmsRef Nope"),
        ("TTLSCipherParmsRef Ciphers12and13", "TTLSCipherParmsRef Nope"),
        ("TTLSEnvironmentAdvancedParmsRef AdvTls12and13", "TTLSEnvironmentAdvancedParmsRef X"),
    ],
)
def test_reference_to_an_undefined_statement(old: str, new: str) -> None:
    _one(_edit(old, new), "error", "is defined")


def test_connection_action_reference() -> None:
    text = _edit("  Priority 100", "  Priority 100\n  TTLSConnectionActionRef Conn")
    _one(text, "error", "no TTLSConnectionAction of that name")
    text += "TTLSConnectionAction Conn\n{\n  HandshakeRole Client\n}\n"
    assert check(text) == []


def test_reference_names_are_case_sensitive() -> None:
    found = _one(_edit("TTLSGroupActionRef GrpOn", "TTLSGroupActionRef grpon"), "error", "case")
    assert "GrpOn" in found.message


def test_duplicate_statement_is_an_error() -> None:
    text = EXAMPLE + "TTLSKeyringParms ZceeRing\n{\n  Keyring ZCEE.Ring\n}\n"
    found = _one(text, "error", "defined twice")
    assert found.position.line == EXAMPLE.count("\n") + 1


def test_duplicate_parameter_is_a_warning() -> None:
    _one(_edit("  Trace 2", "  Trace 2\n  Trace 6"), "warning", "given twice")


@pytest.mark.parametrize(
    ("old", "part"),
    [
        ("  Direction Outbound\n", "needs Direction"),
        ("  TTLSGroupActionRef GrpOn\n", "needs TTLSGroupActionRef"),
        ("  TTLSEnabled On\n", "needs TTLSEnabled"),
        ("  HandshakeRole Client\n", "needs HandshakeRole"),
        ("  TTLSKeyringParmsRef ZceeRing\n", "needs TTLSKeyringParmsRef"),
        ("  Keyring ZCSRV1/ZCEE.Ring\n", "needs Keyring"),
        ("  TTLSEnvironmentActionRef ZceeClientEnv\n", "TTLSEnabled On, so the rule needs"),
    ],
)
def test_required_parameters(old: str, part: str) -> None:
    _one(_edit(old, ""), "error", part)


def test_rule_needs_a_condition() -> None:
    text = EXAMPLE
    for line in ("  LocalAddr All\n", "  RemoteAddr All\n", "  RemotePortRange 443\n"):
        text = text.replace(line, "")
    text = text.replace("  Jobname ZCEESRV*\n", "")
    _one(text, "error", "has no condition")


def test_statement_name_limit() -> None:
    long = "G" * 33
    _one(_edit("TTLSGroupAction GrpOn", f"TTLSGroupAction {long}"), "error", "at most 32")


# --- roles, client authentication, versions -----------------------------------------------


def test_client_auth_type_without_server_with_client_auth() -> None:
    text = _edit("  TLSv1.3 On", "  TLSv1.3 On\n  ClientAuthType Required")
    _one(text, "warning", "ClientAuthType has no effect")


def test_client_auth_type_values() -> None:
    text = _edit("  TLSv1.3 On", "  TLSv1.3 On\n  ClientAuthType Mandatory")
    _one(text, "error", "PassThru, Full, Required, SAFCheck")


def test_roles_that_cannot_meet_their_partner() -> None:
    _one(_edit("HandshakeRole Client", "HandshakeRole Server"), "warning", "RC 5004")
    _one(_edit("Direction Outbound", "Direction Inbound"), "warning", "both send ClientHello")


def test_inbound_client_authentication_note() -> None:
    text = _edit("Direction Outbound", "Direction Inbound")
    text = text.replace("HandshakeRole Client", "HandshakeRole ServerWithClientAuth")
    text = text.replace("  TLSv1.3 On", "  TLSv1.3 On\n  ClientAuthType SAFCheck")
    found = _one(text, "warning", "never sees them")
    assert found.position.line == 1
    assert [f.severity for f in check(text)] == ["warning"]


def test_versions_left_to_defaults_and_old_versions() -> None:
    _one(_edit("  TLSv1.1 Off\n", ""), "warning", "release's defaults")
    _one(_edit("SSLv3 Off", "SSLv3 On"), "warning", "old protocol versions")
    text = EXAMPLE.replace("TLSv1.2 On", "TLSv1.2 Off").replace("TLSv1.3 On", "TLSv1.3 Off")
    _one(text, "error", "every protocol version is Off")


def test_open_statements_are_not_checked() -> None:
    text = _edit("  TTLSEnvironmentAdvancedParmsRef AdvTls12and13", "  TTLSGskAdvancedParmsRef Gsk")
    text = text.replace("TTLSCipherParmsRef Ciphers12and13", "TTLSCipherParmsRef Ciphers12and13")
    text += (
        "TTLSGskAdvancedParms Gsk\n{\n  GSK_SYSPLEX_SIDCACHE On\n  TTLSGskOcspParms\n  {\n"
        "    OcspUrl http://ocsp.example.com\n    OcspNewThing 5\n  }\n}\n"
    )
    findings = check(text)
    assert [f.severity for f in findings] == ["warning"], _messages(findings)
    assert "not checked" in findings[0].message


# --- the generator ------------------------------------------------------------------------


@pytest.mark.parametrize("client_auth", [None, "PassThru", "Full", "Required", "SAFCheck"])
@pytest.mark.parametrize("outbound_port", [None, 443])
def test_generated_policies_pass(client_auth: str | None, outbound_port: int | None) -> None:
    text = policy(
        9443,
        "ZCSRV1",
        owner="ZCSRV1",
        ring="ZCEE.Ring",
        client_auth=client_auth,  # type: ignore[arg-type]
        outbound_port=outbound_port,
    )
    findings = check(text)
    if client_auth is None:
        assert findings == [], _messages(findings)
    else:
        assert [f.severity for f in findings] == ["warning"]
        assert "never sees them" in findings[0].message
        assert f"ClientAuthType {client_auth}" in text
    assert ("HandshakeRole Client" in text) == (outbound_port is not None)


@pytest.mark.parametrize("jobname", ["ZCEESRV1", "Z", "ZCEESRV*"])
def test_job_names_of_eight_characters_or_a_wildcard_are_clean(jobname: str) -> None:
    # Regression: an 8-character job name without a * was reported as too long.
    assert check(policy(9443, jobname)) == []


def test_job_names_longer_than_eight_are_a_warning() -> None:
    text = policy(9443, "ZCEESRV1").replace("Jobname ZCEESRV1", "Jobname ZCEESRV12")
    assert ["1 to 8 characters" in f.message for f in check(text)] == [True]


def test_generated_policy_uses_defaults_and_verified_facts_only() -> None:
    text = policy(9443, "BAQSTRT*", trace=1)
    assert f"  Keyring {RING_OWNER}/{RING_NAME}" in text
    assert "  Trace 1" in text
    assert "#" not in "".join(line for line in text.splitlines() if not line.startswith("#"))
    ciphers = [line.split()[1] for line in text.splitlines() if "V3CipherSuites" in line]
    assert ciphers == DATA["generated_ciphers"]["names"]
    assert policy(9443, "ZCSRV1", owner=None, ring="ZCEE.Ring").count("Keyring ZCEE.Ring") == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"port": 0},
        {"port": True},
        {"port": 70000},
        {"jobname": "zcsrv1"},
        {"jobname": "TOOLONGNAME"},
        {"jobname": "Z*CS"},
        {"owner": "TOO-LONG-ID"},
        {"ring": "has blank"},
        {"client_auth": "Sometimes"},
        {"trace": 256},
        {"priority": 0},
        {"prefix": "9bad"},
        {"prefix": "x" * 17},
        {"outbound_port": -1},
    ],
)
def test_generator_refuses_bad_input(kwargs: dict[str, object]) -> None:
    args: dict[str, object] = {"port": 9443, "jobname": "ZCSRV1"} | kwargs
    with pytest.raises(InputError) as caught:
        policy(**args)  # type: ignore[arg-type]
    assert "\n" not in str(caught.value) and len(str(caught.value)) <= 200


# --- return codes -------------------------------------------------------------------------


@pytest.mark.parametrize("rc", [5001, 5002, 5003, 5004])
def test_attls_return_codes_are_verified(rc: int) -> None:
    assert DATA["return_codes"][str(rc)]["mark"] == "V"
    text = explain_rc(rc)
    assert text.startswith(f"RC {rc} (AT-TLS, fix in the policy or configuration): ")
    assert "not verified" not in text


def test_system_ssl_return_codes() -> None:
    assert "no private key" in explain_rc("RC: 428")
    assert "GroupUserInstance" in explain_rc(428)
    assert "EZD1281I" in explain_rc(202)
    assert "not verified" in explain_rc(435)
    assert "System SSL" in explain_rc(999)
    assert "internal" in explain_rc(6005)
    assert "outside the ranges" in explain_rc(5000)
    assert explain_rc(0) == "RC 0: no error."


@pytest.mark.parametrize("rc", ["", "abc", "-1", "5003x", "1" * 20])
def test_bad_return_codes(rc: str) -> None:
    with pytest.raises(InputError):
        explain_rc(rc)


def test_trace_levels() -> None:
    assert explain_trace(1) == ["1: errors to the TCP/IP job log (EZD1287I)"]
    lines = explain_trace("255")
    assert len(lines) == 8
    assert "EZD1284I" in lines[4] and "not verified" not in lines[4]
    assert lines[5].endswith("(not verified)")
    assert "not verified" in explain_trace(0)[0]
    for bad in ("256", "-1", "x", ""):
        with pytest.raises(InputError):
            explain_trace(bad)


# --- hostile input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("TTLSRule R\n{\n  Direction Inbound\n", "no closing }"),
        ("}\n", "no { open"),
        ("{\n}\n", "no statement or parameter before it"),
        ("TTLSRule R\n", "not followed by a block"),
        ("TTLSRule R extra\n{\n}\n", "extra words"),
        ("TTLSRule R\n{\n  Jobname A\x00B\n}\n", "control character"),
        ("TTLSRule R\n{\nTTLSGroupAction G\n{\n}\n}\n", "a } is missing"),
    ],
)
def test_syntax_problems_are_findings(text: str, part: str) -> None:
    _one(text, "error", part)


def test_deep_nesting_is_bounded() -> None:
    depth = 5000
    text = "TTLSEnvironmentAction E\n{\n" + "TTLSKeyringParms\n{\n" * depth + "}\n" * (depth + 1)
    findings = check(text)
    assert any(f"deeper than {MAX_DEPTH}" in f.message for f in findings)
    assert len(findings) < 10


def test_huge_input_is_one_finding() -> None:
    findings = check("#" * (MAX_TEXT_CHARS + 1))
    assert len(findings) == 1 and "not read" in findings[0].message


@pytest.mark.parametrize(
    "text",
    [
        "{" * 100_000,
        "}" * 100_000,
        "TTLSRule R\n{\n" * 20_000,
        "\x1b[2J" * 1000,
        "\u2028TTLSRule\u2029{\r\n}",
        "TTLSRule " + "R" * 100_000 + "\n{\n}\n",
        "TTLSKeyringParms K\n{\n  Keyring " + "A" * 5000 + "\n}\n",
        "TTLSRule R\n{\n  RemoteAddr " + "1." * 10_000 + "\n}\n",
        "\ufeffTTLSRule R\n{\n}\n",
    ],
)
def test_hostile_input_gives_findings_not_exceptions(text: str) -> None:
    findings = check(text)
    assert findings
    assert len(findings) <= 201
    for finding in findings:
        assert "\n" not in finding.message
        assert len(finding.message) < 400
