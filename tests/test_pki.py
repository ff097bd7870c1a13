"""certkit.pki: a lab's certificates are well-formed, verify, and are byte-identical per seed."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys

import pytest
from cryptography import x509
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import PolicyBuilder, Store

from certkit import InputError, Lab
from certkit.pki import DEFAULT_NOW

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
