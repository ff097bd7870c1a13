"""certkit.render: curl trace, JSSE summary, corrected steps and Mermaid, from real handshakes."""

from __future__ import annotations

import ctypes
import json
import re
import shutil
import ssl
import subprocess
from importlib import resources
from pathlib import Path

import pytest

from certkit import InputError
from certkit.certificates.pki import LabPKI
from certkit.tls.handshake import Options, contexts, lab_pki, run
from certkit.tls.recording import Recording
from certkit.traces.curl import CURL_ALERT_NAMES, CURL_MESSAGE_NAMES, curl_trace
from certkit.traces.jsse import jsse_summary
from certkit.traces.mermaid import mermaid
from certkit.traces.steps import deck, steps, steps_text

ROOT = Path(__file__).resolve().parents[2]

# The course deck's curl trace (slide 12), as the deck prints it: mutual authentication against a
# Liberty server, negotiated TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384.
DECK_TRACE = """\
* TLSv1.3 (OUT), TLS handshake, Client hello (01):
* TLSv1.3 (IN), TLS handshake, Server hello (02):
* TLSv1.2 (IN), TLS handshake, Certificate (11):
* TLSv1.2 (IN), TLS handshake, Server key exchange (12):
* TLSv1.2 (IN), TLS handshake, Request CERT (13):
* TLSv1.2 (IN), TLS handshake, Server finished (14):
* TLSv1.2 (OUT), TLS handshake, Certificate (11):
* TLSv1.2 (OUT), TLS handshake, Client key exchange (16):
* TLSv1.2 (OUT), TLS handshake, CERT verify (15):
* TLSv1.2 (OUT), TLS change cipher, Change cipher spec (01):
* TLSv1.2 (OUT), TLS handshake, Finished (20):
* TLSv1.2 (IN), TLS handshake, Finished (20):
* SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384
* Server certificate:
*  subject: O=IBM; OU=LIBERTY; CN=wg31.washington.ibm.com
*  start date: Jan 4 04:00:00 2021 GMT
*  expire date: Jan 1 03:59:59 2023 GMT
*  common name: wg31.washington.ibm.com (matched)
*  issuer: OU=LIBERTY; CN=CA for Liberty
* SSL certificate verify ok."""

# The deck's javax.net.debug excerpt (slide 13, server side, abbreviated by the deck).
DECK_JSSE = """\
Consuming ClientHello handshake message
Consumed extension: supported_versions
Negotiated protocol version: TLSv1.2
Produced ServerHello handshake message
Produced server Certificate handshake message
Produced ECDH ServerKeyExchange handshake message
Produced ServerHelloDone handshake message
Consuming ECDHE ClientKeyExchange handshake message
Consuming ChangeCipherSpec message
Consuming client Finished handshake message
Produced ChangeCipherSpec message
Produced server Finished handshake message"""

# Captured from OpenJDK 17.0.15 (SSLServerSocket, needClientAuth, -Djavax.net.debug=ssl:handshake)
# with curl 7.88.1 as the client: the message lines, without JSSE's prefixes and bodies, without
# "Session not resumed." and without the second "Consumed extension: supported_versions" JSSE
# logs while producing its ServerHello.
JDK17_SERVER_TLS12 = """\
Consuming ClientHello handshake message
Consumed extension: supported_versions
Negotiated protocol version: TLSv1.2
Produced ServerHello handshake message
Produced server Certificate handshake message
Produced ECDH ServerKeyExchange handshake message
Produced CertificateRequest handshake message
Produced ServerHelloDone handshake message
Consuming client Certificate handshake message
Consuming ECDHE ClientKeyExchange handshake message
Consuming CertificateVerify handshake message
Consuming ChangeCipherSpec message
Consuming client Finished handshake message
Produced ChangeCipherSpec message
Produced server Finished handshake message"""

