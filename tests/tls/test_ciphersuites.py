"""certkit.tls.ciphersuites and ``certkit ciphersuite``, checked against the sources of truth here.

* Every suite ``openssl ciphers -V -stdname ALL:COMPLEMENTOFALL`` prints: explain() by every
  spelling and every code form returns the same suite, with the code and both names OpenSSL
  gives, and fields that reproduce OpenSSL's own Kx/Au/Enc/Mac and minimum-version columns.
* Every suite ``ssl.SSLContext.get_ciphers()`` lists (all of them, and the defaults): the same,
  against the ssl module's kea/auth/symmetric/digest/aead/alg_bits/protocol.
* The versions: ``openssl ciphers -s -tls1|-tls1_1|-tls1_2|-tls1_3`` lists exactly the suites
  certkit says each version can negotiate.
* The committed table (src/certkit/data/ciphersuites.json) against the same output, against
  OpenSSL's headers (legacy suites it no longer builds) and against the JDK's suite names.
* The course's examples, bad names, and the real command.
"""

from __future__ import annotations

import json
import re
import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from commands import run_certkit as certkit

from certkit.datafiles import data_file
from certkit.errors import InputError
from certkit.tls.ciphersuites import Suite, explain, openssl_suites, suites

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(str(data_file("ciphersuites.json")))
HEADERS = [Path("/usr/include/openssl/ssl3.h"), Path("/usr/include/openssl/tls1.h")]


@dataclass(frozen=True)
class OpensslRow:
    code: int
    iana: str
    openssl: str
    min_version: str
    kx: str
    au: str
    enc: str
    mac: str


def _openssl(*args: str) -> str:
    return subprocess.run(
        ["openssl", "ciphers", *args], capture_output=True, text=True, check=True
    ).stdout


def _parse_v(text: str) -> list[OpensslRow]:
    rows = []
    for line in text.splitlines():
        m = re.fullmatch(
            r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+- (\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)"
            r"\s+Enc=(\S+)\s+Mac=(\S+)\s*",
            line,
        )
        assert m, f"unexpected openssl ciphers -V line: {line!r}"
        high, low, iana, name, version, kx, au, enc, mac = m.groups()
        rows.append(OpensslRow(int(high + low, 16), iana, name, version, kx, au, enc, mac))
    return rows


OPENSSL = _parse_v(_openssl("-V", "-stdname", "ALL:COMPLEMENTOFALL"))
TLS13_EXTRA = _parse_v(
    _openssl("-V", "-stdname", "-ciphersuites", "TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256")
)[:2]


def _python_ciphers(cipher_string: str | None) -> list[dict[str, object]]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    if cipher_string is not None:
        context.set_ciphers(cipher_string)
    return [dict(c) for c in context.get_ciphers()]


PYTHON_ALL = _python_ciphers("ALL:COMPLEMENTOFALL")
PYTHON_DEFAULT = _python_ciphers(None)

# OpenSSL's column words for certkit's.
KX = {"ECDHE": "ECDH", "DHE": "DH", "RSA": "RSA", "PSK": "PSK", "DHE-PSK": "DHEPSK",
      "ECDHE-PSK": "ECDHEPSK", "RSA-PSK": "RSAPSK", "SRP": "SRP", None: "any"}  # fmt: skip
AU = {"RSA": "RSA", "ECDSA": "ECDSA", "DSS": "DSS", "anonymous": "None", "PSK": "PSK",
      "RSA+PSK": "RSA", "SRP": "SRP", "RSA+SRP": "RSA", "DSS+SRP": "DSS", None: "any"}  # fmt: skip
MAC = {"SHA-1": "SHA1", "SHA-256": "SHA256", "SHA-384": "SHA384", "MD5": "MD5"}
MIN_VERSION = {"SSL 3.0": "SSLv3", "TLS 1.0": "TLSv1", "TLS 1.2": "TLSv1.2", "TLS 1.3": "TLSv1.3"}
PYTHON_PROTOCOL = {"SSLv3": "SSLv3", "TLSv1": "TLSv1.0", "TLSv1.2": "TLSv1.2", "TLSv1.3": "TLSv1.3"}


