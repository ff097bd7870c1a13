"""Test PKIs: keys, certificate authorities and leaf certificates, optionally deterministic.

A [`Lab`][certkit.certificates.pki.Lab] is a seed and a clock. Everything it makes (keys, serial
numbers,
validity dates, signatures) follows from those two, so a lab with a fixed seed and a fixed clock
gives byte-identical certificates on every run and every machine:

* keys come from [`certkit.certificates.keys.derive_key`][certkit.certificates.keys.derive_key];
* serial numbers are derived from the seed and the certificate's label;
* validity starts at the lab's clock (``now``) and lasts a given number of days;
* ECDSA signatures use RFC 6979 deterministic nonces, RSA certificates are signed with
  PKCS#1 v1.5 (deterministic by construction) and Ed25519 is deterministic by design.

A lab built with no seed draws a random one, and with no clock uses the current time: that is the
everyday mode for tests that do not print bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID

from certkit.certificates import profiles
from certkit.certificates.keys import (
    CURVES,
    KEY_TYPES,
    PrivateKey,
    SigningKey,
    derive_bytes,
    derive_key,
)
from certkit.certificates.keys import SigningPublicKey as PublicKey
from certkit.certificates.names import common_name, distinguished_name
from certkit.certificates.profiles import Extension
from certkit.defaults import KEY_TYPE, LAB_HOSTS
from certkit.errors import InputError

__all__ = [
    "DEFAULT_NOW",
    "Issued",
    "Lab",
    "LabPKI",
    "Request",
    "java_truststore",
    "pem_bundle",
]

DEFAULT_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""The clock of a deterministic lab when none is given: 2026-01-01 00:00:00 UTC."""

_EARLIEST = dt.datetime(1950, 1, 1, tzinfo=dt.UTC)
_LATEST = dt.datetime(9999, 12, 31, 23, 59, 59, tzinfo=dt.UTC)


def _password(password: str | bytes | None) -> serialization.KeySerializationEncryption:
    if password is None or password == "" or password == b"":
        return serialization.NoEncryption()
    raw = password.encode("utf-8") if isinstance(password, str) else password
    return serialization.BestAvailableEncryption(raw)


def _pkcs12_encryption(password: str | bytes) -> serialization.KeySerializationEncryption:
    raw = password.encode("utf-8") if isinstance(password, str) else password
    if not raw:
        raise InputError("a PKCS#12 file needs a password: Java and RACF refuse empty ones")
    # AES-256 and SHA-256 (PBES2), which keytool (Java 11.0.12+) and current OpenSSL read.
    return (
        serialization.PrivateFormat.PKCS12.encryption_builder()
        .kdf_rounds(10000)
        .key_cert_algorithm(pkcs12.PBES.PBESv2SHA256AndAES256CBC)
        .hmac_hash(hashes.SHA256())
        .build(raw)
    )


