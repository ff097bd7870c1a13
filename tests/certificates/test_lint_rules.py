"""certkit.certificates.lint: every rule fires on a certificate made for it and stays quiet on a good one.

Each rule in src/certkit/data/lint_rules.json has a test here named ``test_rule_<id>`` (dashes
as underscores); `test_every_rule_has_a_check_and_a_test` keeps the JSON, the check functions
and these tests in step. The "good" certificates are certkit.certificates.pki.Lab defaults, checked at the
lab's clock.

Certificates that cryptography refuses to build (zero, negative or over-long serial numbers,
SHA-1 and MD5 signatures, version 1) are made by `resign`: build a good certificate, take its
DER apart with the small TLV reader below, replace the serial number INTEGER and/or the
signature AlgorithmIdentifier inside the TBSCertificate (or drop its version and extensions), sign the new TBS bytes with the issuer's key
through cryptography's low-level ``sign`` (which still accepts SHA-1 and MD5), and put the
Certificate SEQUENCE back together. The result is a correctly signed certificate (the test
checks the signature against the issuer) that only the rule under test objects to.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import warnings
from pathlib import Path

import bad_inputs
import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import ExtendedKeyUsageOID as EKU
from cryptography.x509.verification import PolicyBuilder, Store, VerificationError

import certkit.certificates.lint as lint_module
from certkit import InputError, Issued, Lab
from certkit.certificates.lint import (
    RULES,
    Finding,
    Reports,
    detect_role,
    lint,
    lint_report,
)
from certkit.datafiles import data_file

CERTKIT = str(Path(sys.executable).parent / "certkit")
LAB = Lab(seed="lint-rules")
AT = LAB.now + dt.timedelta(hours=1)
ROOT = LAB.root_ca("Lint Root CA")
INTERMEDIATE = LAB.intermediate_ca(ROOT, "Lint Intermediate CA")
SERVER = LAB.server(INTERMEDIATE, ["www.example.com", "127.0.0.1"])
CLIENT = LAB.client(INTERMEDIATE, "lint client")
RSA_ROOT = LAB.root_ca("Lint RSA Root CA", key_type="rsa-2048")
RSA_SERVER = LAB.server(RSA_ROOT, ["rsa.example.com"], key_type="rsa-2048")
GOOD = {"root": ROOT, "intermediate": INTERMEDIATE, "server": SERVER, "client": CLIENT}


def rules_fired(cert: x509.Certificate | Issued, **kwargs: object) -> list[str]:
    if isinstance(cert, Issued):
        cert = cert.certificate
    kwargs.setdefault("at", AT)
    return [f.rule for f in lint(cert, **kwargs)]  # type: ignore[arg-type]


def fires(rule: str, cert: x509.Certificate | Issued, **kwargs: object) -> Finding:
    if isinstance(cert, Issued):
        cert = cert.certificate
    kwargs.setdefault("at", AT)
    found = [f for f in lint(cert, **kwargs) if f.rule == rule]  # type: ignore[arg-type]
    assert found, f"{rule} did not fire; fired: {rules_fired(cert, **kwargs)}"
    assert found[0].severity == RULES[rule].severity and found[0].fix == RULES[rule].fix
    assert "\n" not in found[0].message
    return found[0]


def quiet(rule: str, cert: x509.Certificate | Issued, **kwargs: object) -> None:
    assert rule not in rules_fired(cert, **kwargs)


def verifies(leaf: Issued, *intermediates: Issued, root: Issued = ROOT) -> bool:
    """Whether cryptography's verifier accepts the leaf for its first DNS name, at AT."""
    san = leaf.certificate.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    verifier = (
        PolicyBuilder()
        .store(Store([root.certificate]))
        .time(AT)
        .build_server_verifier(x509.DNSName(san.value.get_values_for_type(x509.DNSName)[0]))
    )
    try:
        verifier.verify(leaf.certificate, [i.certificate for i in intermediates])
    except VerificationError:
        return False
    return True


def key_usage(**bits: bool) -> tuple[x509.KeyUsage, bool]:
    names = ["digital_signature", "content_commitment", "key_encipherment", "data_encipherment",
             "key_agreement", "key_cert_sign", "crl_sign"]  # fmt: skip
    values = {name: bits.get(name, False) for name in names}
    return x509.KeyUsage(**values, encipher_only=False, decipher_only=False), True


def eku(*oids: x509.ObjectIdentifier) -> tuple[x509.ExtendedKeyUsage, bool]:
    return x509.ExtendedKeyUsage(list(oids)), False


# -- crafting certificates cryptography will not build -------------------------------------


