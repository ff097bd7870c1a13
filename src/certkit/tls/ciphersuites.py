"""Explain a TLS cipher suite, whatever its spelling.

The same suite goes by several names. The curl trace in the course says
``ECDHE-RSA-AES256-GCM-SHA384`` (OpenSSL's name); the IANA registry and Java's JSSE say
``TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384``; IBM's Java 8 (IBMJSSE2) lists it as
``SSL_ECDHE_RSA_WITH_AES_256_GCM_SHA384``; on the wire, and in z/OS System SSL and AT-TLS
configuration, it is the 2-byte code ``0xC0,0x30``, written ``C030``.
[`explain`][certkit.tls.ciphersuites.explain] takes any of these (case-insensitive) and returns a
[`Suite`][certkit.tls.ciphersuites.Suite]: every spelling, the code, and what the suite means (key
exchange, authentication, cipher, key size, mode, MAC or AEAD, PRF hash, forward secrecy, the
protocol versions that can use it, whether OpenSSL here offers it) in fields and in plain words,
with a security note.

Only names are data (``certkit/data/ciphersuites.json``: the code, the IANA name, OpenSSL's
name and the defining RFCs). Everything else is derived from the IANA name, whose parts follow
a fixed pattern (``TLS_<key exchange>_<authentication>_WITH_<cipher>_<mode>_<hash>``; TLS 1.3
names carry only ``TLS_<AEAD cipher>_<hash>``), and the tests check the result against
OpenSSL's own ``Kx``/``Au``/``Enc``/``Mac`` columns for every suite OpenSSL offers here.
Whether OpenSSL offers a suite is asked of the ``ssl`` module at run time.

Java spellings: OpenJDK (and IBM Semeru) use the IANA name, except for the suites of SSL 3.0
(codes up to ``0x00,0x1B``), which keep an ``SSL_`` prefix (``SSL_RSA_WITH_3DES_EDE_CBC_SHA``).
IBM's Java 8 (IBMJSSE2) names every TLS 1.0 to 1.2 suite with ``SSL_`` (unless
``com.ibm.jsse2.overrideDefaultCSName=true``), and accepts the ``TLS_`` form in its place when
suites are set; OpenJDK does not accept ``SSL_`` for the others.

z/OS spellings: AT-TLS ``V3CipherSuites`` takes a suite's name or, for codes ``0x00,0xNN``, the
2-character code ``NN``; ``V3CipherSuites4Char`` (and System SSL's
``GSK_V3_CIPHER_SPECS_EXPANDED``) take the 4-character code, e.g. ``C030``. Both are accepted.
The 1-character SSL 2.0 codes of ``V2CipherSuites`` name SSL 2.0 ciphers, not TLS suites, and
are not.

Sources: the IANA TLS Cipher Suites registry
(<https://www.iana.org/assignments/tls-parameters/tls-parameters.xhtml#tls-parameters-4>);
IBM's TTLSCipherParms statement
(<https://www.ibm.com/docs/en/zos/3.1.0?topic=statements-ttlscipherparms-statement>); IBM's
cipher suites of the IBMJSSE2 provider
(<https://www.ibm.com/docs/en/sdk-java-technology/8?topic=suites-cipher>).

Examples:
    >>> from certkit.tls.ciphersuites import explain
    >>> suite = explain("ECDHE-RSA-AES256-GCM-SHA384")
    >>> suite.iana, suite.zos, suite.code_text
    ('TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', 'C030', '0xC0,0x30')
    >>> suite.key_exchange, suite.authentication, suite.cipher_name, suite.prf_hash
    ('ECDHE', 'RSA', 'AES-256-GCM', 'SHA-384')
    >>> suite.forward_secrecy, suite.versions
    (True, ('TLS 1.2',))
    >>> ibm = "SSL_ECDHE_RSA_WITH_AES_256_GCM_SHA384"
    >>> explain("c030") is explain("0xC0,0x30") is explain(ibm)
    True
    >>> tls13 = explain("TLS_AES_256_GCM_SHA384")
    >>> tls13.versions, tls13.key_exchange, tls13.authentication, tls13.prf
    (('TLS 1.3',), None, None, 'HKDF-SHA384')
"""

from __future__ import annotations

import difflib
import functools
import re
import ssl
import textwrap
from dataclasses import dataclass
from typing import Any, Literal, NoReturn

from certkit.datafiles import read_json
from certkit.errors import InputError

__all__ = [
    "Suite",
    "Verdict",
    "explain",
    "openssl_suites",
    "suites",
]

Verdict = Literal["recommended", "acceptable", "legacy", "insecure", "not a suite"]
"""How a suite rates today; its worst security note decides:

* ``recommended``: forward secrecy and an AEAD cipher (every TLS 1.3 suite but CCM_8 is);
* ``acceptable``: sound, with a caveat (finite-field DHE, an 8-byte tag, a rarely supported
  cipher);
* ``legacy``: works, but lacks forward secrecy, uses CBC with HMAC, or DSA certificates;
* ``insecure``: broken or unprotected (no encryption or no authentication, export grade, RC4,
  DES, 3DES, IDEA);
* ``not a suite``: a signalling value (SCSV) or the initial null state.
"""

_RANK: dict[Verdict, int] = {
    "recommended": 0,
    "acceptable": 1,
    "legacy": 2,
    "insecure": 3,
    "not a suite": 4,
}