@dataclass(frozen=True)
class Issued:
    """A certificate, the private key that belongs to it, and the CA that issued it.

    Attributes:
        certificate: The certificate.
        private_key: The private key matching the certificate's public key, or ``None`` when the
            lab signed a request whose key it never saw.
        issuer: The certificate authority that signed it, or ``None`` if it is self-signed.
    """

    certificate: x509.Certificate
    private_key: SigningKey | None
    issuer: Issued | None = field(default=None, repr=False)

    @property
    def pem(self) -> str:
        """The certificate in PEM form (no private key)."""
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def der(self) -> bytes:
        """The certificate in DER form: the bytes that are hashed for a fingerprint."""
        return self.certificate.public_bytes(serialization.Encoding.DER)

    @property
    def name(self) -> str:
        """The subject as an RFC 4514 string, e.g. ``CN=localhost``."""
        return self.certificate.subject.rfc4514_string()

    def fingerprint(self, algorithm: str = "sha256") -> str:
        """The certificate's fingerprint as colon-separated upper-case hex, as openssl prints it.

        A fingerprint is not stored in the certificate: it is a hash of the certificate's DER
        bytes, computed by whoever looks at it.

        Args:
            algorithm: A `hashlib` algorithm name such as ``"sha256"`` or ``"sha1"``.

        Returns:
            For example ``"3A:0F:..."``.
        """
        digest = hashlib.new(algorithm, self.der).hexdigest().upper()
        return ":".join(digest[i : i + 2] for i in range(0, len(digest), 2))

    def chain(self, *, include_root: bool = True) -> list[x509.Certificate]:
        """This certificate followed by its issuers, up to the root.

        Args:
            include_root: Whether to end with the self-signed root. A server sends its chain
                without the root (the client must already trust it).

        Returns:
            The certificates, leaf first.
        """
        out: list[x509.Certificate] = []
        node: Issued | None = self
        while node is not None:
            if node.issuer is not None or include_root or node is self:
                out.append(node.certificate)
            node = node.issuer
        return out

    def fullchain_pem(self) -> str:
        """The leaf and its intermediates in PEM, leaf first, without the root.

        This is what a server presents (Liberty's key store entry, nginx's ``ssl_certificate``,
        curl's ``--cert``).
        """
        return pem_bundle(self.chain(include_root=False))

    def key_pem(self, password: str | bytes | None = None) -> str:
        """The private key in PKCS #8 PEM, encrypted when a password is given.

        Raises:
            InputError: If this certificate has no private key in the lab.
        """
        key = self._require_key()
        return key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, _password(password)
        ).decode("ascii")

    def pkcs12(
        self, password: str | bytes, *, alias: str | None = None, include_root: bool = True
    ) -> bytes:
        """A PKCS #12 key store holding the private key, this certificate and its chain.

        ``keytool -list`` shows one ``PrivateKeyEntry`` named ``alias`` with a chain of every
        certificate up to the root, which is what Liberty's ``<keyStore>`` expects.

        Args:
            password: The store password (also protects the key). Must not be empty.
            alias: The entry's name (PKCS #12 friendlyName); defaults to the subject CN in
                lower case.
            include_root: Whether the chain ends with the root. A Java server sends the
                entry's whole chain; without the root it sends what an OpenSSL server given
                [`fullchain_pem`][certkit.certificates.pki.Issued.fullchain_pem] sends.

        Returns:
            The DER bytes of the PKCS #12 file. Encryption salts are random, so the bytes
            differ on every call even in a deterministic lab; the contents do not.
        """
        key = self._require_key()
        return pkcs12.serialize_key_and_certificates(
            name=(alias or _default_alias(self.certificate)).encode("utf-8"),
            key=key,
            cert=self.certificate,
            cas=self.chain(include_root=include_root)[1:],
            encryption_algorithm=_pkcs12_encryption(password),
        )

    def _require_key(self) -> SigningKey:
        if self.private_key is None:
            raise InputError(
                f"the lab has no private key for {self.name}: it signed a request whose key "
                "stays with the requester"
            )
        return self.private_key


@dataclass(frozen=True)
class Request:
    """A certificate signing request (PKCS #10) and, when made in the lab, its private key.

    Attributes:
        csr: The request: a subject name and public key, signed by the matching private key.
        private_key: The requester's private key (``None`` for a request read from a file).
    """

    csr: x509.CertificateSigningRequest
    private_key: SigningKey | None = None

    @property
    def pem(self) -> str:
        """The request in PEM form (``-----BEGIN CERTIFICATE REQUEST-----``)."""
        return self.csr.public_bytes(serialization.Encoding.PEM).decode("ascii")


@dataclass(frozen=True)
class LabPKI:
    """A complete lab PKI: root CA, intermediate CA, a server and a client certificate.

    Attributes:
        root: The self-signed root CA (the trust anchor).
        intermediate: The intermediate CA, signed by the root; it signs the leaves.
        server: A server certificate (serverAuth) for the lab's host names.
        client: A client certificate (clientAuth) for mutual TLS.
    """

    root: Issued
    intermediate: Issued
    server: Issued
    client: Issued


