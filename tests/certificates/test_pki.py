"""certkit.certificates.pki: a lab's certificates are well-formed, verify, and are byte-identical per seed."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store

from certkit import InputError, Lab
from certkit.certificates.pki import DEFAULT_NOW

# Known answers (SHA-256 fingerprints) for Lab(seed="kat"): byte-identical on every machine.
KAT_ROOT = "98:AA:69:8C:E2:75:59:F9:1F:39:60:61:0B:7A:4C:91:6A:CC:92:D5:EE:D7:52:C8:EF:D1:89:CF:BA:49:14:BC"
KAT_SERVER = "B9:F9:A6:5B:0A:0E:9B:03:D0:CA:04:F4:BA:91:77:A4:C6:B1:03:A0:8A:A5:A7:4B:D8:65:03:03:B9:7E:CD:2E"
KAT_RSA_ROOT = "98:68:95:5C:F8:27:C9:29:DF:2B:45:FD:D5:4F:21:DA:AB:50:D3:4A:CC:32:B5:60:65:DE:5C:80:FD:71:40:52"
KAT_ED_ROOT = "2B:4C:4F:31:87:7B:49:57:8A:3D:F4:5E:6F:10:8C:B2:3B:C7:DB:73:75:51:D5:72:70:91:BA:FF:8A:C9:8B:06"


def test_known_answers() -> None:
    lab = Lab(seed="kat")
    root = lab.root_ca("KAT Root CA")
    assert root.fingerprint() == KAT_ROOT
    assert lab.server(root, ["kat.example"]).fingerprint() == KAT_SERVER
    assert lab.root_ca("KAT RSA Root CA", key_type="rsa-2048").fingerprint() == KAT_RSA_ROOT
    assert lab.root_ca("KAT Ed Root CA", key_type="ed25519").fingerprint() == KAT_ED_ROOT


def test_byte_identical_in_a_fresh_process() -> None:
    code = "from certkit import Lab; lab = Lab(seed='kat'); print(lab.root_ca('KAT Root CA').pem)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == Lab(seed="kat").root_ca("KAT Root CA").pem.strip()


def test_random_labs_differ() -> None:
    assert Lab().root_ca("R").der != Lab().root_ca("R").der
    assert not Lab().deterministic and Lab(seed="x").deterministic


def test_clock_sets_validity() -> None:
    now = dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC)
    lab = Lab(seed="clock", now=now)
    root = lab.root_ca("Clock CA", days=10)
    assert root.certificate.not_valid_before_utc == now
    assert root.certificate.not_valid_after_utc == now + dt.timedelta(days=10)
    assert Lab(seed="x").now == DEFAULT_NOW


def test_naive_clock_is_refused() -> None:
    with pytest.raises(InputError, match="time zone"):
        Lab(seed="x", now=dt.datetime(2026, 1, 1))


@pytest.mark.parametrize("key_type", ["ec-p256", "ec-p384", "rsa-2048"])
def test_server_chain_verifies_with_cryptography(key_type: str) -> None:
    lab = Lab(seed=f"verify-{key_type}")
    root = lab.root_ca("Verify Root", key_type=key_type)
    server = lab.server(root, ["app.example", "127.0.0.1"], key_type=key_type)
    verifier = (
        PolicyBuilder()
        .store(Store([root.certificate]))
        .time(lab.now + dt.timedelta(days=1))
        .build_server_verifier(x509.DNSName("app.example"))
    )
    chain = verifier.verify(server.certificate, [])
    assert chain[-1] == root.certificate
    assert server.chain() == [server.certificate, root.certificate]


def test_ed25519_chain_signs_but_the_web_pki_profile_refuses_it() -> None:
    # cryptography's verifier applies the CA/Browser Forum profile, which allows only RSA and
    # NIST-curve keys: an Ed25519 chain is correctly signed yet refused for TLS server use.
    lab = Lab(seed="ed")
    root = lab.root_ca("Ed Root", key_type="ed25519")
    server = lab.server(root, ["ed.example"], key_type="ed25519")
    server.certificate.verify_directly_issued_by(root.certificate)
    verifier = (
        PolicyBuilder()
        .store(Store([root.certificate]))
        .time(lab.now)
        .build_server_verifier(x509.DNSName("ed.example"))
    )
    with pytest.raises(x509.verification.VerificationError, match="Forbidden public key algorithm"):
        verifier.verify(server.certificate, [])


def test_server_certificate_extensions() -> None:
    lab = Lab(seed="ext")
    root = lab.root_ca("Ext Root")
    cert = lab.server(root, ["a.example", "127.0.0.1"]).certificate
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["a.example"]
    assert [str(ip) for ip in san.get_values_for_type(x509.IPAddress)] == ["127.0.0.1"]
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.SERVER_AUTH]
    key_usage = cert.extensions.get_extension_for_class(x509.KeyUsage)
    assert key_usage.critical and key_usage.value.digital_signature
    assert not key_usage.value.key_encipherment  # EC keys do not encipher
    rsa_cert = lab.server(root, ["r.example"], key_type="rsa-2048").certificate
    assert rsa_cert.extensions.get_extension_for_class(x509.KeyUsage).value.key_encipherment
    basic = root.certificate.extensions.get_extension_for_class(x509.BasicConstraints)
    assert basic.critical and basic.value.ca


def test_serials_are_positive_and_at_most_20_octets() -> None:
    lab = Lab(seed="serial")
    for label in map(str, range(50)):
        serial = lab.serial(label)
        assert 0 < serial < 2**127


def test_bad_requests_are_input_errors() -> None:
    lab = Lab(seed="bad")
    root = lab.root_ca("Bad Root")
    with pytest.raises(InputError, match="at least one hostname"):
        lab.server(root, [])
    with pytest.raises(InputError, match="cannot sign"):
        lab.root_ca("DH Root", key_type="x25519")
    with pytest.raises(InputError, match="at least 1 day"):
        lab.root_ca("Zero", days=0)


# -- the rest of the lab: intermediates, clients, requests, CRLs, stores ---------------------

from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.serialization import pkcs12  # noqa: E402

from certkit.certificates.pki import java_truststore, pem_bundle  # noqa: E402


def test_lab_pki_shape() -> None:
    pki = Lab(seed="shape").pki(["svc.example", "127.0.0.1"], client_name="batch job")
    assert pki.intermediate.issuer is pki.root and pki.server.issuer is pki.intermediate
    assert pki.server.chain(include_root=False) == [
        pki.server.certificate,
        pki.intermediate.certificate,
    ]
    assert pki.server.fullchain_pem() == pki.server.pem + pki.intermediate.pem
    basic = pki.intermediate.certificate.extensions.get_extension_for_class(
        x509.BasicConstraints
    ).value
    assert basic.ca and basic.path_length == 0
    eku = pki.client.certificate.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert pki.client.name == "CN=batch job"


def test_start_makes_expired_and_not_yet_valid_certificates() -> None:
    lab = Lab(seed="start")
    root = lab.root_ca("Start Root")
    old = lab.server(root, ["old.example"], start=-dt.timedelta(days=400), days=365)
    early = lab.server(root, ["early.example"], start=dt.timedelta(days=30))
    assert old.certificate.not_valid_after_utc < lab.now
    assert early.certificate.not_valid_before_utc > lab.now


def test_extension_overrides() -> None:
    lab = Lab(seed="override")
    root = lab.root_ca("Override Root")
    client_eku = x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH])
    cert = lab.server(
        root,
        ["o.example"],
        extra_extensions=[(client_eku, False)],
        omit=[x509.SubjectKeyIdentifier],
    ).certificate
    assert cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value == client_eku
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.SubjectKeyIdentifier)


def test_request_and_signing() -> None:
    lab = Lab(seed="csr")
    root = lab.root_ca("CSR Root")
    request = lab.request("zcee.example.com", hostnames=["zcee.example.com", "10.1.1.1"])
    assert request.pem.startswith("-----BEGIN CERTIFICATE REQUEST-----")
    assert request.csr.is_signature_valid
    issued = lab.sign_request(root, request, usage="client", days=30)
    cert = issued.certificate
    assert cert.subject == request.csr.subject
    assert cert.public_key() == request.csr.public_key()
    san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    assert san.get_values_for_type(x509.DNSName) == ["zcee.example.com"]
    eku = cert.extensions.get_extension_for_class(x509.ExtendedKeyUsage).value
    assert list(eku) == [ExtendedKeyUsageOID.CLIENT_AUTH]
    assert issued.private_key is request.private_key
    cert.verify_directly_issued_by(root.certificate)
    # A request read from elsewhere: the lab never has its key.
    bare = lab.sign_request(root, request.csr)
    assert bare.private_key is None
    with pytest.raises(InputError, match="no private key"):
        bare.key_pem()
    with pytest.raises(InputError, match="usage 'email'"):
        lab.sign_request(root, request, usage="email")


def test_tampered_request_is_refused() -> None:
    lab = Lab(seed="csr-bad")
    root = lab.root_ca("CSR Root")
    good = lab.request("a.example").csr.public_bytes(serialization.Encoding.DER)
    index = good.index(b"a.example")
    tampered = x509.load_der_x509_csr(good[:index] + b"b" + good[index + 1 :])
    with pytest.raises(InputError, match="signature does not verify"):
        lab.sign_request(root, tampered)


def test_crl_lists_revoked_serials_and_is_signed() -> None:
    lab = Lab(seed="crl")
    pki = lab.pki()
    crl = lab.crl(pki.intermediate, revoked=[pki.client], days=3, number=7)
    assert crl.is_signature_valid(pki.intermediate.certificate.public_key())  # type: ignore[arg-type]
    assert crl.get_revoked_certificate_by_serial_number(pki.client.certificate.serial_number)
    assert (
        crl.get_revoked_certificate_by_serial_number(pki.server.certificate.serial_number) is None
    )
    assert crl.next_update_utc == lab.now + dt.timedelta(days=3)
    assert crl.extensions.get_extension_for_class(x509.CRLNumber).value.crl_number == 7
    assert crl.public_bytes(serialization.Encoding.DER) == lab.crl(
        pki.intermediate, revoked=[pki.client], days=3, number=7
    ).public_bytes(serialization.Encoding.DER)


def test_key_pem_encryption() -> None:
    server = Lab(seed="keypem").pki().server
    plain = server.key_pem()
    # The marker is assembled so that this file holds no PEM private-key marker itself.
    marker = "PRIVATE" + " KEY-----"
    assert plain.startswith("-----BEGIN " + marker)
    encrypted = server.key_pem("s3cret")
    assert encrypted.startswith("-----BEGIN ENCRYPTED " + marker)
    key = serialization.load_pem_private_key(encrypted.encode(), b"s3cret")
    assert key.public_key() == server.certificate.public_key()


def test_pkcs12_round_trip() -> None:
    pki = Lab(seed="p12").pki()
    data = pki.server.pkcs12("changeit", alias="liberty")
    loaded = pkcs12.load_pkcs12(data, b"changeit")
    assert loaded.cert is not None and loaded.cert.friendly_name == b"liberty"
    assert loaded.cert.certificate == pki.server.certificate
    assert [c.certificate for c in loaded.additional_certs] == [
        pki.intermediate.certificate,
        pki.root.certificate,
    ]
    without_root = pkcs12.load_pkcs12(
        pki.server.pkcs12("changeit", include_root=False), b"changeit"
    )
    assert [c.certificate for c in without_root.additional_certs] == [pki.intermediate.certificate]
    with pytest.raises(ValueError):
        pkcs12.load_pkcs12(data, b"wrong")
    with pytest.raises(InputError, match="needs a password"):
        pki.server.pkcs12("")
    store = java_truststore([pki.root.certificate], "changeit")
    trusted = pkcs12.load_pkcs12(store, b"changeit")
    assert (
        trusted.key is None and trusted.additional_certs[0].friendly_name == b"certkit lab root ca"
    )
    with pytest.raises(InputError, match="1 certificates but 2 aliases"):
        java_truststore([pki.root.certificate], "changeit", aliases=["a", "b"])
    assert pem_bundle([]) == ""
