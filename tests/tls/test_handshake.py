"""certkit.tls.handshake: real in-memory handshakes, recorded message by message."""

from __future__ import annotations

import pytest
from cryptography.hazmat.primitives import serialization

from certkit import InputError
from certkit.certificates.pki import LabPKI
from certkit.tls.handshake import Options, contexts, lab_pki, run
from certkit.tls.recording import Capture, MessageTap


@pytest.fixture(scope="module")
def rsa_pki() -> LabPKI:
    return lab_pki(seed="handshake-tests", key_type="rsa-2048")


@pytest.fixture(scope="module")
def ec_pki() -> LabPKI:
    return lab_pki(seed="handshake-tests")


def record(pki: LabPKI, **options: object) -> object:
    opts = Options(**options)  # type: ignore[arg-type]
    return run(*contexts(pki, opts), opts)


def test_the_decks_trace_label_for_label(rsa_pki: LabPKI) -> None:
    # Server capped at TLS 1.2, ECDHE-RSA-AES256-GCM-SHA384, client certificate required: the
    # client offers 1.3, so the first two messages are interpreted as 1.3, the rest as 1.2.
    rec = record(
        rsa_pki, server_max="1.2", cipher="ECDHE-RSA-AES256-GCM-SHA384", client_auth="required"
    )
    assert rec.ok and rec.version == "TLSv1.2" and rec.cipher == "ECDHE-RSA-AES256-GCM-SHA384"
    assert [(m.label_version, m.sender, m.name) for m in rec.messages] == [
        ("TLSv1.3", "client", "client_hello"),
        ("TLSv1.3", "server", "server_hello"),
        ("TLSv1.2", "server", "certificate"),
        ("TLSv1.2", "server", "server_key_exchange"),
        ("TLSv1.2", "server", "certificate_request"),
        ("TLSv1.2", "server", "server_hello_done"),
        ("TLSv1.2", "client", "certificate"),
        ("TLSv1.2", "client", "client_key_exchange"),
        ("TLSv1.2", "client", "certificate_verify"),
        ("TLSv1.2", "client", "change_cipher_spec"),
        ("TLSv1.2", "client", "finished"),
        ("TLSv1.2", "server", "new_session_ticket"),
        ("TLSv1.2", "server", "change_cipher_spec"),
        ("TLSv1.2", "server", "finished"),
    ]
    # Only the Finished messages travel encrypted in TLS 1.2.
    assert [m.name for m in rec.messages if m.encrypted] == ["finished", "finished"]
    assert rec.group == "x25519"
    assert [c.subject.rfc4514_string() for c in rec.server_chain] == [
        "CN=localhost",
        "CN=certkit Lab Intermediate CA",
    ]
    assert [c.subject.rfc4514_string() for c in rec.client_chain] == [
        "CN=certkit lab client",
        "CN=certkit Lab Intermediate CA",
    ]
    assert rec.keylog and rec.keylog[0].startswith("CLIENT_RANDOM ")


def test_tls13_mutual_authentication_is_encrypted_after_server_hello(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, client_auth="required")
    assert rec.ok and rec.version == "TLSv1.3"
    names = [(m.sender, m.name, m.encrypted) for m in rec.messages]
    assert names[:2] == [("client", "client_hello", False), ("server", "server_hello", False)]
    after = [n for n in names[2:] if n[1] != "change_cipher_spec"]
    assert all(encrypted for _, _, encrypted in after)
    assert ("server", "certificate_verify", True) in names and (
        "client",
        "certificate_verify",
        True,
    ) in names
    labels = {line.split()[0] for line in rec.keylog}
    assert {
        "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
        "SERVER_HANDSHAKE_TRAFFIC_SECRET",
        "CLIENT_TRAFFIC_SECRET_0",
        "SERVER_TRAFFIC_SECRET_0",
    } <= labels


