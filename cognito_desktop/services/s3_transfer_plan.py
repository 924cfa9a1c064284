"""Planning S3 transfers: which objects a download takes and where each key lands
on disk (listing, HEAD), which local files an upload sends as which keys and
which of those exist (one listing), plus what running needs without s3transfer:
temporary names, placing a finished file without overwriting, content types,
and the sentence for each failure. Takes a boto3 S3 client; imports no boto3.
"""

from __future__ import annotations

import contextlib
import errno
import mimetypes
import os
import re
import secrets
import stat
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import CancelledError, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeGuard

from .s3_models import (
    S3AccessDenied,
    S3Error,
    S3Location,
    S3NotFound,
    TransferCancelled,
    TransferItem,
    TransferPlan,
)
from .s3_names import key_problem

TEMP_MARK = ".cdpart-"
NAME_MAX_BYTES = 255
FOLDER_CONTENT_TYPE = "application/x-directory"
_DEFAULT_TYPE = "application/octet-stream"
# mimetypes reports compression as an "encoding" ('x.csv.gz' -> text/csv + gzip):
# stored without Content-Encoding, such a file is the archive, not the text.
_ENCODING_TYPES = {
    "gzip": "application/gzip",
    "bzip2": "application/x-bzip2",
    "xz": "application/x-xz",
    "br": "application/x-brotli",
    "compress": "application/x-compress",
}
_WINDOWS_RESERVED = re.compile(r"^(CON|PRN|AUX|NUL|COM[1-9]|LPT[1-9])(\..*)?$", re.IGNORECASE)
_WINDOWS_BAD = re.compile(r'[<>:"|?*\\\x00-\x1f]')
_ROLE = re.compile(r"assumed-role/([^/\s]+)")
_SECRETISH = re.compile(r"(ASIA|AKIA)[A-Z0-9]{12,}")


def clean(message: str) -> str:
    """Messages are shown and logged: an access key id has no business there."""
    return _SECRETISH.sub("[access key]", message).strip()


def role_in(message: str) -> str:
    """The role name in an AccessDenied message ('...assumed-role/NAME/...'), or ''."""
    found = _ROLE.search(message)
    return found.group(1) if found else ""


def s3_uri(bucket: str, key: str) -> str:
    return f"s3://{bucket}/{key}"


# -- downloads: key -> local path ---------------------------------------------------


def segment_problem(segment: str, *, windows: bool = os.name == "nt") -> str:
    """Why ``segment`` cannot be one file or folder name on this system, or ''."""
    if segment in ("", ".", ".."):
        return f"'{segment}' is not a usable file or folder name" if segment else "an empty name"
    if "\x00" in segment:
        return "a NUL character"
    if windows:
        if _WINDOWS_BAD.search(segment):
            return f"'{segment}' has a character Windows does not allow in names"
        if _WINDOWS_RESERVED.match(segment) or segment[-1] in ". ":
            return f"'{segment}' is not a valid Windows file name"
    return ""


def download_target(key: str, base_prefix: str, target_dir: Path) -> tuple[Path | None, str]:
    """Where ``key`` goes: ``target_dir / key[len(base_prefix):]``. Returns
    (path, '') or (None, sentence) for a key that cannot be saved there
    (outside ``base_prefix``, '..', '.', an empty segment as in 'a//b' or a
    leading '/', a name the OS refuses). A folder marker (ending in '/') maps
    to its folder; the marker of ``base_prefix`` itself maps to ``target_dir``."""
    if not key.startswith(base_prefix):
        return None, f"Key '{key}' is not inside '{base_prefix}', so it has no place in the folder."
    rel = key[len(base_prefix) :]
    if rel == "":
        return target_dir, ""
    parts = rel[:-1].split("/") if rel.endswith("/") else rel.split("/")
    for part in parts:
        why = segment_problem(part)
        if why:
            return None, (
                f"Key '{key}' was not saved: its path below '{base_prefix or '/'}' has {why}, "
                f"so it would land outside '{target_dir}' or clash with another file."
            )
    return target_dir.joinpath(*parts), ""


class ContainmentCheck:
    """Whether a folder below ``target_dir`` really stays inside it once symbolic
    links on the way are followed. Cached per folder."""

    def __init__(self, target_dir: Path) -> None:
        self.target = target_dir
        self.root = os.path.realpath(target_dir)
        self._seen: dict[Path, bool] = {}

    def inside(self, folder: Path) -> bool:
        found = self._seen.get(folder)
        if found is None:
            probe = folder  # the deepest part that exists already (the rest we create)
            while probe != self.target and not os.path.lexists(probe):
                probe = probe.parent
            real = os.path.realpath(probe)
            found = probe == self.target or real.startswith(self.root.rstrip(os.sep) + os.sep)
            self._seen[folder] = found
        return found


