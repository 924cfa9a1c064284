"""The session against the local AWS: sign-in, credentials, restore, refresh ahead, sign-out."""

from __future__ import annotations

import datetime as dt
import json
import time
from dataclasses import replace

import boto3
import pytest
from botocore.stub import Stubber

from cognito_desktop.sandbox import scripted_login
from cognito_desktop.sandbox.world import OPERATOR, PLAIN_USER, DemoUser, World
from cognito_desktop.services.config import Profile
from cognito_desktop.services.errors import IdentityError, ReauthenticationRequired
from cognito_desktop.services.identity import AwsCredentials, IdentityPoolClient
from cognito_desktop.services.session import (
    CREDENTIALS_KEY,
    IDENTITY_KEY_PREFIX,
    TOKENS_KEY,
    Session,
)
from cognito_desktop.services.vault import KeyringVault, MemoryVault, open_vault


def sign_in(session: Session, user: DemoUser = OPERATOR) -> None:
    scripted_login.sign_in(session, user.username, user.password)


def sts_arn(creds: AwsCredentials, world: World) -> str:
    sts = boto3.client(
        "sts",
        endpoint_url=world.endpoint,
        region_name=world.region,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=creds.secret_access_key,
        aws_session_token=creds.session_token,
    )
    return str(sts.get_caller_identity()["Arn"])


def test_sign_in_yields_credentials_the_local_aws_accepts(profile: Profile, world: World) -> None:
    session = Session(profile, MemoryVault(profile.name))
    sign_in(session)
    info = session.info()
    assert info.claims.username == "operator"
    assert info.claims.groups == ("operators",)
    assert info.identity_id.startswith(f"{world.region}:")
    creds = session.credentials()
    assert creds.access_key_id.startswith("ASIA")
    assert creds.seconds_left() > 30 * 60
    assert ":assumed-role/cognito-desktop-demo-authenticated/" in sts_arn(creds, world)
    assert session.caller_arn().startswith(
        "arn:aws:sts::000000000000:assumed-role/cognito-desktop-demo-authenticated/"
    )


def test_the_role_policy_is_enforced_on_the_sessions_credentials(
    profile: Profile, world: World
) -> None:
    session = Session(profile, MemoryVault(profile.name))
    sign_in(session)
    s3 = session.client("s3")
    assert s3.get_object(Bucket=world.bucket, Key="public/readme.txt")["Body"].read()
    with pytest.raises(s3.exceptions.ClientError, match="AccessDenied"):
        s3.get_object(Bucket=world.bucket, Key="restricted/payroll.csv")


def test_a_plain_user_has_no_groups(profile: Profile) -> None:
    session = Session(profile, MemoryVault(profile.name))
    sign_in(session, PLAIN_USER)
    assert session.info().claims.groups == ()
    assert session.info().claims.email == PLAIN_USER.email


def test_everything_secret_is_in_the_vault(profile: Profile) -> None:
    vault = MemoryVault(profile.name)
    session = Session(profile, vault)
    sign_in(session)
    tokens = json.loads(vault.get(TOKENS_KEY) or "{}")
    assert set(tokens) == {"id_token", "access_token", "refresh_token", "expires_at"}
    creds = json.loads(vault.get(CREDENTIALS_KEY) or "{}")
    assert creds["AccessKeyId"].startswith("ASIA")
    assert (
        vault.get(IDENTITY_KEY_PREFIX + session.info().claims.subject) == session.info().identity_id
    )


def test_restore_brings_the_session_back_without_a_login(profile: Profile) -> None:
    vault = MemoryVault(profile.name)
    first = Session(profile, vault)
    sign_in(first)
    second = Session(profile, vault)
    info = second.restore()
    assert info is not None
    assert info.claims.username == "operator"
    assert info.identity_id == first.info().identity_id
    # Fresh credentials were restored, not renewed.
    assert second.credentials().access_key_id == first.credentials().access_key_id


def test_restore_with_nothing_stored_returns_none(profile: Profile) -> None:
    assert Session(profile, MemoryVault(profile.name)).restore() is None


def test_a_session_of_another_user_pool_is_discarded(profile: Profile) -> None:
    vault = MemoryVault(profile.name)
    sign_in(Session(profile, vault))
    other = replace(profile, user_pool_id=f"{profile.region}_SomeOtherPool")
    assert Session(other, vault).restore() is None
    assert vault.keys() == []


def test_refresh_ahead_renews_tokens_and_credentials_before_expiry(
    profile: Profile, world: World
) -> None:
    vault = MemoryVault(profile.name)
    session = Session(profile, vault)
    sign_in(session)
    old_tokens, old_creds = session.tokens, session.credentials()
    assert old_tokens is not None
    # 55 minutes later: the id token is inside its refresh margin, the
    # credentials inside theirs.
    session._clock = lambda: time.time() + 55 * 60
    new_creds = session.ensure_fresh()
    assert new_creds is not None
    assert new_creds.access_key_id != old_creds.access_key_id
    assert session.tokens is not None
    assert session.tokens.id_token != old_tokens.id_token
    assert session.tokens.refresh_token == old_tokens.refresh_token
    assert json.loads(vault.get(TOKENS_KEY) or "{}")["id_token"] == session.tokens.id_token
    assert ":assumed-role/cognito-desktop-demo-authenticated/" in sts_arn(new_creds, world)
    # Requests signed with the previous keys still work until those expire.
    assert ":assumed-role/" in sts_arn(old_creds, world)


