"""Id token verification: every way a token can be wrong is rejected."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

from cognito_desktop.services.errors import TokenVerificationError
from cognito_desktop.services.tokens import JwksCache, verify_id_token

ISSUER = "https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc123"
AUDIENCE = "client123"
NONCE = "n-0S6_WzA2Mj"


def _key() -> Any:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


KEY, OTHER_KEY = _key(), _key()


def _jwk(private: Any, kid: str) -> dict[str, Any]:
    jwk = json.loads(RSAAlgorithm.to_jwk(private.public_key()))
    jwk.update(kid=kid, alg="RS256", use="sig")
    return jwk


class FakeHttp:
    """Serves a JWKS document; counts fetches."""

    def __init__(self, keys: list[dict[str, Any]]) -> None:
        self.keys = keys
        self.fetches = 0

    def get(self, url: str, timeout: float) -> Any:
        self.fetches += 1
        keys = self.keys

        class Response:
            status_code = 200

            def raise_for_status(self) -> None:
                return None

            def json(self) -> dict[str, Any]:
                return {"keys": keys}

        return Response()


def claims(**overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    base = {
        "sub": "user-1",
        "iss": ISSUER,
        "aud": AUDIENCE,
        "token_use": "id",
        "iat": now,
        "exp": now + 3600,
        "nonce": NONCE,
        "cognito:username": "operator",
        "email": "op@example.com",
        "cognito:groups": ["operators"],
    }
    base.update(overrides)
    return {k: v for k, v in base.items() if v is not None}


def sign(payload: dict[str, Any], key: Any = KEY, kid: str = "k1", alg: str = "RS256") -> str:
    return jwt.encode(payload, key, algorithm=alg, headers={"kid": kid})


@pytest.fixture
def http() -> FakeHttp:
    return FakeHttp([_jwk(KEY, "k1")])


@pytest.fixture
def jwks(http: FakeHttp) -> JwksCache:
    return JwksCache("https://example/jwks.json", http)  # type: ignore[arg-type]


def verify(token: str, jwks: JwksCache, nonce: str | None = NONCE, **kw: Any) -> Any:
    return verify_id_token(token, jwks=jwks, issuer=ISSUER, audience=AUDIENCE, nonce=nonce, **kw)


def test_a_good_token_yields_its_claims(jwks: JwksCache) -> None:
    result = verify(sign(claims()), jwks)
    assert result.username == "operator"
    assert result.groups == ("operators",)
    assert result.email == "op@example.com"


def test_tampered_signature_is_rejected(jwks: JwksCache) -> None:
    header, payload, signature = sign(claims()).split(".")
    forged = json.loads(base64.urlsafe_b64decode(payload + "=="))
    forged["cognito:username"] = "admin"
    payload = base64.urlsafe_b64encode(json.dumps(forged).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenVerificationError, match="signature"):
        verify(f"{header}.{payload}.{signature}", jwks)


def test_token_signed_by_another_key_with_a_known_kid_is_rejected(jwks: JwksCache) -> None:
    with pytest.raises(TokenVerificationError, match="signature"):
        verify(sign(claims(), key=OTHER_KEY), jwks)


def test_wrong_audience_is_rejected(jwks: JwksCache) -> None:
    with pytest.raises(TokenVerificationError, match="another app client"):
        verify(sign(claims(aud="someone-else")), jwks)


def test_wrong_issuer_is_rejected(jwks: JwksCache) -> None:
    with pytest.raises(TokenVerificationError, match="another user pool"):
        verify(sign(claims(iss=ISSUER + "x")), jwks)


def test_expired_token_is_rejected(jwks: JwksCache) -> None:
    past = int(time.time()) - 7200
    with pytest.raises(TokenVerificationError, match="expired"):
        verify(sign(claims(iat=past, exp=past + 3600)), jwks)


def test_small_clock_skew_is_tolerated(jwks: JwksCache) -> None:
    now = int(time.time())
    assert verify(sign(claims(iat=now - 3630, exp=now - 30)), jwks).subject == "user-1"


def test_expiry_is_judged_against_the_given_clock(jwks: JwksCache) -> None:
    with pytest.raises(TokenVerificationError, match="expired"):
        verify(sign(claims()), jwks, now=time.time() + 7200)


def test_alg_none_is_rejected(jwks: JwksCache) -> None:
    header = base64.urlsafe_b64encode(b'{"alg":"none","kid":"k1"}').rstrip(b"=").decode()
    payload = base64.urlsafe_b64encode(json.dumps(claims()).encode()).rstrip(b"=").decode()
    with pytest.raises(TokenVerificationError, match="'none'"):
        verify(f"{header}.{payload}.", jwks)


def test_hs256_signed_with_the_public_key_is_rejected(jwks: JwksCache) -> None:
    # The classic algorithm-confusion attack.
    pem = KEY.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )

    def b64(data: bytes) -> str:
        return base64.urlsafe_b64encode(data).rstrip(b"=").decode()

    signing_input = (
        b64(b'{"alg":"HS256","kid":"k1","typ":"JWT"}') + "." + b64(json.dumps(claims()).encode())
    )
    mac = hmac.new(pem, signing_input.encode(), hashlib.sha256).digest()
    token = f"{signing_input}.{b64(mac)}"
    with pytest.raises(TokenVerificationError, match="HS256"):
        verify(token, jwks)


def test_unknown_kid_is_rejected_after_one_refetch(jwks: JwksCache, http: FakeHttp) -> None:
    verify(sign(claims()), jwks)
    assert http.fetches == 1
    with pytest.raises(TokenVerificationError, match="does not publish"):
        verify(
            sign(claims(), key=OTHER_KEY, kid="k2"),
            jwks,
        )
    # A refetch happens only when the last one is older than the rate limit.
    assert http.fetches == 1


def test_rotated_key_is_found_by_refetching() -> None:
    http = FakeHttp([_jwk(KEY, "k1")])
    clock = [1000.0]
    cache = JwksCache(
        "https://example/jwks.json",
        http,  # type: ignore[arg-type]
        clock=lambda: clock[0],
    )
    verify(sign(claims()), cache)
    http.keys = [_jwk(KEY, "k1"), _jwk(OTHER_KEY, "k2")]
    clock[0] += 60
    assert verify(sign(claims(), key=OTHER_KEY, kid="k2"), cache).subject == "user-1"
    assert http.fetches == 2


def test_access_token_is_not_accepted_as_id_token(jwks: JwksCache) -> None:
    with pytest.raises(TokenVerificationError, match="not an id token"):
        verify(sign(claims(token_use="access")), jwks)


def test_nonce_mismatch_is_rejected(jwks: JwksCache) -> None:
    with pytest.raises(TokenVerificationError, match="nonce"):
        verify(sign(claims(nonce="replayed")), jwks)


def test_missing_nonce_is_rejected_when_one_was_sent(jwks: JwksCache) -> None:
    with pytest.raises(TokenVerificationError, match="nonce"):
        verify(sign(claims(nonce=None)), jwks)


def test_refreshed_token_needs_no_nonce(jwks: JwksCache) -> None:
    assert verify(sign(claims(nonce=None)), jwks, nonce=None).username == "operator"


def test_missing_kid_is_rejected(jwks: JwksCache) -> None:
    token = jwt.encode(claims(), KEY, algorithm="RS256")
    with pytest.raises(TokenVerificationError, match="kid"):
        verify(token, jwks)


def test_garbage_is_rejected(jwks: JwksCache) -> None:
    with pytest.raises(TokenVerificationError, match="well-formed"):
        verify("not-a-jwt", jwks)
