"""History and saved collections of the signed API console, stored without secrets.

History is one JSON line per request sent, per profile; collections are readable JSON
files the operator can export, import and share. Every request goes through ``sanitize``
before it touches the disk.
"""

from __future__ import annotations

import builtins
import json
import logging
import math
import os
import re
import tempfile
import threading
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, NamedTuple, cast, get_args
from urllib.parse import unquote_plus

from .api_models import DEFAULT_SERVICE, METHODS, ApiRequest, BodyKind, Pairs, RequestBody
from .config import PROFILE_NAME_RE
from .errors import ConfigError
from .logsetup import redact
from .paths import AppPaths

log = logging.getLogger(__name__)

REDACTED = "[redacted]"
COLLECTION_FORMAT = "cognito-desktop-collection/1"
BASE_URL_PLACEHOLDER = "{{base_url}}"
_BASE_URL_RE = re.compile(r"\{\{\s*base_url\s*\}\}(/?)")

# Names are compared with case and the separators '-' and '_' removed, so that
# "X-Api-Key", "x_api_key" and "XApiKey" are one rule.
_SECRET_HEADERS = {"authorization", "xamzsecuritytoken", "xamzdate", "xamzcontentsha256", "cookie"}
_SECRET_QUERY_KEYS = {"xamzsignature", "xamzcredential", "xamzsecuritytoken", "xamzdate"}
_SECRET_WORDS = ("token", "secret", "password", "passwd", "apikey", "signature", "credential")
# Headers only: a Proxy-Authorization or a Cookie2 is as secret as the plain ones.
_SECRET_HEADER_WORDS = (*_SECRET_WORDS, "authorization", "cookie")

# key=value pairs in free text (a request named after its URL, an error message)
# whose key says the value is secret, e.g. "...?X-Amz-Signature=abc&page=2".
_SECRET_PAIR_IN_TEXT = re.compile(
    r"(?i)([\w.~%-]*(?:token|secret|password|passwd|api[-_]?key|signature|credential)"
    r"[\w.~%-]*=)[^&\s#\"']*"
)
_USERINFO_RE = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*)@")


def _normalised(name: str) -> str:
    return re.sub(r"[-_\s]", "", name).lower()


def is_secret_header(name: str) -> bool:
    """True for a header that signs the request or carries a credential."""
    key = _normalised(name)
    return key in _SECRET_HEADERS or any(word in key for word in _SECRET_HEADER_WORDS)


def is_secret_query_key(key: str) -> bool:
    """True for a query parameter of a presigned URL's signature or that names a secret."""
    try:
        plain = _normalised(unquote_plus(key, errors="strict"))
    except UnicodeDecodeError:
        plain = _normalised(key)
    return plain in _SECRET_QUERY_KEYS or any(word in plain for word in _SECRET_WORDS)


def scrub_text(text: str) -> str:
    """Free text (a name, an error message) with secret-looking values replaced."""
    return redact(_SECRET_PAIR_IN_TEXT.sub(lambda m: m.group(1) + REDACTED, text))


def _sanitize_url(url: str) -> str:
    """The URL as typed, minus secret query parameters, a userinfo password and JWTs.

    Taken apart by hand rather than with urllib so that every other character,
    percent-encoding included, stays exactly as typed.
    """
    rest, hash_mark, fragment = url.partition("#")
    head, question_mark, query = rest.partition("?")
    # https://user:password@host/ — keep the user, drop the password.
    match = _USERINFO_RE.match(head)
    if match and ":" in match.group(2):
        user = match.group(2).split(":", 1)[0]
        head = f"{match.group(1)}{user}:{REDACTED}@{head[match.end() :]}"
    head = redact(head)
    if question_mark:
        params = query.split("&")
        kept = []
        for param in params:
            key, equals, value = param.partition("=")
            if not is_secret_query_key(key):
                kept.append(key + equals + redact(value))
        # A query emptied of its signature loses its '?' too; one typed empty keeps it.
        if kept:
            query = "&".join(kept)
        else:
            question_mark = ""
            query = ""
    if hash_mark:
        fragment = redact(fragment)
    return f"{head}{question_mark}{query}{hash_mark}{fragment}"


