"""One signed-in session: tokens + AWS credentials, kept in the vault, refreshed ahead of expiry.

Thread-safe: panels call ``credentials()`` (or use ``boto3_session()``) from
worker threads while the UI's refresh timer may be refreshing.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .config import Profile
from .errors import AuthError, ReauthenticationRequired
from .identity import AwsCredentials, IdentityPoolClient
from .oauth import AuthorizationRequest, OAuthClient, TokenSet
from .tokens import IdClaims, JwksCache, unverified_claims, verify_id_token
from .vault import SecretVault

log = logging.getLogger(__name__)

TOKENS_KEY = "tokens"
CREDENTIALS_KEY = "aws-credentials"
IDENTITY_KEY_PREFIX = "identity-id:"

# Renew AWS credentials this long before they expire, and id tokens likewise.
CREDENTIALS_REFRESH_MARGIN = 10 * 60
TOKEN_REFRESH_MARGIN = 5 * 60


@dataclass(frozen=True)
class SessionInfo:
    """What the UI shows about a session; holds no secret."""

    profile: str
    claims: IdClaims
    identity_id: str
    credentials_expiration: dt.datetime | None
    access_key_id_prefix: str


class Session:
    """Tokens and AWS credentials for one profile and one user."""

    def __init__(
        self,
        profile: Profile,
        vault: SecretVault,
        *,
        oauth: OAuthClient | None = None,
        identity: IdentityPoolClient | None = None,
        jwks: JwksCache | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.profile = profile
        self.vault = vault
        self.oauth = oauth or OAuthClient(profile)
        self._identity = identity
        self.jwks = jwks or JwksCache(profile.jwks_url, self.oauth.http)
        self._clock = clock
        self._lock = threading.RLock()
        self.tokens: TokenSet | None = None
        self.claims: IdClaims | None = None
        self.identity_id: str = ""
        self.aws_credentials: AwsCredentials | None = None
        self.listeners: list[Callable[[SessionInfo], None]] = []

    # -- state ---------------------------------------------------------------

    @property
    def identity(self) -> IdentityPoolClient:
        if self._identity is None:
            self._identity = IdentityPoolClient(self.profile)
        return self._identity

    @property
    def signed_in(self) -> bool:
        return self.tokens is not None and self.claims is not None

    def info(self) -> SessionInfo:
        with self._lock:
            if self.claims is None:
                raise AuthError("Not signed in.")
            creds = self.aws_credentials
            return SessionInfo(
                profile=self.profile.name,
                claims=self.claims,
                identity_id=self.identity_id,
                credentials_expiration=creds.expiration if creds else None,
                access_key_id_prefix=creds.access_key_id[:4] if creds else "",
            )

    def _now(self) -> float:
        return self._clock()

    # -- sign in -------------------------------------------------------------

    def complete_login(self, request: AuthorizationRequest, code: str) -> SessionInfo:
        """Exchange the code, verify the id token, get AWS credentials, store all in the vault."""
        tokens = self.oauth.exchange_code(request, code)
        claims = self._verify(tokens.id_token, nonce=request.nonce)
        with self._lock:
            if self.claims is not None and self.claims.subject != claims.subject:
                self.aws_credentials = None
                self.identity_id = ""
            self.tokens, self.claims = tokens, claims
            self._save_tokens()
            if self.profile.identity_pool_id:
                self._renew_credentials()
            return self.info()

    def _verify(self, id_token: str, nonce: str | None) -> IdClaims:
        return verify_id_token(
            id_token,
            jwks=self.jwks,
            issuer=self.profile.issuer,
            audience=self.profile.client_id,
            nonce=nonce,
            now=self._now(),
        )

    def restore(self) -> SessionInfo | None:
        """Bring back the session kept in the vault, refreshing what has expired.

        Returns None when there is nothing usable (no tokens, tokens of another
        pool or client, or a dead refresh token); the stale entries are wiped.
        """
        with self._lock:
            raw = self.vault.get(TOKENS_KEY)
            if not raw:
                return None
            try:
                tokens = TokenSet.from_dict(json.loads(raw))
                # Stored tokens were verified when received; the keyring is trusted.
                claims = unverified_claims(tokens.id_token)
            except (ValueError, KeyError, TypeError, AuthError):
                log.warning(
                    "stored tokens for profile %s are unreadable; discarding", self.profile.name
                )
                self.vault.wipe()
                return None
            if claims.issuer != self.profile.issuer or claims.audience != self.profile.client_id:
                log.info("stored session belongs to another pool or client; discarding")
                self.vault.wipe()
                return None
            self.tokens, self.claims = tokens, claims
            self.identity_id = self.vault.get(IDENTITY_KEY_PREFIX + claims.subject) or ""
            raw_creds = self.vault.get(CREDENTIALS_KEY)
            if raw_creds:
                try:
                    self.aws_credentials = AwsCredentials.from_dict(json.loads(raw_creds))
                except (ValueError, KeyError, TypeError):
                    self.aws_credentials = None
            try:
                self.ensure_fresh()
            except ReauthenticationRequired:
                self.forget()
                raise
            return self.info()

    # -- refresh ahead -------------------------------------------------------

    def _logins(self) -> dict[str, str]:
        assert self.tokens is not None
        return {self.profile.logins_key: self.tokens.id_token}

    def _refresh_tokens_if_needed(self) -> bool:
        assert self.tokens is not None
        if self.tokens.expires_at - TOKEN_REFRESH_MARGIN > self._now():
            return False
        refreshed = self.oauth.refresh(self.tokens)
        claims = self._verify(refreshed.id_token, nonce=None)
        if self.claims is not None and claims.subject != self.claims.subject:
            raise AuthError("The refreshed token belongs to another user.", "Sign in again.")
        self.tokens, self.claims = refreshed, claims
        self._save_tokens()
        return True

    def _renew_credentials(self) -> AwsCredentials:
        assert self.claims is not None
        self._refresh_tokens_if_needed()
        identity_id, creds = self.identity.credentials_for(self._logins(), self.identity_id or None)
        if identity_id != self.identity_id:
            self.identity_id = identity_id
            self.vault.put(IDENTITY_KEY_PREFIX + self.claims.subject, identity_id)
        self.aws_credentials = creds
        self.vault.put(CREDENTIALS_KEY, json.dumps(creds.to_dict()))
        log.info(
            "AWS credentials renewed for profile %s; they expire at %s",
            self.profile.name,
            creds.expiration.isoformat(),
        )
        info = self.info()
        for listener in list(self.listeners):
            listener(info)
        return creds

    def ensure_fresh(self, margin: float = CREDENTIALS_REFRESH_MARGIN) -> AwsCredentials | None:
        """Credentials with at least ``margin`` seconds left, renewing them (and the
        tokens behind them) when needed. Raises ReauthenticationRequired when the
        refresh token is dead."""
        with self._lock:
            if self.tokens is None:
                raise ReauthenticationRequired("Not signed in.", "Sign in first.")
            if not self.profile.identity_pool_id:
                self._refresh_tokens_if_needed()
                return None
            creds = self.aws_credentials
            now = dt.datetime.fromtimestamp(self._now(), dt.UTC)
            if creds is not None and creds.seconds_left(now) > margin:
                return creds
            return self._renew_credentials()

    def credentials(self) -> AwsCredentials:
        creds = self.ensure_fresh()
        if creds is None:
            raise AuthError(
                f"Profile '{self.profile.name}' has no identity pool, so no AWS credentials.",
                "Add identity_pool_id to the profile.",
            )
        return creds

    def boto3_session(self) -> Any:
        """A boto3 Session whose credentials renew themselves through this session.

        botocore refreshes RefreshableCredentials 15 minutes (advisory) and 10
        minutes (mandatory) before expiry, under its own lock; requests already
        signed keep the old, still-valid keys, so none fails at the rollover.
        """
        import boto3
        import botocore.session
        from botocore.credentials import CredentialProvider, RefreshableCredentials

        def fetch() -> dict[str, str]:
            # Ask for more than botocore's mandatory window so it does not loop.
            creds = self.ensure_fresh(margin=16 * 60)
            assert creds is not None
            return {
                "access_key": creds.access_key_id,
                "secret_key": creds.secret_access_key,
                "token": creds.session_token,
                "expiry_time": creds.expiration.isoformat(),
            }

        refreshable = RefreshableCredentials.create_from_metadata(
            metadata=fetch(), refresh_using=fetch, method="cognito-desktop"
        )

        class _SessionProvider(CredentialProvider):  # type: ignore[misc]
            METHOD = "cognito-desktop"
            CANONICAL_NAME = "cognito-desktop"

            def load(self) -> RefreshableCredentials:
                return refreshable

        core = botocore.session.Session()
        # First in the chain, so nothing from the environment or ~/.aws wins.
        core.get_component("credential_provider").insert_before("env", _SessionProvider())
        core.set_config_variable("region", self.profile.region)
        return boto3.Session(botocore_session=core)

    def client(self, service: str, **kwargs: Any) -> Any:
        """A boto3 client for ``service`` with this profile's endpoint override."""
        if self.profile.endpoint_url:
            kwargs.setdefault("endpoint_url", self.profile.endpoint_url)
        return self.boto3_session().client(service, **kwargs)

    def caller_arn(self) -> str:
        """The ARN the credentials act as (STS GetCallerIdentity): the role in use."""
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            arn: str = self.client("sts").get_caller_identity()["Arn"]
        except (BotoCoreError, ClientError) as exc:
            raise AuthError(
                f"AWS did not accept the credentials ({type(exc).__name__}: {exc}).",
                "Try 'Renew now', or sign in again.",
            ) from exc
        return arn

    # -- sign out ------------------------------------------------------------

    def _save_tokens(self) -> None:
        assert self.tokens is not None
        self.vault.put(TOKENS_KEY, json.dumps(self.tokens.to_dict()))

    def forget(self) -> None:
        """Drop the session here and in the vault, without telling the user pool."""
        with self._lock:
            self.vault.wipe()
            self.tokens = None
            self.claims = None
            self.identity_id = ""
            self.aws_credentials = None

    def sign_out(self) -> str | None:
        """Revoke the refresh token, then wipe every secret of this profile.

        Returns a warning sentence when the revocation could not be confirmed
        (the local secrets are gone either way).
        """
        with self._lock:
            refresh_token = self.tokens.refresh_token if self.tokens else ""
            self.forget()
        try:
            self.oauth.revoke(refresh_token)
        except AuthError as exc:
            log.warning("revocation failed: %s", exc)
            return str(exc)
        return None