def temp_path(final: str) -> str:
    """A hidden temporary name next to ``final``: '.<name>.cdpart-<random>',
    the name cut so the whole stays within 255 bytes."""
    folder, name = os.path.split(final)
    tail = TEMP_MARK + secrets.token_hex(6)
    budget = NAME_MAX_BYTES - 1 - len(tail)
    raw = os.fsencode(name)
    if len(raw) > budget:
        name = raw[:budget].decode("utf-8", "ignore")
    return os.path.join(folder, "." + name + tail)


def place_exclusive(temp: str, final: str) -> None:
    """Put the complete ``temp`` at ``final`` only if nothing is there: raises
    FileExistsError (and leaves ``final`` alone) when something is."""
    if os.name == "nt":
        os.rename(temp, final)  # Windows refuses to rename over an existing file
        return
    try:
        os.link(temp, final)
    except FileExistsError:
        raise
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOTSUP, errno.EMLINK):
            raise
        # A file system without hard links (FAT, some network mounts): claim the
        # name first, atomically, then move the content onto our own claim.
        fd = os.open(final, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        os.close(fd)
        os.replace(temp, final)
    else:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)


# -- plans -------------------------------------------------------------------------


def plan_download(
    client: Any,
    bucket: str,
    keys: Sequence[str],
    prefixes: Sequence[str],
    base_prefix: str,
    target_dir: Path,
    *,
    concurrency: int = 10,
    cancel: threading.Event | None = None,
) -> TransferPlan:
    """Each key goes to target_dir / key[len(base_prefix):]; prefixes are
    expanded by listing. A key that would escape target_dir is refused."""
    target = Path(os.path.abspath(target_dir))
    found: dict[str, tuple[int, str, str]] = {}  # key -> (size, etag, problem)
    singles = list(dict.fromkeys(keys))
    found.update(zip(singles, _heads(client, bucket, singles, concurrency, cancel), strict=True))
    for prefix in prefixes:
        for key, size, etag in _listing(client, bucket, prefix, "", cancel):
            found.setdefault(key, (size, etag, ""))
    inside = ContainmentCheck(target)
    items: list[TransferItem] = []
    for key, (size, etag, problem) in found.items():
        dest, why = download_target(key, base_prefix, target)
        if dest is None:
            items.append(TransferItem(len(items), "download", bucket, key, "", size, problem=why))
            continue
        if dest == target:
            continue  # the marker of the folder being downloaded: that is target_dir
        if not inside.inside(dest.parent):
            problem = problem or (
                f"Key '{key}' was not saved: a symbolic link on the way to {dest} "
                f"leads outside '{target}'."
            )
        folder = key.endswith("/")
        exists = not folder and not problem and os.path.lexists(dest)
        items.append(
            TransferItem(
                len(items), "download", bucket, key, str(dest), 0 if folder else size,
                exists=exists, etag="" if folder else etag, problem=problem,
            )
        )  # fmt: skip
    return TransferPlan("download", tuple(items), sum(i.size for i in items))


def plan_upload(
    client: Any,
    paths: Sequence[Path],
    destination: S3Location,
    *,
    cancel: threading.Event | None = None,
) -> TransferPlan:
    """Files and folders (walked) to destination.prefix + relative path;
    existing keys found with one listing, not a HEAD per file."""
    entries = []
    for entry in upload_entries(paths, destination.prefix):
        check_cancel(cancel)
        entries.append(entry)
    existing = _existing(client, destination, entries, cancel)
    items: list[TransferItem] = []
    for entry in entries:
        if entry.is_folder and not entry.problem and entry.key in existing:
            continue  # that folder is there already: nothing to do
        items.append(
            TransferItem(
                len(items), "upload", destination.bucket, entry.key, entry.local, entry.size,
                exists=entry.key in existing and not entry.problem, problem=entry.problem,
            )
        )  # fmt: skip
    return TransferPlan("upload", tuple(items), sum(i.size for i in items))


def _heads(
    client: Any, bucket: str, keys: list[str], concurrency: int, cancel: threading.Event | None
) -> list[tuple[int, str, str]]:
    def head(key: str) -> tuple[int, str, str]:
        check_cancel(cancel)
        try:
            answer = client.head_object(Bucket=bucket, Key=key)
        except Exception as exc:
            uri = s3_uri(bucket, key)
            return 0, "", s3_sentence(exc, "download", "s3:GetObject", uri)
        return int(answer["ContentLength"]), str(answer.get("ETag", "")), ""

    if len(keys) <= 1:
        return [head(key) for key in keys]
    with ThreadPoolExecutor(min(concurrency, len(keys))) as pool:
        return list(pool.map(head, keys))