JDK17_SERVER_TLS13 = """\
Consuming ClientHello handshake message
Consumed extension: supported_versions
Negotiated protocol version: TLSv1.3
Produced ServerHello handshake message
Produced EncryptedExtensions message
Produced CertificateRequest message
Produced server Certificate message
Produced server CertificateVerify handshake message
Produced server Finished handshake message
Consuming ChangeCipherSpec message
Consuming client Certificate handshake message
Consuming CertificateVerify handshake message
Consuming client Finished handshake message
Produced NewSessionTicket stateless post-handshake message"""

TRACE_LINE = re.compile(
    r"^\* (TLSv1\.[0-3]) \((OUT|IN)\), (TLS handshake|TLS change cipher|TLS alert), "
    r"(.+) \((-?\d+)\):$"
)

DECK_OPTIONS = Options(
    server_max="1.2", cipher="ECDHE-RSA-AES256-GCM-SHA384", client_auth="required"
)


@pytest.fixture(scope="module")
def rsa_pki() -> LabPKI:
    return lab_pki(seed="render-tests", key_type="rsa-2048")


@pytest.fixture(scope="module")
def ec_pki() -> LabPKI:
    return lab_pki(seed="render-tests")


def record(pki: LabPKI, *, curl_like: bool = False, **options: object) -> Recording:
    opts = Options(**options)  # type: ignore[arg-type]
    client, server = contexts(pki, opts)
    if curl_like:
        # curl sets SSL_OP_NO_TICKET: its TLS 1.2 ClientHello has no session_ticket extension,
        # so no server may answer with a NewSessionTicket.
        client.options |= ssl.OP_NO_TICKET
    return run(client, server, opts)


def parsed(line: str) -> tuple[str, str, str, str, int]:
    match = TRACE_LINE.match(line)
    assert match, line
    version, direction, record_type, name, number = match.groups()
    return version, direction, record_type, name, int(number)


def handshake_lines(trace: str) -> list[str]:
    return [line for line in trace.splitlines() if TRACE_LINE.match(line)]


# -- curl --------------------------------------------------------------------------------------


def test_the_decks_curl_trace_regenerated_label_for_label(rsa_pki: LabPKI) -> None:
    rec = record(rsa_pki, **vars(DECK_OPTIONS))
    assert rec.ok and rec.version == "TLSv1.2" and rec.cipher == "ECDHE-RSA-AES256-GCM-SHA384"
    ours = curl_trace(rec).splitlines()
    deck_lines = DECK_TRACE.splitlines()
    connected = deck_lines.index("* SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384")
    # Every deck line up to "SSL connection using" is there, in order; the numbers compare as
    # numbers (the deck prints "(01)", curl's format is %d and prints "(1)").
    expected = [parsed(line) for line in deck_lines[:connected]]
    got = [parsed(line) for line in handshake_lines("\n".join(ours))]
    extra = [line for line in got if line not in expected]
    assert extra == [("TLSv1.2", "IN", "TLS handshake", "Newsession Ticket", 4)]
    assert [line for line in got if line != extra[0]] == expected
    # It arrives just before the server's Finished, as RFC 5077 puts it.
    assert got.index(extra[0]) == len(got) - 2
    assert ours[len(got)] == deck_lines[connected]
    # The certificate block has the deck's shape; curl 7.88 prints the subjectAltName match
    # where older curl printed "common name: ... (matched)".
    block = ours[len(got) + 2 :]
    assert [line.split(":")[0] for line in block] == [
        "* Server certificate",
        "*  subject",
        "*  start date",
        "*  expire date",
        "*  subjectAltName",
        "*  issuer",
        "*  SSL certificate verify ok.",
    ]
    assert block[1] == "*  subject: CN=localhost"
    assert block[4] == '*  subjectAltName: host "localhost" matched cert\'s "localhost"'
    assert block[5] == "*  issuer: CN=certkit Lab Intermediate CA"


