"""The OS keyring behind one small interface: a namespace per profile, chunking, wipe.

Secrets never fall back to a file: when no real OS keyring is usable, `open_vault` hands out
a `MemoryVault` and `BackendStatus` says why, so the UI can tell the operator.
"""

from __future__ import annotations

import hashlib
import json
import logging
import secrets
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol, TypeVar

import keyring
import keyring.errors
from keyring.backend import KeyringBackend
from keyring.backends import chainer, fail, null

from .errors import VaultError as VaultError

__all__ = [
    "CHUNK_SIZE",
    "SERVICE_PREFIX",
    "BackendStatus",
    "KeyringVault",
    "MemoryVault",
    "SecretVault",
    "VaultError",
    "open_vault",
    "probe_backend",
]

log = logging.getLogger(__name__)

SERVICE_PREFIX = "cognito-desktop"
# Windows Credential Manager caps one secret at 2,560 bytes, i.e. 1,280 UTF-16 code units
# through keyring; Cognito tokens are bigger. 1,000 leaves room and is the same everywhere,
# so a keyring's layout does not depend on the platform that wrote it.
CHUNK_SIZE = 1000

PROBE_SERVICE = f"{SERVICE_PREFIX}/__probe__"
_PROBE_USER = "probe"
_INDEX_KEY = "__index__"
_MANIFEST_PREFIX = "chunked:"
_MANIFEST_VERSION = "v1"
# Marks a short value that would otherwise be mistaken for a manifest (or for an escape).
_ESCAPE_PREFIX = "plain:"
_CHUNK_SEPARATOR = "#"
_MAX_PROFILE_LENGTH = 64
_MAX_KEY_LENGTH = 128
# Third-party backends that keep secrets in a file of their own, encrypted or not.
_FILE_BACKEND_MODULES = ("keyrings.alt", "keyrings.cryptfile")

_T = TypeVar("_T")


@dataclass(frozen=True)
class BackendStatus:
    """Whether secrets can be kept in an OS keyring, which one, and if not, why.

    Attributes:
        usable: True when a real OS keyring passed a write/read/delete probe.
        name: The backend's display name ("SecretService Keyring"), or "none".
        detail: A sentence for the operator: where secrets live, or what to install/unlock.
    """

    usable: bool
    name: str
    detail: str


class SecretVault(Protocol):
    """Where one profile's secrets live. Keys are short names; values are strings."""

    profile: str
    persistent: bool

    def put(self, key: str, value: str) -> None: ...

    def get(self, key: str) -> str | None: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> list[str]: ...

    def wipe(self) -> None: ...


def _check_profile(profile: str) -> None:
    if not isinstance(profile, str) or not profile:
        raise ValueError("A profile name must be a non-empty string.")
    if len(profile) > _MAX_PROFILE_LENGTH:
        raise ValueError(
            f"Profile name is too long ({len(profile)} characters); "
            f"use at most {_MAX_PROFILE_LENGTH}."
        )
    if "/" in profile:
        raise ValueError(f"Profile name {profile!r} must not contain '/'.")
    if profile != profile.strip():
        raise ValueError(f"Profile name {profile!r} must not start or end with whitespace.")
    if not profile.isprintable():
        raise ValueError(f"Profile name {profile!r} must not contain control characters.")
    if profile == PROBE_SERVICE.rpartition("/")[2]:
        raise ValueError(f"Profile name {profile!r} is reserved; choose another.")


def _check_key(key: str) -> None:
    if not isinstance(key, str) or not key:
        raise ValueError("A secret's key must be a non-empty string.")
    if len(key) > _MAX_KEY_LENGTH or not key.isprintable():
        raise ValueError(f"Secret key {key!r} is too long or holds control characters.")
    # A '#' would let a key collide with another key's chunk names ("a#0").
    if _CHUNK_SEPARATOR in key or key == _INDEX_KEY:
        raise ValueError(f"Secret key {key!r} is reserved or contains {_CHUNK_SEPARATOR!r}.")