def sanitize(request: ApiRequest) -> ApiRequest:
    """The request with every secret removed, fit to be stored or copied.

    Signing headers and credential headers are dropped (they are re-created at send
    time); the signature parameters of a presigned URL are dropped; secret form
    values, JWTs and secret-looking values anywhere else become ``[redacted]``.
    Sanitizing twice changes nothing more.
    """
    headers = tuple(
        (name, redact(value)) for name, value in request.headers if not is_secret_header(name)
    )
    body = request.body
    form = tuple(
        (key, REDACTED if is_secret_query_key(key) else redact(value)) for key, value in body.form
    )
    return replace(
        request,
        url=_sanitize_url(request.url),
        headers=headers,
        body=replace(body, text=redact(body.text), form=form),
    )


# -- JSON form ---------------------------------------------------------------------------


class _Invalid(Exception):
    """A field of a stored request is wrong. Never carries the field's value."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"field '{field}': {message}")
        self.field = field
        self.message = message


def _pairs_to_json(pairs: Pairs) -> list[list[str]]:
    return [[name, value] for name, value in pairs]


def request_to_json(request: ApiRequest) -> dict[str, Any]:
    """A request as plain JSON data: every key spelled out, the body text as text."""
    body = request.body
    return {
        "method": request.method,
        "url": request.url,
        "headers": _pairs_to_json(request.headers),
        "body": {
            "kind": body.kind,
            "text": body.text,
            "form": _pairs_to_json(body.form),
            "file_path": body.file_path,
            "content_type": body.content_type,
        },
        "service": request.service,
        "region": request.region,
        "signed": request.signed,
        "timeout": request.timeout,
    }


def _object(data: object, field: str, allowed: builtins.set[str]) -> Mapping[str, Any]:
    if not isinstance(data, dict):
        raise _Invalid(field, f"expected an object, found {_json_type(data)}")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise _Invalid(
            f"{field}.{unknown[0]}" if field else unknown[0],
            f"unknown field; expected one of: {', '.join(sorted(allowed))}",
        )
    return data


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def _join(prefix: str, key: str) -> str:
    return f"{prefix}.{key}" if prefix else key


def _text(data: Mapping[str, Any], key: str, prefix: str, default: str | None) -> str:
    if key not in data:
        if default is None:
            raise _Invalid(_join(prefix, key), "is required")
        return default
    value = data[key]
    if not isinstance(value, str):
        raise _Invalid(_join(prefix, key), f"expected a string, found {_json_type(value)}")
    return value


def _number(value: object, field: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _Invalid(field, f"expected a number, found {_json_type(value)}")
    if not math.isfinite(value):
        raise _Invalid(field, "expected a finite number")
    return float(value)


def _pairs(value: object, field: str) -> Pairs:
    if not isinstance(value, list):
        raise _Invalid(field, f"expected a list of [name, value] pairs, found {_json_type(value)}")
    pairs = []
    for n, pair in enumerate(value):
        if (
            not isinstance(pair, list)
            or len(pair) != 2
            or not all(isinstance(part, str) for part in pair)
        ):
            raise _Invalid(f"{field}[{n}]", 'expected a pair of strings such as ["Accept", "*/*"]')
        pairs.append((pair[0], pair[1]))
    return tuple(pairs)


_REQUEST_KEYS = {"method", "url", "headers", "body", "service", "region", "signed", "timeout"}
_BODY_KEYS = {"kind", "text", "form", "file_path", "content_type"}
_BODY_KINDS: tuple[str, ...] = get_args(BodyKind)


def request_from_json(data: object, prefix: str = "") -> ApiRequest:
    """The inverse of ``request_to_json``; raises ``_Invalid`` naming the faulty field."""
    obj = _object(data, prefix, _REQUEST_KEYS)
    method = _text(obj, "method", prefix, None)
    if method not in METHODS:
        raise _Invalid(_join(prefix, "method"), f"expected one of {', '.join(METHODS)}")
    headers = _pairs(obj.get("headers", []), _join(prefix, "headers"))
    body_field = _join(prefix, "body")
    body_obj = _object(obj.get("body", {}), body_field, _BODY_KEYS)
    kind = _text(body_obj, "kind", body_field, "none")
    if kind not in _BODY_KINDS:
        raise _Invalid(_join(body_field, "kind"), f"expected one of {', '.join(_BODY_KINDS)}")
    body = RequestBody(
        kind=cast(BodyKind, kind),  # checked just above
        text=_text(body_obj, "text", body_field, ""),
        form=_pairs(body_obj.get("form", []), _join(body_field, "form")),
        file_path=_text(body_obj, "file_path", body_field, ""),
        content_type=_text(body_obj, "content_type", body_field, ""),
    )
    signed = obj.get("signed", True)
    if not isinstance(signed, bool):
        raise _Invalid(_join(prefix, "signed"), "expected true or false")
    timeout = _number(obj.get("timeout", 30.0), _join(prefix, "timeout"))
    if timeout <= 0:
        raise _Invalid(_join(prefix, "timeout"), "expected a number of seconds above 0")
    return ApiRequest(
        method=method,
        url=_text(obj, "url", prefix, None),
        headers=headers,
        body=body,
        service=_text(obj, "service", prefix, DEFAULT_SERVICE),
        region=_text(obj, "region", prefix, ""),
        signed=signed,
        timeout=timeout,
    )


def _dumps(data: object, indent: int | None) -> str:
    """JSON that keeps unicode readable, unless it holds what UTF-8 cannot encode
    (a lone surrogate): then escaped, so the text still round-trips."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, indent=indent, allow_nan=False)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, ensure_ascii=True, sort_keys=True, indent=indent, allow_nan=False)
    return text


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.stem[:40]}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# -- history -----------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    """One request sent: what was sent (sanitized), when, and how it ended."""

    request: ApiRequest
    sent_at: float  # seconds since the epoch
    status: int | None  # None when no response came back
    elapsed: float | None
    error: str = ""


