"""certkit.zos.jwt: tokens from lab keys, checked as Liberty's mpJwt and openidConnectClient do.

Every case runs against both consumers: each rejection carries the message ID that Open
Liberty's code logs for it (the IDs and texts come from data/liberty_jwt.json), and nothing a
client can send makes verify() raise anything but InputError. Times are fixed; no test reads
the clock.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import string
from typing import Any

import jwt as pyjwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519
from hypothesis import given, settings
from hypothesis import strategies as st

from certkit.certificates.pki import Lab
from certkit.datafiles import read_json
from certkit.errors import InputError
from certkit.zos.jwt import CLOCK_SKEW, MAX_TOKEN, Verdict, issue, verify
from certkit.zos.keyring import KeyRing

PKI = Lab(seed="jwt-tests").pki()
SIGNER = PKI.server
STRANGER = Lab(seed="jwt-tests, someone else").pki().server
NOW = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
ISSUER = "https://idp.example/realms/zcee"
AUDIENCE = "zcee-apis"
MP, OIDC = "mpJwt", "openidConnectClient"
TRUSTED = {"JWT signer": SIGNER.certificate}
MINUTE = dt.timedelta(minutes=1)


def token(**overrides: Any) -> str:
    """A token from the lab's signer, valid for an hour from NOW unless overridden."""
    args: dict[str, Any] = {
        "issuer": ISSUER,
        "subject": "fred",
        "audience": AUDIENCE,
        "upn": "FRED",
        "groups": ["zcee-users"],
        "now": NOW,
    }
    args.update(overrides)
    signer = args.pop("signer", SIGNER)
    return issue(signer, **args)


def check(value: str, consumer: str = MP, **overrides: Any) -> Verdict:
    args: dict[str, Any] = {
        "trusted": TRUSTED,
        "issuer": ISSUER,
        "audiences": [AUDIENCE],
        "now": NOW,
        "consumer": consumer,
    }
    args.update(overrides)
    return verify(value, **args)


def rejected(verdict: Verdict, reason: str, message_id: str) -> None:
    assert not verdict.accepted, verdict
    assert (verdict.reason, verdict.message_id) == (reason, message_id)
    assert verdict.message is not None and verdict.message.startswith(f"{message_id}: ")
    assert not re.search(r"\{\d\}", verdict.message), verdict.message
    assert verdict.fix and "{" not in verdict.fix
    assert verdict.user is None


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def forged_hs256(payload: dict[str, Any]) -> str:
    """The key-confusion attack: HS256 with the signer's public key (PEM) as the secret."""
    secret = SIGNER.certificate.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    body = b64(json.dumps(payload).encode())
    mac = hmac.new(secret, f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(mac)}"


def claims_of(value: str) -> dict[str, Any]:
    decoded: dict[str, Any] = pyjwt.decode(value, options={"verify_signature": False})
    return decoded


# -- acceptance ----------------------------------------------------------------------------------


def test_mpjwt_accepts_and_takes_the_user_from_upn() -> None:
    verdict = check(token())
    assert verdict.accepted
    assert (verdict.user, verdict.groups) == ("FRED", ("zcee-users",))
    assert verdict.reason is verdict.message_id is verdict.fix is None
    assert verdict.claims["iss"] == ISSUER
    assert str(verdict) == "accepted: user FRED"


def test_openidconnectclient_accepts_and_takes_the_user_from_sub() -> None:
    verdict = check(token(), OIDC)
    assert verdict.accepted and verdict.user == "fred"


def test_another_user_claim_can_be_named() -> None:
    assert check(token(), user_claim="sub").user == "fred"
    assert check(token(), OIDC, user_claim="upn").user == "FRED"