def _check_value(value: str) -> None:
    if not isinstance(value, str):
        raise TypeError(f"A secret must be a str, not {type(value).__name__}.")


def _utf16_units(text: str) -> int:
    # What Windows counts; a character outside the BMP costs two units.
    return len(text.encode("utf-16-le", errors="surrogatepass")) // 2


def _split(value: str, limit: int) -> list[str]:
    """Cut `value` into parts of at most `limit` UTF-16 code units, never inside a character."""
    if value.isascii():
        return [value[start : start + limit] for start in range(0, len(value), limit)]
    parts: list[str] = []
    current: list[str] = []
    used = 0
    for char in value:
        cost = 2 if ord(char) > 0xFFFF else 1
        if used + cost > limit:
            parts.append("".join(current))
            current, used = [], 0
        current.append(char)
        used += cost
    if current:
        parts.append("".join(current))
    return parts


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode("utf-8", errors="surrogatepass")).hexdigest()


def _manifest(count: int, digest: str) -> str:
    return f"{_MANIFEST_PREFIX}{_MANIFEST_VERSION}:{count}:{digest}"


def _parse_manifest(stored: str) -> tuple[int, str] | None:
    fields = stored.split(":")
    if len(fields) != 4 or fields[1] != _MANIFEST_VERSION:
        return None
    count, digest = fields[2], fields[3]
    if not count.isdigit() or int(count) < 1 or len(digest) != 64:
        return None
    return int(count), digest


def _install_hint() -> str:
    if sys.platform == "darwin":
        return "The macOS Keychain should always be there; reinstall Cognito Desktop."
    if sys.platform == "win32":
        return "Windows Credential Manager should always be there; reinstall Cognito Desktop."
    return (
        "Install and start a Secret Service keyring such as gnome-keyring "
        "(Debian/Ubuntu: apt install gnome-keyring) or KWallet, in a desktop session "
        "with a D-Bus session bus."
    )


def _advice(exc: BaseException) -> str:
    """Say what the operator can do about a backend exception, from its class names only.

    Matching names keeps optional packages (secretstorage, jeepney, dbus-python, pywin32)
    out of the import, and never looks at the message, which might quote a secret.
    """
    names = {cls.__name__ for cls in type(exc).__mro__}
    if names & {"KeyringLocked", "LockedException", "PromptDismissedException"}:
        return (
            "The keyring is locked: unlock it (log in to your desktop session, or open "
            "your keyring app such as Passwords and Keys) and try again."
        )
    if "NoKeyringError" in names:
        return f"No OS keyring is available. {_install_hint()}"
    if "InitError" in names:
        return (
            "The keyring has no usable default collection: open your keyring app, make sure a "
            "default keyring exists and is unlocked, and try again."
        )
    if names & {"SecretServiceNotAvailableException", "DBusErrorResponse", "DBusException"}:
        return (
            "The keyring service could not be reached: make sure it is running "
            "(gnome-keyring or KWallet) in a session with a D-Bus session bus, and try again."
        )
    return "Make sure your keyring is running and unlocked, and try again."


def _vault_error(action: str, exc: BaseException) -> VaultError:
    return VaultError(f"Could not {action} ({type(exc).__name__}). {_advice(exc)}")


_locks_guard = threading.Lock()
_locks: dict[str, threading.RLock] = {}


def _service_lock(service: str) -> threading.RLock:
    # One lock per service, shared by every vault on it in this process: the index is a
    # read-modify-write, and worker threads may touch the same profile at once.
    with _locks_guard:
        return _locks.setdefault(service, threading.RLock())


