"""JSON Web Tokens as Liberty's JWT consumers check them, with the messages they log.

z/OS Connect accepts a JWT through Liberty's ``mpJwt`` element or an ``openidConnectClient``
with ``inboundPropagation="required"`` (see the course reference, zosconnect-security §2.5).
Both take the signer's public key from a certificate in a trust store (on z/OS a key ring:
``keyName`` or ``trustAliasName`` is the certificate's label), then check the issuer, the
audience, the time window with a clock skew (5 minutes by default), the algorithm and the
signature, and finally take the user name from a claim.

[`issue`][certkit.zos.jwt.issue] makes a token with a lab key;
[`verify`][certkit.zos.jwt.verify] checks one in the order Open Liberty's source code does
(``ConsumerUtil.java`` for ``mpJwt``, ``Jose4jUtil.java`` and ``Jose4jValidator.java`` for
``openidConnectClient``; the paths are in ``certkit/data/liberty_jwt.json``) and returns a
[`Verdict`][certkit.zos.jwt.Verdict]: the user, or the first check that failed with the
Liberty message a user finds in ``messages.log`` and what to change. The message texts come
from the data file, copied from Open Liberty's message files; values in brackets are filled
in by certkit, dates in ISO 8601 UTC (Liberty's own date format may differ).

PyJWT does all decoding and signature work; this module only decides, as Liberty does, which
check comes first. Unlike Liberty, nothing here reads the clock: every call takes ``now``.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import jwt
from cryptography import x509
from cryptography.hazmat.primitives.asymmetric import ec, rsa

from certkit.certificates.keys import SigningKey
from certkit.certificates.pki import Issued
from certkit.datafiles import read_json
from certkit.errors import InputError, quote
from certkit.zos.keyring import KeyRing

__all__ = ["ALGORITHMS", "CLOCK_SKEW", "MAX_TOKEN", "Consumer", "Verdict", "issue", "verify"]

Consumer = Literal["mpJwt", "openidConnectClient"]
"""The two Liberty elements that accept a JWT for z/OS Connect (zosconnect-security §2.5)."""

CLOCK_SKEW = dt.timedelta(minutes=5)
"""Liberty's default ``clockSkew`` (5m; zosconnect-security §2.5, mpJwt metatype)."""

MAX_TOKEN = 16384
"""The longest token string [`verify`][certkit.zos.jwt.verify] reads, in characters."""

ALGORITHMS: dict[str, tuple[str, int]] = {
    "ES256": ("ec", 256),
    "ES384": ("ec", 384),
    "ES512": ("ec", 521),
    "RS256": ("rsa", 0),
    "RS384": ("rsa", 0),
    "RS512": ("rsa", 0),
}
"""The signature algorithms handled here (mpJwt's ES256 to ES512 and RS256 to RS512,
zosconnect-security §2.5), each with its key type and, for EC, the curve size. Tokens signed
with a shared key (HS256 and the like) are not modelled."""

_DATA = "liberty_jwt.json"
_TIME_CLAIMS = ("iat", "exp", "nbf")

PublicKey = ec.EllipticCurvePublicKey | rsa.RSAPublicKey
Trusted = KeyRing | Mapping[str, x509.Certificate | Issued | PublicKey]


@dataclass(frozen=True)
class Verdict:
    """What a Liberty JWT consumer makes of a token.

    Attributes:
        accepted: Whether the token authenticates a user.
        user: The user name taken from the token (``upn`` for mpJwt, ``sub`` for
            openidConnectClient, unless another claim was named), when accepted.
        groups: The ``groups`` claim, when accepted.
        reason: Why it was rejected, a short key such as ``"expired"`` or
            ``"wrong-issuer"``; ``None`` when accepted.
        message_id: The Liberty message for that reason, e.g. ``"CWWKS6025E"``.
        message: That message's text with certkit's values filled in.
        wrapped_in: The messages that carry it in the log, outermost first (mpJwt logs
            ``CWWKS5523E`` whose text ends with ``CWWKS6031E``, whose text ends with it).
        fix: What to change, in a sentence.
        claims: The token's claims, when accepted.
    """

    accepted: bool
    user: str | None = None
    groups: tuple[str, ...] = ()
    reason: str | None = None
    message_id: str | None = None
    message: str | None = None
    wrapped_in: tuple[str, ...] = ()
    fix: str | None = None
    claims: Mapping[str, Any] = field(default_factory=dict, repr=False)

    def __str__(self) -> str:
        if self.accepted:
            return f"accepted: user {self.user}"
        return f"rejected ({self.reason}): {self.message_id}"


