"""Real TLS handshakes in memory, recorded message by message.

[`run`][certkit.tls.handshake.run] connects a client and a server ``ssl.SSLContext`` through two
pairs of ``ssl.MemoryBIO`` objects: no socket, no network, and every byte that would cross the
wire passes through certkit, which records it. The peers are OpenSSL, through Python's ``ssl``
module, doing a real handshake: nothing is simulated.

The result is a [`Recording`][certkit.tls.recording.Recording]: every TLS record in both
directions, every handshake message with its number, name, sender, length and whether it
travelled encrypted (from OpenSSL's message callback, which sees the plaintext of encrypted
messages), alerts, each side's exception, the negotiated version, cipher and group, the peer
chains, timings and the key log (the secrets, in the NSS key log format).
"""

from __future__ import annotations

import datetime as dt
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from certkit.certificates.files import load_cert_chain
from certkit.certificates.names import host_name
from certkit.certificates.pki import Lab, LabPKI
from certkit.defaults import KEY_TYPE, LAB_HOSTS
from certkit.errors import InputError
from certkit.tls.recording import Capture, Deferred, MessageTap, Recording, process_keylog
from certkit.tls.wire import Side
from certkit.values import name_list, text

__all__ = ["Options", "contexts", "lab_pki", "run"]

_VERSIONS = {
    "1.2": ssl.TLSVersion.TLSv1_2,
    "1.3": ssl.TLSVersion.TLSv1_3,
}


@dataclass(frozen=True)
class Options:
    """What to configure on the two sides of a lab handshake.

    Attributes:
        tls: ``"1.2"`` or ``"1.3"`` to allow only that version; ``None`` for both.
        server_max: Cap the server's highest version (``"1.2"``): the client still offers 1.3,
            as in the course's curl trace.
        cipher: OpenSSL cipher string for TLS 1.2 (e.g. ``ECDHE-RSA-AES256-GCM-SHA384``), set
            on the server. Python's ``ssl`` cannot restrict TLS 1.3 suites.
        client_cipher: OpenSSL cipher string for TLS 1.2 set on the client.
        client_auth: ``none``, ``optional`` or ``required``.
        client_cert: Whether the client has a certificate to send (default: when the server
            asks for one).
        server_hostname: The name the client connects to (SNI and verification).
        alpn: Protocols to offer (client) and accept (server).
        curve: A single ECDHE group for the server (``set_ecdh_curve``), e.g. ``secp384r1``.
        tls13_ciphers: TLS 1.3 suites for the server, e.g. ``TLS_CHACHA20_POLY1305_SHA256``
            (colon-separated). Python's ``ssl`` has no API for them; certkit calls OpenSSL's
            ``SSL_CTX_set_ciphersuites`` on the context (see ``_openssl_ctx``).
        groups: Key exchange groups offered by the client and accepted by the server, in
            order (OpenSSL's ``SSL_CTX_set1_groups_list``), e.g. ``("secp384r1", "x25519")``.
        app_data: After the handshake, send one application-data round trip (a TLS 1.3 server
            that rejects the client certificate is only noticed there).
        resume: Run a second handshake resuming the first one's session; the recording
            returned is the second's.
    """

    tls: Literal["1.2", "1.3"] | None = None
    server_max: Literal["1.2", "1.3"] | None = None
    cipher: str | None = None
    client_cipher: str | None = None
    client_auth: Literal["none", "optional", "required"] = "none"
    client_cert: bool | None = None
    server_hostname: str = "localhost"
    alpn: tuple[str, ...] = ()
    curve: str | None = None
    tls13_ciphers: str | None = None
    groups: tuple[str, ...] = ()
    app_data: bool = True
    resume: bool = False

    def __post_init__(self) -> None:
        """Refuse what no handshake means: empty or non-ASCII names, options that conflict.

        The messages name the fields as ``certkit handshake`` and ``certkit serve`` spell them
        (``--curve`` for ``curve``).

        Raises:
            InputError: If a value is empty, not plain ASCII where OpenSSL wants ASCII, not a
                host name, or two options contradict each other.
        """
        suites = "ECDHE-ECDSA-AES128-GCM-SHA256"
        for what, value in (("--cipher", self.cipher), ("--client-cipher", self.client_cipher)):
            if value is not None:
                text(value, what, example=suites, ascii_only=True)
        if self.curve is not None:
            text(self.curve, "--curve", example="secp384r1", ascii_only=True)
        if self.tls13_ciphers is not None:
            name_list(
                self.tls13_ciphers,
                "--tls13-ciphers",
                separator=":",
                example="TLS_AES_256_GCM_SHA384",
            )
        for group in self.groups:
            text(group, "--groups", example="x25519", ascii_only=True)
        for protocol in self.alpn:
            text(protocol, "--alpn", example="h2", ascii_only=True, limit=255)
        host_name(self.server_hostname)
        self._refuse_conflicts()

    def _refuse_conflicts(self) -> None:
        if self.tls is not None and self.server_max is not None and self.server_max < self.tls:
            raise InputError(
                f"--tls {self.tls} with --server-max {self.server_max}: "
                "the server could not speak the only allowed version"
            )
        if self.curve and self.groups:
            raise InputError(
                "--curve and --groups both choose the key exchange group: give --groups alone "
                "(e.g. --groups secp384r1,x25519)"
            )
        if self.tls == "1.3" and (self.cipher or self.client_cipher):
            which = "--cipher" if self.cipher else "--client-cipher"
            raise InputError(
                f"{which} sets TLS 1.2 suites, and --tls 1.3 allows none: use "
                "--tls13-ciphers (e.g. TLS_AES_256_GCM_SHA384), or drop --tls"
            )
        capped = self.tls == "1.2" or self.server_max == "1.2"
        if self.tls13_ciphers and capped:
            raise InputError(
                "--tls13-ciphers does nothing when the server cannot speak TLS 1.3 (--tls 1.2 or "
                "--server-max 1.2): drop one of them"
            )