def test_a_client_that_asks_for_no_ticket_gives_the_decks_trace_exactly(rsa_pki: LabPKI) -> None:
    # The extra line comes from the Python client, which offers session tickets. curl does not
    # (SSL_OP_NO_TICKET), so with a curl-like client the trace is the deck's, line for line.
    rec = record(rsa_pki, curl_like=True, **vars(DECK_OPTIONS))
    deck_lines = DECK_TRACE.splitlines()
    connected = deck_lines.index("* SSL connection using TLSv1.2 / ECDHE-RSA-AES256-GCM-SHA384")
    ours = curl_trace(rec, details=False).splitlines()
    assert len(ours) == connected + 1
    assert [parsed(line) for line in ours[:-1]] == [parsed(line) for line in deck_lines[:connected]]
    assert ours[-1] == deck_lines[connected]


def test_curl_prints_no_server_change_cipher_spec(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.2")
    senders = [m.sender for m in rec.messages if m.name == "change_cipher_spec"]
    assert senders == ["client", "server"]  # the recording has both...
    trace = curl_trace(rec)
    assert trace.count("Change cipher spec") == 1  # ...curl shows only its own (curl#3394)
    assert "* TLSv1.2 (OUT), TLS change cipher, Change cipher spec (1):" in trace


def test_tls13_tickets_come_after_the_connection_line(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.3", client_auth="required")
    lines = curl_trace(rec, details=False).splitlines()
    connected = lines.index("* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384")
    assert lines[connected - 1] == "* TLSv1.3 (OUT), TLS handshake, Finished (20):"
    assert lines[connected + 1 :] == ["* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):"] * 2
    assert "* TLSv1.3 (OUT), TLS change cipher, Change cipher spec (1):" in lines


def test_failures_end_with_curls_alert_lines(ec_pki: LabPKI) -> None:
    # TLS 1.3: the client finishes, then reads the rejection. OpenSSL 3.0 has no text for
    # certificate_required: curl prints "unknown", and 2 * 256 + 116.
    rec = record(ec_pki, tls="1.3", client_auth="required", client_cert=False)
    lines = curl_trace(rec).splitlines()
    assert lines[-1] == "* TLSv1.3 (IN), TLS alert, unknown (628):"
    assert "* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384" in lines
    # TLS 1.2: the handshake itself fails; there is no connection line.
    rec = record(ec_pki, tls="1.2", client_auth="required", client_cert=False)
    lines = curl_trace(rec).splitlines()
    assert lines[-1] == "* TLSv1.2 (IN), TLS alert, handshake failure (552):"
    assert not any(line.startswith("* SSL connection") for line in lines)


def test_an_untrusted_server_gives_the_alert_curl_sends(ec_pki: LabPKI) -> None:
    client, _ = contexts(lab_pki(seed="another-ca"))
    _, server = contexts(ec_pki)
    # The line the real curl printed against a server whose chain it could not verify.
    assert curl_trace(run(client, server)).splitlines()[-2:] == [
        "* TLSv1.3 (IN), TLS handshake, Certificate (11):",
        "* TLSv1.3 (OUT), TLS alert, unknown CA (560):",
    ]


def _libssl() -> ctypes.CDLL | None:
    # The libssl Python's ssl module loaded (and curl links): find it in our own memory map.
    maps = Path("/proc/self/maps")
    if not maps.exists():
        return None
    for line in maps.read_text().splitlines():
        path = line.split()[-1]
        if "libssl.so" in path:
            return ctypes.CDLL(path)
    return None


def test_alert_names_are_openssls_own() -> None:
    lib = _libssl()
    if lib is None:
        pytest.skip("libssl not found in the process map")
    describe = lib.SSL_alert_desc_string_long
    describe.restype = ctypes.c_char_p
    describe.argtypes = [ctypes.c_int]
    for code in range(256):
        assert CURL_ALERT_NAMES.get(code, "unknown") == describe(code).decode(), code


def test_every_handshake_type_has_curls_name() -> None:
    from certkit.tls.wire import HANDSHAKE_TYPES

    assert set(HANDSHAKE_TYPES) <= set(CURL_MESSAGE_NAMES)
    assert CURL_MESSAGE_NAMES[14] == "Server finished" and CURL_MESSAGE_NAMES[20] == "Finished"


# -- JSSE --------------------------------------------------------------------------------------


def is_subsequence(needles: list[str], haystack: list[str]) -> bool:
    it = iter(haystack)
    return all(any(n == h for h in it) for n in needles)


def test_jsse_summary_contains_the_decks_excerpt(rsa_pki: LabPKI) -> None:
    rec = record(rsa_pki, **vars(DECK_OPTIONS))
    ours = jsse_summary(rec).splitlines()
    assert is_subsequence(DECK_JSSE.splitlines(), ours)
    # What the deck abbreviated: the mutual-authentication messages, and the ticket.
    assert [line for line in ours if line not in DECK_JSSE.splitlines()] == [
        "Produced CertificateRequest handshake message",
        "Consuming client Certificate handshake message",
        "Consuming CertificateVerify handshake message",
        "Produced NewSessionTicket stateless handshake message",
    ]


def test_jsse_summary_matches_a_real_jdk17_server_for_tls12(rsa_pki: LabPKI) -> None:
    rec = record(rsa_pki, curl_like=True, **vars(DECK_OPTIONS))
    assert jsse_summary(rec, side="server") == JDK17_SERVER_TLS12


def test_jsse_summary_matches_a_real_jdk17_server_for_tls13(rsa_pki: LabPKI) -> None:
    rec = record(rsa_pki, curl_like=True, client_auth="required")
    lines = jsse_summary(rec, side="server").splitlines()
    # An OpenSSL server sends two tickets, the JDK one.
    assert lines[-2:] == ["Produced NewSessionTicket stateless post-handshake message"] * 2
    assert "\n".join(lines[:-1]) == JDK17_SERVER_TLS13


def test_jsse_summary_alerts(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.2", client_auth="required", client_cert=False)
    assert jsse_summary(rec, "server").splitlines()[-1] == "Fatal (HANDSHAKE_FAILURE)"
    assert jsse_summary(rec, "client").splitlines()[-1] == (
        "Received alert message (fatal handshake_failure)"
    )


def test_jsse_summary_key_exchange_names(rsa_pki: LabPKI) -> None:
    rec = record(rsa_pki, tls="1.2", cipher="AES256-GCM-SHA384", client_cipher="AES256-GCM-SHA384")
    assert rec.ok and rec.cipher == "AES256-GCM-SHA384"
    lines = jsse_summary(rec, "client").splitlines()
    assert "Produced RSA ClientKeyExchange handshake message" in lines
    assert not any("ServerKeyExchange" in line for line in lines)


def test_jsse_summary_refuses_an_unknown_side(ec_pki: LabPKI) -> None:
    with pytest.raises(InputError, match="side"):
        jsse_summary(record(ec_pki), side="both")  # type: ignore[arg-type]


# -- steps -------------------------------------------------------------------------------------


def steps_data() -> dict[str, object]:
    text = resources.files("certkit").joinpath("data/handshake_steps.json").read_text("utf-8")
    data: dict[str, object] = json.loads(text)
    return data


def test_steps_data_is_consistent() -> None:
    data = steps_data()
    legend = set(data["verdicts"])  # type: ignore[arg-type]
    table = data["deck"]
    assert [d["step"] for d in table] == list(range(1, 16))  # type: ignore[index,union-attr]
    for d in table:  # type: ignore[union-attr]
        assert set(d["verdict"]) <= legend  # type: ignore[index]
    for entry in data["messages"]:  # type: ignore[union-attr]
        assert entry["statement"] and entry["rfc"], entry  # type: ignore[index]
        assert all(r.startswith("RFC ") for r in entry["rfc"])  # type: ignore[index]
        for ref in entry["deck"]:  # type: ignore[index]
            step = ref if isinstance(ref, int) else ref["step"]
            assert 1 <= step <= 15
            if not isinstance(ref, int):
                assert set(ref["verdict"]) <= legend
    assert [c.step for c in deck()] == list(range(1, 16))


def test_every_message_gets_a_statement_and_every_deck_step_is_covered(
    rsa_pki: LabPKI, ec_pki: LabPKI
) -> None:
    recordings = [
        record(rsa_pki, **vars(DECK_OPTIONS)),
        record(rsa_pki, tls="1.2", cipher="AES256-GCM-SHA384", client_cipher="AES256-GCM-SHA384"),
        record(ec_pki, tls="1.3", client_auth="required"),
        record(ec_pki, tls="1.3", curve="secp384r1"),
        record(ec_pki, tls="1.2", resume=True),
    ]
    covered: set[int] = set()
    for rec in recordings:
        found = steps(rec)
        assert len(found) == len(rec.messages) + len(rec.alerts)
        for step in found:
            assert step.statement and step.rfc, (rec.version, step.name, step.sender)
            covered |= {c.step for c in step.corrections}
    assert covered == set(range(1, 16))


def test_key_exchange_statements_follow_the_suite(rsa_pki: LabPKI) -> None:
    ecdhe = {s.title: s for s in steps(record(rsa_pki, **vars(DECK_OPTIONS)))}
    rsa = {
        s.title: s
        for s in steps(
            record(
                rsa_pki, tls="1.2", cipher="AES256-GCM-SHA384", client_cipher="AES256-GCM-SHA384"
            )
        )
    }
    assert "in clear" in ecdhe["ClientKeyExchange"].statement
    assert "Static RSA key transport" in rsa["ClientKeyExchange"].statement
    assert [(c.step, c.verdict_text) for c in ecdhe["ServerKeyExchange"].corrections] == [
        (4, "Wrong, Outdated"),
        (7, "OK, Incomplete"),
    ]
    assert "ServerKeyExchange" not in rsa
    assert [c.step for c in ecdhe["ClientKeyExchange"].corrections] == [9, 12, 14]


def test_tls13_steps(ec_pki: LabPKI) -> None:
    found = steps(record(ec_pki, tls="1.3", client_auth="required"))
    server_verify = next(
        s for s in found if s.title == "CertificateVerify" and s.sender == "server"
    )
    assert "missing from the deck" in server_verify.statement
    assert server_verify.encrypted
    ccs = [s for s in found if s.name == "change_cipher_spec"]
    assert ccs and all(c.corrections[0].verdict == ("Outdated",) for c in ccs)
    assert all(s.encrypted for s in found if s.title == "Certificate")


def test_an_empty_client_certificate_is_pointed_out(ec_pki: LabPKI) -> None:
    found = steps(record(ec_pki, tls="1.2", client_auth="optional", client_cert=False))
    client_cert = next(s for s in found if s.title == "Certificate" and s.sender == "client")
    assert client_cert.statement.startswith("This Certificate is empty")


def test_steps_text(rsa_pki: LabPKI) -> None:
    text = steps_text(record(rsa_pki, **vars(DECK_OPTIONS)), width=100)
    assert all(len(line) <= 100 for line in text.splitlines())
    assert "4. ServerKeyExchange, server -> client" in text
    assert "   Deck step 4 (Wrong, Outdated): " in text
    assert "   RFC 5246 §7.4.3, RFC 8422 §5.4, RFC 2246 §7.4.3" in text
    assert text.endswith("Negotiated TLSv1.2 with ECDHE-RSA-AES256-GCM-SHA384.")


# -- Mermaid -----------------------------------------------------------------------------------

MERMAID_LINE = re.compile(
    r"^    (participant (Client|Server)"
    r"|(Client|Server)(->>|-->>|-x)(Client|Server): [^;#]+"
    r"|Note over (Client|Server|Client,Server): [^;#]+)$"
)


def check_mermaid(source: str) -> None:
    lines = source.splitlines()
    assert lines[0] == "sequenceDiagram"
    for line in lines[1:]:
        assert MERMAID_LINE.match(line), line
        text = line.split(": ", 1)[-1]
        assert text.count("{") == text.count("}") and text.count("[") == text.count("]"), line


def mermaid_parse(sources: list[str]) -> list[str]:
    """Parse each diagram with the real Mermaid (node_modules), returning error messages."""
    node = shutil.which("node")
    core = ROOT / "node_modules" / "mermaid" / "dist" / "mermaid.core.mjs"
    if node is None or not core.exists():
        pytest.skip("node or node_modules/mermaid missing (make install)")
    script = (
        f"import mermaid from {json.dumps(core.as_uri())};\n"
        "import {readFileSync} from 'node:fs';\n"
        "const sources = JSON.parse(readFileSync(0, 'utf8'));\n"
        "const errors = [];\n"
        "for (const s of sources) {\n"
        "  try { await mermaid.parse(s); errors.push(''); }\n"
        "  catch (e) { errors.push(String(e.message || e)); }\n"
        "}\n"
        "console.log(JSON.stringify(errors));\n"
    )
    result = subprocess.run(
        [node, "--input-type=module", "-e", script],
        input=json.dumps(sources),
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    errors: list[str] = json.loads(result.stdout.strip().splitlines()[-1])
    return errors


def test_mermaid_diagrams_are_valid(rsa_pki: LabPKI, ec_pki: LabPKI) -> None:
    recordings = [
        record(rsa_pki, **vars(DECK_OPTIONS)),
        record(ec_pki, tls="1.3", client_auth="required"),
        record(ec_pki, tls="1.3", client_auth="required", client_cert=False),
        record(ec_pki, tls="1.2", client_auth="required", client_cert=False),
        record(ec_pki, tls="1.3", curve="secp384r1"),
        record(ec_pki, tls="1.2", resume=True),
    ]
    sources = [mermaid(rec) for rec in recordings]
    for source in sources:
        check_mermaid(source)
    assert mermaid_parse(sources) == [""] * len(sources)
    # A check that the checker checks: Mermaid rejects what certkit must never write.
    assert mermaid_parse(["sequenceDiagram\n    Client->>Server: a; b #c\n    Client-->>"]) != [""]


def test_mermaid_notation(rsa_pki: LabPKI, ec_pki: LabPKI) -> None:
    tls12 = mermaid(record(rsa_pki, **vars(DECK_OPTIONS))).splitlines()
    assert "    Client->>Server: [ChangeCipherSpec]" in tls12
    assert "    Client->>Server: {Finished}" in tls12
    assert (
        tls12.index("    Note over Client: the client encrypts from here")
        == tls12.index("    Client->>Server: {Finished}") - 1
    )
    tls13 = mermaid(record(ec_pki, tls="1.3", client_auth="required")).splitlines()
    assert "    Server->>Client: {EncryptedExtensions}" in tls13
    assert "    Server->>Client: [NewSessionTicket]" in tls13
    assert "    Client->>Server: {Certificate}" in tls13
    failed = mermaid(record(ec_pki, tls="1.3", client_auth="required", client_cert=False))
    assert "    Server-xClient: alert: certificate_required" in failed.splitlines()
    hrr = mermaid(record(ec_pki, tls="1.3", curve="secp384r1")).splitlines()
    # The second hellos come after dummy ChangeCipherSpecs, but travel in clear.
    assert hrr[3:9] == [
        "    Client->>Server: ClientHello",
        "    Server->>Client: HelloRetryRequest",
        "    Client->>Server: ChangeCipherSpec (compatibility, ignored)",
        "    Client->>Server: ClientHello",
        "    Server->>Client: ChangeCipherSpec (compatibility, ignored)",
        "    Server->>Client: ServerHello",
    ]