def _read_tlv(data: bytes, pos: int) -> tuple[int, int, int]:
    """(tag, content start, content end) of the DER element at ``pos``."""
    tag, first = data[pos], data[pos + 1]
    pos += 2
    if first & 0x80:
        count = first & 0x7F
        length = int.from_bytes(data[pos : pos + count], "big")
        pos += count
    else:
        length = first
    return tag, pos, pos + length


def _children(data: bytes) -> list[bytes]:
    out, pos = [], 0
    while pos < len(data):
        _, _, end = _read_tlv(data, pos)
        out.append(data[pos:end])
        pos = end
    return out


def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def _der_integer(value: int) -> bytes:
    length = (
        max(1, (value.bit_length() + 8) // 8) if value >= 0 else ((~value).bit_length() + 8) // 8
    )
    return _tlv(0x02, value.to_bytes(length, "big", signed=True))


def _der_oid(dotted: str) -> bytes:
    arcs = [int(a) for a in dotted.split(".")]
    body = bytearray([40 * arcs[0] + arcs[1]])
    for arc in arcs[2:]:
        chunk = [arc & 0x7F]
        while arc > 0x7F:
            arc >>= 7
            chunk.insert(0, 0x80 | (arc & 0x7F))
        body += bytes(chunk)
    return _tlv(0x06, bytes(body))


SHA1_WITH_RSA = "1.2.840.113549.1.1.5"
MD5_WITH_RSA = "1.2.840.113549.1.1.4"


def resign(
    issued: Issued,
    *,
    serial: int | None = None,
    rsa_signature: tuple[str, hashes.HashAlgorithm] | None = None,
    version_1: bool = False,
) -> x509.Certificate:
    """``issued``'s certificate with a new serial and/or signature algorithm, signed again.

    Args:
        issued: A certificate from the lab (its issuer's private key, or its own for a root,
            signs the result).
        serial: The serial number to put in, any integer (zero, negative, 21 octets...).
        rsa_signature: (signature algorithm OID, hash) for an RSA issuer, e.g. SHA-1.
        version_1: Make it a version 1 certificate: no version field, no extensions.
    """
    signer = issued.issuer or issued
    assert signer.private_key is not None
    key = signer.private_key
    _, start, end = _read_tlv(issued.der, 0)
    tbs, algorithm, _signature = _children(issued.der[start:end])
    _, start, end = _read_tlv(tbs, 0)
    fields = _children(tbs[start:end])
    # fields: [0] version, serialNumber, signature, issuer, validity, subject, spki, [3] extensions
    assert fields[0][0] == 0xA0 and fields[1][0] == 0x02
    if serial is not None:
        fields[1] = _der_integer(serial)
    if rsa_signature is not None:
        oid, _hash = rsa_signature
        algorithm = _tlv(0x30, _der_oid(oid) + b"\x05\x00")  # AlgorithmIdentifier, NULL params
        fields[2] = algorithm
    if version_1:
        assert fields[-1][0] == 0xA3
        fields = fields[1:-1]
    new_tbs = _tlv(0x30, b"".join(fields))
    if rsa_signature is not None:
        assert isinstance(key, rsa.RSAPrivateKey)
        signature = key.sign(new_tbs, padding.PKCS1v15(), rsa_signature[1])
    else:
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        signature = key.sign(new_tbs, ec.ECDSA(hashes.SHA256()))
    der = _tlv(0x30, new_tbs + algorithm + _tlv(0x03, b"\x00" + signature))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        cert = x509.load_der_x509_certificate(der)
    # The crafted certificate is genuinely signed by the issuer:
    public = signer.certificate.public_key()
    if isinstance(public, rsa.RSAPublicKey):
        assert rsa_signature is not None
        public.verify(
            cert.signature, cert.tbs_certificate_bytes, padding.PKCS1v15(), rsa_signature[1]
        )
    else:
        assert isinstance(public, ec.EllipticCurvePublicKey)
        public.verify(cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(hashes.SHA256()))
    return cert


def rebuild(
    issued: Issued,
    *,
    public_key: rsa.RSAPublicKey | None = None,
    serial: int | None = None,
) -> x509.Certificate:
    """``issued``'s certificate rebuilt with cryptography's builder: another key or serial."""
    cert = issued.certificate
    assert issued.issuer is not None and isinstance(
        issued.issuer.private_key, ec.EllipticCurvePrivateKey
    )
    key = public_key or cert.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(cert.subject)
        .issuer_name(cert.issuer)
        .public_key(key)
        .serial_number(serial if serial is not None else cert.serial_number)
        .not_valid_before(cert.not_valid_before_utc)
        .not_valid_after(cert.not_valid_after_utc)
    )
    for ext in cert.extensions:
        value = ext.value
        if isinstance(value, x509.SubjectKeyIdentifier):
            value = x509.SubjectKeyIdentifier.from_public_key(key)
        builder = builder.add_extension(value, critical=ext.critical)
    return builder.sign(issued.issuer.private_key, hashes.SHA256())


