"""The key schedule, recomputed from a recorded handshake: the proof of handshake steps 14 and 15.

A [`Recording`][certkit.tls.recording.Recording] holds the wire records, the handshake messages as
OpenSSL saw them and the key log (the secrets, in the NSS key log format that Wireshark reads).
[`prove`][certkit.tls.keyschedule.prove] recomputes from the key log what the two peers computed and
checks it against what they sent, so each line of the corrected steps 14 and 15 becomes a check
that passes:

* **TLS 1.2** (AEAD suites): the key log gives the master secret (``CLIENT_RANDOM``). The
  premaster secret is not in it, so the master secret is proven by its use: the TLS 1.2 PRF
  expands it into a key block with **separate** client and server write keys and implicit IVs;
  those keys decrypt the Finished records on the wire; and each Finished carries
  ``PRF(master_secret, "client finished" | "server finished", Hash(handshake_messages))[:12]``.
  The ServerKeyExchange and CertificateVerify signatures are verified with the certificates'
  public keys, and extended_master_secret is detected from the hellos.
* **TLS 1.3**: the key log gives the handshake and application traffic secrets of each
  direction. HKDF-Expand-Label turns them into keys and IVs that decrypt the encrypted handshake
  (EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify, Finished) to exactly
  the messages OpenSSL reported; each Finished is the HMAC of the transcript hash under a key
  derived from that side's traffic secret; each CertificateVerify signature verifies over
  64 spaces, the context string, 0x00 and the transcript hash; and the application traffic
  keys decrypt the tickets and the application data.

The building blocks a course page can call on its own are
[`tls12_prf`][certkit.tls.keyschedule.tls12_prf],
[`hkdf_expand_label`][certkit.tls.keyschedule.hkdf_expand_label],
[`decrypt_record`][certkit.tls.keyschedule.decrypt_record] (and its inverse
[`encrypt_record`][certkit.tls.keyschedule.encrypt_record]) and
[`find_suite`][certkit.tls.keyschedule.find_suite].
"""

from __future__ import annotations

import dataclasses
import functools
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cryptography import x509
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, ed448, ed25519, padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESCCM, AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

from certkit.errors import CertkitError, InputError
from certkit.tls import ciphersuites
from certkit.tls.recording import Recording
from certkit.tls.wire import (
    CONTENT_TYPES,
    HANDSHAKE_TYPES,
    Hello,
    Message,
    Record,
    Side,
    WireError,
    certificate_list,
    digitally_signed,
    parse_hello,
    parse_record,
    server_key_exchange_params,
    split_handshake,
)

__all__ = [
    "Check",
    "DecryptError",
    "Proof",
    "Suite",
    "decrypt_record",
    "encrypt_record",
    "find_suite",
    "hkdf_expand_label",
    "prove",
    "supported_suites",
    "tls12_prf",
]

HashName = Literal["sha256", "sha384"]


class DecryptError(CertkitError):
    """A record does not decrypt: wrong key, IV or sequence number, or the bytes were altered."""


_AEAD_MODES = {"GCM", "CCM", "CCM_8", "ChaCha20-Poly1305"}
_HASHES: dict[str | None, HashName] = {"SHA-256": "sha256", "SHA-384": "sha384"}


@dataclass(frozen=True)
class Suite:
    """An AEAD cipher suite of certkit's registry, with what the key schedule needs of it.

    The suite itself is the registry's (``ciphersuites.json``, read by
    [`certkit.tls.ciphersuites`][certkit.tls.ciphersuites]); this adds the record protection
    parameters, derived from it.

    Attributes:
        entry: The registry's suite.
    """

    entry: ciphersuites.Suite

    @property
    def code(self) -> int:
        """The IANA code point, e.g. ``0xC030``."""
        return self.entry.code

    @property
    def name(self) -> str:
        """The IANA name, e.g. ``TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384``."""
        return self.entry.iana

    @property
    def openssl_name(self) -> str:
        """OpenSSL's spelling, e.g. ``ECDHE-RSA-AES256-GCM-SHA384``."""
        return self.entry.openssl or self.entry.iana

    @property
    def tls13(self) -> bool:
        """A TLS 1.3 suite (HKDF key schedule) rather than a TLS 1.2 one (PRF)."""
        return self.entry.tls13

    @property
    def key_exchange(self) -> str | None:
        """``ECDHE``, ``DHE``, ``DH_anon``, ``RSA`` (key transport), ``PSK``... for TLS 1.2.

        ``None`` for TLS 1.3, whose suites do not name it.
        """
        exchange = self.entry.key_exchange
        if exchange == "DHE" and self.entry.authentication == "anonymous":
            return "DH_anon"
        return exchange

    @property
    def signs_key_exchange(self) -> bool:
        """Whether the server signs its ServerKeyExchange (ephemeral DH with a certificate)."""
        return self.key_exchange in ("ECDHE", "DHE") and self.entry.authentication in (
            "RSA",
            "ECDSA",
            "DSS",
        )

    @property
    def cipher(self) -> str:
        """The AEAD: ``AES-128-GCM``, ``CHACHA20-POLY1305``, ``AES-128-CCM-8``..."""
        return self.entry.cipher_name.upper()

    @property
    def key_length(self) -> int:
        """Write key length in bytes."""
        return self.entry.key_bits // 8

    @property
    def hash(self) -> HashName:
        """The TLS 1.2 PRF's hash, or TLS 1.3's HKDF and transcript hash."""
        return _HASHES[self.entry.prf_hash]

    @property
    def iv_length(self) -> int:
        """Bytes of IV the key schedule derives per direction.

        12 for TLS 1.3 and for ChaCha20-Poly1305; 4 (the implicit "salt") for TLS 1.2 AES-GCM
        and AES-CCM, whose other 8 nonce bytes travel in each record (RFC 5288 section 3).
        """
        if self.tls13 or self.cipher == "CHACHA20-POLY1305":
            return 12
        return 4

    @property
    def explicit_nonce_length(self) -> int:
        """Bytes of nonce carried at the start of each record (8 for TLS 1.2 GCM/CCM, else 0)."""
        return 12 - self.iv_length

    @property
    def tag_length(self) -> int:
        """The AEAD tag length (8 for the CCM-8 suites, else 16)."""
        return 8 if self.cipher.endswith("CCM-8") else 16

    @property
    def hash_length(self) -> int:
        """Output length of the suite's hash (32 or 48)."""
        return 48 if self.hash == "sha384" else 32


def _recomputable(entry: ciphersuites.Suite) -> bool:
    return (
        entry.aead
        and not entry.signalling
        and entry.cipher in ("AES", "ChaCha20")
        and entry.mode in _AEAD_MODES
        and entry.prf_hash in _HASHES
    )


