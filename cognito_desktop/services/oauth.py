"""OAuth 2.0 authorization code + PKCE against a Cognito user pool's hosted login.

``prepare_authorization`` is pure (no I/O) and builds everything the browser
step needs; ``OAuthClient`` does the token endpoint I/O.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests

from .config import Profile
from .errors import AuthError, NetworkError, ReauthenticationRequired

# Messages for the errors an authorization server may put on the redirect
# (RFC 6749 §4.1.2.1), phrased for an operator.
_REDIRECT_ERRORS = {
    "access_denied": "The sign-in was refused or cancelled at the login page.",
    "invalid_request": "The login page rejected the request",
    "unauthorized_client": "This app client may not use the authorization-code flow.",
    "unsupported_response_type": "The user pool does not offer the code flow to this client.",
    "invalid_scope": "The user pool does not allow one of the requested scopes.",
    "server_error": "The login page had an internal error.",
    "temporarily_unavailable": "The login page is temporarily unavailable.",
}


def pkce_pair() -> tuple[str, str]:
    """A fresh (code_verifier, S256 code_challenge) pair (RFC 7636)."""
    verifier = secrets.token_urlsafe(64)[:96]
    return verifier, s256_challenge(verifier)


def s256_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


@dataclass(frozen=True)
class AuthorizationRequest:
    """One sign-in attempt: the URL to open and the secrets to check the answer with."""

    url: str
    redirect_uri: str
    state: str
    nonce: str
    code_verifier: str

    def __repr__(self) -> str:  # never print the verifier
        return f"AuthorizationRequest(redirect_uri={self.redirect_uri!r})"


def prepare_authorization(
    profile: Profile, identity_provider: str | None = None, redirect_uri: str | None = None
) -> AuthorizationRequest:
    verifier, challenge = pkce_pair()
    state = secrets.token_urlsafe(24)
    nonce = secrets.token_urlsafe(24)
    redirect = redirect_uri or profile.redirect_uri
    params = {
        "response_type": "code",
        "client_id": profile.client_id,
        "redirect_uri": redirect,
        "scope": " ".join(profile.scopes),
        "state": state,
        "nonce": nonce,
        "code_challenge": challenge,
        "code_challenge_method": "S256",
    }
    idp = identity_provider or profile.identity_provider
    if idp:
        params["identity_provider"] = idp
    url = profile.hosted_ui("oauth2/authorize") + "?" + urlencode(params)
    return AuthorizationRequest(
        url=url, redirect_uri=redirect, state=state, nonce=nonce, code_verifier=verifier
    )


def _origin_and_path(url: str) -> tuple[str, str, int | None, str]:
    parts = urlsplit(url)
    path = parts.path.rstrip("/") or "/"
    try:
        port = parts.port
    except ValueError:
        port = None
    return parts.scheme.lower(), (parts.hostname or "").lower(), port, path


def is_redirect(request: AuthorizationRequest, url: str) -> bool:
    """Whether a navigation target is the registered redirect URI (query ignored)."""
    return _origin_and_path(url) == _origin_and_path(request.redirect_uri)


def code_from_redirect(request: AuthorizationRequest, url: str) -> str:
    """The authorization code on the redirect, after checking ``state``.

    Raises AuthError with an operator-readable sentence for an ``error=`` answer,
    a state mismatch or a missing code.
    """
    query = parse_qs(urlsplit(url).query, keep_blank_values=True)
    state = query.get("state", [""])[0]
    error = query.get("error", [""])[0]
    if error:
        description = query.get("error_description", [""])[0]
        sentence = _REDIRECT_ERRORS.get(error, f"The login page answered '{error}'.")
        if description:
            sentence = f"{sentence.rstrip('.')}: {description}."
        elif not sentence.endswith("."):
            sentence += "."
        raise AuthError(
            sentence, "Try again, or check the app client's settings in the Cognito console."
        )
    if not state or not hmac.compare_digest(state, request.state):
        raise AuthError(
            "The sign-in answer does not belong to this sign-in (state mismatch).",
            "Start the sign-in again.",
        )
    code = query.get("code", [""])[0]
    if not code:
        raise AuthError("The login page returned no authorization code.", "Try again.")
    return code


@dataclass(frozen=True)
class TokenSet:
    id_token: str
    access_token: str
    refresh_token: str
    expires_at: float  # epoch seconds, of the id/access tokens

    def __repr__(self) -> str:
        return f"TokenSet(expires_at={self.expires_at!r})"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id_token": self.id_token,
            "access_token": self.access_token,
            "refresh_token": self.refresh_token,
            "expires_at": self.expires_at,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TokenSet:
        return cls(
            id_token=str(data["id_token"]),
            access_token=str(data["access_token"]),
            refresh_token=str(data.get("refresh_token", "")),
            expires_at=float(data["expires_at"]),
        )


class OAuthClient:
    """The token endpoint of one profile's hosted login domain."""

    def __init__(
        self, profile: Profile, http: requests.Session | None = None, timeout: float = 15.0
    ) -> None:
        self.profile = profile
        self.http = http or requests.Session()
        self.timeout = timeout

    def _post_token(self, form: dict[str, str]) -> dict[str, Any]:
        url = self.profile.hosted_ui("oauth2/token")
        try:
            response = self.http.post(
                url,
                data=form,
                timeout=self.timeout,
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            )
        except requests.RequestException as exc:
            raise NetworkError(
                f"Could not reach the token endpoint {url}.",
                "Check the network and the profile's hosted_ui_url.",
            ) from exc
        try:
            body: dict[str, Any] = response.json()
        except ValueError:
            body = {}
        if response.status_code != 200:
            error = str(body.get("error", f"HTTP {response.status_code}"))
            description = str(body.get("error_description", ""))
            if error == "invalid_grant" and form.get("grant_type") == "refresh_token":
                raise ReauthenticationRequired(
                    "Your sign-in has expired or was revoked.", "Sign in again."
                )
            raise AuthError(
                f"The token endpoint refused the request: {error}"
                + (f" ({description})" if description else "")
                + ".",
                "Try signing in again.",
            )
        if "id_token" not in body or "access_token" not in body:
            raise AuthError(
                "The token endpoint answered without an id token.",
                "Make sure the profile's scopes include 'openid'.",
            )
        return body

    def exchange_code(self, request: AuthorizationRequest, code: str) -> TokenSet:
        body = self._post_token(
            {
                "grant_type": "authorization_code",
                "client_id": self.profile.client_id,
                "code": code,
                "redirect_uri": request.redirect_uri,
                "code_verifier": request.code_verifier,
            }
        )
        return TokenSet(
            id_token=body["id_token"],
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token", ""),
            expires_at=time.time() + float(body.get("expires_in", 3600)),
        )

    def refresh(self, tokens: TokenSet) -> TokenSet:
        if not tokens.refresh_token:
            raise ReauthenticationRequired("This session has no refresh token.", "Sign in again.")
        body = self._post_token(
            {
                "grant_type": "refresh_token",
                "client_id": self.profile.client_id,
                "refresh_token": tokens.refresh_token,
            }
        )
        # Cognito keeps the refresh token unless rotation is on, then it sends a new one.
        return TokenSet(
            id_token=body["id_token"],
            access_token=body["access_token"],
            refresh_token=body.get("refresh_token") or tokens.refresh_token,
            expires_at=time.time() + float(body.get("expires_in", 3600)),
        )

    def revoke(self, refresh_token: str) -> None:
        """Revoke the refresh token (and the tokens it issued) with the user pool.

        Uses the RevokeToken API rather than ``/oauth2/revoke`` so it also works
        against endpoint overrides that serve only the API.
        """
        if not refresh_token:
            return
        import boto3
        from botocore import UNSIGNED
        from botocore.config import Config
        from botocore.exceptions import BotoCoreError, ClientError

        client = boto3.client(
            "cognito-idp",
            region_name=self.profile.region,
            endpoint_url=self.profile.endpoint_url or None,
            config=Config(signature_version=UNSIGNED),
        )
        try:
            client.revoke_token(Token=refresh_token, ClientId=self.profile.client_id)
        except (BotoCoreError, ClientError) as exc:
            raise AuthError(
                f"The user pool did not confirm the sign-out ({type(exc).__name__}).",
                "Local secrets were removed anyway.",
            ) from exc

    def logout_url(self, logout_uri: str | None = None) -> str:
        params = {"client_id": self.profile.client_id}
        if logout_uri:
            params["logout_uri"] = logout_uri
        return self.profile.hosted_ui("logout") + "?" + urlencode(params)
