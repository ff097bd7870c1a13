"""Read certificates from files, with one-line errors for everything that is not one.

Readers paste certificates from mainframe datasets, browsers and e-mails, so the loader accepts
PEM (one or many blocks, with or without text around them, CRLF line ends, a UTF-8 byte order
mark, even EBCDIC text from a binary transfer), DER, base64 without PEM lines, PKCS #7 bundles
and PKCS #12 key stores, and says plainly what a file is when it is not a certificate.

Three levels:

* [`load_certificates`][certkit.certificates.load.load_certificates] and
  [`read_certificate_file`][certkit.certificates.load.read_certificate_file]: every certificate, or
  an
  [`InputError`][certkit.errors.InputError] at the first problem.
* [`load_bundle`][certkit.certificates.load.load_bundle] and
  [`read_bundle`][certkit.certificates.load.read_bundle]:
  everything usable in a file (certificates, requests, private keys, the contents of a
  PKCS #12 file) plus a [`BlockProblem`][certkit.certificates.load.BlockProblem] for each block
  that is not,
  so `certkit inspect` can describe the good blocks and name the bad one.
* [`read_key_pair`][certkit.certificates.load.read_key_pair]: a certificate and its private key,
  checked to
  belong together.

Every error message is one line that says what is wrong and what to do.
"""

from __future__ import annotations

import base64
import binascii
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, TypeAlias

from cryptography import x509
from cryptography.exceptions import InternalError, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12

from certkit.certificates.derwalk import (
    DerError,
    Tag,
    children,
    detect_kind,
    key_derivation_rounds,
    read_tlv,
)
from certkit.errors import InputError, quote, shown
from certkit.files import name_of, read_file

__all__ = [
    "MAX_KDF_ROUNDS",
    "BlockProblem",
    "Bundle",
    "Item",
    "KeyPair",
    "keys_match",
    "load_bundle",
    "load_certificates",
    "load_private_key",
    "read_bundle",
    "read_certificate_file",
    "read_key_pair",
    "reason",
    "subject_label",
]

MAX_KDF_ROUNDS = 4_000_000
"""The most rounds of password hashing a PKCS #12 file or an encrypted key may ask for.

Real files ask for 2,048 to 600,000; reading a file runs what it asks for, so a file asking
for billions (a few bytes changed) would hang certkit: such a file is refused unread.
"""

ItemKind: TypeAlias = Literal["certificate", "csr", "private key"]
"""What an [`Item`][certkit.certificates.load.Item] holds."""

_PEM_BEGIN = re.compile(rb"-----BEGIN ([A-Z0-9 #]+)-----")
_BASE64_TEXT = re.compile(rb"[A-Za-z0-9+/=\s]+")
_NOT_A_CERTIFICATE = {
    b"PRIVATE KEY": "a private key",
    b"RSA PRIVATE KEY": "a private key",
    b"EC PRIVATE KEY": "a private key",
    b"DSA PRIVATE KEY": "a private key",
    b"OPENSSH PRIVATE KEY": "an OpenSSH private key",
    b"ENCRYPTED PRIVATE KEY": "an encrypted private key",
    b"PUBLIC KEY": "a public key",
    b"RSA PUBLIC KEY": "a public key",
    b"CERTIFICATE REQUEST": "a certificate signing request (CSR)",
    b"NEW CERTIFICATE REQUEST": "a certificate signing request (CSR)",
    b"X509 CRL": "a certificate revocation list (CRL)",
}
_WHAT_TO_DO = {
    "a private key": "give the certificate file (and keep the key to yourself)",
    "an encrypted private key": "give the certificate file (and keep the key to yourself)",
    "an OpenSSH private key": "give an X.509 certificate file; SSH keys are not certificates",
    "a public key": "a certificate is a public key signed by a CA: give the certificate file",
    "a certificate signing request (CSR)": ("send it to the CA and use the certificate it returns"),
    "a certificate revocation list (CRL)": "give a certificate file",
}
_KEY_LABELS = {
    b"PRIVATE KEY",
    b"RSA PRIVATE KEY",
    b"EC PRIVATE KEY",
    b"DSA PRIVATE KEY",
    b"ENCRYPTED PRIVATE KEY",
}
_CERT_LABELS = {b"CERTIFICATE", b"X509 CERTIFICATE", b"TRUSTED CERTIFICATE"}
_CSR_LABELS = {b"CERTIFICATE REQUEST", b"NEW CERTIFICATE REQUEST"}
_PKCS7_LABELS = {b"PKCS7", b"CMS"}

_SEQ = Tag("universal", True, 16)
_INT = Tag("universal", False, 2)
_OID = Tag("universal", False, 6)
_OCTETS = Tag("universal", False, 4)
_BITS = Tag("universal", False, 3)


@dataclass(frozen=True)
class BlockProblem:
    """A block of a file that could not be used.

    Attributes:
        block: The block's number in the file, from 1 (a DER or PKCS #12 file is block 1);
            0 for a problem that concerns the file as a whole.
        message: One line saying what is wrong with the block and what to do, without the
            file name.
    """

    block: int
    message: str


