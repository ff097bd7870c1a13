"""Certificate hygiene: rules with a severity, a reason and a fix.

[`lint`][certkit.certificates.lint.lint] checks one certificate against the rules in
``certkit/data/lint_rules.json`` and returns a [`Finding`][certkit.certificates.lint.Finding] for
each rule
that fires. The rules are data (an id, a severity, a title, why the rule exists with its RFC 5280
or CA/Browser Forum Baseline Requirements reference, and the fix); each is implemented by a small
check function registered under the same id. [`RULES`][certkit.certificates.lint.RULES] lists them.

Which rules apply depends on the certificate's role (``server``, ``client`` or ``ca``).
[`detect_role`][certkit.certificates.lint.detect_role] reads it from the certificate; a caller who
knows
better passes ``role=``.

Severities:

* ``error``: the certificate breaks a MUST of RFC 5280 or the Baseline Requirements, or makes
  handshakes fail (``certkit lint`` exits with status 1);
* ``warning``: it works today but is fragile or non-compliant;
* ``info``: worth knowing, nothing to fix for most private CAs.

Examples:
    >>> from cryptography import x509
    >>> from certkit import Lab
    >>> from certkit.certificates.lint import lint
    >>> lab = Lab(seed="lint-example")
    >>> root = lab.root_ca("Example Root CA")
    >>> lint(lab.server(root, ["www.example.com"]).certificate, at=lab.now)
    []
    >>> no_san = [x509.SubjectAlternativeName]
    >>> cn_only = lab.server(root, ["old.example.com"], omit=no_san)
    >>> [f.rule for f in lint(cn_only.certificate, at=lab.now)]
    ['server-no-san']
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal, TypeVar, get_args

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, SignatureAlgorithmOID

from certkit.certificates.derwalk import (
    TLV,
    DerError,
    Tag,
    children,
    der_walk,
    oid_name,
    read_tlv,
)
from certkit.certificates.load import reason
from certkit.certificates.names import (
    common_name,
    distinguished_name,
    extended_key_usages,
    key_usages,
)
from certkit.datafiles import read_json
from certkit.defaults import EXPIRING_DAYS
from certkit.errors import InputError

__all__ = [
    "RULES",
    "Finding",
    "Report",
    "Reports",
    "Role",
    "Rule",
    "Severity",
    "detect_role",
    "lint",
    "lint_report",
]

Severity = Literal["error", "warning", "info"]
"""How bad a finding is: ``error``, ``warning`` or ``info``."""

Role = Literal["server", "client", "ca"]
"""What a certificate is for: a TLS ``server``, a TLS ``client``, or a ``ca`` that signs others."""

_SEVERITIES: tuple[Severity, ...] = get_args(Severity)
_ROLES: tuple[Role, ...] = get_args(Role)
_MAX_SERVER_VALIDITY = dt.timedelta(days=398)
_SECOND = dt.timedelta(seconds=1)


@dataclass(frozen=True)
class Rule:
    """A lint rule, as defined in ``certkit/data/lint_rules.json``.

    Attributes:
        id: The rule's identifier, e.g. ``"server-no-san"``.
        severity: ``"error"``, ``"warning"`` or ``"info"``.
        roles: The certificate roles the rule applies to.
        title: What the rule detects, in a few words.
        why: Why it matters, with the RFC or Baseline Requirements section.
        fix: What to do about it.
    """

    id: str
    severity: Severity
    roles: tuple[Role, ...]
    title: str
    why: str
    fix: str


@dataclass(frozen=True)
class Finding:
    """A rule that fired on a certificate.

    Attributes:
        rule: The rule's id (a key of [`RULES`][certkit.certificates.lint.RULES]).
        severity: The rule's severity.
        title: The rule's title.
        message: One line on what is wrong with this certificate.
        fix: What to do about it.
    """

    rule: str
    severity: Severity
    title: str
    message: str
    fix: str

    # Deliberate boilerplate: to_dict lists the fields as JSON keys, as every result type's does.
    def to_dict(self) -> dict[str, str]:
        """The finding as JSON-ready data."""
        return {
            "rule": self.rule,
            "severity": self.severity,
            "title": self.title,
            "message": self.message,
            "fix": self.fix,
        }


@dataclass(frozen=True)
class Report:
    """The findings for one certificate, with what they were checked against.

    Attributes:
        subject: The certificate's subject (RFC 4514 string).
        role: The role the certificate was checked as.
        role_reason: Why that role: ``"given"`` when the caller chose it, otherwise what in
            the certificate decided it.
        at: The time validity was checked at.
        findings: The findings, errors first.
        source: Where the certificate came from (a file name, ``"server.pem#2"`` for the second
            certificate of a file), or empty.
    """

    subject: str
    role: Role
    role_reason: str
    at: dt.datetime
    findings: list[Finding] = field(default_factory=list)
    source: str = ""

    def count(self, severity: Severity) -> int:
        """How many findings have this severity."""
        return sum(1 for f in self.findings if f.severity == severity)

    # Deliberate boilerplate: to_dict lists the fields as JSON keys, as every result type's does.
    def to_dict(self) -> dict[str, Any]:
        """The report as JSON-ready data."""
        return {
            "source": self.source,
            "subject": self.subject,
            "role": self.role,
            "role_reason": self.role_reason,
            "at": _iso(self.at),
            "findings": [f.to_dict() for f in self.findings],
        }

    def to_text(self) -> str:
        """The report for people: a heading, then two lines per finding (no final newline)."""
        label = f"{self.source}: " if self.source else ""
        how = "given" if self.role_reason == "given" else f"from {self.role_reason}"
        lines = [f"{label}{self.subject} (checked as {self.role}, {how})"]
        if not self.findings:
            lines.append("  ok: no findings")
        for finding in self.findings:
            lines.append(f"  {finding.severity:<7} {finding.rule}: {finding.message}")
            lines.append(f"          fix: {finding.fix}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Reports:
    """The reports of several certificates (``certkit lint`` prints them), with their totals.

    Attributes:
        reports: The reports, e.g. one per certificate of a chain file, in order.

    Examples:
        >>> import datetime as dt
        >>> from certkit.certificates.pki import Lab
        >>> lab = Lab(seed="lint-doc")
        >>> root = lab.root_ca("Doc Root")
        >>> at = dt.datetime(2026, 1, 2, tzinfo=dt.UTC)
        >>> report = lint_report(root.certificate, at=at, source="root.pem")
        >>> print(Reports((report,)).to_text())
        root.pem: CN=Doc Root (checked as ca, from basicConstraints CA:TRUE)
          ok: no findings
        1 certificate: 0 errors, 0 warnings, 0 info, checked at 2026-01-02T00:00:00Z
    """

    reports: tuple[Report, ...]

    def count(self, severity: Severity) -> int:
        """How many findings of all the reports have this severity."""
        return sum(r.count(severity) for r in self.reports)

    def to_dict(self) -> dict[str, Any]:
        """The reports as JSON-ready data.

        Returns:
            ``{"certificates": [...], "summary": {"certificates": n, "error": n, "warning": n,
            "info": n}}``, each certificate with its source, subject, role, role_reason, at and
            findings (rule, severity, title, message, fix).
        """
        summary: dict[str, int] = {"certificates": len(self.reports)}
        for severity in _SEVERITIES:
            summary[severity] = self.count(severity)
        return {"certificates": [r.to_dict() for r in self.reports], "summary": summary}

    def to_text(self) -> str:
        """The reports for people, one after the other, then a line of totals (no final newline)."""
        totals = {s: self.count(s) for s in _SEVERITIES}
        noun = "certificate" if len(self.reports) == 1 else "certificates"
        counts = ", ".join(
            f"{n} {s}{'' if n == 1 or s == 'info' else 's'}" for s, n in totals.items()
        )
        at = f", checked at {_iso(self.reports[0].at)}" if self.reports else ""
        return "\n".join(
            [*(r.to_text() for r in self.reports), f"{len(self.reports)} {noun}: {counts}{at}"]
        )


def _load_rules() -> Mapping[str, Rule]:
    rules: dict[str, Rule] = {}
    for raw in read_json("lint_rules.json")["rules"]:
        if raw["severity"] not in _SEVERITIES or not set(raw["roles"]) <= set(_ROLES):
            raise ValueError(f"lint_rules.json: rule {raw['id']!r} has a bad severity or role")
        if raw["id"] in rules:
            raise ValueError(f"lint_rules.json: rule {raw['id']!r} is defined twice")
        rules[raw["id"]] = Rule(
            id=raw["id"],
            severity=raw["severity"],
            roles=tuple(raw["roles"]),
            title=raw["title"],
            why=raw["why"],
            fix=raw["fix"],
        )
    return MappingProxyType(rules)


RULES: Mapping[str, Rule] = _load_rules()
"""Every lint rule by id, in the order of ``lint_rules.json`` (read-only)."""


# -- the certificate under inspection ------------------------------------------------------------


class _Unreadable(Exception):
    """A part of the certificate a check needs does not decode (a rule of its own reports it)."""


class _Subject:
    """A certificate with the parts the checks need, each parsed once.

    cryptography reads the subject, issuer, extensions and key only when asked, so a certificate
    can load and still fail on one of them. Each part that fails is kept as the exception
    (``*_problem``); a check that needs it raises ``_Unreadable`` and is skipped, and the rules
    ``extension-malformed``, ``duplicate-extension``, ``name-malformed`` and
    ``unknown-key-algorithm`` report the part itself.
    """

    def __init__(self, cert: x509.Certificate, role: Role, at: dt.datetime, expiring: int) -> None:
        self.cert = cert
        self.role = role
        self.at = at
        self.expiring_days = expiring
        self.extensions: x509.Extensions | None = None
        self.extensions_problem: Exception | None = None
        try:
            self.extensions = cert.extensions
        except (ValueError, x509.DuplicateExtension) as exc:
            self.extensions_problem = exc
        self.key: object = None
        self.key_problem: Exception | None = None
        try:
            self.key = cert.public_key()
        except (ValueError, UnsupportedAlgorithm) as exc:
            self.key_problem = exc
        self.names_problem: tuple[str, Exception] | None = None
        self.subject: x509.Name | None = None
        self.issuer: x509.Name | None = None
        for part in ("subject", "issuer"):
            try:
                name: x509.Name = getattr(cert, part)
                name.rfc4514_string()  # reads every attribute
            except (ValueError, TypeError) as exc:  # TypeError: an attribute of an impossible type
                self.names_problem = self.names_problem or (part, exc)
            else:
                setattr(self, part, name)

    def ext(self, kind: type[_E]) -> x509.Extension[_E] | None:
        if self.extensions is None:
            raise _Unreadable("extensions")
        try:
            return self.extensions.get_extension_for_class(kind)
        except x509.ExtensionNotFound:
            return None

    def names(self) -> tuple[x509.Name, x509.Name]:
        """The subject and the issuer."""
        if self.subject is None or self.issuer is None:
            raise _Unreadable("names")
        return self.subject, self.issuer

    @property
    def key_usage(self) -> x509.KeyUsage | None:
        found = self.ext(x509.KeyUsage)
        return found.value if found else None

    @property
    def eku(self) -> list[x509.ObjectIdentifier] | None:
        found = self.ext(x509.ExtendedKeyUsage)
        return list(found.value) if found else None

    @property
    def basic_constraints(self) -> x509.Extension[x509.BasicConstraints] | None:
        return self.ext(x509.BasicConstraints)

    @property
    def signing_only_key(self) -> bool:
        """EC and EdDSA keys sign (EC keys also agree); they never encrypt."""
        return isinstance(
            self.key, ec.EllipticCurvePublicKey | ed25519.Ed25519PublicKey | ed448.Ed448PublicKey
        )


_E = TypeVar("_E", bound=x509.ExtensionType)
_Check = Callable[[_Subject], str | None]
CHECKS: dict[str, _Check] = {}
"""Each rule id with the function that checks it (filled by the `_check` decorator below)."""


def _check(rule_id: str) -> Callable[[_Check], _Check]:
    def register(function: _Check) -> _Check:
        CHECKS[rule_id] = function
        return function

    return register


# -- helpers for messages --------------------------------------------------------------------------

_WEAK_SIGNATURES = {
    SignatureAlgorithmOID.RSA_WITH_MD5: "md5WithRSAEncryption (MD5)",
    SignatureAlgorithmOID.RSA_WITH_SHA1: "sha1WithRSAEncryption (SHA-1)",
    SignatureAlgorithmOID._RSA_WITH_SHA1: "sha1WithRSA (SHA-1, OIW)",
    SignatureAlgorithmOID.ECDSA_WITH_SHA1: "ecdsa-with-SHA1 (SHA-1)",
    SignatureAlgorithmOID.DSA_WITH_SHA1: "dsa-with-sha1 (SHA-1)",
    x509.ObjectIdentifier("1.2.840.113549.1.1.2"): "md2WithRSAEncryption (MD2)",
}


_NIST_CURVES = {"secp256r1": "P-256", "secp384r1": "P-384", "secp521r1": "P-521"}


def _key_name(key: object) -> str:
    if isinstance(key, rsa.RSAPublicKey):
        return f"RSA {key.key_size}-bit"
    if isinstance(key, ec.EllipticCurvePublicKey):
        nist = _NIST_CURVES.get(key.curve.name)
        return f"EC {nist} ({key.curve.name})" if nist else f"EC {key.curve.name}"
    if isinstance(key, ed25519.Ed25519PublicKey):
        return "Ed25519"
    if isinstance(key, ed448.Ed448PublicKey):
        return "Ed448"
    return "unknown"


def _usages(ku: x509.KeyUsage) -> str:
    return ", ".join(key_usages(ku)) or "no usage"


def _iso(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _serial_octets(cert: x509.Certificate) -> bytes:
    """The serial number's DER INTEGER content octets, read from the TBS certificate.

    Reading the bytes (rather than ``cert.serial_number``) gives the encoded length that
    RFC 5280's 20-octet limit is about, and avoids cryptography's warning about non-positive
    serial numbers, which the ``serial-not-positive`` rule reports instead.
    """
    tbs = cert.tbs_certificate_bytes
    try:
        _, header, length = read_tlv(tbs)  # TBSCertificate SEQUENCE
        fields = children(tbs, header, header + length)
    except DerError:
        raise InputError("the certificate's TBS part is not DER; it cannot be linted") from None
    if fields and fields[0].tag == Tag("context", True, 0):  # [0] EXPLICIT version
        fields = fields[1:]
    serial = fields[0] if fields else None
    if serial is None or serial.tag != Tag("universal", False, 2):
        raise InputError("the certificate's serial number is not an INTEGER; it cannot be linted")
    return tbs[serial.start : serial.end]


# -- the checks: one per rule id, each returns a one-line message when the rule fires ------------


@_check("server-no-san")
def _server_no_san(c: _Subject) -> str | None:
    san = c.ext(x509.SubjectAlternativeName)
    cn = common_name(c.names()[0])
    where = f"the name {cn!r} is only in the subject CN" if cn else "the subject has no CN either"
    if san is None:
        return f"no subjectAltName extension: {where}, which browsers and Go ignore"
    names = san.value.get_values_for_type(x509.DNSName) + [
        str(ip) for ip in san.value.get_values_for_type(x509.IPAddress)
    ]
    if not names:
        return f"subjectAltName has no DNS name or IP address: {where}"
    return None


def _eku_lacks(c: _Subject, usage: x509.ObjectIdentifier, name: str, peer: str) -> str | None:
    eku = c.eku
    if eku is None or usage in eku:
        return None
    return f"extendedKeyUsage lists {extended_key_usages(eku)} but not {name}: {peer} refuse it"


# Deliberate boilerplate: every rule below is a small function of one shape (read a part of
# the certificate, return None or a one-line message), one per rule id of lint_rules.json.
@_check("server-eku-no-serverauth")
def _server_eku(c: _Subject) -> str | None:
    return _eku_lacks(c, ExtendedKeyUsageOID.SERVER_AUTH, "serverAuth", "clients")


@_check("client-eku-no-clientauth")
def _client_eku(c: _Subject) -> str | None:
    return _eku_lacks(c, ExtendedKeyUsageOID.CLIENT_AUTH, "clientAuth", "servers")


@_check("leaf-no-eku")
def _leaf_no_eku(c: _Subject) -> str | None:
    if c.eku is not None:
        return None
    return f"no extendedKeyUsage: the {c.role} certificate is good for any purpose"


@_check("ca-has-eku")
def _ca_has_eku(c: _Subject) -> str | None:
    eku = c.eku
    if eku is None:
        return None
    subject, issuer = c.names()
    root = " (a root CA should carry none)" if issuer == subject else ""
    return (
        f"extendedKeyUsage {extended_key_usages(eku)} limits every certificate below this CA{root}"
    )


@_check("ku-encipherment-non-rsa")
def _ku_encipherment(c: _Subject) -> str | None:
    ku = c.key_usage
    if ku is None or not c.signing_only_key:
        return None
    bits = [n for n, on in (("keyEncipherment", ku.key_encipherment),
                             ("dataEncipherment", ku.data_encipherment)) if on]  # fmt: skip
    if not bits:
        return None
    return (
        f"keyUsage asserts {' and '.join(bits)} on an {_key_name(c.key)} key, which cannot encrypt"
    )


@_check("ku-key-agreement-wrong-key")
def _ku_key_agreement(c: _Subject) -> str | None:
    ku = c.key_usage
    if ku is None or not ku.key_agreement:
        return None
    if isinstance(c.key, rsa.RSAPublicKey | ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
        return f"keyUsage asserts keyAgreement on an {_key_name(c.key)} key, which cannot do (EC)DH"
    return None


@_check("ku-no-digital-signature")
def _ku_no_digital_signature(c: _Subject) -> str | None:
    ku = c.key_usage
    if ku is None or ku.digital_signature:
        return None
    has = _usages(ku)
    if isinstance(c.key, rsa.RSAPublicKey) and ku.key_encipherment and c.role == "server":
        return (
            f"keyUsage ({has}) lacks digitalSignature: only TLS 1.2 RSA key exchange can use "
            "this key; TLS 1.3 and ECDHE handshakes fail"
        )
    return f"keyUsage ({has}) lacks digitalSignature: the key cannot sign a TLS handshake"


@_check("ku-cert-sign-on-leaf")
def _ku_cert_sign_on_leaf(c: _Subject) -> str | None:
    ku = c.key_usage
    if ku is None or not ku.key_cert_sign:
        return None
    return f"keyUsage asserts keyCertSign on a {c.role} certificate, which is not a CA"


@_check("ca-no-basic-constraints")
def _ca_no_basic_constraints(c: _Subject) -> str | None:
    bc = c.basic_constraints
    if bc is None and c.cert.version == x509.Version.v1:
        return "a version 1 certificate, without extensions: nothing marks it as a CA"
    if bc is None:
        return "no basicConstraints extension: verifiers do not accept this certificate as a CA"
    if not bc.value.ca:
        return "basicConstraints says CA:FALSE: verifiers do not accept this certificate as a CA"
    return None


@_check("ca-no-key-cert-sign")
def _ca_no_key_cert_sign(c: _Subject) -> str | None:
    ku = c.key_usage
    if ku is None:
        return "no keyUsage extension: a CA certificate needs one with keyCertSign"
    if not ku.key_cert_sign:
        return f"keyUsage ({_usages(ku)}) lacks keyCertSign: this CA's signatures are refused"
    return None


@_check("ca-basic-constraints-not-critical")
def _ca_bc_not_critical(c: _Subject) -> str | None:
    bc = c.basic_constraints
    if bc is None or not bc.value.ca or bc.critical:
        return None
    return "basicConstraints CA:TRUE is not marked critical"


@_check("server-validity-over-398-days")
def _server_validity(c: _Subject) -> str | None:
    start, end = c.cert.not_valid_before_utc, c.cert.not_valid_after_utc
    period = end - start + _SECOND  # RFC 5280: notBefore through notAfter, inclusive
    if period <= _MAX_SERVER_VALIDITY:
        return None
    days = math.ceil(period / dt.timedelta(days=1))
    return (
        f"valid for {days} days, {_iso(start)} through {_iso(end)} inclusive; the limit is 398 days"
    )


@_check("expired")
def _expired(c: _Subject) -> str | None:
    end = c.cert.not_valid_after_utc
    if c.at <= end:
        return None
    return f"expired {_ago(c.at - end)} ago, at {_iso(end)} (checked at {_iso(c.at)})"


@_check("not-yet-valid")
def _not_yet_valid(c: _Subject) -> str | None:
    start = c.cert.not_valid_before_utc
    if c.at >= start:
        return None
    return f"valid only from {_iso(start)}, {_ago(start - c.at)} after {_iso(c.at)}"


@_check("expiring-soon")
def _expiring_soon(c: _Subject) -> str | None:
    end = c.cert.not_valid_after_utc
    left = end - c.at
    if left < dt.timedelta(0) or left > dt.timedelta(days=c.expiring_days):
        return None
    return f"expires in {_ago(left)}, at {_iso(end)} (warning window: {c.expiring_days} days)"


@_check("rsa-key-too-small")
def _rsa_key_too_small(c: _Subject) -> str | None:
    if isinstance(c.key, rsa.RSAPublicKey) and c.key.key_size < 2048:
        return f"the RSA key has {c.key.key_size} bits; at least 2048 are required"
    return None


@_check("weak-signature-hash")
def _weak_signature_hash(c: _Subject) -> str | None:
    name = _WEAK_SIGNATURES.get(c.cert.signature_algorithm_oid)
    if name is None and c.cert.signature_algorithm_oid == SignatureAlgorithmOID.RSASSA_PSS:
        try:
            hash_name = c.cert.signature_hash_algorithm
        except UnsupportedAlgorithm:
            hash_name = None
        if hash_name is not None and hash_name.name in ("sha1", "md5"):
            name = f"RSASSA-PSS with {hash_name.name.upper().replace('SHA1', 'SHA-1')}"
    if name is None:
        return None
    return f"signed with {name}, a hash with known collisions"


@_check("serial-not-positive")
def _serial_not_positive(c: _Subject) -> str | None:
    octets = _serial_octets(c.cert)
    value = int.from_bytes(octets, "big", signed=True)
    if value > 0:
        return None
    return f"the serial number is {'zero' if value == 0 else f'negative ({value})'}"


@_check("serial-too-long")
def _serial_too_long(c: _Subject) -> str | None:
    octets = _serial_octets(c.cert)
    if len(octets) <= 20:
        return None
    return f"the serial number is {len(octets)} octets long; the limit is 20"


@_check("serial-low-entropy")
def _serial_low_entropy(c: _Subject) -> str | None:
    value = int.from_bytes(_serial_octets(c.cert), "big", signed=True)
    if value <= 0 or value.bit_length() >= 64:
        return None  # serial-not-positive covers zero and negative serials
    return f"the serial number {value:#x} has {value.bit_length()} bits, fewer than 64"


@_check("extensions-not-v3")
def _extensions_not_v3(c: _Subject) -> str | None:
    version = c.cert.version
    if version == x509.Version.v3 or not _has_extensions_field(c.cert):
        return None
    return (
        f"a version {version.value + 1} certificate with extensions, which only version 3 may carry"
    )


@_check("duplicate-extension")
def _duplicate_extension(c: _Subject) -> str | None:
    problem = c.extensions_problem
    if not isinstance(problem, x509.DuplicateExtension):
        return None
    oid = problem.oid.dotted_string
    return (
        f"the extension {_oid_text(oid)} appears more than once; no verifier can tell which counts"
    )


@_check("extension-malformed")
def _extension_malformed(c: _Subject) -> str | None:
    problem = c.extensions_problem
    if problem is None or isinstance(problem, x509.DuplicateExtension):
        return None
    return f"the extensions do not decode ({reason(problem)})"


@_check("unknown-critical-extension")
def _unknown_critical_extension(c: _Subject) -> str | None:
    if c.extensions is None:
        raise _Unreadable("extensions")
    unknown = [
        _oid_text(e.oid.dotted_string)
        for e in c.extensions
        if e.critical and isinstance(e.value, x509.UnrecognizedExtension)
    ]
    if not unknown:
        return None
    listed = ", ".join(unknown[:3]) + (f" and {len(unknown) - 3} more" if len(unknown) > 3 else "")
    return f"critical extension {listed} is unknown: a verifier must reject the certificate"


@_check("name-malformed")
def _name_malformed(c: _Subject) -> str | None:
    if c.names_problem is None:
        return None
    part, problem = c.names_problem
    return f"the {part} name does not decode ({reason(problem)})"


@_check("unknown-key-algorithm")
def _unknown_key_algorithm(c: _Subject) -> str | None:
    problem = c.key_problem
    if problem is None:
        return None
    algorithm = _oid_text(c.cert.public_key_algorithm_oid.dotted_string)
    if isinstance(problem, UnsupportedAlgorithm):
        return f"the public key's algorithm {algorithm} is unknown: no peer can use the key"
    return f"the public key ({algorithm}) does not decode ({reason(problem)})"


@_check("unknown-signature-algorithm")
def _unknown_signature_algorithm(c: _Subject) -> str | None:
    try:
        _ = c.cert.signature_hash_algorithm  # cryptography knows the algorithm, or raises
    except UnsupportedAlgorithm:
        oid = c.cert.signature_algorithm_oid.dotted_string
        return f"signed with {_oid_text(oid)}, an algorithm no verifier here knows"
    return None


@_check("signature-algorithm-mismatch")
def _signature_algorithm_mismatch(c: _Subject) -> str | None:
    inner, outer = _signature_algorithms(c.cert)
    if inner == outer:
        return None
    return (
        f"the signed part names {_algorithm_text(inner)}, the signature "
        f"{_algorithm_text(outer)}: they must be the same"
    )


def _oid_text(oid: str) -> str:
    name = oid_name(oid)
    return f"{name} ({oid})" if name else oid


def _tbs_fields(cert: x509.Certificate) -> list[TLV]:
    """The TBSCertificate's fields (version, serialNumber, signature, ...), as TLVs."""
    tbs = cert.tbs_certificate_bytes
    try:
        _, header, length = read_tlv(tbs)
        return children(tbs, header, header + length)
    except DerError:
        raise InputError("the certificate's TBS part is not DER; it cannot be linted") from None