@functools.cache
def supported_suites() -> tuple[Suite, ...]:
    """Every suite of the registry whose records certkit's key schedule can recompute.

    The AEAD suites (AES-GCM, AES-CCM, AES-CCM-8, ChaCha20-Poly1305) with a SHA-256 or SHA-384
    PRF, TLS 1.2 and 1.3, in the registry's order.
    """
    return tuple(Suite(entry) for entry in ciphersuites.suites() if _recomputable(entry))


def find_suite(suite: str | int) -> Suite:
    """Look up an AEAD suite by IANA name, OpenSSL name or code point.

    Args:
        suite: E.g. ``TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384``, ``ECDHE-RSA-AES256-GCM-SHA384``
            or ``0xC030``.

    Returns:
        The suite.

    Raises:
        InputError: If the suite is not an AEAD suite certkit can recompute (CBC suites are
            not supported).

    Examples:
        >>> s = find_suite("ECDHE-RSA-AES256-GCM-SHA384")
        >>> s.name, hex(s.code), s.cipher, s.hash, s.iv_length
        ('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', '0xc030', 'AES-256-GCM', 'sha384', 4)
    """
    entry = ciphersuites.explain(suite)
    if _recomputable(entry):
        return _by_code()[entry.code]
    shown = f"0x{suite:04X}" if isinstance(suite, int) else repr(suite)
    raise InputError(
        f"cipher suite {shown} is not one certkit's key schedule can recompute: "
        "use an AEAD suite (AES-GCM, AES-CCM or ChaCha20-Poly1305)"
    )


@functools.cache
def _by_code() -> dict[int, Suite]:
    return {s.code: s for s in supported_suites()}


# --- primitives -----------------------------------------------------------------------------


def _hash_algorithm(name: str | hashes.HashAlgorithm) -> hashes.HashAlgorithm:
    if isinstance(name, hashes.HashAlgorithm):
        return name
    algorithms: dict[str, hashes.HashAlgorithm] = {
        "sha256": hashes.SHA256(),
        "sha384": hashes.SHA384(),
        "sha512": hashes.SHA512(),
    }
    try:
        return algorithms[name.lower().replace("-", "")]
    except KeyError:
        raise InputError(f"hash {name!r}: use sha256 or sha384") from None


def _digest(data: bytes, hash: str | hashes.HashAlgorithm) -> bytes:
    h = hashes.Hash(_hash_algorithm(hash))
    h.update(data)
    return h.finalize()


def _hmac(key: bytes, data: bytes, hash: str | hashes.HashAlgorithm) -> bytes:
    return hmac.new(key, data, _hash_algorithm(hash).name).digest()


def tls12_prf(
    secret: bytes,
    label: str | bytes,
    seed: bytes,
    length: int,
    hash: str | hashes.HashAlgorithm = "sha256",
) -> bytes:
    """The TLS 1.2 pseudorandom function: ``P_hash(secret, label + seed)``.

    RFC 5246 section 5: ``A(0) = label + seed``, ``A(i) = HMAC(secret, A(i-1))`` and the output
    is ``HMAC(secret, A(1) + label + seed) + HMAC(secret, A(2) + label + seed) + ...``,
    truncated to ``length``. The hash is the suite's: SHA-256 unless the suite name ends in
    ``SHA384`` (RFC 5288 section 3, RFC 5289 section 3).

    Args:
        secret: The master secret (or the premaster secret, for the master secret itself).
        label: E.g. ``"key expansion"`` or ``"client finished"`` (ASCII, without a trailing
            zero byte).
        seed: E.g. ``server_random + client_random`` for the key expansion.
        length: How many bytes to produce.
        hash: ``"sha256"``, ``"sha384"`` or a ``cryptography`` hash algorithm.

    Returns:
        ``length`` bytes.

    Examples:
        The SHA-256 test vector published for TLS 1.2 implementers (OpenSSL's ``openssl kdf
        TLS1-PRF`` gives the same bytes):

        >>> secret = bytes.fromhex("9bbe436ba940f017b17652849a71db35")
        >>> seed = bytes.fromhex("a0ba9f936cda311827a6f796ffd5198c")
        >>> tls12_prf(secret, "test label", seed, 16).hex()
        'e3f229ba727be17b8d122620557cd453'
    """
    algorithm = _hash_algorithm(hash)
    data = (label.encode("ascii") if isinstance(label, str) else label) + seed
    out = b""
    a = data
    while len(out) < length:
        a = _hmac(secret, a, algorithm)
        out += _hmac(secret, a + data, algorithm)
    return out[:length]


def hkdf_expand_label(
    secret: bytes,
    label: str | bytes,
    context: bytes,
    length: int,
    hash: str | hashes.HashAlgorithm = "sha256",
) -> bytes:
    """TLS 1.3's HKDF-Expand-Label (RFC 8446 section 7.1).

    ``HKDF-Expand(secret, HkdfLabel, length)`` where ``HkdfLabel`` is the 2-byte length, the
    label prefixed with ``"tls13 "`` (1-byte length) and the context (1-byte length).

    Args:
        secret: A traffic secret (or any secret of the schedule).
        label: E.g. ``"key"``, ``"iv"``, ``"finished"``, ``"traffic upd"``, without the
            ``"tls13 "`` prefix.
        context: Usually a transcript hash, or empty.
        length: How many bytes to produce.
        hash: The suite's hash: ``"sha256"``, ``"sha384"`` or a ``cryptography`` algorithm.

    Returns:
        ``length`` bytes.

    Examples:
        The server handshake write key and IV of RFC 8448 section 3 (Simple 1-RTT Handshake):

        >>> secret = bytes.fromhex(
        ...     "b67b7d690cc16c4e75e54213cb2d37b4e9c912bcded9105d42befd59d391ad38")
        >>> hkdf_expand_label(secret, "key", b"", 16).hex()
        '3fce516009c21727d0f2e4e86ee403bc'
        >>> hkdf_expand_label(secret, "iv", b"", 12).hex()
        '5d313eb2671276ee13000b30'
    """
    full = b"tls13 " + (label.encode("ascii") if isinstance(label, str) else label)
    info = length.to_bytes(2, "big") + bytes([len(full)]) + full + bytes([len(context)]) + context
    return HKDFExpand(_hash_algorithm(hash), length, info).derive(secret)


def _aead(suite: Suite, key: bytes) -> AESGCM | AESCCM | ChaCha20Poly1305:
    if len(key) != suite.key_length:
        raise DecryptError(
            f"a {suite.cipher} key is {suite.key_length} bytes, this one is {len(key)}"
        )
    if suite.cipher == "CHACHA20-POLY1305":
        return ChaCha20Poly1305(key)
    if "CCM" in suite.cipher:
        return AESCCM(key, tag_length=suite.tag_length)
    return AESGCM(key)


def _xor_nonce(iv: bytes, seq: int) -> bytes:
    padded = seq.to_bytes(len(iv), "big")
    return bytes(a ^ b for a, b in zip(iv, padded, strict=True))