class KeyringVault:
    """A profile's secrets in a keyring backend, under the service `cognito-desktop/<profile>`.

    Values longer than one entry allows are split into chunks `key#0..key#N-1` behind a
    manifest `chunked:v1:<N>:<sha256>` stored at `key`; an `__index__` entry lists the keys
    so that `wipe` can find them all (keyring cannot list entries portably).

    Args:
        profile: The profile whose secrets this vault holds.
        backend: The keyring backend; the one keyring selects when None.
    """

    persistent = True

    def __init__(self, profile: str, backend: KeyringBackend | None = None) -> None:
        _check_profile(profile)
        self.profile = profile
        self.service = f"{SERVICE_PREFIX}/{profile}"
        self._backend = backend if backend is not None else keyring.get_keyring()
        self._lock = _service_lock(self.service)

    def __repr__(self) -> str:
        return f"KeyringVault(profile={self.profile!r}, backend={type(self._backend).__name__})"

    def put(self, key: str, value: str) -> None:
        """Store `value` under `key`, replacing what was there."""
        _check_key(key)
        _check_value(value)
        with self._lock:
            # Index first: if the write then fails, wipe still knows where to look.
            self._add_to_index(key)
            self._write(key, value)

    def get(self, key: str) -> str | None:
        """The value under `key`, or None when absent or incomplete."""
        _check_key(key)
        with self._lock:
            return self._read(key)

    def delete(self, key: str) -> None:
        """Remove `key` and its chunks; deleting an absent key is not an error."""
        _check_key(key)
        with self._lock:
            self._erase(key)
            # Index last: if the erase fails, the key stays listed for a later wipe.
            self._remove_from_index(key)

    def keys(self) -> list[str]:
        """Keys stored through this profile's vault, oldest first."""
        with self._lock:
            return self._read_index()

    def wipe(self) -> None:
        """Delete every entry this profile wrote: values, chunks and the index."""
        with self._lock:
            for key in self._read_index():
                self._erase(key)
            self._erase(_INDEX_KEY)
        log.info("Wiped the keyring entries of profile %r", self.profile)

    # Storage layout -------------------------------------------------------------------

    def _write(self, name: str, value: str) -> None:
        old_count = self._chunk_count(name)
        stored = value
        if value.startswith((_MANIFEST_PREFIX, _ESCAPE_PREFIX)):
            stored = _ESCAPE_PREFIX + value
        if _utf16_units(stored) <= CHUNK_SIZE:
            self._set(name, stored)
            new_count = 0
        else:
            parts = _split(value, CHUNK_SIZE)
            # Parts before the manifest: a crash in between leaves the old manifest, whose
            # checksum no longer matches, so a reader sees "absent" rather than a mix.
            for index, part in enumerate(parts):
                self._set(_chunk_name(name, index), part)
            self._set(name, _manifest(len(parts), _digest(value)))
            new_count = len(parts)
        self._delete_chunks(name, start=new_count, known=old_count)

    def _read(self, name: str) -> str | None:
        stored = self._get(name)
        if stored is None:
            return None
        if stored.startswith(_ESCAPE_PREFIX):
            return stored[len(_ESCAPE_PREFIX) :]
        if not stored.startswith(_MANIFEST_PREFIX):
            return stored
        manifest = _parse_manifest(stored)
        if manifest is None:
            log.warning(
                "Secret %r of profile %r has an unreadable manifest; treating it as absent",
                name,
                self.profile,
            )
            return None
        count, digest = manifest
        parts: list[str] = []
        for index in range(count):
            part = self._get(_chunk_name(name, index))
            if part is None:
                log.warning(
                    "Secret %r of profile %r is incomplete (part %d of %d is missing); "
                    "treating it as absent",
                    name,
                    self.profile,
                    index + 1,
                    count,
                )
                return None
            parts.append(part)
        value = "".join(parts)
        if _digest(value) != digest:
            log.warning(
                "Secret %r of profile %r does not match its checksum (half-written or "
                "altered); treating it as absent",
                name,
                self.profile,
            )
            return None
        return value

    def _chunk_count(self, name: str) -> int:
        stored = self._get(name)
        if stored is None or not stored.startswith(_MANIFEST_PREFIX):
            return 0
        manifest = _parse_manifest(stored)
        return manifest[0] if manifest is not None else 0

    def _delete_chunks(self, name: str, *, start: int, known: int) -> None:
        # Past the chunks the manifest knows of, keep going while chunks exist: an
        # interrupted write may have left more behind.
        index = start
        while index < known or self._get(_chunk_name(name, index)) is not None:
            self._remove(_chunk_name(name, index))
            index += 1

    def _erase(self, name: str) -> None:
        # Chunks before the manifest: an interrupted erase leaves a manifest whose parts are
        # missing, which reads as absent, instead of orphaned chunks nothing points at.
        self._delete_chunks(name, start=0, known=self._chunk_count(name))
        self._remove(name)

    def _read_index(self) -> list[str]:
        raw = self._read(_INDEX_KEY)
        if raw is None:
            return []
        try:
            keys = json.loads(raw)
        except ValueError:
            keys = None
        if not isinstance(keys, list) or not all(isinstance(key, str) for key in keys):
            log.warning("The key index of profile %r is unreadable; ignoring it", self.profile)
            return []
        return keys

    def _add_to_index(self, key: str) -> None:
        keys = self._read_index()
        if key not in keys:
            self._write(_INDEX_KEY, json.dumps([*keys, key]))

    def _remove_from_index(self, key: str) -> None:
        keys = self._read_index()
        if key not in keys:
            return
        keys.remove(key)
        if keys:
            self._write(_INDEX_KEY, json.dumps(keys))
        else:
            self._erase(_INDEX_KEY)

    # Backend calls: every exception becomes a VaultError ---------------------------------

    def _guard(self, action: str, call: Callable[[], _T]) -> _T:
        # Backends are plug-ins with exception types of their own (secretstorage, jeepney,
        # dbus-python, pywin32); the UI needs one typed error, so catch them all here.
        try:
            return call()
        except Exception as exc:
            raise _vault_error(action, exc) from exc

    def _get(self, name: str) -> str | None:
        return self._guard(
            f"read a secret of profile {self.profile!r} from the keyring",
            lambda: self._backend.get_password(self.service, name),
        )

    def _set(self, name: str, text: str) -> None:
        try:
            self._backend.set_password(self.service, name, text)
        except Exception as exc:
            action = f"store a secret of profile {self.profile!r} in the keyring"
            # No chaining: a backend's own message might quote the text it was given.
            raise _vault_error(action, exc) from None

    def _remove(self, name: str) -> None:
        try:
            self._backend.delete_password(self.service, name)
        except keyring.errors.PasswordDeleteError:
            return  # absent already
        except Exception as exc:
            action = f"delete a secret of profile {self.profile!r} from the keyring"
            raise _vault_error(action, exc) from exc


