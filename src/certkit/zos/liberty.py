"""Liberty ``server.xml`` security elements for z/OS Connect, generated (issue 11).

Each function returns XML text: elements in a fixed order, attributes in the order of the
schema ``certkit/data/liberty.json`` (the one
[`certkit.zos.text.serverxml.check`][certkit.zos.text.serverxml.check] reads), two blanks of
indent a level. Every output passes that check. Only facts marked V (verified) or V-wsc
(verified in IBM's Washington Systems Center workshop material only) in
../shared/reference/zos-syntax.md (section 4) and zosconnect-security.md (sections 1 to 3) reach
the output; an element or attribute the schema marks otherwise is refused here.

* [`key_store`][certkit.zos.liberty.key_store]: a SAF key ring (software, hybrid or hardware
  keys) or a PKCS #12 file;
* [`ssl_config`][certkit.zos.liberty.ssl_config], [`ssl_default`][certkit.zos.liberty.ssl_default],
  [`http_endpoint`][certkit.zos.liberty.http_endpoint]: the TLS side;
* [`basic_registry`][certkit.zos.liberty.basic_registry],
  [`saf_registry`][certkit.zos.liberty.saf_registry],
  [`client_certificate`][certkit.zos.liberty.client_certificate],
  [`token_auth`][certkit.zos.liberty.token_auth], [`ltpa`][certkit.zos.liberty.ltpa]: who the
  caller is;
* [`authorization`][certkit.zos.liberty.authorization]: what the caller may do, which is where
  the two z/OS Connect generations differ most;
* [`security_server_xml`][certkit.zos.liberty.security_server_xml]: a whole ``<server>``
  include for a chosen set of options and a generation.

Parameters are checked; an unusable one raises [`InputError`][certkit.errors.InputError] with
one line saying what to give.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Mapping, Sequence
from typing import Any, Literal

from certkit.certificates.verify import check_ring
from certkit.defaults import RING_NAME, RING_OWNER, STORE_PASSWORD
from certkit.errors import InputError, quote
from certkit.values import text
from certkit.zos.keyring import ClientAuth
from certkit.zos.text.commands import LABEL_LIMIT
from certkit.zos.text.serverxml import Generation, as_generation, schema

__all__ = [
    "LEVELS",
    "RING_PASSWORD",
    "WIDTH",
    "Keys",
    "authorization",
    "basic_registry",
    "client_certificate",
    "http_endpoint",
    "key_store",
    "ltpa",
    "saf_registry",
    "security_server_xml",
    "ssl_config",
    "ssl_default",
    "token_auth",
]

RING_PASSWORD = "password"
"""The password a key store on a key ring is given: RACF does not use it, but Liberty wants
one, and ``password`` is the convention (zos-syntax.md 4.2 and 7.2, VERIFIED)."""

WIDTH = 76
"""The widest line written for a top-level element: inside ``<server>`` it fits the 78 columns
of a course page."""

LEVELS = ("admin", "operations", "invoke", "reader")
"""The authorization levels of zosConnect-2.0's interceptor, widest first
(zosconnect-security.md 3.1, VERIFIED)."""


class Keys(enum.StrEnum):
    """Where a key ring's private keys are: the ``location`` scheme and key store type.

    ``software`` is ``safkeyring://`` with ``JCERACFKS``, ``hardware`` (ICSF) is
    ``safkeyringhw://`` with ``JCECCARACFKS``, ``hybrid`` is ``safkeyringhybrid://`` with
    ``JCEHYBRIDRACFKS`` (zos-syntax.md 4.2 and 7.1, VERIFIED).
    """

    SOFTWARE = "software"
    HYBRID = "hybrid"
    HARDWARE = "hardware"


_SCHEMES = {
    Keys.SOFTWARE: "safkeyring",
    Keys.HYBRID: "safkeyringhybrid",
    Keys.HARDWARE: "safkeyringhw",
}
_IDENTIFIER = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.\-]{0,63}")
_USER_ID = re.compile(r"[A-Z0-9$#@]{1,8}")  # zos-syntax.md section 0, VERIFIED
_METHODS = ("get", "put", "post", "delete", "patch", "head", "options", "trace")


# -- writing XML -----------------------------------------------------------------------------------


def _escaped(value: str) -> str:
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return value.replace('"', "&quot;").replace("\t", "&#9;").replace("\n", "&#10;")


def _element(
    tag: str,
    attributes: Mapping[str, str | None],
    children: Sequence[str] = (),
    *,
    parent: str = "server",
    level: int = 0,
) -> str:
    """One element as text, its attributes in the schema's order, its children indented.

    ``level`` is how deep the element will stand in its fragment (0 for a top-level one): its
    lines fit `WIDTH` when indented that deep.

    Only attributes the schema marks V or V-wsc are written: the rule of the facts files.
    """
    entry: dict[str, Any] = schema()["elements"][f"{parent}/{tag}"]
    order: dict[str, Any] = entry["attributes"]
    unknown = [name for name in attributes if name not in order]
    unverified = [
        name for name in attributes if not order.get(name, {}).get("mark", "V").startswith("V")
    ]
    refused = entry.get("generate") is False or not entry["mark"].startswith("V")
    if unknown or unverified or refused:
        raise ValueError(f"<{tag}>: not generated from verified facts: {unknown + unverified}")
    written = [
        f'{name}="{_escaped(value)}"'
        for name in order
        if (value := attributes.get(name)) is not None
    ]
    end = ">" if children else "/>"
    lines = [f"<{tag}"]
    for word in written:
        # Attributes go on while they fit; further lines line up under the first attribute.
        first = lines == [f"<{tag}"]
        fits = len(lines[-1]) + 1 + len(word) + len(end) <= WIDTH - 2 * level
        if first or fits:
            lines[-1] += " " + word
        else:
            lines.append(" " * (len(tag) + 2) + word)
    lines[-1] += end
    start = "\n".join(lines)
    if not children:
        return start
    inner = "\n".join("  " + line for child in children for line in child.splitlines())
    return f"{start}\n{inner}\n</{tag}>"


def _features(names: Sequence[str]) -> str:
    return "\n".join(
        [
            "<featureManager>",
            *(f"  <feature>{name}</feature>" for name in names),
            "</featureManager>",
        ]
    )


# -- checking parameters ---------------------------------------------------------------------------


def _identifier(value: str, what: str) -> str:
    if not isinstance(value, str) or not _IDENTIFIER.fullmatch(value):
        raise InputError(
            f"{what} {quote(value)}: give an id of 1 to 64 letters, digits, '_', '.' or '-'"
        )
    return value


def _name(value: str, what: str) -> str:
    text(str(value), what, limit=256)
    if value != value.strip():
        raise InputError(f"{what} {quote(value)}: no blanks around a name")
    return value


def _user_id(value: str, what: str) -> str:
    if not _USER_ID.fullmatch(str(value).upper()):
        raise InputError(f"{what} {quote(value)}: give a RACF user ID, 1 to 8 of A-Z 0-9 $ # @")
    return str(value).upper()


def _port(value: int, what: str, *, off: bool = False) -> str:
    low = -1 if off else 1
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= 65535:
        disabled = " (-1 turns it off)" if off else ""
        raise InputError(f"{what} {quote(value)}: give a port from {low} to 65535{disabled}")
    return str(value)


def _label(value: str, what: str) -> str:
    _name(value, what)
    if len(value) > LABEL_LIMIT:
        raise InputError(
            f"{what} {quote(value)}: {len(value)} characters; a RACF label has at most "
            f"{LABEL_LIMIT}"
        )
    return value


def _client_auth(value: ClientAuth | str) -> ClientAuth:
    try:
        return ClientAuth(str(value).lower())
    except ValueError:
        raise InputError(f"client_auth {quote(value)}: give none, optional or required") from None


def _bool(value: bool) -> str:
    return "true" if value else "false"


# -- key stores and TLS ----------------------------------------------------------------------------


def key_store(
    id: str = "defaultKeyStore",
    *,
    ring: str = RING_NAME,
    owner: str = RING_OWNER,
    keys: Keys | str = Keys.SOFTWARE,
    file: str | None = None,
    password: str | None = None,
) -> str:
    """A ``<keyStore>`` on a SAF key ring, or on a PKCS #12 file.

    For a ring (zos-syntax.md 4.2, VERIFIED): ``location`` is the ring's URL, ``type`` the one
    its scheme needs, ``fileBased="false"``, ``readOnly="true"`` (Liberty cannot write into
    RACF) and the conventional password.

    Args:
        id: The key store's id, which ``<ssl keyStoreRef>`` names.
        ring: The key ring's name.
        owner: The ring's owner, a RACF user ID; ``""`` for the server's own ID
            (``safkeyring:///ring``).
        keys: ``software``, ``hybrid`` or ``hardware`` (ICSF): see
            [`Keys`][certkit.zos.liberty.Keys].
        file: A PKCS #12 file's path instead of a ring.
        password: The store's password; for a ring `RING_PASSWORD`, for a file
            ``certkit.defaults.STORE_PASSWORD``.

    Returns:
        The element.

    Raises:
        InputError: If the id, owner, ring name, key kind or file is unusable.

    Examples:
        >>> print(key_store("zcKeys", ring="ZCEE.Ring", owner="ZCSRV1", keys="hybrid"))
        <keyStore id="zcKeys" location="safkeyringhybrid://ZCSRV1/ZCEE.Ring"
                  type="JCEHYBRIDRACFKS" password="password" fileBased="false"
                  readOnly="true"/>
    """
    _identifier(id, "key store id")
    if file is not None:
        text(file, "key store file", limit=1024)
        secret = STORE_PASSWORD if password is None else text(password, "password")
        return _element(
            "keyStore", {"id": id, "location": file, "type": "PKCS12", "password": secret}
        )
    try:
        kind = Keys(str(keys).lower())
    except ValueError:
        raise InputError(f"keys {quote(keys)}: give software, hybrid or hardware") from None
    if owner == "":
        _, name = check_ring("SERVER", ring)
    else:
        owner, name = check_ring(owner, ring)
    if "/" in name:
        raise InputError(f"ring name {quote(name)}: a '/' cannot stand in a safkeyring URL")
    scheme = _SCHEMES[kind]
    ring_type: str = schema()["rings"]["schemes"][scheme]
    return _element(
        "keyStore",
        {
            "id": id,
            "location": f"{scheme}://{owner}/{name}",
            "type": ring_type,
            "password": RING_PASSWORD if password is None else text(password, "password"),
            "fileBased": "false",
            "readOnly": "true",
        },
    )


def ssl_config(
    id: str = "defaultSSLConfig",
    *,
    key_store: str = "defaultKeyStore",
    trust_store: str | None = None,
    client_auth: ClientAuth | str = ClientAuth.NONE,
    server_label: str | None = None,
    protocols: Sequence[str] = (),
) -> str:
    """An ``<ssl>`` repertoire: its key and trust stores, and whether it asks for a certificate.

    ``client_auth`` is ``none`` (no attribute: both default to false), ``optional``
    (``clientAuthenticationSupported="true"`` with ``clientAuthentication="false"``, as in IBM's
    WSC workshop: a certificate is asked for, and a client without one can still log in with
    a password) or ``required`` (``clientAuthentication="true"``: a client without a trusted
    certificate fails the handshake). zos-syntax.md 4.3 and 4.7, VERIFIED.

    Args:
        id: The repertoire's id (``sslRef`` names it).
        key_store: The key store's id.
        trust_store: The trust store's id; Liberty uses the key store when it is left out.
        client_auth: ``none``, ``optional`` or ``required``.
        server_label: The label of the server's certificate (``serverKeyAlias``), needed when
            the ring holds more than one PERSONAL certificate with a key.
        protocols: TLS protocols, e.g. ``("TLSv1.2", "TLSv1.3")``; Java's default if empty.

    Returns:
        The element.

    Raises:
        InputError: If an id, the label, a protocol or ``client_auth`` is unusable.

    Examples:
        >>> print(ssl_config("zcSSL", key_store="zcKeys", client_auth="required"))
        <ssl id="zcSSL" keyStoreRef="zcKeys" clientAuthentication="true"/>
    """
    _identifier(id, "ssl id")
    _identifier(key_store, "key store id")
    if trust_store is not None:
        _identifier(trust_store, "trust store id")
    auth = _client_auth(client_auth)
    allowed = schema()["elements"]["server/ssl"]["attributes"]["sslProtocol"]["values"]
    for protocol in protocols:
        if protocol not in allowed:
            raise InputError(f"protocol {quote(protocol)}: give {', '.join(allowed)}")
    required = {ClientAuth.NONE: None, ClientAuth.OPTIONAL: "false", ClientAuth.REQUIRED: "true"}
    return _element(
        "ssl",
        {
            "id": id,
            "keyStoreRef": key_store,
            "trustStoreRef": trust_store,
            "sslProtocol": ",".join(protocols) or None,
            "clientAuthentication": required[auth],
            "clientAuthenticationSupported": "true" if auth is ClientAuth.OPTIONAL else None,
            "serverKeyAlias": _label(server_label, "server_label") if server_label else None,
        },
    )


def ssl_default(ssl: str = "defaultSSLConfig") -> str:
    """The ``<sslDefault>`` that makes ``ssl`` the server's default repertoire (zos-syntax.md 4.4).

    Examples:
        >>> print(ssl_default("zcSSL"))
        <sslDefault sslRef="zcSSL"/>
    """
    return _element("sslDefault", {"sslRef": _identifier(ssl, "ssl id")})


def http_endpoint(
    id: str = "defaultHttpEndpoint",
    *,
    https_port: int | None = 9443,
    http_port: int = -1,
    host: str = "*",
    ssl: str | None = None,
) -> str:
    """An ``<httpEndpoint>``: its HTTPS port, plain HTTP off, and optionally its own repertoire.

    With ``ssl``, the endpoint names an ``<sslOptions>`` element (written after it) whose
    ``sslRef`` is that repertoire, as in IBM's WSC workshop, which keeps a mutual-TLS default
    endpoint and gives batch clients a second one (zosconnect-security.md 2.4).
    ``httpPort="-1"`` turns plain HTTP off, as in the same workshop's endpoint.

    Behind inbound AT-TLS the endpoint defines only ``httpPort`` (``https_port=None``): the
    TCP/IP stack ends TLS and Liberty reads plain HTTP on that port (zosconnect-security.md
    5.1, VERIFIED in the deck).

    Args:
        id: The endpoint's id.
        https_port: The HTTPS port (Open Liberty's default is 9443); ``None`` writes none.
        http_port: The plain HTTP port; -1 turns it off.
        host: The host name or address to listen on; ``*`` for all.
        ssl: The id of the ``<ssl>`` this endpoint uses instead of the default one.

    Returns:
        The element (and its ``<sslOptions>``).

    Raises:
        InputError: If an id, a port or the host is unusable.

    Examples:
        >>> print(http_endpoint("batchEndpoint", https_port=9445, ssl="batchSSL"))
        <httpEndpoint id="batchEndpoint" host="*" httpPort="-1" httpsPort="9445"
                      sslOptionsRef="batchEndpointOptions"/>
        <sslOptions id="batchEndpointOptions" sslRef="batchSSL"/>
    """
    _identifier(id, "endpoint id")
    if https_port is None and (http_port == -1 or ssl is not None):
        raise InputError(
            "an endpoint without https_port needs http_port (the port AT-TLS protects) and no ssl"
        )
    if host != "*":
        text(host, "host", ascii_only=True, limit=255)
        if not re.fullmatch(r"[A-Za-z0-9.:\-]+", host):
            raise InputError(f"host {quote(host)}: give a host name, an address or *")
    options = f"{id}Options" if ssl is not None else None
    endpoint = _element(
        "httpEndpoint",
        {
            "id": id,
            "host": host,
            "httpPort": _port(http_port, "http_port", off=True),
            "httpsPort": None if https_port is None else _port(https_port, "https_port"),
            "sslOptionsRef": options,
        },
    )
    if ssl is None or options is None:
        return endpoint
    return (
        endpoint
        + "\n"
        + _element("sslOptions", {"id": options, "sslRef": _identifier(ssl, "ssl id")})
    )


# -- authentication --------------------------------------------------------------------------------


def basic_registry(
    users: Mapping[str, str],
    *,
    id: str = "basic",
    realm: str = "zosConnect",
) -> str:
    """A ``<basicRegistry>`` with users and passwords, as in IBM's WSC workshop (basicSecurity.xml).

    A lab registry: on a real server, encode the passwords with Liberty's
    ``securityUtility encode`` (``{xor}``, ``{aes}`` or ``{hash}``) and pass the encoded text.
    A client certificate maps to the user whose name is the certificate's CN
    (``certificateMapMode`` ``PRINCIPAL_CN``, Liberty's default; zosconnect-security.md 2.2).

    Args:
        users: User name to password.
        id: The registry's id.
        realm: The realm name.

    Returns:
        The element.

    Raises:
        InputError: If there are no users, or a name, password or id is unusable.

    Examples:
        >>> print(basic_registry({"Fred": "fredpwd"}))
        <basicRegistry id="basic" realm="zosConnect">
          <user name="Fred" password="fredpwd"/>
        </basicRegistry>
    """
    _identifier(id, "registry id")
    _name(realm, "realm")
    if not users:
        raise InputError(
            "a basic registry needs at least one user: give users={'name': 'password'}"
        )
    children = [
        _element(
            "user",
            {"name": _name(name, "user name"), "password": text(password, "password")},
            parent="basicRegistry",
            level=1,
        )
        for name, password in users.items()
    ]
    return _element("basicRegistry", {"id": id, "realm": realm}, children)


def saf_registry(
    *,
    id: str = "saf",
    profile_prefix: str = "BBGZDFLT",
    unauthenticated_user: str = "WSGUEST",
    rac_route_log: Literal["ASIS", "NONE"] = "ASIS",
) -> str:
    """The SAF registry, credentials and authorization, as in IBM's WSC workshop (safSecurity.xml).

    ``profilePrefix`` names the APPL profile every user needs READ on and starts the EJBROLE
    profile names; ``unauthenticatedUser`` is the ID of requests that did not authenticate
    (``WSGUEST`` by default: a RACF user with ``RESTRICTED``, no TSO segment);
    ``racRouteLog="ASIS"`` lets RACF's profile settings decide whether ICH408I is written
    (zosconnect-security.md 2.3). Needs the ``zosSecurity-1.0`` feature.

    Args:
        id: The registry's id.
        profile_prefix: The security domain (1 to 8 of A-Z 0-9 $ # @).
        unauthenticated_user: The RACF user ID of unauthenticated requests.
        rac_route_log: ``ASIS`` or ``NONE`` (Liberty's default).

    Returns:
        Three elements: ``safRegistry``, ``safCredentials``, ``safAuthorization``.

    Raises:
        InputError: If a parameter is unusable.

    Examples:
        >>> print(saf_registry(profile_prefix="ZCEEDFLT"))
        <safRegistry id="saf"/>
        <safCredentials unauthenticatedUser="WSGUEST" profilePrefix="ZCEEDFLT"/>
        <safAuthorization racRouteLog="ASIS"/>
    """
    _identifier(id, "registry id")
    prefix = _user_id(profile_prefix, "profile_prefix")
    user = _user_id(unauthenticated_user, "unauthenticated_user")
    if rac_route_log not in ("ASIS", "NONE"):
        raise InputError(f"rac_route_log {quote(rac_route_log)}: give ASIS or NONE")
    return "\n".join(
        [
            _element("safRegistry", {"id": id}),
            _element("safCredentials", {"unauthenticatedUser": user, "profilePrefix": prefix}),
            _element("safAuthorization", {"racRouteLog": rac_route_log}),
        ]
    )


def client_certificate(
    *,
    required: bool = False,
    failover: bool = True,
    ssl: str = "defaultSSLConfig",
    key_store: str = "defaultKeyStore",
    trust_store: str | None = None,
    server_label: str | None = None,
) -> str:
    """Client-certificate authentication: the ``<ssl>`` that asks for one, and the fail-over.

    A certificate the server trusts (its CA connected to the ring with USAGE CERTAUTH) is
    mapped to a user: with the SAF registry by ``RACDCERT ... MAP`` or by adding it to the user,
    with a basic registry by its CN (zos-syntax.md 4.7). ``allowFailOverToBasicAuth="true"``
    lets a client without a certificate log in with a password (zosconnect-security.md 2.4).
    That works only when the certificate is optional: with ``required`` the handshake itself
    fails for such a client, before any HTTP authentication, so the two are refused together.

    Args:
        required: ``clientAuthentication="true"`` (every client must send a certificate)
            instead of ``clientAuthenticationSupported="true"``.
        failover: Write ``<webAppSecurity allowFailOverToBasicAuth="true"/>``.
        ssl: The repertoire's id.
        key_store: The key store's id.
        trust_store: The trust store's id (the key store's when left out).
        server_label: The server certificate's label (``serverKeyAlias``).

    Returns:
        The ``<ssl>`` element, and ``<webAppSecurity>`` with ``failover``.

    Raises:
        InputError: If ``required`` and ``failover`` are both asked for, or an id is unusable.

    Examples:
        >>> print(client_certificate(ssl="zcSSL", key_store="zcKeys"))
        <ssl id="zcSSL" keyStoreRef="zcKeys" clientAuthentication="false"
             clientAuthenticationSupported="true"/>
        <webAppSecurity allowFailOverToBasicAuth="true"/>
    """
    if required and failover:
        raise InputError(
            "required=True with failover=True: a client without a certificate fails the "
            "handshake and never reaches basic authentication; give one of them"
        )
    element = ssl_config(
        ssl,
        key_store=key_store,
        trust_store=trust_store,
        client_auth=ClientAuth.REQUIRED if required else ClientAuth.OPTIONAL,
        server_label=server_label,
    )
    if not failover:
        return element
    return element + "\n" + _element("webAppSecurity", {"allowFailOverToBasicAuth": "true"})


def _auth_filter(id: str, url_pattern: str) -> str:
    text(url_pattern, "url_pattern", limit=1024)
    if "*" in url_pattern:
        raise InputError(
            f"url_pattern {quote(url_pattern)}: an authFilter's urlPattern takes no '*'; it "
            "matches by 'contains' already"
        )
    child = _element(
        "requestUrl",
        {"urlPattern": url_pattern, "matchType": "contains"},
        parent="authFilter",
        level=1,
    )
    return _element("authFilter", {"id": id}, [child])


def token_auth(
    kind: Literal["openidConnectClient", "mpJwt"] = "openidConnectClient",
    *,
    issuer: str,
    signer_label: str,
    id: str = "jwt",
    trust_store: str = "defaultKeyStore",
    audiences: Sequence[str] = (),
    url_pattern: str | None = None,
    map_to_registry: bool = True,
) -> str:
    """Accept third-party JWTs with ``openidConnectClient`` or ``mpJwt``, maybe behind a filter.

    ``openidConnectClient`` is IBM's way for z/OS Connect (the ``openidConnectClient-1.0``
    feature with ``inboundPropagation="required"``, a trust store holding the signer's
    certificate; zosconnect-security.md 2.5, VERIFIED), with the attributes as in IBM's WSC
    workshop (opidJwt.xml): the token's ``sub`` names the user, no session or LTPA cookie is
    made. ``mpJwt`` is MicroProfile JWT (the ``mpJwt-*`` features; its attributes from Open
    Liberty's metatype): ``keyName`` is the signer certificate's label. Whether IBM documents
    ``jwtConsumer`` for z/OS Connect's inbound authentication is unverified, so it is not
    written. With ``url_pattern``, an ``authFilter`` limits the token check to request URLs
    that contain it.

    Args:
        kind: ``openidConnectClient`` or ``mpJwt``.
        issuer: The ``iss`` the tokens carry.
        signer_label: The label (alias) of the issuer's signing certificate in the trust store.
        id: The element's id.
        trust_store: The key store holding the signer's certificate (``openidConnectClient``).
        audiences: The ``aud`` values accepted; any when empty.
        url_pattern: Check tokens only on request URLs containing this (no ``*``).
        map_to_registry: Map the token's user to a registry user (SAF or basic).

    Returns:
        The element, after its ``authFilter`` when there is one.

    Raises:
        InputError: If ``kind`` or a value is unusable.

    Examples:
        >>> print(token_auth("mpJwt", issuer="https://idp.example", signer_label="IdP"))
        <mpJwt id="jwt" issuer="https://idp.example" mapToUserRegistry="true"
               keyName="IdP" signatureAlgorithm="RS256"/>
    """
    _identifier(id, "id")
    text(issuer, "issuer", limit=1024)
    _label(signer_label, "signer_label")
    for audience in audiences:
        _name(audience, "audience")
    joined = ",".join(audiences) or None
    filter_id = f"{id}Filter" if url_pattern is not None else None
    before = [_auth_filter(filter_id, url_pattern)] if filter_id and url_pattern else []
    if kind == "openidConnectClient":
        _identifier(trust_store, "trust store id")
        element = _element(
            "openidConnectClient",
            {
                "id": id,
                "inboundPropagation": "required",
                "signatureAlgorithm": "RS256",
                "trustStoreRef": trust_store,
                "trustAliasName": signer_label,
                "issuerIdentifier": issuer,
                "audiences": joined,
                "userIdentityToCreateSubject": "sub",
                "mapIdentityToRegistryUser": _bool(map_to_registry),
                "authnSessionDisabled": "true",
                "disableLtpaCookie": "true",
                "authFilterRef": filter_id,
            },
        )
    elif kind == "mpJwt":
        element = _element(
            "mpJwt",
            {
                "id": id,
                "issuer": issuer,
                "audiences": joined,
                "mapToUserRegistry": _bool(map_to_registry),
                "keyName": signer_label,
                "authFilterRef": filter_id,
                "signatureAlgorithm": "RS256",
            },
        )
    else:
        raise InputError(f"kind {quote(kind)}: give openidConnectClient or mpJwt")
    return "\n".join([*before, element])


def ltpa(
    *,
    expiration: str = "120m",
    keys_file: str | None = None,
    url_pattern: str | None = None,
) -> str:
    """An ``<ltpa>`` element: how long a token lives, where its keys are (zosconnect-security 2.5).

    Args:
        expiration: A Liberty duration such as ``120m`` (the default) or ``2h``.
        keys_file: The keys file; Liberty's default is
            ``${server.output.dir}/resources/security/ltpa.keys``.
        url_pattern: Accept LTPA tokens only on request URLs containing this.

    Returns:
        The element, after its ``authFilter`` when there is one.

    Raises:
        InputError: If the duration or a path is unusable.

    Examples:
        >>> print(ltpa(expiration="30m"))
        <ltpa expiration="30m"/>
    """
    if not re.fullmatch(r"(?:[0-9]{1,6}(?:ms|[dhms])){1,4}", expiration):
        raise InputError(f"expiration {quote(expiration)}: give a duration such as 30m or 2h")
    if keys_file is not None:
        text(keys_file, "keys_file", limit=1024)
    before = [_auth_filter("ltpaFilter", url_pattern)] if url_pattern is not None else []
    element = _element(
        "ltpa",
        {
            "keysFileName": keys_file,
            "expiration": expiration,
            "authFilterRef": "ltpaFilter" if before else None,
        },
    )
    return "\n".join([*before, element])


# -- authorization ---------------------------------------------------------------------------------


def _yaml(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def authorization(
    generation: Generation | str,
    *,
    users: Sequence[str] = (),
    groups: Sequence[str] = (),
    levels: Mapping[str, str] | None = None,
    roles: Sequence[str] = (),
    operations: Mapping[str, Sequence[str]] | None = None,
    require_secure: bool = True,
) -> str:
    """Who may call the APIs: server.xml for zosConnect-2.0, the API document for zosConnect-3.0.

    zosConnect-2.0 (zosconnect-security.md 3.1): every caller needs the ``zosConnectAccess``
    role while ``requireAuth`` is true (the default). With a basic registry the role's members
    are listed in ``<authorization-roles id="zos.connect.access.roles">`` (``users``,
    ``groups``); with SAF, READ on the EJBROLE profile
    ``<profilePrefix>.zos.connect.access.roles.zosConnectAccess`` grants it, and nothing is
    written here. ``levels`` (``admin``, ``operations``, ``invoke``, ``reader`` to a group)
    turns on the authorization interceptor with global groups, as in IBM's WSC workshop
    (groupAccess.xml). The manager's ``requireAuth`` and ``requireSecure`` are written as
    ``true`` (their defaults, VERIFIED) so that a reader sees them; behind inbound AT-TLS every
    request looks like plain HTTP, so ``require_secure=False`` writes ``requireSecure="false"``,
    as in IBM's WSC workshop, where ``true`` redirects every request (zosconnect-security.md
    5.1).

    zosConnect-3.0 (zosconnect-security.md 3.2): roles are named in the OpenAPI 3 document
    with ``x-ibm-zcon-roles-allowed``, for the whole API (``roles``) or per operation
    (``operations``, keyed ``"get /path"``), and returned as YAML to paste there. An operation
    without any role needs no authentication at all. With SAF, each role is the EJBROLE
    profile ``<profilePrefix>.<application name>.<role>``.

    Args:
        generation: ``zosConnect-2.0`` or ``zosConnect-3.0`` (or ``"2.0"``, ``"3.0"``).
        users: 2.0: users given the zosConnectAccess role in a basic registry.
        groups: 2.0: groups given that role.
        levels: 2.0: authorization level to group, e.g. ``{"invoke": "ZCINVOKE"}``.
        roles: 3.0: the roles allowed to call every operation.
        operations: 3.0: ``"get /employees/{id}"`` to the roles allowed to call it.
        require_secure: 2.0: the manager's ``requireSecure``; ``False`` behind inbound AT-TLS.

    Returns:
        XML (2.0) or YAML (3.0) text.

    Raises:
        InputError: If a parameter belongs to the other generation, or a name is unusable.

    Examples:
        >>> print(authorization("3.0", roles=["Staff"]))
        x-ibm-zcon-roles-allowed:
          - 'Staff'
    """
    wanted = as_generation(generation)
    if wanted is Generation.V3:
        if users or groups or levels or not require_secure:
            raise InputError(
                "users, groups, levels and require_secure are zosConnect-2.0's; zosConnect-3.0 "
                "names roles in the API document: give roles or operations"
            )
        return _openapi_roles(roles, operations or {})
    if roles or operations:
        raise InputError(
            "roles and operations go in a zosConnect-3.0 API document; for zosConnect-2.0 give "
            "users, groups or levels"
        )
    parts: list[str] = []
    if users or groups:
        members = [
            _element("user", {"name": _name(u, "user")}, parent="security-role", level=2)
            for u in users
        ] + [
            _element("group", {"name": _name(g, "group")}, parent="security-role", level=2)
            for g in groups
        ]
        role = _element(
            "security-role",
            {"name": "zosConnectAccess"},
            members,
            parent="authorization-roles",
            level=1,
        )
        parts.append(_element("authorization-roles", {"id": "zos.connect.access.roles"}, [role]))
    manager: dict[str, str | None] = {
        "requireAuth": "true",
        "requireSecure": _bool(require_secure),
    }
    if levels:
        unknown = [level for level in levels if level not in LEVELS]
        if unknown:
            raise InputError(f"level {quote(unknown[0])}: give {', '.join(LEVELS)}")
        manager["globalInterceptorsRef"] = "interceptorList_g"
        for level in LEVELS:
            if level in levels:
                attribute = f"global{level.capitalize()}Group"
                manager[attribute] = _name(levels[level], f"{level} group")
    parts.append(_element("zosconnect_zosConnectManager", manager))
    if levels:
        parts.append(_element("zosconnect_authorizationInterceptor", {"id": "auth"}))
        parts.append(
            _element(
                "zosconnect_zosConnectInterceptors",
                {"id": "interceptorList_g", "interceptorRef": "auth"},
            )
        )
    return "\n".join(parts)


def _openapi_roles(roles: Sequence[str], operations: Mapping[str, Sequence[str]]) -> str:
    if not roles and not operations:
        raise InputError("give roles (for the whole API) or operations ('get /path': roles)")
    lines: list[str] = []
    if roles:
        lines.append("x-ibm-zcon-roles-allowed:")
        lines.extend(f"  - {_yaml(_name(role, 'role'))}" for role in roles)
    paths: dict[str, list[tuple[str, Sequence[str]]]] = {}
    for key, allowed in operations.items():
        method, _, path = str(key).strip().partition(" ")
        if method.lower() not in _METHODS or not path.startswith("/") or not allowed:
            raise InputError(
                f"operation {quote(key)}: give 'method /path' (e.g. 'get /employees/{{id}}') "
                "and at least one role"
            )
        text(path, "path", limit=1024)
        paths.setdefault(path.strip(), []).append((method.lower(), allowed))
    if paths:
        lines.append("paths:")
        for path, methods in paths.items():
            lines.append(f"  {_yaml(path)}:")
            for method, allowed in methods:
                lines.append(f"    {method}:")
                lines.append("      x-ibm-zcon-roles-allowed:")
                lines.extend(f"        - {_yaml(_name(role, 'role'))}" for role in allowed)
    return "\n".join(lines)


# -- the whole include -----------------------------------------------------------------------------


def security_server_xml(
    generation: Generation | str,
    *,
    registry: Literal["saf", "basic"] = "saf",
    users: Mapping[str, str] | None = None,
    client_auth: ClientAuth | str = ClientAuth.NONE,
    token: Literal["openidConnectClient", "mpJwt"] | None = None,
    issuer: str | None = None,
    signer_label: str | None = None,
    audiences: Sequence[str] = (),
    use_ltpa: bool = False,
    ring: str = RING_NAME,
    owner: str = RING_OWNER,
    keys: Keys | str = Keys.SOFTWARE,
    https_port: int = 9443,
    levels: Mapping[str, str] | None = None,
    profile_prefix: str = "BBGZDFLT",
    tls: Literal["jsse", "attls"] = "jsse",
    http_port: int | None = None,
) -> str:
    """A whole ``<server>`` include with the security of a z/OS Connect server.

    The key ring is the key and trust store of the default repertoire and endpoint. Basic
    authentication needs ``allowFailOverToBasicAuth="true"`` on z/OS Connect, whose default is
    a client certificate (zosconnect-security.md 2.4), so it is written unless the
    certificate is ``required``. For zosConnect-2.0 the manager's ``requireAuth`` and
    ``requireSecure`` are written, the basic registry's users get the zosConnectAccess role, and
    ``levels`` turns on the authorization interceptor; zosConnect-3.0 takes its roles from the
    API document ([`authorization`][certkit.zos.liberty.authorization]).

    With ``tls="attls"`` the TCP/IP stack ends TLS (an inbound AT-TLS rule on the port, written
    by [`certkit.zos.attls.policy`][certkit.zos.attls.policy]) and Liberty reads plain HTTP:
    there is no ``keyStore``, ``ssl`` or ``sslDefault``, no ``transportSecurity-1.0`` (Liberty
    starts no HTTPS listener without an SSL feature and a key store), and the endpoint defines
    only ``httpPort`` (zosconnect-security.md 5.1, zos-syntax.md 4.1, VERIFIED). The key ring
    is the AT-TLS policy's, so ``ring``, ``owner`` and ``keys`` are not written. Client
    certificates never reach Liberty there (zosconnect-security.md 5.2), so ``client_auth``
    must be ``none``; for zosConnect-2.0 the manager's ``requireSecure`` is ``false``, as in
    IBM's WSC workshop.

    Args:
        generation: ``zosConnect-2.0`` or ``zosConnect-3.0``.
        registry: ``saf`` (RACF) or ``basic`` (``users``).
        users: The basic registry's users and passwords.
        client_auth: ``none``, ``optional`` or ``required`` client certificates.
        token: Accept JWTs with ``openidConnectClient`` or ``mpJwt`` (needs ``issuer`` and
            ``signer_label``).
        issuer: The tokens' issuer.
        signer_label: The label of the issuer's certificate in the ring.
        audiences: The audiences a token must name (``aud``), with ``token``.
        use_ltpa: Write an ``<ltpa>`` element with Liberty's default lifetime.
        ring: The key ring's name.
        owner: The ring's owner (``""`` for the server's own ID).
        keys: ``software``, ``hybrid`` or ``hardware``.
        https_port: The HTTPS port.
        levels: zosConnect-2.0: authorization level to group.
        profile_prefix: The SAF profile prefix.
        tls: ``jsse`` (Liberty ends TLS) or ``attls`` (inbound AT-TLS ends it).
        http_port: With ``tls="attls"``: the plain HTTP port the AT-TLS rule protects, which
            clients still call with HTTPS (default 9443).

    Returns:
        The document, ending with a newline.

    Raises:
        InputError: If an option is unusable or options do not go together.

    Examples:
        >>> xml = security_server_xml("2.0", ring="ZCEE.Ring", owner="ZCSRV1")
        >>> print(xml)
        <server>
          <featureManager>
            <feature>appSecurity-2.0</feature>
            <feature>transportSecurity-1.0</feature>
            <feature>zosSecurity-1.0</feature>
          </featureManager>
          <keyStore id="defaultKeyStore" location="safkeyring://ZCSRV1/ZCEE.Ring"
                    type="JCERACFKS" password="password" fileBased="false"
                    readOnly="true"/>
          <ssl id="defaultSSLConfig" keyStoreRef="defaultKeyStore"/>
          <sslDefault sslRef="defaultSSLConfig"/>
          <httpEndpoint id="defaultHttpEndpoint" host="*" httpPort="-1"
                        httpsPort="9443"/>
          <webAppSecurity allowFailOverToBasicAuth="true"/>
          <safRegistry id="saf"/>
          <safCredentials unauthenticatedUser="WSGUEST" profilePrefix="BBGZDFLT"/>
          <safAuthorization racRouteLog="ASIS"/>
          <zosconnect_zosConnectManager requireAuth="true" requireSecure="true"/>
        </server>
        <BLANKLINE>
    """
    wanted = as_generation(generation)
    auth = _client_auth(client_auth)
    if tls == "jsse":
        if http_port is not None:
            raise InputError("http_port is for tls='attls'; Liberty's own TLS uses https_port")
        features = ["appSecurity-2.0", "transportSecurity-1.0"]
        parts = [key_store(ring=ring, owner=owner, keys=keys)]
        parts.append(ssl_config(client_auth=auth))
        parts.append(ssl_default())
        parts.append(http_endpoint(https_port=https_port))
    elif tls == "attls":
        if auth is not ClientAuth.NONE:
            raise InputError(
                "behind inbound AT-TLS Liberty never sees a client certificate: give "
                "client_auth='none', or tls='jsse' for client-certificate authentication"
            )
        if token is not None:
            raise InputError(
                "tls='attls' writes no key store, and a token consumer reads its signer's "
                "certificate from one: give tls='jsse' for tokens"
            )
        if https_port != 9443:
            raise InputError("https_port is for tls='jsse'; behind AT-TLS give http_port")
        features = ["appSecurity-2.0"]
        port = 9443 if http_port is None else int(_port(http_port, "http_port"))
        parts = [http_endpoint(https_port=None, http_port=port)]
    else:
        raise InputError(f"tls {quote(tls)}: give jsse or attls")
    if auth is not ClientAuth.REQUIRED:
        parts.append(_element("webAppSecurity", {"allowFailOverToBasicAuth": "true"}))
    if registry == "saf":
        if users:
            raise InputError("users are for registry='basic'; the SAF registry's users are RACF's")
        features.append("zosSecurity-1.0")
        parts.append(saf_registry(profile_prefix=profile_prefix))
    elif registry == "basic":
        parts.append(basic_registry(users or {}))
    else:
        raise InputError(f"registry {quote(registry)}: give saf or basic")
    if token is not None:
        if issuer is None or signer_label is None:
            raise InputError(
                "a token needs issuer= and signer_label= (the signer's label in the ring)"
            )
        features.append(
            "openidConnectClient-1.0" if token == "openidConnectClient" else "mpJwt-2.1"
        )
        parts.append(
            token_auth(token, issuer=issuer, signer_label=signer_label, audiences=audiences)
        )
    if use_ltpa:
        parts.append(ltpa())
    if wanted is Generation.V2:
        basic_users = list(users or {}) if registry == "basic" else []
        parts.append(
            authorization(wanted, users=basic_users, levels=levels, require_secure=tls == "jsse")
        )
    elif levels:
        raise InputError(
            "levels are zosConnect-2.0's; zosConnect-3.0 names roles in the API document"
        )
    body = "\n".join([_features(features), *parts])
    return "<server>\n" + "\n".join("  " + line for line in body.splitlines()) + "\n</server>\n"