def _listing(
    client: Any, bucket: str, prefix: str, delimiter: str, cancel: threading.Event | None
) -> Iterator[tuple[str, int, str]]:
    """(key, size, etag) of every object below ``prefix``: one paginated ListObjectsV2."""
    args = {"Bucket": bucket, "Prefix": prefix}
    if delimiter:
        args["Delimiter"] = delimiter
    try:
        for page in client.get_paginator("list_objects_v2").paginate(**args):
            check_cancel(cancel)
            for obj in page.get("Contents", ()):
                yield obj["Key"], int(obj.get("Size", 0)), str(obj.get("ETag", ""))
    except S3Error:
        raise
    except Exception as exc:
        raise _listing_error(exc, bucket, prefix) from exc


def _existing(
    client: Any, destination: S3Location, entries: list[UploadEntry], cancel: threading.Event | None
) -> set[str]:
    """The planned keys already in the bucket: one listing per folder being
    uploaded, plus one of the destination's own level for single files."""
    roots: set[str] = set()
    direct = False
    for entry in entries:
        rel = entry.key[len(destination.prefix) :]
        if "/" in rel.rstrip("/") or rel.endswith("/"):
            roots.add(destination.prefix + rel.split("/", 1)[0] + "/")
        else:
            direct = True
    listings = [(root, "") for root in sorted(roots)]
    if direct:
        listings.append((destination.prefix, "/"))
    found = set[str]()
    for prefix, delimiter in listings:
        try:
            listed = _listing(client, destination.bucket, prefix, delimiter, cancel)
            found.update(key for key, _, _ in listed)
        except S3AccessDenied:
            # Not allowed to look: If-None-Match still keeps what is there.
            continue
    return found


def check_cancel(cancel: threading.Event | None) -> None:
    if cancel is not None and cancel.is_set():
        raise TransferCancelled("The transfer was cancelled before it started.")


def _listing_error(exc: Exception, bucket: str, prefix: str) -> S3Error:
    uri = s3_uri(bucket, prefix)
    code, status, message = error_code(exc)
    sentence = s3_sentence(exc, "list", "s3:ListBucket", uri)
    if code in ("AccessDenied", "403") or status == 403:
        return S3AccessDenied(
            sentence,
            "Ask for s3:ListBucket on this folder, or pick the files one by one.",
            "s3:ListBucket",
            uri,
            role_in(message),
        )
    if code == "NoSuchBucket":
        return S3NotFound(sentence, "Check the bucket name.")
    return S3Error(sentence, "Try again.")


# -- uploads: local tree -> keys -----------------------------------------------------


@dataclass(frozen=True, slots=True)
class UploadEntry:
    local: str
    key: str
    size: int
    problem: str = ""

    @property
    def is_folder(self) -> bool:
        return self.key.endswith("/")


def content_type(name: str) -> str:
    """The Content-Type an upload of ``name`` gets, guessed from its extension."""
    guessed, encoding = mimetypes.guess_type(name, strict=False)
    if encoding:
        return _ENCODING_TYPES.get(encoding, _DEFAULT_TYPE)
    return guessed or _DEFAULT_TYPE


def upload_entries(paths: Sequence[Path], prefix: str) -> Iterator[UploadEntry]:
    """Files as ``prefix + name``; folders walked (symbolic links followed,
    loops skipped) as ``prefix + folder/relative/path``; empty folders as
    folder markers. Entries that cannot be uploaded carry a problem sentence."""
    for given in paths:
        path = Path(os.path.abspath(given))
        try:
            info = path.stat()
        except OSError as exc:
            yield UploadEntry(str(path), prefix + path.name, 0, _local_sentence(exc, path))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path, prefix + path.name + "/")
        else:
            yield _file_entry(path, prefix + path.name, info)


def _file_entry(path: Path, key: str, info: os.stat_result | None = None) -> UploadEntry:
    try:
        info = info or path.stat()
    except OSError as exc:
        return UploadEntry(str(path), key, 0, _local_sentence(exc, path))
    if not stat.S_ISREG(info.st_mode):
        return UploadEntry(str(path), key, 0, f"{path} is not a regular file; not uploaded.")
    if why := key_problem(key):
        return UploadEntry(str(path), key, info.st_size, f"{path} was not uploaded: {why}")
    return UploadEntry(str(path), key, info.st_size)


def _walk(top: Path, top_key: str) -> Iterator[UploadEntry]:
    errors: list[OSError] = []
    visited: set[tuple[int, int]] = set()
    top_info = top.stat()
    visited.add((top_info.st_dev, top_info.st_ino))
    for root, dirs, files in os.walk(top, followlinks=True, onerror=errors.append):
        here = Path(root)
        for err in errors:
            where = Path(err.filename) if err.filename else here
            yield UploadEntry(
                str(where), _key_for(top, top_key, where) + "/", 0, _local_sentence(err, where)
            )
        errors.clear()
        kept = []
        for name in sorted(dirs):
            try:
                info = (here / name).stat()
            except OSError:
                continue  # a dangling link to a folder: nothing to upload
            ident = (info.st_dev, info.st_ino)
            if ident not in visited:  # a link back up (a loop) is walked once only
                visited.add(ident)
                kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            yield _file_entry(here / name, _key_for(top, top_key, here / name))
        if not kept and not files:
            key = _key_for(top, top_key, here)
            key = key if key.endswith("/") else key + "/"
            yield UploadEntry(
                str(here), key, 0, f"Folder path '{key}' is not valid." if key_problem(key) else ""
            )