def openssl_columns(suite: Suite) -> tuple[str, str, str, str, str]:
    """What ``openssl ciphers -V`` would print for the suite, from certkit's fields."""
    if suite.cipher is None:
        enc = "None"
    elif suite.mode == "ChaCha20-Poly1305":
        enc = f"CHACHA20/POLY1305({suite.key_bits})"
    else:
        name = {"AES": "AES", "Camellia": "Camellia", "ARIA": "ARIA"}[suite.cipher]
        mode = {"CBC": "", "GCM": "GCM", "CCM": "CCM", "CCM_8": "CCM8"}[suite.mode or ""]
        enc = f"{name}{mode}({suite.key_bits})"
    mac = "AEAD" if suite.aead else MAC[suite.hash or ""]
    return (
        MIN_VERSION[suite.versions[0]],
        KX[suite.key_exchange],
        AU[suite.authentication],
        enc,
        mac,
    )


def field(label: str, value: str) -> str:
    """A line of Suite.to_text(): the label in its column, then the value."""
    return f"  {label:<17}{value}"


def code_spellings(code: int) -> list[str | int]:
    high, low = code >> 8, code & 0xFF
    forms: list[str | int] = [
        f"0x{high:02X},0x{low:02X}",
        f"0x{high:02x}, 0x{low:02x}",
        f"{{0x{high:02X},0x{low:02X}}}",
        f"{code:04X}",
        f"{code:04x}",
        f"0x{code:04X}",
        f"0x0300{code:04X}",
        code,
        0x03000000 | code,
    ]
    if code <= 0xFF:
        forms.append(f"{code:02X}")
    return forms


# -- every suite OpenSSL offers here -------------------------------------------------------


@pytest.mark.parametrize("row", OPENSSL + TLS13_EXTRA, ids=lambda row: row.openssl)
def test_every_openssl_suite_by_every_spelling(row: OpensslRow) -> None:
    suite = explain(row.iana)
    assert (suite.code, suite.iana, suite.openssl) == (row.code, row.iana, row.openssl)
    spellings: list[str | int] = [
        row.openssl,
        row.openssl.lower(),
        row.iana.lower(),
        suite.java,
        suite.ibm_java,
        suite.ibm_java.lower(),
        f"  {row.openssl}\n",
        *code_spellings(row.code),
    ]
    for spelling in spellings:
        assert explain(spelling) is suite, spelling
    assert openssl_columns(suite) == (row.min_version, row.kx, row.au, row.enc, row.mac)
    assert suite.offered == (row in OPENSSL)
    assert suite.names["IANA"] == row.iana
    assert suite.names["OpenSSL"] == row.openssl
    assert suite.names["z/OS 4-character"] == f"{row.code:04X}"


def test_openssl_and_python_agree_on_the_list() -> None:
    assert [row.code for row in OPENSSL] == [int(c["id"]) & 0xFFFF for c in PYTHON_ALL]
    assert [suite.code for suite in openssl_suites()] == [row.code for row in OPENSSL]
    offered = {suite.code for suite in suites() if suite.offered}
    assert offered == {row.code for row in OPENSSL}
    assert len(OPENSSL) >= 100, "suspiciously few suites: is this OpenSSL 3?"


@pytest.mark.parametrize(
    "cipher",
    [pytest.param(c, id=f"all-{c['name']}") for c in PYTHON_ALL]
    + [pytest.param(c, id=f"default-{c['name']}") for c in PYTHON_DEFAULT],
)
def test_every_python_cipher(cipher: dict[str, object]) -> None:
    suite = explain(str(cipher["name"]))
    assert explain(int(str(cipher["id"]))) is suite
    assert suite.code == int(str(cipher["id"])) & 0xFFFF
    assert suite.openssl == cipher["name"]
    kea = {"ECDHE": "kx-ecdhe", "DHE": "kx-dhe", "RSA": "kx-rsa", "PSK": "kx-psk",
           "DHE-PSK": "kx-dhe-psk", "ECDHE-PSK": "kx-ecdhe-psk", "RSA-PSK": "kx-rsa-psk",
           "SRP": "kx-srp", None: "kx-any"}  # fmt: skip
    assert kea[suite.key_exchange] == cipher["kea"]
    assert "auth-" + AU[suite.authentication].lower().replace("none", "null") == cipher["auth"]
    symmetric = None
    if suite.cipher is not None:
        mode = {"CCM_8": "ccm", "ChaCha20-Poly1305": None}.get(suite.mode or "", suite.mode)
        symmetric = (
            "chacha20-poly1305"
            if mode is None
            else f"{suite.cipher.lower()}-{suite.key_bits}-{mode.lower()}"
        )
    assert symmetric == cipher["symmetric"]
    digest = None if suite.aead else MAC[suite.hash or ""].lower()
    assert digest == cipher["digest"]
    assert suite.aead == cipher["aead"]
    assert suite.key_bits == cipher["alg_bits"]
    assert PYTHON_PROTOCOL[MIN_VERSION[suite.versions[0]]] == cipher["protocol"]