# -- the data, the checks and the tests agree --------------------------------------------------


def test_every_rule_has_a_check_and_a_test() -> None:
    path = Path(str(data_file("lint_rules.json")))
    ids = [rule["id"] for rule in json.loads(path.read_text("utf-8"))["rules"]]
    assert len(ids) == len(set(ids)), "a rule id appears twice in lint_rules.json"
    assert list(RULES) == ids
    assert set(lint_module.CHECKS) == set(ids), "checks without a rule, or rules without a check"
    tests = {name[len("test_rule_") :] for name in globals() if name.startswith("test_rule_")}
    assert tests == {i.replace("-", "_") for i in ids}, (
        "rules without a test, or tests without a rule"
    )


def test_rules_are_well_formed() -> None:
    for rule in RULES.values():
        assert rule.severity in ("error", "warning", "info")
        assert rule.roles and set(rule.roles) <= {"server", "client", "ca"}
        assert rule.title and rule.fix and "\n" not in rule.title + rule.fix
        assert "RFC" in rule.why or "Baseline Requirements" in rule.why, rule.id


@pytest.mark.parametrize("key_type", ["ec-p256", "ec-p384", "rsa-2048", "ed25519"])
def test_lab_defaults_are_clean(key_type: str) -> None:
    pki = Lab(seed=f"clean-{key_type}").pki(key_type=key_type)
    for issued in (pki.root, pki.intermediate, pki.server, pki.client):
        assert lint(issued.certificate, at=LAB.now + dt.timedelta(days=1)) == [], issued.name


def test_detect_role() -> None:
    assert detect_role(ROOT.certificate) == ("ca", "basicConstraints CA:TRUE")
    assert detect_role(INTERMEDIATE.certificate)[0] == "ca"
    assert detect_role(SERVER.certificate) == ("server", "extendedKeyUsage serverAuth")
    assert detect_role(CLIENT.certificate) == ("client", "extendedKeyUsage clientAuth")
    no_eku = LAB.server(INTERMEDIATE, ["x.example.com"], omit=[x509.ExtendedKeyUsage])
    assert detect_role(no_eku.certificate)[0] == "server"
    mail = LAB.client(INTERMEDIATE, "mail", emails=["a@example.com"], omit=[x509.ExtendedKeyUsage])
    assert detect_role(mail.certificate)[0] == "client"
    bare = LAB.client(INTERMEDIATE, "bare", omit=[x509.ExtendedKeyUsage])
    assert detect_role(bare.certificate) == ("server", "nothing says otherwise (assumed)")
    no_bc = LAB.intermediate_ca(ROOT, "No BC", omit=[x509.BasicConstraints])
    assert detect_role(no_bc.certificate) == ("ca", "keyUsage keyCertSign")


def test_role_override_applies_that_roles_rules() -> None:
    report = lint_report(SERVER.certificate, role="ca", at=AT)
    assert report.role_reason == "given"
    assert {"ca-no-basic-constraints", "ca-no-key-cert-sign"} <= {f.rule for f in report.findings}
    assert lint(SERVER.certificate, role="client", at=AT)[0].rule == "client-eku-no-clientauth"


def test_bad_arguments() -> None:
    with pytest.raises(InputError, match="time zone"):
        lint(SERVER.certificate, at=dt.datetime(2026, 1, 1))
    with pytest.raises(InputError, match="0 or more"):
        lint(SERVER.certificate, expiring_days=-1)
    with pytest.raises(InputError, match="role"):
        lint(SERVER.certificate, role="web")  # type: ignore[arg-type]


# -- one test per rule ----------------------------------------------------------------------------


def test_rule_server_no_san() -> None:
    cn_only = LAB.server(INTERMEDIATE, ["cn-only.example.com"], omit=[x509.SubjectAlternativeName])
    finding = fires("server-no-san", cn_only)
    assert "'cn-only.example.com' is only in the subject CN" in finding.message
    mail_only = x509.SubjectAlternativeName([x509.RFC822Name("ops@example.com")])
    fires(
        "server-no-san",
        LAB.server(INTERMEDIATE, ["m.example.com"], extra_extensions=[(mail_only, False)]),
    )
    quiet("server-no-san", SERVER)


