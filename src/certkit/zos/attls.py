"""AT-TLS policy for a Liberty or z/OS Connect server: TLS ended by the TCP/IP stack.

[`policy`][certkit.zos.attls.policy] writes the Policy Agent statements for one server: an
inbound rule for its port and job name, where AT-TLS plays the TLS server, and optionally an
outbound rule for the same job towards a remote port (z/OS Connect calling a remote API over
HTTP, AT-TLS adding TLS as the client). Each rule has its group action (AT-TLS on, the trace
level), its environment action (the handshake role, the key ring as ``owner/ring``, the
cipher suites and every protocol version said explicitly) and the parm statements they refer
to. The output passes [`check`][certkit.zos.text.attls.check] without errors.

With an inbound rule, Liberty defines only ``httpPort`` for that endpoint and sees plain HTTP
(zosconnect-security.md section 5.1); it cannot authenticate callers by their client
certificates, which AT-TLS keeps to itself (section 5.2). A ``client_auth`` setting makes
AT-TLS ask for and validate client certificates at the TLS layer only, and the check says so.

Only verified facts are written (zos-syntax.md section 5): the statement layout of the
reference's example policy, ``Trace`` (default 2), the key ring forms, ``HandshakeRole`` and
``ClientAuthType`` values, the version switches, and the two cipher suite names of Zowe's
sample (``TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384`` for TLS 1.2, ``TLS_AES_256_GCM_SHA384``
for TLS 1.3).
"""

from __future__ import annotations

import re
from typing import Any, Literal, get_args

from certkit.certificates.verify import check_ring
from certkit.datafiles import read_json
from certkit.defaults import RING_NAME, RING_OWNER
from certkit.errors import InputError, quote
from certkit.zos.text.attls import check

__all__ = ["ClientAuthType", "policy"]

ClientAuthType = Literal["PassThru", "Full", "Required", "SAFCheck"]
"""How AT-TLS treats client certificates with ``HandshakeRole ServerWithClientAuth``
(zos-syntax.md section 5.3, VERIFIED)."""

_JOB = re.compile(r"[A-Z$#@][A-Z0-9$#@]{0,7}\Z|[A-Z$#@][A-Z0-9$#@]{0,6}\*\Z")  # (V) §5.2 ZWE*
_PREFIX = re.compile(r"[A-Za-z][A-Za-z0-9]{0,15}\Z")  # names stay within 32 (V, §5.1)
_VERSIONS = (  # (V) zos-syntax §5.3 / §5.5 example: every version explicit
    ("SSLv2", "Off"),
    ("SSLv3", "Off"),
    ("TLSv1", "Off"),
    ("TLSv1.1", "Off"),
    ("TLSv1.2", "On"),
    ("TLSv1.3", "On"),
)


def _facts() -> dict[str, Any]:
    data: dict[str, Any] = read_json("attls.json")
    return data