def test_a_key_ring_is_a_trust_store_and_the_label_is_the_alias() -> None:
    ring = KeyRing.for_lab(PKI)  # root, intermediate and the server (the signer)
    ring_label = ring.default().label
    for consumer in (MP, OIDC):
        assert check(token(), consumer, trusted=ring, key_name=ring_label).accepted
    with pytest.raises(InputError, match="key_name"):
        check(token(), trusted=ring)
    # a lab certificate or a bare public key serve as well
    assert check(token(), trusted={"a": SIGNER}).accepted
    assert check(token(), trusted={"a": SIGNER.certificate.public_key()}).accepted
    with pytest.raises(InputError, match="not a certificate"):
        check(token(), trusted={"a": "PEM text"})


def test_rsa_lab_keys_sign_rs256() -> None:
    rsa_signer = Lab(seed="jwt-tests rsa").pki(key_type="rsa-2048").server
    value = token(signer=rsa_signer)
    assert pyjwt.get_unverified_header(value)["alg"] == "RS256"
    for consumer in (MP, OIDC):
        verdict = check(value, consumer, trusted={"RSA signer": rsa_signer.certificate})
        assert verdict.accepted
    # the trusted EC key cannot check an RSA signature: ES256 is expected, RS256 arrives
    rejected(check(value), "wrong-algorithm", "CWWKS6028E")


def test_a_kid_header_is_written_and_does_not_matter() -> None:
    value = token(kid="signer-2026")
    assert pyjwt.get_unverified_header(value)["kid"] == "signer-2026"
    assert check(value).accepted


def test_all_audiences_accepts_any_audience() -> None:
    for consumer in (MP, OIDC):
        assert check(token(audience="elsewhere"), consumer, audiences=["ALL_AUDIENCES"]).accepted


def test_several_issuers_may_be_trusted() -> None:
    for consumer in (MP, OIDC):
        assert check(token(), consumer, issuer=["https://other", ISSUER]).accepted


# -- the time window -----------------------------------------------------------------------------


@pytest.mark.parametrize("consumer", [MP, OIDC])
def test_expired_within_the_skew_is_accepted(consumer: str) -> None:
    after_exp = NOW + dt.timedelta(hours=1) + 4 * MINUTE
    assert check(token(), consumer, now=after_exp).accepted


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6025E"), (OIDC, "CWWKS1773E")])
def test_expired_beyond_the_skew(consumer: str, message_id: str) -> None:
    after_exp = NOW + dt.timedelta(hours=1) + 6 * MINUTE
    verdict = check(token(), consumer, now=after_exp)
    rejected(verdict, "expired", message_id)
    assert "clockSkew" in (verdict.fix or "")
    # a larger clock skew lets it in, a smaller one keeps out what 5 minutes let in
    assert check(token(), consumer, now=after_exp, clock_skew=10 * MINUTE).accepted
    inside = NOW + dt.timedelta(hours=1) + 4 * MINUTE
    rejected(check(token(), consumer, now=inside, clock_skew=MINUTE), "expired", message_id)


def test_the_expired_message_shows_the_times_and_the_skew() -> None:
    verdict = check(token(), now=NOW + dt.timedelta(hours=2))
    assert verdict.message == (
        "CWWKS6025E: The JSON Web Token (JWT) is not valid because its expiration ('exp') "
        "claim is either missing or the token expired. The expiration claim is "
        "[2026-01-01T13:00:00Z]. The current time minus the clock skew is "
        "[2026-01-01T13:55:00Z]. The configured clock skew is [300] seconds."
    )
    assert verdict.wrapped_in == ("CWWKS5523E", "CWWKS6031E")
    assert str(verdict) == "rejected (expired): CWWKS6025E"


