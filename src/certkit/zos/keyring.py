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
what a ring with a missing CERTAUTH connection does to a handshake. What a ring stands for
outside z/OS (Python ``ssl`` contexts, Java PKCS #12 key and trust stores) is made by
[`certkit.zos.stores`][certkit.zos.stores]; the ring's methods of those names call it.
"""

from __future__ import annotations

import enum
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cryptography import x509

from certkit.certificates.keys import SigningKey
from certkit.certificates.names import signed_by
from certkit.certificates.pki import Issued, LabPKI
from certkit.defaults import (
    CLIENT_LABEL,
    INTERMEDIATE_CA_LABEL,
    RING_NAME,
    RING_OWNER,
    ROOT_CA_LABEL,
    SERVER_LABEL,
)
from certkit.errors import InputError

if TYPE_CHECKING:
    import ssl

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

    @classmethod
    def for_lab(
        cls,
        pki: LabPKI,
        *,
        client: bool = False,
        name: str = RING_NAME,
        owner: str = RING_OWNER,
    ) -> KeyRing:
        """A ring holding a lab PKI as an administrator would connect it.

        The root and the intermediate CA certificates are connected with USAGE CERTAUTH, the
        server's certificate (the client's, with ``client``) as the PERSONAL DEFAULT, each
        under its label in `certkit.defaults`.

        Args:
            pki: The lab PKI.
            client: Make a client's ring (the client certificate) instead of a server's.
            name: The ring's name.
            owner: The user ID that owns the ring.

        Returns:
            The ring.

        Examples:
            >>> from certkit.certificates.pki import Lab
            >>> ring = KeyRing.for_lab(Lab(seed="ring").pki())
            >>> [e.label for e in ring.chain_entries(ring.default())]
            ['Liberty server', 'Lab Intermediate CA', 'Lab Root CA']
        """
        ring = cls(name, owner)
        ring.connect(pki.root, label=ROOT_CA_LABEL, usage=Usage.CERTAUTH)
        ring.connect(pki.intermediate, label=INTERMEDIATE_CA_LABEL, usage=Usage.CERTAUTH)
        if client:
            ring.connect(pki.client, label=CLIENT_LABEL, default=True)
        else:
            ring.connect(pki.server, label=SERVER_LABEL, default=True)
        return ring

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
            issuer = next(
                (c for c in cas if c not in chain and signed_by(last, c.certificate)), None
            )
            if issuer is None:
                return chain
            chain.append(issuer)

    def personal(self, label: str | None = None, *, required: bool = True) -> RingEntry | None:
        """The personal certificate a TLS peer using this ring presents.

        Args:
            label: The certificate's label; the DEFAULT if ``None``.
            required: Whether a ring without a DEFAULT is an error (a server's ring) rather
                than a ring that presents nothing (a client's ring, ``None``).

        Returns:
            The entry, or ``None`` when nothing is presented.

        Raises:
            InputError: If the label is not a PERSONAL certificate of the ring, or a required
                DEFAULT is missing.
        """
        if label is not None:
            entry = self.get(label)
            if entry.usage is not Usage.PERSONAL:
                raise InputError(f"{label!r} is a {entry.usage} certificate, not PERSONAL")
            return entry
        if any(e.default for e in self._entries) or required:
            return self.default()
        return None

    # -- what the ring stands for outside z/OS (certkit.zos.stores) --------------------------

    def ssl_context(
        self,
        *,
        server_side: bool,
        label: str | None = None,
        client_auth: ClientAuth | str = ClientAuth.NONE,
    ) -> ssl.SSLContext:
        """A Python ``ssl`` context that behaves as this ring does in a TLS handshake.

        See [`certkit.zos.stores.ssl_context`][certkit.zos.stores.ssl_context].
        """
        from certkit.zos import stores

        return stores.ssl_context(
            self, server_side=server_side, label=label, client_auth=client_auth
        )

    def java_keystore(self, password: str | bytes, *, label: str | None = None) -> bytes:
        """A PKCS #12 key store with the personal certificate, its key and chain.

        See [`certkit.zos.stores.java_keystore`][certkit.zos.stores.java_keystore].
        """
        from certkit.zos import stores

        return stores.java_keystore(self, password, label=label)

    def java_truststore(self, password: str | bytes) -> bytes:
        """A PKCS #12 trust store with every CERTAUTH/SITE certificate, aliased by label.

        See [`certkit.zos.stores.java_truststore`][certkit.zos.stores.java_truststore].
        """
        from certkit.zos import stores

        return stores.java_truststore(self, password)