# -- issuing -------------------------------------------------------------------------------------


def issue(
    signer: Issued | SigningKey,
    *,
    issuer: str,
    subject: str,
    audience: str | Sequence[str],
    now: dt.datetime,
    lifetime: dt.timedelta = dt.timedelta(hours=1),
    not_before: dt.datetime | None = None,
    upn: str | None = None,
    groups: Sequence[str] | None = None,
    kid: str | None = None,
    algorithm: str | None = None,
    claims: Mapping[str, Any] | None = None,
) -> str:
    """A signed JWT (JWS compact form) from a lab key.

    Args:
        signer: A lab certificate with its key (e.g. ``Lab(...).pki().server``) or a private
            key: EC P-256/P-384/P-521 or RSA.
        issuer: The ``iss`` claim.
        subject: The ``sub`` claim.
        audience: The ``aud`` claim: one audience or several.
        now: The issuing time (``iat``), timezone-aware; the clock is never read.
        lifetime: ``exp`` is ``now + lifetime``; a negative one makes a token that expired.
        not_before: The ``nbf`` claim, if any.
        upn: The ``upn`` claim (mpJwt's default user name claim), if any.
        groups: The ``groups`` claim, if any.
        kid: The ``kid`` header, if any (Liberty's trust-store lookup does not use it).
        algorithm: ``ES256`` for P-256 keys, ``RS256`` for RSA keys unless given.
        claims: More claims, added last; a claim set to ``None`` here is left out (to make
            a token without ``exp``, say).

    Returns:
        The token. ECDSA signatures are random, so two tokens with the same claims differ.

    Raises:
        InputError: If the key cannot sign a JWT Liberty accepts, ``now`` has no zone, or
            a claim cannot be written (PyJWT refuses a non-string ``iss``, say).

    Examples:
        >>> import datetime as dt
        >>> from certkit.certificates.pki import Lab
        >>> signer = Lab(seed="jwt").pki().server
        >>> now = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
        >>> token = issue(signer, issuer="https://idp.example", subject="fred",
        ...               audience="zcee", upn="FRED", now=now)
        >>> token.count(".")
        2
    """
    key = signer.private_key if isinstance(signer, Issued) else signer
    if key is None:
        raise InputError("the certificate has no private key here: pass a lab certificate")
    alg = algorithm if algorithm is not None else _algorithm_for(key.public_key())
    _check_key(alg, key.public_key(), "the signing key")
    start = _utc(now, "now")
    payload: dict[str, Any] = {
        "iss": issuer,
        "sub": subject,
        "aud": audience if isinstance(audience, str) else list(audience),
        "iat": _seconds(start),
        "exp": _seconds(start + lifetime),
    }
    if not_before is not None:
        payload["nbf"] = _seconds(_utc(not_before, "not_before"))
    if upn is not None:
        payload["upn"] = upn
    if groups is not None:
        payload["groups"] = list(groups)
    for name, value in (claims or {}).items():
        if value is None:
            payload.pop(name, None)
        else:
            payload[name] = value
    headers = {"kid": kid} if kid is not None else None
    try:
        return jwt.encode(payload, key, algorithm=alg, headers=headers)
    except (TypeError, ValueError) as error:  # PyJWT refuses e.g. a non-string iss
        raise InputError(f"cannot issue this token: {quote(error, 120)}") from None


# -- verifying -----------------------------------------------------------------------------------


