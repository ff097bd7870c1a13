"""Verify a certificate chain for a server name or for client use, and explain a failure.

The verdict always comes from cryptography's verifier, ``cryptography.x509.verification``
(RFC 5280 path validation with the web PKI profile): certkit never builds or validates a path
itself. When cryptography rejects a chain, certkit explains the rejection: it reads
cryptography's message, then inspects the certificates to name the broken link (which
certificate, its subject and issuer), the rule (with its RFC section) and the fix, also as a
sketch of RACF key ring commands. The explanations are data, kept in
``certkit/data/verify_failures.json``.

Examples:
    >>> from certkit.certificates.pki import Lab
    >>> from certkit.certificates.verify import verify_chain
    >>> lab = Lab(seed="verify-example")
    >>> pki = lab.pki(["localhost"])
    >>> result = verify_chain(
    ...     pki.server.certificate,
    ...     [pki.intermediate.certificate],
    ...     [pki.root.certificate],
    ...     host="example.com",
    ...     at=lab.now,
    ... )
    >>> result.ok, result.failure.kind if result.failure else None
    (False, 'name-mismatch')
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import ipaddress
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, TypeVar

from cryptography import x509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID
from cryptography.x509.verification import (
    Criticality,
    ExtensionPolicy,
    Policy,
    PolicyBuilder,
    Store,
    VerificationError,
)

from certkit.certificates.load import reason
from certkit.certificates.names import (
    common_name,
    extended_key_usages,
    general_name,
    host_name,
    signed_by,
)
from certkit.datafiles import read_json
from certkit.defaults import RING_NAME, RING_OWNER
from certkit.errors import InputError, quote

__all__ = [
    "FACT_NAMES",
    "FAILURE_CLASSES",
    "Failure",
    "Verification",
    "check_ring",
    "client_leaf_policy",
    "message_group",
    "verify_chain",
]

FAILURE_CLASSES: tuple[str, ...] = (
    "expired",
    "not-yet-valid",
    "unknown-issuer",
    "missing-intermediate",
    "name-mismatch",
    "wrong-eku",
    "issuer-not-ca",
    "issuer-key-usage",
    "path-length",
    "name-constraints",
    "bad-signature",
    "leaf-is-ca",
    "client-no-san",
    "max-depth",
    "resource-limit",
    "algorithm",
    "critical-extension",
    "malformed",
    "other",
)
"""Every value of [`Failure.kind`][certkit.certificates.verify.Failure], each explained in the data
file."""

FACT_NAMES: tuple[str, ...] = (
    "algorithm",
    "altname",
    "at",
    "basic_constraints",
    "below",
    "ca",
    "ca_label",
    "ca_role",
    "candidates",
    "child",
    "cn",
    "constraints",
    "depth",
    "eku",
    "host",
    "host_label",
    "host_or_names",
    "host_q",
    "issuer",
    "issuer_label",
    "label",
    "leaf",
    "leaf_eku",
    "leaf_label",
    "leaf_role",
    "message",
    "names",
    "new_ca_label",
    "new_label",
    "not_after",
    "not_before",
    "path_length",
    "purpose",
    "purpose_text",
    "reversed_subject",
    "role",
    "subject",
    "subject_cn",
)
"""The facts every explanation in ``verify_failures.json`` can use as ``{placeholders}``.

