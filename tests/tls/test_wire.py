"""certkit.tls.wire: the one parser of TLS bytes, on real handshakes and on damaged bytes."""

from __future__ import annotations

import pytest

from certkit.tls.handshake import Options, contexts, lab_pki, run
from certkit.tls.wire import (
    HRR_RANDOM,
    RecordSplitter,
    WireError,
    certificate_list,
    digitally_signed,
    extension_list,
    parse_hello,
    parse_record,
    server_key_exchange_params,
    split_handshake,
    ticket_lifetime,
)

PKI = lab_pki(seed="wire")


def recording(**options: object):
    chosen = Options(**options)  # type: ignore[arg-type]
    return run(*contexts(PKI, chosen), chosen)


def test_records_split_however_the_bytes_arrive() -> None:
    rec = recording(tls="1.3")
    wire = b"".join(r.data for r in rec.records if r.sender == "client")
    for step in (1, 7, 4096):
        splitter = RecordSplitter("client")
        found = []
        for i in range(0, len(wire), step):
            found += splitter.feed(wire[i : i + step])
        assert [r.data for r in found] == [r.data for r in rec.records if r.sender == "client"]
        assert splitter.pending == b""


def test_messages_and_hellos_of_a_real_handshake() -> None:
    rec = recording(tls="1.2")
    client_hello = next(m for m in rec.messages if m.name == "client_hello")
    messages, rest = split_handshake(client_hello.data + client_hello.data[:3])
    assert messages == [client_hello.data] and rest == client_hello.data[:3]
    hello = parse_hello(client_hello)
    assert hello.client and len(hello.random) == 32 and hello.cipher_suites
    assert "signature_algorithms" in [e.name for e in hello.extensions]
    server_hello = parse_hello(next(m for m in rec.messages if m.name == "server_hello"))
    assert not server_hello.client and len(server_hello.cipher_suites) == 1
    assert server_hello.random != HRR_RANDOM


def test_certificate_lists_in_both_layouts() -> None:
    for tls, chain in (("1.2", 2), ("1.3", 2)):
        rec = recording(tls=tls)
        message = next(m for m in rec.messages if m.name == "certificate")
        ders = certificate_list(message.body, tls13=tls == "1.3")
        assert len(ders) == chain and ders[0] == PKI.server.der


def test_signed_structures_and_tickets() -> None:
    rec = recording(tls="1.2", cipher="ECDHE-ECDSA-AES128-GCM-SHA256")
    ske = next(m for m in rec.messages if m.name == "server_key_exchange")
    params, signed = server_key_exchange_params(ske.body, "ECDHE")
    assert params + signed == ske.body and params[0] == 3  # named_curve
    scheme, signature = digitally_signed(signed)
    assert scheme == 0x0403 and signature[0] == 0x30  # ecdsa_secp256r1_sha256, a DER SEQUENCE
    ticket = next(m for m in rec.messages if m.name == "new_session_ticket")
    assert ticket_lifetime(ticket.body) > 0
    rec13 = recording(tls="1.3")
    ee = next(m for m in rec13.messages if m.name == "encrypted_extensions")
    assert isinstance(extension_list(ee.body), tuple)


@pytest.mark.parametrize(
    ("call", "what"),
    [
        (lambda: parse_hello(b"\x01\x00\x00\x05\x03\x03"), "ClientHello"),
        (lambda: certificate_list(b"\x00\x00\x09\x00\x00\x05", tls13=False), "Certificate"),
        (lambda: digitally_signed(b"\x04\x03\x00\x10\x01"), "signature"),
        (lambda: server_key_exchange_params(b"\x03\x00\x17\x41", "ECDHE"), "ServerKeyExchange"),
        (lambda: ticket_lifetime(b"\x00\x01"), "NewSessionTicket"),
        (lambda: parse_record(b"\x16\x03\x03\x00\x05\x01"), "payload"),
        (lambda: extension_list(b"\x00\x08\x00\x2b\x00\x09"), "extension list"),
    ],
)
def test_bytes_cut_short_say_what_was_cut(call, what: str) -> None:
    with pytest.raises(WireError, match=what):
        call()