def history_path(paths: AppPaths, profile: str) -> Path:
    """Where a profile's history lives. The profile name becomes part of a file name."""
    if not PROFILE_NAME_RE.match(profile):
        raise ConfigError(
            f"'{profile}' cannot name a history file.",
            "A profile name uses letters, digits, '.', '_' or '-' (at most 64).",
        )
    return paths.state_dir / "api" / f"history-{profile}.jsonl"


def _entry_to_json(entry: HistoryEntry) -> dict[str, Any]:
    return {
        "sent_at": entry.sent_at,
        "status": entry.status,
        "elapsed": entry.elapsed,
        "error": entry.error,
        "request": request_to_json(entry.request),
    }


def _entry_from_json(data: object) -> HistoryEntry:
    # Unknown top-level keys are ignored: a newer version may add some.
    if not isinstance(data, dict):
        raise _Invalid("", f"expected an object, found {_json_type(data)}")
    status = data.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        raise _Invalid("status", "expected a whole number or null")
    elapsed = data.get("elapsed")
    error = data.get("error", "")
    if not isinstance(error, str):
        raise _Invalid("error", "expected a string")
    if "sent_at" not in data:
        raise _Invalid("sent_at", "is required")
    return HistoryEntry(
        request=request_from_json(data.get("request"), "request"),
        sent_at=_number(data["sent_at"], "sent_at"),
        status=status,
        elapsed=None if elapsed is None else _number(elapsed, "elapsed"),
        error=error,
    )