def lab_pki(
    seed: str | bytes | None = "handshake",
    key_type: str = KEY_TYPE,
    now: dt.datetime | None = None,
) -> LabPKI:
    """A lab PKI whose certificates are valid now, for real handshakes.

    Python's ``ssl`` checks certificates against the real clock (OpenSSL's verification time is
    not exposed), so a handshake needs certificates valid today. The keys still come from the
    seed; the dates, and so the certificate bytes, follow the current day.

    Args:
        seed: The lab seed (``None``: random).
        key_type: Key type of every certificate.
        now: The lab clock; the start of the current UTC day by default.

    Returns:
        Root, intermediate, server (``localhost``, ``127.0.0.1``) and client certificates.
    """
    if now is None:
        now = dt.datetime.now(dt.UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    return Lab(seed=seed, now=now).pki(list(LAB_HOSTS), key_type=key_type)


def contexts(pki: LabPKI, options: Options = Options()) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """Client and server contexts for a lab PKI, configured by ``options``.

    The client context logs its TLS secrets to certkit's key log for this process (in memory
    on Linux, see [`KeyLog`][certkit.tls.recording.KeyLog]), where
    [`run`][certkit.tls.handshake.run] reads them for the recording.

    Args:
        pki: The certificates (the server's chain, the client's chain, the root as trust).
        options: What to configure.

    Returns:
        ``(client_context, server_context)``.

    Raises:
        InputError: If an option is not usable (an unknown version, cipher string or curve).
    """
    client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    for context in (client, server):
        context.minimum_version = ssl.TLSVersion.TLSv1_2
        if options.tls is not None:
            version = _version(options.tls)
            context.minimum_version = version
            context.maximum_version = version
    if options.server_max is not None:
        server.maximum_version = _version(options.server_max)
    load_cert_chain(server, pki.server.fullchain_pem(), pki.server.key_pem())
    client.load_verify_locations(cadata=pki.root.pem)
    wants_cert = options.client_auth != "none"
    if options.client_cert if options.client_cert is not None else wants_cert:
        load_cert_chain(client, pki.client.fullchain_pem(), pki.client.key_pem())
    if wants_cert:
        server.load_verify_locations(cadata=pki.root.pem)
        server.verify_mode = (
            ssl.CERT_REQUIRED if options.client_auth == "required" else ssl.CERT_OPTIONAL
        )
    for context, cipher in ((server, options.cipher), (client, options.client_cipher)):
        if cipher:
            try:
                context.set_ciphers(cipher)
            except ssl.SSLError:
                raise InputError(
                    f"cipher {cipher!r} matches no TLS 1.2 suite OpenSSL offers here; "
                    "list them with: openssl ciphers -v"
                ) from None
    if options.curve:
        try:
            server.set_ecdh_curve(options.curve)
        except ValueError:
            raise InputError(
                f"curve {options.curve!r} is unknown; try prime256v1 or secp384r1"
            ) from None
    if options.alpn:
        client.set_alpn_protocols(list(options.alpn))
        server.set_alpn_protocols(list(options.alpn))
    if options.tls13_ciphers:
        _set_tls13_ciphers(server, options.tls13_ciphers)
    if options.groups:
        for context in (client, server):
            _set_groups(context, options.groups)
    # certkit's own client contexts log their keys to the process's in-memory key log for
    # good, so that run() need not open and close the log on every handshake.
    client.keylog_filename = process_keylog().path
    return client, server


def _openssl_ctx(context: ssl.SSLContext) -> tuple[Any, int]:
    """The libssl library and the ``SSL_CTX *`` behind a Python ``SSLContext``.

    The pointer is the first field after the object header of CPython's ``PySSLContext``. This
    is private: it is checked against the security level Python reports before any use, and
    the tests fail loudly if CPython's layout changes.

    Raises:
        InputError: If the layout check fails.
    """
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("ssl")
    if name is None:
        raise InputError("libssl was not found: TLS 1.3 suites and groups cannot be set here")
    lib = ctypes.CDLL(name)
    pointer = ctypes.c_void_p.from_address(id(context) + object.__basicsize__).value
    lib.SSL_CTX_get_security_level.argtypes = [ctypes.c_void_p]
    lib.SSL_CTX_get_security_level.restype = ctypes.c_int
    if not pointer or lib.SSL_CTX_get_security_level(pointer) != context.security_level:
        raise InputError(
            "cannot reach OpenSSL's context from this Python: TLS 1.3 suites and groups "
            "cannot be set (use OpenSSL's defaults)"
        )
    return lib, pointer


def _set_tls13_ciphers(context: ssl.SSLContext, suites: str) -> None:
    import ctypes

    lib, pointer = _openssl_ctx(context)
    lib.SSL_CTX_set_ciphersuites.argtypes = [ctypes.c_void_p, ctypes.c_char_p]
    lib.SSL_CTX_set_ciphersuites.restype = ctypes.c_int
    wanted = [s for s in suites.split(":") if s]
    ok = lib.SSL_CTX_set_ciphersuites(pointer, suites.encode("ascii"))
    got = [c["name"] for c in context.get_ciphers() if c["protocol"] == "TLSv1.3"]
    if not ok or not got or set(got) - set(wanted):
        raise InputError(
            f"TLS 1.3 suites {suites!r}: use names such as TLS_AES_128_GCM_SHA256, "
            "TLS_AES_256_GCM_SHA384 or TLS_CHACHA20_POLY1305_SHA256"
        )


def _set_groups(context: ssl.SSLContext, groups: tuple[str, ...]) -> None:
    import ctypes

    lib, pointer = _openssl_ctx(context)
    lib.SSL_CTX_ctrl.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_long, ctypes.c_char_p]
    lib.SSL_CTX_ctrl.restype = ctypes.c_long
    ssl_ctrl_set_groups_list = 92  # SSL_CTX_set1_groups_list is a macro over SSL_CTX_ctrl
    if not lib.SSL_CTX_ctrl(pointer, ssl_ctrl_set_groups_list, 0, ":".join(groups).encode("ascii")):
        raise InputError(
            f"groups {', '.join(groups)}: use names such as x25519, secp256r1 (P-256), "
            "secp384r1, secp521r1, ffdhe2048"
        )