The RACF sketches (``keyring`` templates) can also use ``{owner}`` and ``{ring}``. A data file
test holds every placeholder of the file to this list.
"""

_E = TypeVar("_E", bound=x509.ExtensionType)
_CLIENT_WITHOUT_SAN = (
    "the client certificate has no subjectAltName. RFC 5280 needs none when the subject names "
    "the client, and servers (Liberty, JSSE, OpenSSL) map the subject DN; cryptography's "
    "default client profile requires one, and certkit relaxes that one rule."
)
_MAX_LISTED = 8
_NAME_CONSTRAINTS_OID = bytes.fromhex("0603551d1e")  # DER of OID 2.5.29.30, for unreadable ones
_WIDTH = 78
_MAX_SIGNATURE_PROBES = 16
_RACF_USER = re.compile(r"^[A-Z0-9$#@]{1,8}$")
_RACF_RING = re.compile(r"^[^\s'()]{1,237}$")


def check_ring(owner: str, ring: str) -> tuple[str, str]:
    """A key ring's owner and name as a RACF sketch may use them (the owner in upper case).

    Raises:
        InputError: If ``owner`` is not a RACF user ID (1 to 8 of A-Z 0-9 $ # @) or ``ring``
            not a ring name (1 to 237 characters without blanks, quotes or parentheses).

    Examples:
        >>> check_ring("zcsrv1", "ZCEE.Ring")
        ('ZCSRV1', 'ZCEE.Ring')
    """
    owner = owner.upper()
    if not _RACF_USER.match(owner):
        raise InputError(
            f"ring owner {quote(owner)}: give a RACF user ID of 1 to 8 characters (A-Z 0-9 $ # @)"
        )
    if not _RACF_RING.match(ring) or not ring.isprintable():
        raise InputError(
            f"ring name {quote(ring)}: give 1 to 237 characters without blanks, quotes "
            "or parentheses"
        )
    return owner, ring


@functools.cache
def _catalogue() -> dict[str, Any]:
    data: dict[str, Any] = read_json("verify_failures.json")
    return data


@dataclass(frozen=True)
class Failure:
    """Why a chain did not verify: the broken link, the rule and the fix.

    Attributes:
        kind: The failure class, one of
            [`FAILURE_CLASSES`][certkit.certificates.verify.FAILURE_CLASSES]
            (e.g. ``"expired"``, ``"missing-intermediate"``).
        title: A short title, e.g. ``"certificate expired"``.
        message: cryptography's error message, verbatim: the verdict being explained.
        certificate: The certificate at the broken link, or ``None`` when no single
            certificate is at fault (a chain too long, the verifier's limits).
        role: What that certificate is in the chain, e.g. ``"server certificate"`` or
            ``"intermediate CA certificate"``.
        detail: What is wrong, naming the certificate by subject and issuer.
        rule: The rule that was broken, in words.
        rfc: Where the rule is written, e.g. ``"RFC 5280, section 4.1.2.5 (validity) ..."``.
        fix: What to do about it.
        notes: Further findings (e.g. the subject CN equals the host but is not used).
        facts: The values filled into the texts (subject, issuer, dates, host, names, ...).
        keyring_template: The RACF sketch before the ring owner and ring are filled in; see
            [`keyring_fix`][certkit.certificates.verify.Failure.keyring_fix].
    """

    kind: str
    title: str
    message: str
    certificate: x509.Certificate | None
    role: str
    detail: str
    rule: str
    rfc: str
    fix: str
    notes: tuple[str, ...] = ()
    facts: Mapping[str, str] = field(default_factory=dict, repr=False)
    keyring_template: tuple[str, ...] = field(default=(), repr=False)

    @property
    def subject(self) -> str | None:
        """The subject of the certificate at the broken link (RFC 4514), if there is one."""
        return _name(_subject(self.certificate)) if self.certificate is not None else None

    @property
    def issuer(self) -> str | None:
        """The issuer of the certificate at the broken link (RFC 4514), if there is one."""
        return _name(_issuer(self.certificate)) if self.certificate is not None else None

    def keyring_fix(self, owner: str = RING_OWNER, ring: str = RING_NAME) -> str:
        """The fix as RACF commands: a sketch to adapt, not a script to run as is.

        Labels are derived from the certificates' common names and data set names start with
        ``HLQ``; check both against your RACF database (``RACDCERT ... LIST``) before use.

        Args:
            owner: The user ID that owns the key ring (1 to 8 characters).
            ring: The key ring's name.

        Returns:
            TSO commands, one per line (``+`` continues a command on the next line).

        Raises:
            InputError: If ``owner`` or ``ring`` cannot be a RACF user ID or ring name.
        """
        owner, ring = check_ring(owner, ring)
        values = dict(self.facts, owner=owner, ring=ring)
        return "\n".join(line.format_map(values) for line in self.keyring_template)

    def to_dict(self, *, ring_owner: str = RING_OWNER, ring: str = RING_NAME) -> dict[str, Any]:
        """The failure as JSON-ready data (``certkit verify --json`` prints it)."""
        return {
            "class": self.kind,
            "title": self.title,
            "message": self.message,
            "certificate": (
                _certificate_dict(self.certificate) if self.certificate is not None else None
            ),
            "role": self.role,
            "detail": self.detail,
            "rule": self.rule,
            "rfc": self.rfc,
            "fix": self.fix,
            "keyring_fix": self.keyring_fix(ring_owner, ring),
            "notes": list(self.notes),
            "facts": dict(self.facts),
        }


@dataclass(frozen=True)
class Verification:
    """The result of [`verify_chain`][certkit.certificates.verify.verify_chain].

    Attributes:
        ok: Whether cryptography accepted the chain.
        chain: When ``ok``: the chain cryptography built, leaf first, ending with the trust
            anchor. Empty otherwise.
        failure: When not ``ok``: the explanation. ``None`` otherwise.
        purpose: ``"server"`` or ``"client"``: what the leaf was verified for.
        host: The server name checked (``None`` for a client certificate).
        at: The time of verification (UTC).
        ring_owner: The key ring owner that a failure's RACF sketch names.
        ring: The key ring that a failure's RACF sketch names.
    """

    ok: bool
    chain: list[x509.Certificate]
    failure: Failure | None
    purpose: str
    host: str | None
    at: dt.datetime
    ring_owner: str = RING_OWNER
    ring: str = RING_NAME

    def for_ring(self, owner: str, ring: str) -> Verification:
        """The same result, with a RACF sketch for another key ring and owner.

        Args:
            owner: The user ID that owns the key ring.
            ring: The key ring's name.

        Returns:
            A copy whose ``to_text()`` and ``to_dict()`` name that ring.
        """
        return replace(self, ring_owner=owner, ring=ring)

    def to_text(self, *, ring_owner: str | None = None, ring: str | None = None) -> str:
        """The result in words, as ``certkit verify`` prints it.

        Args:
            ring_owner: The key ring owner to use in the RACF sketch (``self.ring_owner`` if
                ``None``).
            ring: The key ring name to use in the RACF sketch (``self.ring`` if ``None``).

        Returns:
            Several lines of text, without a final newline.
        """
        ring_owner = self.ring_owner if ring_owner is None else ring_owner
        ring = self.ring if ring is None else ring
        when = _when(self.at)
        target = f"for host {self.host}" if self.host is not None else "for client use"
        if self.ok:
            lines = [f"verified {target} at {when}"]
            for number, cert in enumerate(self.chain):
                mark = " (trust anchor)" if number == len(self.chain) - 1 else ""
                lines.append(f"  {number} {_name(_subject(cert))}{mark}")
                if number < len(self.chain) - 1:
                    lines.append(f"      issued by {_name(_issuer(cert))}")
            if (
                self.purpose == "client"
                and _extension(self.chain[0], x509.SubjectAlternativeName) is None
            ):
                lines += _wrapped("Note: ", _CLIENT_WITHOUT_SAN)
            return "\n".join(lines)
        failure = self.failure
        assert failure is not None
        lines = [f"NOT verified {target} at {when}: {failure.title}"]
        if len(lines[0]) > _WIDTH:
            lines = [f"NOT verified {target} at {when}:", f"  {failure.title}"]
        lines += _wrapped("", failure.detail)
        lines += _wrapped("Rule: ", failure.rule)
        lines += _wrapped("See: ", failure.rfc)
        lines += _wrapped("Fix: ", failure.fix)
        for note in failure.notes:
            lines += _wrapped("Note: ", note)
        lines += _wrapped(
            "RACF: ",
            f"a sketch to adapt ({ring_owner.upper()} owns the key ring {ring}, HLQ is your "
            "data set prefix, labels are guessed from the common names):",
        )
        lines += [f"    {line}" for line in failure.keyring_fix(ring_owner, ring).splitlines()]
        lines += _wrapped("cryptography: ", failure.message)
        return "\n".join(lines)

    def to_dict(self, *, ring_owner: str | None = None, ring: str | None = None) -> dict[str, Any]:
        """The result as JSON-ready data (``certkit verify --json`` prints it).

        Args:
            ring_owner: The key ring owner in the failure's RACF sketch (``self.ring_owner`` if
                ``None``).
            ring: The key ring in the failure's RACF sketch (``self.ring`` if ``None``).
        """
        ring_owner = self.ring_owner if ring_owner is None else ring_owner
        ring = self.ring if ring is None else ring
        return {
            "ok": self.ok,
            "purpose": self.purpose,
            "host": self.host,
            "at": self.at.isoformat(),
            "chain": [_certificate_dict(c) for c in self.chain],
            "failure": (
                self.failure.to_dict(ring_owner=ring_owner, ring=ring)
                if self.failure is not None
                else None
            ),
        }


def verify_chain(
    leaf: x509.Certificate,
    intermediates: Sequence[x509.Certificate] = (),
    trust: Sequence[x509.Certificate] = (),
    *,
    host: str | None = None,
    client: bool = False,
    at: dt.datetime | None = None,
    max_chain_depth: int | None = None,
) -> Verification:
    """Verify a certificate chain with cryptography's verifier and explain a failure.

    The verdict is cryptography's (``PolicyBuilder`` with ``build_server_verifier`` or
    ``build_client_verifier``); certkit only adds the explanation.

    Args:
        leaf: The server's or client's own certificate.
        intermediates: Untrusted certificates that may complete the chain (what the peer sent
            after its own certificate), in any order.
        trust: The trusted CA certificates (trust anchors): a trust store, or the CERTAUTH
            certificates of a key ring.
        host: The server name (DNS name or IP address) to check against the leaf's
            subjectAltName. Required unless ``client`` is true.
        client: Verify a client certificate (clientAuth) instead of a server certificate.
        at: The time of verification; a naive time is taken as UTC. ``None`` means now.
        max_chain_depth: The most intermediate certificates allowed between the leaf and the
            trust anchor (cryptography's default when ``None``).

    Returns:
        The verdict, the chain when it verifies, and the explanation when it does not.

    Raises:
        InputError: If no trust anchor is given, the host is missing (or given for a client
            certificate) or is not a valid DNS name or IP address, or ``max_chain_depth`` is
            out of range.
    """
    anchors = list(trust)
    if not anchors:
        raise InputError("no trusted CA certificate given: give the CA certificates to trust")
    when = _utc(at)
    builder = PolicyBuilder().store(Store(anchors)).time(when)
    if max_chain_depth is not None:
        if not 0 <= max_chain_depth <= 255:
            raise InputError(f"max chain depth {max_chain_depth}: give a number from 0 to 255")
        builder = builder.max_chain_depth(max_chain_depth)
    untrusted = list(intermediates)
    verify: Callable[[], list[x509.Certificate]]
    if client:
        if host is not None:
            raise InputError(
                "a client certificate is verified without a host name: drop the host, "
                "or verify a server certificate"
            )
        client_verifier = builder.extension_policies(
            ca_policy=ExtensionPolicy.webpki_defaults_ca(), ee_policy=client_leaf_policy()
        ).build_client_verifier()
        depth = client_verifier.policy.max_chain_depth

        def verify() -> list[x509.Certificate]:
            return list(client_verifier.verify(leaf, untrusted).chain)

    else:
        if host is None:
            raise InputError(
                "a server certificate is verified for a host name: give the host "
                "(or verify a client certificate)"
            )
        try:
            server_verifier = builder.build_server_verifier(host_name(host))
        except ValueError as exc:
            raise InputError(
                f"host {host!r} is not a valid DNS name or IP address ({exc})"
            ) from None
        depth = server_verifier.policy.max_chain_depth

        def verify() -> list[x509.Certificate]:
            return list(server_verifier.verify(leaf, untrusted))

    purpose = "client" if client else "server"
    try:
        chain = verify()
    except (VerificationError, ValueError, UnsupportedAlgorithm) as exc:
        # cryptography verifies a chain with VerificationError; a field it reads lazily and
        # cannot decode (a subject that is not UTF-8, say) raises ValueError instead.
        message = str(exc) if isinstance(exc, VerificationError) else _malformed_message(exc)
        # Deliberate boilerplate: keyword arguments, one a line, as in ciphersuites' _explanation.
        context = _Context(
            leaf=leaf,
            intermediates=untrusted,
            trust=anchors,
            host=host,
            client=client,
            at=when,
            max_chain_depth=depth,
            message=message,
        )
        return Verification(False, [], _diagnose(context), purpose, host, when)
    return Verification(True, chain, None, purpose, host, when)


# -- inputs ------------------------------------------------------------------------------------


NO_CLIENT_NAME = "the client certificate names no one: empty subject, no SAN"
"""The message certkit's client policy gives a client certificate that identifies nobody."""


def _client_san(
    policy: Policy, cert: x509.Certificate, san: x509.SubjectAlternativeName | None
) -> None:
    """RFC 5280 4.2.1.6 for a client certificate: a SAN is needed only when the subject is empty."""
    if len(_subject(cert)) and _subject(cert) is not _UNREADABLE:
        return
    if san is None:
        raise ValueError(NO_CLIENT_NAME)
    if not cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).critical:
        raise ValueError("subjectAltName MUST be critical when the subject is empty")


