"""What a key ring stands for outside z/OS: Python ``ssl`` contexts and Java key stores.

On z/OS, Liberty and AT-TLS read their certificates from a
[`KeyRing`][certkit.zos.keyring.KeyRing]. On a laptop the same certificates go into an ``ssl``
context (for a handshake in memory, or a server) or into PKCS #12 files (for a JVM), and each
of these follows the ring's rules: the personal certificate is the DEFAULT (or the one named by
its label), the chain sent is built from the ring's CA certificates, and every CERTAUTH or SITE
certificate is trusted, intermediates included.
"""

from __future__ import annotations

import ssl

from cryptography.hazmat.primitives import serialization

from certkit.certificates.files import load_cert_chain
from certkit.certificates.pki import Issued, pem_bundle
from certkit.certificates.pki import java_truststore as truststore_of
from certkit.errors import InputError
from certkit.zos.keyring import ClientAuth, KeyRing, RingEntry, Usage

__all__ = ["java_keystore", "java_truststore", "ssl_context"]

_VERIFY_MODES = {
    ClientAuth.NONE: ssl.CERT_NONE,
    ClientAuth.OPTIONAL: ssl.CERT_OPTIONAL,
    ClientAuth.REQUIRED: ssl.CERT_REQUIRED,
}


def ssl_context(
    ring: KeyRing,
    *,
    server_side: bool,
    label: str | None = None,
    client_auth: ClientAuth | str = ClientAuth.NONE,
) -> ssl.SSLContext:
    """A Python ``ssl`` context that behaves as ``ring`` does in a TLS handshake.

    The context presents the DEFAULT (or labelled) personal certificate with the chain built
    from the ring's CA certificates (without a self-signed root), and trusts every CERTAUTH/SITE
    certificate, intermediates included (OpenSSL's partial-chain flag, which is how System SSL
    and JSSE treat a ring).

    Args:
        ring: The key ring.
        server_side: A server context (``True``) or a client context.
        label: The personal certificate to present; the DEFAULT if ``None``. A client ring
            without a personal certificate presents none.
        client_auth: For a server: ``none``, ``optional`` or ``required``.

    Returns:
        The configured context (TLS 1.2 or newer).

    Raises:
        InputError: If a server ring has no certificate to present.
    """
    client_auth = ClientAuth(str(client_auth).lower())
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER if server_side else ssl.PROTOCOL_TLS_CLIENT)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    personal = ring.personal(label, required=server_side)
    if personal is not None:
        _load_chain(ring, context, personal)
    anchors = ring.trust_anchors()
    if anchors:
        context.load_verify_locations(cadata=pem_bundle(anchors))
    context.verify_flags |= ssl.VERIFY_X509_PARTIAL_CHAIN
    if server_side:
        context.verify_mode = _VERIFY_MODES[client_auth]
    return context


def java_keystore(ring: KeyRing, password: str | bytes, *, label: str | None = None) -> bytes:
    """A PKCS #12 key store with the ring's personal certificate, its key and chain.

    The entry's alias is the ring label, as Liberty's ``serverKeyAlias`` would name it.

    Args:
        ring: The key ring.
        password: The store password.
        label: The personal certificate; the DEFAULT if ``None``.

    Returns:
        The DER bytes of the PKCS #12 file.
    """
    personal = ring.personal(label, required=True)
    assert personal is not None
    chain = [e.certificate for e in ring.chain_entries(personal)]
    issued: Issued | None = None
    for cert in reversed(chain):
        issued = Issued(cert, personal.private_key if cert is chain[0] else None, issued)
    assert issued is not None
    return issued.pkcs12(password, alias=personal.label)


def java_truststore(ring: KeyRing, password: str | bytes) -> bytes:
    """A PKCS #12 trust store with every CERTAUTH/SITE certificate of the ring, aliased by label.

    Raises:
        InputError: If the ring trusts no certificate.
    """
    entries = [e for e in ring if e.usage is not Usage.PERSONAL]
    if not entries:
        raise InputError(f"ring {ring.name} has no CERTAUTH certificate to trust")
    return truststore_of(
        [e.certificate for e in entries], password, aliases=[e.label for e in entries]
    )


def _load_chain(ring: KeyRing, context: ssl.SSLContext, entry: RingEntry) -> None:
    assert entry.private_key is not None
    chain = [e.certificate for e in ring.chain_entries(entry)]
    if len(chain) > 1 and chain[-1].issuer == chain[-1].subject:
        chain = chain[:-1]  # the peer must already trust the root; it is not sent
    key_pem = entry.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    load_cert_chain(context, pem_bundle(chain), key_pem.decode("ascii"))