def test_records_are_the_wire_bytes(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.2")
    assert rec.records[0].sender == "client" and rec.records[0].name == "handshake"
    for r in rec.records:
        assert len(r.data) == 5 + r.length and r.data[0] == r.content_type
    # The ClientHello message is in the first record, in plaintext.
    assert rec.messages[0].data in rec.records[0].data


def test_tls13_rejected_client_shows_up_after_the_handshake(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, client_auth="required", client_cert=False)
    assert not rec.ok
    assert "PEER_DID_NOT_RETURN_A_CERTIFICATE" in (rec.server_error or "")
    assert "CERTIFICATE_REQUIRED" in (rec.client_error or "")
    assert [(a.sender, a.description) for a in rec.alerts] == [("server", "certificate_required")]
    # The client sent an empty Certificate and its Finished: it believed the handshake was over.
    assert [m.name for m in rec.messages if m.sender == "client"][-2:] == [
        "certificate",
        "finished",
    ]


def test_tls12_rejected_client_fails_in_the_handshake(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.2", client_auth="required", client_cert=False)
    assert [(a.sender, a.description) for a in rec.alerts] == [("server", "handshake_failure")]
    assert "HANDSHAKE_FAILURE" in (rec.client_error or "")


def test_unknown_server_ca(ec_pki: LabPKI) -> None:
    other = lab_pki(seed="other-ca")
    client, _ = contexts(other)
    _, server = contexts(ec_pki)
    rec = run(client, server)
    assert "certificate verify failed" in (rec.client_error or "")
    assert [(a.sender, a.description) for a in rec.alerts] == [("client", "unknown_ca")]


def test_no_shared_cipher(rsa_pki: LabPKI) -> None:
    rec = record(
        rsa_pki,
        tls="1.2",
        cipher="ECDHE-RSA-AES256-GCM-SHA384",
        client_cipher="ECDHE-RSA-AES128-GCM-SHA256",
    )
    assert "NO_SHARED_CIPHER" in (rec.server_error or "")
    assert [(a.sender, a.description) for a in rec.alerts] == [("server", "handshake_failure")]


def test_resumption_and_alpn(ec_pki: LabPKI) -> None:
    for tls in ("1.2", "1.3"):
        rec = record(ec_pki, tls=tls, resume=True, alpn=("h2", "http/1.1"))
        assert rec.ok and rec.resumed and rec.alpn == "h2"
        assert "certificate" not in [m.name for m in rec.messages]


def test_curve_choice_shows_in_the_group(ec_pki: LabPKI) -> None:
    assert record(ec_pki, tls="1.2", curve="secp384r1").group == "secp384r1"


def test_bad_options_are_input_errors(ec_pki: LabPKI) -> None:
    with pytest.raises(InputError, match=r"matches no TLS 1\.2 suite"):
        contexts(ec_pki, Options(cipher="NOT-A-CIPHER"))
    with pytest.raises(InputError, match=r"use 1\.2 or 1\.3"):
        contexts(ec_pki, Options(tls="1.1"))  # type: ignore[arg-type]
    with pytest.raises(InputError, match="curve"):
        contexts(ec_pki, Options(curve="nosuchcurve"))


def test_message_callback_is_present_and_restored(ec_pki: LabPKI) -> None:
    client, server = contexts(ec_pki)
    assert MessageTap.available(client), (
        "CPython's SSLContext._msg_callback is gone: update MessageTap"
    )
    run(client, server)
    assert client._msg_callback is None  # type: ignore[attr-defined]


def test_wire_fallback_without_the_callback(
    ec_pki: LabPKI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(MessageTap, "available", staticmethod(lambda context: False))
    rec = record(ec_pki, tls="1.2")
    assert rec.ok and rec.source == "wire"
    # The plaintext part of a TLS 1.2 handshake is all there; the encrypted Finished are not.
    assert [m.name for m in rec.messages] == [
        "client_hello",
        "server_hello",
        "certificate",
        "server_key_exchange",
        "server_hello_done",
        "client_key_exchange",
        "change_cipher_spec",
        "new_session_ticket",
        "change_cipher_spec",
    ]
    assert rec.group == "x25519" and len(rec.server_chain) == 2


def test_lab_pki_is_valid_today_and_keys_follow_the_seed() -> None:
    a, b = lab_pki(seed="same"), lab_pki(seed="same")
    public = serialization.PublicFormat.SubjectPublicKeyInfo
    key_a = a.server.certificate.public_key().public_bytes(serialization.Encoding.DER, public)
    key_b = b.server.certificate.public_key().public_bytes(serialization.Encoding.DER, public)
    assert key_a == key_b


def test_tls13_suites_and_groups_reach_openssl(ec_pki: LabPKI, rsa_pki: LabPKI) -> None:
    rec = record(ec_pki, tls13_ciphers="TLS_CHACHA20_POLY1305_SHA256")
    assert (rec.version, rec.cipher) == ("TLSv1.3", "TLS_CHACHA20_POLY1305_SHA256")
    rec = record(ec_pki, tls13_ciphers="TLS_AES_128_GCM_SHA256", groups=("secp384r1",))
    assert (rec.cipher, rec.group) == ("TLS_AES_128_GCM_SHA256", "secp384r1")
    assert record(rsa_pki, tls="1.2", groups=("secp521r1",)).group == "secp521r1"
    # In TLS 1.2 supported_groups also limits the curves of ECDSA certificates (RFC 8422,
    # section 4): without P-256 offered, the server's P-256 certificate cannot be used.
    refused = record(ec_pki, tls="1.2", groups=("x25519",))
    assert refused.server_reason == "NO_SHARED_CIPHER"
    with pytest.raises(InputError, match=r"TLS 1\.3 suites 'NOPE'"):
        contexts(ec_pki, Options(tls13_ciphers="NOPE"))
    with pytest.raises(InputError, match="groups nope"):
        contexts(ec_pki, Options(groups=("nope",)))


def test_a_recording_is_immutable_and_read_once() -> None:
    import dataclasses

    options = Options(tls="1.3")
    rec = run(*contexts(lab_pki(seed="immutable"), options), options)
    with pytest.raises(dataclasses.FrozenInstanceError):
        rec.ok = False  # type: ignore[misc]
    # The parts are read from the connection's bytes and events when first used, then kept.
    first = rec.messages
    assert first is rec.messages and [m.name for m in first][:2] == ["client_hello", "server_hello"]
    assert rec.messages[0] is rec.messages[0]
    assert isinstance(rec.records[0].data, bytes) and rec.keylog
    # It compares, copies and adds like the tuples it stands for.
    copy = dataclasses.replace(rec, records=list(rec.records))
    assert copy == rec and copy.records == tuple(rec.records)
    assert rec.keylog + ("x",) == (*rec.keylog, "x")  # noqa: RUF005 - the + is the point
    with pytest.raises(TypeError, match="not Recording fields"):
        Capture(None).finish(colour="blue")


def test_a_deferred_part_read_by_many_threads_at_once_is_the_same_for_all() -> None:
    import threading

    from certkit.tls.recording import Deferred

    start = threading.Barrier(8, timeout=30)
    made = []

    def make() -> list[int]:
        made.append(1)
        return list(range(1000))

    part: Deferred[int] = Deferred(make)
    seen: list[tuple[int, ...]] = []

    def read() -> None:
        start.wait()
        seen.append(tuple(part))

    threads = [threading.Thread(target=read) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive()
    assert len(seen) == 8 and all(items == tuple(range(1000)) for items in seen)
    assert 1 <= len(made) <= 8 and part == tuple(range(1000))
