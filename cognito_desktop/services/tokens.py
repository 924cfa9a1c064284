"""Id token verification against the user pool's JWKS: signature, iss, aud, exp, use, nonce."""

from __future__ import annotations

import hmac
import json
import logging
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import jwt
import requests
from jwt.algorithms import RSAAlgorithm

from .errors import NetworkError, TokenVerificationError

log = logging.getLogger(__name__)

ALLOWED_ALGORITHMS = ("RS256",)
DEFAULT_LEEWAY = 60  # seconds of clock skew tolerated on exp/iat


@dataclass(frozen=True)
class IdClaims:
    """What the app shows and uses from a verified id token."""

    subject: str
    username: str
    email: str
    groups: tuple[str, ...]
    issuer: str
    audience: str
    expires_at: float

    @classmethod
    def from_payload(cls, payload: Mapping[str, Any]) -> IdClaims:
        groups = payload.get("cognito:groups") or ()
        return cls(
            subject=str(payload.get("sub", "")),
            username=str(
                payload.get("cognito:username") or payload.get("username") or payload.get("sub", "")
            ),
            email=str(payload.get("email", "")),
            groups=tuple(str(g) for g in groups) if isinstance(groups, list) else (),
            issuer=str(payload.get("iss", "")),
            audience=str(payload.get("aud", "")),
            expires_at=float(payload.get("exp", 0)),
        )


def unverified_claims(token: str) -> IdClaims:
    """Claims of a token that was verified when it was first received (e.g. from the keyring)."""
    try:
        return IdClaims.from_payload(jwt.decode(token, options={"verify_signature": False}))
    except jwt.PyJWTError as exc:
        raise TokenVerificationError("A stored id token is not a readable JWT.") from exc


class JwksCache:
    """The pool's signing keys, fetched once and refetched when a token names an unknown kid.

    Refetches are rate-limited so a flood of tokens with made-up kids cannot turn
    into a flood of requests.
    """

    def __init__(
        self,
        url: str,
        http: requests.Session | None = None,
        *,
        min_refetch_interval: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._http = http or requests.Session()
        self._keys: dict[str, Any] = {}
        self._fetched_at: float | None = None
        self._min_refetch_interval = min_refetch_interval
        self._clock = clock
        self._lock = threading.Lock()

    def _fetch(self) -> None:
        try:
            response = self._http.get(self.url, timeout=10)
            response.raise_for_status()
            document = response.json()
        except requests.RequestException as exc:
            raise NetworkError(
                f"Could not fetch the user pool's signing keys from {self.url}.",
                "Check the network and the profile's region and pool id.",
            ) from exc
        except ValueError as exc:
            raise TokenVerificationError(f"{self.url} did not return a JSON key set.") from exc
        keys: dict[str, Any] = {}
        for jwk in document.get("keys", []):
            if jwk.get("kty") != "RSA" or "kid" not in jwk:
                continue
            try:
                keys[jwk["kid"]] = RSAAlgorithm.from_jwk(json.dumps(jwk))
            except (jwt.PyJWTError, ValueError, KeyError):
                log.warning("skipping an unreadable key %r in %s", jwk.get("kid"), self.url)
        self._keys = keys
        self._fetched_at = self._clock()

    def key_for(self, kid: str) -> Any:
        with self._lock:
            if kid not in self._keys:
                recently = (
                    self._fetched_at is not None
                    and self._clock() - self._fetched_at < self._min_refetch_interval
                )
                if not recently:
                    self._fetch()
            try:
                return self._keys[kid]
            except KeyError:
                raise TokenVerificationError(
                    "The id token was signed with a key the user pool does not publish.",
                    "Sign in again; if it persists, check the profile's user pool id.",
                ) from None


def verify_id_token(
    token: str,
    *,
    jwks: JwksCache,
    issuer: str,
    audience: str,
    nonce: str | None,
    leeway: float = DEFAULT_LEEWAY,
    now: float | None = None,
) -> IdClaims:
    """Verify an id token and return its claims, or raise TokenVerificationError.

    ``nonce`` is required on the token returned by the authorization-code
    exchange; tokens from a refresh carry none, so pass ``None`` there.
    """
    try:
        header = jwt.get_unverified_header(token)
    except jwt.PyJWTError as exc:
        raise TokenVerificationError("The id token is not a well-formed JWT.") from exc
    alg = header.get("alg")
    if alg not in ALLOWED_ALGORITHMS:
        raise TokenVerificationError(
            f"The id token uses algorithm {alg!r}; only RS256 is accepted."
        )
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise TokenVerificationError("The id token names no signing key (kid).")
    key = jwks.key_for(kid)
    # exp is checked below against ``now`` so tests can pin the clock.
    options: Any = {"require": ["exp", "iat", "iss", "aud", "sub"], "verify_exp": False}
    try:
        payload = jwt.decode(
            token,
            key,
            algorithms=list(ALLOWED_ALGORITHMS),
            audience=audience,
            issuer=issuer,
            leeway=leeway,
            options=options,
        )
        current = time.time() if now is None else now
        if float(payload["exp"]) + leeway < current:
            raise jwt.ExpiredSignatureError("Signature has expired")
    except jwt.ExpiredSignatureError as exc:
        raise TokenVerificationError("The id token has expired.", "Sign in again.") from exc
    except jwt.InvalidAudienceError as exc:
        raise TokenVerificationError(
            "The id token was issued to another app client.", "Check the profile's client_id."
        ) from exc
    except jwt.InvalidIssuerError as exc:
        raise TokenVerificationError(
            "The id token was issued by another user pool.",
            "Check the profile's region and user_pool_id.",
        ) from exc
    except jwt.InvalidSignatureError as exc:
        raise TokenVerificationError("The id token's signature does not verify.") from exc
    except jwt.PyJWTError as exc:
        raise TokenVerificationError(f"The id token was rejected: {exc}.") from exc
    if payload.get("token_use") != "id":
        raise TokenVerificationError(
            f"The token is not an id token (token_use is {payload.get('token_use')!r})."
        )
    if nonce is not None:
        claimed = payload.get("nonce")
        if not isinstance(claimed, str) or not hmac.compare_digest(claimed, nonce):
            raise TokenVerificationError(
                "The id token does not answer this sign-in (nonce mismatch).", "Sign in again."
            )
    return IdClaims.from_payload(payload)
