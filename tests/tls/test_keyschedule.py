"""certkit.tls.keyschedule: the key schedule of real handshakes recomputed and checked on the wire."""

from __future__ import annotations

import dataclasses
import hashlib
import re
import shutil
import subprocess

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from certkit import InputError
from certkit.certificates.pki import LabPKI
from certkit.tls import ciphersuites
from certkit.tls.handshake import Options, contexts, lab_pki, run
from certkit.tls.keyschedule import (
    DecryptError,
    Proof,
    decrypt_record,
    encrypt_record,
    find_suite,
    hkdf_expand_label,
    prove,
    supported_suites,
    tls12_prf,
)
from certkit.tls.recording import Recording

PING_PONG = [("client", b"ping"), ("server", b"pong")]
OPENSSL = shutil.which("openssl")


@pytest.fixture(scope="module")
def rsa_pki() -> LabPKI:
    return lab_pki(seed="keyschedule-tests", key_type="rsa-2048")


@pytest.fixture(scope="module")
def ec_pki() -> LabPKI:
    return lab_pki(seed="keyschedule-tests")


def record(pki: LabPKI, **options: object) -> Recording:
    opts = Options(**options)  # type: ignore[arg-type]
    rec = run(*contexts(pki, opts), opts)
    assert rec.ok, (rec.client_error, rec.server_error)
    return rec


def names(proof: Proof) -> list[str]:
    return [c.name for c in proof.checks]


def assert_proven(proof: Proof) -> None:
    assert proof.ok, proof.to_text()
    assert not proof.failures
    assert proof.application_data == PING_PONG


# --- building blocks ---------------------------------------------------------------------


def openssl_kdf(*args: str) -> bytes:
    assert OPENSSL is not None
    out = subprocess.run([OPENSSL, "kdf", *args], check=True, capture_output=True, text=True).stdout
    return bytes.fromhex(out.strip().replace(":", ""))


def test_tls12_prf_published_vector() -> None:
    secret = bytes.fromhex("9bbe436ba940f017b17652849a71db35")
    seed = bytes.fromhex("a0ba9f936cda311827a6f796ffd5198c")
    out = tls12_prf(secret, "test label", seed, 100)
    assert out.hex().startswith("e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a")
    assert out.hex().endswith("ee42c5a72e5a5110fff70187347b66")
    assert len(out) == 100


@pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command")
@pytest.mark.parametrize("digest", ["sha256", "sha384"])
@pytest.mark.parametrize("length", [12, 48, 72, 100])
def test_tls12_prf_agrees_with_openssl(digest: str, length: int) -> None:
    secret = bytes(range(48))
    seed = bytes(range(100, 164))
    expected = openssl_kdf(
        "-keylen",
        str(length),
        "-kdfopt",
        f"digest:{digest.upper()}",
        "-kdfopt",
        f"hexsecret:{secret.hex()}",
        "-kdfopt",
        "seed:key expansion",
        "-kdfopt",
        f"hexseed:{seed.hex()}",
        "TLS1-PRF",
    )
    assert tls12_prf(secret, "key expansion", seed, length, digest) == expected
    assert tls12_prf(secret, b"key expansion", seed, length, digest) == expected