def test_python_default_flag() -> None:
    default = {int(str(c["id"])) & 0xFFFF for c in ssl.create_default_context().get_ciphers()}
    assert {suite.code for suite in suites() if suite.python_default} == default


@pytest.mark.parametrize("flag,version", [("-tls1", "1.0"), ("-tls1_1", "1.1"),
                                          ("-tls1_2", "1.2"), ("-tls1_3", "1.3")])  # fmt: skip
def test_versions_match_what_openssl_supports_per_version(flag: str, version: str) -> None:
    # -s lists the suites a client could use with only this version enabled. OpenSSL leaves
    # out PSK and SRP suites unless a PSK or SRP callback is set, so they are compared only by
    # their minimum version (in test_every_openssl_suite_by_every_spelling).
    supported = _openssl("-s", flag, "ALL:COMPLEMENTOFALL:@SECLEVEL=0").strip().split(":")
    theirs = {explain(name).code for name in supported}
    mine = {
        suite.code
        for suite in openssl_suites(version)
        if suite.key_exchange is None or not suite.key_exchange.endswith(("PSK", "SRP"))
    }
    assert mine == theirs
    assert all(f"TLS {version}" in suite.versions for suite in openssl_suites(version))


# -- the committed table -------------------------------------------------------------------


def _json_rows() -> list[dict[str, object]]:
    data = json.loads(DATA.read_text(encoding="utf-8"))
    rows: list[dict[str, object]] = data["suites"]
    return rows


def test_table_rows_are_unique_sorted_and_sourced() -> None:
    rows = _json_rows()
    codes = [int(str(r["code"]).replace("0x", "").replace(",", ""), 16) for r in rows]
    assert codes == sorted(set(codes)), "codes must be unique and in order"
    assert [s.code for s in suites()] == codes
    for row in rows:
        assert re.fullmatch(r"0x[0-9A-F]{2},0x[0-9A-F]{2}", str(row["code"])), row
        assert re.fullmatch(r"TLS_[A-Za-z0-9_]+", str(row["iana"])), row
        assert isinstance(row["rfc"], list) and row["rfc"], f"no RFC for {row}"
    spellings: dict[str, int] = {}
    for suite in suites():
        for spelling in {suite.iana, suite.java, suite.ibm_java, suite.openssl} - {None}:
            assert spellings.setdefault(str(spelling).upper(), suite.code) == suite.code


def test_table_names_match_openssl_for_every_offered_suite() -> None:
    by_code = {s.code: s for s in suites()}
    for row in OPENSSL + TLS13_EXTRA:
        assert row.code in by_code, f"{row.openssl} is missing from ciphersuites.json"
        assert (by_code[row.code].iana, by_code[row.code].openssl) == (row.iana, row.openssl)


def _header_defines() -> dict[int, dict[str, str]]:
    defines: dict[tuple[str, str], dict[str, str]] = {}
    for header in HEADERS:
        text = header.read_text(encoding="utf-8")
        pattern = r"^#\s*define\s+(SSL3|TLS1|TLS1_3)_(CK|TXT|RFC)_(\w+)\s+(\S+)"
        for m in re.finditer(pattern, text, re.M):
            prefix, kind, key, value = m.groups()
            defines.setdefault((prefix, key), {})[kind] = value.strip('"')
    by_code: dict[int, dict[str, str]] = {}
    for found in defines.values():
        if re.fullmatch(r"0x0300[0-9A-Fa-f]{4}", found.get("CK", "")):
            by_code[int(found["CK"], 16) & 0xFFFF] = found
    return by_code


