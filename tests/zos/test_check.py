"""``certkit.zos.check``: files that disagree, each mismatch with a minimal pair of files; a set
certkit writes itself agrees; ``certkit zos check`` exit statuses."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import pytest

from certkit.certificates.pki import Lab
from certkit.cli.app import main
from certkit.zos import attls, liberty
from certkit.zos.check import check, kind_of, reports
from certkit.zos.setup import Setup, tso
from certkit.zos.text.findings import Finding

OWNER, RING = "ZCSRV1", "ZCEE.Ring"

RACF = f"""RACDCERT CERTAUTH GENCERT SUBJECTSDN(CN('Root')) WITHLABEL('Root CA')
RACDCERT ID(FRED) GENCERT SUBJECTSDN(CN('Fred')) WITHLABEL('Fred') +
  SIGNWITH(CERTAUTH LABEL('Root CA'))
RACDCERT ID({OWNER}) ADDRING({RING})
RACDCERT ID({OWNER}) CONNECT(CERTAUTH LABEL('Root CA') RING({RING}) USAGE(CERTAUTH))
RACDCERT ID({OWNER}) CONNECT(ID({OWNER}) LABEL('Server') RING({RING}) DEFAULT)
PERMIT IRR.DIGTCERT.LISTRING CLASS(FACILITY) ID({OWNER}) ACCESS(READ)
"""

XML = f"""<server>
  <featureManager>
    <feature>zosConnect-2.0</feature>
  </featureManager>
  <keyStore id="k" location="safkeyring://{OWNER}/{RING}" type="JCERACFKS"/>
  <ssl id="s" keyStoreRef="k" serverKeyAlias="Server" clientAuthentication="true"/>
  <httpEndpoint id="e" httpsPort="9443"/>
