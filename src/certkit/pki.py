"""Test PKIs: keys, certificate authorities and leaf certificates, optionally deterministic.

A [`Lab`][certkit.pki.Lab] is a seed and a clock. Everything it makes (keys, serial numbers,
validity dates, signatures) follows from those two, so a lab with a fixed seed and a fixed clock
gives byte-identical certificates on every run and every machine:

* keys come from [`certkit.keys.derive_key`][certkit.keys.derive_key];
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
from dataclasses import dataclass, field

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

from certkit.errors import InputError
from certkit.keys import PrivateKey, derive_bytes, derive_key

__all__ = ["DEFAULT_NOW", "Issued", "Lab"]

DEFAULT_NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
"""The clock of a deterministic lab when none is given: 2026-01-01 00:00:00 UTC."""

SigningKey = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey


@dataclass(frozen=True)
class Issued:
    """A certificate and the private key that belongs to it.

    Attributes:
        certificate: The certificate.
        private_key: The private key matching the certificate's public key.
        issuer: The certificate authority that signed it, or ``None`` if it is self-signed.
    """

    certificate: x509.Certificate
    private_key: SigningKey
    issuer: Issued | None = field(default=None, repr=False)

    @property
    def pem(self) -> str:
        """The certificate in PEM form (no private key)."""
        return self.certificate.public_bytes(serialization.Encoding.PEM).decode("ascii")

    @property
    def der(self) -> bytes:
        """The certificate in DER form: the bytes that are hashed for a fingerprint."""
        return self.certificate.public_bytes(serialization.Encoding.DER)

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

    def chain(self) -> list[x509.Certificate]:
        """This certificate followed by its issuers, up to and including the root."""
        out: list[x509.Certificate] = []
        node: Issued | None = self
        while node is not None:
            out.append(node.certificate)
            node = node.issuer
        return out


class Lab:
    """A seed and a clock from which keys and certificates are made.

    Args:
        seed: Any text or bytes. The same seed gives the same keys and certificates.
            ``None`` draws a random seed.
        now: The lab's clock. ``None`` means the current time for a random lab and
            [`DEFAULT_NOW`][certkit.pki.DEFAULT_NOW] for a seeded one.

    Example:
        >>> from certkit.pki import Lab
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

    def key(self, label: str, key_type: str = "ec-p256") -> PrivateKey:
        """A private key derived from the lab's seed.

        Args:
            label: What the key is for. Each label gives an independent key.
            key_type: One of [`certkit.keys.KEY_TYPES`][certkit.keys.KEY_TYPES].

        Returns:
            The private key.
        """
        return derive_key(self.seed, label, key_type)

    def serial(self, label: str) -> int:
        """A positive serial number of 127 bits or fewer, derived from the seed and a label."""
        raw = int.from_bytes(derive_bytes(self.seed, f"serial:{label}", 16), "big")
        return (raw >> 1) or 1

    def root_ca(
        self,
        common_name: str,
        *,
        key_type: str = "ec-p256",
        days: int = 3650,
        label: str | None = None,
    ) -> Issued:
        """A self-signed root certificate authority.

        Args:
            common_name: The CA's name (subject and issuer CN).
            key_type: The key type; EC P-256 by default.
            days: How long the certificate is valid from the lab's clock.
            label: The derivation label; defaults to the common name.

        Returns:
            The root certificate with its private key.
        """
        label = label or common_name
        key = self._signing_key(label, key_type)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
        builder = (
            self._builder(label, name, name, key.public_key(), days)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(_key_usage(ca=True, key=key), critical=True)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
        )
        return Issued(self._sign(builder, key), key)

    def server(
        self,
        issuer: Issued,
        hostnames: list[str],
        *,
        key_type: str = "ec-p256",
        days: int = 90,
        label: str | None = None,
    ) -> Issued:
        """A server (TLS web server) certificate signed by ``issuer``.

        Args:
            issuer: The signing certificate authority.
            hostnames: DNS names (and IP addresses) for the subjectAltName; the first
                is also used as the subject CN.
            key_type: The key type; EC P-256 by default.
            days: Validity from the lab's clock.
            label: The derivation label; defaults to ``"server:" + hostnames[0]``.

        Returns:
            The server certificate with its private key and issuer.

        Raises:
            InputError: If no hostname is given.
        """
        if not hostnames:
            raise InputError("a server certificate needs at least one hostname for its SAN")
        label = label or f"server:{hostnames[0]}"
        key = self._signing_key(label, key_type)
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, hostnames[0])])
        builder = (
            self._builder(label, subject, issuer.certificate.subject, key.public_key(), days)
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(_key_usage(ca=False, key=key), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
            .add_extension(x509.SubjectAlternativeName(_general_names(hostnames)), critical=False)
            .add_extension(
                x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False
            )
            .add_extension(
                x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.private_key.public_key()),
                critical=False,
            )
        )
        return Issued(self._sign(builder, issuer.private_key), key, issuer)

    # -- internals -------------------------------------------------------------------------

    def _signing_key(self, label: str, key_type: str) -> SigningKey:
        key = self.key(label, key_type)
        if not isinstance(key, SigningKey):
            raise InputError(f"a {key_type} key cannot sign: choose an EC, RSA or Ed25519 key type")
        return key

    def _builder(
        self,
        label: str,
        subject: x509.Name,
        issuer: x509.Name,
        public_key: ec.EllipticCurvePublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey,
        days: int,
    ) -> x509.CertificateBuilder:
        if days < 1:
            raise InputError(f"validity of {days} days: give at least 1 day")
        return (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(issuer)
            .public_key(public_key)
            .serial_number(self.serial(label))
            .not_valid_before(self.now)
            .not_valid_after(self.now + dt.timedelta(days=days))
        )

    @staticmethod
    def _sign(builder: x509.CertificateBuilder, key: SigningKey) -> x509.Certificate:
        if isinstance(key, ec.EllipticCurvePrivateKey):
            return builder.sign(key, hashes.SHA256(), ecdsa_deterministic=True)
        if isinstance(key, rsa.RSAPrivateKey):
            return builder.sign(key, hashes.SHA256())
        return builder.sign(key, None)


def _key_usage(*, ca: bool, key: SigningKey) -> x509.KeyUsage:
    # keyEncipherment only makes sense for RSA keys (RSA key transport); EC and EdDSA keys sign.
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=isinstance(key, rsa.RSAPrivateKey) and not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def _general_names(hostnames: list[str]) -> list[x509.GeneralName]:
    import ipaddress

    names: list[x509.GeneralName] = []
    for host in hostnames:
        try:
            names.append(x509.IPAddress(ipaddress.ip_address(host)))
        except ValueError:
            names.append(x509.DNSName(host))
    return names
