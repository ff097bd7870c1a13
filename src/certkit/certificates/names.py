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
from certkit.errors import InputError, quote

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


def host_name(host: str, *, wildcard: bool = False) -> x509.DNSName | x509.IPAddress:
    """The name a client checks a server certificate against: an IP address or a DNS name.

    Blanks around the name are dropped, and an IPv6 address may be written in brackets, as in a
    URL (``[::1]``). A DNS name must have the shape RFC 1035 and RFC 5890 give it: labels of 1
    to 63 letters, digits, hyphens (or underscores, which real names carry), not starting or
    ending with a hyphen, 253 characters at most; one final dot is dropped. A name with
    non-ASCII letters is written as its IDNA A-label (``xn--...``), as Python's ``ssl`` sends
    it. This is the one check of a host name, for ``certkit verify --host``, ``certkit
    handshake --host``, ``certkit pki create --host`` and the lab's certificates.

    Args:
        host: A DNS name or an IP address, as a client was given it.
        wildcard: Accept ``*`` as the whole first label (a certificate's SAN may hold
            ``*.example.com``; a client never connects to one).

    Returns:
        An ``x509.IPAddress`` when ``host`` is an IP address, otherwise an ``x509.DNSName``.

    Raises:
        InputError: If ``host`` is empty or is not a DNS name or an IP address.

    Examples:
        >>> host_name(" [::1] ")
        <IPAddress(value=::1)>
        >>> host_name("zcee.example.com")
        <DNSName(value='zcee.example.com')>
        >>> host_name("zürich.example")
        <DNSName(value='xn--zrich-kva.example')>
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
    return x509.DNSName(_dns_name(text, host, wildcard=wildcard))


_HOST_HINT = "give a DNS name such as zcee.example.com or an IP address"
_LABEL_CHARACTERS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-_")


def _dns_name(text: str, given: str, *, wildcard: bool) -> str:
    def refuse(problem: str) -> InputError:
        return InputError(f"host {quote(given)}: {problem}; {_HOST_HINT}")

    if len(text) > 253 + 1:
        raise refuse("longer than 253 characters")
    if text.endswith(".") and not text.endswith(".."):
        text = text[:-1]
    labels = text.split(".")
    if any(not label for label in labels):
        raise refuse("an empty label (two dots together, or a dot first)")
    ascii_labels = []
    for number, label in enumerate(labels):
        if wildcard and number == 0 and label == "*" and len(labels) > 2:
            ascii_labels.append(label)
            continue
        if not label.isascii():
            try:
                label = label.encode("idna").decode("ascii")
            except UnicodeError:
                problem = f"the label {quote(label, 20)} is not a valid international name"
                raise refuse(problem) from None
        if len(label) > 63:
            raise refuse("a label longer than 63 characters")
        if not set(label.lower()) <= _LABEL_CHARACTERS:
            raise refuse(f"the label {quote(label, 20)} holds characters a DNS name cannot")
        if label.startswith("-") or label.endswith("-"):
            raise refuse(f"the label {quote(label, 20)} starts or ends with a hyphen")
        ascii_labels.append(label)
    name = ".".join(ascii_labels)
    if len(name) > 253:
        raise refuse("longer than 253 characters")
    return name


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