def run(
    client: ssl.SSLContext,
    server: ssl.SSLContext,
    options: Options = Options(),
    *,
    session: ssl.SSLSession | None = None,
) -> Recording:
    """Run a real handshake between two contexts, in memory, and record it.

    The contexts are used as given, except that certkit sets their message callback and key
    log file for the duration of the call (and restores them).

    Args:
        client: The client context.
        server: The server context.
        options: ``server_hostname``, ``app_data`` and ``resume`` are used here.
        session: A session to resume (what ``options.resume`` does for you).

    Returns:
        The recording of the handshake (of the resumed one when ``options.resume``).
    """
    if options.resume and session is None:
        first = _Connection(client, server, options, None)
        first.go()
        if first.session is None:
            raise InputError("the first handshake produced no session to resume")
        return _Connection(client, server, options, first.session).go()
    return _Connection(client, server, options, session).go()


def _version(name: str) -> ssl.TLSVersion:
    try:
        return _VERSIONS[name]
    except KeyError:
        raise InputError(f"TLS version {name!r}: use 1.2 or 1.3") from None


class _Connection:
    def __init__(
        self,
        client: ssl.SSLContext,
        server: ssl.SSLContext,
        options: Options,
        session: ssl.SSLSession | None,
    ) -> None:
        self.client_ctx = client
        self.server_ctx = server
        self.options = options
        self.session_in = session
        self.session: ssl.SSLSession | None = None

    def go(self) -> Recording:
        context = self.client_ctx
        tap = MessageTap("client") if MessageTap.available(context) else None
        capture = Capture(tap)
        restore = tap.install(context) if tap is not None else None
        keylog = process_keylog()
        previous_keylog = context.keylog_filename
        if previous_keylog != keylog.path:
            context.keylog_filename = keylog.path
        offset = keylog.begin()
        try:
            outcome = self._exchange(capture)
        finally:
            # The bytes are taken now (the log is emptied once no handshake is running, so it
            # stays small); the lines are picked out, by this connection's client random, when
            # first used.
            logged = keylog.end(offset)
            if previous_keylog != keylog.path:
                context.keylog_filename = previous_keylog
            if restore is not None:
                restore()
        lines = Deferred(lambda: keylog.select(logged, capture.client_random()))
        return capture.finish(keylog=lines, **outcome)

    def _exchange(self, capture: Capture) -> dict[str, Any]:
        c_in, c_out, s_in, s_out = (ssl.MemoryBIO() for _ in range(4))
        client = self.client_ctx.wrap_bio(
            c_in, c_out, server_hostname=self.options.server_hostname, session=self.session_in
        )
        server = self.server_ctx.wrap_bio(s_in, s_out, server_side=True)
        sent = capture.sent
        done = {"client": False, "server": False}
        errors: dict[Side, BaseException | None] = {"client": None, "server": None}
        start = time.perf_counter()

        def pump() -> bool:
            moved = False
            data = c_out.read()
            if data:
                sent("client", data)
                s_in.write(data)
                moved = True
            data = s_out.read()
            if data:
                sent("server", data)
                c_in.write(data)
                moved = True
            return moved

        sides: tuple[tuple[Side, ssl.SSLObject], ...] = (("client", client), ("server", server))
        for _ in range(100):
            for side, obj in sides:
                if done[side] or errors[side] is not None:
                    continue
                try:
                    obj.do_handshake()
                    done[side] = True
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    pass
                except (ssl.SSLError, OSError) as exc:
                    errors[side] = exc
            moved = pump()
            if all(done.values()) or (not moved and (any(errors.values()) or any(done.values()))):
                break
        capture.timings["handshake"] = time.perf_counter() - start
        outcome: dict[str, Any] = {}
        if done["client"]:
            # Before the round trip: a TLS 1.3 rejection there leaves the connection unusable.
            outcome["version"] = client.version()
            cipher = client.cipher()
            outcome["cipher"] = cipher[0] if cipher else None
        if done["client"] and self.options.app_data:
            self._round_trip(client, server, pump, errors, server_ok=done["server"])
        pump()
        capture.timings["total"] = time.perf_counter() - start
        outcome.update(
            client_error=_describe(errors["client"]),
            server_error=_describe(errors["server"]),
            client_completed=done["client"],
            server_completed=done["server"],
            client_reason=getattr(errors["client"], "reason", None),
            server_reason=getattr(errors["server"], "reason", None),
            ok=all(done.values()) and not any(errors.values()),
        )
        if done["client"]:
            outcome["resumed"] = client.session_reused
            outcome["alpn"] = client.selected_alpn_protocol()
            if self.options.resume:
                self.session = client.session
        return outcome

    @staticmethod
    def _round_trip(
        client: ssl.SSLObject,
        server: ssl.SSLObject,
        pump: Callable[[], bool],
        errors: dict[Side, BaseException | None],
        *,
        server_ok: bool,
    ) -> None:
        # TLS 1.3: the server checks the client's certificate after its own Finished, so a
        # rejection reaches the client only with its next read.
        steps: list[tuple[Side, Callable[[], object]]] = [("client", lambda: client.write(b"ping"))]
        if server_ok:
            steps += [
                ("server", lambda: server.read(4)),
                ("server", lambda: server.write(b"pong")),
            ]
        steps.append(("client", lambda: client.read(4)))
        for side, step in steps:
            for _ in range(10):
                try:
                    step()
                    break
                except (ssl.SSLWantReadError, ssl.SSLWantWriteError):
                    if not pump():
                        break
                except (ssl.SSLError, OSError) as exc:
                    errors[side] = exc
                    pump()
                    return
            pump()


def _describe(exc: BaseException | None) -> str | None:
    if exc is None:
        return None
    return f"{type(exc).__name__}: {exc}"
