"""Damaged and unusual inputs shared by the certificate and CLI tests.

BAD_INPUTS is the table that tests/certificates/test_load.py runs through the library and
tests/cli/test_inspect_cli.py through the real ``certkit inspect`` command.
"""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.x509.oid import ExtensionOID

from certkit import Lab
from certkit.certificates.derwalk import children, read_tlv

LAB = Lab(seed="load")
PKI = LAB.pki()
ROOT, INTERMEDIATE, SERVER, CLIENT = PKI.root, PKI.intermediate, PKI.server, PKI.client
AT = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)


def key_pem(issued: object, password: str | None = None) -> bytes:
    return issued.key_pem(password).encode()  # type: ignore[attr-defined]


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)


def der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


# -- certificates whose fields fail only when read -------------------------------------------


def bad_extension_certificate() -> x509.Certificate:
    """basicConstraints whose value is not DER: the certificate loads, .extensions fails."""
    return LAB.server(
        INTERMEDIATE,
        ["bad-extension.example.com"],
        extra_extensions=[
            (x509.UnrecognizedExtension(ExtensionOID.BASIC_CONSTRAINTS, b"\x01\x02junk"), True)
        ],
        omit=[x509.BasicConstraints],
    ).certificate


def bad_subject_certificate() -> x509.Certificate:
    """A subject CN that is not valid UTF-8: the certificate loads, .subject fails."""
    good = LAB.server(INTERMEDIATE, ["zzzzhost.example.com"], omit=[x509.SubjectAlternativeName])
    return x509.load_der_x509_certificate(good.der.replace(b"zzzzhost", b"\xff\xfe\xff\xfezzzz"))


def unknown_key_certificate() -> x509.Certificate:
    """A public key algorithm nobody knows (id-ecPublicKey with its last arc changed)."""
    good = LAB.server(INTERMEDIATE, ["odd-key.example.com"])
    ec_public_key = bytes.fromhex("06072a8648ce3d0201")
    assert good.der.count(ec_public_key) == 1
    return x509.load_der_x509_certificate(
        good.der.replace(ec_public_key, bytes.fromhex("06072a8648ce3d0209"))
    )