def test_rule_server_eku_no_serverauth() -> None:
    code_signing = LAB.server(
        INTERMEDIATE, ["c.example.com"], extra_extensions=[eku(EKU.CODE_SIGNING)]
    )
    assert (
        "lists codeSigning but not serverAuth"
        in fires("server-eku-no-serverauth", code_signing).message
    )
    # A client certificate installed as a server certificate: detected as client, checked as server.
    fires("server-eku-no-serverauth", CLIENT, role="server")
    quiet("server-eku-no-serverauth", SERVER)


def test_rule_client_eku_no_clientauth() -> None:
    mail = LAB.client(INTERMEDIATE, "mailer", emails=["m@example.com"],
                      extra_extensions=[eku(EKU.EMAIL_PROTECTION)])  # fmt: skip
    assert (
        "lists emailProtection but not clientAuth"
        in fires("client-eku-no-clientauth", mail).message
    )
    fires("client-eku-no-clientauth", SERVER, role="client")
    quiet("client-eku-no-clientauth", CLIENT)


def test_rule_leaf_no_eku() -> None:
    fires("leaf-no-eku", LAB.server(INTERMEDIATE, ["n.example.com"], omit=[x509.ExtendedKeyUsage]))
    fires("leaf-no-eku", LAB.client(INTERMEDIATE, "n", omit=[x509.ExtendedKeyUsage]), role="client")
    quiet("leaf-no-eku", SERVER)
    quiet("leaf-no-eku", CLIENT)


def test_rule_ca_has_eku() -> None:
    limited = LAB.intermediate_ca(
        ROOT, "EKU CA", extra_extensions=[eku(EKU.SERVER_AUTH, EKU.CLIENT_AUTH)]
    )
    finding = fires("ca-has-eku", limited)
    assert finding.severity == "info" and "serverAuth, clientAuth" in finding.message
    # The limit is real: a client-only intermediate cannot vouch for a server certificate.
    client_only = LAB.intermediate_ca(ROOT, "Client CA", extra_extensions=[eku(EKU.CLIENT_AUTH)])
    fires("ca-has-eku", client_only)
    assert not verifies(LAB.server(client_only, ["s.example.com"]), client_only)
    assert verifies(LAB.server(limited, ["s.example.com"]), limited)
    root = LAB.root_ca("EKU Root", extra_extensions=[eku(EKU.SERVER_AUTH)])
    assert "a root CA should carry none" in fires("ca-has-eku", root).message
    quiet("ca-has-eku", ROOT)
    quiet("ca-has-eku", INTERMEDIATE)


def test_rule_ku_encipherment_non_rsa() -> None:
    ec_server = LAB.server(INTERMEDIATE, ["e.example.com"],
                           extra_extensions=[key_usage(digital_signature=True, key_encipherment=True)])  # fmt: skip
    finding = fires("ku-encipherment-non-rsa", ec_server)
    assert "keyEncipherment on an EC P-256 (secp256r1) key" in finding.message
    ed_server = LAB.server(INTERMEDIATE, ["d.example.com"], key_type="ed25519",
                           extra_extensions=[key_usage(digital_signature=True, data_encipherment=True)])  # fmt: skip
    assert (
        "dataEncipherment on an Ed25519 key" in fires("ku-encipherment-non-rsa", ed_server).message
    )
    quiet("ku-encipherment-non-rsa", SERVER)
    quiet("ku-encipherment-non-rsa", RSA_SERVER)  # keyEncipherment is right for RSA
    assert RSA_SERVER.certificate.extensions.get_extension_for_class(
        x509.KeyUsage
    ).value.key_encipherment


def test_rule_ku_key_agreement_wrong_key() -> None:
    agree = key_usage(digital_signature=True, key_agreement=True)
    rsa_server = LAB.server(
        RSA_ROOT, ["a.example.com"], key_type="rsa-2048", extra_extensions=[agree]
    )
    assert (
        "keyAgreement on an RSA 2048-bit key"
        in fires("ku-key-agreement-wrong-key", rsa_server).message
    )
    # An EC key can do ECDH, so keyAgreement is allowed (if not recommended) there.
    quiet(
        "ku-key-agreement-wrong-key",
        LAB.server(INTERMEDIATE, ["a.example.com"], extra_extensions=[agree]),
    )
    quiet("ku-key-agreement-wrong-key", RSA_SERVER)


def test_rule_ku_no_digital_signature() -> None:
    ec_server = LAB.server(
        INTERMEDIATE, ["k.example.com"], extra_extensions=[key_usage(key_agreement=True)]
    )
    assert "cannot sign a TLS handshake" in fires("ku-no-digital-signature", ec_server).message
    rsa_server = LAB.server(RSA_ROOT, ["k.example.com"], key_type="rsa-2048",
                            extra_extensions=[key_usage(key_encipherment=True)])  # fmt: skip
    assert "only TLS 1.2 RSA key exchange" in fires("ku-no-digital-signature", rsa_server).message
    quiet("ku-no-digital-signature", SERVER)
    quiet("ku-no-digital-signature", CLIENT)