def _has_extensions_field(cert: x509.Certificate) -> bool:
    return any(f.tag == Tag("context", True, 3) for f in _tbs_fields(cert))


def _signature_algorithms(cert: x509.Certificate) -> tuple[bytes, bytes]:
    """The DER of tbsCertificate.signature and of the outer signatureAlgorithm."""
    tbs = cert.tbs_certificate_bytes
    fields = [f for f in _tbs_fields(cert) if f.tag.cls == "universal"]
    inner = tbs[fields[1].offset : fields[1].end] if len(fields) > 1 else b""
    der = cert.public_bytes(serialization.Encoding.DER)
    _, header, length = read_tlv(der)
    top = children(der, header, header + length)
    outer = der[top[1].offset : top[1].end] if len(top) > 1 else b""
    return inner, outer


def _algorithm_text(der: bytes) -> str:
    """An AlgorithmIdentifier's OID in words, e.g. ``ecdsa-with-SHA256 (1.2.840.10045.4.3.2)``."""
    try:
        nodes = der_walk(der, "generic")
    except DerError:
        nodes = []
    oids = [n.value for n in nodes[1:2] if n.tag == Tag("universal", False, 6) and n.value]
    params = " with other parameters" if len(nodes) > 2 else ""
    return _oid_text(str(oids[0])) + params if oids else f"the bytes {der.hex()[:24]}"