def verify(
    token: str,
    *,
    trusted: Trusted,
    issuer: str | Sequence[str],
    audiences: Sequence[str] | None,
    now: dt.datetime,
    key_name: str | None = None,
    clock_skew: dt.timedelta = CLOCK_SKEW,
    algorithm: str | None = None,
    consumer: Consumer = "mpJwt",
    user_claim: str | None = None,
    config_id: str = "zcee",
) -> Verdict:
    """Check a token the way Liberty's JWT consumer does.

    The order of the checks follows Open Liberty's code. ``mpJwt``: issuer, audience, iat,
    exp, nbf, algorithm, signing key, signature, user claim. ``openidConnectClient``:
    signing key, issuer, audience, time window (iat to exp), nbf, algorithm, signature,
    user claim. The first failure is the verdict.

    Args:
        token: The token, as sent after ``Bearer``.
        trusted: The trust store: a [`KeyRing`][certkit.zos.keyring.KeyRing] or a mapping of
            label (alias) to certificate (or lab certificate, or EC or RSA public key).
        issuer: The trusted issuer(s): mpJwt ``issuer``, openidConnectClient
            ``issuerIdentifier``.
        audiences: The ``audiences`` attribute; ``ALL_AUDIENCES`` accepts any. ``None`` (not
            configured) accepts only tokens without ``aud`` (Liberty's exceptions to that,
            such as an ``aud`` naming the requested URL, are not modelled).
        now: The server's clock, timezone-aware.
        key_name: The signer certificate's label: mpJwt ``keyName``, openidConnectClient
            ``trustAliasName``. May be left out when ``trusted`` holds one certificate.
        clock_skew: ``clockSkew``.
        algorithm: ``signatureAlgorithm``; by default the one the trusted key signs with.
        consumer: ``"mpJwt"`` or ``"openidConnectClient"``.
        user_claim: The claim naming the user (mpJwt ``userNameAttribute``, default ``upn``;
            openidConnectClient ``userIdentityToCreateSubject``, ``sub`` as in IBM's WSC
            workshop).
        config_id: The element's id (the client id for openidConnectClient), as messages
            show it.

    Returns:
        The verdict.

    Raises:
        InputError: If the token is not text or longer than
            [`MAX_TOKEN`][certkit.zos.jwt.MAX_TOKEN], or the configuration cannot work
            (no key name with several certificates, a key that cannot check the algorithm).

    Examples:
        >>> import datetime as dt
        >>> from certkit.certificates.pki import Lab
        >>> pki = Lab(seed="jwt").pki()
        >>> noon = dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC)
        >>> token = issue(pki.server, issuer="https://idp.example", subject="fred",
        ...               audience="zcee", upn="FRED", now=noon)
        >>> ring = {"JWT signer": pki.server.certificate}
        >>> check = dict(trusted=ring, issuer="https://idp.example",
        ...              audiences=["zcee"])
        >>> print(verify(token, now=noon, **check))
        accepted: user FRED
        >>> late = noon + dt.timedelta(hours=1, minutes=6)
        >>> verdict = verify(token, now=late, **check)
        >>> print(verdict)
        rejected (expired): CWWKS6025E
        >>> verdict.wrapped_in
        ('CWWKS5523E', 'CWWKS6031E')
        >>> print(verify(token, now=late, consumer="openidConnectClient", **check))
        rejected (expired): CWWKS1773E
        >>> other = Lab(seed="someone else").pki().server.certificate
        >>> print(verify(token, now=noon, trusted={"JWT signer": other},
        ...              issuer="https://idp.example", audiences=["zcee"]))
        rejected (bad-signature): CWWKS6041E
    """
    if consumer not in ("mpJwt", "openidConnectClient"):
        raise InputError(f"consumer {quote(consumer)}: use mpJwt or openidConnectClient")
    if not isinstance(token, str):
        raise InputError(f"the token must be text, not {type(token).__name__}")
    if len(token) > MAX_TOKEN:
        raise InputError(f"the token has {len(token)} characters; at most {MAX_TOKEN} are read")
    if clock_skew < dt.timedelta(0):
        raise InputError("clock_skew must not be negative")
    labels = _trusted_keys(trusted)
    label, key = _signer(labels, key_name)
    alg = algorithm
    if alg is None and key is not None:
        alg = _algorithm_for(key)
    if alg is None:
        raise InputError("name the signature algorithm (signatureAlgorithm), e.g. ES256")
    if alg not in ALGORITHMS:
        raise InputError(f"algorithm {quote(alg)}: use one of {', '.join(ALGORITHMS)}")
    if key is not None:
        _check_key(alg, key, f"the certificate labelled {quote(label)}")
    issuers = [issuer] if isinstance(issuer, str) else list(issuer)
    check = _Check(
        consumer=consumer,
        config_id=config_id,
        issuers=issuers,
        audiences=None if audiences is None else list(audiences),
        now=_utc(now, "now"),
        skew=clock_skew,
        algorithm=alg,
        label=label,
        user_claim=user_claim or _data()["consumers"][consumer]["user_claim"],
    )
    return check.run(token, key)