# IANA key-exchange token -> (key exchange, authentication, export grade).
_KX: dict[str, tuple[str, str, bool]] = {
    "RSA": ("RSA", "RSA", False),
    "RSA_EXPORT": ("RSA", "RSA", True),
    "DH_DSS": ("DH", "DH certificate", False),
    "DH_RSA": ("DH", "DH certificate", False),
    "DH_DSS_EXPORT": ("DH", "DH certificate", True),
    "DH_RSA_EXPORT": ("DH", "DH certificate", True),
    "DHE_DSS": ("DHE", "DSS", False),
    "DHE_RSA": ("DHE", "RSA", False),
    "DHE_DSS_EXPORT": ("DHE", "DSS", True),
    "DHE_RSA_EXPORT": ("DHE", "RSA", True),
    "DH_anon": ("DHE", "anonymous", False),
    "DH_anon_EXPORT": ("DHE", "anonymous", True),
    "ECDH_ECDSA": ("ECDH", "ECDH certificate", False),
    "ECDH_RSA": ("ECDH", "ECDH certificate", False),
    "ECDHE_ECDSA": ("ECDHE", "ECDSA", False),
    "ECDHE_RSA": ("ECDHE", "RSA", False),
    "ECDH_anon": ("ECDHE", "anonymous", False),
    "PSK": ("PSK", "PSK", False),
    "DHE_PSK": ("DHE-PSK", "PSK", False),
    "PSK_DHE": ("DHE-PSK", "PSK", False),  # RFC 6655's spelling of the two CCM_8 suites
    "RSA_PSK": ("RSA-PSK", "RSA+PSK", False),
    "ECDHE_PSK": ("ECDHE-PSK", "PSK", False),
    "SRP_SHA": ("SRP", "SRP", False),
    "SRP_SHA_RSA": ("SRP", "RSA+SRP", False),
    "SRP_SHA_DSS": ("SRP", "DSS+SRP", False),
    "NULL": ("none", "none", False),
}

# IANA cipher token -> (cipher, key bits, mode).
_BULK: dict[str, tuple[str | None, int, str | None]] = {
    "NULL": (None, 0, None),
    "RC4_128": ("RC4", 128, "stream"),
    "RC4_40": ("RC4", 40, "stream"),
    "RC2_CBC_40": ("RC2", 40, "CBC"),
    "IDEA_CBC": ("IDEA", 128, "CBC"),
    "DES40_CBC": ("DES", 40, "CBC"),
    "DES_CBC": ("DES", 56, "CBC"),
    "3DES_EDE_CBC": ("3DES", 168, "CBC"),
    "SEED_CBC": ("SEED", 128, "CBC"),
    "CHACHA20_POLY1305": ("ChaCha20", 256, "ChaCha20-Poly1305"),
}
_BLOCK = re.compile(r"^(AES|CAMELLIA|ARIA)_(128|256)_(CBC|GCM|CCM_8|CCM)$")
_CIPHER_NAMES = {"AES": "AES", "CAMELLIA": "Camellia", "ARIA": "ARIA"}
_HASHES = {"MD5": "MD5", "SHA": "SHA-1", "SHA256": "SHA-256", "SHA384": "SHA-384"}
_AEAD_MODES = frozenset({"GCM", "CCM", "CCM_8", "ChaCha20-Poly1305"})
_PSK_FAMILY = frozenset({"PSK", "DHE-PSK", "RSA-PSK", "ECDHE-PSK"})
_SCSV = {
    0x00FF: (
        "Not a cipher suite: a client lists it to say it supports secure renegotiation "
        "(RFC 5746), in place of an empty renegotiation_info extension."
    ),
    0x5600: (
        "Not a cipher suite: a client lists it when it retries with a lower version after a "
        "failed handshake, so that a server that supports better can refuse the downgrade "
        "(RFC 7507)."
    ),
}
_WIDTH = 78
_LABEL = 19


