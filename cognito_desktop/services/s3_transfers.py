"""Downloads and uploads for the S3 panel: planned first, then run in parallel
with progress and cancel.

One s3transfer ``TransferManager`` per run does the bytes (boto3's own transfer
engine: ranged GETs and multipart uploads, its default chunk sizes). Around it:

- Downloads are written to a hidden temporary file next to the destination
  ('.<name>.cdpart-<random>', opened with O_EXCL) and put in place only when
  complete, with ``os.link`` + unlink: that fails, leaving the existing file
  alone, if something appeared at the destination meanwhile. Only a
  destination the plan reported as existing, run with ``overwrite=True``, is
  replaced (``os.replace``). A cancelled or failed download leaves no file:
  s3transfer removes its temporary file, and the run removes any it left.
- Uploads that may not replace an object carry ``If-None-Match: *`` (PutObject
  and CompleteMultipartUpload), so an object that appeared after the plan is
  not overwritten either. Every multipart upload the client starts is
  recorded (its UploadId); after the run, those of items that did not finish
  are aborted, on top of s3transfer's own abort, so no parts are left behind.
- Progress: s3transfer's threads add byte counts under a lock; the thread
  that called ``run`` builds every TransferProgress and calls ``on_progress``.

boto3 and s3transfer are imported on first use, not with this module.
"""

from __future__ import annotations

import functools
import io
import os
import queue
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import CancelledError
from pathlib import Path
from typing import Any

from . import s3_transfer_plan as tp
from .s3 import CredentialSource, s3_config
from .s3_models import (
    S3Error,
    S3Location,
    TransferItem,
    TransferPlan,
    TransferProgress,
    TransferResult,
    TransferState,
)

PROGRESS_INTERVAL = 0.1  # seconds between TransferProgress snapshots at most
RATE_WINDOW = 3.0  # seconds of history behind TransferProgress.bytes_per_second
# Transfers handed to s3transfer at once: below its submission queue (1,000), so
# handing one over never blocks the loop that watches cancel and emits progress.
MAX_IN_FLIGHT = 900
_POLL = 0.05  # how often the run loop looks at ``cancel`` and tops up


def _client_config(concurrency: int) -> Any:
    """``s3_config()`` with a connection pool for ``concurrency`` parallel requests."""
    from botocore.config import Config

    return s3_config().merge(Config(max_pool_connections=max(32, concurrency + 4)))