def _check_iv(suite: Suite, iv: bytes) -> None:
    if len(iv) != suite.iv_length:
        raise DecryptError(
            f"{suite.openssl_name} needs a {suite.iv_length}-byte IV, this one is {len(iv)}"
        )


def decrypt_record(
    record: bytes | Record, suite: Suite | str, key: bytes, iv: bytes, seq: int
) -> tuple[int, bytes]:
    """Decrypt one protected TLS record with the AEAD.

    TLS 1.2 (RFC 5246 section 6.2.3.3): for AES-GCM and AES-CCM the nonce is the 4-byte
    implicit IV followed by the 8-byte explicit nonce that opens the record (RFC 5288
    section 3, RFC 6655 section 3); for ChaCha20-Poly1305 it is the 12-byte IV XOR the sequence
    number (RFC 7905 section 2). The additional data is ``seq_num(8) + type(1) + version(2) +
    length(2)``, the length being the plaintext's.

    TLS 1.3 (RFC 8446 section 5.2 and 5.3): the nonce is the IV XOR the 64-bit sequence
    number, the additional data is the 5-byte record header, and the plaintext ends with the
    real content type followed by zero padding, which are removed.

    The sequence number counts the records protected with this key in this direction, from 0.

    Args:
        record: The whole record (5-byte header and payload), or a recorded
            [`Record`][certkit.tls.wire.Record].
        suite: The negotiated suite (a [`Suite`][certkit.tls.keyschedule.Suite] or a name for
            [`find_suite`][certkit.tls.keyschedule.find_suite]).
        key: The sender's write key.
        iv: The sender's write IV (4 bytes for TLS 1.2 GCM/CCM, else 12).
        seq: The record's sequence number.

    Returns:
        ``(content_type, plaintext)``: the header's content type for TLS 1.2, the inner one for
        TLS 1.3.

    Raises:
        DecryptError: If the record is malformed or its tag does not verify.

    Examples:
        A round trip with [`encrypt_record`][certkit.tls.keyschedule.encrypt_record]:

        >>> suite, key, iv = "TLS_AES_128_GCM_SHA256", bytes(16), bytes(12)
        >>> record = encrypt_record(22, b"hello", suite, key, iv, 0)
        >>> record[:5].hex()
        '1703030016'
        >>> decrypt_record(record, suite, key, iv, 0)
        (22, b'hello')
        >>> import textwrap
        >>> try:
        ...     decrypt_record(record, suite, key, iv, 1)
        ... except DecryptError as error:
        ...     print(textwrap.fill(str(error), 76))
        record seq 1 (application_data, 22 bytes): the AES-128-GCM tag does not
        verify: wrong key, IV or sequence number, or the record was altered
    """
    data = record.data if isinstance(record, Record) else bytes(record)
    s = suite if isinstance(suite, Suite) else find_suite(suite)
    _check_iv(s, iv)
    try:
        parse_record(data)
    except WireError as exc:
        raise DecryptError(f"record seq {seq}: not one whole TLS record ({exc})") from None
    header, payload = data[:5], data[5:]
    kind = CONTENT_TYPES.get(header[0], f"type {header[0]}")
    where = f"record seq {seq} ({kind}, {len(payload)} bytes)"
    explicit = s.explicit_nonce_length
    if len(payload) < explicit + s.tag_length + (1 if s.tls13 else 0):
        raise DecryptError(f"{where}: too short for a {s.cipher} record")
    if s.tls13:
        nonce = _xor_nonce(iv, seq)
        aad = header
        sealed = payload
    else:
        nonce = iv + payload[:explicit] if explicit else _xor_nonce(iv, seq)
        sealed = payload[explicit:]
        plain_length = len(sealed) - s.tag_length
        aad = seq.to_bytes(8, "big") + header[:3] + plain_length.to_bytes(2, "big")
    try:
        plain = _aead(s, key).decrypt(nonce, sealed, aad)
    except InvalidTag:
        raise DecryptError(
            f"{where}: the {s.cipher} tag does not verify: wrong key, IV or sequence number, "
            "or the record was altered"
        ) from None
    if not s.tls13:
        return header[0], plain
    inner = plain.rstrip(b"\x00")
    if not inner:
        raise DecryptError(f"{where}: the plaintext is all padding, with no content type")
    return inner[-1], inner[:-1]


def encrypt_record(
    content_type: int,
    plaintext: bytes,
    suite: Suite | str,
    key: bytes,
    iv: bytes,
    seq: int,
    *,
    explicit_nonce: bytes | None = None,
) -> bytes:
    """Protect one record: the inverse of `decrypt_record`.

    For TLS 1.3 the record is sent as ``application_data`` with ``content_type`` inside and no
    padding. For TLS 1.2 GCM/CCM the explicit nonce defaults to the sequence number (what
    OpenSSL sends).

    Args:
        content_type: 22 (handshake), 23 (application data) or 21 (alert).
        plaintext: The content.
        suite: The suite (a [`Suite`][certkit.tls.keyschedule.Suite] or a name).
        key: The sender's write key.
        iv: The sender's write IV.
        seq: The record's sequence number.
        explicit_nonce: TLS 1.2 GCM/CCM only: the 8 nonce bytes to carry in the record.

    Returns:
        The whole record, header included.
    """
    s = suite if isinstance(suite, Suite) else find_suite(suite)
    _check_iv(s, iv)
    aead = _aead(s, key)
    if s.tls13:
        inner = plaintext + bytes([content_type])
        length = len(inner) + s.tag_length
        header = b"\x17\x03\x03" + length.to_bytes(2, "big")
        return header + aead.encrypt(_xor_nonce(iv, seq), inner, header)
    head3 = bytes([content_type]) + b"\x03\x03"
    aad = seq.to_bytes(8, "big") + head3 + len(plaintext).to_bytes(2, "big")
    if s.explicit_nonce_length:
        carried = seq.to_bytes(8, "big") if explicit_nonce is None else explicit_nonce
        body = carried + aead.encrypt(iv + carried, plaintext, aad)
    else:
        body = aead.encrypt(_xor_nonce(iv, seq), plaintext, aad)
    return head3 + len(body).to_bytes(2, "big") + body


