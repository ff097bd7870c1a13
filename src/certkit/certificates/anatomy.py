"""Describe certificates, requests, chains and PKCS #12 files, field by field.

[`describe`][certkit.certificates.anatomy.describe] turns what
[`certkit.certificates.load`][certkit.certificates.load] read into a
[`Description`][certkit.certificates.anatomy.Description]: for every certificate its version,
serial number
(in the forms openssl and keytool print), signature algorithm, issuer, validity with the time
left at a given moment, subject, public key, every extension with its criticality and what it
means (from ``data/extensions.json``, with its RFC section), and its SHA-1 and SHA-256
fingerprints in the forms keytool, openssl and RACF print. Requests (CSRs) get the fields a
request has. [`Description.to_text`][certkit.certificates.anatomy.Description.to_text] renders
it for people and [`Description.to_dict`][certkit.certificates.anatomy.Description.to_dict] as
JSON-ready data.

cryptography parses some fields only when they are read (the subject, the extensions), so a
certificate can load and still fail on one field. ``describe`` reads each field on its own and
reports the ones that fail as [`FieldProblem`][certkit.certificates.anatomy.FieldProblem]s,
describing the
rest: a malformed extension costs that extension, not the certificate. Extensions that
cryptography cannot read as a set are read one at a time, and names that it cannot read are
shown from the [DER walk][certkit.certificates.derwalk.der_walk].

About the RACF form of a fingerprint: the reference this project keeps for z/OS syntax
(``reference/zos-syntax.md``) does not document how ``RACDCERT LIST`` prints a fingerprint, and
IBM's RACDCERT LIST page lists no fingerprint among the fields it shows. The layout certkit prints
under "RACF" (upper-case hex pairs separated by colons, 16 bytes to a line) is the one IBM
documents for z/OS PKI Services (message IKYP025I); it is UNVERIFIED for RACDCERT LIST.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import re
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal, TypeVar

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, rsa, x448, x25519
from cryptography.hazmat.primitives.asymmetric.types import PrivateKeyTypes, PublicKeyTypes
from cryptography.hazmat.primitives.serialization import pkcs12

from certkit.certificates.derwalk import DerError, Node, der_walk, oid_name
from certkit.certificates.load import (
    BlockProblem,
    Bundle,
    Item,
    read_bundle,
    reason,
)
from certkit.certificates.names import general_name, key_usages, signed_by
from certkit.datafiles import read_json
from certkit.files import name_of

__all__ = [
    "CertificateDescription",
    "Description",
    "ExtensionInfo",
    "FieldProblem",
    "Fingerprint",
    "KeyDescription",
    "PublicKeyInfo",
    "RequestDescription",
    "Validity",
    "describe",
    "describe_file",
    "extension_meaning",
    "fingerprint",
    "serial_forms",
]

_T = TypeVar("_T")
_LISTED_LIMIT = 110
_SHOWN_BYTES = 32  # of an extension certkit cannot decode (a hostile one can be megabytes)

_NIST = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}
_SHORT = {
    "2.5.4.3": "CN",
    "2.5.4.6": "C",
    "2.5.4.7": "L",
    "2.5.4.8": "ST",
    "2.5.4.9": "STREET",
    "2.5.4.10": "O",
    "2.5.4.11": "OU",
    "0.9.2342.19200300.100.1.1": "UID",
    "0.9.2342.19200300.100.1.25": "DC",
}


# -- data ---------------------------------------------------------------------------------------

_MEANINGS: dict[str, dict[str, Any]] | None = None


def _meanings() -> dict[str, dict[str, Any]]:
    global _MEANINGS
    if _MEANINGS is None:
        _MEANINGS = read_json("extensions.json")["extensions"]
    return _MEANINGS


def extension_meaning(oid: str) -> dict[str, Any] | None:
    """What an extension means, from certkit's data file ``extensions.json``.

    Args:
        oid: The extension's OID, dotted.

    Returns:
        ``name``, ``title``, ``rfc``, ``section``, ``meaning`` and ``critical`` (what the RFC
        says about its criticality), or ``None`` for an extension certkit does not know.
    """
    return _meanings().get(oid)


# -- the description dataclasses ----------------------------------------------------------------


@dataclass(frozen=True)
class FieldProblem:
    """A field that could not be read.

    Attributes:
        field: The field, e.g. ``subject`` or ``extension 3 (basicConstraints)``.
        message: What is wrong with it.
    """

    field: str
    message: str


@dataclass(frozen=True)
class Fingerprint:
    """A fingerprint: a hash of the certificate's DER bytes, in the forms tools print it.

    A fingerprint is not part of the certificate: whoever looks at a certificate computes it.

    Attributes:
        algorithm: ``SHA-1`` or ``SHA-256``.
        hex: The digest as lower-case hex, no separators.
        keytool: As ``keytool -list -v`` and ``keytool -printcert`` print it, e.g.
            ``SHA256: 9F:98:...``.
        openssl: As ``openssl x509 -noout -fingerprint -sha256`` (OpenSSL 3) prints it, e.g.
            ``sha256 Fingerprint=9F:98:...``.
        racf: Upper-case hex pairs separated by colons, 16 bytes to a line. UNVERIFIED for
            RACDCERT LIST (see the module's documentation): the layout z/OS PKI Services
            documents.
    """

    algorithm: str
    hex: str
    keytool: str
    openssl: str
    racf: list[str]


@dataclass(frozen=True)
class PublicKeyInfo:
    """The subject's public key.

    Attributes:
        type: ``EC``, ``RSA``, ``Ed25519``, ``Ed448``, ``DSA``, ``X25519`` or ``X448``.
        size: The key size in bits.
        curve: The curve of an EC key, e.g. ``secp256r1``; ``None`` for other keys.
    """

    type: str
    size: int
    curve: str | None = None

    def __str__(self) -> str:
        """The key in words, e.g. ``EC secp256r1 (P-256), 256 bits``."""
        if self.curve:
            nist = f" ({_NIST[self.curve]})" if self.curve in _NIST else ""
            return f"{self.type} {self.curve}{nist}, {self.size} bits"
        return f"{self.type}, {self.size} bits"


@dataclass(frozen=True)
class ExtensionInfo:
    """One extension of a certificate or request.

    Attributes:
        oid: The extension's OID, dotted.
        name: Its ASN.1 name (``basicConstraints``), or the OID when certkit does not know it.
        critical: Whether it is marked critical: a verifier that does not understand a
            critical extension must reject the certificate.
        value: Its value in words, e.g. ``CA:FALSE`` or ``DNS:localhost, IP:127.0.0.1``.
        meaning: What the extension says, in plain words (from ``extensions.json``).
        reference: Where it is defined, e.g. ``RFC 5280 section 4.2.1.9``.
        criticality: What that RFC says about marking it critical.
        problem: Why the value could not be read, or ``None``.
    """

    oid: str
    name: str
    critical: bool
    value: str
    meaning: str
    reference: str
    criticality: str
    problem: str | None = None


@dataclass(frozen=True)
class Validity:
    """When a certificate is valid, seen from a given moment.

    Attributes:
        not_before: The start of validity (UTC).
        not_after: The end of validity (UTC).
        at: The moment the status is judged at.
        status: ``valid``, ``expired`` or ``not yet valid``.
        time_left: ``not_after - at`` (negative once expired).
    """

    not_before: dt.datetime
    not_after: dt.datetime
    at: dt.datetime
    status: Literal["valid", "expired", "not yet valid"]
    time_left: dt.timedelta

    # Deliberate boilerplate: a branch per status, as Tag.name has a branch per tag class.
    def __str__(self) -> str:
        """The status in words, e.g. ``valid, 89 days 23 hours left``."""
        if self.status == "expired":
            return f"EXPIRED {_span(self.at - self.not_after)} ago"
        if self.status == "not yet valid":
            return f"NOT YET VALID: starts in {_span(self.not_before - self.at)}"
        return f"valid, {_span(self.time_left)} left"


@dataclass(frozen=True)
class KeyDescription:
    """A private key found with the certificates (a PKCS #12 file or a combined PEM).

    Attributes:
        block: The block it came from.
        public_key: Its public key.
        certificate: The number (from 1) of the certificate it belongs to, or ``None``.
    """

    block: int
    public_key: PublicKeyInfo | None
    certificate: int | None


@dataclass(frozen=True)
class CertificateDescription:
    """Everything about one certificate.

    Attributes:
        number: Its number in the file, from 1.
        block: The PEM block it came from (1 for DER, PKCS #7 and PKCS #12 files).
        alias: The PKCS #12 friendlyName (keytool's alias), if any.
        version: 1, 2 or 3 (the DER holds 0, 1 or 2), or ``None`` if unreadable.
        serial: The serial number.
        serial_hex: Upper-case hex, two digits per byte, as ``openssl x509 -serial`` prints it.
        serial_colon: Lower-case hex pairs with colons, as ``openssl x509 -text`` prints a long
            serial.
        serial_keytool: Lower-case hex without leading zeros, as keytool prints it.
        signature_algorithm: The algorithm's name, e.g. ``ecdsa-with-SHA256``.
        signature_algorithm_oid: Its OID.
        issuer: The issuer's name (RFC 4514, most significant part last, as cryptography
            and ``openssl -nameopt RFC2253`` write it).
        subject: The subject's name, in the same form.
        validity: When it is valid, judged at the description's moment.
        public_key: The public key, or ``None`` if unreadable.
        extensions: Every extension, in certificate order.
        fingerprints: SHA-1 and SHA-256 fingerprints.
        self_signed: Whether its signature verifies with its own key (a root).
        issued_by: The number of the certificate in the same file whose key signed this one.
        problems: The fields that could not be read.
    """

    number: int
    block: int
    alias: str | None
    version: int | None
    serial: int
    serial_hex: str
    serial_colon: str
    serial_keytool: str
    signature_algorithm: str
    signature_algorithm_oid: str
    issuer: str
    subject: str
    validity: Validity
    public_key: PublicKeyInfo | None
    extensions: list[ExtensionInfo]
    fingerprints: list[Fingerprint]
    self_signed: bool
    issued_by: int | None
    problems: list[FieldProblem] = field(default_factory=list)
    kind: Literal["certificate"] = "certificate"


@dataclass(frozen=True)
class RequestDescription:
    """Everything about one certificate signing request (PKCS #10).

    Attributes:
        number: Its number in the file, from 1.
        block: The PEM block it came from.
        subject: The requested subject name (RFC 4514).
        public_key: The public key to be certified.
        signature_algorithm: The algorithm of the requester's signature.
        signature_valid: Whether the signature verifies with the request's key (the requester
            holds the private key).
        extensions: The extensions the request asks for.
        problems: The fields that could not be read.
    """

    number: int
    block: int
    subject: str
    public_key: PublicKeyInfo | None
    signature_algorithm: str
    signature_valid: bool | None
    extensions: list[ExtensionInfo]
    problems: list[FieldProblem] = field(default_factory=list)
    kind: Literal["csr"] = "csr"


Entry = CertificateDescription | RequestDescription


@dataclass(frozen=True)
class Description:
    """A description of a file or object: its certificates and requests, field by field.

    Attributes:
        source: The file name (or ``input``).
        encoding: ``PEM``, ``DER``, ``base64``, ``PKCS#7``, ``PKCS#12`` or ``object``.
        at: The moment validity is judged at.
        entries: A description per certificate and request, in file order.
        keys: The private keys found with them.
        problems: Blocks that could not be used, and keys that match no certificate.
        notes: Things worth knowing that were not problems.
    """

    source: str
    encoding: str
    at: dt.datetime
    entries: list[Entry]
    keys: list[KeyDescription] = field(default_factory=list)
    problems: list[BlockProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def certificates(self) -> list[CertificateDescription]:
        """The descriptions of the certificates."""
        return [e for e in self.entries if isinstance(e, CertificateDescription)]

    @property
    def requests(self) -> list[RequestDescription]:
        """The descriptions of the requests."""
        return [e for e in self.entries if isinstance(e, RequestDescription)]

    @property
    def ok(self) -> bool:
        """Whether everything was read: no block problems and no field problems."""
        return not self.problems and not any(e.problems for e in self.entries)

    def summary_of_problems(self) -> str | None:
        """Every problem in one line (for the CLI's error message), or ``None``."""
        parts = [p.message for p in sorted(self.problems, key=lambda p: p.block)]
        for entry in self.entries:
            if entry.problems:
                what = "certificate" if entry.kind == "certificate" else "request"
                fields = ", ".join(f"{p.field}: {p.message}" for p in entry.problems)
                parts.append(f"{what} {entry.number}: cannot read {fields}")
        if not parts:
            return None
        if not self.problems:  # only fields that fail when read: the certificate is malformed
            parts[-1] += "; ask the issuer for a well-formed certificate"
        name = name_of(self.source)
        if len(parts) == 1:
            return f"{name}: {parts[0]}"
        listed = "; ".join(parts)
        if len(listed) > _LISTED_LIMIT:  # one line: the first problem, and how many
            return f"{name}: {len(parts)} problems (all shown above); the first: {parts[0]}"
        return f"{name}: {len(parts)} problems: {listed}"

    def to_dict(self) -> dict[str, Any]:
        """The description as JSON-ready data."""
        return _jsonable(asdict(self))  # type: ignore[no-any-return]

    def to_text(self, *, width: int = 78) -> str:
        """The description as text, for people.

        Args:
            width: Wrap explanations at this many columns.

        Returns:
            The text, ending with a newline.
        """
        return _render(self, width)


# -- forms of serials and fingerprints ----------------------------------------------------------


def _pairs(hexed: str) -> list[str]:
    return [hexed[i : i + 2] for i in range(0, len(hexed), 2)]


def serial_forms(serial: int) -> tuple[str, str, str]:
    """A serial number as ``openssl x509 -serial``, ``openssl x509 -text`` and keytool show it.

    Args:
        serial: The serial number.

    Returns:
        Upper-case hex with two digits per byte (``2B285F...``), lower-case colon pairs
        (``2b:28:5f:...``) and lower-case hex without leading zeros (``2b285f...``). A negative
        serial (not allowed by RFC 5280, but seen) starts with ``-``.
    """
    sign = "-" if serial < 0 else ""
    magnitude = abs(serial)
    hexed = f"{magnitude:x}"
    if len(hexed) % 2:
        hexed = "0" + hexed
    return sign + hexed.upper(), sign + ":".join(_pairs(hexed)), sign + f"{magnitude:x}"


def fingerprint(der: bytes, algorithm: Literal["sha1", "sha256"] = "sha256") -> Fingerprint:
    """The fingerprint of DER bytes in the forms keytool, openssl and RACF print.

    Args:
        der: The certificate's DER bytes.
        algorithm: ``sha1`` or ``sha256``.

    Returns:
        The fingerprint.

    Examples:
        >>> from certkit.certificates.pki import Lab
        >>> cert = Lab(seed="doc").root_ca("Doc Root")
        >>> fp = fingerprint(cert.der)
        >>> fp.keytool == "SHA256: " + cert.fingerprint("sha256")
        True
        >>> fp.openssl.startswith("sha256 Fingerprint=")
        True
    """
    digest = hashlib.new(algorithm, der).hexdigest()
    pairs = _pairs(digest.upper())
    colon = ":".join(pairs)
    racf = [":".join(pairs[i : i + 16]) for i in range(0, len(pairs), 16)]
    name = {"sha1": "SHA-1", "sha256": "SHA-256"}[algorithm]
    return Fingerprint(
        name, digest, f"{algorithm.upper()}: {colon}", f"{algorithm} Fingerprint={colon}", racf
    )


# -- reading fields one at a time ---------------------------------------------------------------


def _short(exc: BaseException) -> str:
    return reason(exc)


def _read(name: str, read: Callable[[], _T], problems: list[FieldProblem], default: _T) -> _T:
    try:
        return read()
    except (ValueError, TypeError, UnsupportedAlgorithm, x509.DuplicateExtension) as exc:
        problems.append(FieldProblem(name, _short(exc)))
    except Exception as exc:  # cryptography raises several types for bad fields
        problems.append(FieldProblem(name, f"{type(exc).__name__}: {_short(exc)}"))
    return default


def _public_key_info(key: PublicKeyTypes | PrivateKeyTypes) -> PublicKeyInfo:
    if isinstance(key, ec.EllipticCurvePublicKey | ec.EllipticCurvePrivateKey):
        return PublicKeyInfo("EC", key.curve.key_size, key.curve.name)
    if isinstance(key, rsa.RSAPublicKey | rsa.RSAPrivateKey):
        return PublicKeyInfo("RSA", key.key_size)
    if isinstance(key, dsa.DSAPublicKey | dsa.DSAPrivateKey):
        return PublicKeyInfo("DSA", key.key_size)
    if isinstance(key, ed25519.Ed25519PublicKey | ed25519.Ed25519PrivateKey):
        return PublicKeyInfo("Ed25519", 256)
    if isinstance(key, ed448.Ed448PublicKey | ed448.Ed448PrivateKey):
        return PublicKeyInfo("Ed448", 456)
    if isinstance(key, x25519.X25519PublicKey | x25519.X25519PrivateKey):
        return PublicKeyInfo("X25519", 256)
    if isinstance(key, x448.X448PublicKey | x448.X448PrivateKey):
        return PublicKeyInfo("X448", 448)
    raise TypeError(f"unknown key type {type(key).__name__}")


def _name_text(name: x509.Name) -> str:
    return name.rfc4514_string()


def _name_from_walk(nodes: Sequence[Node], prefix: str) -> str:
    """A name as RFC 4514 text built from the DER walk (for names cryptography cannot read)."""
    parts: list[str] = []
    pattern = re.compile(re.escape(prefix) + r"\.rdnSequence\[(\d+)\]\[(\d+)\]\.(type|value)$")
    pending: dict[tuple[str, str], str] = {}
    for node in nodes:
        match = pattern.match(node.path)
        if not match:
            continue
        key = (match.group(1), match.group(2))
        if match.group(3) == "type":
            pending[key] = _SHORT.get(str(node.value), oid_name(str(node.value)) or str(node.value))
        else:
            shown = str(node.value) if node.problem is None else f"<unreadable: {node.text}>"
            parts.append(f"{pending.pop(key, '?')}={shown}")
    return ",".join(reversed(parts))


def _oid_text(oid: x509.ObjectIdentifier) -> str:
    known = oid_name(oid.dotted_string)
    return f"{known} ({oid.dotted_string})" if known else oid.dotted_string


def _colon(data: bytes) -> str:
    return ":".join(f"{b:02X}" for b in data)


def _extension_value(value: x509.ExtensionType) -> str:
    if isinstance(value, x509.BasicConstraints):
        if not value.ca:
            return "CA:FALSE"
        limit = "" if value.path_length is None else f", pathLenConstraint {value.path_length}"
        return f"CA:TRUE{limit}"
    if isinstance(value, x509.KeyUsage):
        return ", ".join(key_usages(value)) or "(no bits set)"
    if isinstance(value, x509.ExtendedKeyUsage):
        return ", ".join(_oid_text(oid) for oid in value)
    if isinstance(value, x509.SubjectAlternativeName | x509.IssuerAlternativeName):
        return ", ".join(general_name(n) for n in value)
    if isinstance(value, x509.SubjectKeyIdentifier):
        return _colon(value.digest)
    if isinstance(value, x509.AuthorityKeyIdentifier):
        parts = []
        if value.key_identifier is not None:
            parts.append(f"keyid:{_colon(value.key_identifier)}")
        for issuer in value.authority_cert_issuer or []:
            parts.append(f"issuer:{general_name(issuer)}")
        if value.authority_cert_serial_number is not None:
            parts.append(f"serial:{serial_forms(value.authority_cert_serial_number)[0]}")
        return ", ".join(parts)
    if isinstance(value, x509.CRLDistributionPoints | x509.FreshestCRL):
        points = [general_name(n) for dp in value for n in (dp.full_name or [])]
        return ", ".join(points) or "(distribution points without a full name)"
    if isinstance(value, x509.AuthorityInformationAccess | x509.SubjectInformationAccess):
        return ", ".join(
            f"{oid_name(d.access_method.dotted_string) or d.access_method.dotted_string}: "
            f"{general_name(d.access_location)}"
            for d in value
        )
    if isinstance(value, x509.CertificatePolicies):
        return ", ".join(_oid_text(p.policy_identifier) for p in value)
    if isinstance(value, x509.NameConstraints):
        parts = [f"permitted {general_name(n)}" for n in value.permitted_subtrees or []]
        parts += [f"excluded {general_name(n)}" for n in value.excluded_subtrees or []]
        return ", ".join(parts)
    if isinstance(value, x509.UnrecognizedExtension):
        shown = value.value[:_SHOWN_BYTES].hex(":")
        more = "..." if len(value.value) > _SHOWN_BYTES else ""
        return f"{len(value.value)} bytes: {shown}{more}"
    return str(value)


def _extension_info(
    oid: str, critical: bool, value: str, problem: str | None = None
) -> ExtensionInfo:
    meaning = extension_meaning(oid)
    if meaning is None:
        return ExtensionInfo(
            oid,
            oid_name(oid) or oid,
            critical,
            value,
            "An extension certkit has no description for; look the OID up.",
            "",
            "",
            problem,
        )
    return ExtensionInfo(
        oid,
        meaning["name"],
        critical,
        value,
        meaning["meaning"],
        f"RFC {meaning['rfc']} section {meaning['section']}",
        meaning["critical"],
        problem,
    )


def _tlv(tag: int, content: bytes) -> bytes:
    n = len(content)
    if n < 0x80:
        return bytes([tag, n]) + content
    size = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([tag, 0x80 | len(size)]) + size + content


def _extensions_one_by_one(der: bytes, nodes: Sequence[Node]) -> list[ExtensionInfo]:
    """Read each extension on its own, by re-wrapping it alone in the certificate's DER.

    cryptography reads a certificate's extensions as a set: one malformed extension makes them
    all unreadable. Putting each extension alone into a copy of the certificate (the signature
    no longer matches, which does not matter for reading) lets the good ones be read.
    """
    by_path = {n.path: n for n in nodes if not n.explicit}
    tbs = by_path["tbsCertificate"]
    wrapper = next(n for n in nodes if n.explicit and n.path == "tbsCertificate.extensions")
    algorithm, signature = by_path["signatureAlgorithm"], by_path["signatureValue"]
    before = der[tbs.content_offset : wrapper.offset]
    tail = der[algorithm.offset : algorithm.end] + der[signature.offset : signature.end]
    out = []
    pattern = re.compile(r"tbsCertificate\.extensions\[(\d+)\]$")
    for node in nodes:
        match = pattern.match(node.path)
        if not match:
            continue
        i = match.group(1)
        oid = str(by_path.get(f"tbsCertificate.extensions[{i}].extnID", node).value)
        flag = by_path.get(f"tbsCertificate.extensions[{i}].critical")
        critical = bool(flag is not None and flag.value)
        single = _tlv(0x30, before + _tlv(0xA3, _tlv(0x30, der[node.offset : node.end])))
        try:
            cert = x509.load_der_x509_certificate(_tlv(0x30, single + tail))
            extension = cert.extensions[0]
            out.append(_extension_info(oid, critical, _extension_value(extension.value)))
        except Exception as exc:
            out.append(_extension_info(oid, critical, "(cannot be read)", _short(exc)))
    return out


def _validity(not_before: dt.datetime, not_after: dt.datetime, at: dt.datetime) -> Validity:
    if at < not_before:
        status: Literal["valid", "expired", "not yet valid"] = "not yet valid"
    elif at > not_after:
        status = "expired"
    else:
        status = "valid"
    return Validity(not_before, not_after, at, status, not_after - at)


def _span(delta: dt.timedelta) -> str:
    seconds = int(abs(delta.total_seconds()))
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = []
    if days:
        parts.append(f"{days} day{'s' if days != 1 else ''}")
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if not days and minutes:
        parts.append(f"{minutes} minute{'s' if minutes != 1 else ''}")
    return " ".join(parts) or "less than a minute"


def _describe_certificate(
    cert: x509.Certificate, number: int, block: int, alias: str | None, at: dt.datetime
) -> CertificateDescription:
    problems: list[FieldProblem] = []
    der = cert.public_bytes(serialization.Encoding.DER)
    try:
        nodes: list[Node] = der_walk(der, "certificate")
    except DerError:  # cryptography read it, so this does not happen; be safe anyway
        nodes = []

    version = _read("version", lambda: cert.version.value + 1, problems, None)
    serial = cert.serial_number
    serial_hex, serial_colon, serial_keytool = serial_forms(serial)
    algorithm_oid = cert.signature_algorithm_oid.dotted_string
    issuer = _read("issuer", lambda: _name_text(cert.issuer), problems, "")
    if not issuer and problems and problems[-1].field == "issuer":
        issuer = _name_from_walk(nodes, "tbsCertificate.issuer")
    subject = _read("subject", lambda: _name_text(cert.subject), problems, "")
    if not subject and problems and problems[-1].field == "subject":
        subject = _name_from_walk(nodes, "tbsCertificate.subject")
    validity = _validity(cert.not_valid_before_utc, cert.not_valid_after_utc, at)
    public_key = _read("public key", lambda: _public_key_info(cert.public_key()), problems, None)
    extension_problems: list[FieldProblem] = []
    extensions_read = _read("extensions", lambda: list(cert.extensions), extension_problems, None)
    if extensions_read is not None:
        extensions = [
            _extension_info(
                e.oid.dotted_string,
                e.critical,
                _read(
                    f"extension {e.oid.dotted_string}",
                    lambda e=e: _extension_value(e.value),  # type: ignore[misc]
                    problems,
                    "(cannot be read)",
                ),
            )
            for e in extensions_read
        ]
    else:
        extensions = _extensions_one_by_one(der, nodes) if nodes else []
        for i, info in enumerate(extensions, start=1):
            if info.problem:
                problems.append(FieldProblem(f"extension {i} ({info.name})", info.problem))
        if not any(info.problem for info in extensions):
            problems.extend(extension_problems)  # e.g. a duplicate extension
    if version is not None and version != 3 and extensions:
        problems.insert(
            0,
            FieldProblem(
                "version",
                f"v{version} with extensions, which only v3 may carry (RFC 5280 4.1.2.9)",
            ),
        )
    self_signed = signed_by(cert, cert)
    # Deliberate boilerplate: keyword constructors of the two description types, field by field.
    return CertificateDescription(
        number=number,
        block=block,
        alias=alias,
        version=version,
        serial=serial,
        serial_hex=serial_hex,
        serial_colon=serial_colon,
        serial_keytool=serial_keytool,
        signature_algorithm=oid_name(algorithm_oid) or algorithm_oid,
        signature_algorithm_oid=algorithm_oid,
        issuer=issuer,
        subject=subject,
        validity=validity,
        public_key=public_key,
        extensions=extensions,
        fingerprints=[fingerprint(der, "sha1"), fingerprint(der, "sha256")],
        self_signed=self_signed,
        issued_by=None,
        problems=problems,
    )


def _describe_request(
    csr: x509.CertificateSigningRequest, number: int, block: int
) -> RequestDescription:
    problems: list[FieldProblem] = []
    subject = _read("subject", lambda: _name_text(csr.subject), problems, "")
    if not subject and problems:
        der = csr.public_bytes(serialization.Encoding.DER)
        subject = _name_from_walk(der_walk(der, "csr"), "certificationRequestInfo.subject")
    public_key = _read("public key", lambda: _public_key_info(csr.public_key()), problems, None)
    extensions_read: list[x509.Extension[x509.ExtensionType]] = _read(
        "extensions", lambda: list(csr.extensions), problems, []
    )
    extensions = [
        _extension_info(e.oid.dotted_string, e.critical, _extension_value(e.value))
        for e in extensions_read
    ]
    algorithm = csr.signature_algorithm_oid.dotted_string
    valid = _read("signature", lambda: csr.is_signature_valid, problems, None)
    return RequestDescription(
        number=number,
        block=block,
        subject=subject,
        public_key=public_key,
        signature_algorithm=oid_name(algorithm) or algorithm,
        signature_valid=valid,
        extensions=extensions,
        problems=problems,
    )


# -- describe -----------------------------------------------------------------------------------

Describable = (
    x509.Certificate
    | x509.CertificateSigningRequest
    | Sequence[x509.Certificate]
    | pkcs12.PKCS12KeyAndCertificates
    | Bundle
)


def _as_bundle(obj: Describable, source: str) -> Bundle:
    if isinstance(obj, Bundle):
        return obj
    if isinstance(obj, x509.Certificate):
        return Bundle(source, "object", [Item(1, "certificate", obj)])
    if isinstance(obj, x509.CertificateSigningRequest):
        return Bundle(source, "object", [Item(1, "csr", obj)])
    if isinstance(obj, pkcs12.PKCS12KeyAndCertificates):
        items: list[Item] = []
        if obj.cert is not None:
            name = obj.cert.friendly_name
            alias = name.decode("utf-8", "replace") if name is not None else None
            items.append(Item(1, "certificate", obj.cert.certificate, alias))
        if obj.key is not None:
            items.append(Item(1, "private key", obj.key))
        items += [Item(1, "certificate", c.certificate) for c in obj.additional_certs]
        return Bundle(source, "PKCS#12", items)
    return Bundle(source, "object", [Item(i, "certificate", c) for i, c in enumerate(obj, 1)])


_MAX_ISSUER_PROBES = 8
"""How many distinct certificates named as a certificate's issuer are tried as its signer."""


def _name_der(cert: x509.Certificate, which: Literal["subject", "issuer"]) -> bytes | None:
    try:
        name: x509.Name = getattr(cert, which)
        return name.public_bytes()
    except (ValueError, TypeError):  # names are read lazily; a damaged one fails here
        return None


def _public_key_der(holder: x509.Certificate | PrivateKeyTypes) -> bytes | None:
    try:
        return holder.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
    except (ValueError, UnsupportedAlgorithm):
        return None


def _key_identifier(cert: x509.Certificate, kind: type[x509.ExtensionType]) -> bytes | None:
    """The subject key identifier, or the authority key identifier's keyIdentifier, if any."""
    try:
        value = cert.extensions.get_extension_for_class(kind).value
    except Exception:  # absent, duplicated or malformed: no identifier to go by
        return None
    if isinstance(value, x509.SubjectKeyIdentifier):
        return value.digest
    return value.key_identifier if isinstance(value, x509.AuthorityKeyIdentifier) else None


def _link_issuers(
    entries: list[Entry], certificates: list[tuple[int, x509.Certificate]]
) -> list[Entry]:
    """Which certificate of the file signed which: the first whose key verifies the signature.

    Only certificates whose subject is the issuer's name can have signed it, so candidates are
    looked up by name, those whose subject key identifier is the certificate's authority key
    identifier first; copies of one certificate are tried once, at most
    ``_MAX_ISSUER_PROBES`` per certificate, and each verdict is kept: a bundle of thousands
    of certificates costs time in proportion to their number, not to its square.
    """
    by_number = dict(certificates)
    identity = {e.number: e.fingerprints[-1].hex for e in entries if e.kind == "certificate"}
    # (subject, subject key identifier or None): fingerprint: first number with it
    by_subject: dict[tuple[bytes, bytes | None], dict[str, int]] = {}
    for number, cert in certificates:
        name = _name_der(cert, "subject")
        if name is not None:
            for key_id in {None, _key_identifier(cert, x509.SubjectKeyIdentifier)}:
                by_subject.setdefault((name, key_id), {}).setdefault(identity[number], number)
    verdicts: dict[tuple[str, str], bool] = {}
    linked: list[Entry] = []
    for entry in entries:
        if isinstance(entry, CertificateDescription) and not entry.self_signed:
            cert = by_number[entry.number]
            name = _name_der(cert, "issuer")
            authority = _key_identifier(cert, x509.AuthorityKeyIdentifier)
            first = by_subject.get((name, authority), {}) if name and authority else {}
            rest = by_subject.get((name, None), {}) if name else {}
            tried: set[str] = set()
            for fingerprint, number in itertools.chain(first.items(), rest.items()):
                if fingerprint in tried:
                    continue
                if len(tried) == _MAX_ISSUER_PROBES:
                    break
                tried.add(fingerprint)
                pair = (identity[entry.number], fingerprint)
                if pair not in verdicts:
                    verdicts[pair] = signed_by(cert, by_number[number])
                if verdicts[pair] and number != entry.number:
                    entry = replace(entry, issued_by=number)
                    break
        linked.append(entry)
    return linked


def describe(
    obj: Describable, *, at: dt.datetime | None = None, source: str = "input"
) -> Description:
    """Describe a certificate, a request, a chain, a PKCS #12 file's contents or a loaded bundle.

    Args:
        obj: A certificate, a CSR, a sequence of certificates (a chain, leaf first), the result
            of cryptography's ``pkcs12.load_pkcs12``, or a
            [`Bundle`][certkit.certificates.load.Bundle] from
            [`certkit.certificates.load`][certkit.certificates.load].
        at: The moment to judge validity at (a time zone is required; naive times are taken as
            UTC); ``None`` means now.
        source: A name for the object, shown in the description.

    Returns:
        The description.

    Examples:
        >>> import datetime as dt
        >>> from certkit.certificates.pki import Lab
        >>> server = Lab(seed="doc").pki().server
        >>> d = describe(server.certificate, at=dt.datetime(2026, 3, 1, tzinfo=dt.UTC))
        >>> d.certificates[0].subject, str(d.certificates[0].validity)
        ('CN=localhost', 'valid, 31 days left')
        >>> [(e.name, e.critical) for e in d.certificates[0].extensions][:2]
        [('basicConstraints', True), ('keyUsage', True)]
    """
    when = at or dt.datetime.now(dt.UTC)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    when = when.astimezone(dt.UTC)
    bundle = _as_bundle(obj, source)
    entries: list[Entry] = []
    certificates: list[tuple[int, x509.Certificate]] = []
    for item in bundle.items:
        if isinstance(item.value, x509.Certificate):
            number = len(entries) + 1
            entries.append(_describe_certificate(item.value, number, item.block, item.alias, when))
            certificates.append((number, item.value))
        elif isinstance(item.value, x509.CertificateSigningRequest):
            entries.append(_describe_request(item.value, len(entries) + 1, item.block))
    linked = _link_issuers(entries, certificates)
    # Which certificate each key belongs to: the first with its public key (one lookup a key).
    by_public_key: dict[bytes, int] = {}
    for number, cert in certificates:
        der = _public_key_der(cert)
        if der is not None:
            by_public_key.setdefault(der, number)
    keys = []
    for item in bundle.items:
        if item.kind != "private key":
            continue
        key = item.value
        assert not isinstance(key, x509.Certificate | x509.CertificateSigningRequest)
        der = _public_key_der(key)
        try:
            info: PublicKeyInfo | None = _public_key_info(key)
        except TypeError:
            info = None
        keys.append(KeyDescription(item.block, info, by_public_key.get(der) if der else None))
    return Description(
        source=bundle.source,
        encoding=bundle.encoding,
        at=when,
        entries=linked,
        keys=keys,
        problems=list(bundle.problems),
        notes=list(bundle.notes),
    )


def describe_file(
    path: str | Path, password: str | bytes | None = None, *, at: dt.datetime | None = None
) -> Description:
    """Read a file and describe everything in it.

    Args:
        path: A PEM, DER, PKCS #7 or PKCS #12 file (certificates, a chain, requests).
        password: The password of a PKCS #12 file or of an encrypted key in a PEM file.
        at: The moment to judge validity at; ``None`` means now.

    Returns:
        The description. Blocks that could not be used are in its ``problems``; fields that
        could not be read are in each entry's ``problems``.

    Raises:
        InputError: If the file cannot be read or holds nothing usable.
    """
    return describe(read_bundle(path, password=password), at=at, source=str(path))


# -- rendering ----------------------------------------------------------------------------------


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    return value


def _when(moment: dt.datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def _render(d: Description, width: int) -> str:
    out: list[str] = []
    counts = []
    if d.certificates:
        n = len(d.certificates)
        counts.append(f"{n} certificate{'s' if n != 1 else ''}")
    if d.requests:
        n = len(d.requests)
        counts.append(f"{n} request{'s' if n != 1 else ''}")
    if d.keys:
        counts.append(f"{len(d.keys)} private key{'s' if len(d.keys) != 1 else ''}")
    out.append(f"{d.source}: {d.encoding}, {', '.join(counts) or 'nothing usable'}")
    out += [f"note: {note}" for note in d.notes]
    for entry in d.entries:
        out.append("")
        if isinstance(entry, CertificateDescription):
            out += _render_certificate(entry, width)
        else:
            out += _render_request(entry, width)
    for key in d.keys:
        out.append("")
        what = str(key.public_key) if key.public_key else "of an unknown type"
        match = (
            f"belongs to certificate {key.certificate}"
            if key.certificate
            else "belongs to NO certificate here"
        )
        out.append(f"Private key (block {key.block}): {what}; {match}")
    for problem in sorted(d.problems, key=lambda p: p.block):
        out.append("")
        out.append(f"PROBLEM: {problem.message}")
    return "\n".join(out) + "\n"


_HEX_DIGITS = frozenset("0123456789abcdefABCDEF")


def _hex_tail(value: str) -> int | None:
    """Where ``value`` ends in 17 or more colon-separated hex pairs (a fingerprint), or ``None``.

    Read backwards pair by pair: a regular expression for it backtracked quadratically on a
    long value that almost ends so (a subject of ``AA:AA:...`` and one more character).
    """

    def pair(at: int) -> bool:
        return value[at] in _HEX_DIGITS and value[at + 1] in _HEX_DIGITS

    start = len(value) - 2
    if start < 0 or not pair(start):
        return None
    pairs = 1
    while start >= 3 and value[start - 1] == ":" and pair(start - 3):
        start, pairs = start - 3, pairs + 1
    return start if pairs >= 17 else None


def _row(name: str, value: str, indent: int = 2, width: int = 1000) -> str:
    """``name`` in a 23-column field, then ``value``; a value too long for ``width`` goes on.

    A long colon-separated hex value (a fingerprint, a key identifier) continues 16 bytes to a
    line, aligned under the value; other text wraps at spaces.
    """
    head = f"{' ' * indent}{name:<{23 - indent}}"
    line = f"{head}{value}".rstrip()
    if len(line) <= width:
        return line
    first, *rest = _continued(value, width - 23, " " * 23)
    return "\n".join([f"{head}{first}".rstrip(), *rest])


def _continued(value: str, room: int, pad: str) -> list[str]:
    """``value`` cut to ``room`` columns: the first piece, then the others with ``pad``."""
    start = _hex_tail(value)
    if start is not None:
        prefix, hexed = value[:start], value[start:]
        chunks = [hexed[i : i + 48].rstrip(":") for i in range(0, len(hexed), 48)]
        if prefix and len(prefix) + len(chunks[0]) > room:
            return [prefix.rstrip(), *(pad + chunk for chunk in chunks)]
        return [prefix + chunks[0], *(pad + chunk for chunk in chunks[1:])]
    pieces = textwrap.wrap(value, max(room, 20), break_long_words=False, break_on_hyphens=False)
    return [pieces[0], *(pad + piece for piece in pieces[1:])] if pieces else [""]


def _wrap(text: str, indent: int, width: int) -> list[str]:
    pad = " " * indent
    return textwrap.wrap(text, width=width, initial_indent=pad, subsequent_indent=pad)


def _render_certificate(c: CertificateDescription, width: int) -> list[str]:
    title = f"Certificate {c.number}"
    extra = [f"block {c.block}"] if c.block != c.number else []
    if c.alias:
        extra.append(f"alias {c.alias!r}")
    if extra:
        title += f" ({', '.join(extra)})"
    lines = [title]
    lines.append(
        _row("Version", f"{c.version} (0x{c.version - 1:x})" if c.version else "?", width=width)
    )
    lines.append(_row("Serial number", c.serial_colon.upper(), width=width))
    lines.append(_row("openssl -serial", c.serial_hex, 4, width=width))
    lines.append(_row("keytool", c.serial_keytool, 4, width=width))
    lines.append(
        _row(
            "Signature algorithm",
            f"{c.signature_algorithm} ({c.signature_algorithm_oid})",
            width=width,
        )
    )
    issuer = c.issuer
    if c.self_signed:
        issuer += "  (self-signed: issuer and signer are the subject itself)"
    elif c.issued_by:
        issuer += f"  (signed by certificate {c.issued_by})"
    lines.append(_row("Issuer", issuer, width=width))
    lines.append(_row("Validity", "", width=width))
    lines.append(_row("Not before", _when(c.validity.not_before), 4, width=width))
    lines.append(_row("Not after", _when(c.validity.not_after), 4, width=width))
    lines.append(_row("Status", f"{c.validity!s} (at {_when(c.validity.at)})", 4, width=width))
    lines.append(_row("Subject", c.subject, width=width))
    lines.append(
        _row("Public key", str(c.public_key) if c.public_key else "(cannot be read)", width=width)
    )
    lines += _render_extensions(c.extensions, width)
    lines.append("  Fingerprints (hashes of the DER bytes, not stored in the certificate)")
    for fp in c.fingerprints:
        lines.append(_row("keytool", fp.keytool, 4, width=width))
        lines.append(_row("openssl", fp.openssl, 4, width=width))
        lines.append(_row("RACF*", fp.racf[0], 4, width=width))
        lines += [_row("", more, 4, width=width) for more in fp.racf[1:]]
    lines.append("    * RACF line layout UNVERIFIED (the hex pairs are exact)")
    for problem in c.problems:
        lines.append(f"  CANNOT READ {problem.field}: {problem.message}")
    return lines


def _render_extensions(extensions: Sequence[ExtensionInfo], width: int) -> list[str]:
    lines = [f"  Extensions ({len(extensions)})"]
    for e in extensions:
        flag = "critical" if e.critical else "not critical"
        head = f"    {e.name} ({e.oid}), {flag}:"
        if len(f"{head} {e.value}") <= width:
            lines.append(f"{head} {e.value}")
        else:
            lines.append(head)
            first, *rest = _continued(e.value, width - 8, " " * 8)
            lines += [f"        {first}", *rest]
        where = f"{e.reference}: " if e.reference else ""
        lines += _wrap(where + e.meaning, 8, width)
        if e.problem:
            lines.append(f"        CANNOT READ: {e.problem}")
    return lines


def _render_request(r: RequestDescription, width: int) -> list[str]:
    title = f"Certificate signing request {r.number}"
    if r.block != r.number:
        title += f" (block {r.block})"
    lines = [title]
    lines.append(_row("Subject", r.subject, width=width))
    lines.append(
        _row("Public key", str(r.public_key) if r.public_key else "(cannot be read)", width=width)
    )
    lines.append(_row("Signature algorithm", r.signature_algorithm, width=width))
    signature = {
        True: "valid (the requester holds the private key)",
        False: "DOES NOT VERIFY",
        None: "(cannot be checked)",
    }[r.signature_valid]
    lines.append(_row("Signature", signature, width=width))
    lines += _render_extensions(r.extensions, width)
    for problem in r.problems:
        lines.append(f"  CANNOT READ {problem.field}: {problem.message}")
    return lines