@dataclass(frozen=True)
class Suite:
    """One TLS cipher suite: its spellings and what it means.

    Key exchange and authentication use these words: ``ECDHE``, ``DHE`` (ephemeral,
    elliptic-curve or finite-field Diffie-Hellman), ``ECDH``, ``DH`` (static: the key is in
    the server's certificate), ``RSA`` (key transport), ``PSK``, ``DHE-PSK``, ``ECDHE-PSK``,
    ``RSA-PSK``, ``SRP``; authentication ``RSA``, ``ECDSA``, ``DSS``, ``PSK``, ``RSA+PSK``,
    ``SRP``, ``anonymous``, or ``ECDH certificate``/``DH certificate`` for static
    Diffie-Hellman. A TLS 1.3 suite sets neither: both are ``None``.

    Attributes:
        code: The 2-byte code as a number, e.g. ``0xC030``.
        iana: The IANA registry name, e.g. ``"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384"``.
        openssl: OpenSSL's name, e.g. ``"ECDHE-RSA-AES256-GCM-SHA384"`` (TLS 1.3 suites keep
            the IANA name); ``None`` if OpenSSL never had one.
        java: The Java (OpenJDK, Oracle, IBM Semeru) standard name.
        ibm_java: The name IBM's Java 8 (IBMJSSE2) lists; it also accepts ``java``.
        rfcs: The RFCs that define the suite, the original first.
        tls13: Whether this is a TLS 1.3 suite (usable only in TLS 1.3).
        signalling: Whether this is a signalling value (SCSV), not a real suite.
        key_exchange: How the keys are agreed (see above), or ``None`` for TLS 1.3.
        authentication: How the server proves its identity, or ``None`` for TLS 1.3.
        export: Whether this is a deliberately weakened export suite.
        cipher: The bulk cipher (``"AES"``, ``"ChaCha20"``, ``"3DES"``, ...), or ``None``
            when records are not encrypted.
        key_bits: The cipher key size in bits (``0`` without a cipher; 168 for 3DES, whose
            real strength is 112).
        mode: ``"GCM"``, ``"CCM"``, ``"CCM_8"``, ``"CBC"``, ``"ChaCha20-Poly1305"``,
            ``"stream"`` (RC4), or ``None`` without a cipher.
        aead: Whether the cipher also authenticates (AEAD): then there is no separate MAC.
        mac: The record MAC, e.g. ``"HMAC-SHA1"``; ``None`` for AEAD suites.
        hash: The hash the name ends with (``"SHA-384"``, ``"SHA-1"`` for ``_SHA``,
            ``"MD5"``), or ``None`` (CCM suites name none).
        prf_hash: The hash of the key derivation in the newest version that can use the
            suite: the TLS 1.2 PRF's, TLS 1.3's HKDF's, ``"MD5+SHA-1"`` for suites that
            stop before TLS 1.2; ``None`` for signalling values.
        forward_secrecy: Whether recorded traffic stays safe if a long-term key is stolen.
        forward_secrecy_reason: Why (or why not), in one sentence.
        versions: The protocol versions that can negotiate it, as OpenSSL implements them,
            e.g. ``("TLS 1.2",)`` or ``("SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2")``.
        offered: Whether OpenSSL here offers it (``openssl ciphers ALL:COMPLEMENTOFALL``
            lists it; asked of Python's ``ssl`` module).
        python_default: Whether it is in the cipher list of
            ``ssl.create_default_context()`` here.
        verdict: How it rates today, see [`Verdict`][certkit.tls.ciphersuites.Verdict].
        security: The security notes behind the verdict, worst first.
        explanation: What the suite does, in plain words.
    """

    code: int
    iana: str
    openssl: str | None
    java: str
    ibm_java: str
    rfcs: tuple[int, ...]
    tls13: bool
    signalling: bool
    key_exchange: str | None
    authentication: str | None
    export: bool
    cipher: str | None
    key_bits: int
    mode: str | None
    aead: bool
    mac: str | None
    hash: str | None
    prf_hash: str | None
    forward_secrecy: bool
    forward_secrecy_reason: str
    versions: tuple[str, ...]
    offered: bool
    python_default: bool
    verdict: Verdict
    security: tuple[str, ...]
    explanation: str

    @property
    def code_text(self) -> str:
        """The code as the RFCs and ``openssl ciphers -V`` write it, e.g. ``"0xC0,0x30"``."""
        return f"0x{self.code >> 8:02X},0x{self.code & 0xFF:02X}"

    @property
    def zos(self) -> str:
        """The 4-character code of AT-TLS ``V3CipherSuites4Char`` and System SSL, e.g. ``C030``."""
        return f"{self.code:04X}"

    @property
    def zos_2char(self) -> str | None:
        """The 2-character code of AT-TLS ``V3CipherSuites`` (codes ``0x00,0xNN`` only)."""
        return f"{self.code:02X}" if self.code <= 0xFF else None

    @property
    def names(self) -> dict[str, str]:
        """Every spelling certkit accepts for this suite, by kind (codes included)."""
        found = {"IANA": self.iana}
        if self.openssl is not None:
            found["OpenSSL"] = self.openssl
        found["Java"] = self.java
        found["IBM Java 8"] = self.ibm_java
        found["code"] = self.code_text
        found["z/OS 4-character"] = self.zos
        if self.zos_2char is not None:
            found["z/OS 2-character"] = self.zos_2char
        return found

    @property
    def cipher_name(self) -> str:
        """The cipher, key size and mode in one word, e.g. ``"AES-256-GCM"`` or ``"NULL"``."""
        return _cipher_name(self.cipher, self.key_bits, self.mode)

    @property
    def prf(self) -> str | None:
        """The key derivation in words, e.g. ``"TLS 1.2 PRF with SHA-384"`` or ``"HKDF-SHA384"``."""
        return _prf_words(self.prf_hash, self.tls13, self.versions)

    @property
    def versions_text(self) -> str:
        """The versions in words, e.g. ``"TLS 1.2 only"`` or ``"TLS 1.0 to 1.2 (and SSL 3.0)"``."""
        tls = [v for v in self.versions if v.startswith("TLS")]
        if not tls:
            return "none: never negotiated"
        text = f"{tls[0]} only" if len(tls) == 1 else f"{tls[0]} to {tls[-1].split()[1]}"
        return text + (" (and SSL 3.0)" if "SSL 3.0" in self.versions else "")

    # Deliberate boilerplate: to_dict lists the fields as JSON keys, as every result type's does.
    def to_dict(self) -> dict[str, Any]:
        """The suite as JSON-ready data (``certkit ciphersuite --json`` prints it)."""
        return {
            "code": self.code_text,
            "zos": self.zos,
            "zos_2char": self.zos_2char,
            "iana": self.iana,
            "openssl": self.openssl,
            "java": self.java,
            "ibm_java": self.ibm_java,
            "rfcs": [f"RFC {n}" for n in self.rfcs],
            "tls13": self.tls13,
            "signalling": self.signalling,
            "key_exchange": self.key_exchange,
            "authentication": self.authentication,
            "export": self.export,
            "cipher": self.cipher,
            "key_bits": self.key_bits,
            "mode": self.mode,
            "cipher_name": self.cipher_name,
            "aead": self.aead,
            "mac": self.mac,
            "hash": self.hash,
            "prf_hash": self.prf_hash,
            "prf": self.prf,
            "forward_secrecy": self.forward_secrecy,
            "forward_secrecy_reason": self.forward_secrecy_reason,
            "versions": list(self.versions),
            "offered": self.offered,
            "python_default": self.python_default,
            "verdict": self.verdict,
            "security": list(self.security),
            "explanation": self.explanation,
        }

    def to_text(self) -> str:
        """The suite explained for a reader (``certkit ciphersuite`` prints it)."""
        lines = [f"{self.iana} ({self.code_text})"]
        rfcs = ", ".join(f"RFC {n}" for n in self.rfcs)
        lines += _field("OpenSSL name", self.openssl or "(none: OpenSSL has no name for it)")
        lines += _field("IANA name", f"{self.iana} ({rfcs})")
        lines += _field("Java name", self.java)
        if self.ibm_java != self.java:
            lines += _field("IBM Java 8 name", f"{self.ibm_java} (also accepts the Java name)")
        zos = f"{self.zos} (V3CipherSuites4Char, GSK_V3_CIPHER_SPECS_EXPANDED)"
        if self.zos_2char is not None:
            zos += f"; {self.zos_2char} (V3CipherSuites)"
        if not self.signalling:
            lines += _field("z/OS code", zos)
        if self.signalling or self.key_exchange == "none":
            lines += _field("In plain words", self.explanation)
            lines += _field("Security", f"{self.verdict}: " + " ".join(self.security))
            return "\n".join(lines)
        lines += _field("Key exchange", self.key_exchange or _TLS13_KX)
        lines += _field("Authentication", self.authentication or _TLS13_AU)
        if self.cipher is None:
            lines += _field("Cipher", "none: records are not encrypted")
        else:
            lines += _field(
                "Cipher",
                f"{self.cipher_name} ({self.cipher}, {self.key_bits}-bit key, {_mode_words(self)})",
            )
        if self.aead:
            lines += _field("Integrity", "AEAD: the cipher authenticates too, no separate MAC")
        else:
            lines += _field("Integrity", f"{self.mac} over each record")
        schedule = " (the TLS 1.3 key schedule)" if self.tls13 else ""
        lines += _field("Key derivation", f"{self.prf}{schedule}")
        yes_no = "yes" if self.forward_secrecy else "no"
        lines += _field("Forward secrecy", f"{yes_no}: {self.forward_secrecy_reason}")
        lines += _field("Versions", self.versions_text)
        lines += _field("OpenSSL here", _offered_words(self))
        lines += _field("In plain words", self.explanation)
        lines += _field("Security", f"{self.verdict}: " + " ".join(self.security))
        return "\n".join(lines)