def test_boto3_session_renews_credentials_transparently(profile: Profile, world: World) -> None:
    session = Session(profile, MemoryVault(profile.name))
    sign_in(session)
    creds = session.credentials()
    # Make the credentials look five minutes from expiry, as botocore will see them.
    session.aws_credentials = replace(
        creds, expiration=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5)
    )
    sts = session.client("sts")
    arn = sts.get_caller_identity()["Arn"]
    assert ":assumed-role/cognito-desktop-demo-authenticated/" in arn
    renewed = session.aws_credentials
    assert renewed is not None
    assert renewed.access_key_id != creds.access_key_id
    assert renewed.seconds_left() > 30 * 60


def test_a_dead_refresh_token_asks_for_a_new_sign_in(profile: Profile) -> None:
    vault = MemoryVault(profile.name)
    session = Session(profile, vault)
    sign_in(session)
    assert session.tokens is not None
    session.oauth.revoke(session.tokens.refresh_token)
    later = Session(profile, vault, clock=lambda: time.time() + 2 * 3600)
    with pytest.raises(ReauthenticationRequired, match="Sign in again"):
        later.restore()
    assert vault.keys() == []


def test_sign_out_revokes_and_wipes(profile: Profile) -> None:
    vault = MemoryVault(profile.name)
    session = Session(profile, vault)
    sign_in(session)
    tokens = session.tokens
    assert tokens is not None
    assert session.sign_out() is None
    assert vault.keys() == []
    assert not session.signed_in
    with pytest.raises(ReauthenticationRequired):
        session.oauth.refresh(tokens)


def test_a_stale_identity_id_is_dropped_and_replaced(profile: Profile) -> None:
    """The local AWS accepts any identity id, so the refusal is stubbed."""
    client = boto3.client(
        "cognito-identity",
        region_name=profile.region,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    stub = Stubber(client)
    logins = {profile.logins_key: "id-token"}
    stub.add_client_error(
        "get_credentials_for_identity",
        "NotAuthorizedException",
        "Access to Identity 'stale' is forbidden.",
        expected_params={"IdentityId": "us-east-1:stale", "Logins": logins},
    )
    stub.add_response(
        "get_id",
        {"IdentityId": "us-east-1:fresh"},
        {"IdentityPoolId": profile.identity_pool_id, "Logins": logins},
    )
    expiry = dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    stub.add_response(
        "get_credentials_for_identity",
        {
            "IdentityId": "us-east-1:fresh",
            "Credentials": {
                "AccessKeyId": "ASIAFRESH",
                "SecretKey": "s",
                "SessionToken": "t",
                "Expiration": expiry,
            },
        },
        {"IdentityId": "us-east-1:fresh", "Logins": logins},
    )
    with stub:
        identity_id, creds = IdentityPoolClient(profile, client).credentials_for(
            logins, "us-east-1:stale"
        )
    assert identity_id == "us-east-1:fresh"
    assert creds.access_key_id == "ASIAFRESH"
    stub.assert_no_pending_responses()


def test_other_identity_errors_are_not_retried(profile: Profile) -> None:
    client = boto3.client(
        "cognito-identity",
        region_name=profile.region,
        aws_access_key_id="x",
        aws_secret_access_key="x",
    )
    stub = Stubber(client)
    stub.add_client_error("get_credentials_for_identity", "TooManyRequestsException", "slow down")
    with stub, pytest.raises(IdentityError, match="TooManyRequestsException"):
        IdentityPoolClient(profile, client).credentials_for({"k": "v"}, "us-east-1:cached")


@pytest.mark.usefixtures("real_keyring")
def test_session_persists_in_the_real_keyring_and_sign_out_leaves_nothing(profile: Profile) -> None:
    import secretstorage

    vault, status = open_vault(profile.name)
    assert status.usable
    assert isinstance(vault, KeyringVault)
    session = Session(profile, vault)
    sign_in(session)
    restored = Session(profile, KeyringVault(profile.name)).restore()
    assert restored is not None
    assert restored.claims.username == "operator"

    def entries() -> list[str]:
        connection = secretstorage.dbus_init()
        try:
            return [
                service
                for collection in secretstorage.get_all_collections(connection)
                for item in collection.get_all_items()
                if (service := item.get_attributes().get("service", "")).startswith(
                    f"cognito-desktop/{profile.name}"
                )
            ]
        finally:
            connection.close()

    assert entries(), "the session should be in the keyring"
    session.sign_out()
    assert entries() == []