class History:
    """A profile's sent requests, newest kept, one JSON line each.

    Append-only for speed and so that a crash loses at most the line being
    written; rewritten (atomically) only to drop the oldest beyond ``limit``.
    """

    def __init__(self, path: Path, limit: int = 500) -> None:
        if limit < 1:
            raise ValueError("a history keeps at least one entry")
        self.path = path
        self.limit = limit
        # The UI adds from worker threads; two adds must not interleave a rewrite.
        self._lock = threading.Lock()

    def add(self, entry: HistoryEntry) -> HistoryEntry:
        """Store the entry, sanitized; returns what was stored."""
        entry = replace(entry, request=sanitize(entry.request), error=scrub_text(entry.error))
        line = _dumps(_entry_to_json(entry), indent=None).encode("utf-8")
        with self._lock:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            try:
                data = self.path.read_bytes()
            except FileNotFoundError:
                data = b""
            # Split on b"\n" only: unicode line separators may sit inside the JSON strings.
            lines = [raw for raw in data.split(b"\n") if raw.strip()]
            if len(lines) < self.limit:
                # A line cut short by a crash must not swallow this one.
                prefix = b"\n" if data and not data.endswith(b"\n") else b""
                fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
                with os.fdopen(fd, "ab") as fh:
                    fh.write(prefix + line + b"\n")
            else:
                keep = [*lines[len(lines) - self.limit + 1 :], line]
                _write_atomically(self.path, b"\n".join(keep).decode("utf-8") + "\n")
        return entry

    def entries(self) -> list[HistoryEntry]:
        """Newest first. A damaged line is skipped and logged, never fatal."""
        try:
            with self._lock:  # never read half of a line being appended
                data = self.path.read_bytes()
        except FileNotFoundError:
            return []
        entries = []
        for number, raw in enumerate(data.split(b"\n"), start=1):
            if not raw.strip():
                continue
            try:
                entries.append(_entry_from_json(json.loads(raw.decode("utf-8"))))
            except UnicodeDecodeError:
                log.warning("Skipped line %d of %s: not UTF-8 text", number, self.path)
            except json.JSONDecodeError as exc:
                log.warning("Skipped line %d of %s: not JSON (%s)", number, self.path, exc.msg)
            except _Invalid as exc:
                log.warning("Skipped line %d of %s: %s", number, self.path, exc)
        entries.reverse()
        return entries[: self.limit]

    def clear(self) -> None:
        with self._lock:
            self.path.unlink(missing_ok=True)


# -- collections -------------------------------------------------------------------------


@dataclass(frozen=True)
class SavedRequest:
    name: str
    request: ApiRequest
    description: str = ""


@dataclass(frozen=True)
class Collection:
    name: str
    requests: tuple[SavedRequest, ...]


@dataclass(frozen=True)
class CollectionProblem:
    """A collection file that could not be read; it is left as it is."""

    path: Path
    message: str  # names the file, and the request and field when it is one of them

    def __str__(self) -> str:
        return self.message


class CollectionListing(NamedTuple):
    collections: list[Collection]
    problems: list[CollectionProblem]


def collections_dir(paths: AppPaths) -> Path:
    return paths.config_dir / "collections"


_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL"} | {
    f"{p}{n}" for p in ("COM", "LPT") for n in range(1, 10)
}
_NAME_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')


def check_collection_name(name: str) -> str | None:
    """Why ``name`` cannot name a collection file (on any OS we ship to), or None."""
    if not name.strip():
        return "is empty"
    if len(name) > 100:
        return "is longer than 100 characters"
    if name != name.strip():
        return "starts or ends with a space"
    if name.startswith("."):
        return "starts with a dot"
    if name.endswith("."):
        return "ends with a dot"
    if _NAME_FORBIDDEN.search(name):
        return 'contains one of < > : " / \\ | ? * or a control character'
    if name.split(".")[0].strip().upper() in _WINDOWS_RESERVED:
        return "is a name Windows reserves for devices"
    return None


def _require_name(name: str) -> None:
    why = check_collection_name(name)
    if why:
        raise ConfigError(
            f"The collection name {name!r} {why}.",
            "Use letters, digits, spaces and simple punctuation.",
        )


def _saved_to_json(saved: SavedRequest) -> dict[str, Any]:
    return {
        "name": saved.name,
        "description": saved.description,
        "request": request_to_json(saved.request),
    }


def _sanitize_saved(saved: SavedRequest) -> SavedRequest:
    # The UI names a request after its URL by default: the name can hold a signature too.
    return SavedRequest(
        name=scrub_text(saved.name),
        request=sanitize(saved.request),
        description=scrub_text(saved.description),
    )


def collection_to_text(collection: Collection) -> str:
    """The file form: pretty JSON, sorted keys, with the format marker."""
    data = {
        "format": COLLECTION_FORMAT,
        "name": collection.name,
        "requests": [_saved_to_json(saved) for saved in collection.requests],
    }
    return _dumps(data, indent=2) + "\n"