def _port(value: object, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 65535:
        raise InputError(f"{what} {quote(value, 20)}: give a port number from 1 to 65535")
    return value


def policy(
    port: int,
    jobname: str,
    *,
    owner: str | None = RING_OWNER,
    ring: str = RING_NAME,
    client_auth: ClientAuthType | None = None,
    outbound_port: int | None = None,
    trace: int = 2,
    priority: int = 100,
    prefix: str = "Zcee",
) -> str:
    r"""The AT-TLS policy statements for a server's port and job name.

    Args:
        port: The server's port that AT-TLS protects (``LocalPortRange`` of the inbound rule).
        jobname: The server's job name (1 to 8 characters), or a prefix ending in ``*``.
        owner: The ring's owner (``Keyring owner/ring``), e.g. a
            [`Setup`][certkit.zos.setup.Setup]'s ``server_user``; ``None`` for a ring owned by
            the user ID the connection runs under.
        ring: The ring's name, e.g. a ``Setup``'s ``ring``.
        client_auth: ``None`` for ``HandshakeRole Server``; otherwise
            ``HandshakeRole ServerWithClientAuth`` with this ``ClientAuthType``.
        outbound_port: If given, also an outbound rule for the same job towards this remote
            port, with ``HandshakeRole Client``.
        trace: The group's ``Trace`` value, a sum of the bit values (2: errors to syslogd as
            EZD1286I, the default; 1: to the TCP/IP job log as EZD1287I; 4: information).
        priority: The rules' ``Priority`` (1 to 2000000000; the highest wins).
        prefix: The start of every statement name (a letter, then up to 15 letters or digits).

    Returns:
        The policy text, one parameter per line, braces on lines of their own.

    Raises:
        InputError: If a port, the job name, owner, ring, trace, priority or prefix is not
            usable.

    Examples:
        >>> text = policy(9443, "ZCSRV1", owner="ZCSRV1", ring="ZCEE.Ring")
        >>> print("\n".join(text.splitlines()[3:14]))
        TTLSRule ZceeInRule
        {
          LocalAddr All
          RemoteAddr All
          LocalPortRange 9443
          Jobname ZCSRV1
          Direction Inbound
          Priority 100
          TTLSGroupActionRef ZceeGroup
          TTLSEnvironmentActionRef ZceeServerEnv
        }
        >>> [line for line in text.splitlines() if "Keyring " in line]
        ['  Keyring ZCSRV1/ZCEE.Ring']
        >>> check(text)
        []
    """
    _port(port, "port")
    if outbound_port is not None:
        _port(outbound_port, "outbound port")
    if not isinstance(jobname, str) or not _JOB.fullmatch(jobname):
        raise InputError(
            f"job name {quote(jobname, 20)}: give 1 to 8 characters (A-Z 0-9 $ # @, not a digit"
            " first), or a prefix ending in *"
        )
    keyring = ring
    if owner is not None:
        owner, ring = check_ring(owner, ring)
        keyring = f"{owner}/{ring}"  # (V) §5.3: owner/ring
    else:
        check_ring("X", ring)
    if client_auth is not None and client_auth not in get_args(ClientAuthType):
        raise InputError(
            f"client_auth {quote(client_auth, 20)}: give one of"
            f" {', '.join(get_args(ClientAuthType))} or None"
        )
    if isinstance(trace, bool) or not isinstance(trace, int) or not 0 <= trace <= 255:
        raise InputError(f"trace {quote(trace, 20)}: give a sum of the bit values, 0 to 255")
    if isinstance(priority, bool) or not isinstance(priority, int):
        raise InputError(f"priority {quote(priority, 20)}: give 1 to 2000000000")
    if not 1 <= priority <= 2_000_000_000:  # (V) §5.2
        raise InputError(f"priority {priority}: give 1 to 2000000000")
    if not isinstance(prefix, str) or not _PREFIX.fullmatch(prefix):
        raise InputError(
            f"prefix {quote(prefix, 20)}: give a letter, then up to 15 letters or digits"
        )
    ciphers: list[str] = _facts()["generated_ciphers"]["names"]  # (V) §5.3 Zowe sample
    role = "Server" if client_auth is None else "ServerWithClientAuth"
    lines = [
        f"# AT-TLS policy for job {jobname}, port {port} (written by certkit)",
        f"# Liberty defines only httpPort {port} for this endpoint: AT-TLS ends TLS",
        "",
    ]
    rules = [("In", "LocalPortRange", port, "Inbound", "ServerEnv")]
    if outbound_port is not None:
        rules.append(("Out", "RemotePortRange", outbound_port, "Outbound", "ClientEnv"))
    for name, port_range, number, direction, env in rules:  # (V) §5.2, §5.5 example
        lines += _block(
            "TTLSRule",
            f"{prefix}{name}Rule",
            [
                ("LocalAddr", "All"),
                ("RemoteAddr", "All"),
                (port_range, str(number)),
                ("Jobname", jobname),
                ("Direction", direction),
                ("Priority", str(priority)),
                ("TTLSGroupActionRef", f"{prefix}Group"),
                ("TTLSEnvironmentActionRef", f"{prefix}{env}"),
            ],
        )
    lines += _block(
        "TTLSGroupAction", f"{prefix}Group", [("TTLSEnabled", "On"), ("Trace", str(trace))]
    )
    server_advanced = f"{prefix}Tls" if client_auth is None else f"{prefix}TlsClientAuth"
    lines += _block(
        "TTLSEnvironmentAction",
        f"{prefix}ServerEnv",
        [
            ("HandshakeRole", role),
            ("TTLSKeyringParmsRef", f"{prefix}Ring"),
            ("TTLSCipherParmsRef", f"{prefix}Ciphers"),
            ("TTLSEnvironmentAdvancedParmsRef", server_advanced),
        ],
    )
    if outbound_port is not None:
        lines += _block(
            "TTLSEnvironmentAction",
            f"{prefix}ClientEnv",
            [
                ("HandshakeRole", "Client"),
                ("TTLSKeyringParmsRef", f"{prefix}Ring"),
                ("TTLSCipherParmsRef", f"{prefix}Ciphers"),
                ("TTLSEnvironmentAdvancedParmsRef", f"{prefix}Tls"),
            ],
        )
    lines += _block("TTLSKeyringParms", f"{prefix}Ring", [("Keyring", keyring)])
    if client_auth is None or outbound_port is not None:
        lines += _block("TTLSEnvironmentAdvancedParms", f"{prefix}Tls", list(_VERSIONS))
    if client_auth is not None:
        lines += _block(
            "TTLSEnvironmentAdvancedParms",
            f"{prefix}TlsClientAuth",
            [*_VERSIONS, ("ClientAuthType", client_auth)],
        )
    lines += _block(
        "TTLSCipherParms", f"{prefix}Ciphers", [("V3CipherSuites", name) for name in ciphers]
    )
    text = "\n".join(lines) + "\n"
    errors = [f for f in check(text) if f.severity == "error"]
    if errors:  # a guard: the parameters above are checked, so this should not happen
        raise InputError(f"the policy written does not pass its check: {errors[0]}")
    return text


def _block(type_: str, name: str, parameters: list[tuple[str, str]]) -> list[str]:
    """One statement: braces on lines of their own (zos-syntax §5.1)."""
    return [f"{type_} {name}", "{", *(f"  {key} {value}" for key, value in parameters), "}"]
