"""Certificate profiles: the extensions the lab gives each kind of certificate.

A profile is what a certificate authority decides, not what a requester asks for: whether the
certificate is a CA (basicConstraints), what its key may do (keyUsage, extendedKeyUsage), the
names it is for (subjectAltName) and how it links to its issuer (the key identifiers).
[`Lab`][certkit.certificates.pki.Lab] issues every certificate from one of these profiles, then
adds or leaves out extensions when a test asks for a broken certificate
([`customised`][certkit.certificates.profiles.customised]).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID

from certkit.certificates.keys import SigningKey, SigningPublicKey
from certkit.certificates.names import host_name

__all__ = [
    "USAGES",
    "Extension",
    "customised",
    "general_names",
    "intermediate_ca",
    "key_identifiers",
    "key_usage",
    "leaf",
    "root_ca",
]

Extension = tuple[x509.ExtensionType, bool]
"""An extension to add to a certificate, with its criticality."""

USAGES: dict[str, x509.ObjectIdentifier] = {
    "server": ExtendedKeyUsageOID.SERVER_AUTH,
    "client": ExtendedKeyUsageOID.CLIENT_AUTH,
}
"""The extended key usage of a leaf certificate by its use: serverAuth or clientAuth."""


def key_usage(*, ca: bool, key: SigningKey | SigningPublicKey) -> x509.KeyUsage:
    """The keyUsage of a CA (certificate and CRL signing) or of a leaf (signatures).

    keyEncipherment only makes sense for a leaf's RSA key (RSA key transport); EC and EdDSA
    keys sign.
    """
    is_rsa = isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey)
    return x509.KeyUsage(
        digital_signature=True,
        content_commitment=False,
        key_encipherment=is_rsa and not ca,
        data_encipherment=False,
        key_agreement=False,
        key_cert_sign=ca,
        crl_sign=ca,
        encipher_only=False,
        decipher_only=False,
    )


def key_identifiers(public_key: SigningPublicKey, issuer: x509.Certificate) -> list[Extension]:
    """The subject's key identifier (of ``public_key``) and the authority's (of ``issuer``)."""
    return [
        (x509.SubjectKeyIdentifier.from_public_key(public_key), False),
        (
            x509.AuthorityKeyIdentifier.from_issuer_public_key(
                issuer.public_key()  # type: ignore[arg-type]
            ),
            False,
        ),
    ]


def root_ca(key: SigningKey, path_length: int | None) -> list[Extension]:
    """A self-signed root CA: CA with a path length, CA key usage, its own key identifier."""
    return [
        (x509.BasicConstraints(ca=True, path_length=path_length), True),
        (key_usage(ca=True, key=key), True),
        (x509.SubjectKeyIdentifier.from_public_key(key.public_key()), False),
    ]


def intermediate_ca(
    key: SigningKey,
    issuer: x509.Certificate,
    path_length: int | None,
    name_constraints: x509.NameConstraints | None,
) -> list[Extension]:
    """An intermediate CA: CA with a path length, CA key usage, name constraints if any."""
    extensions: list[Extension] = [
        (x509.BasicConstraints(ca=True, path_length=path_length), True),
        (key_usage(ca=True, key=key), True),
    ]
    if name_constraints is not None:
        extensions.append((name_constraints, True))
    return extensions + key_identifiers(key.public_key(), issuer)


def leaf(
    public_key: SigningPublicKey,
    issuer: x509.Certificate,
    eku: x509.ObjectIdentifier,
    names: Sequence[x509.GeneralName],
) -> list[Extension]:
    """A server or client certificate: not a CA, leaf key usage, one extended key usage, names."""
    extensions: list[Extension] = [
        (x509.BasicConstraints(ca=False, path_length=None), True),
        (key_usage(ca=False, key=public_key), True),
        (x509.ExtendedKeyUsage([eku]), False),
    ]
    if names:
        extensions.append((x509.SubjectAlternativeName(list(names)), False))
    return extensions + key_identifiers(public_key, issuer)


def customised(
    profile: Iterable[Extension],
    extra: Sequence[Extension] = (),
    omit: Iterable[type[x509.ExtensionType]] = (),
) -> list[Extension]:
    """A profile's extensions without those of the ``omit`` types, then ``extra``.

    An extension of ``extra`` replaces the profile's extension of the same type.
    """
    skip = set(omit) | {type(ext) for ext, _ in extra}
    return [(ext, critical) for ext, critical in profile if type(ext) not in skip] + list(extra)


def general_names(hostnames: Sequence[str]) -> list[x509.GeneralName]:
    """SubjectAltName entries for server names: an IP address entry or a DNS name entry each.

    Each name is checked and normalised by
    [`host_name`][certkit.certificates.names.host_name] (a wildcard first label is allowed).

    Raises:
        InputError: If a name is neither a DNS name nor an IP address.
    """
    return [host_name(host, wildcard=True) for host in hostnames]
