"""What the S3 panel shows and asks for: plain, immutable values, no boto3, no Qt.

The contract between ``services/s3*.py`` and ``ui/s3*.py``. A listing page is
columnar (parallel lists) so a model can keep 100,000 rows without one Python
object per row.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from .errors import CognitoDesktopError

# -- errors --------------------------------------------------------------------


class S3Error(CognitoDesktopError):
    """S3 refused or failed a request; the message says why and what to do."""


class S3AccessDenied(S3Error):
    """The role's policy does not allow ``action`` (e.g. ``s3:GetObject``) on
    ``resource`` (an ``s3://`` URI); ``role`` is the role name when known."""

    def __init__(self, message: str, hint: str, action: str, resource: str, role: str) -> None:
        super().__init__(message, hint)
        self.action, self.resource, self.role = action, resource, role


class S3NotFound(S3Error):
    """No such bucket, key or version."""


class S3CredentialsError(S3Error):
    """AWS still refused the credentials after one renewal and retry."""


class S3NameError(S3Error, ValueError):
    """A bucket name, key, folder name or s3:// address is invalid; raised before
    any request is made."""


class TransferCancelled(S3Error):
    """The user cancelled a transfer; whatever was partial has been cleaned up."""


# -- where ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class S3Location:
    """A bucket and a folder-style prefix ('' or ending in '/'), or an object key.

    ``s3_names.parse_location("s3://bucket/a/b/")`` builds one from user text and
    raises S3NameError with a sentence for anything invalid.
    """

    bucket: str
    prefix: str = ""

    @property
    def uri(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    @property
    def is_folder(self) -> bool:
        return self.prefix == "" or self.prefix.endswith("/")

    def parent(self) -> S3Location | None:
        """The folder above, or None at the bucket root."""
        if not self.prefix:
            return None
        trimmed = self.prefix[:-1] if self.prefix.endswith("/") else self.prefix
        cut = trimmed.rfind("/")
        return S3Location(self.bucket, trimmed[: cut + 1] if cut >= 0 else "")

    def child(self, name: str) -> S3Location:
        """``name`` (a folder name ending in '/' or an object name) inside this folder."""
        return S3Location(self.bucket, self.prefix + name)

    def crumbs(self) -> list[tuple[str, S3Location]]:
        """(label, location) from the bucket root down to here, for breadcrumbs."""
        out = [(self.bucket, S3Location(self.bucket, ""))]
        parts = [p for p in self.prefix.split("/")]
        acc = ""
        for i, part in enumerate(parts):
            if i == len(parts) - 1 and part == "":
                break
            acc += part + ("/" if i < len(parts) - 1 else "")
            out.append((part or "(empty)", S3Location(self.bucket, acc)))
        return out


PlaceKind = Literal["bucket", "profile", "mine"]


@dataclass(frozen=True, slots=True)
class Place:
    """A starting point in the sidebar.

    kind: ``bucket`` (from ListBuckets), ``profile`` (the profile's
    ``s3_locations``), ``mine`` ("My files": ``private/<identity id>/`` and
    ``protected/<identity id>/`` of each profile bucket).
    """

    label: str
    location: S3Location
    kind: PlaceKind


@dataclass(frozen=True)
class Places:
    places: tuple[Place, ...]
    # A sentence when ListBuckets was denied (the profile's locations are shown instead).
    note: str = ""


# -- listing -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One ListObjectsV2 (or ListObjectVersions) page of a folder, columnar.

    ``folders`` are the CommonPrefixes as names relative to ``location.prefix``
    (each ends in '/'). Object columns are parallel lists of equal length;
    ``names`` are relative to the prefix too; ``modified`` is POSIX seconds
    (UTC); ``etags`` without quotes; ``storage_classes`` as S3 says
    ('STANDARD' when absent). A folder marker (the key equal to the prefix) is
    left out. In a versions listing, ``version_ids``, ``is_latest`` and
    ``delete_markers`` are filled (else empty lists).

    ``next_token`` is an opaque string for the next page (None at the end);
    ``round_trip`` is the request's wall time in seconds.
    """

    location: S3Location
    folders: list[str]
    names: list[str]
    sizes: list[int]
    modified: list[float]
    etags: list[str]
    storage_classes: list[str]
    next_token: str | None
    round_trip: float = 0.0
    version_ids: list[str] = field(default_factory=list)
    is_latest: list[bool] = field(default_factory=list)
    delete_markers: list[bool] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.folders) + len(self.names)


@dataclass(frozen=True)
class ObjectDetails:
    """HeadObject + GetObjectTagging of one object, fetched on selection.

    ``tags`` is None when tags could not be read; ``tags_note`` then says why
    (e.g. "Your role may not s3:GetObjectTagging here.").
    """

    location: S3Location  # prefix is the full key
    size: int
    modified: dt.datetime
    etag: str
    storage_class: str
    content_type: str
    metadata: dict[str, str]
    tags: dict[str, str] | None
    tags_note: str = ""
    version_id: str = ""
    content_encoding: str = ""
    cache_control: str = ""


PreviewKind = Literal["text", "json", "csv", "image", "hex", "empty"]

PREVIEW_TEXT_BYTES = 256 * 1024  # ranged GET of the head of larger text files
PREVIEW_IMAGE_BYTES = 8 * 1024 * 1024  # images above this are not previewed
PREVIEW_HEX_BYTES = 4 * 1024


@dataclass(frozen=True)
class Preview:
    """What the preview pane shows.

    text: decoded text (pretty-printed for json; for hex, a hexdump of the head).
    rows: csv rows (first row is the header) when kind == 'csv'.
    image: the image bytes when kind == 'image' (decoded by the UI).
    truncated: only the head (``fetched`` bytes of ``total_size``) was read.
    note: a sentence for the user, e.g. "Image larger than 8 MiB: not previewed."
    """

    kind: PreviewKind
    total_size: int
    fetched: int
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)
    image: bytes = b""
    truncated: bool = False
    note: str = ""


@dataclass(frozen=True)
class DeletePlan:
    """Everything a delete would remove, counted before the confirmation."""

    bucket: str
    keys: tuple[str, ...]
    # (key, version_id) pairs when deleting specific versions.
    versions: tuple[tuple[str, str], ...] = ()

    @property
    def count(self) -> int:
        return len(self.keys) + len(self.versions)


@dataclass(frozen=True)
class DeleteResult:
    deleted: int
    # (key, sentence) for each key S3 refused.
    failed: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class PresignedUrl:
    url: str
    expires_at: dt.datetime
    # Set when the asked expiry was shortened; says why (credentials expire first,
    # or the 7-day SigV4 maximum).
    capped_note: str = ""


# -- transfers -----------------------------------------------------------------

Direction = Literal["download", "upload"]
TransferState = Literal["queued", "running", "done", "failed", "cancelled", "skipped"]
ConflictPolicy = Literal["ask", "overwrite", "skip"]


@dataclass(frozen=True, slots=True)
class TransferItem:
    """One file of a transfer batch. ``key`` is the full object key; ``local`` the
    local file path (as str)."""

    index: int
    direction: Direction
    bucket: str
    key: str
    local: str
    size: int
    exists: bool = False  # the destination exists already (local file or object)
    # The object's ETag as listed (quoted): the download asks for exactly that
    # version (If-Match) and skips a HEAD. '' when unknown.
    etag: str = ""
    # A sentence when this item cannot be transferred at all (a key that would
    # land outside the chosen folder, an unreadable file...): ``run`` marks it
    # failed with this sentence without trying.
    problem: str = ""


@dataclass(frozen=True)
class TransferPlan:
    """What a download or upload would do, computed before anything is written.

    ``conflicts`` are the items whose destination exists; the UI asks, then calls
    ``TransferPlan.resolved(policy)``. Without an answer nothing is overwritten.
    """

    direction: Direction
    items: tuple[TransferItem, ...]
    total_bytes: int

    @property
    def conflicts(self) -> tuple[TransferItem, ...]:
        return tuple(i for i in self.items if i.exists)

    def resolved(self, policy: ConflictPolicy) -> TransferPlan:
        if policy == "skip":
            kept = tuple(i for i in self.items if not i.exists)
            return TransferPlan(self.direction, kept, sum(i.size for i in kept))
        return self


@dataclass(frozen=True)
class TransferProgress:
    """A snapshot of a running batch, emitted a few times a second at most.

    ``done_bytes[i]`` and ``states[i]`` are per item (by TransferItem.index).
    """

    total_bytes: int
    transferred: int
    items_done: int
    items_total: int
    bytes_per_second: float
    states: Sequence[TransferState]
    done_bytes: Sequence[int]


@dataclass(frozen=True)
class TransferResult:
    done: int
    skipped: int
    failed: tuple[tuple[str, str], ...]  # (key or path, sentence)
    cancelled: bool
    transferred: int
    seconds: float
