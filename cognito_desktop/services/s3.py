"""The S3 panel's operations: places, paged listings, details, preview, folders,
delete, presigned links.

Takes a CredentialSource (``Session`` is one). Every botocore error becomes an
S3Error subclass with a sentence; an AccessDenied names the action, the
resource and the role. A request refused for its credentials (expired token,
unknown key, bad signature) renews the credentials and is retried once.
Names are checked before any request. boto3 is imported lazily.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

from .config import Profile
from .errors import NetworkError
from .identity import AwsCredentials
from .s3_errors import RETRY_HINT, RenewingClient, from_code
from .s3_models import (
    DeletePlan,
    DeleteResult,
    ListingPage,
    ObjectDetails,
    Place,
    Places,
    PresignedUrl,
    Preview,
    S3AccessDenied,
    S3CredentialsError,
    S3Error,
    S3Location,
    S3NameError,
    S3NotFound,
    TransferCancelled,
)
from .s3_names import check_bucket, check_folder_name, check_key, check_prefix, parse_location
from .s3_preview import (
    build_preview,
    fetch_plan,
    human_duration,
    image_type,
    too_large_image,
)

PAGE_SIZE = 1000
DELETE_BATCH = 1000  # DeleteObjects takes at most 1,000 keys
SIGV4_MAX_SECONDS = 7 * 24 * 3600
PRESIGN_SAFETY = 60  # seconds kept back from the credentials' expiry
LIST_BUCKETS_DENIED = (
    "Your role may not list all buckets (s3:ListAllMyBuckets); "
    "showing the places the profile names."
)
_VERSIONS_MARK = "v1:"


class CredentialSource(Protocol):
    """What the S3 services need of a session (``services.session.Session`` fits)."""

    profile: Profile
    identity_id: str

    def client(self, service: str, **kwargs: Any) -> Any: ...

    def ensure_fresh(self, margin: float = ...) -> AwsCredentials | None: ...


def s3_config() -> Any:
    """The botocore Config for S3 clients: path-style addressing for custom
    endpoints, a connection pool big enough for parallel transfers."""
    from botocore.config import Config

    return Config(
        s3={"addressing_style": "path"},
        signature_version="s3v4",  # presigned links too: SigV2 ones would not name their expiry
        max_pool_connections=32,
        retries={"mode": "standard", "max_attempts": 3},
        connect_timeout=10,
        read_timeout=60,
    )


def _check_location(location: S3Location) -> None:
    check_bucket(location.bucket)
    check_prefix(location.prefix)


def _encode_versions_token(key_marker: str, version_marker: str) -> str:
    raw = json.dumps([key_marker, version_marker]).encode()
    return _VERSIONS_MARK + base64.urlsafe_b64encode(raw).decode()


def _decode_versions_token(token: str) -> tuple[str, str]:
    try:
        if not token.startswith(_VERSIONS_MARK):
            raise ValueError(token)
        key, version = json.loads(base64.urlsafe_b64decode(token[len(_VERSIONS_MARK) :]))
        return str(key), str(version)
    except (ValueError, TypeError, binascii.Error) as exc:
        raise S3Error(
            "This page token does not belong to a versions listing.",
            "Refresh the folder to start from its first page.",
        ) from exc


class S3Service:
    """S3 operations for one session. Thread-safe: the UI calls it from the worker pool."""

    def __init__(
        self,
        source: CredentialSource,
        *,
        client_factory: Callable[[], Any] | None = None,
    ) -> None:
        self.source = source
        factory = client_factory or (lambda: source.client("s3", config=s3_config()))
        self._calls = RenewingClient(lambda: source.ensure_fresh(margin=float("inf")), factory)
        self._signers: dict[str, Any] = {}
        self._signers_lock = threading.Lock()

    def _call(
        self, operation: str, resource: str = "", *, versioned: bool = False, **params: Any
    ) -> Any:
        """``client.<operation>(**params)``: errors translated, credentials renewed once."""
        return self._calls.call(operation, resource, versioned=versioned, **params)

    # -- places -----------------------------------------------------------------

    def places(self) -> Places:
        """Buckets from ListBuckets when allowed, plus the profile's s3_locations,
        plus "My files" (private/<identity id>/, protected/<identity id>/ of each
        profile bucket). Places.note says when ListBuckets was denied."""
        found: list[Place] = []
        note = ""
        try:
            response = self._call("list_buckets", "s3://")
        except S3AccessDenied:
            note = LIST_BUCKETS_DENIED
        except (NetworkError, S3CredentialsError):
            raise
        except S3Error as exc:
            note = f"The buckets could not be listed: {exc.message} Showing the profile's places."
        else:
            for bucket in response.get("Buckets", []):
                found.append(Place(bucket["Name"], S3Location(bucket["Name"]), "bucket"))
        buckets: list[str] = []
        for text in self.source.profile.s3_locations:
            try:
                location = parse_location(text)
            except S3NameError:
                continue  # the profile loader has named it already
            label = f"{location.bucket}/{location.prefix}"
            found.append(Place(label, location, "profile"))
            if location.bucket not in buckets:
                buckets.append(location.bucket)
        identity_id = self.source.identity_id
        if identity_id:
            for bucket in buckets:
                for level in ("private", "protected"):
                    location = S3Location(bucket, f"{level}/{identity_id}/")
                    found.append(Place(f"My {level} files ({bucket})", location, "mine"))
        if note and not buckets:
            note += " The profile names none: add s3_locations to it, or type an s3:// address."
        seen: set[S3Location] = set()
        unique = []
        for place in found:
            if place.location not in seen:
                seen.add(place.location)
                unique.append(place)
        return Places(tuple(unique), note)

    # -- listing ----------------------------------------------------------------

    def list_page(
        self,
        location: S3Location,
        token: str | None = None,
        *,
        page_size: int = PAGE_SIZE,
        search: str = "",
        versions: bool = False,
    ) -> ListingPage:
        """One page of the folder ``location`` (delimiter '/'). ``search`` is a
        server-side name prefix inside the folder. ``versions`` lists object
        versions and delete markers instead (ListObjectVersions)."""
        _check_location(location)
        if versions:
            return self._versions_page(location, token, page_size, search)
        folder = location.prefix
        params: dict[str, Any] = {
            "Bucket": location.bucket,
            "Delimiter": "/",
            "Prefix": folder + search,
            "MaxKeys": page_size,
        }
        if token:
            params["ContinuationToken"] = token
        started = time.perf_counter()
        response = self._call("list_objects_v2", location.uri, **params)
        round_trip = time.perf_counter() - started
        n = len(folder)
        contents = response.get("Contents") or []
        if contents and contents[0]["Key"] == folder:
            contents = contents[1:]  # the folder marker sorts first
        return ListingPage(
            location=location,
            folders=[p["Prefix"][n:] for p in response.get("CommonPrefixes") or ()],
            names=[c["Key"][n:] for c in contents],
            sizes=[c["Size"] for c in contents],
            modified=[c["LastModified"].timestamp() for c in contents],
            etags=[c.get("ETag", "").strip('"') for c in contents],
            storage_classes=[c.get("StorageClass") or "STANDARD" for c in contents],
            next_token=response.get("NextContinuationToken")
            if response.get("IsTruncated")
            else None,
            round_trip=round_trip,
        )

    def _versions_page(
        self, location: S3Location, token: str | None, page_size: int, search: str
    ) -> ListingPage:
        folder = location.prefix
        params: dict[str, Any] = {
            "Bucket": location.bucket,
            "Delimiter": "/",
            "Prefix": folder + search,
            "MaxKeys": page_size,
        }
        if token:
            params["KeyMarker"], version_marker = _decode_versions_token(token)
            if version_marker:
                params["VersionIdMarker"] = version_marker
        started = time.perf_counter()
        response = self._call("list_object_versions", location.uri, **params)
        round_trip = time.perf_counter() - started
        entries = [(v, False) for v in response.get("Versions") or ()]
        entries += [(m, True) for m in response.get("DeleteMarkers") or ()]
        entries = [e for e in entries if e[0]["Key"] != folder]
        # S3 sends versions and delete markers apart; shown together, newest first per key.
        entries.sort(
            key=lambda e: (e[0]["Key"], not e[0].get("IsLatest"), -e[0]["LastModified"].timestamp())
        )
        n = len(folder)
        next_token = None
        if response.get("IsTruncated"):
            next_token = _encode_versions_token(
                response.get("NextKeyMarker", ""), response.get("NextVersionIdMarker", "")
            )
        return ListingPage(
            location=location,
            folders=[p["Prefix"][n:] for p in response.get("CommonPrefixes") or ()],
            names=[e["Key"][n:] for e, _ in entries],
            sizes=[0 if marker else e.get("Size", 0) for e, marker in entries],
            modified=[e["LastModified"].timestamp() for e, _ in entries],
            etags=[e.get("ETag", "").strip('"') for e, _ in entries],
            storage_classes=[e.get("StorageClass") or "STANDARD" for e, _ in entries],
            next_token=next_token,
            round_trip=round_trip,
            version_ids=[e.get("VersionId") or "null" for e, _ in entries],
            is_latest=[bool(e.get("IsLatest")) for e, _ in entries],
            delete_markers=[marker for _, marker in entries],
        )

    def iter_pages(
        self, location: S3Location, *, page_size: int = PAGE_SIZE, search: str = ""
    ) -> Iterator[ListingPage]:
        token: str | None = None
        while True:
            page = self.list_page(location, token, page_size=page_size, search=search)
            yield page
            token = page.next_token
            if token is None:
                return

    def versioning_enabled(self, bucket: str) -> bool:
        """Whether the bucket has (or had) versioning: Enabled or Suspended.
        False when GetBucketVersioning is denied."""
        check_bucket(bucket)
        try:
            response = self._call("get_bucket_versioning", f"s3://{bucket}", Bucket=bucket)
        except S3AccessDenied:
            return False
        return response.get("Status") in ("Enabled", "Suspended")

    # -- one object ---------------------------------------------------------------

    def _object_params(self, location: S3Location, version_id: str) -> dict[str, Any]:
        check_bucket(location.bucket)
        check_key(location.prefix)
        params: dict[str, Any] = {"Bucket": location.bucket, "Key": location.prefix}
        if version_id:
            params["VersionId"] = version_id
        return params

    def details(self, location: S3Location, version_id: str = "") -> ObjectDetails:
        params = self._object_params(location, version_id)
        versioned = bool(version_id)
        head = self._head(location, params)
        tags: dict[str, str] | None = None
        tags_note = ""
        try:
            tagging = self._call("get_object_tagging", location.uri, versioned=versioned, **params)
        except S3AccessDenied as exc:
            tags_note = f"Your role may not {exc.action} here."
        except (NetworkError, S3CredentialsError):
            raise
        except S3Error as exc:
            tags_note = f"The tags could not be read: {exc.message}"
        else:
            tags = {t["Key"]: t["Value"] for t in tagging.get("TagSet", [])}
        return ObjectDetails(
            location=location,
            size=int(head.get("ContentLength", 0)),
            modified=head["LastModified"],
            etag=str(head.get("ETag", "")).strip('"'),
            storage_class=head.get("StorageClass") or "STANDARD",
            content_type=head.get("ContentType", ""),
            metadata=dict(head.get("Metadata") or {}),
            tags=tags,
            tags_note=tags_note,
            version_id=head.get("VersionId") or version_id,
            content_encoding=head.get("ContentEncoding", ""),
            cache_control=head.get("CacheControl", ""),
        )

    def _get(
        self, location: S3Location, params: dict[str, Any], length: int | None
    ) -> tuple[bytes, str, int]:
        """The object's first ``length`` bytes (all when None), its content type and
        its size now (which may differ from the listing's, if it changed since)."""
        if length is not None:
            params = {**params, "Range": f"bytes=0-{length - 1}"}
        response = self._call("get_object", location.uri, versioned="VersionId" in params, **params)
        body = response["Body"]
        try:
            data: bytes = body.read()
        except Exception as exc:
            raise NetworkError(
                f"The connection broke while reading {location.uri}.", RETRY_HINT
            ) from exc
        finally:
            body.close()
        total = len(data)
        content_range = str(response.get("ContentRange", ""))  # "bytes 0-262143/1887436"
        if "/" in content_range and content_range.rsplit("/", 1)[1].isdigit():
            total = int(content_range.rsplit("/", 1)[1])
        return data, str(response.get("ContentType", "")), total

    def _head(self, location: S3Location, params: dict[str, Any]) -> Any:
        """HeadObject. A refused HEAD has no body (a bare 403 or 400), so it names no
        role and cannot tell a denial from refused or expired credentials: a
        one-byte GET of the same object then says which, and renews if need be."""
        versioned = "VersionId" in params
        try:
            return self._call("head_object", location.uri, versioned=versioned, **params)
        except S3AccessDenied as exc:
            if exc.role:
                raise
        except (S3NotFound, S3CredentialsError, NetworkError):
            raise
        except S3Error:
            pass  # a bare 400: perhaps an expired token
        try:
            self._get(location, params, 1)
        except (S3AccessDenied, S3CredentialsError, S3NotFound, NetworkError):
            raise
        except S3Error:
            pass  # e.g. InvalidRange: reading is allowed after all
        return self._call("head_object", location.uri, versioned=versioned, **params)

    def preview(self, location: S3Location, size: int, version_id: str = "") -> Preview:
        """Text, JSON (pretty), CSV (rows), image, or a hex head; ranged GET of
        the head of large objects (PREVIEW_TEXT_BYTES). ``size`` is the listing's;
        the object's size when read wins."""
        params = self._object_params(location, version_id)
        key = location.prefix
        if size <= 0:
            return Preview("empty", 0, 0, note="The object is empty.")
        if note := too_large_image(key, "", size):
            return Preview("image", size, 0, note=note)
        data, content_type, total = self._get(location, params, fetch_plan(key, size))
        if len(data) < total and image_type(key, content_type, data):
            if note := too_large_image(key, content_type, total):
                return Preview("image", total, 0, note=note)
            data, content_type, total = self._get(location, params, None)
        return build_preview(key, content_type, data, total)

    # -- folders and delete -----------------------------------------------------

    def create_folder(self, parent: S3Location, name: str) -> S3Location:
        """A zero-byte ``name/`` marker inside ``parent``; name checked first."""
        check_bucket(parent.bucket)
        prefix = check_folder_name(name, parent)
        folder = S3Location(parent.bucket, prefix)
        try:
            existing = self._call(
                "list_objects_v2", folder.uri, Bucket=parent.bucket, Prefix=prefix, MaxKeys=1
            )
        except S3AccessDenied:
            existing = {}  # may write but not list here: S3 keeps an existing marker as it is
        if existing.get("KeyCount") or existing.get("Contents"):
            raise S3Error(
                f"A folder named '{prefix[len(parent.prefix) :]}' exists already in {parent.uri}.",
                "Open it, or choose another name.",
            )
        self._call("put_object", folder.uri, Bucket=parent.bucket, Key=prefix, Body=b"")
        return folder

    def plan_delete(
        self,
        bucket: str,
        keys: Sequence[str] = (),
        prefixes: Sequence[str] = (),
        versions: Sequence[tuple[str, str]] = (),
        *,
        cancel: threading.Event | None = None,
        on_count: Callable[[int], None] | None = None,
    ) -> DeletePlan:
        """Expand prefixes (no delimiter: every key below, markers included) so
        the confirmation can show the count."""
        check_bucket(bucket)
        for key in keys:
            check_key(key)
        for key, _ in versions:
            check_key(key)
        for prefix in prefixes:
            if not prefix:
                raise S3NameError(
                    "Deleting everything in a bucket is not offered here.",
                    "Select the folders or objects to delete.",
                )
            check_prefix(prefix)
        chosen: dict[str, None] = dict.fromkeys(keys)
        for prefix in prefixes:
            params: dict[str, Any] = {"Bucket": bucket, "Prefix": prefix}
            while True:
                if cancel is not None and cancel.is_set():
                    raise TransferCancelled("Counting was cancelled; nothing was deleted.")
                response = self._call("list_objects_v2", f"s3://{bucket}/{prefix}", **params)
                chosen.update(dict.fromkeys(c["Key"] for c in response.get("Contents") or ()))
                if on_count is not None:
                    on_count(len(chosen) + len(versions))
                if not response.get("IsTruncated"):
                    break
                params["ContinuationToken"] = response["NextContinuationToken"]
        return DeletePlan(bucket, tuple(chosen), tuple(dict.fromkeys(versions)))

    def delete(
        self,
        plan: DeletePlan,
        *,
        cancel: threading.Event | None = None,
        on_progress: Callable[[int], None] | None = None,
    ) -> DeleteResult:
        """DeleteObjects in batches of 1,000 (Quiet); per-key refusals in DeleteResult.failed.

        When S3 refuses a whole batch (the local AWS does that when any key is
        denied), its keys are deleted one by one, so the allowed ones go and
        each denied one is reported. Cancel stops between requests; the result
        then counts what was deleted before.
        """
        check_bucket(plan.bucket)
        objects: list[dict[str, str]] = [{"Key": k} for k in plan.keys]
        objects += [{"Key": k, "VersionId": v} for k, v in plan.versions]
        deleted = 0
        failed: list[tuple[str, str]] = []
        for start in range(0, len(objects), DELETE_BATCH):
            if cancel is not None and cancel.is_set():
                break
            batch = objects[start : start + DELETE_BATCH]
            try:
                response = self._call(
                    "delete_objects",
                    f"s3://{plan.bucket}/{batch[0]['Key']}",
                    Bucket=plan.bucket,
                    Delete={"Objects": batch, "Quiet": True},
                )
            except S3AccessDenied:
                done, refused = self._delete_one_by_one(
                    plan.bucket, batch, cancel, on_progress, deleted
                )
                deleted += done
                failed += refused
                continue
            errors = response.get("Errors") or []
            for error in errors:
                key = error.get("Key", "")
                err = from_code(
                    str(error.get("Code", "")),
                    str(error.get("Message", "")),
                    "delete_object",
                    f"s3://{plan.bucket}/{key}",
                    versioned=bool(error.get("VersionId")),
                )
                failed.append((key, err.message))
            deleted += len(batch) - len(errors)
            if on_progress is not None:
                on_progress(deleted)
        return DeleteResult(deleted, tuple(failed))

    def _delete_one_by_one(
        self,
        bucket: str,
        batch: list[dict[str, str]],
        cancel: threading.Event | None,
        on_progress: Callable[[int], None] | None,
        before: int,
    ) -> tuple[int, list[tuple[str, str]]]:
        deleted = 0
        failed: list[tuple[str, str]] = []
        for obj in batch:
            if cancel is not None and cancel.is_set():
                break
            uri = f"s3://{bucket}/{obj['Key']}"
            try:
                self._call("delete_object", uri, versioned="VersionId" in obj, Bucket=bucket, **obj)
            except S3AccessDenied as exc:
                failed.append((obj["Key"], exc.message))
                continue
            deleted += 1
            if on_progress is not None and deleted % 50 == 0:
                on_progress(before + deleted)
        if on_progress is not None:
            on_progress(before + deleted)
        return deleted, failed

    # -- presigned links --------------------------------------------------------

    def presign_limit(self) -> tuple[int, str]:
        """The longest expiry a presigned URL can have now, in seconds, and why
        (the credentials' own expiry, or SigV4's 7 days)."""
        seconds, why, _ = self._presign_limit()
        return seconds, why

    def _presign_limit(self) -> tuple[int, str, AwsCredentials | None]:
        creds = self.source.ensure_fresh()
        if creds is not None:
            left = int(creds.seconds_left()) - PRESIGN_SAFETY
            if left < SIGV4_MAX_SECONDS:
                left = max(1, left)
                at = creds.expiration.astimezone(dt.UTC).strftime("%H:%M UTC")
                if creds.seconds_left() > 20 * 3600:
                    at = creds.expiration.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
                return (
                    left,
                    "Links signed with temporary credentials stop working when those "
                    f"credentials expire at {at}, so the longest expiry now is "
                    f"{human_duration(left)}.",
                    creds,
                )
        return (
            SIGV4_MAX_SECONDS,
            "A presigned link can last at most 7 days (the SigV4 maximum).",
            creds,
        )

    def _signer(self, creds: AwsCredentials | None) -> Any:
        """A client that signs with exactly ``creds``, so the link's life is theirs."""
        if creds is None:
            return self._calls.current()[0]
        with self._signers_lock:
            signer = self._signers.get(creds.access_key_id)
            if signer is None:
                import boto3

                profile = self.source.profile
                signer = boto3.client(
                    "s3",
                    region_name=profile.region,
                    endpoint_url=profile.endpoint_url or None,
                    aws_access_key_id=creds.access_key_id,
                    aws_secret_access_key=creds.secret_access_key,
                    aws_session_token=creds.session_token,
                    config=s3_config(),
                )
                self._signers = {creds.access_key_id: signer}  # older credentials are done
            return signer

    def presign_get(
        self, location: S3Location, expires_in: int, version_id: str = ""
    ) -> PresignedUrl:
        """A presigned GET URL, its expiry capped at presign_limit() (capped_note says why)."""
        params = self._object_params(location, version_id)
        if expires_in < 1:
            raise S3Error(
                "A link must stay valid for at least one second.", "Choose a longer expiry."
            )
        limit, why, creds = self._presign_limit()
        expires = min(expires_in, limit)
        note = why if expires < expires_in else ""
        signer = self._signer(creds)
        now = dt.datetime.now(dt.UTC)
        url: str = signer.generate_presigned_url("get_object", Params=params, ExpiresIn=expires)
        return PresignedUrl(url, now + dt.timedelta(seconds=expires), note)