# -- the checks ----------------------------------------------------------------------------------


class _Rejected(Exception):
    def __init__(self, reason: str, *args: object) -> None:
        super().__init__(reason)
        self.reason = reason
        self.args_ = args


@dataclass
class _Check:
    consumer: Consumer
    config_id: str
    issuers: list[str]
    audiences: list[str] | None
    now: dt.datetime
    skew: dt.timedelta
    algorithm: str
    label: str
    user_claim: str

    def run(self, token: str, key: PublicKey | None) -> Verdict:
        try:
            header, claims = _parse(token)
            if self.consumer == "mpJwt":
                self._mp_jwt(token, header, claims, key)
            else:
                self._oidc_client(token, header, claims, key)
            user = claims.get(self.user_claim)
            if not isinstance(user, str):
                raise _Rejected("missing-user", *self._missing_user_args())
        except _Rejected as rejected:
            return self._verdict(rejected)
        raw_groups = claims.get("groups")
        groups = raw_groups if isinstance(raw_groups, list) else [raw_groups]
        return Verdict(
            accepted=True,
            user=user,
            groups=tuple(g for g in groups if isinstance(g, str)),
            claims=claims,
        )

    # mpJwt: ConsumerUtil.validateClaims, then the key, then the signature
    def _mp_jwt(
        self, token: str, header: dict[str, Any], claims: dict[str, Any], key: PublicKey | None
    ) -> None:
        iss = _text_claim(claims, "iss")
        if iss not in self.issuers:
            raise _Rejected("wrong-issuer", _shown(iss), self.config_id, ", ".join(self.issuers))
        aud = _audience_claim(claims)
        if not self._mp_audience_ok(aud):
            reason = "missing-audience" if not aud else "wrong-audience"
            raise _Rejected(reason, _listed(aud), self.config_id, _listed(self.audiences))
        iat, exp, nbf = (self._time_claim(claims, name) for name in _TIME_CLAIMS)
        now = math.floor(self.now.timestamp())
        skew = int(self.skew.total_seconds())
        if iat is not None and exp is not None:
            if iat > now + skew:
                raise _Rejected("issued-in-future", _iso(iat), _iso(now + skew), skew)
            if iat >= exp:
                raise _Rejected("iat-after-exp", _iso(iat), _iso(exp))
        if exp is None or not exp > now - skew:
            reason = "missing-exp" if exp is None else "expired"
            raise _Rejected(reason, _iso(exp), _iso(now - skew), skew)
        if nbf is not None and nbf >= now + skew:
            raise _Rejected("not-yet-valid", _iso(nbf), _iso(now + skew), skew)
        alg = header.get("alg")
        if alg is None:
            raise _Rejected("missing-algorithm", self.algorithm)
        if alg != self.algorithm:
            reason = "unsigned" if alg == "none" else "wrong-algorithm"
            raise _Rejected(reason, _shown(alg), self.algorithm)
        if key is None:
            raise _Rejected("no-key", self.algorithm)
        self._signature(token, key, ("...",))  # jose4j's text follows the message

    def _mp_audience_ok(self, aud: list[str]) -> bool:
        if self.audiences is None:
            return not aud
        if "ALL_AUDIENCES" in self.audiences:
            return True
        return any(a in self.audiences for a in aud)

    # openidConnectClient: Jose4jUtil (the key), then Jose4jValidator.parseJwtWithValidation
    def _oidc_client(
        self, token: str, header: dict[str, Any], claims: dict[str, Any], key: PublicKey | None
    ) -> None:
        if key is None:
            raise _Rejected("no-key", self.algorithm, "")
        iss = _text_claim(claims, "iss")
        if iss not in self.issuers:
            raise _Rejected(
                "wrong-issuer",
                self.config_id,
                _shown(iss),
                ", ".join(self.issuers),
                "issuerIdentifier",
            )
        aud = _audience_claim(claims)
        allow_all = self.audiences is not None and "ALL_AUDIENCES" in self.audiences
        if aud and not allow_all and not any(a in (self.audiences or []) for a in aud):
            raise _Rejected("wrong-audience", _listed(aud), self.config_id, _listed(self.audiences))
        if not aud and self.audiences is not None and not allow_all:
            raise _Rejected("missing-audience", self.config_id, ", ".join(self.audiences))
        iat, exp, nbf = (self._time_claim(claims, name) for name in _TIME_CLAIMS)
        if iat is not None or exp is not None:
            now_ms = self.now.timestamp() * 1000
            skew_ms = self.skew.total_seconds() * 1000
            earliest = 0 if iat is None else iat * 1000
            latest = math.inf if exp is None else exp * 1000
            inside = now_ms + skew_ms > earliest and now_ms - skew_ms < latest
            if earliest > latest or not inside:
                reason = "issued-in-future" if now_ms + skew_ms <= earliest else "expired"
                if earliest > latest:
                    reason = "iat-after-exp"
                sub = claims.get("sub")
                raise _Rejected(
                    reason,
                    self.config_id,
                    _shown(sub),
                    _iso(self.now.timestamp()),
                    _iso(exp),
                    _iso(iat),
                )
        now_plus = math.floor(self.now.timestamp()) + int(self.skew.total_seconds())
        if nbf is not None and nbf > now_plus:
            raise _Rejected("not-yet-valid", _iso(nbf), _iso(now_plus))
        alg = header.get("alg")
        if token.endswith("."):
            raise _Rejected("unsigned", self.config_id, self.algorithm)
        if alg != self.algorithm:
            reason = "wrong-algorithm" if alg is not None else "missing-algorithm"
            raise _Rejected(reason, self.config_id, self.algorithm, _shown(alg))
        self._signature(token, key, (self.config_id, "...", self.algorithm))
        if exp is None:
            raise _Rejected("missing-exp")

    def _signature(self, token: str, key: PublicKey, args: tuple[object, ...]) -> None:
        try:
            jwt.decode(
                token,
                key=key,
                algorithms=[self.algorithm],
                options={
                    "verify_signature": True,
                    "verify_exp": False,
                    "verify_nbf": False,
                    "verify_iat": False,
                    "verify_aud": False,
                    "verify_iss": False,
                    "verify_sub": False,
                    "verify_jti": False,
                    "require": [],
                },
            )
        except jwt.InvalidSignatureError:
            raise _Rejected("bad-signature", *args) from None
        except (jwt.PyJWTError, ValueError, TypeError, RecursionError):
            raise _Rejected("malformed") from None

    def _time_claim(self, claims: dict[str, Any], name: str) -> int | None:
        value = claims.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _Rejected("malformed-claim", name)
        if not math.isfinite(value):
            raise _Rejected("malformed-claim", name)
        return int(value)  # jose4j's NumericDate keeps whole seconds

    def _missing_user_args(self) -> tuple[object, ...]:
        if self.consumer == "mpJwt":
            return (self.user_claim, "userNameAttribute")
        return (self.config_id, self.user_claim, "userIdentityToCreateSubject")

    def _verdict(self, rejected: _Rejected) -> Verdict:
        data = _data()
        rule = data["rejections"][rejected.reason]
        message_id: str = rule[self.consumer]
        args = rejected.args_
        # "..." stands for the JOSE library's own exception text, which Liberty appends
        mp_jwt = self.consumer == "mpJwt"
        if mp_jwt and rejected.reason == "malformed-claim" and args[0] not in _TIME_CLAIMS:
            message_id = "CWWKS6031E"  # jose4j's MalformedClaimException, unwrapped
        if message_id == "CWWKS6031E":
            args = (self.config_id, "...")
        elif message_id == "CWWKS6043E":
            args = (args[0], "...")
        elif message_id == "CWWKS1737E":
            args = ("...", self.config_id)
        wrappers = tuple(data["consumers"][self.consumer]["wrapped_in"])
        if rejected.reason == "missing-user":
            wrappers = ()  # logged on its own, after the token was accepted as valid
        attributes = data["consumers"][self.consumer]["attributes"]
        fix = str(rule["fix"]).format(
            **attributes,
            algorithm_value=self.algorithm,
            label=quote(self.label),
            user_claim=self.user_claim,
        )
        return Verdict(
            accepted=False,
            reason=rejected.reason,
            message_id=message_id,
            message=f"{message_id}: {_filled(data['messages'][message_id]['text'], args)}".strip(),
            wrapped_in=tuple(w for w in wrappers if w != message_id),
            fix=fix,
        )