_TLS13_KX = (
    "not part of a TLS 1.3 suite: negotiated by extensions (supported_groups and key_share: "
    "ECDHE or DHE; or a pre-shared key with psk_key_exchange_modes)"
)
_TLS13_AU = (
    "not part of a TLS 1.3 suite: the certificate's key type and the signature_algorithms "
    "extension decide it (RSA-PSS, ECDSA or EdDSA), or a pre-shared key"
)


def _cipher_name(cipher: str | None, bits: int, mode: str | None) -> str:
    if cipher is None:
        return "NULL"
    if mode == "ChaCha20-Poly1305":
        return "ChaCha20-Poly1305"
    if cipher == "RC4":
        return f"RC4-{bits}"
    if cipher in {"3DES", "IDEA", "SEED"}:
        return f"{cipher}-CBC"
    return f"{cipher}-{bits}-{(mode or '').replace('_', '-')}"


def _prf_words(prf_hash: str | None, tls13: bool, versions: tuple[str, ...]) -> str | None:
    if prf_hash is None:
        return None
    if tls13:
        return "HKDF-" + prf_hash.replace("-", "")
    if "TLS 1.2" in versions:
        older = ", MD5+SHA-1 in TLS 1.0/1.1" if "TLS 1.0" in versions else ""
        return f"TLS 1.2 PRF with {prf_hash}{older}"
    return "TLS 1.0/1.1 PRF (MD5+SHA-1)"


def _field(label: str, value: str) -> list[str]:
    return textwrap.wrap(
        value,
        width=_WIDTH,
        initial_indent=f"  {label:<{_LABEL - 2}}",
        subsequent_indent=" " * _LABEL,
        break_on_hyphens=False,
        break_long_words=False,
    )


def _mode_words(suite: Suite) -> str:
    return {
        "GCM": "GCM mode",
        "CCM": "CCM mode, 16-byte tag",
        "CCM_8": "CCM mode, 8-byte tag",
        "CBC": "CBC mode",
        "ChaCha20-Poly1305": "stream cipher with the Poly1305 authenticator",
        "stream": "stream cipher",
    }.get(suite.mode or "", "")


def _offered_words(suite: Suite) -> str:
    if not suite.offered:
        if suite.tls13:
            return (
                "not offered: OpenSSL implements it but leaves it out of its default TLS 1.3 "
                "list (openssl s_client/s_server -ciphersuites can enable it)"
            )
        return "not offered: OpenSSL here does not list it (openssl ciphers ALL:COMPLEMENTOFALL)"
    if suite.python_default:
        return "offered, and in Python's default client list (ssl.create_default_context())"
    return "offered, but not in Python's default client list (ssl.create_default_context())"


