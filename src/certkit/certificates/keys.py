"""Private keys derived from a seed.

Every key certkit makes comes from a *seed* and a *label*: the same seed and label give the same
key on every run and every machine, and different labels give independent keys. That is what
lets a course page show an exact fingerprint or signature next to the code that produced it.
With a random seed (the default of [`Lab`][certkit.certificates.pki.Lab]) the keys are as random as
any.

The derivation is deliberately simple and public: SHAKE-256 over a domain-separation prefix,
the seed and the label, read as a stream of bytes. EC scalars are reduced into ``[1, n-1]``;
RSA primes are found by a deterministic search with a Miller-Rabin test whose bases also come
from the stream. These keys are for teaching and testing; production keys should come from the
platform's key generator (or a hardware module), never from a seed that is written down.
"""

from __future__ import annotations

import functools
import hashlib
import math
from typing import Literal, TypeAlias

from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa, x25519

from certkit.defaults import KEY_TYPE
from certkit.errors import InputError

__all__ = [
    "CURVES",
    "KEY_TYPES",
    "KeyType",
    "PrivateKey",
    "SigningKey",
    "SigningPublicKey",
    "derive_bytes",
    "derive_key",
]

KeyType: TypeAlias = Literal[
    "ec-p256", "ec-p384", "ec-p521", "rsa-2048", "rsa-3072", "rsa-4096", "ed25519", "x25519"
]
"""The key types certkit can derive. ``x25519`` is for key agreement only; it cannot sign."""

KEY_TYPES: tuple[str, ...] = (
    "ec-p256",
    "ec-p384",
    "ec-p521",
    "rsa-2048",
    "rsa-3072",
    "rsa-4096",
    "ed25519",
    "x25519",
)
"""The names accepted wherever certkit asks for a key type."""

PrivateKey: TypeAlias = (
    ec.EllipticCurvePrivateKey
    | rsa.RSAPrivateKey
    | ed25519.Ed25519PrivateKey
    | x25519.X25519PrivateKey
)
"""Any private key certkit derives."""

SigningKey: TypeAlias = ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey | ed25519.Ed25519PrivateKey
"""A private key that can sign certificates (every key type but ``x25519``)."""

SigningPublicKey: TypeAlias = (
    ec.EllipticCurvePublicKey | rsa.RSAPublicKey | ed25519.Ed25519PublicKey
)
"""The public key of a [`SigningKey`][certkit.certificates.keys.SigningKey]."""

_DOMAIN = b"certkit/derive/v1\x00"

CURVES: dict[str, ec.EllipticCurve] = {
    "ec-p256": ec.SECP256R1(),
    "ec-p384": ec.SECP384R1(),
    "ec-p521": ec.SECP521R1(),
}
"""The elliptic curve of each EC key type of ``KEY_TYPES`` (NIST P-256, P-384 and P-521)."""


def _primes_below(limit: int) -> list[int]:
    sieve = bytearray([1]) * limit
    sieve[0:2] = b"\x00\x00"
    for i in range(2, int(limit**0.5) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(range(i * i, limit, i)))
    return [i for i in range(3, limit) if sieve[i]]


_SMALL_PRIMES = _primes_below(30000)
_SMALL_PRODUCT = math.prod(_SMALL_PRIMES)


def _as_bytes(value: str | bytes) -> bytes:
    return value.encode("utf-8") if isinstance(value, str) else value


def derive_bytes(seed: str | bytes, label: str, length: int) -> bytes:
    """Derive ``length`` bytes from a seed and a label.

    Args:
        seed: The seed. Text is encoded as UTF-8.
        label: What the bytes are for, e.g. ``"aes-key"``. Different labels give
            independent outputs.
        length: How many bytes to return.

    Returns:
        The same bytes for the same seed, label and length, on every machine.

    Raises:
        InputError: If ``length`` is negative.
    """
    if length < 0:
        raise InputError(f"cannot derive {length} bytes: the length must be 0 or more")
    seed_b = _as_bytes(seed)
    label_b = label.encode("utf-8")
    material = (
        _DOMAIN
        + len(seed_b).to_bytes(4, "big")
        + seed_b
        + len(label_b).to_bytes(4, "big")
        + label_b
    )
    return hashlib.shake_256(material).digest(length)