# --- the proof ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """One recomputed value compared with what a peer sent.

    Attributes:
        name: What is checked, e.g. ``client verify_data = PRF(master_secret, "client
            finished", Hash)[:12]``.
        expected_hex: What the peer sent (or OpenSSL reported), in hex; for a signature, the
            signature.
        computed_hex: What certkit recomputed, in hex (empty when it could not: the detail says
            why); for a signature, the hash of the signed content.
        ok: Whether they match (for a signature: whether it verifies over that content).
        rfc_section: Where the rule is, e.g. ``RFC 5246 §7.4.9``.
        detail: Why a failed check failed, when there is more to say than the two values.
        signature: The check verifies a signature (``expected_hex``) over a hash
            (``computed_hex``) rather than comparing two values.
    """

    name: str
    expected_hex: str
    computed_hex: str
    ok: bool
    rfc_section: str
    detail: str = ""
    signature: bool = False

    @classmethod
    def compare(
        cls, name: str, expected: bytes, computed: bytes, rfc_section: str, mismatch: str
    ) -> Check:
        """A check that two byte strings are equal, explained by ``mismatch`` when they differ."""
        same = expected == computed
        return cls(
            name, expected.hex(), computed.hex(), same, rfc_section, "" if same else mismatch
        )


@dataclass
class Proof:
    """The result of [`prove`][certkit.tls.keyschedule.prove]: every check, and what was derived.

    Attributes:
        version: ``TLSv1.2`` or ``TLSv1.3``.
        suite: The negotiated suite.
        checks: The checks, in handshake order.
        notes: Facts that are shown but cannot be checked from the recording (what the key log
            lacks, extended_master_secret, a resumption, a HelloRetryRequest).
        secrets: The secrets from the key log and the keys and IVs derived from them, by name
            (``master_secret``, ``client_write_key``, ``server_handshake_traffic_secret``,
            ``server_handshake_iv``, ...).
        application_data: The decrypted application data, ``(sender, bytes)`` per record.
        extended_master_secret: TLS 1.2: whether both hellos carried extended_master_secret
            (RFC 7627); ``None`` for TLS 1.3.
        resumed: Whether the handshake resumed an earlier session.
    """

    version: str
    suite: Suite
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    secrets: dict[str, bytes] = field(default_factory=dict)
    application_data: list[tuple[Side, bytes]] = field(default_factory=list)
    extended_master_secret: bool | None = None
    resumed: bool = False

    @property
    def ok(self) -> bool:
        """Whether every check passed (and there is at least one)."""
        return bool(self.checks) and all(c.ok for c in self.checks)

    @property
    def failures(self) -> list[Check]:
        """The checks that failed."""
        return [c for c in self.checks if not c.ok]

    def to_dict(self) -> dict[str, Any]:
        """The proof as JSON-ready data: every check, the notes, and the secrets in hex."""
        return {
            "ok": self.ok,
            "version": self.version,
            "suite": self.suite.name,
            "code": f"0x{self.suite.code:04X}",
            "checks": [dataclasses.asdict(check) for check in self.checks],
            "notes": list(self.notes),
            "secrets": {name: value.hex() for name, value in self.secrets.items()},
            "application_data": [
                {"sender": sender, "data": data.hex()} for sender, data in self.application_data
            ],
            "extended_master_secret": self.extended_master_secret,
            "resumed": self.resumed,
        }

    def to_text(self, width: int = 6) -> str:
        """A short report: a heading, the notes, one line per check and a total.

        Each check shows what the peer sent and what certkit computed (the first ``width``
        bytes of each) joined by ``=`` or ``!=`` (``over`` or ``NOT over`` for a signature and
        the hash it covers), then the RFC section; a failed check adds a line saying why.

        Args:
            width: How many bytes of each value to show.

        Returns:
            The report, e.g. a line ``ok   client verify_data = PRF(master_secret, "client
            finished", Hash)[:12]  4c94e3f12953… = 4c94e3f12953…  RFC 5246 §7.4.9``.
        """

        def short(value: str) -> str:
            if not value:
                return "(none)"
            return value[: 2 * width] + ("…" if len(value) > 2 * width else "")

        pad = max((len(c.name) for c in self.checks), default=0)
        lines = [f"{self.version} {self.suite.name} (0x{self.suite.code:04X})"]
        lines += [f"  {note}" for note in self.notes]
        for c in self.checks:
            sign = ("over" if c.ok else "NOT over") if c.signature else "=" if c.ok else "!="
            values = f"{short(c.expected_hex)} {sign} {short(c.computed_hex)}"
            lines.append(f"{'ok' if c.ok else 'FAIL':4} {c.name:{pad}}  {values}  {c.rfc_section}")
            if not c.ok and c.detail:
                lines.append(f"       {c.detail}")
        if self.application_data:
            shown = ", ".join(f"{side} {data[:16]!r}" for side, data in self.application_data)
            lines.append(f"application data: {shown}")
        passed = sum(c.ok for c in self.checks)
        lines.append(f"{passed}/{len(self.checks)} checks passed")
        return "\n".join(lines)


_EMS = 0x0017
_PRE_SHARED_KEY = 0x0029
_POST_HANDSHAKE = {"new_session_ticket", "key_update"}
_SIDES: tuple[Side, Side] = ("client", "server")


def _parse_hello(message: Message) -> Hello:
    try:
        return parse_hello(message)
    except WireError:
        raise InputError(f"the recorded {message.name} is truncated; record it again") from None


def _keylog(lines: Sequence[str]) -> dict[str, list[tuple[bytes, bytes]]]:
    table: dict[str, list[tuple[bytes, bytes]]] = {}
    for line in lines:
        parts = line.split()
        if len(parts) != 3 or line.startswith("#"):
            continue
        try:
            random, secret = bytes.fromhex(parts[1]), bytes.fromhex(parts[2])
        except ValueError:
            raise InputError(f"key log line {line[:40]!r}... is not LABEL <hex> <hex>") from None
        table.setdefault(parts[0], []).append((random, secret))
    return table


def _secret(
    table: dict[str, list[tuple[bytes, bytes]]], label: str, client_random: bytes
) -> tuple[bytes, bytes]:
    """The (client random, secret) of ``label`` for this connection, or the last one logged."""
    entries = table.get(label)
    if not entries:
        raise InputError(
            f"the key log has no {label} line: record the handshake with a key log "
            "(certkit.tls.handshake.run writes one)"
        )
    for random, secret in entries:
        if random == client_random:
            return random, secret
    return entries[-1]


def _leaf_certificate(message: Message | None, *, tls13: bool) -> x509.Certificate | None:
    if message is None:
        return None
    try:
        chain = certificate_list(message.body, tls13=tls13)
        return x509.load_der_x509_certificate(chain[0]) if chain else None
    except (WireError, ValueError):
        return None


_SCHEMES: dict[int, tuple[str, str, str]] = {
    0x0401: ("rsa_pkcs1_sha256", "pkcs1", "sha256"),
    0x0501: ("rsa_pkcs1_sha384", "pkcs1", "sha384"),
    0x0601: ("rsa_pkcs1_sha512", "pkcs1", "sha512"),
    0x0403: ("ecdsa_secp256r1_sha256", "ecdsa", "sha256"),
    0x0503: ("ecdsa_secp384r1_sha384", "ecdsa", "sha384"),
    0x0603: ("ecdsa_secp521r1_sha512", "ecdsa", "sha512"),
    0x0804: ("rsa_pss_rsae_sha256", "pss", "sha256"),
    0x0805: ("rsa_pss_rsae_sha384", "pss", "sha384"),
    0x0806: ("rsa_pss_rsae_sha512", "pss", "sha512"),
    0x0809: ("rsa_pss_pss_sha256", "pss", "sha256"),
    0x080A: ("rsa_pss_pss_sha384", "pss", "sha384"),
    0x080B: ("rsa_pss_pss_sha512", "pss", "sha512"),
    0x0807: ("ed25519", "eddsa", ""),
    0x0808: ("ed448", "eddsa", ""),
}


def _verify(cert: x509.Certificate | None, scheme: int, signature: bytes, data: bytes) -> str:
    """Verify a signature; return "" when it verifies, else why not."""
    if cert is None:
        return "no certificate to take the public key from"
    if scheme not in _SCHEMES:
        return f"signature scheme 0x{scheme:04X} is not one certkit verifies"
    _, kind, hash_name = _SCHEMES[scheme]
    key = cert.public_key()
    try:
        if kind == "eddsa" and isinstance(key, ed25519.Ed25519PublicKey | ed448.Ed448PublicKey):
            key.verify(signature, data)
        elif kind == "ecdsa" and isinstance(key, ec.EllipticCurvePublicKey):
            key.verify(signature, data, ec.ECDSA(_hash_algorithm(hash_name)))
        elif kind in ("pkcs1", "pss") and isinstance(key, rsa.RSAPublicKey):
            algorithm = _hash_algorithm(hash_name)
            pad: padding.AsymmetricPadding = (
                padding.PKCS1v15()
                if kind == "pkcs1"
                else padding.PSS(padding.MGF1(algorithm), algorithm.digest_size)
            )
            key.verify(signature, data, pad, algorithm)
        else:
            return f"the certificate's key cannot make a {_SCHEMES[scheme][0]} signature"
    except InvalidSignature:
        return "the signature does not verify with the certificate's public key"
    return ""


def _signature(body: bytes) -> tuple[int, bytes]:
    try:
        return digitally_signed(body)
    except WireError:
        return int.from_bytes(body[:2], "big"), b""


def _scheme_name(scheme: int) -> str:
    return _SCHEMES[scheme][0] if scheme in _SCHEMES else f"0x{scheme:04X}"


@dataclass(frozen=True)
class _AppRecord:
    """One protected application_data record and what it decrypted to."""

    sender: Side
    stage: str
    number: int  # its place among all the records, from 1
    seq: int
    plain: bytes | None  # None: it did not decrypt
    tag: bytes  # the tag on the wire
    error: str


@dataclass
class _Decrypted:
    """What one direction's protected records decrypted to."""

    # The handshake messages of each stage ("protected" for TLS 1.2; "handshake" and
    # "application" for TLS 1.3), in order; a string stands for a record that did not decrypt
    # (the error), which held an unknown number of messages.
    messages: dict[str, list[bytes | str]] = field(default_factory=dict)
    app_records: list[_AppRecord] = field(default_factory=list)


def _rfc_records(suite: Suite) -> str:
    if suite.tls13:
        return "RFC 8446 §5.2, §7.3"
    if suite.cipher == "CHACHA20-POLY1305":
        return "RFC 5246 §6.2.3.3; RFC 7905 §2"
    if "CCM" in suite.cipher:
        return "RFC 5246 §6.2.3.3; RFC 6655 §3"
    return "RFC 5246 §6.2.3.3; RFC 5288 §3"


def _traffic_keys(secret: bytes, suite: Suite) -> tuple[bytes, bytes]:
    return (
        hkdf_expand_label(secret, "key", b"", suite.key_length, suite.hash),
        hkdf_expand_label(secret, "iv", b"", 12, suite.hash),
    )


def _decrypt_direction(
    records: Sequence[Record],
    sender: Side,
    suite: Suite,
    first: tuple[bytes, bytes],
    app_secret: bytes | None = None,
) -> _Decrypted:
    """Decrypt every protected record one side sent.

    TLS 1.2: from the sender's ChangeCipherSpec on, with ``first`` (its write key and IV).
    TLS 1.3: every outer application_data record, with ``first`` (the handshake traffic keys)
    up to and including the sender's Finished, then with the keys of ``app_secret``
    (updated on KeyUpdate).
    """
    out = _Decrypted()
    tls13 = suite.tls13
    stage: str | None = "handshake" if tls13 else None
    key, iv = first
    seq = 0
    buffer = b""

    def to_application(secret: bytes) -> None:
        nonlocal stage, key, iv, seq, buffer
        stage = "application"
        key, iv = _traffic_keys(secret, suite)
        seq = 0
        buffer = b""

    for number, rec in enumerate(records, 1):
        if rec.sender != sender:
            continue
        if not tls13:
            if rec.content_type == 20:
                stage, seq = "protected", 0
                continue
            if stage is None:
                continue
        elif rec.content_type != 23:
            continue  # plaintext hellos, the dummy ChangeCipherSpec: no sequence number
        assert stage is not None
        try:
            content, plain = decrypt_record(rec.data, suite, key, iv, seq)
        except DecryptError as exc:
            error = f"record {number} from the {sender}: {exc}"
            recovered = False
            if tls13 and stage == "handshake" and app_secret is not None:
                # The sender's Finished may be the record that did not decrypt: try the
                # application keys before giving up on the rest.
                try:
                    app_key, app_iv = _traffic_keys(app_secret, suite)
                    content, plain = decrypt_record(rec.data, suite, app_key, app_iv, 0)
                    out.messages.setdefault("handshake", []).append(error)
                    to_application(app_secret)
                    recovered = True
                except DecryptError:
                    pass
            if not recovered:
                seq += 1
                # TLS 1.3 hides the content type: a record of the application stage may have
                # held a ticket as well as data.
                handshake = rec.content_type == 22 or stage == "handshake"
                if handshake or tls13:
                    out.messages.setdefault(stage, []).append(error)
                    buffer = b""
                if not handshake:
                    tag = rec.data[-suite.tag_length :]
                    out.app_records.append(
                        _AppRecord(sender, stage, number, seq - 1, None, tag, error)
                    )
                continue
        switch = update = False
        if content == 22:
            messages, buffer = split_handshake(buffer + plain)
            for message in messages:
                out.messages.setdefault(stage, []).append(message)
                if tls13 and stage == "handshake" and message[0] == 20:
                    switch = True
                if tls13 and stage == "application" and message[0] == 24:
                    update = True
        elif content == 23:
            tag = rec.data[-suite.tag_length :]
            out.app_records.append(_AppRecord(sender, stage, number, seq, plain, tag, ""))
        seq += 1
        if switch and app_secret is not None:
            to_application(app_secret)
        elif update and app_secret is not None:
            app_secret = hkdf_expand_label(
                app_secret, "traffic upd", b"", suite.hash_length, suite.hash
            )
            to_application(app_secret)
    return out


def _align(
    wanted: list[bytes], stream: list[bytes | str], missing: str
) -> tuple[dict[int, bytes | str], list[bytes]]:
    """Pair the reported messages with the decrypted stream, across records that failed.

    A failed record (a string in the stream) held an unknown number of messages: the reported
    messages up to the next decrypted one of the same handshake type are put down to it.

    Returns:
        For each index of ``wanted``, the decrypted message or the error; and the decrypted
        messages left over.
    """
    matched: dict[int, bytes | str] = {}
    k = 0
    gap: str | None = None
    for position, item in enumerate(stream):
        if isinstance(item, str):
            gap = gap or item
            continue
        if gap is not None:
            later = [j for j in range(k, len(wanted)) if wanted[j][:1] == item[:1]]
            if not later:
                continue
            for j in range(k, later[0]):
                matched[j] = gap
            k, gap = later[0], None
        if k >= len(wanted):
            return matched, [m for m in stream[position:] if isinstance(m, bytes)]
        matched[k] = item
        k += 1
    for j in range(k, len(wanted)):
        matched[j] = gap or missing
    return matched, []


def _effective(
    messages: Sequence[Message],
    decrypted: dict[Side, _Decrypted],
    proof: Proof,
    key_names: dict[tuple[Side, str], str],
) -> tuple[list[Message], dict[int, Check], list[Check]]:
    """Match each encrypted message OpenSSL reported with the one decrypted from the wire.

    Returns the handshake messages (without ChangeCipherSpec) with the decrypted bytes in place
    of OpenSSL's where there are some, the comparison check of each encrypted message (by its
    index in that list), and failing checks for decrypted messages OpenSSL did not report.
    """
    tls13 = proof.suite.tls13
    handshake = [m for m in messages if m.name != "change_cipher_spec"]
    # The encrypted messages OpenSSL reported, by side and stage, as indexes into handshake.
    reported: dict[tuple[Side, str], list[int]] = {}
    stage_of: dict[int, str] = {}
    finished: set[Side] = set()
    for index, message in enumerate(handshake):
        # In TLS 1.3 everything after the ServerHello is protected and the hellos never are,
        # whatever ChangeCipherSpec says (the recording flags a second ClientHello, after a
        # HelloRetryRequest and the client's dummy ChangeCipherSpec, as encrypted).
        encrypted = (
            message.name not in ("client_hello", "server_hello") if tls13 else message.encrypted
        )
        if not encrypted:
            continue
        side = message.sender
        if tls13:
            stage = "application" if side in finished else "handshake"
            if message.name == "finished":
                finished.add(side)
        else:
            stage = "protected"
        reported.setdefault((side, stage), []).append(index)
        stage_of[index] = stage
    decrypted_at: dict[int, bytes | str] = {}
    extras: list[Check] = []
    for side in _SIDES:
        for stage, stream in decrypted[side].messages.items():
            wanted = reported.get((side, stage), [])
            matched, unmatched = _align(
                [handshake[i].data for i in wanted], stream, "no protected record carried it"
            )
            decrypted_at.update((wanted[k], value) for k, value in matched.items())
            for plain in unmatched:
                extra = HANDSHAKE_TYPES.get(plain[0], f"unknown({plain[0]})")
                extras.append(
                    Check(
                        f"{side} {extra} decrypted but not reported by OpenSSL",
                        "",
                        plain.hex(),
                        False,
                        _rfc_records(proof.suite),
                        "the wire carries a message the message callback did not see",
                    )
                )
    checks: dict[int, Check] = {}
    effective: list[Message] = []
    for index, message in enumerate(handshake):
        if index not in stage_of:
            effective.append(message)
            continue
        key = key_names[(message.sender, stage_of[index])]
        name = f"{message.sender} {message.name} decrypted with {key} = OpenSSL's"
        got = decrypted_at.get(index, "no protected record carried it")
        if isinstance(got, str):
            checks[index] = Check(
                name, message.data.hex(), "", False, _rfc_records(proof.suite), got
            )
            effective.append(message)
            continue
        checks[index] = Check.compare(
            name,
            message.data,
            got,
            _rfc_records(proof.suite),
            "the decrypted message differs from the one OpenSSL reported",
        )
        kind = got[0]
        effective.append(
            Message(
                message.number,
                message.sender,
                kind,
                HANDSHAKE_TYPES.get(kind, f"unknown({kind})"),
                len(got) - 4,
                True,
                message.label_version,
                got,
            )
        )
    return effective, checks, extras


def _app_checks(proof: Proof, decrypted: dict[Side, _Decrypted], names: dict[str, str]) -> None:
    records = sorted(
        (r for side in _SIDES for r in decrypted[side].app_records), key=lambda r: r.number
    )
    for r in records:
        key = names[f"{r.sender} {r.stage}"]
        proof.checks.append(
            Check(
                f"{r.sender} application data (seq {r.seq}) decrypts with {key}",
                r.tag.hex(),
                # The AEAD computed the tag and found it equal to the one on the wire.
                r.tag.hex() if r.plain is not None else "",
                r.plain is not None,
                _rfc_records(proof.suite),
                r.error,
            )
        )
        if r.plain is not None:
            proof.application_data.append((r.sender, r.plain))


def prove(recording: Recording, keylog: Sequence[str] | None = None) -> Proof:
    """Recompute the key schedule of a recorded handshake and check it against the wire.

    See the module description for what is checked in TLS 1.2 and TLS 1.3; every
    [`Check`][certkit.tls.keyschedule.Check] names its RFC section.

    Args:
        recording: A successful handshake recorded by [`run`][certkit.tls.handshake.run] (with
            the message callback: ``recording.source == "callback"``).
        keylog: NSS key log lines to use instead of ``recording.keylog`` (to show what a wrong
            secret does, say).

    Returns:
        The proof: ``proof.ok`` when every check passed; ``proof.to_text()`` to print it.

    Raises:
        InputError: If the recording cannot be proven: the handshake failed, there is no key
            log or no message callback, or the suite is not an AEAD suite.

    Examples:
        >>> from certkit.tls.handshake import Options, contexts, lab_pki, run
        >>> opts = Options(tls="1.2", cipher="ECDHE-ECDSA-AES128-GCM-SHA256")
        >>> proof = prove(run(*contexts(lab_pki(), opts), opts))
        >>> proof.ok, proof.suite.name, proof.extended_master_secret
        (True, 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', True)
        >>> proof.failures
        []
        >>> for check in proof.checks:
        ...     if "verify_data" in check.name:
        ...         print(check.ok, check.name)
        True client verify_data = PRF(master_secret, "client finished", Hash)[:12]
        True server verify_data = PRF(master_secret, "server finished", Hash)[:12]
        >>> proof.application_data
        [('client', b'ping'), ('server', b'pong')]
    """
    if recording.version not in ("TLSv1.2", "TLSv1.3") or recording.cipher is None:
        why = recording.client_error or recording.server_error or "no version was negotiated"
        raise InputError(f"the handshake failed ({why}): there is no key schedule to prove")
    if not recording.ok:
        why = recording.client_error or recording.server_error or "it did not complete"
        raise InputError(f"the handshake failed ({why}): prove a successful one")
    if recording.source != "callback":
        raise InputError(
            "this recording has no decrypted messages (no message callback in this Python): "
            "there is nothing to compare the decryption with"
        )
    lines = recording.keylog if keylog is None else list(keylog)
    if not lines:
        raise InputError("the recording has no key log: record it with certkit.tls.handshake.run")
    hellos = [m for m in recording.messages if m.name in ("client_hello", "server_hello")]
    client_hellos = [m for m in hellos if m.name == "client_hello"]
    server_hellos = [m for m in hellos if m.name == "server_hello"]
    if not client_hellos or not server_hellos:
        raise InputError("the recording has no ClientHello or ServerHello: record it again")
    client = _parse_hello(client_hellos[-1])
    server = _parse_hello(server_hellos[-1])
    suite = find_suite(server.cipher_suites[0])
    tls13 = recording.version == "TLSv1.3"
    if suite.tls13 != tls13:
        raise InputError(
            f"the ServerHello selected {suite.name}, which does not belong to "
            f"{recording.version}: the recording is inconsistent"
        )
    proof = Proof(recording.version, suite, resumed=recording.resumed)
    table = _keylog(lines)
    if tls13:
        _prove13(recording, proof, client, server, table)
    else:
        _prove12(recording, proof, client, server, table)
    return proof


_HASH_NAMES = {"sha256": "SHA-256", "sha384": "SHA-384"}


def _last_certificate(messages: Sequence[Message], side: Side) -> Message | None:
    found = [m for m in messages if m.sender == side and m.name == "certificate"]
    return found[-1] if found else None


def _signature_check(
    name: str,
    rfc: str,
    cert_message: Message | None,
    body: bytes,
    signed: bytes,
    transcript_hash: bytes | None = None,
) -> Check:
    """Verify a signature; the computed value shown is the hash it covers.

    TLS 1.3 signs the transcript hash (inside the CertificateVerify content): that hash is
    shown. TLS 1.2 signs the content itself, hashed by the signature scheme: that hash is shown
    (the suite's for EdDSA, which hashes internally).
    """
    scheme, signature = _signature(body)
    tls13 = transcript_hash is not None
    why = _verify(_leaf_certificate(cert_message, tls13=tls13), scheme, signature, signed)
    if transcript_hash is None:
        algorithm = _SCHEMES[scheme][2] if scheme in _SCHEMES else ""
        transcript_hash = _digest(signed, algorithm or "sha256")
    return Check(
        f"{name} ({_scheme_name(scheme)}) verifies",
        signature.hex(),
        transcript_hash.hex(),
        not why,
        rfc,
        why,
        signature=True,
    )


# Deliberate boilerplate: _prove12 and _prove13 take the same arguments; what the two
# versions' key schedules share is in the functions above.
def _prove12(
    recording: Recording,
    proof: Proof,
    client: Hello,
    server: Hello,
    table: dict[str, list[tuple[bytes, bytes]]],
) -> None:
    suite = proof.suite
    random, master = _secret(table, "CLIENT_RANDOM", client.random)
    proof.checks.append(
        Check.compare(
            "key log CLIENT_RANDOM = ClientHello.random",
            client.random,
            random,
            "RFC 5246 §7.4.1.2",
            "the key log line is for another connection",
        )
    )
    ems = client.extension(_EMS) is not None and server.extension(_EMS) is not None
    proof.extended_master_secret = ems
    k, n = suite.key_length, suite.iv_length
    block = tls12_prf(
        master, "key expansion", server.random + client.random, 2 * k + 2 * n, suite.hash
    )
    client_key, server_key = block[:k], block[k : 2 * k]
    client_iv, server_iv = block[2 * k : 2 * k + n], block[2 * k + n :]
    proof.secrets.update(
        master_secret=master,
        key_block=block,
        client_write_key=client_key,
        server_write_key=server_key,
        client_write_iv=client_iv,
        server_write_iv=server_iv,
    )
    hash_name = _HASH_NAMES[suite.hash]
    notes = proof.notes
    notes.append(
        f"PRF P_{hash_name.replace('-', '')} (RFC 5246 §5); {suite.cipher}: {k}-byte keys, "
        f"{n}-byte IVs, no MAC keys"
    )
    if recording.resumed:
        notes.append(
            "resumed: the earlier session's master secret, new randoms, new key block "
            "(RFC 5246 §7.3)"
        )
    elif suite.key_exchange == "RSA":
        notes.append(
            "premaster: chosen by the client, sent encrypted to the server's RSA key, "
            "not in the key log (RFC 5246 §7.4.7.1)"
        )
    else:
        notes.append(
            f"premaster: the {suite.key_exchange} shared secret, computed by each side, never "
            "sent, not in the key log (RFC 8422 §5.10)"
        )
    handshake = [m for m in recording.messages if m.name != "change_cipher_spec"]
    names = [m.name for m in handshake]
    if ems:
        notes.append(
            'extended_master_secret: master_secret = PRF(premaster, "extended master secret", '
            "session_hash) (RFC 7627 §4)"
        )
        if "client_key_exchange" in names:
            upto = names.index("client_key_exchange") + 1
            transcript = b"".join(m.data for m in handshake[:upto])
            proof.secrets["session_hash"] = _digest(transcript, suite.hash)
    else:
        notes.append(
            'master_secret = PRF(premaster, "master secret", client_random + server_random) '
            "(RFC 5246 §8.1)"
        )
    notes.append(
        'key_block = PRF(master_secret, "key expansion", server_random + client_random) '
        "(RFC 5246 §6.3)"
    )
    decrypted: dict[Side, _Decrypted] = {
        "client": _decrypt_direction(recording.records, "client", suite, (client_key, client_iv)),
        "server": _decrypt_direction(recording.records, "server", suite, (server_key, server_iv)),
    }
    key_names: dict[tuple[Side, str], str] = {
        ("client", "protected"): "client_write_key",
        ("server", "protected"): "server_write_key",
    }
    effective, compared, extras = _effective(
        recording.messages,
        decrypted,
        proof,
        key_names,
    )
    for index, message in enumerate(effective):
        if index in compared:
            proof.checks.append(compared[index])
        body = message.data[4:]
        if message.name == "server_key_exchange" and suite.signs_key_exchange:
            kx = suite.key_exchange or ""
            try:
                params, signature = server_key_exchange_params(body, kx)
            except WireError:
                params, signature = body, b""
            signed = client.random + server.random + params
            proof.checks.append(
                _signature_check(
                    "server ServerKeyExchange signature",
                    "RFC 5246 §7.4.3; RFC 8422 §5.4",
                    _last_certificate(effective[:index], "server"),
                    signature,
                    signed,
                )
            )
        elif message.name == "certificate_verify":
            signed = b"".join(m.data for m in effective[:index])
            proof.checks.append(
                _signature_check(
                    f"{message.sender} CertificateVerify signature",
                    "RFC 5246 §7.4.8",
                    _last_certificate(effective[:index], message.sender),
                    body,
                    signed,
                )
            )
        elif message.name == "finished":
            label = f"{message.sender} finished"
            transcript = b"".join(m.data for m in effective[:index] if m.name != "hello_request")
            computed = tls12_prf(master, label, _digest(transcript, suite.hash), 12, suite.hash)
            proof.checks.append(
                Check.compare(
                    f'{message.sender} verify_data = PRF(master_secret, "{label}", Hash)[:12]',
                    body,
                    computed,
                    "RFC 5246 §7.4.9",
                    "the master secret or the transcript differs",
                )
            )
    proof.checks.extend(extras)
    _app_checks(
        proof,
        decrypted,
        {"client protected": "client_write_key", "server protected": "server_write_key"},
    )


_TLS13_SECRETS = (
    "CLIENT_HANDSHAKE_TRAFFIC_SECRET",
    "SERVER_HANDSHAKE_TRAFFIC_SECRET",
    "CLIENT_TRAFFIC_SECRET_0",
    "SERVER_TRAFFIC_SECRET_0",
)


def _prove13(
    recording: Recording,
    proof: Proof,
    client: Hello,
    server: Hello,
    table: dict[str, list[tuple[bytes, bytes]]],
) -> None:
    suite = proof.suite
    labels = [*_TLS13_SECRETS, *(["EXPORTER_SECRET"] if "EXPORTER_SECRET" in table else [])]
    found = {label: _secret(table, label, client.random) for label in labels}
    wrong = [label for label in labels if found[label][0] != client.random]
    shown = found[wrong[0]][0] if wrong else client.random
    proof.checks.append(
        Check(
            "key log client randoms = ClientHello.random",
            client.random.hex(),
            shown.hex(),
            not wrong,
            "RFC 8446 §4.1.2",
            f"{', '.join(wrong)}: the key log line is for another connection" if wrong else "",
        )
    )
    secrets = {label.lower(): secret for label, (_, secret) in found.items()}
    chs = secrets["client_handshake_traffic_secret"]
    shs = secrets["server_handshake_traffic_secret"]
    cts = secrets["client_traffic_secret_0"]
    sts = secrets["server_traffic_secret_0"]
    proof.secrets.update(secrets)
    for side, stage, secret in (
        ("client", "handshake", chs),
        ("server", "handshake", shs),
        ("client", "application", cts),
        ("server", "application", sts),
    ):
        key, iv = _traffic_keys(secret, suite)
        proof.secrets[f"{side}_{stage}_key"] = key
        proof.secrets[f"{side}_{stage}_iv"] = iv
    hash_name = _HASH_NAMES[suite.hash]
    notes = proof.notes
    notes.append(
        f"HKDF-{hash_name}; the handshake secret is not in the key log: the traffic secrets "
        "are proven by use (RFC 8446 §7.1)"
    )
    notes.append(
        f'key = HKDF-Expand-Label(secret, "key", "", {suite.key_length}), '
        'iv = HKDF-Expand-Label(secret, "iv", "", 12) (RFC 8446 §7.3)'
    )
    handshake = [m for m in recording.messages if m.name != "change_cipher_spec"]
    hrr = len(handshake) > 1 and handshake[1].is_hello_retry_request
    if hrr:
        notes.append(
            "HelloRetryRequest: the first ClientHello enters the transcript as message_hash "
            "(RFC 8446 §4.4.1)"
        )
    if server.extension(_PRE_SHARED_KEY) is not None:
        notes.append(
            "resumed with a PSK: no Certificate; the PSK binder needs the earlier session's "
            "secrets, not in this key log (RFC 8446 §4.2.11)"
        )
    if "exporter_secret" in secrets:
        notes.append("EXPORTER_SECRET: logged, not used in the recording (RFC 8446 §7.5)")
    decrypted: dict[Side, _Decrypted] = {
        "client": _decrypt_direction(
            recording.records, "client", suite, _traffic_keys(chs, suite), cts
        ),
        "server": _decrypt_direction(
            recording.records, "server", suite, _traffic_keys(shs, suite), sts
        ),
    }
    key_names: dict[tuple[Side, str], str] = {
        (side, stage): f"{side}_{stage}_key"
        for side in _SIDES
        for stage in ("handshake", "application")
    }
    effective, compared, extras = _effective(
        recording.messages,
        decrypted,
        proof,
        key_names,
    )

    def transcript_hash(upto: int) -> bytes:
        parts = [m.data for m in effective[:upto] if m.name not in _POST_HANDSHAKE]
        if hrr and parts:
            first = _digest(parts[0], suite.hash)
            parts[0] = b"\xfe\x00\x00" + bytes([len(first)]) + first
        return _digest(b"".join(parts), suite.hash)

    def span(upto: int) -> str:
        names = [m.name for m in effective[:upto] if m.name not in _POST_HANDSHAKE]
        return f"..{names[-1]}" if names else ""

    for index, message in enumerate(effective):
        if index in compared:
            proof.checks.append(compared[index])
        if message.name in _POST_HANDSHAKE:
            continue
        body = message.data[4:]
        side = message.sender
        if message.name == "certificate_verify":
            context = f"TLS 1.3, {side} CertificateVerify".encode("ascii")
            th = transcript_hash(index)
            proof.checks.append(
                _signature_check(
                    f"{side} CertificateVerify signature",
                    "RFC 8446 §4.4.3",
                    _last_certificate(effective[:index], side),
                    body,
                    b" " * 64 + context + b"\x00" + th,
                    th,
                )
            )
        elif message.name == "finished":
            secret = chs if side == "client" else shs
            finished_key = hkdf_expand_label(secret, "finished", b"", suite.hash_length, suite.hash)
            computed = _hmac(finished_key, transcript_hash(index), suite.hash)
            proof.checks.append(
                Check.compare(
                    f"{side} Finished = HMAC(finished_key, Transcript-Hash({span(index)}))",
                    body,
                    computed,
                    "RFC 8446 §4.4.4",
                    "the traffic secret or the transcript differs",
                )
            )
    proof.checks.extend(extras)
    _app_checks(
        proof,
        decrypted,
        {
            "client application": "client_application_key",
            "server application": "server_application_key",
            "client handshake": "client_handshake_key",
            "server handshake": "server_handshake_key",
        },
    )
