"""Names as certkit prints them: distinguished names, common names and general names.

One place for the small conversions every module needs, so that ``certkit inspect``,
``certkit verify``, ``certkit lint`` and the PKCS #12 aliases show a name the same way.
"""

from __future__ import annotations

from cryptography import x509
from cryptography.x509.oid import NameOID

__all__ = ["common_name", "distinguished_name", "general_name"]


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