def test_the_default_skew_is_five_minutes() -> None:
    assert dt.timedelta(minutes=5) == CLOCK_SKEW


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6026E"), (OIDC, "CWWKS1780E")])
def test_not_yet_valid(consumer: str, message_id: str) -> None:
    value = token(not_before=NOW + 10 * MINUTE)
    rejected(check(value, consumer), "not-yet-valid", message_id)
    assert check(value, consumer, now=NOW + 6 * MINUTE).accepted  # within the skew


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6044E"), (OIDC, "CWWKS1773E")])
def test_issued_in_the_future(consumer: str, message_id: str) -> None:
    """The issuer's clock runs ahead: iat later than the server's now plus the skew."""
    value = token(now=NOW + 10 * MINUTE)
    rejected(check(value, consumer), "issued-in-future", message_id)
    assert check(value, consumer, now=NOW + 6 * MINUTE).accepted


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6024E"), (OIDC, "CWWKS1773E")])
def test_issued_after_it_expires(consumer: str, message_id: str) -> None:
    value = token(lifetime=-MINUTE, now=NOW + 2 * MINUTE)
    rejected(check(value, consumer), "iat-after-exp", message_id)


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6025E"), (OIDC, "CWWKS1737E")])
def test_no_exp(consumer: str, message_id: str) -> None:
    value = token(claims={"exp": None})
    assert "exp" not in claims_of(value)
    rejected(check(value, consumer), "missing-exp", message_id)


# -- issuer, audience, user ----------------------------------------------------------------------


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6022E"), (OIDC, "CWWKS1781E")])
def test_wrong_issuer(consumer: str, message_id: str) -> None:
    verdict = check(token(issuer=ISSUER + "/"), consumer)
    rejected(verdict, "wrong-issuer", message_id)
    attribute = "issuer" if consumer == MP else "issuerIdentifier"
    assert f"the {attribute} attribute" in (verdict.fix or "")
    assert ISSUER + "/" in (verdict.message or "")


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6023E"), (OIDC, "CWWKS1774E")])
def test_wrong_audience(consumer: str, message_id: str) -> None:
    verdict = check(token(audience=["payroll", "hr"]), consumer)
    rejected(verdict, "wrong-audience", message_id)
    assert "audiences attribute" in (verdict.fix or "")
    # an audience configured but none in the token, and one in the token but none configured
    rejected(check(token(audience="x"), consumer, audiences=None), "wrong-audience", message_id)


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6023E"), (OIDC, "CWWKS1779E")])
def test_no_audience(consumer: str, message_id: str) -> None:
    value = token(claims={"aud": None})
    rejected(check(value, consumer), "missing-audience", message_id)
    assert check(value, consumer, audiences=None).accepted


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS5519E"), (OIDC, "CWWKS1738E")])
def test_no_user_claim(consumer: str, message_id: str) -> None:
    value = token(upn=None, claims={"sub": None})
    verdict = check(value, consumer)
    rejected(verdict, "missing-user", message_id)
    assert verdict.wrapped_in == ()  # logged on its own


# -- the signer and the signature ----------------------------------------------------------------


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6041E"), (OIDC, "CWWKS1776E")])
def test_unknown_signer(consumer: str, message_id: str) -> None:
    verdict = check(token(signer=STRANGER), consumer)
    rejected(verdict, "bad-signature", message_id)
    assert "'JWT signer'" in (verdict.fix or "")


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6041E"), (OIDC, "CWWKS1776E")])
def test_tampered_payload(consumer: str, message_id: str) -> None:
    """Claims swapped under a genuine signature: the upn FRED becomes ADMIN."""
    head, _, signature = token().split(".")
    _, body, _ = token(upn="ADMIN", signer=STRANGER).split(".")
    forged = f"{head}.{body}.{signature}"
    assert claims_of(forged)["upn"] == "ADMIN"
    rejected(check(forged, consumer), "bad-signature", message_id)


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6029E"), (OIDC, "CWWKS1739E")])
def test_no_certificate_with_the_configured_label(consumer: str, message_id: str) -> None:
    verdict = check(token(), consumer, key_name="JWT signer 2027", algorithm="ES256")
    rejected(verdict, "no-key", message_id)
    assert "'JWT signer 2027'" in (verdict.fix or "")


