"""certkit.traces.jsse: the message lines of a javax.net.debug log, from real handshakes."""

from __future__ import annotations

import pytest
from lab_recordings import DECK_OPTIONS, record

from certkit import InputError
from certkit.certificates.pki import LabPKI
from certkit.traces.jsse import jsse_summary

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