def client_leaf_policy() -> ExtensionPolicy:
    """The extension policy certkit verifies a client certificate with.

    cryptography's default policy for an end-entity certificate (``webpki_defaults_ee``) is
    the web PKI's, made for servers: it requires a subjectAltName, and so its client verifier
    refuses every client certificate without one. RFC 5280 (section 4.2.1.6) requires a
    subjectAltName only when the subject is empty, and TLS servers that authenticate clients
    (Liberty, JSSE, OpenSSL) map the subject DN to a user. certkit therefore relaxes that one
    point and nothing else: a client certificate may have no subjectAltName if its subject
    names the client; with an empty subject it needs a critical one. Every other rule, and the
    verdict itself, are cryptography's.

    Returns:
        ``ExtensionPolicy.webpki_defaults_ee()`` with subjectAltName allowed to be absent.
    """
    return ExtensionPolicy.webpki_defaults_ee().may_be_present(
        x509.SubjectAlternativeName, Criticality.AGNOSTIC, _client_san
    )


def _malformed_message(exc: Exception) -> str:
    return f"malformed certificate: {reason(exc)}"


def _decodes(cert: x509.Certificate) -> bool:
    """Whether the parts cryptography reads lazily (names, extensions, key) decode."""
    try:
        cert.subject.rfc4514_string()
        cert.issuer.rfc4514_string()
        _ = cert.extensions
        cert.public_key()
    except Exception:
        return False
    return True


