"""Identity-pool credentials, enhanced (simplified) flow: GetId + GetCredentialsForIdentity."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from .config import Profile
from .errors import IdentityError, NetworkError

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class AwsCredentials:
    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: dt.datetime  # timezone-aware UTC

    def __repr__(self) -> str:  # never print the secret parts
        return (
            f"AwsCredentials(access_key_id={self.access_key_id[:4]}…, "
            f"expiration={self.expiration.isoformat()})"
        )

    def seconds_left(self, now: dt.datetime | None = None) -> float:
        now = now or dt.datetime.now(dt.UTC)
        return (self.expiration - now).total_seconds()

    def to_dict(self) -> dict[str, str]:
        return {
            "AccessKeyId": self.access_key_id,
            "SecretKey": self.secret_access_key,
            "SessionToken": self.session_token,
            "Expiration": self.expiration.isoformat(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AwsCredentials:
        expiration = data["Expiration"]
        if isinstance(expiration, str):
            expiration = dt.datetime.fromisoformat(expiration)
        if expiration.tzinfo is None:
            expiration = expiration.replace(tzinfo=dt.UTC)
        return cls(
            access_key_id=str(data["AccessKeyId"]),
            secret_access_key=str(data["SecretKey"]),
            session_token=str(data["SessionToken"]),
            expiration=expiration.astimezone(dt.UTC),
        )


def _is_stale_identity(exc: Exception) -> bool:
    """A cached identity id the pool no longer accepts for these logins."""
    code = getattr(exc, "response", {}).get("Error", {}).get("Code", "")
    message = str(getattr(exc, "response", {}).get("Error", {}).get("Message", "")).lower()
    if code == "ResourceNotFoundException":
        return True
    return code == "NotAuthorizedException" and ("forbidden" in message or "identity" in message)


class IdentityPoolClient:
    """Talks to one profile's identity pool. The calls are unsigned, as in AWS."""

    def __init__(self, profile: Profile, client: Any | None = None) -> None:
        if not profile.identity_pool_id:
            raise IdentityError(
                f"Profile '{profile.name}' names no identity pool.",
                "Add identity_pool_id to the profile to get AWS credentials.",
            )
        self.profile = profile
        self._client = client

    @property
    def client(self) -> Any:
        if self._client is None:
            import boto3
            from botocore import UNSIGNED
            from botocore.config import Config

            self._client = boto3.client(
                "cognito-identity",
                region_name=self.profile.region,
                endpoint_url=self.profile.endpoint_url or None,
                config=Config(
                    signature_version=UNSIGNED,
                    retries={"max_attempts": 4, "mode": "standard"},
                    connect_timeout=10,
                    read_timeout=30,
                ),
            )
        return self._client

    def _call(self, operation: str, **kwargs: Any) -> dict[str, Any]:
        from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

        try:
            result: dict[str, Any] = getattr(self.client, operation)(**kwargs)
            return result
        except EndpointConnectionError as exc:
            raise NetworkError(
                "Could not reach the identity pool service.",
                "Check the network and the profile's region.",
            ) from exc
        except ClientError as exc:
            error = exc.response.get("Error", {})
            raise IdentityError(
                f"The identity pool refused {operation}: {error.get('Code', 'error')}: "
                f"{error.get('Message', '')}".rstrip(": ")
                + ".",
                "Check the identity pool's authentication providers and roles.",
            ) from exc
        except BotoCoreError as exc:
            raise NetworkError(f"The identity pool call {operation} failed: {exc}.") from exc

    def get_identity_id(self, logins: dict[str, str] | None) -> str:
        kwargs: dict[str, Any] = {"IdentityPoolId": self.profile.identity_pool_id}
        if logins:
            kwargs["Logins"] = logins
        return str(self._call("get_id", **kwargs)["IdentityId"])

    def get_credentials(
        self,
        identity_id: str,
        logins: dict[str, str] | None,
    ) -> AwsCredentials:
        kwargs: dict[str, Any] = {"IdentityId": identity_id}
        if logins:
            kwargs["Logins"] = logins
        creds = self._call("get_credentials_for_identity", **kwargs)["Credentials"]
        return AwsCredentials.from_dict(creds)

    def credentials_for(
        self,
        logins: dict[str, str] | None,
        cached_identity_id: str | None,
    ) -> tuple[str, AwsCredentials]:
        """Credentials for these logins, reusing a cached identity id when the pool accepts it.

        A stale id (deleted identity, or one now linked to other logins) is
        dropped and GetId is called again, once.
        """
        identity_id = cached_identity_id or self.get_identity_id(logins)
        try:
            return identity_id, self.get_credentials(identity_id, logins)
        except IdentityError as exc:
            if (
                not cached_identity_id
                or not isinstance(exc.__cause__, Exception)
                or not _is_stale_identity(exc.__cause__)
            ):
                raise
            log.info("cached identity id was refused; asking the pool for a new one")
        identity_id = self.get_identity_id(logins)
        return identity_id, self.get_credentials(identity_id, logins)
