"""certkit.traces.curl: the lines curl -v prints, regenerated from real handshakes."""

from __future__ import annotations

import ctypes
import re
from pathlib import Path

import pytest
from lab_recordings import DECK_OPTIONS, record

from certkit.certificates.pki import LabPKI
from certkit.tls.handshake import contexts, lab_pki, run
from certkit.traces.curl import CURL_ALERT_NAMES, CURL_MESSAGE_NAMES, curl_trace

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
TRACE_LINE = re.compile(
    r"^\* (TLSv1\.[0-3]) \((OUT|IN)\), (TLS handshake|TLS change cipher|TLS alert), "
    r"(.+) \((-?\d+)\):$"
)


def parsed(line: str) -> tuple[str, str, str, str, int]:
    match = TRACE_LINE.match(line)
    assert match, line
    version, direction, record_type, name, number = match.groups()
    return version, direction, record_type, name, int(number)


def handshake_lines(trace: str) -> list[str]:
    return [line for line in trace.splitlines() if TRACE_LINE.match(line)]


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