class Transfers:
    """Plans and runs transfers of one session. ``run`` blocks: call it from a worker.
    Thread-safe: several plans and runs may go on at once."""

    def __init__(
        self,
        source: CredentialSource,
        *,
        client_factory: Callable[[], Any] | None = None,
        max_concurrency: int = 10,
        multipart_threshold: int = 8 * 1024 * 1024,
    ) -> None:
        self.max_concurrency = max_concurrency
        self.multipart_threshold = multipart_threshold
        self._factory = client_factory or (
            lambda: source.client("s3", config=_client_config(max_concurrency))
        )
        self._lock = threading.Lock()
        self._client_obj: Any = None
        # Uploads that must not replace an object: (bucket, key) -> runs uploading it.
        self._guarded: dict[tuple[str, str], int] = {}
        # Multipart uploads this client started and nobody settled yet.
        self._uploads: dict[tuple[str, str], list[str]] = {}

    def _client(self) -> Any:
        with self._lock:
            if self._client_obj is None:
                client = self._factory()
                events, tag = client.meta.events, f"cognito-desktop-transfers-{id(self)}"
                for op in ("PutObject", "CompleteMultipartUpload"):
                    events.register(
                        f"before-parameter-build.s3.{op}", self._guard, unique_id=f"{tag}-{op}"
                    )
                events.register(
                    "after-call.s3.CreateMultipartUpload", self._started, unique_id=f"{tag}-mpu"
                )
                self._client_obj = client
            return self._client_obj

    def _guard(self, params: dict[str, Any], **_: Any) -> None:
        if (params.get("Bucket"), params.get("Key")) in self._guarded:
            params.setdefault("IfNoneMatch", "*")

    def _started(self, parsed: dict[str, Any], **_: Any) -> None:
        if parsed.get("UploadId"):
            with self._lock:
                where = (str(parsed.get("Bucket")), str(parsed.get("Key")))
                self._uploads.setdefault(where, []).append(str(parsed["UploadId"]))

    def _hold(self, where: tuple[str, str], delta: int) -> None:
        with self._lock:
            count = self._guarded.get(where, 0) + delta
            if count > 0:
                self._guarded[where] = count
            else:
                self._guarded.pop(where, None)

    def _abort_leftovers(self, bucket: str, key: str, finished: bool) -> None:
        """Abort the multipart uploads of ``key`` this client started, unless the
        item ``finished`` (then they are complete or already aborted)."""
        with self._lock:
            ids = self._uploads.pop((bucket, key), [])
        if finished:
            return
        for upload_id in ids:
            try:
                self._client().abort_multipart_upload(Bucket=bucket, Key=key, UploadId=upload_id)
            except Exception as exc:
                code = tp.error_code(exc)[0]
                if code not in ("NoSuchUpload", "404"):
                    raise S3Error(
                        f"Could not abort the unfinished upload of {tp.s3_uri(bucket, key)} "
                        f"({code or type(exc).__name__}).",
                        "Its parts stay in the bucket until a lifecycle rule removes them.",
                    ) from exc

    # -- planning ----------------------------------------------------------------

    def plan_download(
        self,
        bucket: str,
        keys: Sequence[str],
        prefixes: Sequence[str],
        base_prefix: str,
        target_dir: Path,
        *,
        cancel: threading.Event | None = None,
    ) -> TransferPlan:
        """Each key goes to target_dir / key[len(base_prefix):]; prefixes are
        expanded by listing. A key that would escape target_dir is refused."""
        return tp.plan_download(
            self._client(), bucket, keys, prefixes, base_prefix, target_dir,
            concurrency=self.max_concurrency, cancel=cancel,
        )  # fmt: skip

    def plan_upload(
        self,
        paths: Sequence[Path],
        destination: S3Location,
        *,
        cancel: threading.Event | None = None,
    ) -> TransferPlan:
        """Files and folders (walked) to destination.prefix + relative path;
        existing keys found with one listing, not a HEAD per file."""
        return tp.plan_upload(self._client(), paths, destination, cancel=cancel)

    # -- running -----------------------------------------------------------------

    def run(
        self,
        plan: TransferPlan,
        *,
        overwrite: bool = False,
        on_progress: Callable[[TransferProgress], None] | None = None,
        cancel: threading.Event | None = None,
    ) -> TransferResult:
        """Transfer every item of ``plan``. Items whose destination exists are
        skipped unless ``overwrite``. Returns when all are done, failed or
        cancelled; nothing partial is left behind."""
        return _Run(self, plan, overwrite, on_progress, cancel or threading.Event()).execute()