def _parse_name(iana: str) -> dict[str, Any]:
    """The parts of an IANA name: key exchange, authentication, cipher, mode, hash."""
    if "_WITH_" not in iana:
        match = re.fullmatch(r"TLS_(.+)_(SHA256|SHA384)", iana)
        if match is None:
            raise ValueError(f"not a TLS 1.3 suite name: {iana}")
        bulk, hash_token = match.groups()
        parts: dict[str, Any] = {"kx_token": None, "export": False, "tls13": True}
    else:
        kx_token, rest = iana.removeprefix("TLS_").split("_WITH_", 1)
        tail = re.fullmatch(r"(.+)_(MD5|SHA|SHA256|SHA384)", rest)
        if rest == "NULL_NULL":  # TLS_NULL_WITH_NULL_NULL
            bulk, hash_token = "NULL", None
        elif tail is not None:
            bulk, hash_token = tail.groups()
        else:
            bulk, hash_token = rest, None
        if kx_token not in _KX:
            raise ValueError(f"unknown key exchange in {iana}")
        parts = {"kx_token": kx_token, "export": _KX[kx_token][2], "tls13": False}
    if bulk in _BULK:
        cipher, bits, mode = _BULK[bulk]
    else:
        block = _BLOCK.fullmatch(bulk)
        if block is None:
            raise ValueError(f"unknown cipher in {iana}")
        cipher, bits, mode = _CIPHER_NAMES[block[1]], int(block[2]), block[3]
    parts.update(cipher=cipher, key_bits=bits, mode=mode, hash_token=hash_token)
    return parts


def _versions(
    kx: str, mode: str | None, cipher: str | None, hash_: str | None, export: bool, bits: int
) -> tuple[str, ...]:
    aead = mode in _AEAD_MODES
    if aead or (hash_ in {"SHA-256", "SHA-384"} and kx not in _PSK_FAMILY):
        return ("TLS 1.2",)
    if hash_ in {"SHA-256", "SHA-384"} or kx.startswith("ECDH"):
        versions = ["TLS 1.0", "TLS 1.1", "TLS 1.2"]
    else:
        versions = ["SSL 3.0", "TLS 1.0", "TLS 1.1", "TLS 1.2"]
    if export:  # RFC 4346: TLS 1.1 must not negotiate export suites
        versions = versions[: versions.index("TLS 1.0") + 1]
    elif cipher == "IDEA" or (cipher == "DES" and bits == 56):  # RFC 5469: not in TLS 1.2
        versions.remove("TLS 1.2")
    return tuple(versions)


def _forward_secrecy(kx: str | None, au: str | None) -> tuple[bool, str]:
    if kx is None:
        return True, (
            "TLS 1.3 always agrees keys with an ephemeral (EC)DHE exchange, except for a "
            "resumption in psk_ke mode (the pre-shared key alone), which OpenSSL allows only "
            "when told to (SSL_OP_ALLOW_NO_DHE_KEX)."
        )
    if kx in {"ECDHE", "DHE"}:
        reason = (
            "each handshake uses a fresh Diffie-Hellman key pair, thrown away afterwards; the "
            "certificate key only signs, so stealing it later decrypts nothing recorded."
        )
        if au == "anonymous":
            reason = (
                "each handshake uses a fresh Diffie-Hellman key pair; but nobody is "
                "authenticated, so an attacker in the middle need not break anything."
            )
        return True, reason
    if kx in {"ECDHE-PSK", "DHE-PSK"}:
        return True, "the pre-shared key is mixed with a fresh Diffie-Hellman exchange."
    if kx == "SRP":
        return True, "SRP's secret values are fresh for each handshake."
    if kx in {"RSA", "RSA-PSK"}:
        return False, (
            "static RSA key transport: the client encrypts the premaster secret with the "
            "certificate's RSA key, so whoever gets that private key later can decrypt every "
            "recorded session."
        )
    if kx in {"ECDH", "DH"}:
        return False, (
            "static Diffie-Hellman: the server's DH key is fixed in its certificate, so whoever "
            "gets that private key later can decrypt every recorded session."
        )
    if kx == "PSK":
        return False, "the keys come from the long-term pre-shared key alone."
    return False, "there is no key exchange at all."


def _security(
    *,
    code: int,
    kx: str | None,
    au: str | None,
    cipher: str | None,
    bits: int,
    mode: str | None,
    export: bool,
) -> tuple[Verdict, tuple[str, ...]]:
    notes: list[tuple[Verdict, str]] = []
    if code in _SCSV:
        return "not a suite", ("Nothing to rate: it names no algorithms.",)
    if kx == "none":
        return "not a suite", (
            "The state every connection starts in (no keys, no protection); it must never be "
            "negotiated.",
        )
    if cipher is None:
        notes.append(("insecure", "No encryption: anyone on the path reads the data."))
    if au == "anonymous":
        notes.append(
            (
                "insecure",
                "No authentication: an attacker in the middle can pose as the server.",
            )
        )
    # Deliberate boilerplate: one condition and one note per weakness, worst first.
    if export:
        notes.append(
            (
                "insecure",
                "Export grade (40-bit cipher key, 512-bit key exchange): broken; the FREAK and "
                "Logjam attacks forced servers down to it.",
            )
        )
    if cipher == "RC4":
        notes.append(("insecure", "RC4 is broken; RFC 7465 prohibits it in every TLS version."))
    if cipher == "DES" and not export:
        notes.append(("insecure", "Single DES (56-bit key) is broken by brute force."))
    if cipher in {"3DES", "IDEA"}:
        notes.append(
            (
                "insecure",
                f"{cipher} has a 64-bit block: the Sweet32 attack (CVE-2016-2183) recovers data "
                "from long connections.",
            )
        )
    if cipher == "RC2":
        notes.append(("insecure", "RC2 is obsolete."))
    if kx in {"RSA", "RSA-PSK"}:
        notes.append(
            (
                "legacy",
                "Static RSA key exchange: no forward secrecy, and the padding-oracle attacks "
                "(Bleichenbacher, ROBOT) target it; TLS 1.3 removed it.",
            )
        )
    if kx in {"DH", "ECDH"}:
        notes.append(
            (
                "legacy",
                "Static Diffie-Hellman: no forward secrecy, the DH key must sit in the server's "
                "certificate, and TLS 1.3 removed it.",
            )
        )
    if kx == "PSK":
        notes.append(("legacy", "Plain PSK: no forward secrecy."))
    if mode == "CBC" and cipher is not None:
        notes.append(
            (
                "legacy",
                "CBC with HMAC (MAC-then-encrypt): safe only with carefully constant-time code "
                "(the Lucky13 and POODLE-era padding oracles); prefer an AEAD suite.",
            )
        )
    if au is not None and "DSS" in au:
        notes.append(
            (
                "legacy",
                "DSA (DSS) certificates are obsolete: TLS 1.3 has no DSA signatures.",
            )
        )
    if kx == "SRP":
        notes.append(("legacy", "SRP (password-authenticated) suites are rarely supported."))
    if mode == "CCM_8":
        notes.append(
            (
                "acceptable",
                "An 8-byte authentication tag instead of 16: meant for constrained devices.",
            )
        )
    if kx in {"DHE", "DHE-PSK"} and au != "anonymous" and not export:
        notes.append(
            (
                "acceptable",
                "Finite-field DHE: sound only with a large group (2048 bits or more; Logjam showed "
                "the danger of small ones), and slower than ECDHE.",
            )
        )
    if cipher in {"Camellia", "ARIA", "SEED"}:
        notes.append(
            (
                "acceptable",
                f"{cipher} is sound but rarely supported (Java's JSSE does not offer it).",
            )
        )
    if not notes:
        if kx is None:
            return "recommended", ("A TLS 1.3 suite: always forward secrecy and an AEAD cipher.",)
        return "recommended", ("Forward secrecy and an AEAD cipher: a good TLS 1.2 choice.",)
    notes.sort(key=lambda note: -_RANK[note[0]])
    return notes[0][0], tuple(text for _, text in notes)