def test_rule_ku_cert_sign_on_leaf() -> None:
    signer = LAB.server(INTERMEDIATE, ["s.example.com"],
                        extra_extensions=[key_usage(digital_signature=True, key_cert_sign=True)])  # fmt: skip
    assert detect_role(signer.certificate)[0] == "server"  # basicConstraints CA:FALSE wins
    fires("ku-cert-sign-on-leaf", signer)
    quiet("ku-cert-sign-on-leaf", SERVER)


def test_rule_ca_no_basic_constraints() -> None:
    missing = LAB.intermediate_ca(ROOT, "No BC CA", omit=[x509.BasicConstraints])
    assert "no basicConstraints" in fires("ca-no-basic-constraints", missing).message
    not_ca = LAB.intermediate_ca(ROOT, "False CA",
                                 extra_extensions=[(x509.BasicConstraints(ca=False, path_length=None), True)])  # fmt: skip
    assert "CA:FALSE" in fires("ca-no-basic-constraints", not_ca, role="ca").message
    old_root = resign(ROOT, version_1=True)  # no extensions at all: the role must be given
    assert old_root.version == x509.Version.v1 and detect_role(old_root)[0] == "server"
    assert (
        "a version 1 certificate" in fires("ca-no-basic-constraints", old_root, role="ca").message
    )
    quiet("ca-no-basic-constraints", ROOT)
    quiet("ca-no-basic-constraints", INTERMEDIATE)


def test_rule_ca_no_key_cert_sign() -> None:
    crl_only = LAB.intermediate_ca(
        ROOT, "CRL CA", extra_extensions=[key_usage(digital_signature=True, crl_sign=True)]
    )
    assert "lacks keyCertSign" in fires("ca-no-key-cert-sign", crl_only).message
    no_ku = LAB.intermediate_ca(ROOT, "No KU CA", omit=[x509.KeyUsage])
    assert "no keyUsage" in fires("ca-no-key-cert-sign", no_ku).message
    quiet("ca-no-key-cert-sign", ROOT)
    quiet("ca-no-key-cert-sign", INTERMEDIATE)


def test_rule_ca_basic_constraints_not_critical() -> None:
    soft = LAB.intermediate_ca(
        ROOT, "Soft CA", extra_extensions=[(x509.BasicConstraints(ca=True, path_length=0), False)]
    )
    fires("ca-basic-constraints-not-critical", soft)
    assert not verifies(LAB.server(soft, ["s.example.com"]), soft)  # cryptography refuses it
    assert verifies(SERVER, INTERMEDIATE)
    quiet("ca-basic-constraints-not-critical", ROOT)
    quiet("ca-basic-constraints-not-critical", INTERMEDIATE)


def test_rule_server_validity_over_398_days() -> None:
    long = LAB.server(INTERMEDIATE, ["long.example.com"], days=825)
    assert "valid for 826 days" in fires("server-validity-over-398-days", long).message
    # RFC 5280 counts notBefore through notAfter inclusive: notAfter = notBefore + 398 days is
    # 398 days and one second, one second too long (zlint and Apple count the same way).
    fires("server-validity-over-398-days", LAB.server(INTERMEDIATE, ["edge.example.com"], days=398))
    quiet("server-validity-over-398-days", LAB.server(INTERMEDIATE, ["ok.example.com"], days=397))
    quiet("server-validity-over-398-days", SERVER)
    quiet("server-validity-over-398-days", ROOT)  # CAs may live longer


def test_rule_expired() -> None:
    old = LAB.server(INTERMEDIATE, ["old.example.com"], start=-dt.timedelta(days=100), days=90)
    finding = fires("expired", old)
    assert finding.message.startswith("expired 10 days ago, at 2025-12-22T00:00:00Z")
    assert "expiring-soon" not in rules_fired(old)
    fires("expired", SERVER, at=LAB.now + dt.timedelta(days=91))
    quiet("expired", SERVER)
    quiet("expired", SERVER, at=SERVER.certificate.not_valid_after_utc)  # the last valid second


def test_rule_not_yet_valid() -> None:
    future = LAB.server(INTERMEDIATE, ["new.example.com"], start=dt.timedelta(days=2))
    assert "valid only from 2026-01-03T00:00:00Z" in fires("not-yet-valid", future).message
    fires("not-yet-valid", SERVER, at=LAB.now - dt.timedelta(seconds=1))
    quiet("not-yet-valid", SERVER)
    quiet("not-yet-valid", SERVER, at=LAB.now)  # the first valid second


