"""certkit.certificates.keys: keys derived from a seed are correct, independent and identical everywhere."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa, x25519

from certkit.certificates.keys import CURVES, KEY_TYPES, derive_bytes, derive_key
from certkit.errors import CertkitError, InputError

# Known answers: SHA-256 of each derived public key (SubjectPublicKeyInfo DER). If one of these
# changes, every page that shows a deterministic output changes too: that must be deliberate.
KNOWN_ANSWERS = {
    "ec-p256": "b62a62a134780c1f2021f8e68bc97042b2be72e7095445935d5357e93dc604f9",
    "ec-p384": "55d95425a80caec08a402d36c11b88f8fb77946e98c75be13a99b5be048b2e60",
    "ec-p521": "94c5f7d16acb681de53defeb5ff1d81ac8f8ce63f9551effd023d95e076c0381",
    "ed25519": "6d6d93cb2317ff11d76405fc361e4779ecdf826204158e8b5117c7c79bd62dd1",
    "x25519": "0f2546581b41137ee896caaea7e3d91068bf30280dc52e873b2a6af7b556c46b",
    "rsa-2048": "ad7b377a90c50f4c2b7a618d632278db8dabbf087a459300f5f53b7e29ddf906",
}


def _public_hash(key: object) -> str:
    der = key.public_key().public_bytes(  # type: ignore[attr-defined]
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return hashlib.sha256(der).hexdigest()


@pytest.mark.parametrize("key_type", sorted(KNOWN_ANSWERS))
def test_known_answer(key_type: str) -> None:
    assert _public_hash(derive_key("certkit-kat", "kat", key_type)) == KNOWN_ANSWERS[key_type]


def test_same_in_a_fresh_process() -> None:
    # A new interpreter (new hash seed, no cache) derives the same key.
    code = (
        "import hashlib; from certkit.certificates.keys import derive_key; "
        "from cryptography.hazmat.primitives import serialization as s; "
        "k = derive_key('certkit-kat', 'kat', 'ec-p256'); "
        "print(hashlib.sha256(k.public_key().public_bytes(s.Encoding.DER, "
        "s.PublicFormat.SubjectPublicKeyInfo)).hexdigest())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == KNOWN_ANSWERS["ec-p256"]


def test_labels_and_seeds_give_independent_keys() -> None:
    keys = {
        _public_hash(derive_key(seed, label)) for seed in ("a", "b", b"a") for label in ("x", "y")
    }
    # "a" and b"a" are the same seed; the rest differ.
    assert len(keys) == 4


def test_derive_bytes_is_prefix_free_between_seed_and_label() -> None:
    assert derive_bytes("ab", "c", 16) != derive_bytes("a", "bc", 16)
    assert len(derive_bytes("s", "l", 100)) == 100
    with pytest.raises(InputError):
        derive_bytes("s", "l", -1)


@pytest.mark.parametrize("name", sorted(CURVES))
def test_scalars_reduce_into_the_curve_order(name: str) -> None:
    # OpenSSL accepts scalars in [1, n-1]: n-1 must work and n must be refused, so the order
    # that derive_key reduces by is exactly the group order.
    curve = CURVES[name]
    ec.derive_private_key(curve.group_order - 1, curve)
    with pytest.raises(ValueError):
        ec.derive_private_key(curve.group_order, curve)


@pytest.mark.parametrize("key_type", ["ec-p256", "ec-p384", "ec-p521", "ed25519", "rsa-2048"])
def test_derived_keys_sign_and_verify(key_type: str) -> None:
    key = derive_key("sign", "test", key_type)
    message = b"certkit"
    if isinstance(key, ec.EllipticCurvePrivateKey):
        signature = key.sign(message, ec.ECDSA(hashes.SHA256()))
        key.public_key().verify(signature, message, ec.ECDSA(hashes.SHA256()))
    elif isinstance(key, rsa.RSAPrivateKey):
        signature = key.sign(message, padding.PKCS1v15(), hashes.SHA256())
        key.public_key().verify(signature, message, padding.PKCS1v15(), hashes.SHA256())
    else:
        assert isinstance(key, ed25519.Ed25519PrivateKey)
        key.public_key().verify(key.sign(message), message)


def test_rsa_key_is_well_formed() -> None:
    key = derive_key("rsa", "test", "rsa-2048")
    assert isinstance(key, rsa.RSAPrivateKey)
    numbers = key.private_numbers()
    assert key.key_size == 2048
    assert numbers.public_numbers.e == 65537
    assert numbers.p * numbers.q == numbers.public_numbers.n
    assert numbers.p != numbers.q


def test_x25519_agrees() -> None:
    a = derive_key("dh", "a", "x25519")
    b = derive_key("dh", "b", "x25519")
    assert isinstance(a, x25519.X25519PrivateKey) and isinstance(b, x25519.X25519PrivateKey)
    assert a.exchange(b.public_key()) == b.exchange(a.public_key())


def test_unknown_key_type_is_a_clear_error() -> None:
    with pytest.raises(InputError, match="unknown key type 'rsa-1024': use one of"):
        derive_key("s", "l", "rsa-1024")
    assert issubclass(InputError, CertkitError)


@pytest.mark.parametrize("key_type", KEY_TYPES)
def test_every_key_type_is_derivable(key_type: str) -> None:
    key = derive_key("all", "types", key_type)
    if key_type.startswith("rsa-"):
        assert isinstance(key, rsa.RSAPrivateKey)
        assert key.key_size == int(key_type.removeprefix("rsa-"))