def _ago(delta: dt.timedelta) -> str:
    seconds = int(delta.total_seconds())
    if seconds >= 2 * 86400:
        return f"{seconds // 86400} days"
    if seconds >= 7200:
        return f"{seconds // 3600} hours"
    if seconds >= 120:
        return f"{seconds // 60} minutes"
    return f"{seconds} seconds"


# -- public API ------------------------------------------------------------------------------------


def detect_role(cert: x509.Certificate) -> tuple[Role, str]:
    """Tell from the certificate whether it is a CA, a server or a client certificate.

    In order: basicConstraints CA:TRUE, or keyCertSign without basicConstraints, makes a CA;
    an extendedKeyUsage with serverAuth makes a server, with clientAuth (and no serverAuth) a
    client; otherwise a subjectAltName with DNS names or IP addresses makes a server, one with
    only e-mail addresses or URIs a client. A certificate that shows none of these is taken for
    a server certificate, the most common case; pass ``role=`` to
    [`lint`][certkit.certificates.lint.lint] when that is wrong.

    Args:
        cert: The certificate.

    Returns:
        The role and what decided it, e.g. ``("server", "extendedKeyUsage serverAuth")``.

    A certificate whose extensions do not decode is taken for a server certificate, and says so.
    """
    subject = _Subject(cert, "server", dt.datetime.now(dt.UTC), 0)
    if subject.extensions is None:
        return "server", "nothing readable says otherwise: the extensions do not decode (assumed)"
    bc = subject.basic_constraints
    if bc is not None and bc.value.ca:
        return "ca", "basicConstraints CA:TRUE"
    ku = subject.key_usage
    if bc is None and ku is not None and ku.key_cert_sign:
        return "ca", "keyUsage keyCertSign"
    eku = subject.eku or []
    if ExtendedKeyUsageOID.SERVER_AUTH in eku:
        return "server", "extendedKeyUsage serverAuth"
    if ExtendedKeyUsageOID.CLIENT_AUTH in eku:
        return "client", "extendedKeyUsage clientAuth"
    san = subject.ext(x509.SubjectAlternativeName)
    if san is not None:
        value = san.value
        if value.get_values_for_type(x509.DNSName) or value.get_values_for_type(x509.IPAddress):
            return "server", "subjectAltName DNS name or IP address"
        if value.get_values_for_type(x509.RFC822Name) or value.get_values_for_type(
            x509.UniformResourceIdentifier
        ):
            return "client", "subjectAltName e-mail address or URI"
    return "server", "nothing says otherwise (assumed)"