def _utc(at: dt.datetime | None) -> dt.datetime:
    if at is None:
        return dt.datetime.now(dt.UTC)
    if at.tzinfo is None:
        return at.replace(tzinfo=dt.UTC)
    return at.astimezone(dt.UTC)


# -- diagnosis ---------------------------------------------------------------------------------


@dataclass
class _Context:
    leaf: x509.Certificate
    intermediates: list[x509.Certificate]
    trust: list[x509.Certificate]
    host: str | None
    client: bool
    at: dt.datetime
    max_chain_depth: int  # the verifier's, default or given
    message: str

    @functools.cached_property
    def trusted(self) -> set[x509.Certificate]:
        return set(self.trust)

    @functools.cached_property
    def path(self) -> list[x509.Certificate]:
        return _walk(self)

    @property
    def purpose(self) -> x509.ObjectIdentifier:
        return ExtendedKeyUsageOID.CLIENT_AUTH if self.client else ExtendedKeyUsageOID.SERVER_AUTH

    def others(self) -> list[x509.Certificate]:
        """Every supplied certificate not on the walked path, intermediates first."""
        seen = set(self.path)
        out = []
        for cert in [*self.intermediates, *self.trust]:
            if cert not in seen:
                seen.add(cert)
                out.append(cert)
        return out

    def issuers(self) -> list[x509.Certificate]:
        """The path's certificates above the leaf, then every other supplied certificate."""
        return self.path[1:] + self.others()


@dataclass
class _Finding:
    kind: str
    certificate: x509.Certificate | None = None
    variant: str | None = None
    facts: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)