@pytest.mark.skipif(
    not all(h.exists() for h in HEADERS), reason="OpenSSL's headers (libssl-dev) are not here"
)
def test_table_matches_openssls_headers() -> None:
    """Legacy suites: OpenSSL's headers still define the code and both names of many."""
    defines = _header_defines()
    by_code = {s.code: s for s in suites()}
    for code, found in defines.items():
        if code in (0x00FF, 0x5600):  # the SCSVs have codes but no names in the headers
            assert by_code[code].signalling
            continue
        suite = by_code.get(code)
        assert suite is not None, f"0x{code:04X} ({found}) is missing from ciphersuites.json"
        if "TXT" in found:
            assert suite.openssl == found["TXT"], found
        if "RFC" in found:
            assert suite.iana == found["RFC"], found
            if "TXT" not in found:  # TLS 1.3: OpenSSL's name is the RFC name
                assert suite.openssl == found["RFC"]
    offered = {row.code for row in OPENSSL}
    invented = [
        s.iana
        for s in suites()
        if s.openssl is not None and s.code not in offered and s.code not in defines
    ]
    assert invented == [], "OpenSSL names must come from openssl ciphers or the headers"


JAVA_LISTER = """\
import javax.net.ssl.SSLContext;
public class ListSuites {
    public static void main(String[] args) throws Exception {
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, null, null);
        for (String name : context.getSupportedSSLParameters().getCipherSuites()) {
            System.out.println(name);
        }
    }
}
"""


@pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK here")
def test_java_names_match_the_jdk(tmp_path: Path) -> None:
    """The JDK's own names, including its SSL_-prefixed legacy ones (none disabled)."""
    (tmp_path / "ListSuites.java").write_text(JAVA_LISTER, encoding="utf-8")
    (tmp_path / "all.security").write_text(
        "jdk.tls.disabledAlgorithms=\njdk.tls.legacyAlgorithms=\n", encoding="utf-8"
    )
    names = subprocess.run(
        ["java", "-Djava.security.properties=all.security", "ListSuites.java"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout.split()
    assert "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384" in names
    assert "SSL_RSA_WITH_3DES_EDE_CBC_SHA" in names, "the JDK listed no legacy suites"
    for name in names:
        assert explain(name).java == name


# -- the course's examples -----------------------------------------------------------------


def test_the_curl_trace_suite() -> None:
    suite = explain("ECDHE-RSA-AES256-GCM-SHA384")
    assert suite is explain("TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384") is explain("C030")
    assert suite is explain("0xC0,0x30") is explain("SSL_ECDHE_RSA_WITH_AES_256_GCM_SHA384")
    assert suite.code_text == "0xC0,0x30"
    assert suite.zos == "C030" and suite.zos_2char is None
    assert suite.rfcs == (5289,)
    assert (suite.key_exchange, suite.authentication) == ("ECDHE", "RSA")
    assert (suite.cipher, suite.key_bits, suite.mode, suite.cipher_name) == (
        "AES",
        256,
        "GCM",
        "AES-256-GCM",
    )
    assert suite.aead and suite.mac is None
    assert (suite.hash, suite.prf_hash) == ("SHA-384", "SHA-384")
    assert suite.prf == "TLS 1.2 PRF with SHA-384"
    assert suite.forward_secrecy
    assert suite.versions == ("TLS 1.2",)
    assert suite.versions_text == "TLS 1.2 only"
    assert suite.verdict == "recommended"
    assert suite.offered
    text = suite.to_text()
    for expected in [
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 (0xC0,0x30)",
        field("OpenSSL name", "ECDHE-RSA-AES256-GCM-SHA384"),
        field("IBM Java 8 name", "SSL_ECDHE_RSA_WITH_AES_256_GCM_SHA384"),
        field("z/OS code", "C030"),
        field("Key exchange", "ECDHE"),
        field("Authentication", "RSA"),
        field("Cipher", "AES-256-GCM"),
        field("Integrity", "AEAD"),
        field("Key derivation", "TLS 1.2 PRF with SHA-384"),
        field("Forward secrecy", "yes:"),
        field("Versions", "TLS 1.2 only"),
        "ServerKeyExchange",
    ]:
        assert expected in text, expected
    assert all(len(line) <= 100 for line in text.splitlines())


def test_tls13_suite_leaves_key_exchange_and_authentication_to_extensions() -> None:
    suite = explain("TLS_AES_256_GCM_SHA384")
    assert suite is explain("1302") is explain("0x13,0x02")
    assert suite.tls13 and suite.versions == ("TLS 1.3",)
    assert suite.key_exchange is None and suite.authentication is None
    assert suite.openssl == suite.java == suite.ibm_java == "TLS_AES_256_GCM_SHA384"
    assert (suite.cipher_name, suite.prf_hash, suite.prf) == (
        "AES-256-GCM",
        "SHA-384",
        "HKDF-SHA384",
    )
    assert suite.forward_secrecy and suite.verdict == "recommended"
    text = suite.to_text()
    assert "not part of a TLS 1.3 suite: negotiated by extensions" in text
    assert "key_share" in text and "signature_algorithms" in text
    assert "TLS 1.3 only" in text
    assert "IBM Java 8 name" not in text


def test_static_rsa_has_no_forward_secrecy() -> None:
    suite = explain("AES256-GCM-SHA384")
    assert suite.iana == "TLS_RSA_WITH_AES_256_GCM_SHA384"
    assert suite.key_exchange == suite.authentication == "RSA"
    assert not suite.forward_secrecy
    assert "static RSA" in suite.forward_secrecy_reason
    assert suite.verdict == "legacy"
    assert field("Forward secrecy", "no:") in suite.to_text()


@pytest.mark.parametrize(
    "name,verdict,words",
    [
        ("ECDHE-RSA-AES256-SHA384", "legacy", "Lucky13"),
        ("DES-CBC3-SHA", "insecure", "Sweet32"),
        ("RC4-SHA", "insecure", "RFC 7465"),
        ("EXP-RC4-MD5", "insecure", "Export grade"),
        ("NULL-SHA256", "insecure", "No encryption"),
        ("ADH-AES256-GCM-SHA384", "insecure", "No authentication"),
        ("ECDHE-ECDSA-AES128-CCM8", "acceptable", "8-byte"),
        ("DHE-RSA-AES256-GCM-SHA384", "acceptable", "Finite-field DHE"),
        ("TLS_AES_128_CCM_8_SHA256", "acceptable", "8-byte"),
        ("ECDH-RSA-AES128-GCM-SHA256", "legacy", "Static Diffie-Hellman"),
        ("TLS_EMPTY_RENEGOTIATION_INFO_SCSV", "not a suite", "names no algorithms"),
        ("TLS_FALLBACK_SCSV", "not a suite", "names no algorithms"),
        ("TLS_NULL_WITH_NULL_NULL", "not a suite", "never"),
    ],
)
def test_security_notes(name: str, verdict: str, words: str) -> None:
    suite = explain(name)
    assert suite.verdict == verdict
    assert words in " ".join(suite.security)
    assert words in suite.to_text().replace("\n" + " " * 19, " ")


def test_signalling_values() -> None:
    renegotiation, fallback = explain("0x00,0xFF"), explain("5600")
    assert renegotiation.signalling and fallback.signalling
    assert "RFC 5746" in renegotiation.explanation and "RFC 7507" in fallback.explanation
    assert renegotiation.versions == () and renegotiation.key_exchange is None
    assert "z/OS code" not in renegotiation.to_text()


def test_legacy_suites_and_java_names() -> None:
    triple_des = explain("0A")
    assert triple_des is explain("SSL_RSA_WITH_3DES_EDE_CBC_SHA") is explain("DES-CBC3-SHA")
    assert triple_des.java == triple_des.ibm_java == "SSL_RSA_WITH_3DES_EDE_CBC_SHA"
    assert triple_des.zos_2char == "0A" and triple_des.zos == "000A"
    assert not triple_des.offered
    assert explain("EXP-RC4-MD5").versions == ("SSL 3.0", "TLS 1.0")
    assert explain("DES-CBC-SHA").versions == ("SSL 3.0", "TLS 1.0", "TLS 1.1")
    assert explain("TLS_AES_128_CCM_SHA256").offered is False
    assert "-ciphersuites" in explain("TLS_AES_128_CCM_SHA256").to_text()


def test_every_suite_renders() -> None:
    for suite in suites():
        data = suite.to_dict()
        assert json.loads(json.dumps(data)) == data
        assert data["code"] == suite.code_text and data["iana"] == suite.iana
        text = suite.to_text()
        assert text.startswith(f"{suite.iana} ({suite.code_text})")
        assert all(len(line) <= 100 for line in text.splitlines()), suite.iana
        assert suite.explanation and suite.security


# -- bad names -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name,message",
    [
        ("ECDHE-RSA-AES256-GCM-SHA38", "did you mean ECDHE-RSA-AES256-GCM-SHA384,"),
        ("TLS_ECDHE_RSA_WITH_AES_256_GCM", "did you mean TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,"),
        (
            "ssl_ecdhe_rsa_with_aes_256_gcm_sha",
            "did you mean SSL_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        ),
        ("hello", "no similar name known"),
        ("", "no cipher suite given"),
        ("   ", "no cipher suite given"),
        ("D001", "0xD0,0x01 (D001) is not in certkit's table"),
        ("0xD0,0x01", "0xD0,0x01 (0xD0,0x01) is not in certkit's table"),
        ("C03", "unknown cipher suite 'C03'"),
        (0x1C030, "is not a 2-byte cipher suite code"),
        (-1, "is not a 2-byte cipher suite code"),
    ],
)
def test_bad_names(name: str | int, message: str) -> None:
    with pytest.raises(InputError) as caught:
        explain(name)
    text = str(caught.value)
    assert message in text
    assert "\n" not in text


def test_bad_tls_version() -> None:
    with pytest.raises(InputError, match=re.escape("1.0, 1.1, 1.2 or 1.3")):
        openssl_suites("1.4")


# -- the real command ----------------------------------------------------------------------


def test_command_explains_each_name() -> None:
    run = certkit("ciphersuite", "ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384")
    assert (run.returncode, run.stderr) == (0, "")
    expected = "\n\n".join(
        explain(n).to_text() for n in ("ECDHE-RSA-AES256-GCM-SHA384", "TLS_AES_256_GCM_SHA384")
    )
    assert run.stdout == expected + "\n"


def test_command_json() -> None:
    run = certkit("ciphersuite", "c030", "AES256-GCM-SHA384", "--json")
    assert (run.returncode, run.stderr) == (0, "")
    data = json.loads(run.stdout)
    assert [d["iana"] for d in data] == [
        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_RSA_WITH_AES_256_GCM_SHA384",
    ]
    assert data[0] == explain("C030").to_dict()
    assert [d["forward_secrecy"] for d in data] == [True, False]


@pytest.mark.parametrize(
    "args,message",
    [
        (["ECDHE-RSA-AES256-GCM-SHA38"], "did you mean ECDHE-RSA-AES256-GCM-SHA384"),
        (["C030", "nope"], "unknown cipher suite 'nope'"),
        ([], "give a cipher suite name or code"),
        (["C030", "--list"], "not both"),
        (["C030", "--tls", "1.2"], "--tls only applies to --list"),
        (["--list", "--tls", "1.4"], "invalid choice"),
    ],
)
def test_command_bad_input(args: list[str], message: str) -> None:
    run = certkit("ciphersuite", *args)
    assert run.returncode == 2
    assert run.stdout == ""
    assert run.stderr.count("\n") == 1 and run.stderr.startswith("certkit: error: ")
    assert message in run.stderr
    assert "Traceback" not in run.stderr


def test_command_list() -> None:
    run = certkit("ciphersuite", "--list")
    assert (run.returncode, run.stderr) == (0, "")
    lines = run.stdout.splitlines()
    assert lines[0].split() == [
        "Code", "IANA", "name", "OpenSSL", "name", "Kx", "Au", "Cipher", "MAC", "FS", "TLS",
        "Verdict",
    ]  # fmt: skip
    body = lines[1:-1]
    assert [line.split()[1] for line in body] == [row.iana for row in OPENSSL]
    assert lines[-1].startswith(f"{len(OPENSSL)} suites.")
    c030 = next(line for line in body if line.startswith("C030 "))
    assert c030.split() == [
        "C030", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "ECDHE-RSA-AES256-GCM-SHA384", "ECDHE",
        "RSA", "AES-256-GCM", "AEAD", "yes", "1.2", "recommended",
    ]  # fmt: skip


def test_command_list_by_version() -> None:
    run = certkit("ciphersuite", "--list", "--tls", "1.3")
    assert run.returncode == 0
    body = run.stdout.splitlines()[1:-1]
    assert [line.split()[1] for line in body] == [
        row.iana for row in OPENSSL if row.min_version == "TLSv1.3"
    ]
    assert all(line.split()[3:5] == ["any", "any"] for line in body)
    run = certkit("ciphersuite", "--list", "--tls", "1.2", "--json")
    data = json.loads(run.stdout)
    assert [d["code"] for d in data] == [s.code_text for s in openssl_suites("1.2")]
    assert all("TLS 1.2" in d["versions"] for d in data)
    assert "TLS_AES_256_GCM_SHA384" not in {d["iana"] for d in data}
