"""An annotated walk through the DER bytes of a certificate, CSR or CRL.

[`der_walk`][certkit.certificates.derwalk.der_walk] reads every TLV (tag, length, value) in the
bytes and
labels it with its place in the ASN.1 structure: ``tbsCertificate.serialNumber``,
``tbsCertificate.subject.rdnSequence[0][0].type`` and so on, with the field names of the ASN.1
modules of RFC 5280 (certificates and CRLs), RFC 2986 (requests) and RFC 3279 / RFC 5480
(keys and signatures).

The labels come from walking that structure, never from a table of offsets: the walker holds the
ASN.1 definitions (SEQUENCE, SEQUENCE OF, CHOICE, OPTIONAL and DEFAULT fields, EXPLICIT and
IMPLICIT tags, ``ANY DEFINED BY``) and matches each TLV against the definition of the field it
stands in. A TLV that does not fit its definition keeps a generic label and says why in its
[`Node`][certkit.certificates.derwalk.Node]'s ``problem``, so a damaged certificate is still walked
as far
as its bytes allow. Extension values, the RSA public key inside the subjectPublicKey BIT STRING and
the ECDSA signature inside the signature BIT STRING are DER inside DER: they are walked too, at
their real offsets in the outer bytes.

[`hex_view`][certkit.certificates.derwalk.hex_view] renders the walk as an annotated hex dump
(offset, bytes,
label) for a course page.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import textwrap
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, NamedTuple, TypeAlias

from certkit.datafiles import read_json
from certkit.errors import InputError

__all__ = [
    "MAX_DEPTH",
    "TLV",
    "DerError",
    "Kind",
    "Node",
    "Tag",
    "children",
    "der_walk",
    "detect_kind",
    "hex_view",
    "key_derivation_rounds",
    "oid_name",
    "read_tlv",
]

Kind: TypeAlias = Literal["auto", "certificate", "csr", "crl", "generic"]
"""What [`der_walk`][certkit.certificates.derwalk.der_walk] reads the bytes as. ``"auto"`` decides
from the
shape of the outer structure; ``"generic"`` walks any DER without field names."""

_CLASSES = ("universal", "application", "context", "private")

_MAX_TAG_OCTETS = 5
"""The most octets a high tag number takes (35 bits; X.509 uses numbers below 31)."""

_MAX_ARC_OCTETS = 20
"""The most octets one arc of an OBJECT IDENTIFIER takes (140 bits; a UUID arc takes 19)."""

MAX_DEPTH = 64
"""How deeply [`der_walk`][certkit.certificates.derwalk.der_walk] walks nested TLVs.