def duplicate_extension_certificate() -> x509.Certificate:
    """Two extensions with one OID: each reads on its own, the set does not (RFC 5280 4.2)."""
    made = LAB.server(
        INTERMEDIATE,
        ["dup.example.com"],
        extra_extensions=[
            (x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4.5"), b"\x05\x00"), False),
            (x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4.6"), b"\x05\x00"), False),
        ],
    )
    assert made.der.count(bytes.fromhex("06042a030406")) == 1
    return x509.load_der_x509_certificate(
        made.der.replace(bytes.fromhex("06042a030406"), bytes.fromhex("06042a030405"))
    )


# -- hostile certificates: made by taking a lab certificate's DER apart and changing it ------


def tlv(tag: int, content: bytes) -> bytes:
    """One DER TLV (definite length)."""
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def parts(data: bytes) -> list[bytes]:
    """The TLVs inside one constructed TLV, each whole."""
    _, header, length = read_tlv(data)
    return [data[c.offset : c.end] for c in children(data, header, header + length)]


def with_tbs(certificate_der: bytes, change: Callable[[list[bytes]], list[bytes]]) -> bytes:
    """A certificate whose TBSCertificate fields went through ``change`` (not signed again)."""
    tbs, algorithm, signature = parts(certificate_der)
    return tlv(0x30, tlv(0x30, b"".join(change(parts(tbs)))) + algorithm + signature)


def nested_sequences(depth: int) -> bytes:
    """``depth`` SEQUENCEs, each holding the next: valid DER, absurdly deep."""
    data = b""
    for _ in range(depth):
        data = tlv(0x30, data)
    return data


def _lab_der(name: str, **kwargs: Any) -> bytes:
    return LAB.server(INTERMEDIATE, [name], **kwargs).der


def version_der(value: int) -> bytes:
    """A certificate whose version field holds ``value`` (2 is v3; 5 is no version at all)."""
    good = _lab_der("version.example.com")
    assert good.count(bytes.fromhex("a003020102")) == 1
    return good.replace(bytes.fromhex("a003020102"), bytes.fromhex("a0030201") + bytes([value]))


def v1_with_extensions_certificate() -> x509.Certificate:
    """No version field (version 1), yet the extensions are still there (RFC 5280 4.1.2.9)."""
    good = _lab_der("v1.example.com")
    return x509.load_der_x509_certificate(with_tbs(good, lambda fields: fields[1:]))


def serial_der(value: int) -> bytes:
    """A certificate with serial number ``value`` (zero and negative ones make warnings)."""
    octets = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big", signed=True)

    def change(fields: list[bytes]) -> list[bytes]:
        return [fields[0], tlv(0x02, octets), *fields[2:]]

    return with_tbs(_lab_der("serial.example.com"), change)


def ber_indefinite_der(*, inner: bool = False) -> bytes:
    """The lab certificate in BER: the outer SEQUENCE (or the TBSCertificate) of indefinite length."""
    good = _lab_der("ber.example.com")
    tbs, algorithm, signature = parts(good)
    if inner:
        indefinite = b"\x30\x80" + b"".join(parts(tbs)) + b"\x00\x00"
        return tlv(0x30, indefinite + algorithm + signature)
    return b"\x30\x80" + tbs + algorithm + signature + b"\x00\x00"


ECDSA_WITH_SHA256 = bytes.fromhex("06082a8648ce3d040302")
ECDSA_WITH_SHA384 = bytes.fromhex("06082a8648ce3d040303")
UNKNOWN_SIGNATURE = bytes.fromhex("06082a8648ce3d040309")  # 1.2.840.10045.4.3.9: no such thing


def unknown_signature_certificate() -> x509.Certificate:
    """Signed, says both of its algorithm fields, with an algorithm nobody knows."""
    good = _lab_der("odd-signature.example.com")
    assert good.count(ECDSA_WITH_SHA256) == 2  # tbsCertificate.signature, signatureAlgorithm
    return x509.load_der_x509_certificate(good.replace(ECDSA_WITH_SHA256, UNKNOWN_SIGNATURE))


def signature_mismatch_certificate() -> x509.Certificate:
    """tbsCertificate.signature says SHA-384, the outer signatureAlgorithm SHA-256."""
    good = _lab_der("mismatch.example.com")
    assert good.count(ECDSA_WITH_SHA256) == 2
    return x509.load_der_x509_certificate(good.replace(ECDSA_WITH_SHA256, ECDSA_WITH_SHA384, 1))


def unknown_critical_extension_certificate() -> x509.Certificate:
    """An extension nobody knows (OID 1.2.3.4.8), marked critical."""
    odd = x509.UnrecognizedExtension(x509.ObjectIdentifier("1.2.3.4.8"), b"\x05\x00")
    return LAB.server(
        INTERMEDIATE, ["critical.example.com"], extra_extensions=[(odd, True)]
    ).certificate


def deep_extension_certificate(*, critical: bool = False, known: bool = False) -> x509.Certificate:
    """An extension whose value is 5000 nested SEQUENCEs: an unknown one, or subjectAltName."""
    oid = x509.ObjectIdentifier("2.5.29.17" if known else "1.2.3.4.9")
    deep = x509.UnrecognizedExtension(oid, nested_sequences(5000))
    omit = [x509.SubjectAlternativeName] if known else []
    name = f"deep-{'san' if known else 'critical' if critical else 'plain'}.example.com"
    return LAB.server(
        INTERMEDIATE, [name], extra_extensions=[(deep, critical)], omit=omit
    ).certificate


# -- the table of bad inputs -----------------------------------------------------------------


@dataclass
class Case:
    """A bad input: the files to write, the first is the argument; the message expected."""

    files: dict[str, bytes]
    message: str
    password: str | None = None
    key: str | None = None
    # What is still described on standard output (a fragment), when something is.
    described: str | None = None
    extra_args: list[str] = field(default_factory=list)


def pem_block(der: bytes) -> bytes:
    body = base64.encodebytes(der)
    return b"-----BEGIN CERTIFICATE-----\n" + body + b"-----END CERTIFICATE-----\n"


def _bad_inputs() -> dict[str, Case]:
    server_pem = pem(SERVER.certificate)
    server_der = der(SERVER.certificate)
    lines = server_pem.splitlines(keepends=True)
    corrupt = b"".join(lines[:3]) + b"!!" + b"".join(lines[3:])
    crl = LAB.crl(INTERMEDIATE, [CLIENT])
    public = SERVER.certificate.public_key()
    csr = LAB.request("csr.example.com")
    p12 = SERVER.pkcs12("changeit", alias="server")
    random_bytes = b"\x00" + LAB.bytes("random", 511)
    openssl_text = (
        b"Certificate:\n    Data:\n        Version: 3 (0x2)\n        Serial Number:\n"
        b"            2b:28:5f\n    Signature Algorithm: ecdsa-with-SHA256\n"
    )
    return {
        "empty file": Case({"empty.pem": b""}, "the file is empty"),
        "only blank lines": Case({"blank.pem": b"\n \r\n\t\n"}, "the file is empty"),
        "private key (PEM)": Case(
            {"key.pem": key_pem(SERVER)}, "block 1 is a private key, not a certificate"
        ),
        "encrypted private key (PEM)": Case(
            {"key.pem": key_pem(SERVER, "secret")},
            "block 1 is an encrypted private key, not a certificate",
        ),
        "private key (DER)": Case(
            {
                "key.der": SERVER.private_key.private_bytes(  # type: ignore[union-attr]
                    serialization.Encoding.DER,
                    serialization.PrivateFormat.PKCS8,
                    serialization.NoEncryption(),
                )
            },
            "this DER file is a private key, not a certificate",
        ),
        "CRL (PEM)": Case(
            {"ca.crl": crl.public_bytes(serialization.Encoding.PEM)},
            "block 1 is a certificate revocation list (CRL), not a certificate",
        ),
        "CRL (DER)": Case(
            {"ca.crl": crl.public_bytes(serialization.Encoding.DER)},
            "this DER file is a certificate revocation list (CRL), not a certificate",
        ),
        "public key (PEM)": Case(
            {
                "pub.pem": public.public_bytes(
                    serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            },
            "block 1 is a public key, not a certificate",
        ),
        "public key (DER)": Case(
            {
                "pub.der": public.public_bytes(
                    serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
                )
            },
            "this DER file is a public key, not a certificate",
        ),
        "bundle with one corrupt block": Case(
            {"bundle.pem": pem(ROOT.certificate) + corrupt + pem(INTERMEDIATE.certificate)},
            "certificate block 2 does not decode: bad base64 (a '!' on line 3 of the block)",
            described="CN=certkit Lab Intermediate CA",
        ),
        "bundle with a block cut short": Case(
            {"bundle.pem": pem(ROOT.certificate) + b"".join(lines[:5])},
            "block 2 (CERTIFICATE) has no -----END CERTIFICATE----- line",
            described="CN=certkit Lab Root CA",
        ),
        "PEM block with a line missing": Case(
            {"missing.pem": b"".join(lines[:4] + lines[5:])},
            "certificate block 1 is truncated (415 bytes; the base64 is fine): a line of the block is missing",
        ),
        "PEM block with bad padding": Case(
            {
                "padding.pem": server_pem.replace(b"=\n-----END", b"\n-----END").replace(
                    b"-----END", b"A-----END"
                )
            },
            "does not decode",
        ),
        "bad base64": Case(
            {"bad.pem": b"-----BEGIN CERTIFICATE-----\n!!!notbase64\n-----END CERTIFICATE-----\n"},
            "certificate block 1 does not decode: bad base64",
        ),
        "truncated DER": Case(
            {"server.der": server_der[:-20]}, "looks like DER but does not decode: it is truncated"
        ),
        "trailing garbage after DER": Case(
            {"server.der": server_der + b"garbage!"},
            "8 bytes of trailing garbage follow the DER's end at byte 463; cut the file to 463 bytes",
        ),
        "zero padding after DER (RECFM=FB)": Case(
            {"server.der": server_der + b"\x00" * (80 - len(server_der) % 80)},
            "17 zero bytes follow the DER's end at byte 463 (RECFM=FB padding)",
        ),
        "DER that is no certificate inside": Case(
            {"server.der": server_der.replace(b"\x02\x10", b"\x04\x10", 1)},
            "DER that does not decode as a certificate",
        ),
        "random bytes": Case({"random.bin": random_bytes}, "no PEM block and not DER"),
        "text without PEM": Case(
            {"notes.txt": b"Please find the certificate attached.\n"},
            "text without a -----BEGIN CERTIFICATE----- line",
        ),
        "openssl -text output alone": Case(
            {"text.txt": openssl_text}, "openssl x509 -text output without the certificate"
        ),
        "CERTIFICATE block holding a CSR": Case(
            {"mislabelled.pem": csr.pem.replace("CERTIFICATE REQUEST", "CERTIFICATE").encode()},
            "block 1 is labelled CERTIFICATE but holds a certificate signing request",
        ),
        "a malformed extension (read lazily)": Case(
            {"bad-ext.pem": pem(bad_extension_certificate())},
            "certificate 1: cannot read extension 6 (basicConstraints)",
            described="subjectAltName (2.5.29.17), not critical: DNS:bad-extension.example.com",
        ),
        "a subject that is not UTF-8 (read lazily)": Case(
            {"bad-subject.pem": pem(bad_subject_certificate())},
            "certificate 1: cannot read subject",
            described="CN=<unreadable:",
        ),
        "an unknown public key algorithm (read lazily)": Case(
            {"odd-key.pem": pem(unknown_key_certificate())},
            "certificate 1: cannot read public key",
            described="Public key           (cannot be read)",
        ),
        "a duplicate extension (read lazily)": Case(
            {"dup.pem": pem(duplicate_extension_certificate())},
            "certificate 1: cannot read extensions: Duplicate",
            described="subjectAltName (2.5.29.17), not critical: DNS:dup.example.com",
        ),
        "BER indefinite length (DER file)": Case(
            {"ber.der": ber_indefinite_der()},
            "a BER indefinite length (at byte 0) is not DER; re-encode it as DER: "
            "openssl x509 -in FILE -outform DER",
        ),
        "BER indefinite length inside (DER file)": Case(
            {"ber-inner.der": ber_indefinite_der(inner=True)},
            "a BER indefinite length (at byte 4) is not DER; re-encode it as DER",
        ),
        "BER indefinite length (PEM block)": Case(
            {"ber.pem": pem_block(ber_indefinite_der())},
            "certificate block 1: a BER indefinite length (at byte 0) is not DER",
        ),
        "5000 nested SEQUENCEs (DER file)": Case(
            {"deep.der": nested_sequences(5000)},
            "ASN.1 nested 5000 levels deep (a certificate: about 10) is no certificate; "
            "give the certificate file",
        ),
        "5000 nested SEQUENCEs (PEM block)": Case(
            {"deep.pem": pem_block(nested_sequences(5000))},
            "certificate block 1: ASN.1 nested 5000 levels deep",
        ),
        "version field 5": Case(
            {"v6.der": version_der(5)},
            "has version field 5, which X.509 does not define (0 to 2: v1 to v3); "
            "ask the issuer for a well-formed certificate",
        ),
        "version 2 (which cryptography does not read)": Case(
            {"v2.pem": pem_block(version_der(1))},
            "certificate block 1: is a version 2 certificate, which cryptography does not read",
        ),
        "a file name with a line break and an escape sequence": Case(
            {"evil\nname\x1b[2J.pem": b""}, "the file is empty"
        ),
        "PKCS#12 without a password": Case(
            {"server.p12": p12}, "a PKCS #12 file needs its password; give it with --password-file"
        ),
        "PKCS#12 with a wrong password": Case(
            {"server.p12": p12}, "the PKCS #12 password is wrong", password="wrong"
        ),
        "PKCS#12 truncated": Case(
            {"server.p12": p12[:-40]}, "looks like DER but does not decode: it is truncated"
        ),
        "combined PEM with a key of another certificate": Case(
            {"combined.pem": server_pem + key_pem(CLIENT)},
            "the private key in block 2 does not belong to the certificate CN=localhost",
            described="belongs to NO certificate here",
        ),
        "--key that does not match": Case(
            {"server.pem": server_pem, "client-key.pem": key_pem(CLIENT)},
            "client-key.pem: the private key does not belong to the certificate CN=localhost",
            key="client-key.pem",
            described="CN=localhost",
        ),
        "--key that is encrypted, no password": Case(
            {"server.pem": server_pem, "enc-key.pem": key_pem(SERVER, "secret")},
            "block 1 is an encrypted private key and no password was given",
            key="enc-key.pem",
            described="CN=localhost",
        ),
        "--key with a wrong password": Case(
            {"server.pem": server_pem, "enc-key.pem": key_pem(SERVER, "secret")},
            "the private key's password is wrong",
            key="enc-key.pem",
            password="wrong",
            described="CN=localhost",
        ),
        "--key that is a certificate": Case(
            {"server.pem": server_pem, "root.pem": pem(ROOT.certificate)},
            "root.pem: block 1 is a certificate, not a private key; give the key file",
            key="root.pem",
            described="CN=localhost",
        ),
        "a directory": Case({"dir/x.pem": server_pem}, "is a directory", extra_args=["DIR"]),
        "a missing file": Case({}, "no such file", extra_args=["MISSING"]),
    }


BAD_INPUTS = _bad_inputs()


def write_case(case: Case, tmp_path: Path) -> tuple[Path, Path | None]:
    for name, data in case.files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    if case.extra_args == ["DIR"]:
        target = tmp_path / "dir"
    elif case.extra_args == ["MISSING"]:
        target = tmp_path / "missing.pem"
    else:
        target = tmp_path / next(iter(case.files))
    return target, (tmp_path / case.key if case.key else None)