def _moment(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return dt.datetime.now(dt.UTC)
    if at.tzinfo is None:
        raise InputError(
            "the time to check at needs a time zone: pass e.g. datetime(..., tzinfo=UTC)"
        )
    return at.astimezone(dt.UTC)


def lint_report(
    cert: x509.Certificate,
    *,
    role: Role | None = None,
    at: dt.datetime | None = None,
    expiring_days: int = EXPIRING_DAYS,
    source: str = "",
) -> Report:
    """Lint a certificate and say what it was checked against.

    Args:
        cert: The certificate.
        role: ``"server"``, ``"client"`` or ``"ca"``; ``None`` detects it with
            [`detect_role`][certkit.certificates.lint.detect_role].
        at: The moment validity is checked at (time-zone aware); ``None`` means now.
        expiring_days: Warn when the certificate expires within this many days of ``at``.
        source: Where the certificate came from, for the report.

    Returns:
        The report, its findings errors first, then warnings, then info, each in rule order.

    Raises:
        InputError: If ``role`` is unknown, ``at`` has no time zone, ``expiring_days`` is
            negative, or the certificate cannot be read far enough to lint it.
    """
    if role is not None and role not in _ROLES:
        raise InputError(f"role {role!r}: use one of {', '.join(_ROLES)}")
    if expiring_days < 0:
        raise InputError(f"expiring days {expiring_days}: give 0 or more")
    moment = _moment(at)
    if role is None:
        chosen, reason = detect_role(cert)
    else:
        chosen, reason = role, "given"
    subject = _Subject(cert, chosen, moment, expiring_days)
    findings: list[Finding] = []
    for rule in RULES.values():
        if chosen not in rule.roles:
            continue
        try:
            message = CHECKS[rule.id](subject)
        except _Unreadable:  # the part it needs does not decode: another rule reports that
            continue
        if message is not None:
            findings.append(Finding(rule.id, rule.severity, rule.title, message, rule.fix))
    findings.sort(key=lambda f: _SEVERITIES.index(f.severity))
    name = distinguished_name(subject.subject) if subject.subject else "(subject does not decode)"
    return Report(name, chosen, reason, moment, findings, source)


def lint(
    cert: x509.Certificate,
    *,
    role: Role | None = None,
    at: dt.datetime | None = None,
    expiring_days: int = EXPIRING_DAYS,
) -> list[Finding]:
    """Check a certificate against every rule that applies to its role.

    Args:
        cert: The certificate.
        role: ``"server"``, ``"client"`` or ``"ca"``; ``None`` detects it with
            [`detect_role`][certkit.certificates.lint.detect_role].
        at: The moment validity is checked at (time-zone aware); ``None`` means now.
        expiring_days: Warn when the certificate expires within this many days of ``at``.

    Returns:
        The findings, errors first; an empty list for a clean certificate.

    Raises:
        InputError: As [`lint_report`][certkit.certificates.lint.lint_report] does.
    """
    return lint_report(cert, role=role, at=at, expiring_days=expiring_days).findings