def _diagnose(ctx: _Context) -> Failure:
    """Explain cryptography's rejection: classify its message, then find the broken link.

    Nothing here decides whether the chain is valid: cryptography already has. A finding that
    cannot be pinned on a certificate becomes the class ``other`` with cryptography's message.
    """
    try:
        finding = _classify(ctx)
    except Exception:  # an explanation must never turn a verdict into a crash
        finding = None
    if finding is None:
        finding = _Finding("other")
    try:
        return _render(ctx, finding)
    except Exception:
        return _render(ctx, _Finding("other"))


def message_group(message: str) -> str:
    """The group of one of cryptography's verification messages, by ``verify_failures.json``.

    The group is a failure class (``expired``, ``name-mismatch``, ...) or a group that
    certkit narrows down by looking at the chain (``validity``, ``no-path``). A message the data
    file does not know (a new version of cryptography may word one differently) is ``other``.

    Args:
        message: The text of a ``cryptography.x509.verification.VerificationError``.

    Returns:
        The group's name.

    Examples:
        >>> message_group("a message no version of cryptography has printed")
        'other'
    """
    for fragment, group in _catalogue()["messages"]:
        if fragment in message:
            return str(group)
    return "other"


def _classify(ctx: _Context) -> _Finding | None:
    group = message_group(ctx.message)
    handler = _HANDLERS.get(group)
    if handler is None:
        return _Finding(group)
    finding = handler(ctx)
    if finding is None and group in FAILURE_CLASSES and _at_leaf(ctx.message):
        # cryptography says it was processing the leaf itself when the rule failed.
        finding = _Finding(group, ctx.leaf)
    return finding


def _at_leaf(message: str) -> bool:
    return "encountered processing" in message and "candidates exhausted" not in message


def _walk(ctx: _Context) -> list[x509.Certificate]:
    """One plausible path upwards from the leaf, by issuer name, for naming the broken link.

    This is not path validation: it only follows names (preferring an issuer whose signature
    verifies) so that a failure can be pinned on a certificate. It is bounded in length and in
    signature checks, so a hostile pool of intermediates cannot make it slow.
    """
    by_name: dict[bytes, list[x509.Certificate]] = {}
    for cert in ctx.intermediates:
        by_name.setdefault(_name_key(_subject(cert)), []).append(cert)
    anchors: dict[bytes, list[x509.Certificate]] = {}
    for cert in ctx.trust:
        anchors.setdefault(_name_key(_subject(cert)), []).append(cert)
    limit = min(max(ctx.max_chain_depth, 8), 32) + 2
    path = [ctx.leaf]
    seen = {ctx.leaf}
    current = ctx.leaf
    while len(path) < limit and current not in ctx.trusted:
        key = _name_key(_issuer(current))
        if key in anchors:
            path.append(_likely_issuer(current, anchors[key]))
            break
        if _self_issued(current):
            break
        candidates = [c for c in by_name.get(key, []) if c not in seen]
        if not candidates:
            break
        current = _likely_issuer(current, candidates)
        path.append(current)
        seen.add(current)
    return path


def _likely_issuer(
    cert: x509.Certificate, candidates: Sequence[x509.Certificate]
) -> x509.Certificate:
    if len(candidates) == 1:
        return candidates[0]
    for candidate in candidates[:_MAX_SIGNATURE_PROBES]:
        if signed_by(cert, candidate):
            return candidate
    return candidates[0]


def _validity(ctx: _Context) -> _Finding | None:
    for cert in [*ctx.path, *ctx.others()]:
        if ctx.at > cert.not_valid_after_utc:
            return _Finding("expired", cert, None if cert is ctx.leaf else "ca")
        if ctx.at < cert.not_valid_before_utc:
            return _Finding("not-yet-valid", cert, None if cert is ctx.leaf else "ca")
    return None


def _no_path(ctx: _Context) -> _Finding | None:
    top = ctx.path[-1]
    if top in ctx.trusted:
        return None
    if _self_issued(top):
        facts = {"ca": _name(_subject(top)), "ca_label": _label(_subject(top))}
        return _Finding("unknown-issuer", top, "self-signed", facts)
    kind = "missing-intermediate" if top is ctx.leaf else "unknown-issuer"
    return _Finding(kind, top, None, {"ca": _name(_issuer(top)), "ca_label": _label(_issuer(top))})


def _bad_signature(ctx: _Context) -> _Finding | None:
    for cert, issuer in zip(ctx.path, ctx.path[1:], strict=False):
        if not signed_by(cert, issuer):
            return _Finding("bad-signature", cert, None, _issuer_facts(ctx, issuer))
    by_name: dict[bytes, list[x509.Certificate]] = {}
    for cert in ctx.issuers():
        by_name.setdefault(_name_key(_subject(cert)), []).append(cert)
    for cert in [ctx.leaf, *ctx.intermediates]:
        candidates = by_name.get(_name_key(_issuer(cert)), [])[:_MAX_SIGNATURE_PROBES]
        candidates = [c for c in candidates if c != cert]
        if candidates and not any(signed_by(cert, c) for c in candidates):
            return _Finding("bad-signature", cert, None, _issuer_facts(ctx, candidates[0]))
    return None