def pem_bundle(certificates: Iterable[x509.Certificate]) -> str:
    """Certificates concatenated in PEM, in the order given (a CA bundle or a full chain)."""
    return "".join(c.public_bytes(serialization.Encoding.PEM).decode("ascii") for c in certificates)


def java_truststore(
    certificates: Sequence[x509.Certificate],
    password: str | bytes,
    *,
    aliases: Sequence[str] | None = None,
) -> bytes:
    """A PKCS #12 trust store for Java: every certificate a ``trustedCertEntry``.

    Java only treats a certificate in a PKCS #12 file as trusted when it carries Oracle's
    trusted-key-usage attribute; cryptography's ``serialize_java_truststore`` writes it.

    Args:
        certificates: The CA certificates to trust.
        password: The store password. Must not be empty.
        aliases: One alias per certificate; defaults to each subject CN in lower case.

    Returns:
        The DER bytes of the PKCS #12 file.
    """
    names = list(aliases) if aliases is not None else [_default_alias(c) for c in certificates]
    if len(names) != len(certificates):
        raise InputError(f"{len(certificates)} certificates but {len(names)} aliases")
    entries = [
        pkcs12.PKCS12Certificate(cert, name.encode("utf-8"))
        for cert, name in zip(certificates, names, strict=True)
    ]
    return pkcs12.serialize_java_truststore(entries, _pkcs12_encryption(password))


def _default_alias(certificate: x509.Certificate) -> str:
    subject = certificate.subject
    return (common_name(subject) or distinguished_name(subject)).lower()