class _Run:
    """One ``Transfers.run``: the state s3transfer's threads report into, and the
    loop (on the caller's thread) that feeds them, watches cancel and emits."""

    def __init__(
        self,
        owner: Transfers,
        plan: TransferPlan,
        overwrite: bool,
        on_progress: Callable[[TransferProgress], None] | None,
        cancel: threading.Event,
    ) -> None:
        self.owner, self.plan, self.overwrite = owner, plan, overwrite
        self.on_progress, self.cancel = on_progress, cancel
        slots = max((item.index for item in plan.items), default=-1) + 1
        # Indexes a resolved plan left out read as skipped.
        self.states: list[TransferState] = ["skipped"] * slots
        for item in plan.items:
            self.states[item.index] = "queued"
        self.lock = threading.Lock()
        self.done_bytes = [0] * slots
        self.moved = 0
        self.finished: queue.SimpleQueue[int] = queue.SimpleQueue()
        # The loop sleeps until few transfers are left in flight (or _POLL passes),
        # not until each one ends: thousands of small files would wake it thousands
        # of times.
        self.wake = threading.Event()
        self.outstanding = self.low_water = 0
        self.futures: dict[int, tuple[Any, TransferItem]] = {}
        self.failed: list[tuple[str, str]] = []
        self.done = self.skipped = self.failures = 0
        self.total = 0
        self.shown = 0
        self.last_emit = float("-inf")
        self.samples: deque[tuple[float, int]] = deque()
        self.folders_made: set[str] = set()
        self.files: Any = None

    def add(self, index: int, amount: int) -> None:
        """Called by s3transfer's threads for every chunk read or written."""
        with self.lock:
            self.done_bytes[index] += amount
            self.moved += amount

    def report_done(self, index: int) -> None:
        """Called by s3transfer's threads when an item is over, whatever its outcome."""
        self.finished.put(index)
        with self.lock:
            self.outstanding -= 1
            if self.outstanding <= self.low_water:
                self.wake.set()

    def execute(self) -> TransferResult:
        started = time.monotonic()
        todo = [item for item in self.plan.items if self._triage(item)]
        self.total = sum(item.size for item in todo)
        cancelled = self.cancel.is_set()
        if todo and not cancelled:
            cancelled = self._transfer(todo)
        for item in todo:
            if self.states[item.index] in ("queued", "running"):
                self.states[item.index] = "cancelled"
        self._emit(force=True)
        with self.lock:
            moved = self.moved
        return TransferResult(
            self.done,
            self.skipped,
            tuple(self.failed),
            cancelled,
            moved,
            time.monotonic() - started,
        )

    def _triage(self, item: TransferItem) -> bool:
        """Settle what needs no transfer; True for the items to hand over."""
        if item.problem:
            self._fail(item, item.problem)
        elif item.exists and not self.overwrite:
            self.states[item.index] = "skipped"
            self.skipped += 1
        elif item.direction == "download" and item.key.endswith("/"):
            try:
                os.makedirs(item.local, exist_ok=True)
            except OSError as exc:
                self._fail(item, f"Could not create folder {item.local}: {exc.strerror or exc}.")
            else:
                self.states[item.index] = "done"
                self.done += 1
        else:
            return True
        return False

    def _fail(self, item: TransferItem, sentence: str) -> None:
        if self.states[item.index] != "failed":
            self.states[item.index] = "failed"
            self.failures += 1
        self.failed.append((item.key if item.direction == "download" else item.local, sentence))

    def _transfer(self, todo: list[TransferItem]) -> bool:
        from s3transfer.manager import TransferConfig, TransferManager

        subscriber, local_files = _engine()
        replaceable = {i.local for i in todo if i.exists} if self.overwrite else set()
        self.files = local_files(replaceable)
        config = TransferConfig(
            multipart_threshold=self.owner.multipart_threshold,
            max_request_concurrency=self.owner.max_concurrency,
        )
        manager = TransferManager(self.owner._client(), config, osutil=self.files)
        guarded = [
            (i.bucket, i.key)
            for i in todo
            if i.direction == "upload" and not (i.exists and self.overwrite)
        ]
        for where in guarded:
            self.owner._hold(where, 1)
        pending = deque(todo)
        cancelled = clean = False
        try:
            self._emit(force=True)
            while pending or self.futures:
                if self.cancel.is_set():
                    cancelled = True
                    break
                while pending and len(self.futures) < MAX_IN_FLIGHT:
                    self._submit(manager, pending.popleft(), subscriber)
                self.low_water = MAX_IN_FLIGHT // 2 if pending else 0
                self.wake.wait(_POLL)
                self.wake.clear()
                self._collect()
                self._emit()
            clean = True
        finally:
            if cancelled or not clean:
                # s3transfer stops requests in flight itself: a download between
                # two chunks read, an upload part at its next read of the file.
                for future, _ in list(self.futures.values()):
                    future.cancel()
            manager.shutdown()  # waits until s3transfer's threads are idle
            for index in list(self.futures):  # all done now, reported or not
                self._settle(index)
            for where in guarded:
                self.owner._hold(where, -1)
            self._clean_up(todo)
        return cancelled

    def _submit(self, manager: Any, item: TransferItem, subscriber: Any) -> None:
        watch = [subscriber(self, item)]
        if item.direction == "download" and not self._folder_for(item):
            return
        with self.lock:
            self.outstanding += 1
        if item.direction == "download":
            future = manager.download(item.bucket, item.key, item.local, subscribers=watch)
        elif item.key.endswith("/"):  # an empty folder: a folder marker
            extra = {"ContentType": tp.FOLDER_CONTENT_TYPE}
            future = manager.upload(io.BytesIO(), item.bucket, item.key, extra, subscribers=watch)
        else:
            extra = {"ContentType": tp.content_type(os.path.basename(item.local))}
            future = manager.upload(item.local, item.bucket, item.key, extra, subscribers=watch)
        self.states[item.index] = "running"
        self.futures[item.index] = (future, item)

    def _folder_for(self, item: TransferItem) -> bool:
        folder = os.path.dirname(item.local)
        if folder not in self.folders_made:
            try:
                os.makedirs(folder, exist_ok=True)
            except OSError as exc:
                uri = tp.s3_uri(item.bucket, item.key)
                why = "a file has that name" if isinstance(exc, FileExistsError) else exc.strerror
                self._fail(item, f"Could not create folder {folder} for {uri}: {why or exc}.")
                return False
            self.folders_made.add(folder)
        return True

    def _collect(self) -> None:
        """Settle the items s3transfer reported done."""
        try:
            while True:
                self._settle(self.finished.get_nowait())
        except queue.Empty:
            return

    def _settle(self, index: int) -> None:
        future, item = self.futures.pop(index)
        try:
            future.result()
        except CancelledError:
            self.states[index] = "cancelled"
        except Exception as exc:
            explain = tp.download_sentence if item.direction == "download" else tp.upload_sentence
            self._fail(item, explain(exc, item.bucket, item.key, item.local))
        else:
            self.states[index] = "done"
            self.done += 1

    def _clean_up(self, todo: list[TransferItem]) -> None:
        """What s3transfer should have cleaned up, made sure of: temporary files of
        unfinished downloads, multipart uploads of unfinished uploads."""
        for item in todo:
            finished = self.states[item.index] == "done"
            if item.direction == "upload":
                try:
                    self.owner._abort_leftovers(item.bucket, item.key, finished)
                except S3Error as exc:
                    self.failed.append((item.local, str(exc)))
            elif not finished and (temp := self.files.temps.get(item.local)):
                try:
                    os.unlink(temp)
                except FileNotFoundError:
                    pass
                except OSError as exc:
                    self._fail(item, f"Could not remove the partial file {temp}: {exc.strerror}.")

    def _emit(self, *, force: bool = False) -> None:
        now = time.monotonic()
        if self.on_progress is None or (not force and now - self.last_emit < PROGRESS_INTERVAL):
            return
        self.last_emit = now
        with self.lock:
            done_bytes, moved = list(self.done_bytes), self.moved
        self.shown = max(self.shown, moved)  # a retried chunk is taken back: never shown
        self.samples.append((now, self.shown))
        while len(self.samples) > 2 and self.samples[1][0] <= now - RATE_WINDOW:
            self.samples.popleft()
        then, before = self.samples[0]
        rate = (self.shown - before) / (now - then) if now > then else 0.0
        self.on_progress(
            TransferProgress(
                total_bytes=self.total,
                transferred=self.shown,
                items_done=self.done + self.skipped + self.failures,
                items_total=len(self.plan.items),
                bytes_per_second=rate,
                states=tuple(self.states),
                done_bytes=done_bytes,
            )
        )


