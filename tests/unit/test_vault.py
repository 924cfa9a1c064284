"""The keyring vault: chunking, the index, wipe, errors, and choosing a backend.

Most tests run against an in-memory keyring backend. The `keyring`-marked ones use the real
Secret Service that scripts/keyring-session.sh starts (it sets COGNITO_DESKTOP_TEST_KEYRING=1).
"""

from __future__ import annotations

import logging
import math
import os
import string
import traceback
import uuid
from collections.abc import Iterator
from contextlib import closing

import keyring.errors
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from cognito_desktop.services import vault as vault_module
from cognito_desktop.services.vault import (
    CHUNK_SIZE,
    SERVICE_PREFIX,
    KeyringVault,
    MemoryVault,
    VaultError,
    open_vault,
    probe_backend,
)

VAULT_LOGGER = "cognito_desktop.services.vault"


class FakeKeyring(KeyringBackend):
    """An in-memory keyring that answers like the real ones (deleting an absent entry raises)."""

    priority = 5  # looks like an OS keyring to probe_backend...
    viable = False  # ...but keyring's own auto-detection must never pick it up

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.entries[(service, username)]
        except KeyError:
            raise keyring.errors.PasswordDeleteError("No such password!") from None

    def of_service(self, service: str) -> dict[str, str]:
        return {user: value for (svc, user), value in self.entries.items() if svc == service}


class LockedKeyring(FakeKeyring):
    """A keyring that stays locked, like the Secret Service after a dismissed unlock prompt."""

    def get_password(self, service: str, username: str) -> str | None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise keyring.errors.KeyringLocked("Failed to unlock the collection!")


class RefusingKeyring(FakeKeyring):
    """Refuses writes once told to, quoting what it was given, as a careless backend might."""

    refuse = False

    def set_password(self, service: str, username: str, password: str) -> None:
        if self.refuse:
            raise keyring.errors.PasswordSetError(f"refused to store {password!r}")
        super().set_password(service, username, password)


class LowPriorityKeyring(FakeKeyring):
    priority = 0.5  # what keyrings.alt's PlaintextKeyring reports


class FileKeyring(FakeKeyring):
    priority = 1.5  # a file backend claiming a high priority is still a file backend


# Pretend to come from keyrings.alt, whose PlaintextKeyring writes secrets to a file.
FileKeyring.__module__ = "keyrings.alt.file"