_KX_WORDS = {
    "ECDHE": (
        "The two sides agree the keys with a fresh elliptic-curve Diffie-Hellman exchange "
        "(ECDHE), on a curve from the client's supported_groups."
    ),
    "DHE": (
        "The two sides agree the keys with a fresh finite-field Diffie-Hellman exchange (DHE), "
        "in a group the server chooses."
    ),
    "ECDH": (
        "The keys come from a static elliptic-curve Diffie-Hellman exchange with the key in "
        "the server's certificate (ECDH)."
    ),
    "DH": (
        "The keys come from a static Diffie-Hellman exchange with the key in the server's "
        "certificate (DH)."
    ),
    "RSA": (
        "The client makes up the premaster secret and sends it (ClientKeyExchange) encrypted "
        "with the RSA key in the server's certificate (RSA key transport)."
    ),
    "PSK": "The keys come from a secret key both sides were given beforehand (PSK).",
    "DHE-PSK": "The keys mix a pre-shared key with a fresh finite-field Diffie-Hellman exchange.",
    "ECDHE-PSK": "The keys mix a pre-shared key with a fresh elliptic-curve Diffie-Hellman "
    "exchange.",
    "RSA-PSK": (
        "The keys mix a pre-shared key with a secret the client sends encrypted with the RSA "
        "key in the server's certificate."
    ),
    "SRP": "The keys come from a password-authenticated exchange (SRP).",
}


def _au_words(kx: str, au: str) -> str:
    if au == "anonymous":
        return "Nobody proves who they are: there is no certificate."
    if au in {"ECDH certificate", "DH certificate"}:
        return (
            "The server proves who it is implicitly: only the holder of the certificate's "
            "private key reaches the same keys."
        )
    if kx == "RSA":
        return (
            "Only the holder of the certificate's private key can decrypt it: that is what "
            "authenticates the server."
        )
    if au in {"RSA", "ECDSA", "DSS"}:
        algorithm = {"RSA": "RSA", "ECDSA": "ECDSA", "DSS": "DSA"}[au]
        return (
            f"The server proves who it is by signing its key share (ServerKeyExchange) with "
            f"the {algorithm} key of its certificate."
        )
    if au == "RSA+PSK":
        return (
            "The server proves who it is with its RSA certificate, the client by knowing the "
            "pre-shared key."
        )
    if au in {"RSA+SRP", "DSS+SRP"}:
        return (
            "The client proves it knows the password; the server also signs with its "
            "certificate key."
        )
    if au == "SRP":
        return "Both sides prove they know the password (or its verifier); no certificate."
    return "Both sides prove they hold the same pre-shared key; no certificate."


def _explanation(
    *,
    kx: str | None,
    au: str | None,
    cipher: str | None,
    bits: int,
    mode: str | None,
    mac: str | None,
    prf: str | None,
    tls13: bool,
) -> str:
    sentences: list[str] = []
    if tls13:
        sentences.append(
            "A TLS 1.3 suite names only the record protection and the hash: the key exchange "
            "(ECDHE or DHE groups in key_share, or a pre-shared key) and the authentication "
            "(the certificate and signature_algorithms) are negotiated separately by "
            "extensions."
        )
    else:
        assert kx is not None and au is not None
        sentences.append(_KX_WORDS[kx])
        sentences.append(_au_words(kx, au))
    if cipher is None:
        sentences.append(f"Records are not encrypted at all: only {mac} protects their integrity.")
    elif mode in _AEAD_MODES:
        sentences.append(
            f"Records are encrypted and authenticated in one step with "
            f"{_cipher_name(cipher, bits, mode)} (AEAD), "
            "with no separate MAC."
        )
    else:
        sentences.append(
            f"Each record gets an {mac} and is then encrypted with {cipher} "
            f"({bits}-bit key{', CBC mode' if mode == 'CBC' else ''})."
        )
    if prf is not None:
        if tls13:
            sentences.append(
                f"The key schedule ({prf}) derives every secret and hashes the transcript."
            )
        else:
            sentences.append(f"Keys and the Finished messages come from the {prf}.")
    return " ".join(sentences)