def _key_for(top: Path, top_key: str, path: Path) -> str:
    rel = path.relative_to(top).as_posix()
    return top_key if rel == "." else top_key + rel


# -- sentences -----------------------------------------------------------------------

_CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidAccessKeyId",
        "InvalidToken",
        "SignatureDoesNotMatch",
        "TokenRefreshRequired",
    }
)


def cause(exc: BaseException) -> BaseException:
    """The error under s3transfer's wrappers (RetriesExceededError,
    S3DownloadFailedError...): the ClientError or connection error itself."""
    seen = exc
    for _ in range(5):
        if isinstance(getattr(seen, "response", None), dict):
            return seen
        under = getattr(seen, "last_exception", None) or seen.__cause__ or seen.__context__
        if not isinstance(under, BaseException):
            break
        seen = under
    return seen if seen is not exc and not isinstance(seen, CancelledError) else exc


def error_code(exc: BaseException) -> tuple[str, int, str]:
    """(code, HTTP status, message) of a botocore ClientError; ('', 0, '') otherwise."""
    response: Any = getattr(cause(exc), "response", None)
    if not isinstance(response, dict):
        return "", 0, ""
    error = response.get("Error") or {}
    status = (response.get("ResponseMetadata") or {}).get("HTTPStatusCode") or 0
    return str(error.get("Code", "")), int(status), clean(str(error.get("Message", "")))


def s3_sentence(exc: BaseException, verb: str, action: str, uri: str) -> str:
    """One sentence for an S3 refusal of ``verb`` ('download', 'upload', 'read')
    on ``uri``; ``action`` is the IAM action it needed."""
    code, status, message = error_code(exc)
    if code in ("AccessDenied", "403", "Forbidden") or (
        status == 403 and code not in _CREDENTIAL_CODES
    ):
        return f"Could not {verb} {uri}: your role may not {action} there (access denied)."
    if code in _CREDENTIAL_CODES:
        return (
            f"Could not {verb} {uri}: AWS did not accept the session's credentials ({code}); "
            "renew them or sign in again."
        )
    if code == "NoSuchBucket":
        return f"Could not {verb} {uri}: the bucket does not exist."
    if code in ("NoSuchKey", "404", "NotFound"):
        return f"Could not {verb} {uri}: the object no longer exists (deleted after listing)."
    if code in ("PreconditionFailed", "412"):
        if verb == "upload":
            return f"Did not upload to {uri}: an object appeared there meanwhile; it was kept."
        return f"Could not {verb} {uri}: the object changed after the list was made; list it again."
    if code:
        return f"Could not {verb} {uri}: S3 said {code}" + (
            f" ({message.rstrip('.')})." if message else "."
        )
    exc = cause(exc)
    name = type(exc).__name__
    if name in (
        "EndpointConnectionError",
        "ConnectTimeoutError",
        "ReadTimeoutError",
        "ConnectionClosedError",
    ):
        return f"Could not {verb} {uri}: the connection to S3 failed ({name}); try again."
    return f"Could not {verb} {uri}: {clean(str(exc)) or name}."


def _local_sentence(exc: OSError, path: Path | str) -> str:
    return f"Could not read {path}: {exc.strerror or exc}."


def _is_local(exc: BaseException) -> TypeGuard[OSError]:
    """A file system error (not a network one dressed as OSError by requests/urllib3)."""
    library = type(exc).__module__.split(".")[0]
    return isinstance(exc, OSError) and library not in ("botocore", "urllib3", "requests")


def download_sentence(exc: BaseException, bucket: str, key: str, local: str) -> str:
    uri = s3_uri(bucket, key)
    if isinstance(exc, FileExistsError):
        return f"Did not save {uri}: {local} appeared during the download and was left as it was."
    if isinstance(exc, IsADirectoryError):
        return f"Did not save {uri}: {local} is a folder."
    if _is_local(exc):
        return f"Could not save {uri} as {local}: {exc.strerror or exc}."
    return s3_sentence(exc, "download", "s3:GetObject", uri)


def upload_sentence(exc: BaseException, bucket: str, key: str, local: str) -> str:
    if _is_local(exc):
        return f"Could not upload {local}: {exc.strerror or exc}."
    return s3_sentence(exc, "upload", "s3:PutObject", s3_uri(bucket, key))