def collection_from_json(data: object, source: str) -> Collection:
    """Validate a collection's JSON data. ``source`` (a file, usually) starts every message."""

    def fail(where: str, field: str, message: str) -> ConfigError:
        place = f"{source}{where}, field '{field}'" if field else f"{source}{where}"
        return ConfigError(
            f"{place}: {message}.",
            "Fix the file, or export the collection again from Cognito Desktop.",
        )

    if not isinstance(data, dict):
        raise fail("", "", f"expected a JSON object, found {_json_type(data)}")
    unknown = sorted(set(data) - {"format", "name", "requests"})
    if unknown:
        raise fail("", unknown[0], "unknown field; expected format, name and requests")
    if data.get("format") != COLLECTION_FORMAT:
        raise fail(
            "",
            "format",
            f'expected "{COLLECTION_FORMAT}" (not a Cognito Desktop collection, '
            "or one from a newer version)",
        )
    name = data.get("name")
    if not isinstance(name, str):
        raise fail("", "name", f"expected a string, found {_json_type(name)}")
    items = data.get("requests")
    if not isinstance(items, list):
        raise fail("", "requests", f"expected a list, found {_json_type(items)}")
    saved = []
    for number, item in enumerate(items, start=1):
        label = f", request {number}"
        if isinstance(item, dict) and isinstance(item.get("name"), str):
            label += f" ({scrub_text(item['name'])!r})"
        try:
            obj = _object(item, "", {"name", "description", "request"})
            saved.append(
                SavedRequest(
                    name=_text(obj, "name", "", None),
                    description=_text(obj, "description", "", ""),
                    request=request_from_json(obj.get("request"), "request"),
                )
            )
        except _Invalid as exc:
            raise fail(label, exc.field, exc.message) from None
    return Collection(name=name, requests=tuple(saved))


def _read_collection(path: Path) -> Collection:
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text.") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(
            f"{path} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno}).",
            "Fix the file, or export the collection again from Cognito Desktop.",
        ) from None
    return collection_from_json(data, str(path))


class CollectionStore:
    """The folder of saved collections: one readable JSON file per collection.

    A collection is addressed by its file name (``NAME.json``), so a file the
    operator renames shows under its new name.
    """

    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def path_of(self, name: str) -> Path:
        _require_name(name)
        return self.folder / f"{name}.json"

    def _files(self) -> builtins.list[Path]:
        try:
            found = [
                p
                for p in self.folder.iterdir()
                # Dot files are our own temporary files (or the OS's), never collections.
                if p.suffix == ".json" and not p.name.startswith(".") and p.is_file()
            ]
        except FileNotFoundError:
            return []
        return sorted(found, key=lambda p: (p.stem.casefold(), p.stem))

    def list(self) -> CollectionListing:
        """The readable collections, and one problem per file that is not (left untouched)."""
        collections: builtins.list[Collection] = []
        problems: builtins.list[CollectionProblem] = []
        for path in self._files():
            why = check_collection_name(path.stem)
            if why:
                problems.append(
                    CollectionProblem(path, f"{path}: the file name {why}; rename the file.")
                )
                continue
            try:
                collection = _read_collection(path)
            except ConfigError as exc:
                problems.append(CollectionProblem(path, str(exc)))
                continue
            collections.append(replace(collection, name=path.stem))
        return CollectionListing(collections, problems)

    def load(self, name: str) -> Collection:
        path = self.path_of(name)
        if not path.exists():
            raise ConfigError(f"There is no collection named {name!r} in {self.folder}.")
        return replace(_read_collection(path), name=name)

    def save(self, collection: Collection) -> Collection:
        """Write (or replace) the collection atomically, sanitized; returns what was stored."""
        path = self.path_of(collection.name)
        stored, text = self._prepare(collection)
        _write_atomically(path, text)
        return stored

    def delete(self, name: str) -> None:
        self.path_of(name).unlink(missing_ok=True)

    def export(self, name: str, dest: Path) -> None:
        """Write the collection to ``dest`` (replacing it), in the same format."""
        _, text = self._prepare(self.load(name))
        _write_atomically(dest, text)

    def import_file(self, src: Path) -> Collection:
        """Read and validate ``src`` and store it. A name already taken gets " (2)",
        " (3)"...: an import never overwrites. Returns the collection as stored."""
        collection = _read_collection(src)
        why = check_collection_name(collection.name)
        if why:
            raise ConfigError(
                f"{src}, field 'name': the collection name {why}.",
                "Rename the collection in the file and import it again.",
            )
        self.folder.mkdir(parents=True, exist_ok=True)
        taken = {p.stem.casefold() for p in self._files()}
        base = collection.name
        for n in range(1, 1000):
            name = base if n == 1 else f"{base} ({n})"
            if name.casefold() in taken or check_collection_name(name):
                continue
            stored, text = self._prepare(replace(collection, name=name))
            if _create_exclusively(self.path_of(name), text):
                return stored
            taken.add(name.casefold())
        raise ConfigError(f"Too many collections are named {base!r} already in {self.folder}.")

    @staticmethod
    def _prepare(collection: Collection) -> tuple[Collection, str]:
        """Sanitize and serialize; then read the text back, so that a collection which
        could not be loaded again is refused now rather than found broken later."""
        stored = replace(
            collection, requests=tuple(_sanitize_saved(s) for s in collection.requests)
        )
        try:
            text = collection_to_text(stored)
        except ValueError:  # NaN or infinity in a number field
            raise ConfigError(
                f"Collection {collection.name!r} holds a number that JSON cannot store "
                "(infinite or not a number)."
            ) from None
        collection_from_json(json.loads(text), f"collection {collection.name!r}")
        return stored, text