@dataclass(frozen=True)
class _Row:
    code: int
    iana: str
    openssl: str | None
    rfcs: tuple[int, ...]


@functools.cache
def _rows() -> tuple[_Row, ...]:
    data: dict[str, Any] = read_json("ciphersuites.json")
    rows = []
    for item in data["suites"]:
        high, low = (int(part, 16) for part in item["code"].split(","))
        rows.append(_Row((high << 8) | low, item["iana"], item["openssl"], tuple(item["rfc"])))
    return tuple(rows)


@functools.cache
def _openssl_here() -> tuple[tuple[int, ...], frozenset[int]]:
    """The codes OpenSSL here offers, in its order, and those of Python's default context."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.set_ciphers("ALL:COMPLEMENTOFALL")
    offered = tuple(cipher["id"] & 0xFFFF for cipher in context.get_ciphers())
    default = frozenset(c["id"] & 0xFFFF for c in ssl.create_default_context().get_ciphers())
    return offered, default


def _build(row: _Row) -> Suite:
    offered, default = _openssl_here()
    tls13 = "_WITH_" not in row.iana and row.code not in _SCSV
    if row.code in _SCSV:
        parts: dict[str, Any] = {
            "kx_token": None,
            "export": False,
            "tls13": False,
            "cipher": None,
            "key_bits": 0,
            "mode": None,
            "hash_token": None,
        }
    else:
        parts = _parse_name(row.iana)
    kx_token = parts["kx_token"]
    kx, au = (_KX[kx_token][0], _KX[kx_token][1]) if kx_token is not None else (None, None)
    cipher, bits, mode = parts["cipher"], parts["key_bits"], parts["mode"]
    hash_ = _HASHES.get(parts["hash_token"] or "")
    aead = mode in _AEAD_MODES
    mac = None if aead or hash_ is None else "HMAC-" + hash_.replace("-", "")
    export = bool(parts["export"])
    signalling = row.code in _SCSV
    if tls13:
        versions: tuple[str, ...] = ("TLS 1.3",)
    elif signalling or kx == "none":
        versions = ()
    else:
        assert kx is not None
        versions = _versions(kx, mode, cipher, hash_, export, bits)
    if signalling or kx == "none":
        prf_hash = None
    elif tls13 or "TLS 1.2" in versions:
        prf_hash = "SHA-384" if hash_ == "SHA-384" else "SHA-256"
    else:
        prf_hash = "MD5+SHA-1"
    if signalling:
        fs, fs_reason = False, "not a cipher suite."
    else:
        fs, fs_reason = _forward_secrecy(kx, au)
    verdict, notes = _security(
        code=row.code, kx=kx, au=au, cipher=cipher, bits=bits, mode=mode, export=export
    )
    if signalling:
        explanation = _SCSV[row.code]
    elif kx == "none":
        explanation = (
            "No key exchange, no authentication, no cipher and no MAC: the state of a "
            "connection before its first handshake completes. In TLS 1.2, every handshake "
            "message before ChangeCipherSpec travels under it, in the clear."
        )
    else:
        # Deliberate boilerplate: keyword arguments, one a line, as in verify's _Context.
        explanation = _explanation(
            kx=kx,
            au=au,
            cipher=cipher,
            bits=bits,
            mode=mode,
            mac=mac,
            prf=_prf_words(prf_hash, tls13, versions),
            tls13=tls13,
        )
    return Suite(
        code=row.code,
        iana=row.iana,
        openssl=row.openssl,
        java=("SSL_" + row.iana[4:]) if row.code <= 0x1B else row.iana,
        ibm_java=row.iana if tls13 or signalling else "SSL_" + row.iana[4:],
        rfcs=row.rfcs,
        tls13=tls13,
        signalling=signalling,
        key_exchange=kx,
        authentication=au,
        export=export,
        cipher=cipher,
        key_bits=bits,
        mode=mode,
        aead=aead,
        mac=mac,
        hash=hash_,
        prf_hash=prf_hash,
        forward_secrecy=fs,
        forward_secrecy_reason=fs_reason,
        versions=versions,
        offered=row.code in offered,
        python_default=row.code in default,
        verdict=verdict,
        security=notes,
        explanation=explanation,
    )


@functools.cache
def _table() -> tuple[tuple[Suite, ...], dict[str, Suite], dict[int, Suite]]:
    built = tuple(_build(row) for row in _rows())
    by_name: dict[str, Suite] = {}
    for suite in built:
        spellings = {suite.iana, suite.java, suite.ibm_java}
        if suite.openssl is not None:
            spellings.add(suite.openssl)
        for spelling in spellings:
            key = spelling.upper()
            if by_name.get(key, suite) is not suite:
                raise RuntimeError(f"{spelling} names two suites in ciphersuites.json")
            by_name[key] = suite
    return built, by_name, {suite.code: suite for suite in built}


def suites() -> tuple[Suite, ...]:
    """Every suite certkit knows, in code order.

    Returns:
        The suites of ``certkit/data/ciphersuites.json``: all that OpenSSL here offers, the
        TLS 1.3 CCM suites OpenSSL leaves out by default, legacy suites OpenSSL dropped (RC4,
        DES, 3DES, export, static DH and ECDH, SEED, ...) and the two signalling values.
    """
    return _table()[0]


def openssl_suites(tls: str | None = None) -> list[Suite]:
    """The suites OpenSSL here offers, in OpenSSL's order of preference.

    Args:
        tls: Only suites that this protocol version can negotiate: ``"1.0"``, ``"1.1"``,
            ``"1.2"`` or ``"1.3"``; ``None`` for all.

    Returns:
        The suites ``openssl ciphers ALL:COMPLEMENTOFALL`` lists (asked of Python's ``ssl``
        module), as [`Suite`][certkit.tls.ciphersuites.Suite] objects.

    Raises:
        InputError: ``tls`` is not one of the versions above.
    """
    if tls is not None and tls not in {"1.0", "1.1", "1.2", "1.3"}:
        raise InputError(f"unknown TLS version {tls!r}: give 1.0, 1.1, 1.2 or 1.3")
    by_code = _table()[2]
    found = [by_code[code] for code in _openssl_here()[0] if code in by_code]
    if tls is None:
        return found
    return [suite for suite in found if f"TLS {tls}" in suite.versions]


_PAIR = re.compile(r"\{?\s*(?:0X)?([0-9A-F]{1,2})\s*[, ]\s*(?:0X)?([0-9A-F]{1,2})\s*\}?")
_HEX4 = re.compile(r"(?:0X)?([0-9A-F]{4})")
_HEX2 = re.compile(r"[0-9A-F]{2}")
_PYTHON_ID = re.compile(r"0X0300([0-9A-F]{4})")
_HINT = "give an OpenSSL, IANA or Java name, or a code such as C030 or 0xC0,0x30"


def _code_of(key: str) -> int | None:
    """The 2-byte code written in ``key`` (upper case), or ``None`` if it is not a code."""
    pair = _PAIR.fullmatch(key)
    if pair is not None:
        return (int(pair[1], 16) << 8) | int(pair[2], 16)
    for pattern in (_HEX4, _PYTHON_ID):
        match = pattern.fullmatch(key)
        if match is not None:
            return int(match[1], 16)
    if _HEX2.fullmatch(key):  # AT-TLS V3CipherSuites: 2 characters for codes 0x00,0xNN
        return int(key, 16)
    return None


def explain(name: str | int) -> Suite:
    """Explain a cipher suite given by any of its names or its code.

    Args:
        name: A name in any spelling and any case: OpenSSL (``ECDHE-RSA-AES256-GCM-SHA384``),
            IANA or Java (``TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384``), IBM Java 8
            (``SSL_ECDHE_RSA_WITH_AES_256_GCM_SHA384``); or the code: ``0xC0,0x30``, ``C030``
            (z/OS 4-character), ``0xC030``, a 2-character z/OS code for codes ``0x00,0xNN``
            (``35`` is ``0x00,0x35``), or a number (``0xC030``, or the ``id`` of
            ``ssl.SSLContext.get_ciphers()``, ``0x0300C030``).

    Returns:
        The suite, with all its spellings and what it means.

    Raises:
        InputError: The name or code is not a suite certkit knows; the message suggests
            close matches.

    Examples:
        >>> from certkit.tls.ciphersuites import explain
        >>> static = explain("AES256-GCM-SHA384")
        >>> static.iana, static.key_exchange, static.forward_secrecy, static.verdict
        ('TLS_RSA_WITH_AES_256_GCM_SHA384', 'RSA', False, 'legacy')
        >>> explain(0x0A).java, explain("0A").cipher_name
        ('SSL_RSA_WITH_3DES_EDE_CBC_SHA', '3DES-CBC')
        >>> try:
        ...     explain("ECDHE-RSA-AES256-GCM-SHA38")
        ... except InputError as error:
        ...     print(str(error)[:70])
        unknown cipher suite 'ECDHE-RSA-AES256-GCM-SHA38': did you mean ECDHE-
    """
    _, by_name, by_code = _table()
    if isinstance(name, int):
        code = name & 0xFFFF if name >> 16 == 0x0300 else name
        shown = f"0x{name:04X}"
    else:
        shown = name.strip()
        if not shown:
            raise InputError(f"no cipher suite given: {_HINT}")
        key = shown.upper()
        if key in by_name:
            return by_name[key]
        found = _code_of(key)
        if found is None:
            raise InputError(f"unknown cipher suite {shown!r}: {_suggest(key)}")
        code = found
    if code in by_code:
        return by_code[code]
    _unknown_code(shown, code)


def _unknown_code(shown: str, code: int) -> NoReturn:
    if not 0 <= code <= 0xFFFF:
        raise InputError(f"{shown!r} is not a 2-byte cipher suite code ({_HINT})")
    raise InputError(
        f"cipher suite code 0x{code >> 8:02X},0x{code & 0xFF:02X} ({shown}) is not in certkit's "
        "table; look it up in the IANA TLS Cipher Suites registry "
        "(https://www.iana.org/assignments/tls-parameters)"
    )


def _suggest(key: str) -> str:
    """Close matches for an unknown name, in the same spelling family, completions first."""
    family: dict[str, tuple[str, Suite]] = {}
    for suite in _table()[0]:
        if key.startswith("TLS_"):
            spellings = [suite.iana, suite.java]
        elif key.startswith("SSL_"):
            spellings = [suite.ibm_java, suite.java]
        else:
            spellings = [suite.openssl or suite.iana]
        for spelling in spellings:
            family.setdefault(spelling.upper(), (spelling, suite))
    completions = sorted(name for name in family if name.startswith(key))
    close = completions + difflib.get_close_matches(key, list(family), n=6, cutoff=0.6)
    names: list[str] = []
    seen: set[int] = set()
    for name in close:
        spelling, suite = family[name]
        if suite.code not in seen:
            seen.add(suite.code)
            names.append(spelling)
    if not names:
        return f"no similar name known ({_HINT})"
    names = names[:3]
    listed = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]
    return f"did you mean {listed}? ({_HINT})"