def test_rule_expiring_soon() -> None:
    soon = LAB.server(INTERMEDIATE, ["soon.example.com"], days=20)
    finding = fires("expiring-soon", soon)
    assert finding.severity == "warning" and "warning window: 30 days" in finding.message
    quiet("expiring-soon", soon, expiring_days=10)
    fires("expiring-soon", SERVER, at=LAB.now + dt.timedelta(days=80), expiring_days=10)
    quiet("expiring-soon", SERVER)  # 90 days


def test_rule_rsa_key_too_small() -> None:
    small = rsa.generate_private_key(public_exponent=65537, key_size=1024).public_key()
    weak = rebuild(SERVER, public_key=small)
    assert "1024 bits" in fires("rsa-key-too-small", weak).message
    quiet("rsa-key-too-small", RSA_SERVER)
    quiet("rsa-key-too-small", SERVER)


def test_rule_weak_signature_hash() -> None:
    # cryptography refuses to sign certificates with SHA-1 or MD5; resign() does it by hand.
    sha1 = resign(RSA_SERVER, rsa_signature=(SHA1_WITH_RSA, hashes.SHA1()))
    assert (
        sha1.signature_hash_algorithm is not None and sha1.signature_hash_algorithm.name == "sha1"
    )
    assert "sha1WithRSAEncryption (SHA-1)" in fires("weak-signature-hash", sha1).message
    md5 = resign(RSA_SERVER, rsa_signature=(MD5_WITH_RSA, hashes.MD5()))
    assert "md5WithRSAEncryption (MD5)" in fires("weak-signature-hash", md5).message
    assert rules_fired(sha1) == ["weak-signature-hash"]
    quiet("weak-signature-hash", RSA_SERVER)
    quiet("weak-signature-hash", SERVER)


def test_rule_serial_not_positive() -> None:
    # cryptography refuses to build these serials (and warns when it loads them); resign()
    # re-encodes the TBS with the serial and signs it with the issuer's key.
    zero = resign(SERVER, serial=0)
    negative = resign(SERVER, serial=-4242)
    assert "is zero" in fires("serial-not-positive", zero).message
    assert "negative (-4242)" in fires("serial-not-positive", negative).message
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # linting reads the serial without tripping the warning
        assert rules_fired(negative) == ["serial-not-positive"]
        assert rules_fired(zero) == ["serial-not-positive"]
    quiet("serial-not-positive", SERVER)


def test_rule_serial_too_long() -> None:
    too_long = resign(SERVER, serial=2**159)  # 160 bits + a sign octet = 21 octets
    assert "21 octets" in fires("serial-too-long", too_long).message
    quiet("serial-too-long", resign(SERVER, serial=2**159 - 1))  # exactly 20 octets
    quiet("serial-too-long", SERVER)


def test_rule_serial_low_entropy() -> None:
    sequential = rebuild(SERVER, serial=7)  # the way a CA that counts 1, 2, 3 numbers them
    finding = fires("serial-low-entropy", sequential)
    assert finding.severity == "info" and "0x7 has 3 bits" in finding.message
    quiet("serial-low-entropy", rebuild(SERVER, serial=2**63))  # 64 bits
    quiet("serial-low-entropy", SERVER)
    quiet("serial-low-entropy", resign(SERVER, serial=0))  # serial-not-positive's business


# Certificates whose parts do not decode, or that name what nobody knows: lab certificates
# whose DER was changed (tests/bad_inputs.py). Their signatures no longer verify, which no rule
# below is about; each rule still fires alone, or with the one rule a broken part implies.


def test_rule_extensions_not_v3() -> None:
    v1 = bad_inputs.v1_with_extensions_certificate()
    assert v1.version == x509.Version.v1 and len(v1.extensions) > 0  # cryptography reads both
    finding = fires("extensions-not-v3", v1)
    assert finding.message == (
        "a version 1 certificate with extensions, which only version 3 may carry"
    )
    assert rules_fired(v1) == ["extensions-not-v3"]
    quiet("extensions-not-v3", resign(SERVER, version_1=True))  # version 1 without extensions
    quiet("extensions-not-v3", SERVER)


def test_rule_duplicate_extension() -> None:
    duplicated = bad_inputs.duplicate_extension_certificate()
    with pytest.raises(x509.DuplicateExtension):
        _ = duplicated.extensions
    finding = fires("duplicate-extension", duplicated)
    assert "the extension 1.2.3.4.5 appears more than once" in finding.message
    assert rules_fired(duplicated) == ["duplicate-extension"]  # the other checks need extensions
    quiet("duplicate-extension", SERVER)


