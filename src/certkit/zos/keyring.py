"""A model of a RACF key ring, and the TLS contexts and Java stores it stands for.

On z/OS, Liberty (JSSE with a ``JCERACFKS`` key store) and AT-TLS (System SSL) read their
certificates from a SAF key ring: a named list of certificates connected to a user ID, each with
a *usage*:

* ``PERSONAL``: a certificate whose private key the ring owner holds. The one marked
  ``DEFAULT`` is what the server (or client) presents when no label is configured.
* ``CERTAUTH``: a certificate authority. Every CERTAUTH certificate connected to the ring is
  trusted, intermediates included: a chain that reaches any of them verifies. The server also
  builds the chain it sends from them.
* ``SITE``: trusted like CERTAUTH for the chain's end, but not a CA (rarely used).

[`KeyRing`][certkit.zos.keyring.KeyRing] mirrors those rules so that a lab can show, on a laptop,
what a ring with a missing CERTAUTH connection does to a handshake, and produce the equivalent
Python ``ssl`` contexts and Java PKCS #12 key and trust stores.
"""

from __future__ import annotations

import enum
import ssl
from collections.abc import Iterator
from dataclasses import dataclass

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization

from certkit.certificates.files import load_cert_chain
from certkit.certificates.pki import Issued, SigningKey, java_truststore, pem_bundle
from certkit.defaults import RING_NAME, RING_OWNER
from certkit.errors import InputError

__all__ = ["ClientAuth", "KeyRing", "RingEntry", "Usage"]


class Usage(enum.StrEnum):
    """How a certificate is connected to a ring (RACDCERT CONNECT ... USAGE(...))."""

    PERSONAL = "PERSONAL"
    CERTAUTH = "CERTAUTH"
    SITE = "SITE"


class ClientAuth(enum.StrEnum):
    """Whether a server asks for a client certificate.

    Liberty's ``clientAuthenticationSupported`` is ``OPTIONAL`` and ``clientAuthentication`` is
    ``REQUIRED``; AT-TLS spells them ``HandshakeRole ServerWithClientAuth`` with
    ``ClientAuthType``.
    """

    NONE = "none"
    OPTIONAL = "optional"
    REQUIRED = "required"


@dataclass(frozen=True)
class RingEntry:
    """One certificate connected to a ring.

    Attributes:
        label: The certificate's label (RACDCERT ``LABEL('...')``), unique in the ring.
        certificate: The certificate.
        usage: PERSONAL, CERTAUTH or SITE.
        default: Whether this is the ring's DEFAULT certificate.
        private_key: The private key, for PERSONAL certificates.
    """

    label: str
    certificate: x509.Certificate
    usage: Usage
    default: bool
    private_key: SigningKey | None