@functools.cache
def _engine() -> tuple[Any, Any]:
    """The s3transfer subclasses, defined on first use (s3transfer loads boto3)."""
    from s3transfer.subscribers import BaseSubscriber
    from s3transfer.utils import OSUtils

    class Subscriber(BaseSubscriber):
        def __init__(self, run: _Run, item: TransferItem) -> None:
            self._add, self._done, self._item = run.add, run.report_done, item

        def on_queued(self, future: Any, **kwargs: Any) -> None:
            if self._item.direction == "download" and self._item.etag:
                # Known from the listing: no HEAD, and If-Match on every GET.
                future.meta.provide_transfer_size(self._item.size)
                future.meta.provide_object_etag(self._item.etag)

        def on_progress(self, future: Any, bytes_transferred: int, **kwargs: Any) -> None:
            self._add(self._item.index, bytes_transferred)

        def on_done(self, future: Any, **kwargs: Any) -> None:
            self._done(self._item.index)

    class LocalFiles(OSUtils):
        """Temporary names of our own, created exclusively; placed without
        overwriting unless the destination is one the user agreed to replace."""

        def __init__(self, replaceable: set[str]) -> None:
            self.replaceable = replaceable
            self.temps: dict[str, str] = {}

        def get_temp_filename(self, filename: str) -> str:
            temp = tp.temp_path(filename)
            self.temps[filename] = temp
            return temp

        def open(self, filename: str, mode: str) -> Any:
            return open(filename, "xb" if mode == "wb" else mode)

        def rename_file(self, current_filename: str, new_filename: str) -> None:
            if new_filename in self.replaceable:
                os.replace(current_filename, new_filename)
            else:
                tp.place_exclusive(current_filename, new_filename)

    return Subscriber, LocalFiles
