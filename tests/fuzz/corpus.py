"""The real inputs the fuzz tests damage: every kind of file certkit reads, and TLS bytes.

Everything comes from a seeded lab (keys, certificates, requests, a CRL) or is built from it
with cryptography (PKCS #7, PKCS #12, private keys in every encoding), so no key material is
committed. PKCS #12 salts and handshake randoms differ from run to run; the mutations applied to
them do not (see budget.py).
"""

from __future__ import annotations

import base64
import datetime as dt

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from certkit import Lab
from certkit.tls.handshake import Options, contexts, lab_pki, run
from certkit.tls.recording import Recording

LAB = Lab(seed="fuzz")
PKI = LAB.pki()
ROOT, INTERMEDIATE, SERVER, CLIENT = PKI.root, PKI.intermediate, PKI.server, PKI.client
RSA_ROOT = LAB.root_ca("Fuzz RSA Root", key_type="rsa-2048", days=365 * 40)  # GeneralizedTime
ED_ROOT = LAB.root_ca("Fuzz Ed25519 Root", key_type="ed25519")
REQUEST = LAB.request("fuzz.example.com", hostnames=["fuzz.example.com", "127.0.0.1"])
CRL = LAB.crl(INTERMEDIATE, [CLIENT])
AT = LAB.now + dt.timedelta(days=1)
"""The moment descriptions, lint and verification judge at (inside every lab certificate)."""
PASSWORD = b"fuzz"
HOST = "localhost"

_PEM = serialization.Encoding.PEM
_DER = serialization.Encoding.DER


def armour(der: bytes, label: str) -> bytes:
    """DER bytes as a PEM block: 64 base64 characters a line."""
    text = base64.b64encode(der).decode("ascii")
    lines = [text[i : i + 64] for i in range(0, len(text), 64)]
    return "\n".join([f"-----BEGIN {label}-----", *lines, f"-----END {label}-----", ""]).encode()


def _key_der(issued: object, fmt: serialization.PrivateFormat, password: bytes | None) -> bytes:
    key = issued.private_key  # type: ignore[attr-defined]
    encryption = (
        serialization.BestAvailableEncryption(password)
        if password
        else serialization.NoEncryption()
    )
    return key.private_bytes(_DER, fmt, encryption)  # type: ignore[no-any-return]


def _pkcs12(password: bytes | None) -> bytes:
    # One round of key derivation: the fuzz tests decrypt thousands of these.
    encryption = (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(1)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(password)
        if password
        else serialization.NoEncryption()
    )
    return pkcs12.serialize_key_and_certificates(
        b"server", SERVER.private_key, SERVER.certificate, [INTERMEDIATE.certificate], encryption
    )


def _certificate_der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(_DER)


CERTIFICATES = {
    "server": SERVER.certificate,
    "client": CLIENT.certificate,
    "intermediate": INTERMEDIATE.certificate,
    "root": ROOT.certificate,
    "rsa root": RSA_ROOT.certificate,
    "ed25519 root": ED_ROOT.certificate,
}

DER_SEEDS: dict[str, bytes] = {
    **{name: _certificate_der(cert) for name, cert in CERTIFICATES.items()},
    "csr": REQUEST.csr.public_bytes(_DER),
    "crl": CRL.public_bytes(_DER),
    "pkcs7": pkcs7.serialize_certificates([SERVER.certificate, INTERMEDIATE.certificate], _DER),
    "pkcs12": _pkcs12(PASSWORD),
    "pkcs12 unencrypted": _pkcs12(None),
    "pkcs8 key": _key_der(SERVER, serialization.PrivateFormat.PKCS8, None),
    "encrypted pkcs8 key": _key_der(SERVER, serialization.PrivateFormat.PKCS8, PASSWORD),
    "sec1 key": _key_der(SERVER, serialization.PrivateFormat.TraditionalOpenSSL, None),
    "rsa key": _key_der(RSA_ROOT, serialization.PrivateFormat.TraditionalOpenSSL, None),
    "ed25519 key": _key_der(ED_ROOT, serialization.PrivateFormat.PKCS8, None),
    "public key": SERVER.certificate.public_key().public_bytes(
        _DER, serialization.PublicFormat.SubjectPublicKeyInfo
    ),
}
"""Every kind of DER file certkit reads (or names when it is not a certificate)."""

PEM_LABELS = {
    "csr": "CERTIFICATE REQUEST",
    "crl": "X509 CRL",
    "pkcs7": "PKCS7",
    "pkcs12": "PKCS12",
    "pkcs12 unencrypted": "PKCS12",
    "pkcs8 key": "PRIVATE KEY",
    "encrypted pkcs8 key": "ENCRYPTED PRIVATE KEY",
    "sec1 key": "EC PRIVATE KEY",
    "rsa key": "RSA PRIVATE KEY",
    "ed25519 key": "PRIVATE KEY",
    "public key": "PUBLIC KEY",
}
"""The PEM label of each DER seed that is not a certificate (those are ``CERTIFICATE``)."""


def pem_label(name: str) -> str:
    """The PEM label of a DER seed."""
    return PEM_LABELS.get(name, "CERTIFICATE")


TRUST_SETTINGS = bytes.fromhex("300c300a06082b06010505070301")  # what openssl -trustout appends

PEM_SEEDS: dict[str, bytes] = {
    **{name: armour(der, pem_label(name)) for name, der in DER_SEEDS.items()},
    "trusted certificate": armour(DER_SEEDS["root"] + TRUST_SETTINGS, "TRUSTED CERTIFICATE"),
    "fullchain": SERVER.fullchain_pem().encode(),
    "combined": SERVER.certificate.public_bytes(_PEM) + SERVER.key_pem().encode(),
    "legacy encrypted key": SERVER.private_key.private_bytes(  # type: ignore[union-attr]
        _PEM,
        serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.BestAvailableEncryption(PASSWORD),
    ),
    "text around": b"Subject: CN=localhost\nIssuer: CN=x\n"
    + SERVER.certificate.public_bytes(_PEM)
    + b"\nBag Attributes\n    friendlyName: server\n",
}
"""Every kind of PEM text certkit reads."""


# -- recorded handshakes ---------------------------------------------------------------------


def _recordings() -> list[Recording]:
    pki = lab_pki(seed="fuzz")
    found = []
    for options in (
        Options(tls="1.3", client_auth="required"),
        Options(tls="1.2", client_auth="required"),
        Options(tls="1.2", cipher="ECDHE-ECDSA-AES128-SHA256", app_data=False),
        Options(tls="1.2", client_auth="required", client_cert=False),  # ends in an alert
        Options(tls="1.2", resume=True),
    ):
        found.append(run(*contexts(pki, options), options))
    return found


RECORDINGS = _recordings()
"""Real handshakes: TLS 1.3 and 1.2 with client certificates, TLS 1.2 with a CBC suite, one
refused for want of a client certificate (it ends in an alert) and one resumed."""

WIRE_SEEDS: dict[str, bytes] = {
    f"{n} {side}": b"".join(r.data for r in rec.records if r.sender == side)
    for n, rec in enumerate(RECORDINGS)
    for side in ("client", "server")
}
"""What each side sent in each recorded handshake: whole records, as on the wire."""

MESSAGE_SEEDS: dict[str, bytes] = {
    f"{n} {m.number} {m.name}": m.data
    for n, rec in enumerate(RECORDINGS)
    for m in rec.messages
    if m.type is not None
}
"""Every handshake message of the recordings, header included (TLS 1.3's decrypted ones too)."""