class KeyRing:
    """A RACF-style key ring: labelled certificates with a usage, one of them the DEFAULT.

    Args:
        name: The ring's name; [`certkit.defaults.RING_NAME`][certkit.defaults.RING_NAME] by
            default.
        owner: The user ID that owns the ring, e.g. the Liberty server's started task ID;
            [`certkit.defaults.RING_OWNER`][certkit.defaults.RING_OWNER] by default.

    Examples:
        >>> from certkit.zos.keyring import KeyRing
        >>> from certkit.certificates.pki import Lab
        >>> pki = Lab(seed="ring").pki()
        >>> ring = KeyRing("Server.Ring", owner="ZCEESRV")
        >>> _ = ring.connect(pki.root, label="Root", usage="CERTAUTH")
        >>> _ = ring.connect(pki.intermediate, label="Issuing CA", usage="CERTAUTH")
        >>> _ = ring.connect(pki.server, label="zcee", default=True)
        >>> [e.label for e in ring.chain_entries(ring.default())]
        ['zcee', 'Issuing CA', 'Root']
    """

    def __init__(self, name: str = RING_NAME, owner: str = RING_OWNER) -> None:
        self.name = name
        self.owner = owner
        self._entries: list[RingEntry] = []

    def __repr__(self) -> str:
        return f"KeyRing({self.name!r}, owner={self.owner!r}, {len(self._entries)} certificates)"

    def __iter__(self) -> Iterator[RingEntry]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    def connect(
        self,
        item: Issued | x509.Certificate,
        *,
        label: str,
        usage: Usage | str = Usage.PERSONAL,
        default: bool = False,
    ) -> RingEntry:
        """Connect a certificate to the ring (RACDCERT CONNECT).

        As in RACF, connecting a certificate as DEFAULT takes DEFAULT away from the previous
        default.

        Args:
            item: The certificate (with its key, for a PERSONAL certificate made in the lab).
            label: Its label in the ring; must be unique.
            usage: ``PERSONAL`` (default), ``CERTAUTH`` or ``SITE``.
            default: Make it the ring's DEFAULT certificate (PERSONAL only).

        Returns:
            The new entry.

        Raises:
            InputError: If the label is taken, the usage unknown, or a PERSONAL/DEFAULT
                certificate has no private key.
        """
        try:
            usage = Usage(str(usage).upper())
        except ValueError:
            raise InputError(f"usage {usage!r}: use PERSONAL, CERTAUTH or SITE") from None
        if any(e.label == label for e in self._entries):
            raise InputError(f"label {label!r} is already connected to ring {self.name}")
        certificate = item.certificate if isinstance(item, Issued) else item
        key = item.private_key if isinstance(item, Issued) else None
        if usage is Usage.PERSONAL and key is None:
            raise InputError(
                f"{label!r}: a PERSONAL certificate needs its private key in the ring; "
                "connect a CA certificate with usage CERTAUTH"
            )
        if default and usage is not Usage.PERSONAL:
            raise InputError(f"{label!r}: only a PERSONAL certificate can be the DEFAULT")
        if default:
            self._entries = [
                RingEntry(e.label, e.certificate, e.usage, False, e.private_key)
                for e in self._entries
            ]
        entry = RingEntry(
            label, certificate, usage, default, key if usage is Usage.PERSONAL else None
        )
        self._entries.append(entry)
        return entry

    def remove(self, label: str) -> None:
        """Remove a certificate from the ring (RACDCERT REMOVE).

        Raises:
            InputError: If no certificate has that label.
        """
        kept = [e for e in self._entries if e.label != label]
        if len(kept) == len(self._entries):
            raise InputError(f"no certificate labelled {label!r} in ring {self.name}")
        self._entries = kept

    def get(self, label: str) -> RingEntry:
        """The entry with this label.

        Raises:
            InputError: If no certificate has that label.
        """
        for entry in self._entries:
            if entry.label == label:
                return entry
        raise InputError(f"no certificate labelled {label!r} in ring {self.name}")

    def default(self) -> RingEntry:
        """The DEFAULT certificate.

        Raises:
            InputError: If no certificate is the DEFAULT.
        """
        for entry in self._entries:
            if entry.default:
                return entry
        raise InputError(
            f"ring {self.name} has no DEFAULT certificate: connect the server's personal "
            "certificate with DEFAULT, or name its label in the configuration"
        )

    def trust_anchors(self) -> list[x509.Certificate]:
        """Every certificate the ring trusts: all CERTAUTH and SITE certificates."""
        return [e.certificate for e in self._entries if e.usage is not Usage.PERSONAL]

    def chain_entries(self, entry: RingEntry) -> list[RingEntry]:
        """``entry`` followed by its issuers as found among the ring's CA certificates.

        The chain stops at a self-signed certificate or where no connected CA certificate
        issued the last one (a missing CERTAUTH connection): the peer then receives an
        incomplete chain.
        """
        chain = [entry]
        cas = [e for e in self._entries if e.usage is not Usage.PERSONAL]
        while True:
            last = chain[-1].certificate
            if last.issuer == last.subject:
                return chain
            issuer = next((c for c in cas if c not in chain and _issued(last, c.certificate)), None)
            if issuer is None:
                return chain
            chain.append(issuer)

    def ssl_context(
        self,
        *,
        server_side: bool,
        label: str | None = None,
        client_auth: ClientAuth | str = ClientAuth.NONE,
    ) -> ssl.SSLContext:
        """A Python ``ssl`` context that behaves as this ring does in a TLS handshake.

        The context presents the DEFAULT (or labelled) personal certificate with the chain
        built from the ring's CA certificates (without a self-signed root), and trusts every
        CERTAUTH/SITE certificate, intermediates included (OpenSSL's partial-chain flag, which
        is how System SSL and JSSE treat a ring).

        Args:
            server_side: A server context (``True``) or a client context.
            label: The personal certificate to present; the DEFAULT if ``None``. A client
                ring without a personal certificate presents none.
            client_auth: For a server: ``none``, ``optional`` or ``required``.

        Returns:
            The configured context (TLS 1.2 or newer).

        Raises:
            InputError: If a server ring has no certificate to present.
        """
        client_auth = ClientAuth(str(client_auth).lower())
        context = ssl.SSLContext(
            ssl.PROTOCOL_TLS_SERVER if server_side else ssl.PROTOCOL_TLS_CLIENT
        )
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        personal = self._personal(label, required=server_side)
        if personal is not None:
            self._load_chain(context, personal)
        anchors = self.trust_anchors()
        if anchors:
            context.load_verify_locations(cadata=pem_bundle(anchors))
        context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
        if server_side:
            context.verify_mode = {
                ClientAuth.NONE: ssl.CERT_NONE,
                ClientAuth.OPTIONAL: ssl.CERT_OPTIONAL,
                ClientAuth.REQUIRED: ssl.CERT_REQUIRED,
            }[client_auth]
        return context

    def java_keystore(self, password: str | bytes, *, label: str | None = None) -> bytes:
        """A PKCS #12 key store with the personal certificate, its key and chain.

        The entry's alias is the ring label, as Liberty's ``serverKeyAlias`` would name it.

        Args:
            password: The store password.
            label: The personal certificate; the DEFAULT if ``None``.

        Returns:
            The DER bytes of the PKCS #12 file.
        """
        personal = self._personal(label, required=True)
        assert personal is not None
        chain = [e.certificate for e in self.chain_entries(personal)]
        issued: Issued | None = None
        for cert in reversed(chain):
            issued = Issued(cert, personal.private_key if cert is chain[0] else None, issued)
        assert issued is not None
        return issued.pkcs12(password, alias=personal.label)

    def java_truststore(self, password: str | bytes) -> bytes:
        """A PKCS #12 trust store with every CERTAUTH/SITE certificate, aliased by label.

        Raises:
            InputError: If the ring trusts no certificate.
        """
        entries = [e for e in self._entries if e.usage is not Usage.PERSONAL]
        if not entries:
            raise InputError(f"ring {self.name} has no CERTAUTH certificate to trust")
        return java_truststore(
            [e.certificate for e in entries], password, aliases=[e.label for e in entries]
        )

    # -- internals -------------------------------------------------------------------------

    def _personal(self, label: str | None, *, required: bool) -> RingEntry | None:
        if label is not None:
            entry = self.get(label)
            if entry.usage is not Usage.PERSONAL:
                raise InputError(f"{label!r} is a {entry.usage} certificate, not PERSONAL")
            return entry
        if any(e.default for e in self._entries) or required:
            return self.default()
        return None

    def _load_chain(self, context: ssl.SSLContext, entry: RingEntry) -> None:
        assert entry.private_key is not None
        chain = [e.certificate for e in self.chain_entries(entry)]
        if len(chain) > 1 and chain[-1].issuer == chain[-1].subject:
            chain = chain[:-1]  # the peer must already trust the root; it is not sent
        key_pem = entry.private_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        load_cert_chain(context, pem_bundle(chain), key_pem.decode("ascii"))


def _issued(child: x509.Certificate, candidate: x509.Certificate) -> bool:
    if child.issuer != candidate.subject:
        return False
    try:
        child.verify_directly_issued_by(candidate)
    except (ValueError, TypeError, InvalidSignature):
        return False
    return True