def _chunk_name(name: str, index: int) -> str:
    return f"{name}{_CHUNK_SEPARATOR}{index}"


class MemoryVault:
    """A profile's secrets in this process only: gone when the app quits.

    Used when no OS keyring is usable, so that secrets never land in a file.
    """

    persistent = False

    def __init__(self, profile: str) -> None:
        _check_profile(profile)
        self.profile = profile
        self._values: dict[str, str] = {}
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"MemoryVault(profile={self.profile!r})"

    def put(self, key: str, value: str) -> None:
        _check_key(key)
        _check_value(value)
        with self._lock:
            self._values[key] = value

    def get(self, key: str) -> str | None:
        _check_key(key)
        with self._lock:
            return self._values.get(key)

    def delete(self, key: str) -> None:
        _check_key(key)
        with self._lock:
            self._values.pop(key, None)

    def keys(self) -> list[str]:
        with self._lock:
            return list(self._values)

    def wipe(self) -> None:
        with self._lock:
            self._values.clear()


# Choosing a backend ---------------------------------------------------------------------


def _backend_name(backend: KeyringBackend) -> str:
    name = getattr(type(backend), "name", None)
    return name if isinstance(name, str) else type(backend).__name__


def _rejection(backend: KeyringBackend) -> str | None:
    """Why `backend` is not a real OS keyring, or None when it may be one."""
    cls = type(backend)
    name = _backend_name(backend)
    if isinstance(backend, fail.Keyring):
        return f"No OS keyring is available. {_install_hint()}"
    if isinstance(backend, null.Keyring):
        return (
            "Keyring access is switched off (the null backend is selected, e.g. through "
            "PYTHON_KEYRING_BACKEND or keyringrc.cfg). Select your system keyring instead."
        )
    if isinstance(backend, chainer.ChainerBackend):
        return "A chain of keyrings is not a keyring of its own."
    module = cls.__module__
    if any(module == prefix or module.startswith(prefix + ".") for prefix in _FILE_BACKEND_MODULES):
        return (
            f"{name} keeps secrets in a file, not in the OS keyring, so Cognito Desktop will "
            f"not use it. {_install_hint()}"
        )
    try:
        priority = float(cls.priority)
    except Exception as exc:
        # keyring's backends explain in the message why they cannot run here; it holds no
        # secret, since none has been handed over yet.
        return f"{name} cannot run here ({exc}). {_install_hint()}"
    if priority < 1:
        return (
            f"{name} is not a recommended keyring (priority {priority:g}), so it is not "
            f"taken for an OS keyring. {_install_hint()}"
        )
    return None