def _create_exclusively(path: Path, text: str) -> bool:
    """Write a new file, complete or not at all; False when ``path`` already exists.

    A hard link of a finished temporary file refuses to replace an existing
    file, so two imports racing for one name cannot overwrite each other.
    """
    fd, tmp = tempfile.mkstemp(prefix=".import-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        try:
            os.link(tmp, path)
        except FileExistsError:
            return False
        except OSError:
            # A file system without hard links: check-then-rename, good enough alone.
            if path.exists():
                return False
            os.replace(tmp, path)
        return True
    finally:
        Path(tmp).unlink(missing_ok=True)


# -- base URL ----------------------------------------------------------------------------


def uses_base_url(request: ApiRequest) -> bool:
    return bool(_BASE_URL_RE.search(request.url))


def expand_base_url(request: ApiRequest, base_url: str) -> ApiRequest:
    """Put the profile's API base URL where the request's URL says ``{{base_url}}``."""
    if not uses_base_url(request):
        return request
    if not base_url.strip():
        raise ConfigError(
            "This request's URL starts with {{base_url}}, but the profile has no API base URL.",
            "Set api_base_url in the profile (cognito-desktop profiles path shows the file), "
            "e.g. https://abc123.execute-api.eu-west-1.amazonaws.com/prod.",
        )
    base_url = base_url.strip()
    trimmed = base_url.rstrip("/")

    # "{{base_url}}/items" joins with exactly one slash, whether or not the
    # profile's URL ends with one; a bare "{{base_url}}" is the URL itself.
    def expand(match: re.Match[str]) -> str:
        return trimmed + "/" if match.group(1) else base_url

    return replace(request, url=_BASE_URL_RE.sub(expand, request.url))


def to_portable(request: ApiRequest, base_url: str) -> ApiRequest:
    """The reverse of ``expand_base_url``: a URL under the profile's base URL is stored
    as ``{{base_url}}/...``, so the saved request works in every environment."""
    base_url = base_url.strip()
    url = request.url
    if not base_url:
        return request
    trimmed = base_url.rstrip("/")
    if trimmed and url.startswith(trimmed + "/"):
        portable = BASE_URL_PLACEHOLDER + url[len(trimmed) :]
    elif url == base_url or (url.startswith(base_url) and url[len(base_url)] in "?#"):
        portable = BASE_URL_PLACEHOLDER + url[len(base_url) :]
    else:
        return request
    return replace(request, url=portable)
