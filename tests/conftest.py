"""Shared fixtures: one local AWS per test session, seeded by the sandbox's own code."""

from __future__ import annotations

import datetime as dt
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import pytest

if hasattr(os, "geteuid") and os.geteuid() == 0:
    os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from cognito_desktop.sandbox.command import sandbox_profile
from cognito_desktop.sandbox.emulator import ROOT_ACCESS_KEY, ROOT_SECRET_KEY, Emulator
from cognito_desktop.sandbox.scripted_login import sign_in
from cognito_desktop.sandbox.world import OPERATOR, World, seed
from cognito_desktop.services.config import Profile, upsert_profile
from cognito_desktop.services.identity import AwsCredentials, IdentityPoolClient
from cognito_desktop.services.paths import HOME_ENV, AppPaths, app_paths
from cognito_desktop.services.session import Session
from cognito_desktop.services.vault import MemoryVault


@pytest.fixture(scope="session")
def world() -> Iterator[World]:
    """The demo world on a private local AWS, shared by the whole test session."""
    emulator = Emulator().start()
    try:
        yield seed(emulator.endpoint, emulator.region)
    finally:
        emulator.stop()


@pytest.fixture
def app_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> AppPaths:
    home = tmp_path / "home"
    monkeypatch.setenv(HOME_ENV, str(home))
    return app_paths()


@pytest.fixture
def profile(world: World, app_home: AppPaths, request: pytest.FixtureRequest) -> Profile:
    """A sandbox profile with a unique name, so keyring entries never collide between tests."""
    name = "t-" + re.sub(r"[^A-Za-z0-9]", "", request.node.name)[-40:]
    prof = sandbox_profile(world, name=name)
    upsert_profile(app_home.profiles_file, prof, make_default=True)
    return prof


@pytest.fixture
def signed_in_session(profile: Profile) -> Session:
    """The demo operator, signed in through the hosted login form; secrets in memory."""
    session = Session(profile, MemoryVault(profile.name))
    sign_in(session, OPERATOR.username, OPERATOR.password)
    return session


@pytest.fixture
def root_dynamodb(world: World) -> Any:
    """A DynamoDB client with the emulator's root keys: the other writer behind a panel's back."""
    return _root_client(world, "dynamodb")


def _root_client(world: World, service: str) -> Any:
    return boto3.client(
        service,
        endpoint_url=world.endpoint,
        region_name=world.region,
        aws_access_key_id=ROOT_ACCESS_KEY,
        aws_secret_access_key=ROOT_SECRET_KEY,
    )


@pytest.fixture
def root_s3(world: World) -> Any:
    """An S3 client with the emulator's root keys: sets up and checks behind the panel's back."""
    return _root_client(world, "s3")


@pytest.fixture(scope="session")
def many_keys(world: World) -> str:
    """The prefix holding MANY_COUNT (20,000) keys, seeded once per test session
    (about a minute on the emulator) by the sandbox's own seeder."""
    from cognito_desktop.sandbox.seed_s3 import MANY_PREFIX, seed_many

    seed_many(_root_client(world, "s3"))
    return MANY_PREFIX


@dataclass
class GuestSource:
    """A guest (unauthenticated) identity's credentials in the shape the S3
    services take (``CredentialSource``), fetched from the identity pool."""

    profile: Profile
    identity_id: str = ""
    credentials: AwsCredentials | None = None
    renewals: int = 0

    def ensure_fresh(self, margin: float = 600) -> AwsCredentials:
        now = dt.datetime.now(dt.UTC)
        if self.credentials is None or self.credentials.seconds_left(now) <= margin:
            pool = IdentityPoolClient(self.profile)
            self.identity_id, self.credentials = pool.credentials_for(
                None, self.identity_id or None
            )
            self.renewals += 1
        return self.credentials

    def client(self, service: str, **kwargs: Any) -> Any:
        creds = self.ensure_fresh()
        return boto3.client(
            service,
            endpoint_url=self.profile.endpoint_url,
            region_name=self.profile.region,
            aws_access_key_id=creds.access_key_id,
            aws_secret_access_key=creds.secret_access_key,
            aws_session_token=creds.session_token,
            **kwargs,
        )


@pytest.fixture
def guest_source(profile: Profile) -> GuestSource:
    """A guest identity of the demo identity pool (the unauthenticated role)."""
    source = GuestSource(profile)
    source.ensure_fresh()
    return source


@pytest.fixture
def real_keyring() -> None:
    """Tests that need the real Secret Service. The test harness always provides one;
    CI fails rather than skips when it is missing."""
    if os.environ.get("COGNITO_DESKTOP_TEST_KEYRING") != "1":
        if os.environ.get("CI"):
            pytest.fail("CI must run the tests inside scripts/keyring-session.sh")
        pytest.skip("needs the test keyring: run the suite with scripts/test.sh")


@pytest.fixture(autouse=True)
def no_background_jobs_left_running() -> Iterator[None]:
    """Fail a test that leaves worker jobs running: they would act on a closed
    window or a stopped local AWS, and make the next test flaky."""
    yield
    from PySide6.QtCore import QThreadPool

    pool = QThreadPool.globalInstance()
    if pool.activeThreadCount() and not pool.waitForDone(30_000):
        pytest.fail("background jobs were still running 30 s after the test")