def _issuer_facts(ctx: _Context, issuer: x509.Certificate) -> dict[str, str]:
    return {
        "ca": _name(_subject(issuer)),
        "ca_role": _role(ctx, issuer),
        "ca_label": _label(_subject(issuer)),
        "new_ca_label": _label_text((common_name(_subject(issuer)) or "CA")[:28] + " new"),
    }


def _name_mismatch(ctx: _Context) -> _Finding:
    san = _extension(ctx.leaf, x509.SubjectAlternativeName)
    finding = _Finding("name-mismatch", ctx.leaf, None if san is not None else "no-san")
    cn = common_name(_subject(ctx.leaf))
    if cn is not None and ctx.host is not None and cn.lower() == ctx.host.lower():
        finding.notes.append("cn-ignored")
    if not _eku_allows(ctx.leaf, ctx.purpose, leaf=True):
        finding.notes.append("eku-also")
    return _note_ca_first(ctx, finding)


def _client_no_san(ctx: _Context) -> _Finding:
    finding = _Finding("client-no-san", ctx.leaf)
    if not _eku_allows(ctx.leaf, ctx.purpose, leaf=True):
        finding.notes.append("eku-also")
    return _note_ca_first(ctx, finding)


def _wrong_eku(ctx: _Context) -> _Finding | None:
    if not _eku_allows(ctx.leaf, ctx.purpose, leaf=True):
        return _Finding("wrong-eku", ctx.leaf)
    for cert in ctx.issuers():
        if not _eku_allows(cert, ctx.purpose, leaf=False):
            return _Finding("wrong-eku", cert, "ca")
    return None


def _leaf_is_ca(ctx: _Context) -> _Finding:
    return _note_reversed(ctx, _Finding("leaf-is-ca", ctx.leaf))


def _note_ca_first(ctx: _Context, finding: _Finding) -> _Finding:
    """A CA certificate where the leaf belongs explains a missing SAN better than the SAN does."""
    constraints = _extension(ctx.leaf, x509.BasicConstraints)
    if constraints is not None and constraints.ca:
        finding.notes.append("ca-first")
        _note_reversed(ctx, finding)
    return finding


def _note_reversed(ctx: _Context, finding: _Finding) -> _Finding:
    for cert in ctx.intermediates:
        constraints = _extension(cert, x509.BasicConstraints)
        is_ca = constraints is not None and constraints.ca
        if not is_ca and _name_key(_issuer(cert)) == _name_key(_subject(ctx.leaf)):
            finding.notes.append("reversed")
            finding.facts["reversed_subject"] = _name(_subject(cert))
            break
    return finding


def _issuer_not_ca(ctx: _Context) -> _Finding | None:
    for cert in ctx.issuers():
        constraints = _extension(cert, x509.BasicConstraints)
        if constraints is None or not constraints.ca:
            text = (
                "it has no basicConstraints extension"
                if constraints is None
                else "its basicConstraints says cA=FALSE"
            )
            return _Finding("issuer-not-ca", cert, None, {"basic_constraints": text})
    return None


def _issuer_key_usage(ctx: _Context) -> _Finding | None:
    for cert in ctx.issuers():
        usage = _extension(cert, x509.KeyUsage)
        if usage is not None and not usage.key_cert_sign:
            return _Finding("issuer-key-usage", cert)
    return None


def _path_length(ctx: _Context) -> _Finding | None:
    for below, cert in enumerate(ctx.path[1:]):
        constraints = _extension(cert, x509.BasicConstraints)
        if constraints is None or constraints.path_length is None:
            continue
        if below > constraints.path_length:
            facts = {"path_length": str(constraints.path_length), "below": str(below)}
            return _Finding("path-length", cert, None, facts)
    return None


def _name_constraints(ctx: _Context) -> _Finding | None:
    for cert in ctx.issuers():
        constraints = _extension(cert, x509.NameConstraints)
        if constraints is not None:
            parts = []
            if constraints.permitted_subtrees:
                parts.append("permitted: " + _general_names(constraints.permitted_subtrees))
            if constraints.excluded_subtrees:
                parts.append("excluded: " + _general_names(constraints.excluded_subtrees))
            text = "; ".join(parts) or "none listed"
            return _Finding("name-constraints", cert, None, {"constraints": text})
    for cert in ctx.issuers():
        if _NAME_CONSTRAINTS_OID in cert.tbs_certificate_bytes:
            facts = {"constraints": "an extension that cannot be read as written"}
            return _Finding("name-constraints", cert, None, facts)
    return None


def _algorithm(ctx: _Context) -> _Finding | None:
    for cert in [*ctx.path, *ctx.others()]:
        if _weak(cert):
            return _Finding("algorithm", cert)
    return None


def _critical_extension(ctx: _Context) -> _Finding | None:
    if _at_leaf(ctx.message):
        return _Finding("critical-extension", ctx.leaf)
    for cert in ctx.issuers():
        try:
            extensions = list(cert.extensions)
        except Exception:
            continue
        if any(e.critical and isinstance(e.value, x509.UnrecognizedExtension) for e in extensions):
            return _Finding("critical-extension", cert)
    return None