</server>
"""

POLICY = """TTLSRule In
{
  LocalPortRange 9443
  Direction Inbound
  TTLSEnvironmentActionRef Env
}
TTLSEnvironmentAction Env
{
  HandshakeRole Server
  TTLSKeyringParms
  {
    Keyring ZCSRV1/ZCEE.Ring
  }
}
"""


def only(found: list[tuple[str, Finding]]) -> tuple[str, Finding]:
    assert len(found) == 1, found
    return found[0]


def test_the_minimal_pair_agrees() -> None:
    assert check({"racf.txt": RACF, "server.xml": XML}) == []


def test_ring_name_case() -> None:
    name, finding = only(check({"racf.txt": RACF, "server.xml": XML.replace(RING, "ZCEE.RING")}))
    assert (name, finding.position.line, finding.severity) == ("server.xml", 5, "error")
    assert "racf.txt:4" in finding.message and "case sensitive" in finding.message


def test_ring_owner_in_upper_case() -> None:
    assert check({"racf.txt": RACF, "server.xml": XML.replace(OWNER, OWNER.lower())}) == []
    name, finding = only(check({"racf.txt": RACF, "server.xml": XML.replace(OWNER, "ZCSRV2")}))
    assert name == "server.xml" and "ZCSRV2" in finding.message and "racf.txt:4" in finding.message


def test_attls_keyring_owner() -> None:
    policy = POLICY.replace("ZCSRV1/", "OTHER/")
    name, finding = only(check({"racf.txt": RACF, "policy.txt": policy}))
    assert (name, finding.position.line) == ("policy.txt", 12)
    assert "OTHER" in finding.message


def test_server_key_alias_not_connected() -> None:
    xml = XML.replace('serverKeyAlias="Server"', 'serverKeyAlias="server"')
    name, finding = only(check({"racf.txt": RACF, "server.xml": xml}))
    assert (name, finding.position.line, finding.position.column) == ("server.xml", 6, 31)
    assert "serverKeyAlias 'server'" in finding.message and "racf.txt:4" in finding.message


def test_no_certauth_on_the_ring() -> None:
    racf = RACF.replace("USAGE(CERTAUTH)", "USAGE(PERSONAL)")
    name, finding = only(check({"racf.txt": racf, "server.xml": XML}))
    assert (name, finding.position.line) == ("server.xml", 6)
    assert "CERTAUTH" in finding.message and "racf.txt:4" in finding.message


def test_client_ca_not_connected() -> None:
    racf = RACF.replace("LABEL('Root CA'))\n", "LABEL('Other CA'))\n")
    name, finding = only(check({"racf.txt": racf, "server.xml": XML}))
    assert name == "server.xml" and "FRED" in finding.message and "'Other CA'" in finding.message


def test_supported_also_needs_certauth() -> None:
    racf = RACF.replace("USAGE(CERTAUTH)", "USAGE(PERSONAL)")
    xml = XML.replace("clientAuthentication=", "clientAuthenticationSupported=")
    _, finding = only(check({"racf.txt": racf, "server.xml": xml}))
    assert "clientAuthenticationSupported" in finding.message


def test_no_access_to_the_ring() -> None:
    racf = RACF.replace(f"ID({OWNER}) ACCESS", "ID(OTHER) ACCESS")
    name, finding = only(check({"racf.txt": racf, "server.xml": XML}))
    assert (name, finding.position.line) == ("server.xml", 5)
    assert "IRR.DIGTCERT.LISTRING" in finding.message and "NONE" in finding.message


def test_rdatalib_gives_access() -> None:
    racf = RACF.replace(
        "IRR.DIGTCERT.LISTRING CLASS(FACILITY)", f"{OWNER}.ZCEE.RING.LST CLASS(RDATALIB)"
    )
    assert check({"racf.txt": racf, "server.xml": XML}) == []


def test_another_user_needs_update() -> None:
    racf = RACF.replace(f"ID({OWNER}) ACCESS(READ)", "ID(ZCSRV9) ACCESS(READ)")
    _, finding = only(check({"racf.txt": racf, "server.xml": XML}, server_user="zcsrv9"))
    assert "ZCSRV9 needs UPDATE" in finding.message


PLAIN = XML.replace('httpsPort="9443"', 'httpPort="9443"')


def test_client_certificate_behind_inbound_attls() -> None:
    name, finding = only(check({"server.xml": PLAIN, "policy.txt": POLICY}))
    assert (name, finding.position.line) == ("server.xml", 6)
    assert "policy.txt:1" in finding.message and "9443" in finding.message
    assert "client certificate" in finding.message
    assert check({"server.xml": XML, "policy.txt": POLICY.replace("9443", "9080")}) == []
    outbound = POLICY.replace("Inbound", "Outbound")
    assert check({"server.xml": XML, "policy.txt": outbound}) == []


def test_https_port_behind_inbound_attls() -> None:
    # The deck (zosconnect-security.md 5.1): behind inbound AT-TLS, Liberty defines only
    # httpPort; an httpsPort there receives the plain HTTP AT-TLS hands on.
    xml = XML.replace(' clientAuthentication="true"', "")
    name, finding = only(check({"server.xml": xml, "policy.txt": POLICY}))
    assert (name, finding.position.line, finding.position.column) == ("server.xml", 7, 24)
    assert finding.message.startswith("httpsPort 9443 is the port of inbound AT-TLS rule 'In'")
    assert (
        check({"server.xml": PLAIN.replace(' clientAuthentication="true"', ""), "p": POLICY}) == []
    )
    both = check({"server.xml": XML, "policy.txt": POLICY})
    assert [f.position.line for _, f in both] == [6, 7]


def test_protocols_with_nothing_in_common() -> None:
    policy = POLICY.replace("9443", "9080") + "TTLSEnvironmentAdvancedParms Tls\n{\n"
    policy += "  TLSv1.2 Off\n  TLSv1.3 On\n}\n"
    xml = XML.replace('clientAuthentication="true"', 'sslProtocol="TLSv1.2"')
    name, finding = only(check({"server.xml": xml, "policy.txt": policy}))
    assert (name, finding.position.line) == ("server.xml", 6)
    assert "TLSv1.3" in finding.message and "policy.txt:18" in finding.message
    assert check({"server.xml": xml.replace("TLSv1.2", "TLSv1.2,TLSv1.3"), "p": policy}) == []


def test_ciphers_with_nothing_in_common() -> None:
    policy = POLICY.replace("9443", "9080") + "TTLSCipherParms C\n{\n"
    policy += "  V3CipherSuites TLS_AES_256_GCM_SHA384\n}\n"
    xml = XML.replace(
        'clientAuthentication="true"', 'enabledCiphers="TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"'
    )
    name, finding = only(check({"server.xml": xml, "policy.txt": policy}))
    assert name == "server.xml" and "policy.txt:17" in finding.message


def test_trace_of_the_other_generation() -> None:
    spec = "*=info:zosConnect=all"
    assert check({"server.xml": XML, "trace.txt": spec}) == []
    v3 = XML.replace("zosConnect-2.0", "zosConnect-3.0")
    name, finding = only(check({"server.xml": v3, "trace.txt": spec}))
    assert (name, finding.position.column, finding.severity) == ("trace.txt", 8, "warning")
    assert "server.xml" in finding.message
    _, given = only(check({"trace.txt": spec}, generation="3.0"))
    assert "--generation" in given.message


def test_kinds() -> None:
    assert kind_of(RACF) == "racf"
    assert kind_of(XML) == "server.xml"
    assert kind_of("# a comment\n\n" + POLICY) == "attls"
    assert kind_of("*=info") == "trace"


@cache
def generated() -> dict[str, str]:
    setup = Setup.for_lab(
        Lab(seed="check").pki(),
        server_user=OWNER,
        ring=RING,
        client_user="FRED",
        domain="zcee.example.com",
        ca_until=dt.date(2035, 12, 31),
        leaf_until=dt.date(2030, 12, 31),
    )
    xml = liberty.security_server_xml(
        "zosConnect-2.0", ring=RING, owner=OWNER, client_auth="required", https_port=9443
    )
    policy = attls.policy(9080, OWNER, owner=OWNER, ring=RING, outbound_port=1414)
    return {
        "setup.txt": tso(setup),
        "server.xml": xml,
        "policy.txt": policy,
        "trace.txt": "*=info:zosConnect=all",
    }


def test_what_certkit_writes_agrees() -> None:
    assert check(generated()) == []
    assert [r.findings for r in reports(generated())] == [()] * 4


def test_a_changed_generated_set_disagrees() -> None:
    files = dict(generated())
    files["setup.txt"] = files["setup.txt"].replace("USAGE(CERTAUTH)", "USAGE(PERSONAL)")
    assert check(files)


def test_cli_exit_status(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    paths = []
    for name, text in generated().items():
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        paths.append(str(path))
    assert main(["zos", "check", *paths]) == 0
    assert "no problems found" in capsys.readouterr().out
    bad = tmp_path / "bad.xml"
    bad.write_text(XML.replace(OWNER, "ZCSRV2"), encoding="utf-8")
    assert main(["zos", "check", "--json", paths[0], str(bad)]) == 1
    data = json.loads(capsys.readouterr().out)
    assert data[1]["findings"][0]["line"] == 5
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["zos", "check", paths[0], str(empty)]) == 2
    assert main(["zos", "check", paths[0], str(tmp_path / "missing.txt")]) == 2


def test_a_batch_job_is_read_as_its_commands() -> None:
    job = f"//ZCSECUR JOB\n//S1 EXEC PGM=IKJEFT01\n//SYSTSIN DD *\n{RACF}/*\n"
    assert check({"job.jcl": job, "server.xml": XML}) == []


@pytest.mark.parametrize(
    "junk",
    ["<a", "((((", "TTLSRule {", "=:=:", "\x00\x01", "<keyStore location='safkeyring:///'/>"],
)
def test_junk_gives_no_exception(junk: str) -> None:
    found = check({"junk": junk, "racf.txt": RACF, "server.xml": XML})
    assert all(name != "junk" or f.message for name, f in found)
    assert all(len(f.message) <= 200 for _, f in found)