def test_rule_extension_malformed() -> None:
    broken = bad_inputs.bad_extension_certificate()
    finding = fires("extension-malformed", broken)
    assert finding.message == ("the extensions do not decode (an unexpected tag)")
    deep = bad_inputs.deep_extension_certificate(known=True)  # a SAN 5000 SEQUENCEs deep
    assert "the extensions do not decode" in fires("extension-malformed", deep).message
    quiet("extension-malformed", bad_inputs.duplicate_extension_certificate())
    quiet("extension-malformed", SERVER)


def test_rule_unknown_critical_extension() -> None:
    critical = bad_inputs.unknown_critical_extension_certificate()
    finding = fires("unknown-critical-extension", critical)
    assert finding.message == (
        "critical extension 1.2.3.4.8 is unknown: a verifier must reject the certificate"
    )
    assert rules_fired(critical) == ["unknown-critical-extension"]
    deep = bad_inputs.deep_extension_certificate(critical=True)
    assert "1.2.3.4.9 is unknown" in fires("unknown-critical-extension", deep).message
    quiet("unknown-critical-extension", bad_inputs.deep_extension_certificate())  # not critical
    quiet("unknown-critical-extension", SERVER)


def test_rule_name_malformed() -> None:
    unreadable = bad_inputs.bad_subject_certificate()
    finding = fires("name-malformed", unreadable)
    assert finding.message.startswith("the subject name does not decode (an invalid value in ")
    assert rules_fired(unreadable) == ["name-malformed"]
    assert lint_report(unreadable, at=AT).subject == "(subject does not decode)"
    quiet("name-malformed", SERVER)


def test_rule_unknown_key_algorithm() -> None:
    odd = bad_inputs.unknown_key_certificate()
    finding = fires("unknown-key-algorithm", odd)
    assert finding.message == (
        "the public key's algorithm 1.2.840.10045.2.9 is unknown: no peer can use the key"
    )
    assert rules_fired(odd) == ["unknown-key-algorithm"]
    quiet("unknown-key-algorithm", SERVER)
    quiet("unknown-key-algorithm", RSA_SERVER)


def test_rule_unknown_signature_algorithm() -> None:
    odd = bad_inputs.unknown_signature_certificate()
    finding = fires("unknown-signature-algorithm", odd)
    assert finding.message == (
        "signed with 1.2.840.10045.4.3.9, an algorithm no verifier here knows"
    )
    assert rules_fired(odd) == ["unknown-signature-algorithm"]
    quiet("unknown-signature-algorithm", SERVER)
    quiet("unknown-signature-algorithm", RSA_SERVER)
    quiet("unknown-signature-algorithm", Lab(seed="lint-ed").pki(key_type="ed25519").server)


def test_rule_signature_algorithm_mismatch() -> None:
    mismatch = bad_inputs.signature_mismatch_certificate()
    finding = fires("signature-algorithm-mismatch", mismatch)
    assert finding.message == (
        "the signed part names ecdsa-with-SHA384 (1.2.840.10045.4.3.3), the signature "
        "ecdsa-with-SHA256 (1.2.840.10045.4.3.2): they must be the same"
    )
    assert rules_fired(mismatch) == ["signature-algorithm-mismatch"]
    both = bad_inputs.unknown_signature_certificate()  # changed in both places: they agree
    quiet("signature-algorithm-mismatch", both)
    quiet("signature-algorithm-mismatch", SERVER)
    quiet("signature-algorithm-mismatch", RSA_SERVER)


# -- rendering and the command -------------------------------------------------------------------


def test_reports_to_text_and_to_dict() -> None:
    cn_only = LAB.server(INTERMEDIATE, ["cn.example.com"], omit=[x509.SubjectAlternativeName])
    reports = Reports(
        (
            lint_report(cn_only.certificate, at=AT, source="cn.pem"),
            lint_report(CLIENT.certificate, at=AT, source="client.pem"),
        )
    )
    text = reports.to_text()
    assert (
        text.splitlines()[0]
        == "cn.pem: CN=cn.example.com (checked as server, from extendedKeyUsage serverAuth)"
    )
    assert "  error   server-no-san: no subjectAltName extension" in text
    assert (
        "client.pem: CN=lint client (checked as client, from extendedKeyUsage clientAuth)\n  ok: no findings"
        in text
    )
    assert text.endswith(
        "2 certificates: 1 error, 0 warnings, 0 info, checked at 2026-01-01T01:00:00Z"
    )
    assert reports.count("error") == 1
    assert Reports(()).to_text() == "0 certificates: 0 errors, 0 warnings, 0 info"
    document = json.loads(json.dumps(reports.to_dict()))
    assert document["summary"] == {"certificates": 2, "error": 1, "warning": 0, "info": 0}
    first = document["certificates"][0]
    assert first["role"] == "server" and first["at"] == "2026-01-01T01:00:00Z"
    assert first["findings"][0]["rule"] == "server-no-san"
    assert set(first["findings"][0]) == {"rule", "severity", "title", "message", "fix"}