def _malformed(ctx: _Context) -> _Finding:
    if _at_leaf(ctx.message) or not _decodes(ctx.leaf):
        return _Finding("malformed", ctx.leaf)
    for cert in ctx.intermediates:
        if not _decodes(cert):
            return _Finding("malformed", cert)
    return _Finding("malformed", None, "unlocated")


def _max_depth(ctx: _Context) -> _Finding:
    # An untrusted self-signed certificate among the intermediates is its own issuer by name:
    # cryptography tries it again and again until the depth limit, and reports the limit.
    finding = _no_path(ctx)
    if finding is not None and finding.variant == "self-signed":
        finding.notes.append("depth-loop")
        return finding
    return _Finding("max-depth")


def _resource_limit(ctx: _Context) -> _Finding:
    count = len(ctx.intermediates) + len(ctx.trust)
    return _Finding("resource-limit", None, None, {"candidates": str(count)})


_HANDLERS: dict[str, Callable[[_Context], _Finding | None]] = {
    "validity": _validity,
    "no-path": _no_path,
    "bad-signature": _bad_signature,
    "name-mismatch": _name_mismatch,
    "client-no-san": _client_no_san,
    "wrong-eku": _wrong_eku,
    "leaf-is-ca": _leaf_is_ca,
    "issuer-not-ca": _issuer_not_ca,
    "issuer-key-usage": _issuer_key_usage,
    "path-length": _path_length,
    "name-constraints": _name_constraints,
    "algorithm": _algorithm,
    "critical-extension": _critical_extension,
    "malformed": _malformed,
    "max-depth": _max_depth,
    "resource-limit": _resource_limit,
}


# -- rendering ---------------------------------------------------------------------------------


def _render(ctx: _Context, finding: _Finding) -> Failure:
    entry = dict(_catalogue()["classes"][finding.kind])
    if finding.variant is not None:
        entry.update(entry.get("variants", {}).get(finding.variant, {}))
    facts = _facts(ctx, finding)
    notes = tuple(_catalogue()["notes"][note].format_map(facts) for note in finding.notes)
    return Failure(
        kind=finding.kind,
        title=entry["title"].format_map(facts),
        message=ctx.message,
        certificate=finding.certificate,
        role=facts["role"],
        detail=entry["detail"].format_map(facts),
        rule=entry["rule"].format_map(facts),
        rfc=entry["rfc"].format_map(facts),
        fix=entry["fix"].format_map(facts),
        notes=notes,
        facts=facts,
        keyring_template=tuple(entry["keyring"]),
    )


def _facts(ctx: _Context, finding: _Finding) -> dict[str, str]:
    leaf = ctx.leaf
    cert = finding.certificate
    purpose = "clientAuth" if ctx.client else "serverAuth"
    host = ctx.host or ""
    try:
        is_ip = bool(host) and ipaddress.ip_address(host.strip("[]")) is not None
    except ValueError:
        is_ip = False
    facts = dict.fromkeys(FACT_NAMES, "")
    facts.update(
        leaf=_name(_subject(leaf)),
        leaf_role=_role(ctx, leaf),
        leaf_label=_label(_subject(leaf)),
        leaf_eku=_eku_text(leaf),
        names=_leaf_names(leaf),
        cn=common_name(_subject(leaf)) or "",
        host=host,
        host_q=_quote(host),
        host_label=_label_text(host),
        altname=f"IP({host.strip('[]')})" if is_ip else f"DOMAIN('{_quote(host)}')",
        host_or_names=f"'{host}'" if host else _leaf_names(leaf),
        purpose=purpose,
        purpose_text="TLS client" if ctx.client else "TLS server",
        at=_when(ctx.at),
        message=ctx.message,
        depth=str(ctx.max_chain_depth),
    )
    if cert is not None:
        child = None
        if cert is not ctx.leaf:
            path_index = next((i for i, c in enumerate(ctx.path) if c is cert), None)
            child = ctx.path[path_index - 1] if path_index else None
        label = _label(_subject(cert))
        facts.update(
            subject=_name(_subject(cert)),
            issuer=_name(_issuer(cert)),
            role=_role(ctx, cert),
            subject_cn=_quote(common_name(_subject(cert)) or _name(_subject(cert)))[:64],
            label=label,
            new_label=_label_text((common_name(_subject(cert)) or "certificate")[:28] + " new"),
            issuer_label=_label(_issuer(cert)),
            not_before=_when(cert.not_valid_before_utc),
            not_after=_when(cert.not_valid_after_utc),
            eku=_eku_text(cert),
            algorithm=_algorithm_text(cert),
            child=_name(_subject(child)) if child is not None else "a certificate in the chain",
        )
        if not facts["ca"]:
            facts["ca"] = _name(_issuer(cert))
            facts["ca_label"] = _label(_issuer(cert))
    facts.update(finding.facts)
    return facts


# -- certificate helpers -----------------------------------------------------------------------


def _der(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.DER)


def _name_key(name: x509.Name) -> bytes:
    return name.public_bytes()


_UNREADABLE = x509.Name([x509.NameAttribute(x509.NameOID.COMMON_NAME, "(name does not decode)")])


def _subject(cert: x509.Certificate) -> x509.Name:
    """The subject, or a stand-in when it does not decode (cryptography reads it lazily)."""
    return _readable(cert, "subject")