def _exercise(backend: KeyringBackend) -> bool:
    """Write, read back and delete a throw-away entry; True when it came back intact."""
    token = secrets.token_urlsafe(16)
    backend.set_password(PROBE_SERVICE, _PROBE_USER, token)
    echoed = backend.get_password(PROBE_SERVICE, _PROBE_USER)
    backend.delete_password(PROBE_SERVICE, _PROBE_USER)
    return echoed == token


def _probe(backend: KeyringBackend | None) -> tuple[KeyringBackend | None, BackendStatus]:
    """The backend to use (None when unusable) and the status to show for it."""
    if backend is None:
        try:
            backend = keyring.get_keyring()
        except Exception as exc:
            detail = f"No keyring backend could be loaded ({type(exc).__name__}). "
            return None, BackendStatus(False, "none", detail + _install_hint())
    if isinstance(backend, chainer.ChainerBackend):
        # The chainer writes to the first of its backends; use that one directly, but only
        # if it is real, so that a write can never fall through to a file backend.
        try:
            chained: list[KeyringBackend] = list(backend.backends)
        except Exception:
            chained = []
        real = [candidate for candidate in chained if _rejection(candidate) is None]
        if not real:
            detail = f"No OS keyring is available. {_install_hint()}"
            return None, BackendStatus(False, "none", detail)
        backend = real[0]
    reason = _rejection(backend)
    if reason is not None:
        shown = "none" if isinstance(backend, fail.Keyring | null.Keyring) else None
        return None, BackendStatus(False, shown or _backend_name(backend), reason)
    name = _backend_name(backend)
    try:
        intact = _exercise(backend)
    except Exception as exc:
        detail = f"{name} failed a test write ({type(exc).__name__}). {_advice(exc)}"
        return None, BackendStatus(False, name, detail)
    if not intact:
        detail = f"{name} did not return what was stored in it; it cannot be trusted."
        return None, BackendStatus(False, name, detail)
    return backend, BackendStatus(True, name, f"Secrets are kept in the OS keyring ({name}).")


def probe_backend(backend: KeyringBackend | None = None) -> BackendStatus:
    """Whether `backend` (or keyring's choice) is a real OS keyring that works right now.

    Writes, reads and deletes an entry under `cognito-desktop/__probe__`. A locked keyring may
    ask the operator to unlock it, and this call waits for the answer: call it off the UI
    thread.
    """
    return _probe(backend)[1]


def open_vault(
    profile: str, backend: KeyringBackend | None = None
) -> tuple[SecretVault, BackendStatus]:
    """The vault for `profile`: the OS keyring when usable, else memory only, never a file.

    Raises:
        ValueError: The profile name is not valid.
    """
    _check_profile(profile)
    chosen, status = _probe(backend)
    if chosen is None:
        log.warning(
            "No usable OS keyring; the secrets of profile %r stay in memory only: %s",
            profile,
            status.detail,
        )
        return MemoryVault(profile), status
    log.info("Profile %r keeps its secrets in %s", profile, status.name)
    return KeyringVault(profile, chosen), status