# -- helpers -------------------------------------------------------------------------------------


def _data() -> dict[str, Any]:
    data: dict[str, Any] = read_json(_DATA)
    return data


def _parse(token: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims, unverified (Liberty's first pass parses without validating)."""
    try:
        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
    except (jwt.PyJWTError, ValueError, TypeError, RecursionError):
        raise _Rejected("malformed") from None
    return header, claims


def _text_claim(claims: dict[str, Any], name: str) -> str | None:
    value = claims.get(name)
    if value is not None and not isinstance(value, str):
        raise _Rejected("malformed-claim", name)
    return value


def _audience_claim(claims: dict[str, Any]) -> list[str]:
    value = claims.get("aud")
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(a, str) for a in value):
        return value
    raise _Rejected("malformed-claim", "aud")


def _listed(values: Iterable[str] | None) -> str:
    return "null" if values is None else ", ".join(_shown(v) for v in values)


def _shown(value: object) -> str:
    return "null" if value is None else quote(value).strip("'\"")


def _iso(seconds: float | None) -> str:
    if seconds is None:
        return "null"
    try:
        moment = dt.datetime.fromtimestamp(seconds, dt.UTC)
    except (OverflowError, ValueError, OSError):
        return str(int(seconds))
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _filled(template: str, args: Sequence[object]) -> str:
    """A Liberty message template with {0}, {1}... replaced (MessageFormat's basics)."""
    text = template.replace("''", "'")
    for index, value in enumerate(args):
        text = text.replace("{" + str(index) + "}", str(value))
    return text


def _utc(moment: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(moment, dt.datetime) or moment.tzinfo is None:
        raise InputError(f"{name} needs a time zone: pass e.g. datetime(..., tzinfo=UTC)")
    return moment.astimezone(dt.UTC)


def _seconds(moment: dt.datetime) -> int:
    return math.floor(moment.timestamp())


def _algorithm_for(key: object) -> str:
    if isinstance(key, ec.EllipticCurvePublicKey):
        for name, (kind, size) in ALGORITHMS.items():
            if kind == "ec" and size == key.curve.key_size:
                return name
    if isinstance(key, rsa.RSAPublicKey):
        return "RS256"
    raise InputError("Liberty's JWT consumers take EC (P-256, P-384, P-521) or RSA keys")


def _check_key(alg: str, key: object, what: str) -> None:
    if alg not in ALGORITHMS:
        raise InputError(f"algorithm {quote(alg)}: use one of {', '.join(ALGORITHMS)}")
    kind, size = ALGORITHMS[alg]
    fits = (
        isinstance(key, ec.EllipticCurvePublicKey) and kind == "ec" and key.curve.key_size == size
    ) or (isinstance(key, rsa.RSAPublicKey) and kind == "rsa")
    if not fits:
        raise InputError(f"{what} cannot sign or check {alg}")


def _trusted_keys(trusted: Trusted) -> dict[str, PublicKey]:
    if isinstance(trusted, KeyRing):
        items: Iterable[tuple[str, x509.Certificate | Issued | PublicKey]] = (
            (e.label, e.certificate) for e in trusted
        )
    elif isinstance(trusted, Mapping):
        items = trusted.items()
    else:
        raise InputError("trusted must be a KeyRing or a mapping of label to certificate")
    keys: dict[str, PublicKey] = {}
    for label, item in items:
        if isinstance(item, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
            keys[str(label)] = item
            continue
        certificate = item.certificate if isinstance(item, Issued) else item
        if not isinstance(certificate, x509.Certificate):
            raise InputError(f"trusted {quote(label)} is not a certificate or a public key")
        public = certificate.public_key()
        if isinstance(public, ec.EllipticCurvePublicKey | rsa.RSAPublicKey):
            keys[str(label)] = public
    return keys


def _signer(keys: dict[str, PublicKey], key_name: str | None) -> tuple[str, PublicKey | None]:
    if key_name is not None:
        return key_name, keys.get(key_name)
    if len(keys) == 1:
        label = next(iter(keys))
        return label, keys[label]
    raise InputError(
        f"the trust store holds {len(keys)} usable certificates: name the signer's label "
        "with key_name, as keyName (mpJwt) or trustAliasName does"
    )