def _issuer(cert: x509.Certificate) -> x509.Name:
    """The issuer, or a stand-in when it does not decode."""
    return _readable(cert, "issuer")


def _readable(cert: x509.Certificate, part: str) -> x509.Name:
    try:
        name: x509.Name = getattr(cert, part)
        name.rfc4514_string()
    except (ValueError, TypeError):  # TypeError: an attribute of a type its OID cannot have
        return _UNREADABLE
    return name


@functools.lru_cache(maxsize=256)
def _name(name: x509.Name) -> str:
    try:
        return name.rfc4514_string()
    except Exception:
        return repr(name)


def _self_issued(cert: x509.Certificate) -> bool:
    return _name_key(_subject(cert)) == _name_key(_issuer(cert))


def _role(ctx: _Context, cert: x509.Certificate) -> str:
    if cert is ctx.leaf:
        return "client certificate" if ctx.client else "server certificate"
    if cert in ctx.trusted:
        return "trusted CA certificate"
    if _self_issued(cert):
        return "self-signed certificate"
    constraints = _extension(cert, x509.BasicConstraints)
    if constraints is not None and constraints.ca:
        return "intermediate CA certificate"
    return "intermediate certificate"


def _extension(cert: x509.Certificate, kind: type[_E]) -> _E | None:
    try:
        return cert.extensions.get_extension_for_class(kind).value
    except Exception:  # not there, duplicated or malformed: nothing to read
        return None


def _eku_allows(cert: x509.Certificate, purpose: x509.ObjectIdentifier, *, leaf: bool) -> bool:
    usages = _extension(cert, x509.ExtendedKeyUsage)
    if usages is None:
        return True
    if purpose in usages:
        return True
    return not leaf and ExtendedKeyUsageOID.ANY_EXTENDED_KEY_USAGE in usages


def _eku_text(cert: x509.Certificate) -> str:
    usages = _extension(cert, x509.ExtendedKeyUsage)
    if usages is None:
        return "no extended key usage"
    return extended_key_usages(usages)


def _weak(cert: x509.Certificate) -> bool:
    try:
        algorithm = cert.signature_hash_algorithm
    except Exception:
        return True
    if algorithm is None or algorithm.name not in ("sha256", "sha384", "sha512"):
        return True
    try:
        key = cert.public_key()
    except Exception:
        return True
    if isinstance(key, rsa.RSAPublicKey):
        return key.key_size < 2048
    if isinstance(key, ec.EllipticCurvePublicKey):
        return key.curve.name not in ("secp256r1", "secp384r1", "secp521r1")
    return True


def _algorithm_text(cert: x509.Certificate) -> str:
    """The certificate's key and signature algorithm in words, e.g. "an RSA 1024-bit key"."""
    try:
        key = cert.public_key()
    except Exception:
        key_text = "a public key cryptography cannot read"
    else:
        if isinstance(key, rsa.RSAPublicKey):
            key_text = f"an RSA {key.key_size}-bit key"
        elif isinstance(key, ec.EllipticCurvePublicKey):
            key_text = f"an EC key on {key.curve.name}"
        else:
            kind = type(key).__name__.removesuffix("PublicKey") or "public"
            key_text = f"{'an' if kind[0] in 'AEIOU' else 'a'} {kind} key"
    try:
        algorithm = cert.signature_hash_algorithm
        signature = algorithm.name.upper() if algorithm is not None else "no separate hash"
    except Exception:
        signature = f"an unsupported algorithm ({cert.signature_algorithm_oid.dotted_string})"
    return f"{key_text}, signed with {signature}"


def _general_names(names: Iterable[x509.GeneralName]) -> str:
    items = [general_name(n) for n in names]
    if len(items) > _MAX_LISTED:
        return ", ".join(items[:_MAX_LISTED]) + f" and {len(items) - _MAX_LISTED} more"
    return ", ".join(items)


def _leaf_names(leaf: x509.Certificate) -> str:
    san = _extension(leaf, x509.SubjectAlternativeName)
    if san is None or not len(san):
        return "no names in a subjectAltName"
    return _general_names(san)


def _label(name: x509.Name) -> str:
    return _label_text(common_name(name) or _name(name))


def _label_text(text: str) -> str:
    """A RACF certificate label: at most 32 characters, apostrophes doubled for quoting."""
    return _quote(text[:32])


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _wrapped(label: str, text: str) -> list[str]:
    """``label + text`` wrapped at spaces, indented by 2 and continued with an indent of 4."""
    lines: list[str] = []
    line = "  "
    for word in (label + text).split():
        if len(line) + 1 + len(word) > _WIDTH and line.strip():
            lines.append(line)
            line = "    " + word
        else:
            line = line + word if not line.strip() else f"{line} {word}"
    lines.append(line)
    return lines


def _when(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S UTC")


def _certificate_dict(cert: x509.Certificate) -> dict[str, str]:
    return {
        "subject": _name(_subject(cert)),
        "issuer": _name(_issuer(cert)),
        "not_before": cert.not_valid_before_utc.isoformat(),
        "not_after": cert.not_valid_after_utc.isoformat(),
        "sha256": hashlib.sha256(_der(cert)).hexdigest().upper(),
    }