@dataclass(frozen=True)
class Item:
    """One usable object found in a file.

    Attributes:
        block: The PEM block it came from, from 1 (1 for a DER file; for PKCS #7 and PKCS #12
            files, every item has the file's block number).
        kind: ``"certificate"``, ``"csr"`` or ``"private key"``.
        value: The certificate, request or private key.
        alias: The PKCS #12 friendlyName (the alias keytool shows), if any.
    """

    block: int
    kind: ItemKind
    value: x509.Certificate | x509.CertificateSigningRequest | PrivateKeyTypes
    alias: str | None = None


@dataclass(frozen=True)
class Bundle:
    """Everything usable in a file, and what was not.

    Attributes:
        source: The file name (or another name for the data), used in messages.
        encoding: ``"PEM"``, ``"DER"``, ``"base64"`` (DER in base64 without PEM lines),
            ``"PKCS#7"`` or ``"PKCS#12"``.
        items: The certificates, requests and private keys, in file order.
        problems: One entry per block that could not be used, and for a private key that
            does not belong to the certificate before it.
        notes: Things worth knowing that were not a problem (a byte order mark, EBCDIC text,
            DER in a file named ``.pem``).
    """

    source: str
    encoding: str
    items: list[Item] = field(default_factory=list)
    problems: list[BlockProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def certificates(self) -> list[x509.Certificate]:
        """The certificates, in file order."""
        return [i.value for i in self.items if isinstance(i.value, x509.Certificate)]

    @property
    def requests(self) -> list[x509.CertificateSigningRequest]:
        """The certificate signing requests, in file order."""
        return [i.value for i in self.items if isinstance(i.value, x509.CertificateSigningRequest)]

    @property
    def private_keys(self) -> list[PrivateKeyTypes]:
        """The private keys (from PEM blocks or a PKCS #12 file)."""
        return [
            i.value
            for i in self.items
            if not isinstance(i.value, x509.Certificate | x509.CertificateSigningRequest)
        ]

    def error(self) -> InputError:
        """The problems as one [`InputError`][certkit.errors.InputError] (one line)."""
        if not self.problems:
            return InputError(f"{name_of(self.source)}: nothing to report")
        problems = sorted(self.problems, key=lambda p: p.block)
        name = name_of(self.source)
        if len(problems) == 1:
            return InputError(f"{name}: {problems[0].message}")
        listed = "; ".join(p.message for p in problems[:4])  # one line: the first, counted
        if len(problems) > 4 or len(listed) > _LISTED_LIMIT:
            return InputError(f"{name}: {len(problems)} problems; the first: {problems[0].message}")
        return InputError(f"{name}: {len(problems)} problems: {listed}")


@dataclass(frozen=True)
class KeyPair:
    """A certificate with the private key that belongs to it.

    Attributes:
        certificate: The certificate.
        private_key: Its private key (checked: its public key is the certificate's).
        chain: Further certificates found with it (intermediates), in file order.
    """

    certificate: x509.Certificate
    private_key: PrivateKeyTypes
    chain: list[x509.Certificate] = field(default_factory=list)


# -- recognising what bytes are ----------------------------------------------------------------


def _der_shape(der: bytes) -> str:
    """What one DER object is, from its structure: a name for messages, or ``""``."""
    kind = detect_kind(der)
    if kind != "generic":
        return kind
    try:
        tag, hl, length = read_tlv(der)
        if tag != _SEQ:
            return ""
        top = children(der, hl, hl + length)
        tags = [item.tag for item in top]
        if len(top) >= 2 and tags[0] == _INT and tags[1] == _SEQ:
            version = der[top[0].start : top[0].end]
            inner = children(der, top[1].start, top[1].end)
            if version == b"\x03" and inner and inner[0].tag == _OID:
                return "pkcs12"
            if len(top) >= 3 and tags[2] == _OCTETS:
                return "private key"
        if len(top) == 2 and tags == [_SEQ, _OCTETS]:
            return "encrypted private key"
        if len(top) == 2 and tags == [_SEQ, _BITS]:
            return "public key"
        if len(top) == 2 and tags[0] == _OID and tags[1] == Tag("context", True, 0):
            return "pkcs7"
        if len(top) >= 9 and all(t == _INT for t in tags[:9]):
            return "private key"  # PKCS #1 RSAPrivateKey
        if len(top) >= 2 and tags[0] == _INT and tags[1] == _OCTETS:
            return "private key"  # SEC 1 ECPrivateKey
        if len(top) == 2 and tags == [_INT, _INT]:
            return "public key"  # PKCS #1 RSAPublicKey
    except DerError:
        return ""
    return ""


_DER_NAMES = {
    "csr": "a certificate signing request (CSR)",
    "crl": "a certificate revocation list (CRL)",
    "private key": "a private key",
    "encrypted private key": "an encrypted private key",
    "public key": "a public key",
}


_LISTED_LIMIT = 110
_REASON_LIMIT = 72
_NESTING_LIMIT = 64  # a certificate nests about 10 levels deep; a hostile one thousands
_SCAN_LIMIT = 200_000  # TLVs looked at when explaining why DER does not decode
_PARSE_ERROR = re.compile(r"ParseError \{ kind: (\w+)(?:.*?location: \[(.*?)\])?")
_PARSE_KINDS = {
    "EncodedDefault": "a DEFAULT value written out, which DER omits",
    "ExceededDepthLimit": "nesting deeper than the parser allows",
    "InvalidSetOrdering": "SET elements out of DER order",
    "ShortData": "the data ends early",
    "ExtraData": "extra bytes",
}


def reason(exc: BaseException, limit: int = _REASON_LIMIT) -> str:
    """What a library said about bad input, as a short phrase for a message.

    cryptography reports a DER problem as ``ParseError { kind: ..., location: [...] }``; that
    becomes words and the field it is in (``an unexpected tag in tbs_cert.version``). Any
    other text has its blanks collapsed; either is cut to ``limit`` characters and escaped.

    Args:
        exc: The exception.
        limit: The most characters to keep.

    Returns:
        The phrase (the exception's type name if it has no text).

    Examples:
        >>> reason(ValueError(
        ...     'error parsing asn1 value: ParseError { kind: InvalidValue, '
        ...     'location: ["Certificate::tbs_cert", "TbsCertificate::subject"] }'
        ... ))
        'an invalid value in Certificate.tbs_cert.subject'
    """
    text = " ".join(str(exc).split()) or type(exc).__name__
    match = _PARSE_ERROR.search(text)
    if match:
        kind = match.group(1)
        words = _PARSE_KINDS.get(kind) or re.sub(r"(?<!^)(?=[A-Z])", " ", kind).lower()
        if kind not in _PARSE_KINDS:
            words = ("an " if words[0] in "aeiou" else "a ") + words
        parts = [p.strip().strip('"') for p in (match.group(2) or "").split(",") if p.strip()]
        where = ".".join(
            [p.replace("::", ".") for p in parts[:1]] + [p.split("::")[-1] for p in parts[1:]]
        )
        text = f"{words} in {where}" if where else words
    if len(text) > limit:
        text = text[: limit - 3].rstrip() + "..."
    return quote(text, len(text))[1:-1]  # escaped: a library's text may hold anything


def _length_octet(der: bytes, pos: int, end: int) -> int | None:
    """Where the length octet of the TLV at ``pos`` is, or ``None`` if the tag is cut short."""
    pos += 1
    if der[pos - 1] & 0x1F == 0x1F:
        while pos < end and der[pos] & 0x80:
            pos += 1
        pos += 1
    return pos if pos < end else None


def _der_trouble(der: bytes) -> str | None:
    """Why bytes that look like DER are not DER: BER indefinite length, or absurd nesting.

    Walks the TLVs without recursion (a hostile file nests thousands deep), looking at no more
    than ``_SCAN_LIMIT`` of them, and says the first reason found, or ``None``.
    """
    ranges = [(0, len(der), 1)]
    seen = 0
    deepest = 0
    while ranges and seen < _SCAN_LIMIT:
        pos, end, depth = ranges.pop()
        deepest = max(deepest, depth)
        while pos < end and seen < _SCAN_LIMIT:
            at = _length_octet(der, pos, end)
            if at is not None and der[at] == 0x80:
                return (
                    f"a BER indefinite length (at byte {pos}) is not DER; re-encode it as DER: "
                    "openssl x509 -in FILE -outform DER"
                )
            try:
                tag, hl, length = read_tlv(der, pos, end)
            except DerError:
                return None
            seen += 1
            if tag.constructed and length:
                ranges.append((pos + hl, pos + hl + length, depth + 1))
            pos += hl + length
    if deepest > _NESTING_LIMIT:
        return (
            f"ASN.1 nested {deepest} levels deep (a certificate: about 10) is no certificate; "
            "give the certificate file"
        )
    return None


def _text_of(data: bytes, notes: list[str]) -> bytes:
    """Undo the encodings text picks up on its way from z/OS or Windows."""
    if data.startswith(b"\xef\xbb\xbf"):
        notes.append("a UTF-8 byte order mark before the text (ignored)")
        data = data[3:]
    elif data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            data = data.decode("utf-16").encode("utf-8")
            notes.append("UTF-16 text (read as such)")
        except UnicodeDecodeError:
            pass
    elif b"-----BEGIN" not in data and "-----BEGIN".encode("cp037") in data:
        data = data.decode("cp037").replace("\x85", "\n").encode("latin-1", "replace")
        notes.append(
            "EBCDIC text, as a binary transfer from z/OS leaves it (read as IBM-037, which "
            "agrees with IBM-1047 on every PEM character); transfer PEM files in text mode"
        )
    return data


# -- the bundle loader --------------------------------------------------------------------------


def load_bundle(
    data: bytes,
    source: str = "input",
    *,
    password: str | bytes | None = None,
) -> Bundle:
    """Load everything usable from the bytes of a certificate file.

    Accepts PEM (any number of blocks of any kind, text around them), DER (a certificate, a
    CSR, a PKCS #7 bundle or a PKCS #12 key store), and base64 without PEM lines. Blocks that
    cannot be used become [`BlockProblem`][certkit.certificates.load.BlockProblem]s, so the good
    ones can
    still be shown. A private key is checked against the certificate before it (or the first
    certificate).

    Args:
        data: The bytes.
        source: A name for the data (the file name), used in messages.
        password: The password of a PKCS #12 file or of encrypted private keys.

    Returns:
        The bundle.

    Raises:
        InputError: If nothing in the data can be used: it is empty, not PEM and not DER,
            truncated, or holds only things that are not certificates or requests (one line
            naming the problem; with several problems, all of them).
    """
    name = name_of(source)
    name_lower = source.lower()
    if not data.strip():
        raise InputError(f"{name}: the file is empty; give a PEM or DER certificate")
    notes: list[str] = []
    if data[:1] == b"\x30":
        bundle = _load_der(data, source, password, notes)
        if name_lower.endswith((".pem", ".crt", ".txt")):
            notes.append(f"binary DER, although the name ends in {Path(source).suffix}")
    else:
        text = _text_of(data, notes)
        if _PEM_BEGIN.search(text):
            bundle = _load_pem(text, source, password, notes)
            if name_lower.endswith(".der"):
                notes.append("PEM text, although the name ends in .der")
        else:
            bundle = _load_unarmored(text, source, password, notes)
    if not any(i.kind in ("certificate", "csr") for i in bundle.items):
        for item in bundle.items:  # private keys alone
            where = (
                f"block {item.block} is"
                if bundle.encoding == "PEM"
                else f"this {bundle.encoding} file is"
            )
            todo = _WHAT_TO_DO["a private key"]
            bundle.problems.append(
                BlockProblem(item.block, f"{where} a private key, not a certificate; {todo}")
            )
        if not bundle.problems:
            raise InputError(f"{name}: holds no certificate; give a certificate file")
        raise bundle.error()
    return bundle


def _load_unarmored(
    text: bytes, source: str, password: str | bytes | None, notes: list[str]
) -> Bundle:
    name = name_of(source)
    stripped = text.strip()
    if _BASE64_TEXT.fullmatch(stripped) and len(stripped) >= 64:
        try:
            der = base64.b64decode(b"".join(stripped.split()), validate=True)
        except binascii.Error:
            der = b""
        if der[:1] == b"\x30":
            notes.append("base64 without -----BEGIN/END lines (read as DER)")
            bundle = _load_der(der, source, password, notes)
            return Bundle(source, "base64", bundle.items, bundle.problems, bundle.notes)
    printable = sum(32 <= b < 127 or b in b"\r\n\t" for b in text[:4096])
    if printable > 0.95 * min(len(text), 4096):
        if b"Certificate:" in text and b"Data:" in text:
            raise InputError(
                f"{name}: openssl x509 -text output without the certificate; "
                "run openssl x509 -in FILE -text (without -noout) to get both"
            )
        raise InputError(
            f"{name}: no PEM block and not DER: this is text without a "
            "-----BEGIN CERTIFICATE----- line; give a certificate file"
        )
    raise InputError(
        f"{name}: no PEM block and not DER; give a certificate file "
        "(-----BEGIN CERTIFICATE----- ... or binary DER)"
    )


def _load_der(data: bytes, source: str, password: str | bytes | None, notes: list[str]) -> Bundle:
    name = name_of(source)
    try:
        _, hl, length = read_tlv(data)
    except DerError:
        raise InputError(f"{name}: {_der_trouble(data[:64]) or _truncated(len(data))}") from None
    if hl + length < len(data):
        end, extra = hl + length, data[hl + length :]
        if not extra.strip(b"\x00"):
            raise InputError(
                f"{name}: {len(extra)} zero bytes follow the DER's end at byte {end} (RECFM=FB "
                f"padding); cut the file to {end} bytes or transfer it from RECFM=VB"
            )
        raise InputError(
            f"{name}: {len(extra)} bytes of trailing garbage follow the DER's end at byte {end}; "
            f"cut the file to {end} bytes or transfer it again in binary"
        )
    shape = _der_shape(data)
    if shape == "pkcs12":
        return _load_pkcs12(data, source, password, notes)
    if shape == "pkcs7":
        try:
            certs = pkcs7.load_der_pkcs7_certificates(data)
        except (ValueError, UnsupportedAlgorithm, x509.InvalidVersion) as exc:
            raise InputError(
                f"{name}: a PKCS #7 file that does not decode ({reason(exc)}); export it again"
            ) from None
        items = [Item(1, "certificate", c) for c in certs]
        return Bundle(source, "PKCS#7", items, [], notes)
    if shape == "csr":
        try:
            return Bundle(source, "DER", [Item(1, "csr", x509.load_der_x509_csr(data))], [], notes)
        except (ValueError, x509.InvalidVersion) as exc:
            raise InputError(
                f"{name}: looks like a DER certificate request but does not decode "
                f"({reason(exc)}); create the request again"
            ) from None
    if shape in _DER_NAMES:
        what = _DER_NAMES[shape]
        raise InputError(f"{name}: this DER file is {what}, not a certificate; {_WHAT_TO_DO[what]}")
    try:
        certificate = _certificate(data)
    except _BlockError as exc:
        raise InputError(f"{name}: {exc}") from None
    return Bundle(source, "DER", [Item(1, "certificate", certificate)], [], notes)


def _truncated(size: int) -> str:
    return (
        f"looks like DER but does not decode: it is truncated (the file has only {size} bytes); "
        "transfer it again in binary mode"
    )


def _certificate(der: bytes) -> x509.Certificate:
    """Load one DER certificate, or raise ``_BlockError`` saying why not (without a name)."""
    try:
        return x509.load_der_x509_certificate(der)
    except x509.InvalidVersion as exc:
        version = exc.parsed_version
        if version == 1:
            why = "is a version 2 certificate, which cryptography does not read"
            todo = "ask for a version 3 certificate"
        else:
            why = f"has version field {version}, which X.509 does not define (0 to 2: v1 to v3)"
            todo = "ask the issuer for a well-formed certificate"
        raise _BlockError(f"{why}; {todo}") from None
    except Exception as exc:  # cryptography raises ValueError, and others for odd input
        trouble = _der_trouble(der)
        if trouble:
            raise _BlockError(trouble) from None
        raise _BlockError(
            f"DER that does not decode as a certificate ({reason(exc)}); "
            "transfer it again in binary"
        ) from None


def _password_bytes(password: str | bytes | None) -> bytes | None:
    if password is None:
        return None
    return password.encode("utf-8") if isinstance(password, str) else password


def _load_pkcs12(
    data: bytes, source: str, password: str | bytes | None, notes: list[str]
) -> Bundle:
    name = name_of(source)
    if key_derivation_rounds(data) > MAX_KDF_ROUNDS:
        raise InputError(f"{name}: a PKCS #12 file that {_TOO_MANY_ROUNDS}")
    raw = _password_bytes(password)
    if raw is not None:
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            raise InputError(
                f"{name}: the password holds bytes that are not UTF-8, and a PKCS #12 "
                "password is text (RFC 7292 appendix B.1); give it as UTF-8"
            ) from None
    attempts = [raw] if raw is not None else [None, b""]
    loaded = None
    for attempt in attempts:
        try:
            loaded = pkcs12.load_pkcs12(data, attempt)
            break
        except ValueError as exc:
            if "Invalid password" not in str(exc):
                raise InputError(
                    f"{name}: a PKCS #12 file that does not decode ({reason(exc)}); "
                    "export it again (binary transfer)"
                ) from None
        except UnsupportedAlgorithm as exc:
            raise InputError(
                f"{name}: a PKCS #12 file protected with an algorithm this system cannot "
                f"read ({reason(exc)}); export it again with AES-256 (PBES2)"
            ) from None
    if loaded is None:
        if raw is None:
            raise InputError(
                f"{name}: a PKCS #12 file needs its password; give it with --password-file "
                "or --password-env (certkit pki create uses changeit)"
            )
        raise InputError(
            f"{name}: the PKCS #12 password is wrong (or the file is damaged); "
            "check the password, e.g. with keytool -list -keystore FILE"
        )
    items: list[Item] = []
    if loaded.cert is not None:
        items.append(Item(1, "certificate", loaded.cert.certificate, _alias(loaded.cert)))
    if loaded.key is not None:
        items.append(Item(1, "private key", loaded.key))
    for extra in loaded.additional_certs:
        items.append(Item(1, "certificate", extra.certificate, _alias(extra)))
    bundle = Bundle(source, "PKCS#12", items, [], notes)
    _check_keys(bundle)
    return bundle


def _alias(entry: pkcs12.PKCS12Certificate) -> str | None:
    name = entry.friendly_name
    return name.decode("utf-8", "replace") if name is not None else None


def _pem_blocks(text: bytes) -> list[tuple[bytes, bytes | None, bytes, int]]:
    """(label, whole block or None when it has no END line, body, start) for each BEGIN line.

    A block ends at the first END line with its label before the next BEGIN line, so a block
    whose END line is missing does not swallow the next block.
    """
    begins = list(_PEM_BEGIN.finditer(text))
    blocks: list[tuple[bytes, bytes | None, bytes, int]] = []
    for i, begin in enumerate(begins):
        label = begin.group(1)
        limit = begins[i + 1].start() if i + 1 < len(begins) else len(text)
        marker = b"-----END " + label + b"-----"
        found = text.find(marker, begin.end(), limit)
        if found < 0:
            blocks.append((label, None, text[begin.end() : limit], begin.start()))
        else:
            whole = text[begin.start() : found + len(marker)]
            blocks.append((label, whole, text[begin.end() : found], begin.start()))
    return blocks


def _load_pem(text: bytes, source: str, password: str | bytes | None, notes: list[str]) -> Bundle:
    items: list[Item] = []
    problems: list[BlockProblem] = []
    blocks = _pem_blocks(text)
    if text[: blocks[0][3]].strip():
        notes.append("text before the first PEM block (ignored)")
    wanted = _CERT_LABELS | _CSR_LABELS | _PKCS7_LABELS
    alone = not any(label in wanted for label, _, _, _ in blocks)
    for number, (label, whole, body, _) in enumerate(blocks, start=1):
        name = label.decode() if len(label) <= 40 else quote(label.decode(), 30)
        if alone and label in _KEY_LABELS:  # keys with no certificate: say what they are
            what = _NOT_A_CERTIFICATE[label]
            problems.append(
                BlockProblem(
                    number, f"block {number} is {what}, not a certificate; {_WHAT_TO_DO[what]}"
                )
            )
            continue
        if whole is None:
            problems.append(
                BlockProblem(
                    number,
                    f"block {number} ({name}) has no -----END {name}----- line: the copy was "
                    "cut short; copy the block again, from BEGIN to END",
                )
            )
            continue
        try:
            items.extend(_pem_item(number, label, whole, body, password))
        except _BlockError as exc:
            problems.append(BlockProblem(number, str(exc)))
    bundle = Bundle(source, "PEM", items, problems, notes)
    _check_keys(bundle)
    return bundle


class _BlockError(Exception):
    pass


def _decode_base64(number: int, kind: str, body: bytes) -> bytes:
    lines = body.strip().splitlines()
    for line_number, line in enumerate(lines, start=1):
        bad = re.search(rb"[^A-Za-z0-9+/=\s]", line)
        if bad:
            char = bad.group(0).decode("latin-1")
            raise _BlockError(
                f"{kind} block {number} does not decode: bad base64 (a {char!r} on line "
                f"{line_number} of the block); copy the block again, from BEGIN to END"
            )
    try:
        return base64.b64decode(b"".join(b"".join(lines).split()), validate=True)
    except binascii.Error:
        raise _BlockError(
            f"{kind} block {number} does not decode: the base64 is cut short (bad padding); "
            "copy the block again, from BEGIN to END"
        ) from None


def _pem_item(
    number: int, label: bytes, whole: bytes, body: bytes, password: str | bytes | None
) -> list[Item]:
    if label in _CERT_LABELS:
        der = _decode_base64(number, "certificate", body)
        if label == b"TRUSTED CERTIFICATE":
            der = _first_tlv(number, der)  # OpenSSL appends its trust settings
        _check_der_length(number, "certificate", der)
        shape = _der_shape(der)
        if shape in _DER_NAMES:
            raise _BlockError(
                f"block {number} is labelled CERTIFICATE but holds {_DER_NAMES[shape]}; "
                "give a certificate"
            )
        try:
            return [Item(number, "certificate", _certificate(der))]
        except _BlockError as exc:
            raise _BlockError(f"certificate block {number}: {exc}") from None
    if label in _CSR_LABELS:
        der = _decode_base64(number, "certificate signing request", body)
        _check_der_length(number, "certificate signing request", der)
        try:
            return [Item(number, "csr", x509.load_der_x509_csr(der))]
        except (ValueError, x509.InvalidVersion) as exc:
            raise _BlockError(
                f"block {number} is a certificate signing request (CSR) that does not decode "
                f"({reason(exc)}); create the request again"
            ) from None
    if label in _PKCS7_LABELS:
        try:
            certs = pkcs7.load_pem_pkcs7_certificates(whole)
        except (ValueError, UnsupportedAlgorithm, x509.InvalidVersion) as exc:
            raise _BlockError(
                f"PKCS #7 block {number} does not decode ({reason(exc)}); export it again"
            ) from None
        return [Item(number, "certificate", c) for c in certs]
    if label in _KEY_LABELS:
        return [Item(number, "private key", _pem_key(number, whole, password))]
    what = _NOT_A_CERTIFICATE.get(label, f"a {quote(label.decode(), 30)} block")
    todo = _WHAT_TO_DO.get(what, "give a certificate file")
    raise _BlockError(f"block {number} is {what}, not a certificate; {todo}")


def _first_tlv(number: int, der: bytes) -> bytes:
    try:
        _, hl, length = read_tlv(der, 0, len(der))
    except DerError:
        raise _BlockError(
            f"certificate block {number} does not decode: it is truncated; "
            "copy the block again, from BEGIN to END"
        ) from None
    return der[: hl + length]


def _check_der_length(number: int, kind: str, der: bytes) -> None:
    try:
        _, hl, length = read_tlv(der, 0, len(der))
    except DerError:
        trouble = _der_trouble(der[:64])
        if trouble:
            raise _BlockError(f"{kind} block {number}: {trouble}") from None
        raise _BlockError(
            f"{kind} block {number} is truncated ({len(der)} bytes; the base64 is fine): "
            "a line of the block is missing; copy it again"
        ) from None
    if hl + length != len(der):
        raise _BlockError(
            f"{kind} block {number}: {len(der) - hl - length} bytes follow the {kind}'s end; "
            "copy the block again, from BEGIN to END"
        )


_TOO_MANY_ROUNDS = (
    f"asks for more than {MAX_KDF_ROUNDS:,} rounds of password hashing; certkit does not "
    "read it (keytool and openssl ask for 10,000 or fewer): export it again"
)


def _pem_der(whole: bytes) -> bytes:
    """The DER of a PEM block, read leniently (for the key derivation check only)."""
    body = b"".join(whole.split(b"-----")[2].split())
    try:
        return base64.b64decode(body + b"=" * (-len(body) % 4))
    except binascii.Error:
        return b""


# Deliberate boilerplate: PEM and DER keys (load_private_key below) are read and their
# password errors explained alike, each with the messages of its own format.
def _pem_key(number: int, whole: bytes, password: str | bytes | None) -> PrivateKeyTypes:
    raw = _password_bytes(password)
    if raw is not None and key_derivation_rounds(_pem_der(whole)) > MAX_KDF_ROUNDS:
        raise _BlockError(f"private key block {number} {_TOO_MANY_ROUNDS}")
    try:
        return serialization.load_pem_private_key(whole, raw)
    except TypeError:
        if raw is None:
            raise _BlockError(
                f"block {number} is an encrypted private key and no password was given; "
                "give it with --password-file or --password-env"
            ) from None
        # A password for a key that is not encrypted: the key is still readable.
        try:
            return serialization.load_pem_private_key(whole, None)
        except (ValueError, UnsupportedAlgorithm, InternalError) as exc:
            raise _BlockError(
                f"private key block {number} does not decode ({reason(exc)}); copy it again"
            ) from None
    except ValueError as exc:
        if "password" in str(exc).lower() or "decrypt" in str(exc).lower():
            raise _BlockError(
                f"block {number}: the private key's password is wrong; check it"
            ) from None
        raise _BlockError(
            f"private key block {number} does not decode ({reason(exc)}); copy it again"
        ) from None
    except InternalError:  # key data OpenSSL refuses (an Ed448 OID on an Ed25519 key)
        raise _BlockError(
            f"private key block {number} does not decode (OpenSSL refuses its key data); "
            "copy it again"
        ) from None
    except UnsupportedAlgorithm as exc:
        raise _BlockError(
            f"private key block {number} uses an algorithm this system cannot read ({reason(exc)})"
        ) from None


def _public_der(key: object) -> bytes | None:
    public = getattr(key, "public_key", None)
    if public is None:
        return None
    try:
        return public().public_bytes(  # type: ignore[no-any-return]
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except (ValueError, UnsupportedAlgorithm):
        return None


def keys_match(certificate: x509.Certificate, private_key: PrivateKeyTypes) -> bool:
    """Whether ``private_key`` belongs to ``certificate`` (their public keys are equal).

    Args:
        certificate: The certificate.
        private_key: The private key.

    Returns:
        ``True`` when the certificate's public key is the private key's public key.
    """
    try:
        cert_key = certificate.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except (ValueError, UnsupportedAlgorithm):
        return False
    return cert_key == _public_der(private_key)


def _check_keys(bundle: Bundle) -> None:
    """Add a problem for each private key that belongs to no certificate of the bundle."""
    certificates = [i for i in bundle.items if isinstance(i.value, x509.Certificate)]
    if not any(i.kind == "private key" for i in bundle.items):
        return
    # Each certificate's public key once, not once a key: keys_match in a loop was quadratic.
    public_keys = {_public_der(c.value) for c in certificates} - {None}
    for item in bundle.items:
        if item.kind != "private key":
            continue
        if not certificates:
            continue
        key = item.value
        assert not isinstance(key, x509.Certificate | x509.CertificateSigningRequest)
        if _public_der(key) in public_keys:
            continue
        first = certificates[0].value
        assert isinstance(first, x509.Certificate)
        where = f"block {item.block}" if bundle.encoding == "PEM" else "the file"
        bundle.problems.append(
            BlockProblem(
                item.block,
                f"the private key in {where} does not belong to the certificate "
                f"{subject_label(first)}; put the matching key with it",
            )
        )


def subject_label(certificate: x509.Certificate) -> str:
    """A certificate's subject as certkit's messages name it: bounded, escaped, never failing.

    A subject can be as long and as odd as its issuer made it; a message shows at most 48
    characters of it, through [`quote`][certkit.errors.quote] when it holds control
    characters. A subject that does not decode names the certificate by its serial number.

    Examples:
        >>> from certkit import Lab
        >>> subject_label(Lab(seed="doc").root_ca("Doc Root").certificate)
        'CN=Doc Root'
    """
    try:
        text = certificate.subject.rfc4514_string()
    except Exception:  # fields are parsed lazily; a malformed subject fails here
        return f"with serial {certificate.serial_number:X}"
    return shown(text, 48) if text else "with an empty subject"


# -- strict loaders (the first problem is an error) -------------------------------------------


def load_certificates(
    data: bytes, source: str = "input", *, password: str | bytes | None = None
) -> list[x509.Certificate]:
    """Load every certificate in PEM or DER bytes.

    Args:
        data: The bytes of a PEM file (any number of CERTIFICATE blocks), of one DER
            certificate, of a PKCS #7 bundle, or of a PKCS #12 key store (its certificates;
            the private key a key store holds is left alone).
        source: A name for the data, used in error messages.
        password: The PKCS #12 file's password.

    Returns:
        The certificates, in file order.

    Raises:
        InputError: If the data is empty, holds something other than certificates,
            or a block does not decode.
    """
    name = name_of(source)
    bundle = load_bundle(data, source, password=password)
    problems = list(bundle.problems)
    for item in bundle.items:
        if item.kind != "certificate" and bundle.encoding != "PKCS#12":
            what = "a private key" if item.kind == "private key" else _DER_NAMES["csr"]
            where = (
                f"block {item.block} is"
                if bundle.encoding == "PEM"
                else f"this {bundle.encoding} file is"
            )
            todo = _WHAT_TO_DO[what]
            problems.append(BlockProblem(item.block, f"{where} {what}, not a certificate; {todo}"))
    if problems:
        first = min(problems, key=lambda p: p.block)
        raise InputError(f"{name}: {first.message}")
    return bundle.certificates


def read_certificate_file(
    path: str | Path, *, password: str | bytes | None = None
) -> list[x509.Certificate]:
    """Read and load every certificate in a file.

    Args:
        path: The file to read (``-`` for standard input).
        password: The password of a PKCS #12 file.

    Returns:
        The certificates in the file.

    Raises:
        InputError: If the file cannot be read, is too large, or holds no usable certificate.
    """
    return load_certificates(read_file(path), str(path), password=password)


def read_bundle(path: str | Path, *, password: str | bytes | None = None) -> Bundle:
    """Read a file and load everything usable in it.

    See [`load_bundle`][certkit.certificates.load.load_bundle].

    Args:
        path: The file.
        password: The password of a PKCS #12 file or of encrypted private keys.

    Returns:
        The bundle.

    Raises:
        InputError: If the file cannot be read, is too large, or holds nothing usable.
    """
    return load_bundle(read_file(path), str(path), password=password)


# -- keys -------------------------------------------------------------------------------------


def load_private_key(
    data: bytes, source: str = "input", *, password: str | bytes | None = None
) -> PrivateKeyTypes:
    """Load a private key from PEM or DER bytes (PKCS #8, PKCS #1 or SEC 1).

    Args:
        data: The bytes.
        source: A name for the data, used in messages.
        password: The key's password, if it is encrypted.

    Returns:
        The private key.

    Raises:
        InputError: If the data holds no private key, the key is encrypted and no password (or
            a wrong one) was given, or it does not decode.
    """
    name = name_of(source)
    if not data.strip():
        raise InputError(f"{name}: the file is empty; give a private key file")
    if data[:1] == b"\x30":
        raw = _password_bytes(password)
        shape = _der_shape(data)
        if shape not in ("private key", "encrypted private key"):
            what = {"certificate": "a certificate"}.get(shape, _DER_NAMES.get(shape, "not DER"))
            raise InputError(f"{name}: this is {what}, not a private key; give the key file")
        if raw is not None and key_derivation_rounds(data) > MAX_KDF_ROUNDS:
            raise InputError(f"{name}: a private key that {_TOO_MANY_ROUNDS}")
        try:
            return serialization.load_der_private_key(data, raw)
        except TypeError:
            if raw is None:
                raise InputError(
                    f"{name}: the private key is encrypted; give its password with "
                    "--password-file or --password-env"
                ) from None
            try:  # a password for a key that is not encrypted: read it without
                return serialization.load_der_private_key(data, None)
            except (ValueError, UnsupportedAlgorithm, InternalError) as exc:
                raise InputError(
                    f"{name}: the private key does not decode ({reason(exc)})"
                ) from None
        except ValueError:
            raise InputError(
                f"{name}: the private key's password is wrong, or the key does not decode; "
                "check the password"
            ) from None
        except InternalError:  # key data OpenSSL refuses (an Ed448 OID on an Ed25519 key)
            raise InputError(
                f"{name}: the private key does not decode (OpenSSL refuses its key data)"
            ) from None
        except UnsupportedAlgorithm as exc:
            raise InputError(
                f"{name}: the private key uses an algorithm this system cannot read ({reason(exc)})"
            ) from None
    notes: list[str] = []
    text = _text_of(data, notes)
    keys: list[PrivateKeyTypes] = []
    # _pem_blocks, not a regex from each BEGIN to its END: thousands of BEGIN lines without an
    # END made that search rescan the rest of the file from every one of them.
    for number, (label, whole, _, _) in enumerate(_pem_blocks(text), start=1):
        if whole is None:
            continue  # no END line
        if label in _KEY_LABELS:
            try:
                keys.append(_pem_key(number, whole, password))
            except _BlockError as exc:
                raise InputError(f"{name}: {exc}") from None
        elif not keys:
            what = (
                "a certificate"
                if label in _CERT_LABELS
                else _NOT_A_CERTIFICATE.get(label, f"a {quote(label.decode(), 30)} block")
            )
            raise InputError(
                f"{name}: block {number} is {what}, not a private key; give the key file"
            )
    if not keys:
        raise InputError(
            f"{name}: holds no private key (no PEM PRIVATE KEY block); give the key file"
        )
    return keys[0]


def read_key_pair(
    certificate: str | Path,
    key: str | Path | None = None,
    *,
    password: str | bytes | None = None,
) -> KeyPair:
    """Read a certificate and its private key, and check that they belong together.

    The key may be in its own file, in the certificate's PEM file (a combined PEM), or in a
    PKCS #12 file given as ``certificate``.

    Args:
        certificate: The certificate file (PEM, DER or PKCS #12).
        key: The private key file; ``None`` when the key is in the certificate file.
        password: The password of the key or of the PKCS #12 file.

    Returns:
        The certificate, its private key and any further certificates (the chain).

    Raises:
        InputError: If a file cannot be read, the password is missing or wrong, there is no
            key, or the key does not belong to the certificate.
    """
    bundle = read_bundle(certificate, password=password)
    certificates = bundle.certificates
    if not certificates:
        raise InputError(f"{name_of(certificate)}: holds no certificate; give the certificate file")
    leaf = certificates[0]
    if key is None:
        keys = bundle.private_keys
        if not keys:
            raise InputError(
                f"{name_of(certificate)}: holds no private key; give the key file as well"
            )
        private_key = keys[0]
        source = str(certificate)
    else:
        private_key = load_private_key(read_file(key), str(key), password=password)
        source = str(key)
    if not keys_match(leaf, private_key):
        raise InputError(
            f"{name_of(source)}: the private key does not belong to the certificate "
            f"{subject_label(leaf)} (their public keys differ); use the matching key"
        )
    return KeyPair(leaf, private_key, certificates[1:])