class Lab:
    """A seed and a clock from which keys and certificates are made.

    Args:
        seed: Any text or bytes. The same seed gives the same keys and certificates.
            ``None`` draws a random seed.
        now: The lab's clock. ``None`` means the current time for a random lab and
            [`DEFAULT_NOW`][certkit.certificates.pki.DEFAULT_NOW] for a seeded one.

    Certificates are valid from ``now + start`` for ``days`` days: a negative ``start``
    with a short validity makes an expired certificate, a positive one a certificate that is
    not valid yet, and neither ever rots because both are relative to the lab's clock.

    Every method that makes a certificate accepts ``extra_extensions`` (added after the
    profile's own, replacing one of the same type) and ``omit`` (extension types to leave out),
    so tests can make precisely the broken certificates they need.

    Examples:
        >>> from certkit.certificates.pki import Lab
        >>> lab = Lab(seed="example")
        >>> root = lab.root_ca("Example Root CA")
        >>> root.certificate.subject.rfc4514_string()
        'CN=Example Root CA'
    """

    def __init__(self, seed: str | bytes | None = None, now: dt.datetime | None = None) -> None:
        self.deterministic = seed is not None
        self.seed: str | bytes = seed if seed is not None else os.urandom(32)
        if now is None:
            now = DEFAULT_NOW if self.deterministic else dt.datetime.now(dt.UTC)
        if now.tzinfo is None:
            raise InputError("the lab clock needs a time zone: pass e.g. datetime(..., tzinfo=UTC)")
        self.now = now.astimezone(dt.UTC).replace(microsecond=0)
        self._random_keys: dict[tuple[str, str], PrivateKey] = {}

    def __repr__(self) -> str:
        seed = repr(self.seed) if self.deterministic else "<random>"
        return f"Lab(seed={seed}, now={self.now.isoformat()})"

    def bytes(self, label: str, length: int) -> bytes:
        """Bytes derived from the lab's seed, e.g. a symmetric key or a nonce.

        Args:
            label: What the bytes are for. Each label gives independent bytes.
            length: How many bytes.

        Returns:
            The bytes; identical for the same seed, label and length.
        """
        return derive_bytes(self.seed, f"bytes:{label}", length)

    def key(self, label: str, key_type: str = KEY_TYPE) -> PrivateKey:
        """A private key derived from the lab's seed.

        Args:
            label: What the key is for. Each label gives an independent key.
            key_type: One of
                [`certkit.certificates.keys.KEY_TYPES`][certkit.certificates.keys.KEY_TYPES].

        Returns:
            The private key. A seeded lab derives it from the seed; a random lab generates it
            with OpenSSL (faster) and keeps it, so the same label gives the same key.
        """
        if self.deterministic:
            return derive_key(self.seed, label, key_type)
        cached = self._random_keys.get((label, key_type))
        if cached is None:
            cached = _generate_key(key_type)
            self._random_keys[(label, key_type)] = cached
        return cached

    def serial(self, label: str) -> int:
        """A positive serial number of 127 bits or fewer, derived from the seed and a label."""
        raw = int.from_bytes(derive_bytes(self.seed, f"serial:{label}", 16), "big")
        return (raw >> 1) or 1

    # -- certificate authorities -------------------------------------------------------------

    def root_ca(
        self,
        common_name: str,
        *,
        key_type: str = KEY_TYPE,
        days: int = 3650,
        start: dt.timedelta = dt.timedelta(0),
        path_length: int | None = None,
        label: str | None = None,
        extra_extensions: Sequence[Extension] = (),
        omit: Iterable[type[x509.ExtensionType]] = (),
    ) -> Issued:
        """A self-signed root certificate authority.

        Args:
            common_name: The CA's name (subject and issuer CN).
            key_type: The key type; EC P-256 by default.
            days: How long the certificate is valid.
            start: When validity starts, relative to the lab's clock.
            path_length: basicConstraints pathLenConstraint (``None``: no limit).
            label: The derivation label; defaults to the common name.
            extra_extensions: Extensions to add or replace.
            omit: Extension types to leave out.

        Returns:
            The root certificate with its private key.
        """
        label = label or common_name
        key = self._signing_key(label, key_type)
        profile = profiles.root_ca(key, path_length)
        extensions = profiles.customised(profile, extra_extensions, omit)
        return self._issue(label, _cn(common_name), key, None, extensions, days, start)

    # Deliberate boilerplate: the issuing methods' Args sections describe the same options in
    # the same words, so that each method's documentation stands alone on the API page.
    def intermediate_ca(
        self,
        issuer: Issued,
        common_name: str,
        *,
        key_type: str = KEY_TYPE,
        days: int = 1825,
        start: dt.timedelta = dt.timedelta(0),
        path_length: int | None = 0,
        name_constraints: x509.NameConstraints | None = None,
        label: str | None = None,
        extra_extensions: Sequence[Extension] = (),
        omit: Iterable[type[x509.ExtensionType]] = (),
    ) -> Issued:
        """An intermediate certificate authority signed by ``issuer``.

        Args:
            issuer: The signing CA (a root or another intermediate).
            common_name: The intermediate's name.
            key_type: The key type; EC P-256 by default.
            days: How long the certificate is valid.
            start: When validity starts, relative to the lab's clock.
            path_length: basicConstraints pathLenConstraint; 0 (the default) means it may sign
                only leaf certificates.
            name_constraints: Names the CA may certify (critical, as RFC 5280 requires).
            label: The derivation label; defaults to ``"intermediate:" + common_name``.
            extra_extensions: Extensions to add or replace.
            omit: Extension types to leave out.

        Returns:
            The intermediate certificate with its private key and issuer.
        """
        label = label or f"intermediate:{common_name}"
        key = self._signing_key(label, key_type)
        profile = profiles.intermediate_ca(key, issuer.certificate, path_length, name_constraints)
        extensions = profiles.customised(profile, extra_extensions, omit)
        return self._issue(label, _cn(common_name), key, issuer, extensions, days, start)

    # -- leaves ------------------------------------------------------------------------------

    def server(
        self,
        issuer: Issued,
        hostnames: Sequence[str],
        *,
        key_type: str = KEY_TYPE,
        days: int = 90,
        start: dt.timedelta = dt.timedelta(0),
        label: str | None = None,
        extra_extensions: Sequence[Extension] = (),
        omit: Iterable[type[x509.ExtensionType]] = (),
    ) -> Issued:
        """A TLS server certificate signed by ``issuer``.

        Args:
            issuer: The signing certificate authority.
            hostnames: DNS names (and IP addresses) for the subjectAltName; the first
                is also used as the subject CN.
            key_type: The key type; EC P-256 by default.
            days: Validity (90 days by default, well under the 398-day limit browsers enforce).
            start: When validity starts, relative to the lab's clock.
            label: The derivation label; defaults to ``"server:" + hostnames[0]``.
            extra_extensions: Extensions to add or replace (e.g. a different EKU).
            omit: Extension types to leave out (e.g. ``x509.SubjectAlternativeName``).

        Returns:
            The server certificate with its private key and issuer.

        Raises:
            InputError: If no hostname is given.
        """
        if not hostnames:
            raise InputError("a server certificate needs at least one hostname for its SAN")
        names = profiles.general_names(hostnames)  # refuses a bad name before any key work
        label = label or f"server:{hostnames[0]}"
        key = self._signing_key(label, key_type)
        profile = profiles.leaf(
            key.public_key(), issuer.certificate, profiles.USAGES["server"], names
        )
        extensions = profiles.customised(profile, extra_extensions, omit)
        return self._issue(label, _cn(hostnames[0]), key, issuer, extensions, days, start)

    def client(
        self,
        issuer: Issued,
        common_name: str,
        *,
        emails: Sequence[str] = (),
        key_type: str = KEY_TYPE,
        days: int = 365,
        start: dt.timedelta = dt.timedelta(0),
        label: str | None = None,
        extra_extensions: Sequence[Extension] = (),
        omit: Iterable[type[x509.ExtensionType]] = (),
    ) -> Issued:
        """A TLS client certificate (clientAuth), for mutual authentication.

        Liberty maps a client certificate to a SAF user ID (RACDCERT MAP or the certificate
        added to the user with RACDCERT ADD ... ID(user)); the subject is what the filters
        match on.

        Args:
            issuer: The signing certificate authority.
            common_name: The subject CN, e.g. a user or application name.
            emails: rfc822Name entries for the subjectAltName (none: no SAN).
            key_type: The key type; EC P-256 by default.
            days: How long the certificate is valid.
            start: When validity starts, relative to the lab's clock.
            label: The derivation label; defaults to ``"client:" + common_name``.
            extra_extensions: Extensions to add or replace.
            omit: Extension types to leave out.

        Returns:
            The client certificate with its private key and issuer.
        """
        label = label or f"client:{common_name}"
        key = self._signing_key(label, key_type)
        names = [x509.RFC822Name(e) for e in emails]
        profile = profiles.leaf(
            key.public_key(), issuer.certificate, profiles.USAGES["client"], names
        )
        extensions = profiles.customised(profile, extra_extensions, omit)
        return self._issue(label, _cn(common_name), key, issuer, extensions, days, start)

    def pki(
        self,
        hostnames: Sequence[str] = LAB_HOSTS,
        *,
        client_name: str = "certkit lab client",
        key_type: str = KEY_TYPE,
        root_name: str = "certkit Lab Root CA",
        intermediate_name: str = "certkit Lab Intermediate CA",
    ) -> LabPKI:
        """A complete lab PKI: root, intermediate, server and client certificates.

        Args:
            hostnames: The server's names (DNS names and IP addresses).
            client_name: The client certificate's common name.
            key_type: The key type of every certificate.
            root_name: The root CA's common name.
            intermediate_name: The intermediate CA's common name.

        Returns:
            The four certificates with their keys.
        """
        root = self.root_ca(root_name, key_type=key_type)
        intermediate = self.intermediate_ca(root, intermediate_name, key_type=key_type)
        return LabPKI(
            root=root,
            intermediate=intermediate,
            server=self.server(intermediate, hostnames, key_type=key_type),
            client=self.client(intermediate, client_name, key_type=key_type),
        )

    # -- requests and revocation -------------------------------------------------------------

    def request(
        self,
        common_name: str,
        *,
        hostnames: Sequence[str] = (),
        key_type: str = KEY_TYPE,
        label: str | None = None,
    ) -> Request:
        """A certificate signing request, as RACDCERT GENREQ or keytool -certreq would make.

        Args:
            common_name: The subject CN.
            hostnames: Names to request in a subjectAltName extension.
            key_type: The key type of the new key pair.
            label: The derivation label; defaults to ``"request:" + common_name``.

        Returns:
            The request with its private key (which never leaves the requester).
        """
        label = label or f"request:{common_name}"
        key = self._signing_key(label, key_type)
        builder = x509.CertificateSigningRequestBuilder().subject_name(_cn(common_name))
        if hostnames:
            builder = builder.add_extension(
                x509.SubjectAlternativeName(profiles.general_names(hostnames)), critical=False
            )
        algorithm, deterministic = _signature(key)
        return Request(builder.sign(key, algorithm, ecdsa_deterministic=deterministic), key)

    def sign_request(
        self,
        issuer: Issued,
        request: Request | x509.CertificateSigningRequest,
        *,
        usage: str = "server",
        days: int = 90,
        start: dt.timedelta = dt.timedelta(0),
        label: str | None = None,
    ) -> Issued:
        """Sign a certificate request, as a CA does after checking it.

        The CA takes the subject and public key from the request and applies its own profile:
        a requested subjectAltName is copied, everything else (basicConstraints, key usage,
        extended key usage, validity) is the CA's decision, not the requester's.

        Args:
            issuer: The signing CA.
            request: The request (with its key when it was made in the lab).
            usage: ``"server"`` (serverAuth) or ``"client"`` (clientAuth).
            days: How long the certificate is valid.
            start: When validity starts, relative to the lab's clock.
            label: The serial-number label; defaults to the request's subject.

        Returns:
            The certificate, with the request's private key when the lab has it.

        Raises:
            InputError: If the request's signature does not verify, its key type is not
                supported, or ``usage`` is unknown.
        """
        if isinstance(request, Request):
            csr, key = request.csr, request.private_key
        else:
            csr, key = request, None
        if not csr.is_signature_valid:
            raise InputError(
                "the request's signature does not verify: it was altered, or signed with "
                "another key; make the request again"
            )
        public_key = csr.public_key()
        if not isinstance(public_key, PublicKey):
            raise InputError("the request's key type cannot be used: use an EC, RSA or Ed25519 key")
        if usage not in profiles.USAGES:
            raise InputError(f"usage {usage!r}: use 'server' or 'client'")
        try:
            names = list(csr.extensions.get_extension_for_class(x509.SubjectAlternativeName).value)
        except x509.ExtensionNotFound:
            names = []
        extensions = profiles.leaf(public_key, issuer.certificate, profiles.USAGES[usage], names)
        label = label or f"signed:{csr.subject.rfc4514_string()}"
        return self._issue(label, csr.subject, key, issuer, extensions, days, start, public_key)

    def crl(
        self,
        issuer: Issued,
        revoked: Iterable[Issued | x509.Certificate] = (),
        *,
        days: int = 7,
        number: int = 1,
    ) -> x509.CertificateRevocationList:
        """A certificate revocation list signed by ``issuer``, issued at the lab's clock.

        Args:
            issuer: The CA whose certificates are listed.
            revoked: The revoked certificates (revoked at the lab's clock).
            days: When the next CRL is due (nextUpdate).
            number: The cRLNumber.

        Returns:
            The CRL.
        """
        key = issuer._require_key()
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(issuer.certificate.subject)
            .last_update(self.now)
            .next_update(self.now + dt.timedelta(days=days))
            .add_extension(x509.CRLNumber(number), critical=False)
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(
                    issuer.certificate.public_key()  # type: ignore[arg-type]
                ),
                critical=False,
            )
        )
        for item in revoked:
            cert = item.certificate if isinstance(item, Issued) else item
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(cert.serial_number)
                .revocation_date(self.now)
                .build()
            )
        algorithm, deterministic = _signature(key)
        return builder.sign(key, algorithm, ecdsa_deterministic=deterministic)

    # -- internals -------------------------------------------------------------------------

    def _signing_key(self, label: str, key_type: str) -> SigningKey:
        key = self.key(label, key_type)
        if not isinstance(key, SigningKey):
            raise InputError(f"a {key_type} key cannot sign: choose an EC, RSA or Ed25519 key type")
        return key

    def _validity(self, days: int, start: dt.timedelta) -> tuple[dt.datetime, dt.datetime]:
        """The validity a certificate gets, within what a certificate can carry.

        Raises:
            InputError: If it would begin before 1950 or end after 9999 (RFC 5280 4.1.2.5).
        """
        try:
            not_before = self.now + start
            not_after = not_before + dt.timedelta(days=days)
        except OverflowError:
            not_before = not_after = dt.datetime.max.replace(tzinfo=dt.UTC)
        if not_before < _EARLIEST or not_after > _LATEST:
            raise InputError(
                f"the lab clock {self.now.date().isoformat()} with {days} days of validity "
                "leaves the years 1950 to 9999 a certificate can carry (RFC 5280 4.1.2.5); "
                "give a clock (--now) between 1951 and 9900"
            )
        return not_before, not_after

    def _issue(
        self,
        label: str,
        subject: x509.Name,
        key: SigningKey | None,
        issuer: Issued | None,
        extensions: Sequence[Extension],
        days: int,
        start: dt.timedelta,
        public_key: PublicKey | None = None,
    ) -> Issued:
        """Sign a certificate for ``subject`` with ``extensions``, valid from ``now + start``.

        ``issuer`` ``None`` makes it self-signed (with ``key``). ``public_key`` is the
        certified key when the lab does not hold its private key (a signed request).
        """
        if days < 1:
            raise InputError(f"validity of {days} days: give at least 1 day")
        signer = key if issuer is None else issuer.private_key
        if signer is None:
            raise InputError("the issuing CA has no private key in the lab: it cannot sign")
        if public_key is None:
            assert key is not None
            public_key = key.public_key()
        not_before, not_after = self._validity(days, start)
        builder = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject if issuer is None else issuer.certificate.subject)
            .public_key(public_key)
            .serial_number(self.serial(label))
            .not_valid_before(not_before)
            .not_valid_after(not_after)
        )
        for ext, critical in extensions:
            builder = builder.add_extension(ext, critical=critical)
        algorithm, deterministic = _signature(signer)
        return Issued(
            builder.sign(signer, algorithm, ecdsa_deterministic=deterministic), key, issuer
        )


def _generate_key(key_type: str) -> PrivateKey:
    if key_type in CURVES:
        return ec.generate_private_key(CURVES[key_type])
    if key_type in ("rsa-2048", "rsa-3072", "rsa-4096"):
        return rsa.generate_private_key(65537, int(key_type.removeprefix("rsa-")))
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.generate()
    if key_type == "x25519":
        return x25519.X25519PrivateKey.generate()
    raise InputError(f"unknown key type {key_type!r}: use one of {', '.join(KEY_TYPES)}")


def _signature(key: SigningKey) -> tuple[hashes.SHA256 | None, bool | None]:
    """How the lab signs with ``key``: SHA-256 (ECDSA with RFC 6979 nonces), or Ed25519's own."""
    if isinstance(key, ec.EllipticCurvePrivateKey):
        return hashes.SHA256(), True
    if isinstance(key, rsa.RSAPrivateKey):
        return hashes.SHA256(), None
    return None, None


def _cn(common_name: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