def certkit(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CERTKIT, *args], cwd=cwd, capture_output=True, text=True, check=False)


def write(path: Path, *certs: x509.Certificate | Issued) -> str:
    pem = b"".join(
        (c.certificate if isinstance(c, Issued) else c).public_bytes(serialization.Encoding.PEM)
        for c in certs
    )
    path.write_bytes(pem)
    return path.name


def test_cli_clean_and_failing(tmp_path: Path) -> None:
    at = ["--at", "2026-01-01T01:00:00Z"]
    write(tmp_path / "chain.pem", SERVER, INTERMEDIATE)
    result = certkit("lint", "chain.pem", *at, cwd=tmp_path)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout == (
        "chain.pem#1: CN=www.example.com (checked as server, from extendedKeyUsage serverAuth)\n"
        "  ok: no findings\n"
        "chain.pem#2: CN=Lint Intermediate CA (checked as ca, from basicConstraints CA:TRUE)\n"
        "  ok: no findings\n"
        "2 certificates: 0 errors, 0 warnings, 0 info, checked at 2026-01-01T01:00:00Z\n"
    )
    cn_only = LAB.server(INTERMEDIATE, ["cn.example.com"], omit=[x509.SubjectAlternativeName])
    der = tmp_path / "cn.der"
    der.write_bytes(cn_only.der)
    result = certkit("lint", "cn.der", "chain.pem", *at, "--json", cwd=tmp_path)
    assert result.returncode == 1, result.stderr
    document = json.loads(result.stdout)
    assert [c["source"] for c in document["certificates"]] == [
        "cn.der",
        "chain.pem#1",
        "chain.pem#2",
    ]
    assert document["certificates"][0]["findings"][0]["rule"] == "server-no-san"


def test_cli_warnings_do_not_fail_and_options_apply(tmp_path: Path) -> None:
    write(tmp_path / "server.pem", SERVER)
    late = ["--at", "2026-03-10T00:00:00"]  # no zone: UTC; 22 days before notAfter
    result = certkit("lint", "server.pem", *late, cwd=tmp_path)
    assert result.returncode == 0 and "  warning expiring-soon: expires in 22 days" in result.stdout
    result = certkit("lint", "server.pem", *late, "--expiring-days", "7", cwd=tmp_path)
    assert result.returncode == 0 and "ok: no findings" in result.stdout
    result = certkit("lint", "server.pem", *late, "--role", "ca", cwd=tmp_path)
    assert result.returncode == 1 and "(checked as ca, given)" in result.stdout
    result = certkit("lint", "server.pem", "--at", "2027-01-01T00:00:00Z", cwd=tmp_path)
    assert result.returncode == 1 and "  error   expired: expired" in result.stdout


def test_cli_negative_serial_is_a_finding_not_a_warning(tmp_path: Path) -> None:
    write(tmp_path / "negative.pem", resign(SERVER, serial=-1))
    result = certkit("lint", "negative.pem", "--at", "2026-01-01T01:00:00Z", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr == ""  # cryptography's deprecation warning is not shown
    assert "  error   serial-not-positive: the serial number is negative (-1)" in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["missing.pem"], "missing.pem: no such file"),
        (["key.pem"], "key.pem: block 1 is a private key, not a certificate"),
        (["server.pem", "--at", "yesterday"], "--at 'yesterday': give an ISO 8601 time"),
        (["server.pem", "--expiring-days", "-3"], "--expiring-days -3: give 0 or more"),
        (["server.pem", "--expiring-days", "soon"], "--expiring-days soon: give 0 or more days"),
        (["server.pem", "--role", "web"], "argument --role: invalid choice: 'web'"),
        ([], "the following arguments are required: FILE"),
    ],
)
def test_cli_bad_input(tmp_path: Path, args: list[str], fragment: str) -> None:
    write(tmp_path / "server.pem", SERVER)
    (tmp_path / "key.pem").write_text(SERVER.key_pem())
    result = certkit("lint", *args, cwd=tmp_path)
    assert result.returncode == 2 and result.stdout == ""
    assert result.stderr.startswith("certkit: error: ") and result.stderr.count("\n") == 1, (
        result.stderr
    )
    assert fragment in result.stderr and "Traceback" not in result.stderr
