"""Read certificates from files, with one-line errors for everything that is not one.

Readers paste certificates from mainframe datasets, browsers and e-mails, so the loader accepts
PEM (one or many blocks, with or without text around them) and DER, and says plainly what a file
is when it is not a certificate.
"""

from __future__ import annotations

import re
from pathlib import Path

from cryptography import x509

from certkit.errors import InputError

__all__ = ["MAX_FILE_BYTES", "load_certificates", "read_certificate_file"]

MAX_FILE_BYTES = 16 * 1024 * 1024
"""Files larger than this (16 MiB) are refused before any parsing."""

_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----\s*(.*?)-----END \1-----", re.DOTALL)
_NOT_A_CERTIFICATE = {
    b"PRIVATE KEY": "a private key",
    b"RSA PRIVATE KEY": "a private key",
    b"EC PRIVATE KEY": "a private key",
    b"ENCRYPTED PRIVATE KEY": "an encrypted private key",
    b"PUBLIC KEY": "a public key",
    b"CERTIFICATE REQUEST": "a certificate signing request (CSR)",
    b"NEW CERTIFICATE REQUEST": "a certificate signing request (CSR)",
    b"X509 CRL": "a certificate revocation list (CRL)",
}


def load_certificates(data: bytes, source: str = "input") -> list[x509.Certificate]:
    """Load every certificate in PEM or DER bytes.

    Args:
        data: The bytes of a PEM file (any number of CERTIFICATE blocks) or of one DER
            certificate.
        source: A name for the data, used in error messages.

    Returns:
        The certificates, in file order.

    Raises:
        InputError: If the data is empty, holds something other than certificates,
            or a block does not decode.
    """
    if not data.strip():
        raise InputError(f"{source}: the file is empty; give a PEM or DER certificate")
    blocks = list(_PEM_BLOCK.finditer(data))
    if not blocks:
        if data.lstrip()[:1] == b"\x30":
            try:
                return [x509.load_der_x509_certificate(data)]
            except ValueError as exc:
                raise InputError(
                    f"{source}: looks like DER but does not decode as a certificate ({exc}); "
                    "check that the file was transferred in binary mode"
                ) from None
        raise InputError(
            f"{source}: no PEM block and not DER; give a certificate file "
            "(-----BEGIN CERTIFICATE----- ... or binary DER)"
        )
    certificates = []
    for number, block in enumerate(blocks, start=1):
        kind = block.group(1)
        if kind != b"CERTIFICATE":
            what = _NOT_A_CERTIFICATE.get(kind, f"a {kind.decode()} block")
            raise InputError(f"{source}: block {number} is {what}, not a certificate")
        try:
            certificates.append(x509.load_pem_x509_certificate(block.group(0)))
        except ValueError:
            raise InputError(
                f"{source}: certificate block {number} does not decode (bad base64 or "
                "truncated); copy the block again, from BEGIN to END"
            ) from None
    return certificates


def read_certificate_file(path: str | Path) -> list[x509.Certificate]:
    """Read and load every certificate in a file.

    Args:
        path: The file to read.

    Returns:
        The certificates in the file.

    Raises:
        InputError: If the file cannot be read, is too large, or holds no usable certificate.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise InputError(
                f"{path}: {size} bytes is more than the {MAX_FILE_BYTES // (1024 * 1024)} MiB "
                "a certificate file can be; check that this is the right file"
            )
        data = path.read_bytes()
    except IsADirectoryError:
        raise InputError(f"{path}: is a directory; give a certificate file") from None
    except FileNotFoundError:
        raise InputError(f"{path}: no such file") from None
    except PermissionError:
        raise InputError(f"{path}: permission denied") from None
    return load_certificates(data, str(path))