def test_hkdf_expand_label_rfc8448() -> None:
    # RFC 8448 section 3: the server handshake traffic secret, key and IV; the finished key.
    secret = bytes.fromhex("b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
    assert hkdf_expand_label(secret, "key", b"", 16).hex() == "3fce516009c21727d0f2e4e86ee403bc"
    assert hkdf_expand_label(secret, "iv", b"", 12).hex() == "5d313eb2671276ee13000b30"
    assert (
        hkdf_expand_label(secret, "finished", b"", 32).hex()
        == "008d3b66f816ea559f96b537e885c31fc068bf492c652f01f288a1d8cdc19fc8"
    )


@pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command")
@pytest.mark.parametrize("digest,length", [("sha256", 16), ("sha384", 32), ("sha384", 48)])
def test_hkdf_expand_label_agrees_with_openssl(digest: str, length: int) -> None:
    secret = bytes(range(48 if digest == "sha384" else 32))
    context = bytes(range(7))
    expected = openssl_kdf(
        "-keylen",
        str(length),
        "-kdfopt",
        f"digest:{digest.upper()}",
        "-kdfopt",
        "mode:EXPAND_ONLY",
        "-kdfopt",
        f"hexkey:{secret.hex()}",
        "-kdfopt",
        "prefix:tls13 ",
        "-kdfopt",
        "label:traffic upd",
        "-kdfopt",
        f"hexdata:{context.hex()}",
        "TLS13-KDF",
    )
    assert hkdf_expand_label(secret, "traffic upd", context, length, digest) == expected


@pytest.mark.skipif(OPENSSL is None, reason="needs the openssl command")
def test_suite_table_agrees_with_openssl() -> None:
    out = subprocess.run(
        [OPENSSL, "ciphers", "-V", "ALL:@SECLEVEL=0"], check=True, capture_output=True, text=True
    ).stdout
    seen = 0
    for line in out.splitlines():
        match = re.match(r"\s*0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+(\S+).*Enc=(\S+)", line)
        if not match or "PSK" in match[3] or "ARIA" in match[3]:
            continue
        code = int(match[1] + match[2], 16)
        if not re.match(r"AESGCM|AESCCM|CHACHA20", match[5]):
            with pytest.raises(InputError, match="AEAD"):
                find_suite(code)
            continue
        suite = find_suite(code)
        assert suite.openssl_name == match[3]
        assert find_suite(match[3]) is suite
        assert find_suite(suite.name) is suite
        bits = int(re.search(r"\((\d+)\)", match[5])[1])  # type: ignore[index]
        assert suite.key_length * 8 == bits
        assert suite.tls13 == (match[4] == "TLSv1.3")
        seen += 1
    assert seen >= 20


def test_suite_properties() -> None:
    gcm = find_suite("ECDHE-RSA-AES256-GCM-SHA384")
    assert (gcm.hash, gcm.key_length, gcm.iv_length, gcm.explicit_nonce_length) == (
        "sha384",
        32,
        4,
        8,
    )
    assert gcm.key_exchange == "ECDHE" and gcm.hash_length == 48
    chacha = find_suite(0xCCA8)
    assert (chacha.iv_length, chacha.explicit_nonce_length, chacha.tag_length) == (12, 0, 16)
    assert find_suite("AES128-CCM8").tag_length == 8
    assert find_suite("AES128-GCM-SHA256").key_exchange == "RSA"
    assert find_suite("DHE-DSS-AES128-GCM-SHA256").key_exchange == "DHE"
    assert find_suite("ADH-AES128-GCM-SHA256").key_exchange == "DH_anon"
    tls13 = find_suite("TLS_AES_128_GCM_SHA256")
    assert tls13.tls13 and tls13.key_exchange is None and tls13.iv_length == 12
    with pytest.raises(InputError, match="ECDHE-RSA-AES128-SHA256"):
        find_suite("ECDHE-RSA-AES128-SHA256")
    with pytest.raises(InputError, match="0xC027"):
        find_suite(0xC027)


@pytest.mark.parametrize(
    "suite",
    [
        "TLS_AES_128_GCM_SHA256",
        "TLS_AES_256_GCM_SHA384",
        "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_AES_128_CCM_8_SHA256",
        "ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE-RSA-CHACHA20-POLY1305",
        "ECDHE-ECDSA-AES128-CCM8",
    ],
)
def test_record_round_trip(suite: str) -> None:
    s = find_suite(suite)
    key, iv = bytes(range(s.key_length)), bytes(range(40, 40 + s.iv_length))
    for seq in (0, 1, 2**40):
        sealed = encrypt_record(22, b"\x14\x00\x00\x0c" + bytes(12), s, key, iv, seq)
        assert decrypt_record(sealed, s, key, iv, seq) == (22, b"\x14\x00\x00\x0c" + bytes(12))
        with pytest.raises(DecryptError, match="tag does not verify"):
            decrypt_record(sealed, s, key, iv, seq + 1)
    tampered = bytearray(sealed)
    tampered[-1] ^= 1
    with pytest.raises(DecryptError, match=rf"record seq {seq} .*{s.cipher} tag does not verify"):
        decrypt_record(bytes(tampered), s, key, iv, seq)


def test_tls13_record_padding_and_header() -> None:
    suite = find_suite("TLS_AES_128_GCM_SHA256")
    key, iv = bytes(16), bytes(12)
    # A sender may pad: inner plaintext = content + type + zeros (RFC 8446 section 5.4).
    inner = b"pong" + b"\x17" + bytes(10)
    header = b"\x17\x03\x03" + (len(inner) + 16).to_bytes(2, "big")
    sealed = header + AESGCM(key).encrypt(iv, inner, header)
    assert decrypt_record(sealed, suite, key, iv, 0) == (23, b"pong")
    # The header is authenticated.
    with pytest.raises(DecryptError):
        decrypt_record(b"\x16" + sealed[1:], suite, key, iv, 0)
    all_padding = b"\x00" * 8
    header = b"\x17\x03\x03" + (len(all_padding) + 16).to_bytes(2, "big")
    sealed = header + AESGCM(key).encrypt(iv, all_padding, header)
    with pytest.raises(DecryptError, match="all padding"):
        decrypt_record(sealed, suite, key, iv, 0)


def test_decrypt_record_rejects_malformed_input() -> None:
    suite = find_suite("ECDHE-RSA-AES128-GCM-SHA256")
    with pytest.raises(DecryptError, match="not one whole TLS record"):
        decrypt_record(b"\x16\x03\x03\x00\x28" + bytes(10), suite, bytes(16), bytes(4), 0)
    with pytest.raises(DecryptError, match="too short"):
        decrypt_record(b"\x16\x03\x03\x00\x05" + bytes(5), suite, bytes(16), bytes(4), 0)
    with pytest.raises(DecryptError, match="4-byte IV"):
        decrypt_record(b"\x16\x03\x03\x00\x05" + bytes(5), suite, bytes(16), bytes(12), 0)
    with pytest.raises(DecryptError, match="key is 16 bytes"):
        decrypt_record(b"\x16\x03\x03\x00\x28" + bytes(40), suite, bytes(32), bytes(4), 0)


# --- real handshakes: every check passes -------------------------------------------------


def test_tls12_ecdhe_rsa_aes256_gcm_sha384_with_client_auth(rsa_pki: LabPKI) -> None:
    # The deck's connection: server capped at TLS 1.2, client certificate required.
    rec = record(
        rsa_pki, server_max="1.2", cipher="ECDHE-RSA-AES256-GCM-SHA384", client_auth="required"
    )
    proof = prove(rec)
    assert_proven(proof)
    assert proof.version == "TLSv1.2" and proof.suite.code == 0xC030
    assert proof.suite.hash == "sha384" and proof.extended_master_secret is True
    assert names(proof) == [
        "key log CLIENT_RANDOM = ClientHello.random",
        "server ServerKeyExchange signature (rsa_pss_rsae_sha256) verifies",
        "client CertificateVerify signature (rsa_pss_rsae_sha256) verifies",
        "client finished decrypted with client_write_key = OpenSSL's",
        'client verify_data = PRF(master_secret, "client finished", Hash)[:12]',
        "server finished decrypted with server_write_key = OpenSSL's",
        'server verify_data = PRF(master_secret, "server finished", Hash)[:12]',
        "client application data (seq 1) decrypts with client_write_key",
        "server application data (seq 1) decrypts with server_write_key",
    ]
    # AES-256-GCM: 32-byte keys and 4-byte implicit IVs, no MAC keys (RFC 5288 section 3).
    s = proof.secrets
    assert len(s["master_secret"]) == 48 and len(s["key_block"]) == 2 * 32 + 2 * 4
    assert s["key_block"] == (
        s["client_write_key"] + s["server_write_key"] + s["client_write_iv"] + s["server_write_iv"]
    )
    assert s["key_block"] == tls12_prf(
        s["master_secret"],
        "key expansion",
        rec.messages[1].data[6:38] + rec.messages[0].data[6:38],
        72,
        "sha384",
    )
    assert len(s["session_hash"]) == 48
    assert rec.keylog == (
        f"CLIENT_RANDOM {rec.messages[0].data[6:38].hex()} {s['master_secret'].hex()}",
    )


def test_tls12_finished_by_hand(rsa_pki: LabPKI) -> None:
    # The building blocks alone: decrypt the client's Finished record, recompute verify_data.
    rec = record(rsa_pki, tls="1.2", cipher="ECDHE-RSA-AES256-GCM-SHA384")
    proof = prove(rec)
    finished = [r for r in rec.records if r.sender == "client"][3]  # CH, CKE, CCS, Finished
    assert finished.content_type == 22 and finished.length == 8 + 16 + 16
    kind, plain = decrypt_record(
        finished,
        proof.suite,
        proof.secrets["client_write_key"],
        proof.secrets["client_write_iv"],
        0,
    )
    reported = next(m for m in rec.messages if m.name == "finished")
    assert (kind, plain) == (22, reported.data)
    transcript = b"".join(
        m.data for m in rec.messages[: reported.number - 1] if m.name != "change_cipher_spec"
    )
    verify_data = tls12_prf(
        proof.secrets["master_secret"],
        "client finished",
        hashlib.sha384(transcript).digest(),
        12,
        "sha384",
    )
    assert plain[4:] == verify_data


@pytest.mark.parametrize("client_auth", ["none", "required"])
def test_tls12_ecdhe_ecdsa_aes128_gcm_sha256(ec_pki: LabPKI, client_auth: str) -> None:
    rec = record(ec_pki, tls="1.2", cipher="ECDHE-ECDSA-AES128-GCM-SHA256", client_auth=client_auth)
    proof = prove(rec)
    assert_proven(proof)
    assert proof.suite.name == "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
    assert proof.suite.hash == "sha256"
    assert len(proof.secrets["client_write_key"]) == 16
    assert "server ServerKeyExchange signature (ecdsa_secp256r1_sha256) verifies" in names(proof)
    has_cv = "client CertificateVerify signature (ecdsa_secp256r1_sha256) verifies" in names(proof)
    assert has_cv == (client_auth == "required")


@pytest.mark.parametrize(
    "cipher",
    [
        "ECDHE-RSA-AES128-GCM-SHA256",
        "ECDHE-RSA-CHACHA20-POLY1305",
        "AES128-GCM-SHA256",  # RSA key transport: the same use of the master secret
        "AES256-GCM-SHA384",
    ],
)
def test_tls12_more_rsa_suites(rsa_pki: LabPKI, cipher: str) -> None:
    rec = record(rsa_pki, tls="1.2", cipher=cipher, client_cipher=cipher)
    proof = prove(rec)
    assert_proven(proof)
    assert proof.suite.openssl_name == cipher == rec.cipher
    static_rsa = proof.suite.key_exchange == "RSA"
    assert any("ServerKeyExchange" in n for n in names(proof)) != static_rsa
    assert any("premaster: chosen by the client" in n for n in proof.notes) == static_rsa


@pytest.mark.parametrize("cipher", ["ECDHE-ECDSA-AES128-CCM", "ECDHE-ECDSA-AES256-CCM8"])
def test_tls12_ccm_suites(ec_pki: LabPKI, cipher: str) -> None:
    proof = prove(record(ec_pki, tls="1.2", cipher=cipher, client_cipher=cipher))
    assert_proven(proof)


def test_tls12_without_extended_master_secret(ec_pki: LabPKI) -> None:
    opts = Options(tls="1.2")
    client, server = contexts(ec_pki, opts)
    client.options |= 1  # SSL_OP_NO_EXTENDED_MASTER_SECRET (OpenSSL 3)
    server.options |= 1
    proof = prove(run(client, server, opts))
    assert_proven(proof)
    assert proof.extended_master_secret is False
    assert any('PRF(premaster, "master secret"' in n for n in proof.notes)
    assert "session_hash" not in proof.secrets


def test_tls12_optional_client_auth_without_a_certificate(ec_pki: LabPKI) -> None:
    # The client sends an empty Certificate and no CertificateVerify.
    rec = record(ec_pki, tls="1.2", client_auth="optional", client_cert=False)
    proof = prove(rec)
    assert_proven(proof)
    assert not any("CertificateVerify" in n for n in names(proof))


def test_tls12_resumed(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.2", cipher="ECDHE-ECDSA-AES128-GCM-SHA256", resume=True)
    assert rec.resumed
    proof = prove(rec)
    assert_proven(proof)
    assert proof.resumed
    # Abbreviated handshake: the server's Finished comes first; no signatures.
    assert [n.split()[0] + " " + n.split()[1] for n in names(proof)[1:5]] == [
        "server finished",
        "server verify_data",
        "client finished",
        "client verify_data",
    ]
    assert any(n.startswith("resumed: the earlier session's master secret") for n in proof.notes)


def test_tls13_default_suite(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.3")
    proof = prove(rec)
    assert_proven(proof)
    assert proof.version == "TLSv1.3" and proof.suite.name == rec.cipher
    assert proof.extended_master_secret is None
    assert names(proof) == [
        "key log client randoms = ClientHello.random",
        "server encrypted_extensions decrypted with server_handshake_key = OpenSSL's",
        "server certificate decrypted with server_handshake_key = OpenSSL's",
        "server certificate_verify decrypted with server_handshake_key = OpenSSL's",
        "server CertificateVerify signature (ecdsa_secp256r1_sha256) verifies",
        "server finished decrypted with server_handshake_key = OpenSSL's",
        "server Finished = HMAC(finished_key, Transcript-Hash(..certificate_verify))",
        "client finished decrypted with client_handshake_key = OpenSSL's",
        "client Finished = HMAC(finished_key, Transcript-Hash(..finished))",
        "server new_session_ticket decrypted with server_application_key = OpenSSL's",
        "server new_session_ticket decrypted with server_application_key = OpenSSL's",
        "client application data (seq 0) decrypts with client_application_key",
        "server application data (seq 2) decrypts with server_application_key",
    ]
    s = proof.secrets
    for side in ("client", "server"):
        for stage, label in (
            ("handshake", "handshake_traffic_secret"),
            ("application", "traffic_secret_0"),
        ):
            secret = s[f"{side}_{label}"]
            assert s[f"{side}_{stage}_key"] == hkdf_expand_label(
                secret, "key", b"", proof.suite.key_length, proof.suite.hash
            )
            assert len(s[f"{side}_{stage}_iv"]) == 12
    assert "exporter_secret" in s


@pytest.mark.parametrize("pki_name", ["ec_pki", "rsa_pki"])
def test_tls13_with_client_auth(request: pytest.FixtureRequest, pki_name: str) -> None:
    pki = request.getfixturevalue(pki_name)
    proof = prove(record(pki, tls="1.3", client_auth="required"))
    assert_proven(proof)
    scheme = "ecdsa_secp256r1_sha256" if pki_name == "ec_pki" else "rsa_pss_rsae_sha256"
    assert [n for n in names(proof) if "client" in n][:6] == [
        "key log client randoms = ClientHello.random",
        "client certificate decrypted with client_handshake_key = OpenSSL's",
        "client certificate_verify decrypted with client_handshake_key = OpenSSL's",
        f"client CertificateVerify signature ({scheme}) verifies",
        "client finished decrypted with client_handshake_key = OpenSSL's",
        "client Finished = HMAC(finished_key, Transcript-Hash(..certificate_verify))",
    ]
    assert "server certificate_request decrypted with server_handshake_key = OpenSSL's" in names(
        proof
    )


def test_tls13_hello_retry_request(ec_pki: LabPKI) -> None:
    # The client's key share is X25519, the server insists on P-384: HelloRetryRequest, and the
    # first ClientHello enters the transcript as a message_hash.
    rec = record(ec_pki, tls="1.3", curve="secp384r1")
    assert [m.name for m in rec.messages].count("client_hello") == 2
    proof = prove(rec)
    assert_proven(proof)
    assert any(n.startswith("HelloRetryRequest") for n in proof.notes)


def test_tls13_resumed(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.3", resume=True)
    assert rec.resumed
    proof = prove(rec)
    assert_proven(proof)
    assert not any("certificate" in n for n in names(proof))
    assert any(n.startswith("resumed with a PSK") for n in proof.notes)


def test_to_text(ec_pki: LabPKI) -> None:
    proof = prove(record(ec_pki, tls="1.3"))
    text = proof.to_text()
    lines = text.splitlines()
    assert lines[0] == f"TLSv1.3 {proof.suite.name} (0x{proof.suite.code:04X})"
    assert lines[1 : 1 + len(proof.notes)] == [f"  {n}" for n in proof.notes]
    check_lines = lines[1 + len(proof.notes) : 1 + len(proof.notes) + len(proof.checks)]
    for line, check in zip(check_lines, proof.checks, strict=True):
        assert line.startswith(f"ok   {check.name}")
        assert f"{check.expected_hex[:12]}" in line and line.endswith(check.rfc_section)
    assert lines[-2] == "application data: client b'ping', server b'pong'"
    assert lines[-1] == f"{len(proof.checks)}/{len(proof.checks)} checks passed"
    assert all("…" in line or "080000020000" in line for line in check_lines)


# --- failures ----------------------------------------------------------------------------


def flip_hex(text: str, index: int) -> str:
    value = bytearray.fromhex(text)
    value[index] ^= 0x01
    return value.hex()


def test_tampered_master_secret_fails_on_the_finished(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.2", cipher="ECDHE-ECDSA-AES128-GCM-SHA256")
    label, random, secret = rec.keylog[0].split()
    proof = prove(rec, keylog=[f"{label} {random} {flip_hex(secret, 7)}"])
    assert not proof.ok
    failed = [c.name for c in proof.failures]
    assert failed == [
        "client finished decrypted with client_write_key = OpenSSL's",
        'client verify_data = PRF(master_secret, "client finished", Hash)[:12]',
        "server finished decrypted with server_write_key = OpenSSL's",
        'server verify_data = PRF(master_secret, "server finished", Hash)[:12]',
        "client application data (seq 1) decrypts with client_write_key",
        "server application data (seq 1) decrypts with server_write_key",
    ]
    # What does not depend on the master secret still passes.
    assert [c.name for c in proof.checks if c.ok] == [
        "key log CLIENT_RANDOM = ClientHello.random",
        "server ServerKeyExchange signature (ecdsa_secp256r1_sha256) verifies",
    ]
    verify = proof.failures[1]
    assert verify.expected_hex != verify.computed_hex and len(verify.computed_hex) == 24
    assert "tag does not verify" in proof.failures[0].detail
    text = proof.to_text()
    assert "FAIL client verify_data" in text and "!=" in text and text.endswith("2/8 checks passed")
    assert proof.application_data == []
    # The untouched key log still proves the same recording.
    assert prove(rec).ok


def test_tampered_tls13_secret_names_the_direction(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.3")
    lines = [
        f"{label} {random} {flip_hex(secret, 0)}"
        if label == "CLIENT_HANDSHAKE_TRAFFIC_SECRET"
        else line
        for line in rec.keylog
        for label, random, secret in [line.split()]
    ]
    proof = prove(rec, keylog=lines)
    assert [c.name for c in proof.failures] == [
        "client finished decrypted with client_handshake_key = OpenSSL's",
        "client Finished = HMAC(finished_key, Transcript-Hash(..finished))",
    ]
    # The client's application keys are not derived from its handshake secret in the key log:
    # they still decrypt the "ping".
    assert proof.application_data == PING_PONG


def test_key_log_of_another_connection(ec_pki: LabPKI) -> None:
    first = record(ec_pki, tls="1.2")
    second = record(ec_pki, tls="1.2")
    proof = prove(second, keylog=first.keylog)
    assert proof.failures[0].name == "key log CLIENT_RANDOM = ClientHello.random"
    assert proof.failures[0].detail == "the key log line is for another connection"
    # With both connections' lines, the right one is picked.
    assert prove(second, keylog=first.keylog + second.keylog).ok


def tamper(rec: Recording, index: int, offset: int) -> Recording:
    records = list(rec.records)
    data = bytearray(records[index].data)
    data[offset] ^= 0x80
    records[index] = records[index]._replace(data=bytes(data))
    return dataclasses.replace(rec, records=records)


def test_tampered_tls12_record(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.2", cipher="ECDHE-ECDSA-AES128-GCM-SHA256")
    index = max(
        i for i, r in enumerate(rec.records) if r.sender == "server" and r.content_type == 22
    )
    bad = tamper(rec, index, 20)
    proof = prove(bad)
    assert [c.name for c in proof.failures] == [
        "server finished decrypted with server_write_key = OpenSSL's"
    ]
    assert proof.failures[0].detail == (
        f"record {index + 1} from the server: record seq 0 (handshake, 40 bytes): the "
        "AES-128-GCM tag does not verify: wrong key, IV or sequence number, or the record was "
        "altered"
    )
    with pytest.raises(
        DecryptError,
        match=r"^record seq 0 \(handshake, 40 bytes\): the AES-128-GCM tag does not verify",
    ):
        decrypt_record(
            bad.records[index],
            proof.suite,
            proof.secrets["server_write_key"],
            proof.secrets["server_write_iv"],
            0,
        )


def test_tampered_tls13_certificate_record(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.3", client_auth="required")
    protected = [
        i for i, r in enumerate(rec.records) if r.sender == "server" and r.content_type == 23
    ]
    index = protected[2]  # EncryptedExtensions, CertificateRequest, Certificate
    proof = prove(tamper(rec, index, 100))
    assert [c.name for c in proof.failures] == [
        "server certificate decrypted with server_handshake_key = OpenSSL's"
    ]
    assert proof.failures[0].detail.startswith(
        f"record {index + 1} from the server: record seq 2 (application_data, "
    )
    assert "AES-256-GCM tag does not verify" in proof.failures[0].detail


def test_tampered_tls13_application_record(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.3")
    index = max(i for i, r in enumerate(rec.records) if r.sender == "client")
    proof = prove(tamper(rec, index, 7))
    assert [c.name for c in proof.failures] == [
        "client application data (seq 0) decrypts with client_application_key"
    ]
    assert proof.application_data == [("server", b"pong")]


# --- what cannot be proven ---------------------------------------------------------------


def test_failed_handshake_is_refused(ec_pki: LabPKI) -> None:
    opts = Options(tls="1.2", client_auth="required", client_cert=False)
    rec = run(*contexts(ec_pki, opts), opts)
    assert not rec.ok
    with pytest.raises(InputError, match=r"^the handshake failed \(.*\): "):
        prove(rec)


def test_tls13_rejection_after_the_handshake_is_refused(ec_pki: LabPKI) -> None:
    opts = Options(tls="1.3", client_auth="required", client_cert=False)
    rec = run(*contexts(ec_pki, opts), opts)
    assert not rec.ok
    with pytest.raises(InputError, match=r"^the handshake failed \(.*certificate"):
        prove(rec)


def test_no_key_log_is_refused(ec_pki: LabPKI) -> None:
    rec = record(ec_pki, tls="1.3")
    with pytest.raises(InputError, match="no key log"):
        prove(rec, keylog=[])
    with pytest.raises(InputError, match="no SERVER_HANDSHAKE_TRAFFIC_SECRET line"):
        prove(rec, keylog=[line for line in rec.keylog if not line.startswith("SERVER_HANDSHAKE")])
    with pytest.raises(InputError, match="is not LABEL <hex> <hex>"):
        prove(rec, keylog=["CLIENT_RANDOM zz yy"])


def test_wire_only_recording_is_refused(ec_pki: LabPKI) -> None:
    rec = dataclasses.replace(record(ec_pki, tls="1.2"), source="wire")
    with pytest.raises(InputError, match="no message callback"):
        prove(rec)


def test_cbc_suite_is_refused(ec_pki: LabPKI) -> None:
    cipher = "ECDHE-ECDSA-AES128-SHA256"
    rec = record(ec_pki, tls="1.2", cipher=cipher, client_cipher=cipher)
    with pytest.raises(InputError, match="use an AEAD suite") as info:
        prove(rec)
    assert "\n" not in str(info.value)


def test_half_failed_handshake_is_refused(ec_pki: LabPKI) -> None:
    rec = dataclasses.replace(
        record(ec_pki, tls="1.3"), ok=False, server_error="SSLError: certificate required"
    )
    with pytest.raises(InputError, match=r"\(SSLError: certificate required\): prove a successful"):
        prove(rec)


def test_altered_transcript_breaks_the_signature_and_both_finished(rsa_pki: LabPKI) -> None:
    # One byte of the ServerKeyExchange signature changed in the transcript: the signature no
    # longer verifies, and neither Finished matches, which is what Finished is for.
    rec = record(rsa_pki, tls="1.2", cipher="ECDHE-RSA-AES256-GCM-SHA384")
    messages = list(rec.messages)
    i = next(k for k, m in enumerate(messages) if m.name == "server_key_exchange")
    data = bytearray(messages[i].data)
    data[-1] ^= 0x01
    messages[i] = messages[i]._replace(data=bytes(data))
    proof = prove(dataclasses.replace(rec, messages=messages))
    assert [c.name for c in proof.failures] == [
        "server ServerKeyExchange signature (rsa_pss_rsae_sha256) verifies",
        'client verify_data = PRF(master_secret, "client finished", Hash)[:12]',
        'server verify_data = PRF(master_secret, "server finished", Hash)[:12]',
    ]
    assert proof.failures[0].signature
    assert proof.failures[0].detail == (
        "the signature does not verify with the certificate's public key"
    )
    assert " NOT over " in proof.to_text()


@pytest.mark.parametrize(
    "key_type,tls,scheme",
    [
        ("ed25519", "1.3", "ed25519"),
        ("ed25519", "1.2", "ed25519"),
        ("ec-p384", "1.3", "ecdsa_secp384r1_sha384"),
        # TLS 1.2 does not tie the ECDSA hash to the curve.
        ("ec-p384", "1.2", "ecdsa_secp256r1_sha256"),
    ],
)
def test_signature_schemes(key_type: str, tls: str, scheme: str) -> None:
    pki = lab_pki(seed="keyschedule-tests", key_type=key_type)
    proof = prove(record(pki, tls=tls, client_auth="required"))
    assert_proven(proof)
    signatures = [c.name for c in proof.checks if c.signature]
    first = "server CertificateVerify" if tls == "1.3" else "server ServerKeyExchange"
    assert signatures == [
        f"{first} signature ({scheme}) verifies",
        f"client CertificateVerify signature ({scheme}) verifies",
    ]


# The suites of the key schedule's own table before it read the registry (issue 9): each is
# still supported, now through ciphersuites.json.
FORMER_TABLE = {
    0x1301, 0x1302, 0x1303, 0x1304, 0x1305, 0x009C, 0x009D, 0x009E, 0x009F, 0x00A2, 0x00A3,
    0x00A6, 0x00A7, 0xC02B, 0xC02C, 0xC02F, 0xC030, 0xCCA8, 0xCCA9, 0xCCAA, 0xC09C, 0xC09D,
    0xC09E, 0xC09F, 0xC0A0, 0xC0A1, 0xC0A2, 0xC0A3, 0xC0AC, 0xC0AD, 0xC0AE, 0xC0AF,
}  # fmt: skip


def test_every_suite_the_key_schedule_supports_comes_from_the_registry() -> None:
    registry = {entry.code: entry for entry in ciphersuites.suites()}
    supported = supported_suites()
    assert {suite.code for suite in supported} >= FORMER_TABLE
    for suite in supported:
        entry = registry[suite.code]
        assert suite.entry is entry, "one model: the key schedule wraps the registry's suite"
        assert find_suite(suite.code) is suite and find_suite(suite.name) is suite
        if entry.openssl:
            assert find_suite(entry.openssl) is suite
        assert entry.aead and suite.key_length * 8 == entry.key_bits
        assert suite.hash == {"SHA-256": "sha256", "SHA-384": "sha384"}[entry.prf_hash]
        assert suite.tag_length == (8 if entry.mode == "CCM_8" else 16)
        # Each suite protects and unprotects a record with its own parameters.
        key, iv = bytes(range(suite.key_length)), bytes(range(suite.iv_length))
        nonce = None if suite.explicit_nonce_length == 0 else bytes(8)
        record = encrypt_record(22, b"hello", suite, key, iv, 3, explicit_nonce=nonce)
        assert decrypt_record(record, suite, key, iv, 3) == (22, b"hello")
    # Everything else the registry holds is refused with a reason.
    for code, entry in registry.items():
        if code not in {suite.code for suite in supported} and not entry.signalling:
            with pytest.raises(InputError, match="AEAD"):
                find_suite(code)


def test_a_proof_serialises_like_every_result(ec_pki: LabPKI) -> None:
    import json

    proof = prove(record(ec_pki, tls="1.3"))
    data = json.loads(json.dumps(proof.to_dict()))
    assert data["ok"] is True and data["version"] == "TLSv1.3"
    assert len(data["checks"]) == len(proof.checks) and all(c["ok"] for c in data["checks"])
    assert data["secrets"]["server_handshake_traffic_secret"] == (
        proof.secrets["server_handshake_traffic_secret"].hex()
    )
    assert proof.to_text().endswith(f"{len(proof.checks)}/{len(proof.checks)} checks passed")