A certificate nests about 12 deep; a TLV deeper than this is listed with a problem and its
content is not walked, so that hostile DER nested thousands deep costs no more than flat DER.
"""

_UNIVERSAL = {
    1: "BOOLEAN",
    2: "INTEGER",
    3: "BIT STRING",
    4: "OCTET STRING",
    5: "NULL",
    6: "OBJECT IDENTIFIER",
    10: "ENUMERATED",
    12: "UTF8String",
    16: "SEQUENCE",
    17: "SET",
    18: "NumericString",
    19: "PrintableString",
    20: "T61String",
    22: "IA5String",
    23: "UTCTime",
    24: "GeneralizedTime",
    26: "VisibleString",
    28: "UniversalString",
    30: "BMPString",
}

_STRING_CODECS = {
    12: "utf-8",
    18: "ascii",
    19: "ascii",
    20: "latin-1",
    22: "ascii",
    26: "ascii",
    28: "utf-32-be",
    30: "utf-16-be",
}

_KEY_USAGE_BITS = (
    "digitalSignature",
    "nonRepudiation",
    "keyEncipherment",
    "dataEncipherment",
    "keyAgreement",
    "keyCertSign",
    "cRLSign",
    "encipherOnly",
    "decipherOnly",
)


class DerError(InputError):
    """The bytes are not well-formed DER (a length runs past the end, a tag is cut short).

    Attributes:
        offset: Where in the bytes the problem is.
    """

    def __init__(self, message: str, offset: int) -> None:
        super().__init__(message)
        self.offset = offset


@dataclass(frozen=True)
class Tag:
    """The identifier octets of a TLV.

    Attributes:
        cls: ``"universal"``, ``"application"``, ``"context"`` or ``"private"``.
        constructed: Whether the value is made of further TLVs.
        number: The tag number.
    """

    cls: str
    constructed: bool
    number: int

    @property
    def name(self) -> str:
        """``SEQUENCE``, ``INTEGER``, ... for universal tags; ``[0]`` for context tags."""
        if self.cls == "universal":
            return _UNIVERSAL.get(self.number, f"UNIVERSAL {self.number}")
        if self.cls == "context":
            return f"[{self.number}]"
        return f"[{self.cls.upper()} {self.number}]"


@dataclass(frozen=True)
class Node:
    """One TLV of the walk.

    Attributes:
        offset: Where the TLV starts (its first tag byte), from the start of the DER.
        header_length: The length of the tag and length octets.
        length: The length of the value (content) octets.
        tag: The tag.
        path: Where the TLV sits in the ASN.1 structure, with RFC 5280's field names, e.g.
            ``tbsCertificate.subject.rdnSequence[0][0].type``. ``[i]`` is the i-th element of a
            SEQUENCE OF or SET OF; a CHOICE adds the name of its alternative (``rdnSequence``,
            ``utcTime``, ``dNSName``). The outermost TLV has an empty path.
        depth: How deeply nested the TLV is (0 for the outermost).
        asn1_type: The ASN.1 type the structure expects here, e.g. ``AlgorithmIdentifier``,
            ``CertificateSerialNumber``, ``Time``; empty when the walk is generic.
        value: The decoded value: ``int`` (INTEGER), ``bool``, ``str`` (strings and OBJECT
            IDENTIFIERs, dotted), `datetime.datetime` (times, UTC), ``bytes`` (OCTET STRING, the
            bits of a BIT STRING), `ipaddress` objects (iPAddress), or ``None``.
        text: The value in words, e.g. ``2.5.4.10 organizationName`` or ``2 (v3)``.
        explicit: Whether this TLV is an EXPLICIT tag wrapped around the field's real value
            (which follows as its only child, with the same path).
        encapsulates: Whether the value of this OCTET STRING or BIT STRING is itself DER,
            walked as children (extension values, an RSA key, an ECDSA signature).
        problem: Why the TLV does not fit the structure or its value does not decode, or
            ``None``.
    """

    offset: int
    header_length: int
    length: int
    tag: Tag
    path: str
    depth: int
    asn1_type: str = ""
    value: Any = None
    text: str = ""
    explicit: bool = False
    encapsulates: bool = False
    problem: str | None = None

    @property
    def content_offset(self) -> int:
        """Where the value (content) octets start."""
        return self.offset + self.header_length

    @property
    def end(self) -> int:
        """The offset just after the TLV."""
        return self.offset + self.header_length + self.length

    @property
    def label(self) -> str:
        """The path, or the ASN.1 type for the outermost TLV (``Certificate``)."""
        return self.path or self.asn1_type or self.tag.name

    def to_dict(self) -> dict[str, Any]:
        """The node as JSON-ready data."""
        value = self.value
        if isinstance(value, bytes):
            value = value.hex()
        elif isinstance(value, dt.datetime):
            value = value.isoformat()
        elif value is not None and not isinstance(value, bool | int | str):
            value = str(value)
        return {
            "offset": self.offset,
            "header_length": self.header_length,
            "length": self.length,
            "tag": {
                "class": self.tag.cls,
                "constructed": self.tag.constructed,
                "number": self.tag.number,
                "name": self.tag.name,
            },
            "path": self.path,
            "depth": self.depth,
            "asn1_type": self.asn1_type,
            "value": value,
            "text": self.text,
            "explicit": self.explicit,
            "encapsulates": self.encapsulates,
            "problem": self.problem,
        }


# -- reading TLVs ---------------------------------------------------------------------------


def read_tlv(der: bytes, offset: int = 0, end: int | None = None) -> tuple[Tag, int, int]:
    """Read the tag and length octets of the TLV at ``offset``.

    Args:
        der: The bytes.
        offset: Where the TLV starts.
        end: Where the enclosing value ends (default: the end of ``der``); the TLV must fit.

    Returns:
        The tag, the header length and the content length.

    Raises:
        DerError: If the header is cut short, uses BER's indefinite length, or the value runs
            past ``end``.
    """
    end = len(der) if end is None else end
    if offset >= end:
        raise DerError(f"no TLV at offset {offset}: the data ends there", offset)
    first = der[offset]
    cls = _CLASSES[first >> 6]
    constructed = bool(first & 0x20)
    number = first & 0x1F
    pos = offset + 1
    if number == 0x1F:
        number = 0
        while True:
            if pos >= end:
                raise DerError(f"tag at offset {offset} is cut short", offset)
            if pos - offset > _MAX_TAG_OCTETS:
                raise DerError(f"tag number at offset {offset} is too big", offset)
            byte = der[pos]
            pos += 1
            number = (number << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
    if pos >= end:
        raise DerError(f"TLV at offset {offset} has no length octet: the data is truncated", offset)
    length = der[pos]
    pos += 1
    if length == 0x80:
        raise DerError(
            f"TLV at offset {offset} has an indefinite length: that is BER, not DER", offset
        )
    if length > 0x80:
        count = length & 0x7F
        if count > 8 or pos + count > end:
            raise DerError(f"length of the TLV at offset {offset} is cut short or too big", offset)
        length = int.from_bytes(der[pos : pos + count], "big")
        pos += count
    if pos + length > end:
        raise DerError(
            f"TLV at offset {offset} says its value is {length} bytes, but only "
            f"{end - pos} follow: the data is truncated",
            offset,
        )
    return Tag(cls, constructed, number), pos - offset, length


# Deliberate boilerplate: start and end say of a bare TLV what Node.content_offset and
# Node.end say of a walked one (a TLV is what the walk holds before it gives it a meaning).
class TLV(NamedTuple):
    """One tag-length-value as read, before the walk gives it a meaning.

    Attributes:
        offset: Where it starts (its first tag byte).
        tag: Its tag.
        hl: The length of its header (tag and length octets).
        length: The length of its content.
    """

    offset: int
    tag: Tag
    hl: int
    length: int

    @property
    def start(self) -> int:
        """Where the content starts."""
        return self.offset + self.hl

    @property
    def end(self) -> int:
        """The offset just after it."""
        return self.offset + self.hl + self.length


def children(der: bytes, start: int, end: int) -> list[TLV]:
    """The TLVs one after the other from ``start`` to ``end`` (a constructed value's content).

    Raises:
        DerError: If a TLV there is malformed or runs past ``end``.
    """
    out = []
    pos = start
    while pos < end:
        tag, hl, length = read_tlv(der, pos, end)
        out.append(TLV(pos, tag, hl, length))
        pos += hl + length
    return out


# -- OID names --------------------------------------------------------------------------------


def _load_names() -> dict[str, str]:
    names: dict[str, str] = dict(read_json("anatomy-oids.json")["names"])
    extensions = read_json("extensions.json")["extensions"]
    for oid, entry in extensions.items():
        names[oid] = entry["name"]
    return names


_NAMES: dict[str, str] | None = None


def oid_name(oid: str) -> str | None:
    """The name of an object identifier, e.g. ``organizationName`` for ``2.5.4.10``.

    Names come from certkit's data files (``anatomy-oids.json`` and ``extensions.json``), with
    the spelling of the RFC that defines each OID.

    Args:
        oid: A dotted OID.

    Returns:
        The name, or ``None`` for an OID certkit does not know.
    """
    global _NAMES
    if _NAMES is None:
        _NAMES = _load_names()
    return _NAMES.get(oid)


# -- decoding primitive values ---------------------------------------------------------------


def _decode_oid(content: bytes) -> str:
    if not content or content[-1] & 0x80:
        raise ValueError("OBJECT IDENTIFIER is empty or cut short")
    arcs: list[int] = []
    value = 0
    octets = 0
    for byte in content:
        octets += 1
        if octets > _MAX_ARC_OCTETS:  # each octet shifts a growing number: keep it small
            raise ValueError(f"OBJECT IDENTIFIER has an arc of more than {_MAX_ARC_OCTETS} octets")
        value = (value << 7) | (byte & 0x7F)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
            octets = 0
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    return ".".join(str(a) for a in head + arcs[1:])


def _decode_time(number: int, content: bytes) -> dt.datetime:
    text = content.decode("ascii")
    if not text.endswith("Z"):
        raise ValueError(f"time {text!r} does not end in Z (UTC), as DER requires")
    if number == 23:  # UTCTime: YYMMDDHHMMSSZ; RFC 5280 4.1.2.5.1: YY >= 50 means 19YY
        if len(text) != 13:
            raise ValueError(f"UTCTime {text!r} is not YYMMDDHHMMSSZ")
        year = int(text[:2])
        year += 1900 if year >= 50 else 2000
        rest = text[2:-1]
    else:
        if len(text) != 15:
            raise ValueError(f"GeneralizedTime {text!r} is not YYYYMMDDHHMMSSZ")
        year = int(text[:4])
        rest = text[4:-1]
    return dt.datetime(
        year,
        int(rest[0:2]),
        int(rest[2:4]),
        int(rest[4:6]),
        int(rest[6:8]),
        int(rest[8:10]),
        tzinfo=dt.UTC,
    )


def _hex(data: bytes, limit: int = 24) -> str:
    shown = ":".join(f"{b:02x}" for b in data[:limit])
    return shown + (f":... ({len(data)} bytes)" if len(data) > limit else "")


def _int_text(value: int) -> str:
    if -(2**63) <= value < 2**63:
        return str(value)
    return f"0x{value:x} ({(value.bit_length() + 7) // 8} bytes)"


def _decode(tag_number: int, content: bytes, how: str = "") -> tuple[Any, str]:
    """Decode a primitive value of universal type ``tag_number``; ``how`` refines it."""
    if tag_number == 1:
        if len(content) != 1:
            raise ValueError("BOOLEAN is not one byte")
        if content[0] not in (0x00, 0xFF):
            raise ValueError(f"BOOLEAN byte {content[0]:02x} is neither 00 nor ff (DER)")
        return content[0] == 0xFF, "TRUE" if content[0] else "FALSE"
    if tag_number in (2, 10):
        if not content:
            raise ValueError("INTEGER has no content bytes")
        number = int.from_bytes(content, "big", signed=True)
        if how == "version":
            return number, f"{number} (v{number + 1})"
        return number, _int_text(number)
    if tag_number == 3:
        if not content:
            raise ValueError("BIT STRING has no unused-bits byte")
        unused, bits = content[0], content[1:]
        if unused > 7:
            raise ValueError(f"BIT STRING says {unused} unused bits (at most 7)")
        if how == "keyUsage":
            names = [
                name
                for i, name in enumerate(_KEY_USAGE_BITS)
                if i // 8 < len(bits) and bits[i // 8] & (0x80 >> (i % 8))
            ]
            return bits, ", ".join(names) or "(no bits set)"
        return bits, f"{len(bits) * 8 - unused} bits: {_hex(bits)}"
    if tag_number == 4:
        if how == "ip":
            if len(content) in (4, 16):
                address = ipaddress.ip_address(content)
                return address, str(address)
            if len(content) in (8, 32):
                half = len(content) // 2
                net = ipaddress.ip_network(
                    (content[:half], bin(int.from_bytes(content[half:], "big")).count("1")),
                    strict=False,
                )
                return net, str(net)
            raise ValueError(f"iPAddress of {len(content)} bytes (4 or 16 expected)")
        return content, _hex(content)
    if tag_number == 5:
        if content:
            raise ValueError("NULL has content bytes")
        return None, "NULL"
    if tag_number == 6:
        oid = _decode_oid(content)
        name = oid_name(oid)
        return oid, f"{oid} {name}" if name else oid
    if tag_number in _STRING_CODECS:
        try:
            text = content.decode(_STRING_CODECS[tag_number])
        except UnicodeDecodeError:
            raise ValueError(
                f"{_UNIVERSAL[tag_number]} is not valid {_STRING_CODECS[tag_number]}: "
                f"{_hex(content)}"
            ) from None
        return text, repr(text)[1:-1] if how != "raw" else text
    if tag_number in (23, 24):
        try:
            when = _decode_time(tag_number, content)
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValueError(f"{_UNIVERSAL[tag_number]} does not decode: {exc}") from None
        return when, when.strftime("%Y-%m-%d %H:%M:%S UTC")
    return content, _hex(content)


# -- the ASN.1 structure --------------------------------------------------------------------

Values = dict[str, Any]
"""The decoded values of the fields already walked in a SEQUENCE (nested for SEQUENCEs)."""


@dataclass(frozen=True)
class _Prim:
    type_name: str
    number: int  # universal tag number of the underlying type
    how: str = ""


@dataclass(frozen=True)
class _AnyString:
    """A DirectoryString or any string type (AttributeValue in practice)."""

    type_name: str = "AttributeValue"


@dataclass(frozen=True)
class _Field:
    name: str
    spec: Spec
    optional: bool = False
    implicit: int | None = None
    explicit: int | None = None


@dataclass(frozen=True)
class _Seq:
    type_name: str
    fields: tuple[_Field, ...]


@dataclass(frozen=True)
class _SeqOf:
    type_name: str
    item: Spec
    is_set: bool = False


@dataclass(frozen=True)
class _Choice:
    type_name: str
    alternatives: tuple[_Field, ...]


@dataclass(frozen=True)
class _Defined:
    """ANY DEFINED BY, or an OCTET/BIT STRING holding DER whose type another field decides."""

    type_name: str
    resolve: Callable[[Values], tuple[str, Spec] | None]
    container: int | None = None  # 4: OCTET STRING wrapping DER, 3: BIT STRING wrapping DER
    how: str = ""


@dataclass(frozen=True)
class _Any:
    type_name: str = "ANY"


Spec: TypeAlias = _Prim | _AnyString | _Seq | _SeqOf | _Choice | _Defined | _Any

_OID = _Prim("OBJECT IDENTIFIER", 6)
_INT = _Prim("INTEGER", 2)
_BOOL = _Prim("BOOLEAN", 1)
_OCTETS = _Prim("OCTET STRING", 4)
_IA5 = _Prim("IA5String", 22)

_TIME = _Choice(
    "Time",
    (_Field("utcTime", _Prim("UTCTime", 23)), _Field("generalTime", _Prim("GeneralizedTime", 24))),
)
_ATV = _Seq(
    "AttributeTypeAndValue",
    (_Field("type", _Prim("AttributeType", 6)), _Field("value", _AnyString())),
)
_NAME = _Choice(
    "Name",
    (
        _Field(
            "rdnSequence",
            _SeqOf("RDNSequence", _SeqOf("RelativeDistinguishedName", _ATV, is_set=True)),
        ),
    ),
)


def _algorithm_parameters(values: Values) -> tuple[str, Spec] | None:
    oid = values.get("algorithm")
    if oid == "1.2.840.10045.2.1":  # id-ecPublicKey: ECParameters, a namedCurve OID (RFC 5480)
        return "", _Choice("ECParameters", (_Field("namedCurve", _OID),))
    return None  # NULL for RSA (RFC 3279); anything else is walked generically


_ALGORITHM = _Seq(
    "AlgorithmIdentifier",
    (
        _Field("algorithm", _OID),
        _Field("parameters", _Defined("ANY DEFINED BY algorithm", _algorithm_parameters), True),
    ),
)

_RSA_PUBLIC_KEY = _Seq(
    "RSAPublicKey", (_Field("modulus", _INT), _Field("publicExponent", _INT))
)  # RFC 3279 2.3.1
_ECDSA_SIG = _Seq("Ecdsa-Sig-Value", (_Field("r", _INT), _Field("s", _INT)))  # RFC 3279 2.2.3


def _public_key_bits(values: Values) -> tuple[str, Spec] | None:
    algorithm = values.get("algorithm", {}).get("algorithm")
    if algorithm == "1.2.840.113549.1.1.1":
        return "rsaPublicKey", _RSA_PUBLIC_KEY
    return None  # an EC point (RFC 5480 2.2) or an Ed25519 key is not DER inside


def _signature_bits(values: Values) -> tuple[str, Spec] | None:
    for key in ("signatureAlgorithm", "signature"):
        algorithm = values.get(key)
        if isinstance(algorithm, dict) and str(algorithm.get("algorithm", "")).startswith(
            "1.2.840.10045.4."
        ):
            return "ecdsaSigValue", _ECDSA_SIG
    return None


_SPKI = _Seq(
    "SubjectPublicKeyInfo",
    (
        _Field("algorithm", _ALGORITHM),
        _Field(
            "subjectPublicKey",
            _Defined("BIT STRING", _public_key_bits, container=3),
        ),
    ),
)

_OTHER_NAME = _Seq(
    "AnotherName",
    (_Field("type-id", _OID), _Field("value", _Any(), explicit=0)),
)
_GENERAL_NAME = _Choice(
    "GeneralName",
    (
        _Field("otherName", _OTHER_NAME, implicit=0),
        _Field("rfc822Name", _IA5, implicit=1),
        _Field("dNSName", _IA5, implicit=2),
        _Field("x400Address", _Any("ORAddress"), implicit=3),
        _Field("directoryName", _NAME, explicit=4),
        _Field("ediPartyName", _Any("EDIPartyName"), implicit=5),
        _Field("uniformResourceIdentifier", _IA5, implicit=6),
        _Field("iPAddress", _Prim("OCTET STRING", 4, "ip"), implicit=7),
        _Field("registeredID", _OID, implicit=8),
    ),
)
_GENERAL_NAMES = _SeqOf("GeneralNames", _GENERAL_NAME)

_KEY_ID = _Prim("KeyIdentifier", 4)
_GENERAL_SUBTREES = _SeqOf(
    "GeneralSubtrees",
    _Seq(
        "GeneralSubtree",
        (
            _Field("base", _GENERAL_NAME),
            _Field("minimum", _INT, True, implicit=0),
            _Field("maximum", _INT, True, implicit=1),
        ),
    ),
)
_DISTRIBUTION_POINT_NAME = _Choice(
    "DistributionPointName",
    (
        _Field("fullName", _GENERAL_NAMES, implicit=0),
        _Field(
            "nameRelativeToCRLIssuer", _SeqOf("RelativeDistinguishedName", _ATV, True), implicit=1
        ),
    ),
)

# The values of the extensions RFC 5280 defines (section 4.2), by extnID.
_EXTENSION_VALUES: dict[str, tuple[str, Spec]] = {
    "2.5.29.19": (
        "basicConstraints",
        _Seq(
            "BasicConstraints",
            (_Field("cA", _BOOL, True), _Field("pathLenConstraint", _INT, True)),
        ),
    ),
    "2.5.29.15": ("keyUsage", _Prim("KeyUsage", 3, "keyUsage")),
    "2.5.29.37": ("extKeyUsage", _SeqOf("ExtKeyUsageSyntax", _Prim("KeyPurposeId", 6))),
    "2.5.29.17": ("subjectAltName", _GENERAL_NAMES),
    "2.5.29.18": ("issuerAltName", _GENERAL_NAMES),
    "2.5.29.14": ("subjectKeyIdentifier", _KEY_ID),
    "2.5.29.35": (
        "authorityKeyIdentifier",
        _Seq(
            "AuthorityKeyIdentifier",
            (
                _Field("keyIdentifier", _KEY_ID, True, implicit=0),
                _Field("authorityCertIssuer", _GENERAL_NAMES, True, implicit=1),
                _Field(
                    "authorityCertSerialNumber",
                    _Prim("CertificateSerialNumber", 2),
                    True,
                    implicit=2,
                ),
            ),
        ),
    ),
    "2.5.29.30": (
        "nameConstraints",
        _Seq(
            "NameConstraints",
            (
                _Field("permittedSubtrees", _GENERAL_SUBTREES, True, implicit=0),
                _Field("excludedSubtrees", _GENERAL_SUBTREES, True, implicit=1),
            ),
        ),
    ),
    "2.5.29.31": (
        "cRLDistributionPoints",
        _SeqOf(
            "CRLDistributionPoints",
            _Seq(
                "DistributionPoint",
                (
                    # A tag on a CHOICE is always explicit (X.680 31.2.7).
                    _Field("distributionPoint", _DISTRIBUTION_POINT_NAME, True, explicit=0),
                    _Field("reasons", _Prim("ReasonFlags", 3), True, implicit=1),
                    _Field("cRLIssuer", _GENERAL_NAMES, True, implicit=2),
                ),
            ),
        ),
    ),
    "1.3.6.1.5.5.7.1.1": (
        "authorityInfoAccess",
        _SeqOf(
            "AuthorityInfoAccessSyntax",
            _Seq(
                "AccessDescription",
                (_Field("accessMethod", _OID), _Field("accessLocation", _GENERAL_NAME)),
            ),
        ),
    ),
    "2.5.29.32": (
        "certificatePolicies",
        _SeqOf(
            "CertificatePolicies",
            _Seq(
                "PolicyInformation",
                (
                    _Field("policyIdentifier", _Prim("CertPolicyId", 6)),
                    _Field(
                        "policyQualifiers",
                        _SeqOf(
                            "PolicyQualifiers",
                            _Seq(
                                "PolicyQualifierInfo",
                                (
                                    _Field("policyQualifierId", _OID),
                                    _Field("qualifier", _Any("Qualifier")),
                                ),
                            ),
                        ),
                        True,
                    ),
                ),
            ),
        ),
    ),
    "2.5.29.20": ("cRLNumber", _Prim("CRLNumber", 2)),
}


def _extension_value(values: Values) -> tuple[str, Spec] | None:
    return _EXTENSION_VALUES.get(str(values.get("extnID")))


_EXTENSION = _Seq(
    "Extension",
    (
        _Field("extnID", _OID),
        _Field("critical", _BOOL, True),
        _Field("extnValue", _Defined("OCTET STRING", _extension_value, container=4)),
    ),
)
_EXTENSIONS = _SeqOf("Extensions", _EXTENSION)

_TBS_CERTIFICATE = _Seq(
    "TBSCertificate",
    (
        _Field("version", _Prim("Version", 2, "version"), True, explicit=0),
        _Field("serialNumber", _Prim("CertificateSerialNumber", 2)),
        _Field("signature", _ALGORITHM),
        _Field("issuer", _NAME),
        _Field(
            "validity", _Seq("Validity", (_Field("notBefore", _TIME), _Field("notAfter", _TIME)))
        ),
        _Field("subject", _NAME),
        _Field("subjectPublicKeyInfo", _SPKI),
        _Field("issuerUniqueID", _Prim("UniqueIdentifier", 3), True, implicit=1),
        _Field("subjectUniqueID", _Prim("UniqueIdentifier", 3), True, implicit=2),
        _Field("extensions", _EXTENSIONS, True, explicit=3),
    ),
)
_SIGNATURE_VALUE = _Defined("BIT STRING", _signature_bits, container=3)
_CERTIFICATE = _Seq(
    "Certificate",
    (
        _Field("tbsCertificate", _TBS_CERTIFICATE),
        _Field("signatureAlgorithm", _ALGORITHM),
        _Field("signatureValue", _SIGNATURE_VALUE),
    ),
)


def _attribute_values(values: Values) -> tuple[str, Spec] | None:
    if values.get("type") == "1.2.840.113549.1.9.14":  # extensionRequest (RFC 2985 5.4.2)
        return "", _EXTENSIONS
    return None


# RFC 2986 section 4.
_CSR = _Seq(
    "CertificationRequest",
    (
        _Field(
            "certificationRequestInfo",
            _Seq(
                "CertificationRequestInfo",
                (
                    _Field("version", _Prim("INTEGER", 2, "version")),
                    _Field("subject", _NAME),
                    _Field("subjectPKInfo", _SPKI),
                    _Field(
                        "attributes",
                        _SeqOf(
                            "Attributes",
                            _Seq(
                                "Attribute",
                                (
                                    _Field("type", _OID),
                                    _Field(
                                        "values",
                                        _SeqOf(
                                            "SET OF AttributeValue",
                                            _Defined("AttributeValue", _attribute_values),
                                            is_set=True,
                                        ),
                                    ),
                                ),
                            ),
                            is_set=True,
                        ),
                        implicit=0,
                    ),
                ),
            ),
        ),
        _Field("signatureAlgorithm", _ALGORITHM),
        _Field("signature", _SIGNATURE_VALUE),
    ),
)

# RFC 5280 section 5.1.
_CRL = _Seq(
    "CertificateList",
    (
        _Field(
            "tbsCertList",
            _Seq(
                "TBSCertList",
                (
                    _Field("version", _Prim("Version", 2, "version"), True),
                    _Field("signature", _ALGORITHM),
                    _Field("issuer", _NAME),
                    _Field("thisUpdate", _TIME),
                    _Field("nextUpdate", _TIME, True),
                    _Field(
                        "revokedCertificates",
                        _SeqOf(
                            "revokedCertificates",
                            _Seq(
                                "revokedCertificate",
                                (
                                    _Field("userCertificate", _Prim("CertificateSerialNumber", 2)),
                                    _Field("revocationDate", _TIME),
                                    _Field("crlEntryExtensions", _EXTENSIONS, True),
                                ),
                            ),
                        ),
                        True,
                    ),
                    _Field("crlExtensions", _EXTENSIONS, True, explicit=0),
                ),
            ),
        ),
        _Field("signatureAlgorithm", _ALGORITHM),
        _Field("signatureValue", _SIGNATURE_VALUE),
    ),
)

_SCHEMAS: dict[str, _Seq] = {"certificate": _CERTIFICATE, "csr": _CSR, "crl": _CRL}


# -- the walk ---------------------------------------------------------------------------------


def _join(path: str, name: str) -> str:
    if not name:
        return path
    if name.startswith("["):
        return path + name
    return f"{path}.{name}" if path else name


def _expected_universal(spec: Spec) -> set[int] | None:
    """The universal tag numbers ``spec`` may start with (``None``: anything)."""
    if isinstance(spec, _Prim):
        return {spec.number}
    if isinstance(spec, _Seq | _SeqOf):
        return {17} if isinstance(spec, _SeqOf) and spec.is_set else {16}
    if isinstance(spec, _AnyString):
        return None  # AttributeValue is ANY DEFINED BY type; strings in practice
    if isinstance(spec, _Defined) and spec.container is not None:
        return {spec.container}
    return None


def _matches(f: _Field, tag: Tag) -> bool:
    """Whether a TLV with ``tag`` can be field ``f``."""
    if f.implicit is not None or f.explicit is not None:
        number = f.implicit if f.implicit is not None else f.explicit
        return tag.cls == "context" and tag.number == number
    if isinstance(f.spec, _Choice):
        return any(_matches(alt, tag) for alt in f.spec.alternatives)
    expected = _expected_universal(f.spec)
    return expected is None or (tag.cls == "universal" and tag.number in expected)


class _Tree:
    """The nodes of one walk, in document order, and the walk of bytes without a definition."""

    def __init__(self, der: bytes) -> None:
        self.der = der
        self.nodes: list[Node] = []

    def add(self, tlv: TLV, path: str, depth: int, **kw: Any) -> int:
        self.nodes.append(Node(tlv.offset, tlv.hl, tlv.length, tlv.tag, path, depth, **kw))
        return len(self.nodes) - 1

    def generic(
        self, tlv: TLV, path: str, depth: int, asn1_type: str = "", problem: str | None = None
    ) -> Any:
        """Walk a TLV without a definition: constructed values by index, primitives decoded."""
        if tlv.tag.constructed and depth >= MAX_DEPTH:  # hostile nesting: stop, and say so
            problem = problem or f"nested more than {MAX_DEPTH} levels deep: not walked further"
            self.add(tlv, path, depth, asn1_type=asn1_type, problem=problem)
            return None
        if tlv.tag.constructed:
            self.add(tlv, path, depth, asn1_type=asn1_type, problem=problem)
            for i, child in enumerate(children(self.der, tlv.start, tlv.end)):
                self.generic(child, _join(path, f"[{i}]"), depth + 1)
            return None
        raw = self.der[tlv.start : tlv.end]
        value: Any = raw
        text = _hex(raw)
        if tlv.tag.cls == "universal":
            try:
                value, text = _decode(tlv.tag.number, raw)
            except ValueError as exc:
                value, problem = None, problem or str(exc)
        self.add(tlv, path, depth, asn1_type=asn1_type, value=value, text=text, problem=problem)
        return value

    def primitive(
        self, tlv: TLV, path: str, depth: int, asn1_type: str, number: int, how: str
    ) -> Any:
        """Decode a primitive TLV as universal type ``number`` (``how``: a decoding variant)."""
        raw = self.der[tlv.start : tlv.end]
        problem = None
        try:
            value, text = _decode(number, raw, how)
        except ValueError as exc:
            value, text, problem = None, _hex(raw), str(exc)
        self.add(tlv, path, depth, asn1_type=asn1_type, value=value, text=text, problem=problem)
        return value


class _Walker:
    """Walks TLVs against the ASN.1 definitions, recording a Node for each in its tree."""

    def __init__(self, der: bytes) -> None:
        self.der = der
        self.tree = _Tree(der)

    def field(self, f: _Field, tlv: TLV, path: str, depth: int, values: Values) -> Any:
        """Walk a TLV known to match field ``f``."""
        if f.explicit is None:
            return self.typed(f.spec, tlv, path, depth, values, implicit=f.implicit is not None)
        if not tlv.tag.constructed:
            return self.tree.generic(
                tlv, path, depth, "", f"EXPLICIT [{f.explicit}] must be constructed"
            )
        self.tree.add(tlv, path, depth, asn1_type=f"[{f.explicit}] EXPLICIT", explicit=True)
        inner = children(self.der, tlv.start, tlv.end)
        if len(inner) != 1:
            for i, child in enumerate(inner):
                problem = "an EXPLICIT tag holds exactly one value"
                self.tree.generic(child, _join(path, f"[{i}]"), depth + 1, "", problem)
            return None
        return self.typed(f.spec, inner[0], path, depth + 1, values)

    def typed(
        self,
        spec: Spec,
        tlv: TLV,
        path: str,
        depth: int,
        values: Values,
        implicit: bool = False,
    ) -> Any:
        """Walk a TLV that stands for a value of type ``spec``."""
        tag = tlv.tag
        problem: str | None
        if isinstance(spec, _Choice):
            for alt in spec.alternatives:
                if _matches(alt, tag):
                    return self.field(alt, tlv, _join(path, alt.name), depth, values)
            problem = f"{tag.name} is none of the alternatives of {spec.type_name}"
            return self.tree.generic(tlv, path, depth, spec.type_name, problem)
        expected = None if implicit else _expected_universal(spec)
        if expected is not None and not (tag.cls == "universal" and tag.number in expected):
            names = " or ".join(sorted(_UNIVERSAL.get(n, str(n)) for n in expected))
            problem = f"expected {names}, found {tag.name}"
            return self.tree.generic(tlv, path, depth, spec.type_name, problem)
        if isinstance(spec, _Seq | _SeqOf):
            if not tag.constructed:
                problem = f"{spec.type_name} must be constructed"
                return self.tree.generic(tlv, path, depth, spec.type_name, problem)
            self.tree.add(tlv, path, depth, asn1_type=spec.type_name)
            if isinstance(spec, _Seq):
                return self.sequence(spec, tlv, path, depth + 1)
            # Items see the enclosing SEQUENCE's fields (SET OF ANY DEFINED BY type).
            return [
                self.typed(spec.item, item, _join(path, f"[{i}]"), depth + 1, values)
                for i, item in enumerate(children(self.der, tlv.start, tlv.end))
            ]
        if isinstance(spec, _Defined):
            resolved = spec.resolve(values)
            if spec.container is not None:
                return self.container(spec, resolved, tlv, path, depth)
            if resolved is None:
                return self.tree.generic(tlv, path, depth, spec.type_name)
            name, inner_spec = resolved
            return self.typed(inner_spec, tlv, _join(path, name), depth, {})
        if isinstance(spec, _Any) or (
            isinstance(spec, _AnyString)
            and (tag.cls != "universal" or tag.number not in _STRING_CODECS)
        ):
            return self.tree.generic(tlv, path, depth, spec.type_name)
        # A primitive: _Prim or _AnyString.
        if tag.constructed:
            return self.tree.generic(
                tlv, path, depth, spec.type_name, f"{spec.type_name} is primitive"
            )
        number, how = (spec.number, spec.how) if isinstance(spec, _Prim) else (tag.number, "")
        return self.tree.primitive(tlv, path, depth, spec.type_name, number, how)

    def container(
        self, spec: _Defined, resolved: tuple[str, Spec] | None, tlv: TLV, path: str, depth: int
    ) -> Any:
        """An OCTET STRING or BIT STRING whose content may be DER of a known type."""
        der = self.der
        problem: str | None
        if tlv.tag.constructed:
            return self.tree.generic(
                tlv, path, depth, spec.type_name, f"{spec.type_name} is primitive"
            )
        inner_start = tlv.start
        if spec.container == 3:
            if tlv.length < 1 or der[tlv.start] > 7:
                problem = "BIT STRING has no valid unused-bits byte"
                return self.tree.generic(tlv, path, depth, spec.type_name, problem)
            inner_start += 1
        raw = der[inner_start : tlv.end]
        if resolved is None or (spec.container == 3 and der[tlv.start] != 0):
            value, text = _decode(spec.container or 4, der[tlv.start : tlv.end])
            self.tree.add(tlv, path, depth, asn1_type=spec.type_name, value=value, text=text)
            return value
        name, inner_spec = resolved
        try:
            inner = children(der, inner_start, tlv.end)
        except DerError as exc:
            inner, problem = [], f"the value should be DER of {name}, but: {exc}"
        else:
            problem = None
            if len(inner) != 1:
                problem = f"the value should be one DER {name}, found {len(inner)} values"
        if problem is not None:
            self.tree.add(
                tlv,
                path,
                depth,
                asn1_type=spec.type_name,
                value=raw,
                text=_hex(raw),
                problem=problem,
            )
            return raw
        text = f"DER of {name} ({len(raw)} bytes)"
        index = self.tree.add(
            tlv, path, depth, asn1_type=spec.type_name, value=raw, encapsulates=True, text=text
        )
        mark = len(self.tree.nodes)
        result = self.typed(inner_spec, inner[0], _join(path, name), depth + 1, {})
        if any(node.problem for node in self.tree.nodes[mark:]):
            problem = f"the {name} inside does not decode"
            self.tree.nodes[index] = replace(self.tree.nodes[index], problem=problem)
        return result

    def sequence(self, spec: _Seq, tlv: TLV, path: str, depth: int) -> Values:
        """Match the children of a SEQUENCE to its fields, skipping absent OPTIONAL ones."""
        values: Values = {}
        fields = list(spec.fields)
        index = 0
        for child in children(self.der, tlv.start, tlv.end):
            while (
                index < len(fields)
                and fields[index].optional
                and not _matches(fields[index], child.tag)
            ):
                index += 1
            if index < len(fields) and _matches(fields[index], child.tag):
                f = fields[index]
                index += 1
                values[f.name] = self.field(f, child, _join(path, f.name), depth, values)
                continue
            if index < len(fields):
                problem = f"unexpected {child.tag.name}: expected {fields[index].name}"
                index += 1
            else:
                problem = f"unexpected {child.tag.name} after the last field of {spec.type_name}"
            self.tree.generic(child, _join(path, f"?{child.offset}"), depth, "", problem)
        return values


# Where a file says how much work deriving a key from its password takes: the OID of the
# algorithm (as DER bytes, all but the last arc), its possible last arcs, and which fields of
# the parameters SEQUENCE after it multiply to the cost.
_KDFS = (
    # PBKDF2 (.12) and PKCS #5 v1.5 PBES1 (.1, .3, .4, .6, .10, .11): {salt, iterationCount, ...}
    (bytes.fromhex("06092a864886f70d0105"), frozenset({1, 3, 4, 6, 10, 11, 12}), (1,)),
    # PKCS #12 PBE (RFC 7292 appendix C): pkcs-12PbeParams {salt, iterations}
    (bytes.fromhex("060a2a864886f70d010c01"), frozenset(range(1, 7)), (1,)),
    # scrypt (RFC 7914 section 7): {salt, costParameter, blockSize, parallelizationParameter}
    (bytes.fromhex("06092b06010401da4704"), frozenset({11}), (1, 2, 3)),
)
_HUGE = 2**64


def _small_int(der: bytes, tlv: TLV) -> int:
    """A non-negative INTEGER's value, at most 2**64 (read without converting a huge one)."""
    if tlv.tag != Tag("universal", False, 2) or tlv.length == 0:
        return 0
    content = der[tlv.start : tlv.end]
    if len(content.lstrip(b"\x00")) > 8:
        return 0 if content[0] & 0x80 else _HUGE
    return max(0, int.from_bytes(content, "big", signed=True))


def _kdf_cost(der: bytes, offset: int, fields: tuple[int, ...]) -> int:
    """The product of the INTEGER ``fields`` of the parameters SEQUENCE at ``offset``, or 0."""
    try:
        tag, hl, length = read_tlv(der, offset)
        if tag != Tag("universal", True, 16):
            return 0
        pos, end, cost = offset + hl, offset + hl + length, 1
        for index in range(max(fields) + 1):  # only the first few fields: constant work
            tag, hl, length = read_tlv(der, pos, end)
            if index in fields:
                cost *= _small_int(der, TLV(pos, tag, hl, length))
            pos += hl + length
    except DerError:
        return 0
    return min(cost, _HUGE)


def _mac_rounds(der: bytes) -> int:
    """The iterations of a PKCS #12 file's MacData (RFC 7292 section 4), or 0."""
    try:
        tag, hl, length = read_tlv(der)
        top = children(der, hl, hl + length) if tag == Tag("universal", True, 16) else []
        if len(top) < 3 or top[2].tag != Tag("universal", True, 16):
            return 0
        mac = children(der, top[2].start, top[2].end)
    except DerError:
        return 0
    return _small_int(der, mac[2]) if len(mac) >= 3 else 0


def key_derivation_rounds(der: bytes) -> int:
    """How many rounds of key derivation reading DER with a password would run.

    A PKCS #12 file and an encrypted private key say in their own bytes how often the password
    is hashed (PBKDF2 and PBES1 iteration counts, PKCS #12 PBE and MAC iterations, scrypt's
    cost): a few thousand in real files, but a hostile file can ask for billions and so hang
    whoever opens it. This finds every such count, at any depth (inside OCTET STRINGs too),
    by looking for the algorithms' OIDs, in time linear in the length of ``der``.

    Args:
        der: The DER bytes of a PKCS #12 file or an encrypted private key (any bytes work).

    Returns:
        The sum of the counts (for scrypt, N times r times p), each capped at 2**64; 0 when
        none is found.

    Examples:
        >>> params = bytes.fromhex("300e0408" + "11" * 8 + "020207d0")  # salt, 2000
        >>> key_derivation_rounds(bytes.fromhex("06092a864886f70d01050c") + params)
        2000
    """
    total = _mac_rounds(der)
    for prefix, last_arcs, fields in _KDFS:
        pos = der.find(prefix)
        while pos >= 0:
            after = pos + len(prefix)
            if after < len(der) and der[after] in last_arcs:
                total += _kdf_cost(der, after + 1, fields)
            pos = der.find(prefix, pos + 1)
    return total


def detect_kind(der: bytes) -> Literal["certificate", "csr", "crl", "generic"]:
    """What DER bytes hold, judged from the shape of the outer structure only.

    A certificate, CSR and CRL are all ``SEQUENCE { SEQUENCE {...}, AlgorithmIdentifier,
    BIT STRING }``; they differ in what the inner SEQUENCE starts with.

    Args:
        der: The bytes.

    Returns:
        ``"certificate"``, ``"csr"``, ``"crl"`` or ``"generic"`` (anything else, or not DER).
    """
    try:
        tag, hl, length = read_tlv(der)
        if tag != Tag("universal", True, 16):
            return "generic"
        outer = children(der, hl, hl + length)
        if len(outer) != 3 or outer[0][1] != Tag("universal", True, 16):
            return "generic"
        if outer[2][1] != Tag("universal", False, 3):
            return "generic"
        pos, _, h, n = outer[0]
        inner = children(der, pos + h, pos + h + n)
        if len(inner) < 3:
            return "generic"
        tags = [t for _, t, _, _ in inner]
        seq = Tag("universal", True, 16)
        if tags[0] == Tag("context", True, 0):
            return "certificate"
        if tags[0] == seq:
            return "crl"  # v1 CRL: starts with the signature AlgorithmIdentifier
        if tags[0] != Tag("universal", False, 2) or tags[1] != seq:
            return "generic"
        p, _, h, n = inner[1]
        second = children(der, p + h, p + h + n)
        if second and second[0][1] == Tag("universal", True, 17):
            return "csr"  # version, then the subject Name (a SEQUENCE OF SET)
        if len(tags) > 3 and tags[3].cls == "universal" and tags[3].number in (23, 24):
            return "crl"  # version, signature, issuer, thisUpdate
        return "certificate"  # v1: serialNumber, then signature
    except DerError:
        return "generic"


def der_walk(der: bytes, kind: Kind = "auto") -> list[Node]:
    """Walk DER bytes and label every TLV with its field in the ASN.1 structure.

    Args:
        der: The DER bytes of one certificate, CSR or CRL (or any DER with ``"generic"``).
        kind: What to read the bytes as; ``"auto"`` uses
            [`detect_kind`][certkit.certificates.derwalk.detect_kind].

    Returns:
        The TLVs in the order their first byte appears (a parent before its children).

    Raises:
        DerError: If the bytes are not DER: a length runs past the end of its container,
            bytes follow the outer TLV, or the data is empty.

    Examples:
        >>> from certkit.certificates.pki import Lab
        >>> der = Lab(seed="doc").root_ca("Doc Root").der
        >>> nodes = der_walk(der)
        >>> [(n.offset, n.path) for n in nodes][1:3]
        [(4, 'tbsCertificate'), (8, 'tbsCertificate.version')]
        >>> cn_type = "tbsCertificate.subject.rdnSequence[0][0].type"
        >>> cn = next(n for n in nodes if n.path == cn_type)
        >>> cn.text, der[cn.offset : cn.end].hex()
        ('2.5.4.3 commonName', '0603550403')
    """
    if not der:
        raise DerError("no bytes to walk", 0)
    chosen = detect_kind(der) if kind == "auto" else kind
    tag, hl, length = read_tlv(der)
    if hl + length != len(der):
        raise DerError(
            f"{len(der) - hl - length} bytes follow the end of the outer TLV at offset "
            f"{hl + length}",
            hl + length,
        )
    walker = _Walker(der)
    if chosen == "generic":
        walker.tree.generic(TLV(0, tag, hl, length), "", 0)
    else:
        walker.typed(_SCHEMAS[chosen], TLV(0, tag, hl, length), "", 0, {})
    return walker.tree.nodes


def hex_view(
    nodes: Sequence[Node] | bytes,
    der: bytes | None = None,
    *,
    width: int = 16,
    max_lines: int | None = None,
    paths: bool = True,
    columns: int | None = None,
) -> str:
    r"""An annotated hex dump: one line per TLV with its offset, bytes and label.

    Constructed TLVs show their tag and length bytes (their content follows as children);
    primitive TLVs show all their bytes, ``width`` to a line. With ``columns``, each TLV is
    stacked instead: its offset and label (wrapped to ``columns``), then its bytes, indented,
    so that the dump fits a narrow page.

    Args:
        nodes: The result of [`der_walk`][certkit.certificates.derwalk.der_walk], or DER bytes to
            walk.
        der: The bytes the nodes were read from (not needed when ``nodes`` is bytes).
        width: Bytes per line.
        max_lines: At most this many lines per TLV; longer values end in ``...``.
        paths: Label each line with the full path (``True``) or with the last field name,
            indented by depth (``False``).
        columns: Stack each TLV's label above its bytes and wrap it to this many columns
            (``None``: label and bytes on one line, however long).

    Returns:
        The dump, one line per row, ending with a newline.

    Raises:
        ValueError: If ``nodes`` is a list but ``der`` is not given.

    Examples:
        >>> from certkit.certificates.pki import Lab
        >>> der = Lab(seed="doc").root_ca("Doc Root").der
        >>> print(hex_view(der, width=8).splitlines()[3][:51])
        00000a  02 01 02                     tbsCertificate
        >>> print("\n".join(hex_view(der, columns=60).splitlines()[6:9]))
        00000a  tbsCertificate.version  INTEGER (Version) = 2 (v3)
                02 01 02
        00000d  tbsCertificate.serialNumber  INTEGER
    """
    if isinstance(nodes, bytes):
        der = nodes
        nodes = der_walk(der)
    if der is None:
        raise ValueError("give the DER bytes the nodes were read from")
    lines: list[str] = []
    pad = width * 3 - 1
    for node in nodes:
        if node.tag.constructed or node.encapsulates:
            shown = der[node.offset : node.content_offset + (1 if _bit_wrapper(node) else 0)]
        else:
            shown = der[node.offset : node.end]
        chunks = [shown[i : i + width] for i in range(0, len(shown), width)] or [b""]
        cut = max_lines is not None and len(chunks) > max_lines
        if cut and max_lines is not None:
            chunks = chunks[:max_lines]
        name = node.label if paths else "  " * node.depth + (_last(node.path) or node.label)
        label = f"{name}  {node.tag.name}"
        if node.asn1_type and node.asn1_type not in (node.tag.name, name) and not node.explicit:
            label += f" ({node.asn1_type})"
        if node.text and not node.tag.constructed and not node.encapsulates:
            label += f" = {node.text}"
        elif node.explicit:
            label += " EXPLICIT"
        if node.problem:
            label += f"  !! {node.problem}"
        hexed = [" ".join(f"{b:02x}" for b in chunk) for chunk in chunks]
        if cut:
            hexed[-1] += " ..."
        if columns is not None:
            lines += textwrap.wrap(
                label,
                columns,
                initial_indent=f"{node.offset:06x}  ",
                subsequent_indent=" " * 10,
                break_on_hyphens=False,
            )
            lines += [f"{' ' * 8}{row}".rstrip() for row in hexed]
            continue
        for i, row in enumerate(hexed):
            prefix = f"{node.offset + i * width:06x}" if i == 0 else " " * 6
            lines.append(f"{prefix}  {row:<{pad + 4}}  {label if i == 0 else ''}".rstrip())
    return "\n".join(lines) + "\n"


def _bit_wrapper(node: Node) -> bool:
    return node.encapsulates and node.tag == Tag("universal", False, 3)


def _last(path: str) -> str:
    cut = max(path.rfind("."), -1)
    return path[cut + 1 :]