def test_the_order_differs_between_the_consumers() -> None:
    """openidConnectClient looks for the key first; mpJwt checks the claims first."""
    late = NOW + dt.timedelta(hours=3)
    args: dict[str, Any] = {"key_name": "missing", "algorithm": "ES256", "now": late}
    rejected(check(token(), MP, **args), "expired", "CWWKS6025E")
    rejected(check(token(), OIDC, **args), "no-key", "CWWKS1739E")
    # both check the issuer before the signature
    stranger = token(signer=STRANGER, issuer="https://evil")
    rejected(check(stranger, MP), "wrong-issuer", "CWWKS6022E")
    rejected(check(stranger, OIDC), "wrong-issuer", "CWWKS1781E")


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6028E"), (OIDC, "CWWKS1778E")])
def test_alg_none(consumer: str, message_id: str) -> None:
    unsigned = pyjwt.encode(claims_of(token()), None, algorithm="none")  # type: ignore[arg-type]
    assert unsigned.endswith(".")
    rejected(check(unsigned, consumer), "unsigned", message_id)


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6028E"), (OIDC, "CWWKS1777E")])
def test_hs256_signed_with_the_public_key(consumer: str, message_id: str) -> None:
    forged = forged_hs256(claims_of(token(upn="ADMIN")))
    rejected(check(forged, consumer), "wrong-algorithm", message_id)
    with pytest.raises(InputError, match="HS256"):
        check(forged, consumer, algorithm="HS256")


@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6027E"), (OIDC, "CWWKS1777E")])
def test_no_alg_header(consumer: str, message_id: str) -> None:
    head = b64(json.dumps({"typ": "JWT"}).encode())
    _, body, signature = token().split(".")
    rejected(check(f"{head}.{body}.{signature}", consumer), "missing-algorithm", message_id)


# -- hostile and broken tokens -------------------------------------------------------------------

GARBAGE = [
    "",
    "garbage",
    "a.b",
    "a.b.c",
    "a.b.c.d.e",
    "....",
    "Bearer " + "x" * 20,
    "\x00\x1b[2J.\u2028.\ud800",
    b64(b"[1,2]") + "." + b64(b"{}") + ".",
    b64(b'{"alg":"ES256"}') + "." + b64(b"[" * 5000) + "." + b64(b"sig"),
    b64(b'{"alg":"ES256"}') + "." + b64(b'"just a string"') + "." + b64(b"sig"),
    b64(b'{"alg":"ES256","kid":7}') + "." + b64(b"{}") + "." + b64(b"sig"),
    b64(b'{"alg":"ES256","crit":["zz"]}') + "." + b64(b"{}") + "." + b64(b"sig"),
]


@pytest.mark.parametrize("value", GARBAGE)
@pytest.mark.parametrize(("consumer", "message_id"), [(MP, "CWWKS6031E"), (OIDC, "CWWKS1737E")])
def test_garbage_is_malformed(value: str, consumer: str, message_id: str) -> None:
    verdict = check(value, consumer)
    assert not verdict.accepted
    assert verdict.message_id is not None
    if verdict.reason == "malformed":
        rejected(verdict, "malformed", message_id)


@pytest.mark.parametrize(
    ("claims", "mp_id"),
    [
        ({"exp": "tomorrow"}, "CWWKS6043E"),
        ({"iat": True}, "CWWKS6043E"),
        ({"nbf": [1]}, "CWWKS6043E"),
        ({"iss": 5}, "CWWKS6031E"),
        ({"aud": {"x": 1}}, "CWWKS6031E"),
    ],
)
def test_claims_of_the_wrong_type(claims: dict[str, Any], mp_id: str) -> None:
    head, _, signature = token().split(".")
    spliced = b64(json.dumps({**claims_of(token()), **claims}).encode())
    value = f"{head}.{spliced}.{signature}"  # the claims are checked before the signature
    rejected(check(value), "malformed-claim", mp_id)
    rejected(check(value, OIDC), "malformed-claim", "CWWKS1737E")


def test_non_finite_times_are_malformed() -> None:
    head, _, signature = token().split(".")
    body = b64(b'{"iss":"%s","aud":"%s","exp":NaN}' % (ISSUER.encode(), AUDIENCE.encode()))
    rejected(check(f"{head}.{body}.{signature}"), "malformed-claim", "CWWKS6043E")
    far = check(token(claims={"exp": 10**30}))  # a time beyond the year 9999 is still a time
    assert far.accepted or far.reason == "malformed-claim"