def jwt_like(length: int) -> str:
    alphabet = string.ascii_letters + string.digits + "-_"
    body = "".join(alphabet[(i * 7 + i // 3) % len(alphabet)] for i in range(length))
    return ("eyJhbGciOiJSUzI1NiJ9." + body)[:length]


@pytest.fixture
def backend() -> FakeKeyring:
    return FakeKeyring()


@pytest.fixture
def vault(backend: FakeKeyring) -> KeyringVault:
    return KeyringVault("dev", backend)


def test_short_value_round_trips(vault: KeyringVault, backend: FakeKeyring) -> None:
    vault.put("refresh_token", "s3cr3t")

    assert vault.get("refresh_token") == "s3cr3t"
    assert backend.of_service(f"{SERVICE_PREFIX}/dev")["refresh_token"] == "s3cr3t"
    assert vault.get("never_stored") is None


@pytest.mark.parametrize("length", [5_000, 20_000])
def test_long_value_round_trips_in_chunks_no_bigger_than_chunk_size(
    vault: KeyringVault, backend: FakeKeyring, length: int
) -> None:
    token = jwt_like(length)

    vault.put("id_token", token)

    assert vault.get("id_token") == token
    assert KeyringVault("dev", backend).get("id_token") == token
    stored = backend.of_service(vault.service)
    assert all(len(entry) <= CHUNK_SIZE for entry in stored.values())
    chunks = {name for name in stored if name.startswith("id_token#")}
    assert chunks == {f"id_token#{i}" for i in range(math.ceil(length / CHUNK_SIZE))}
    assert stored["id_token"].startswith("chunked:v1:")


def test_chunks_of_non_ascii_value_fit_the_windows_limit(
    vault: KeyringVault, backend: FakeKeyring
) -> None:
    # Characters outside the BMP cost two UTF-16 units in Windows Credential Manager.
    value = "pässwörd-🔑" * 400

    vault.put("password", value)

    assert vault.get("password") == value
    for entry in backend.of_service(vault.service).values():
        assert len(entry.encode("utf-16-le")) // 2 <= CHUNK_SIZE


def test_shrinking_a_chunked_value_leaves_no_stale_chunks(
    vault: KeyringVault, backend: FakeKeyring
) -> None:
    vault.put("id_token", jwt_like(20_000))
    vault.put("id_token", jwt_like(5_000))

    assert vault.get("id_token") == jwt_like(5_000)
    assert {name for name in backend.of_service(vault.service) if "#" in name} == {
        f"id_token#{i}" for i in range(5)
    }

    vault.put("id_token", "short")

    assert vault.get("id_token") == "short"
    assert set(backend.of_service(vault.service)) == {"id_token", "__index__"}


def test_a_missing_chunk_reads_as_absent(
    vault: KeyringVault, backend: FakeKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    token = jwt_like(5_000)
    vault.put("id_token", token)
    del backend.entries[(vault.service, "id_token#3")]

    with caplog.at_level(logging.WARNING, logger=VAULT_LOGGER):
        assert vault.get("id_token") is None

    assert "incomplete" in caplog.text
    assert token[3000:3100] not in caplog.text


def test_a_tampered_chunk_reads_as_absent(
    vault: KeyringVault, backend: FakeKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    token = jwt_like(5_000)
    vault.put("id_token", token)
    part = backend.entries[(vault.service, "id_token#1")]
    backend.entries[(vault.service, "id_token#1")] = part[:-1] + ("A" if part[-1] != "A" else "B")

    with caplog.at_level(logging.WARNING, logger=VAULT_LOGGER):
        assert vault.get("id_token") is None

    assert "checksum" in caplog.text
    assert part not in caplog.text


@pytest.mark.parametrize(
    "value",
    [
        "chunked:v1:3:" + "0" * 64,
        "chunked:",
        "plain:already-looks-escaped",
        "chunked:" + "x" * (CHUNK_SIZE - len("chunked:")),  # escaping pushes it past a chunk
        "",
    ],
)
def test_value_that_looks_like_a_manifest_round_trips(
    vault: KeyringVault, backend: FakeKeyring, value: str
) -> None:
    vault.put("secret", value)

    assert vault.get("secret") == value
    assert all(len(entry) <= CHUNK_SIZE for entry in backend.of_service(vault.service).values())


def test_wipe_removes_every_entry_of_the_profile_and_nothing_of_another(
    backend: FakeKeyring,
) -> None:
    dev = KeyringVault("dev", backend)
    prod = KeyringVault("prod", backend)
    for target in (dev, prod):
        target.put("id_token", jwt_like(5_000))
        target.put("refresh_token", jwt_like(1_800))
        target.put("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG")
    backend.set_password("someone-else", "id_token", "not ours")
    backend.set_password(f"{SERVICE_PREFIX}/dev-2", "id_token", "a neighbour's")

    dev.wipe()

    assert backend.of_service(dev.service) == {}
    assert dev.keys() == []
    assert dev.get("id_token") is None
    assert prod.get("id_token") == jwt_like(5_000)
    assert prod.keys() == ["id_token", "refresh_token", "aws_secret_access_key"]
    assert backend.get_password("someone-else", "id_token") == "not ours"
    assert backend.get_password(f"{SERVICE_PREFIX}/dev-2", "id_token") == "a neighbour's"


def test_wipe_of_an_empty_profile_is_not_an_error(vault: KeyringVault) -> None:
    vault.wipe()
    vault.wipe()

    assert vault.keys() == []


def test_index_survives_across_vault_instances(backend: FakeKeyring) -> None:
    first = KeyringVault("dev", backend)
    first.put("id_token", jwt_like(5_000))
    first.put("refresh_token", "r")
    first.put("id_token", "replaced")

    second = KeyringVault("dev", backend)

    assert second.keys() == ["id_token", "refresh_token"]
    second.wipe()
    assert backend.of_service(first.service) == {}


def test_delete_removes_value_chunks_and_index_entry(
    vault: KeyringVault, backend: FakeKeyring
) -> None:
    vault.put("id_token", jwt_like(5_000))
    vault.put("refresh_token", "r")

    vault.delete("id_token")

    assert vault.get("id_token") is None
    assert vault.keys() == ["refresh_token"]
    assert set(backend.of_service(vault.service)) == {"refresh_token", "__index__"}

    vault.delete("refresh_token")
    vault.delete("refresh_token")  # absent: not an error

    assert backend.of_service(vault.service) == {}


def test_wipe_finds_chunks_an_interrupted_write_left_behind(
    vault: KeyringVault, backend: FakeKeyring
) -> None:
    vault.put("id_token", "short")
    # A write that stored its parts but died before its manifest.
    for index in range(3):
        backend.set_password(vault.service, f"id_token#{index}", "orphan")

    vault.wipe()

    assert backend.of_service(vault.service) == {}


@pytest.mark.parametrize(
    "profile", ["", "a/b", "x" * 65, " padded", "tab\there", "line\nbreak", "__probe__"]
)
def test_bad_profile_names_are_rejected(backend: FakeKeyring, profile: str) -> None:
    with pytest.raises(ValueError, match=r"[Pp]rofile"):
        KeyringVault(profile, backend)
    with pytest.raises(ValueError, match=r"[Pp]rofile"):
        MemoryVault(profile)
    with pytest.raises(ValueError, match=r"[Pp]rofile"):
        open_vault(profile, backend)
    assert backend.entries == {}


@pytest.mark.parametrize("key", ["", "id_token#0", "__index__", "x" * 129])
def test_bad_keys_are_rejected(vault: KeyringVault, key: str) -> None:
    with pytest.raises(ValueError, match="key"):
        vault.put(key, "value")
    with pytest.raises(ValueError, match="key"):
        MemoryVault("dev").put(key, "value")


@pytest.mark.parametrize("length", [40, 3_000])
def test_backend_error_becomes_vault_error_without_the_secret(length: int) -> None:
    secret = "AKIA-very-secret-" + jwt_like(length)
    backend = RefusingKeyring()
    refused = KeyringVault("dev", backend)
    refused.put("refresh_token", "old")
    backend.refuse = True

    with pytest.raises(VaultError, match="store a secret of profile 'dev'") as raised:
        refused.put("refresh_token", secret)

    report = "".join(traceback.format_exception(raised.value)) + repr(raised.value)
    assert "PasswordSetError" in report
    for start in range(0, len(secret) - 20):
        assert secret[start : start + 20] not in report


def test_locked_keyring_message_says_to_unlock() -> None:
    with pytest.raises(VaultError, match="locked: unlock it"):
        KeyringVault("dev", LockedKeyring()).get("id_token")


def test_secrets_never_reach_the_log(
    vault: KeyringVault, backend: FakeKeyring, caplog: pytest.LogCaptureFixture
) -> None:
    token = jwt_like(5_000)
    with caplog.at_level(logging.DEBUG):
        vault.put("id_token", token)
        vault.get("id_token")
        backend.entries[(vault.service, "id_token#0")] = "tampered"
        vault.get("id_token")
        vault.wipe()

    for start in range(0, len(token), 100):
        assert token[start : start + 100] not in caplog.text


def test_probe_rejects_the_fail_backend() -> None:
    status = probe_backend(fail.Keyring())

    assert not status.usable
    assert status.name == "none"
    assert "No OS keyring" in status.detail


def test_probe_rejects_the_null_backend() -> None:
    status = probe_backend(null.Keyring())

    assert not status.usable
    assert status.name == "none"


@pytest.mark.parametrize("file_backend", [FileKeyring, LowPriorityKeyring])
def test_probe_rejects_a_plaintext_file_backend(file_backend: type[FakeKeyring]) -> None:
    backend = file_backend()

    status = probe_backend(backend)

    assert not status.usable
    assert backend.entries == {}  # rejected before anything was written to it


def test_probe_rejects_a_backend_that_fails_the_test_write() -> None:
    status = probe_backend(LockedKeyring())

    assert not status.usable
    assert "KeyringLocked" in status.detail
    assert "locked: unlock it" in status.detail


def test_probe_accepts_a_working_backend_and_leaves_nothing_behind(
    backend: FakeKeyring,
) -> None:
    status = probe_backend(backend)

    assert status.usable
    assert status.name.endswith("FakeKeyring")
    assert backend.entries == {}


def test_probe_rejects_a_chainer_with_no_real_backend(monkeypatch: pytest.MonkeyPatch) -> None:
    file_backend = FileKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [file_backend, fail.Keyring()])

    status = probe_backend(chainer.ChainerBackend())

    assert not status.usable
    assert file_backend.entries == {}


def test_open_vault_uses_the_real_backend_behind_a_chainer(
    monkeypatch: pytest.MonkeyPatch, backend: FakeKeyring
) -> None:
    file_backend = FileKeyring()
    monkeypatch.setattr(chainer.ChainerBackend, "backends", [file_backend, backend])

    opened, status = open_vault("dev", chainer.ChainerBackend())
    opened.put("id_token", "t")

    assert status.usable
    assert backend.of_service(f"{SERVICE_PREFIX}/dev")["id_token"] == "t"
    assert file_backend.entries == {}


def test_open_vault_returns_a_keyring_vault_for_a_usable_backend(backend: FakeKeyring) -> None:
    opened, status = open_vault("dev", backend)

    assert isinstance(opened, KeyringVault)
    assert opened.persistent
    assert status.usable


@pytest.mark.parametrize(
    "unusable", [fail.Keyring(), null.Keyring(), FileKeyring(), LockedKeyring()]
)
def test_open_vault_falls_back_to_memory_for_an_unusable_backend(
    unusable: KeyringBackend,
) -> None:
    opened, status = open_vault("dev", unusable)

    assert isinstance(opened, MemoryVault)
    assert opened.persistent is False
    assert not status.usable
    opened.put("id_token", "t")
    assert opened.get("id_token") == "t"


def test_memory_vault_keeps_secrets_until_wiped() -> None:
    memory = MemoryVault("dev")
    memory.put("id_token", jwt_like(5_000))
    memory.put("refresh_token", "r")
    memory.delete("refresh_token")
    memory.delete("refresh_token")

    assert memory.get("id_token") == jwt_like(5_000)
    assert memory.keys() == ["id_token"]
    memory.wipe()
    assert memory.keys() == []


# The real Secret Service ----------------------------------------------------------------

needs_real_keyring = [
    pytest.mark.keyring,
    pytest.mark.skipif(
        os.environ.get("COGNITO_DESKTOP_TEST_KEYRING") != "1",
        reason="needs the real Secret Service: run under scripts/keyring-session.sh",
    ),
]


def secret_service_items(service_prefix: str) -> list[dict[str, str]]:
    """Attributes of every item, in every collection, whose service starts with the prefix."""
    import secretstorage

    with closing(secretstorage.dbus_init()) as connection:
        found = [
            item.get_attributes()
            for collection in secretstorage.get_all_collections(connection)
            for item in collection.get_all_items()
        ]
    return [
        attributes
        for attributes in found
        if attributes.get("service", "").startswith(service_prefix)
    ]


@pytest.fixture
def real_profile() -> Iterator[str]:
    from keyring.backends import SecretService

    profile = f"test-{uuid.uuid4().hex[:12]}"
    yield profile
    KeyringVault(profile, SecretService.Keyring()).wipe()


class TestRealSecretService:
    pytestmark = needs_real_keyring

    def test_long_value_round_trips_through_the_secret_service(self, real_profile: str) -> None:
        token = jwt_like(6_000)
        opened, status = open_vault(real_profile)

        opened.put("id_token", token)

        assert status.usable, status.detail
        assert isinstance(opened, KeyringVault)
        assert opened.get("id_token") == token
        assert open_vault(real_profile)[0].get("id_token") == token

    def test_wipe_leaves_no_item_of_the_profile(self, real_profile: str) -> None:
        import secretstorage

        service = f"{SERVICE_PREFIX}/{real_profile}"
        opened, _ = open_vault(real_profile)
        opened.put("id_token", jwt_like(6_000))
        opened.put("refresh_token", "r")
        stored = secret_service_items(service)
        assert {item["username"] for item in stored} == {
            "__index__",
            "refresh_token",
            "id_token",
            *(f"id_token#{i}" for i in range(6)),
        }
        assert {"service", "username"} <= set(stored[0])

        opened.wipe()

        assert secret_service_items(service) == []
        with closing(secretstorage.dbus_init()) as connection:
            assert list(secretstorage.search_items(connection, {"service": service})) == []

    def test_probe_finds_the_secret_service_usable(self) -> None:
        status = probe_backend()

        assert status.usable, status.detail
        assert "SecretService" in status.name
        assert secret_service_items(vault_module.PROBE_SERVICE) == []