class _Stream:
    """An endless deterministic byte stream for one seed and label."""

    def __init__(self, seed: str | bytes, label: str) -> None:
        self._seed = seed
        self._label = label
        self._counter = 0

    def read(self, length: int) -> bytes:
        self._counter += 1
        return derive_bytes(self._seed, f"{self._label}#{self._counter}", length)

    def integer(self, bits: int) -> int:
        return int.from_bytes(self.read((bits + 7) // 8), "big") >> (-bits % 8)


def _is_probable_prime(n: int, stream: _Stream, rounds: int = 8) -> bool:
    # Only called on large odd candidates (512 bits and more), so a common factor with the
    # product of the small primes means composite. Eight Miller-Rabin rounds with random bases
    # give an error probability far below 2^-100 for random candidates of this size.
    if math.gcd(n, _SMALL_PRODUCT) != 1:
        return False
    d, r = n - 1, 0
    while d % 2 == 0:
        d //= 2
        r += 1
    for _ in range(rounds):
        a = 2 + stream.integer(n.bit_length()) % (n - 3)
        x = pow(a, d, n)
        if x in (1, n - 1):
            continue
        for _ in range(r - 1):
            x = pow(x, 2, n)
            if x == n - 1:
                break
        else:
            return False
    return True


def _rsa_prime(stream: _Stream, bits: int, e: int) -> int:
    while True:
        # Top two bits set so that p*q has exactly 2*bits bits; odd.
        candidate = stream.integer(bits) | (0b11 << (bits - 2)) | 1
        if (candidate - 1) % e == 0:
            continue
        if _is_probable_prime(candidate, stream):
            return candidate


def _rsa_key(seed: str | bytes, label: str, bits: int) -> rsa.RSAPrivateKey:
    e = 65537
    stream = _Stream(seed, f"rsa-{bits}:{label}")
    p = _rsa_prime(stream, bits // 2, e)
    while True:
        q = _rsa_prime(stream, bits // 2, e)
        # FIPS 186-5 asks |p - q| > 2^(bits/2 - 100).
        if abs(p - q) > 1 << (bits // 2 - 100):
            break
    if p < q:
        p, q = q, p
    d = pow(e, -1, math.lcm(p - 1, q - 1))
    numbers = rsa.RSAPrivateNumbers(
        p=p,
        q=q,
        d=d,
        dmp1=d % (p - 1),
        dmq1=d % (q - 1),
        iqmp=pow(q, -1, p),
        public_numbers=rsa.RSAPublicNumbers(e, p * q),
    )
    return numbers.private_key()


@functools.lru_cache(maxsize=256)
def derive_key(seed: str | bytes, label: str, key_type: str = KEY_TYPE) -> PrivateKey:
    """Derive a private key from a seed and a label.

    Args:
        seed: The seed. Text is encoded as UTF-8.
        label: What the key is for, e.g. ``"root-ca"``. Different labels give independent keys.
        key_type: One of [`KEY_TYPES`][certkit.certificates.keys.KEY_TYPES]; EC P-256 by default.

    Returns:
        A `cryptography` private key object, the same for the same seed, label and type.

    Raises:
        InputError: If ``key_type`` is not a known key type.

    Examples:
        >>> from certkit.certificates.keys import derive_key
        >>> a = derive_key("demo", "server")
        >>> b = derive_key("demo", "server")
        >>> a.private_numbers() == b.private_numbers()
        True
    """
    if key_type in CURVES:
        curve = CURVES[key_type]
        order = curve.group_order
        # 64 extra bits make the reduction's bias negligible (FIPS 186-5, A.2.1).
        material = derive_bytes(seed, f"{key_type}:{label}", (order.bit_length() + 64 + 7) // 8)
        return ec.derive_private_key(int.from_bytes(material, "big") % (order - 1) + 1, curve)
    if key_type.startswith("rsa-") and key_type in KEY_TYPES:
        return _rsa_key(seed, label, int(key_type.removeprefix("rsa-")))
    if key_type == "ed25519":
        return ed25519.Ed25519PrivateKey.from_private_bytes(
            derive_bytes(seed, f"ed25519:{label}", 32)
        )
    if key_type == "x25519":
        return x25519.X25519PrivateKey.from_private_bytes(derive_bytes(seed, f"x25519:{label}", 32))
    raise InputError(f"unknown key type {key_type!r}: use one of {', '.join(KEY_TYPES)}")