def test_what_cannot_be_a_token_is_an_input_error() -> None:
    with pytest.raises(InputError, match="at most"):
        check("a" * (MAX_TOKEN + 1))
    with pytest.raises(InputError, match="text"):
        check(b"a.b.c")  # type: ignore[arg-type]
    with pytest.raises(InputError, match="consumer"):
        check(token(), "jwtSso")
    with pytest.raises(InputError, match="time zone"):
        check(token(), now=dt.datetime(2026, 1, 1, 12))
    with pytest.raises(InputError, match="negative"):
        check(token(), clock_skew=-MINUTE)
    with pytest.raises(InputError, match="ES384"):
        check(token(), algorithm="ES384")  # the trusted P-256 key cannot check ES384
    with pytest.raises(InputError, match="signatureAlgorithm"):
        check(token(), trusted={}, key_name="x")


@settings(max_examples=150, deadline=None)
@given(
    st.one_of(
        st.text(max_size=300),
        st.lists(st.text(string.ascii_letters + string.digits + "-_", max_size=40), max_size=6).map(
            ".".join
        ),
    )
)
def test_no_token_makes_verify_raise(value: str) -> None:
    for consumer in (MP, OIDC):
        verdict = check(value, consumer)
        assert not verdict.accepted and verdict.message_id is not None


# -- issuing -------------------------------------------------------------------------------------


def test_issue_writes_the_claims_from_an_explicit_clock() -> None:
    value = token(not_before=NOW - MINUTE, kid="k1")
    claims = claims_of(value)
    assert claims == {
        "iss": ISSUER,
        "sub": "fred",
        "aud": AUDIENCE,
        "iat": int(NOW.timestamp()),
        "exp": int(NOW.timestamp()) + 3600,
        "nbf": int(NOW.timestamp()) - 60,
        "upn": "FRED",
        "groups": ["zcee-users"],
    }
    assert pyjwt.get_unverified_header(value) == {"alg": "ES256", "kid": "k1", "typ": "JWT"}
    # the same claims from the same clock on every run; only the ECDSA signature differs
    assert token().split(".")[:2] == token().split(".")[:2]


def test_issue_refuses_what_liberty_cannot_check() -> None:
    with pytest.raises(InputError, match="EC"):
        issue(ed25519.Ed25519PrivateKey.generate(), issuer="i", subject="s", audience="a", now=NOW)
    with pytest.raises(InputError, match="time zone"):
        token(now=dt.datetime(2026, 1, 1))
    with pytest.raises(InputError, match="ES384"):
        token(algorithm="ES384")
    with pytest.raises(InputError, match="iss"):
        token(claims={"iss": 5})


# -- the data file -------------------------------------------------------------------------------


def test_every_rejection_names_messages_with_their_source() -> None:
    data = read_json("liberty_jwt.json")
    messages = data["messages"]
    for reason, rule in data["rejections"].items():
        for consumer in (MP, OIDC):
            assert rule[consumer] in messages, (reason, consumer)
        for attributes in (c["attributes"] for c in data["consumers"].values()):
            rule["fix"].format(**attributes, algorithm_value="ES256", label="x", user_claim="u")
    for message_id, message in messages.items():
        assert re.fullmatch(r"CWWKS\d{4}E", message_id)
        assert message["source"].startswith("dev/com.ibm.ws.security.")
        assert message["source"].endswith(".nlsprops")
        assert message["text"] and message_id not in message["text"]
    for consumer in data["consumers"].values():
        assert all(w in messages for w in consumer["wrapped_in"])
        assert all(path.startswith("dev/") for path in consumer["order"])


def test_values_from_the_token_are_escaped_and_bounded_in_messages() -> None:
    hostile = "https://evil\n\x1b[2J" + "x" * 500
    for consumer in (MP, OIDC):
        for verdict in (
            check(token(issuer=hostile), consumer),
            check(token(audience=[hostile]), consumer),
        ):
            assert verdict.message is not None and verdict.message.isprintable()
            assert len(verdict.message) < 600
