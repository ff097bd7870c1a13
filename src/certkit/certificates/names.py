"""Names as certkit prints them: distinguished, common, general and extended-key-usage names.

One place for the small conversions every module needs, so that ``certkit inspect``,
``certkit verify``, ``certkit lint`` and the PKCS #12 aliases show a name the same way.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from cryptography import x509
from cryptography.x509.oid import NameOID

from certkit.certificates.derwalk import oid_name
from certkit.errors import InputError

__all__ = [
    "common_name",
    "distinguished_name",
    "extended_key_usages",
    "general_name",
    "host_name",
    "key_usages",
    "signed_by",
]


def distinguished_name(name: x509.Name) -> str:
    """The RFC 4514 string of a name, e.g. ``CN=localhost,O=Example``.

    A name whose attributes cannot be read (cryptography parses lazily) gives its ``repr``
    instead of an exception.
    """
    try:
        return name.rfc4514_string()
    except Exception:
        return repr(name)


def common_name(name: x509.Name) -> str | None:
    """The first commonName (CN) of a name, or ``None`` when it has none or it is unreadable."""
    try:
        values = name.get_attributes_for_oid(NameOID.COMMON_NAME)
    except Exception:
        return None
    if not values:
        return None
    value = values[0].value
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


# Deliberate boilerplate: one isinstance branch per GeneralName type, as openssl names them.
def general_name(name: x509.GeneralName) -> str:
    """A subjectAltName-style entry as openssl prints it: ``DNS:host``, ``IP:127.0.0.1``, ..."""
    if isinstance(name, x509.DNSName):
        return f"DNS:{name.value}"
    if isinstance(name, x509.IPAddress):
        return f"IP:{name.value}"
    if isinstance(name, x509.RFC822Name):
        return f"email:{name.value}"
    if isinstance(name, x509.UniformResourceIdentifier):
        return f"URI:{name.value}"
    if isinstance(name, x509.DirectoryName):
        return f"DirName:{distinguished_name(name.value)}"
    if isinstance(name, x509.RegisteredID):
        return f"RID:{name.value.dotted_string}"
    if isinstance(name, x509.OtherName):
        return f"otherName:{name.type_id.dotted_string}"
    return str(name)


def extended_key_usages(oids: Iterable[x509.ObjectIdentifier]) -> str:
    """Extended key usages by their RFC 5280 names, e.g. ``serverAuth, clientAuth``.

    The names come from certkit's OID data file (as
    [`oid_name`][certkit.certificates.derwalk.oid_name] gives them); a usage it does not know
    is shown as its dotted OID.

    Args:
        oids: The usages, e.g. the value of an ``ExtendedKeyUsage`` extension.

    Returns:
        The names separated by commas, or ``nothing`` when there are none.

    Examples:
        >>> from cryptography.x509.oid import ExtendedKeyUsageOID as EKU
        >>> extended_key_usages([EKU.SERVER_AUTH, EKU.OCSP_SIGNING])
        'serverAuth, OCSPSigning'
    """
    names = [oid_name(oid.dotted_string) or oid.dotted_string for oid in oids]
    return ", ".join(names) if names else "nothing"


def host_name(host: str) -> x509.DNSName | x509.IPAddress:
    """The name a client checks a server certificate against: an IP address or a DNS name.

    Blanks around the name are dropped, and an IPv6 address may be written in brackets, as in a
    URL (``[::1]``).

    Args:
        host: A DNS name or an IP address, as a client was given it.

    Returns:
        An ``x509.IPAddress`` when ``host`` is an IP address, otherwise an ``x509.DNSName``.

    Raises:
        InputError: If ``host`` is empty.

    Examples:
        >>> host_name(" [::1] ")
        <IPAddress(value=::1)>
        >>> host_name("zcee.example.com")
        <DNSName(value='zcee.example.com')>
    """
    text = host.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    try:
        return x509.IPAddress(ipaddress.ip_address(text))
    except ValueError:
        pass
    if not text:
        raise InputError("the host name is empty: give a DNS name or an IP address")
    return x509.DNSName(text)


def key_usages(usage: x509.KeyUsage) -> list[str]:
    """The bits a keyUsage extension asserts, by their RFC 5280 names, in the RFC's order.

    encipherOnly and decipherOnly are read only when keyAgreement is set (cryptography refuses
    them otherwise, as RFC 5280 section 4.2.1.3 leaves them undefined).

    Examples:
        >>> from cryptography import x509
        >>> usage = x509.KeyUsage(
        ...     True, False, False, False, False, True, True, False, False
        ... )
        >>> key_usages(usage)
        ['digitalSignature', 'keyCertSign', 'cRLSign']
    """
    bits = [
        ("digitalSignature", usage.digital_signature),
        ("nonRepudiation", usage.content_commitment),
        ("keyEncipherment", usage.key_encipherment),
        ("dataEncipherment", usage.data_encipherment),
        ("keyAgreement", usage.key_agreement),
        ("keyCertSign", usage.key_cert_sign),
        ("cRLSign", usage.crl_sign),
    ]
    if usage.key_agreement:
        bits += [("encipherOnly", usage.encipher_only), ("decipherOnly", usage.decipher_only)]
    return [name for name, on in bits if on]


def signed_by(certificate: x509.Certificate, issuer: x509.Certificate) -> bool:
    """Whether ``issuer`` issued ``certificate``: its name is the issuer's and its key signed it.

    Never raises: a signature that cannot be checked (an unknown algorithm, a damaged
    certificate) counts as not signed.
    """
    try:
        certificate.verify_directly_issued_by(issuer)
    except Exception:  # any failure means "not signed by it", whatever cryptography raised
        return False
    return True
