"""S3 downloads and uploads against the local AWS, signed in as the operator (role policy
enforced): bytes, conflicts, cancel, cleanup of partial files and multipart uploads."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError

from cognito_desktop.sandbox.seed_s3 import BUCKET
from cognito_desktop.services.s3_models import (
    S3Location,
    TransferPlan,
    TransferProgress,
    TransferResult,
)
from cognito_desktop.services.s3_transfers import PROGRESS_INTERVAL, Transfers
from cognito_desktop.services.session import Session

MiB = 1024 * 1024


def unique(area: str = "public") -> str:
    return f"{area}/test-{uuid.uuid4().hex[:12]}/"


def all_files(folder: Path) -> list[str]:
    """Every entry below ``folder`` (hidden ones too), as sorted relative POSIX paths."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))


def big_file(path: Path, size: int) -> Path:
    block = os.urandom(MiB)
    with path.open("wb") as out:
        for i in range(size // MiB):
            out.write(block[i:] + block[:i])  # no two MiB alike
    return path


def body(s3: Any, key: str) -> bytes:
    data: bytes = s3.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return data


def absent(s3: Any, key: str) -> bool:
    try:
        s3.head_object(Bucket=BUCKET, Key=key)
    except ClientError as exc:
        return exc.response["Error"]["Code"] in ("404", "NoSuchKey")
    return False


class Recorder:
    """An on_progress that keeps every snapshot with the time it came."""

    def __init__(self, when: Callable[[TransferProgress], bool] | None = None) -> None:
        self.snapshots: list[TransferProgress] = []
        self.times: list[float] = []
        self.threads: set[int] = set()
        self.cancel = threading.Event()
        self.cancelled_at = 0.0
        self._when = when

    def __call__(self, progress: TransferProgress) -> None:
        self.snapshots.append(progress)
        self.times.append(time.monotonic())
        self.threads.add(threading.get_ident())
        if self._when and not self.cancel.is_set() and self._when(progress):
            self.cancelled_at = time.monotonic()
            self.cancel.set()

    def check_sound(self, result: TransferResult) -> None:
        moved = [s.transferred for s in self.snapshots]
        assert moved == sorted(moved), "transferred went backwards"
        gaps = [b - a for a, b in zip(self.times[:-1], self.times[1:-1], strict=False)]
        assert all(g >= PROGRESS_INTERVAL * 0.9 for g in gaps), gaps
        assert self.threads == {threading.get_ident()}, "on_progress came from another thread"
        last = self.snapshots[-1]
        assert last.transferred == result.transferred


@pytest.fixture
def out(tmp_path: Path) -> Path:
    """An empty folder of the test's own (tmp_path also holds the app's home)."""
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


@pytest.fixture
def transfers(signed_in_session: Session) -> Transfers:
    return Transfers(signed_in_session)


# -- downloads -----------------------------------------------------------------------


def test_download_one_file_keeps_bytes_and_leaves_no_temp(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    key = "public/reports/2026/q3/summary.csv"
    plan = transfers.plan_download(BUCKET, [key], [], "public/reports/", out)
    [item] = plan.items
    assert item.local == str(out / "2026" / "q3" / "summary.csv")
    assert (item.size, item.exists, item.problem) == (len(body(root_s3, key)), False, "")
    assert item.etag.startswith('"')

    result = transfers.run(plan)

    assert (result.done, result.failed, result.cancelled) == (1, (), False)
    assert (out / "2026" / "q3" / "summary.csv").read_bytes() == body(root_s3, key)
    assert all_files(out) == ["2026", "2026/q3", "2026/q3/summary.csv"]


AWKWARD = [
    "with space/file name.txt",
    "unicodé/naïve-文件.txt",
    "plus+sign/a+b=c.txt",
    "percent%20literal/100%.txt",
    "deep/er/est/leaf.json",
    "top.bin",
]


def test_download_prefix_keeps_structure_and_bytes(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    prefix = unique()
    bodies = {name: os.urandom(1000 + 7 * i) for i, name in enumerate(AWKWARD)}
    bodies["big/twelve.bin"] = os.urandom(12 * MiB + 5)  # ranged GETs
    for name, data in bodies.items():
        root_s3.put_object(Bucket=BUCKET, Key=prefix + name, Body=data)
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "empty-folder/", Body=b"")
    root_s3.put_object(Bucket=BUCKET, Key=prefix, Body=b"")  # the folder's own marker
    target = out / "into"
    record = Recorder()

    plan = transfers.plan_download(BUCKET, [], [prefix], prefix, target)
    result = transfers.run(plan, on_progress=record)

    assert (result.done, result.failed) == (len(bodies) + 1, ())
    assert plan.total_bytes == sum(len(b) for b in bodies.values())
    for name, data in bodies.items():
        assert (target / name).read_bytes() == data, name
    assert (target / "empty-folder").is_dir()
    assert not [n for n in all_files(target) if ".cdpart-" in n]
    record.check_sound(result)
    last = record.snapshots[-1]
    assert last.transferred == last.total_bytes == plan.total_bytes == result.transferred
    assert set(last.states) == {"done"}
    assert last.items_done == last.items_total == len(plan.items)
    assert list(last.done_bytes) == [i.size for i in plan.items]


def test_existing_local_file_is_a_conflict_and_kept_unless_overwrite(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    prefix = unique()
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "a.txt", Body=b"from S3 a")
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "b.txt", Body=b"from S3 b")
    mine = out / "a.txt"
    mine.write_bytes(b"my own a")
    os.utime(mine, (1_000_000_000, 1_000_000_000))

    plan = transfers.plan_download(BUCKET, [], [prefix], prefix, out)
    assert [i.local for i in plan.conflicts] == [str(mine)]
    record = Recorder()
    result = transfers.run(plan, on_progress=record)

    assert (result.done, result.skipped, result.failed) == (1, 1, ())
    assert mine.read_bytes() == b"my own a"
    assert mine.stat().st_mtime == 1_000_000_000
    assert (out / "b.txt").read_bytes() == b"from S3 b"
    states = dict(zip((i.key for i in plan.items), record.snapshots[-1].states, strict=True))
    assert states == {prefix + "a.txt": "skipped", prefix + "b.txt": "done"}

    # "Skip" drops the conflict from the plan; its row reads as skipped.
    (out / "b.txt").unlink()
    skipping = transfers.plan_download(BUCKET, [], [prefix], prefix, out).resolved("skip")
    record = Recorder()
    assert transfers.run(skipping, overwrite=True, on_progress=record).done == 1
    assert mine.read_bytes() == b"my own a"
    assert list(record.snapshots[-1].states) == ["skipped", "done"]

    # A plan made before b.txt came back did not show it: overwrite leaves it alone.
    result = transfers.run(plan, overwrite=True)
    assert (result.done, [k for k, _ in result.failed]) == (1, [prefix + "b.txt"])
    assert mine.read_bytes() == b"from S3 a"

    (tmp := out / "b.txt").write_bytes(b"edited")
    result = transfers.run(
        transfers.plan_download(BUCKET, [], [prefix], prefix, out), overwrite=True
    )
    assert (result.done, result.skipped, result.failed) == (2, 0, ())
    assert tmp.read_bytes() == b"from S3 b"
    assert all_files(out) == ["a.txt", "b.txt"]


def test_a_file_that_appears_after_the_plan_is_never_overwritten(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    prefix = unique()
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "late.txt", Body=b"from S3")
    plan = transfers.plan_download(BUCKET, [], [prefix], prefix, out)
    assert not plan.conflicts
    (out / "late.txt").write_bytes(b"written meanwhile")

    for overwrite in (False, True):  # overwrite covers only the conflicts the plan showed
        result = transfers.run(plan, overwrite=overwrite)
        [(key, sentence)] = result.failed
        assert key == prefix + "late.txt"
        assert "appeared" in sentence
        assert str(out / "late.txt") in sentence
        assert (out / "late.txt").read_bytes() == b"written meanwhile"
        assert all_files(out) == ["late.txt"]


def test_cancel_a_large_download_leaves_nothing(
    signed_in_session: Session, root_s3: Any, out: Path
) -> None:
    # Two streams, not ten: on loopback ten fetch 64 MiB in about 0.2 s, the
    # cancel would often come after the last byte.
    transfers = Transfers(signed_in_session, max_concurrency=2)
    prefix = unique("private")
    key = prefix + "big.bin"
    root_s3.put_object(Bucket=BUCKET, Key=key, Body=os.urandom(64 * MiB))
    plan = transfers.plan_download(BUCKET, [key], [], prefix, out)
    record = Recorder(when=lambda p: p.transferred > p.total_bytes // 10)

    result = transfers.run(plan, on_progress=record, cancel=record.cancel)
    stopped_after = time.monotonic() - record.cancelled_at

    assert result.cancelled
    assert 0 < result.transferred < 64 * MiB
    assert record.snapshots[-1].states == ("cancelled",)
    assert result.done == 0
    assert result.failed == ()
    assert all_files(out) == []
    assert stopped_after < 1.0, f"took {stopped_after:.2f} s to stop"


def test_a_refused_or_vanished_download_fails_alone_and_writes_nothing(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    prefix = unique()
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "stays.txt", Body=b"stays")
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "goes.txt", Body=b"goes")
    plan = transfers.plan_download(BUCKET, ["restricted/payroll.csv"], [prefix], "", out / "out")
    root_s3.delete_object(Bucket=BUCKET, Key=prefix + "goes.txt")

    result = transfers.run(plan)

    failed = dict(result.failed)
    assert set(failed) == {"restricted/payroll.csv", prefix + "goes.txt"}
    assert "s3://cognito-desktop-demo/restricted/payroll.csv" in failed["restricted/payroll.csv"]
    assert "s3:GetObject" in failed["restricted/payroll.csv"]
    assert "access denied" in failed["restricted/payroll.csv"]
    assert "no longer exists" in failed[prefix + "goes.txt"]
    assert result.done == 1
    assert all_files(out / "out") == [
        "public",
        f"public/{prefix.split('/')[1]}",
        f"public/{prefix.split('/')[1]}/stays.txt",
    ]


def test_an_object_changed_after_the_plan_is_not_mixed(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    """Ranged GETs ask for the listed ETag (If-Match): a large object replaced
    after the plan fails instead of mixing parts of two versions; a small one is
    one GET, so it arrives whole (the new version)."""
    prefix = unique()
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "large.bin", Body=os.urandom(9 * MiB))
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "small.bin", Body=b"one" * 100)
    plan = transfers.plan_download(BUCKET, [], [prefix], prefix, out)
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "large.bin", Body=os.urandom(9 * MiB))
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "small.bin", Body=b"two" * 100)

    result = transfers.run(plan)

    [(key, sentence)] = result.failed
    assert key == prefix + "large.bin"
    assert "changed" in sentence
    assert all_files(out) == ["small.bin"]
    assert (out / "small.bin").read_bytes() == b"two" * 100


def test_keys_that_would_escape_the_folder_are_refused(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    prefix = unique()
    for name in ("ok.txt", "a//b.txt", "/rooted.txt", "./dot.txt"):
        root_s3.put_object(Bucket=BUCKET, Key=prefix + name, Body=b"x")
    target = out / "target"

    plan = transfers.plan_download(BUCKET, [], [prefix], prefix, target)
    problems = {i.key[len(prefix) :]: i.problem for i in plan.items if i.problem}
    result = transfers.run(plan)

    assert set(problems) == {"a//b.txt", "/rooted.txt", "./dot.txt"}
    assert all("would land outside" in p for p in problems.values())
    assert dict(result.failed) == {prefix + k: v for k, v in problems.items()}
    assert all_files(out) == ["target", "target/ok.txt"]


def test_symlink_out_of_the_folder_is_refused(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    prefix = unique()
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "link/x.txt", Body=b"x")
    (out / "target").mkdir()
    (out / "elsewhere").mkdir()
    (out / "target" / "link").symlink_to(out / "elsewhere")

    plan = transfers.plan_download(BUCKET, [], [prefix], prefix, out / "target")
    result = transfers.run(plan)

    [(_, sentence)] = result.failed
    assert "symbolic link" in sentence
    assert list((out / "elsewhere").iterdir()) == []


def test_a_local_disk_error_fails_that_item_only(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    prefix = unique()
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "blocked/x.txt", Body=b"x")
    root_s3.put_object(Bucket=BUCKET, Key=prefix + "fine.txt", Body=b"fine")
    (out / "blocked").write_bytes(b"a file where a folder must go")

    result = transfers.run(transfers.plan_download(BUCKET, [], [prefix], prefix, out))

    [(key, sentence)] = result.failed
    assert key == prefix + "blocked/x.txt"
    assert str(out / "blocked") in sentence
    assert "Could not create folder" in sentence
    assert (out / "fine.txt").read_bytes() == b"fine"
    assert all_files(out) == ["blocked", "fine.txt"]


# -- uploads -------------------------------------------------------------------------


def make_tree(root: Path) -> dict[str, bytes]:
    files = {
        "report.json": b'{"ok": true}',
        "notes/readme.txt": b"hello",
        "notes/deeper/blob.bin": os.urandom(200_000),
        "with space/ü+b=c.csv": b"a,b\n1,2\n",
    }
    for rel, data in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_bytes(data)
    (root / "empty").mkdir()
    (root / "notes" / "loop").symlink_to(root)  # a loop: walked once
    return files


def test_upload_a_folder_tree(transfers: Transfers, root_s3: Any, out: Path) -> None:
    tree = out / "tree"
    files = make_tree(tree)
    dest = S3Location(BUCKET, unique("protected"))
    record = Recorder()

    plan = transfers.plan_upload([tree], dest)
    result = transfers.run(plan, on_progress=record)

    assert (result.done, result.failed, result.skipped) == (len(files) + 1, (), 0)
    listed = root_s3.list_objects_v2(Bucket=BUCKET, Prefix=dest.prefix)["Contents"]
    keys = sorted(o["Key"] for o in listed)
    assert keys == sorted(
        [dest.prefix + "tree/" + r for r in files] + [dest.prefix + "tree/empty/"]
    )
    for rel, data in files.items():
        assert body(root_s3, dest.prefix + "tree/" + rel) == data
    types = {
        rel: root_s3.head_object(Bucket=BUCKET, Key=dest.prefix + "tree/" + rel)["ContentType"]
        for rel in files
    }
    assert types["report.json"] == "application/json"
    assert types["notes/readme.txt"] == "text/plain"
    assert types["with space/ü+b=c.csv"] == "text/csv"
    assert types["notes/deeper/blob.bin"] == "application/octet-stream"
    record.check_sound(result)
    assert record.snapshots[-1].transferred == plan.total_bytes == sum(map(len, files.values()))


def test_existing_objects_are_conflicts_and_kept_unless_overwrite(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    dest = S3Location(BUCKET, unique())
    root_s3.put_object(Bucket=BUCKET, Key=dest.prefix + "one.txt", Body=b"theirs")
    (out / "one.txt").write_bytes(b"mine 1")
    (out / "two.txt").write_bytes(b"mine 2")
    paths = [out / "one.txt", out / "two.txt"]

    plan = transfers.plan_upload(paths, dest)
    assert [i.key for i in plan.conflicts] == [dest.prefix + "one.txt"]
    result = transfers.run(plan)
    assert (result.done, result.skipped) == (1, 1)
    assert body(root_s3, dest.prefix + "one.txt") == b"theirs"
    assert body(root_s3, dest.prefix + "two.txt") == b"mine 2"

    # The stale plan did not show two.txt as a conflict: it is not replaced.
    result = transfers.run(plan, overwrite=True)
    assert (result.done, result.skipped) == (1, 0)
    assert [path for path, _ in result.failed] == [str(out / "two.txt")]

    (out / "two.txt").write_bytes(b"mine 2, edited")
    plan = transfers.plan_upload(paths, dest)
    assert len(plan.conflicts) == 2
    result = transfers.run(plan, overwrite=True)
    assert (result.done, result.skipped, result.failed) == (2, 0, ())
    assert body(root_s3, dest.prefix + "one.txt") == b"mine 1"
    assert body(root_s3, dest.prefix + "two.txt") == b"mine 2, edited"


def test_an_object_that_appears_after_the_plan_is_not_replaced(
    transfers: Transfers, root_s3: Any, out: Path
) -> None:
    dest = S3Location(BUCKET, unique())
    small = out / "small.txt"
    small.write_bytes(b"mine")
    large = big_file(out / "large.bin", 10 * MiB)  # multipart: If-None-Match on Complete
    plan = transfers.plan_upload([small, large], dest)
    assert not plan.conflicts
    for name in ("small.txt", "large.bin"):
        root_s3.put_object(Bucket=BUCKET, Key=dest.prefix + name, Body=b"theirs")

    result = transfers.run(plan, overwrite=True)

    assert {k for k, _ in result.failed} == {str(small), str(large)}
    assert all("appeared" in s for _, s in result.failed)
    for name in ("small.txt", "large.bin"):
        assert body(root_s3, dest.prefix + name) == b"theirs"
    assert not root_s3.list_multipart_uploads(Bucket=BUCKET, Prefix=dest.prefix).get("Uploads")


def test_multipart_upload_above_the_threshold(
    signed_in_session: Session, root_s3: Any, out: Path
) -> None:
    transfers = Transfers(signed_in_session, multipart_threshold=5 * MiB)
    source = big_file(out / "twenty.bin", 20 * MiB)
    dest = S3Location(BUCKET, unique("private"))

    result = transfers.run(transfers.plan_upload([source], dest))

    assert (result.done, result.failed) == (1, ())
    head = root_s3.head_object(Bucket=BUCKET, Key=dest.prefix + "twenty.bin")
    assert head["ETag"].strip('"').endswith("-3")  # 8 + 8 + 4 MiB parts
    assert head["ContentLength"] == 20 * MiB
    got = hashlib.sha256(body(root_s3, dest.prefix + "twenty.bin")).digest()
    assert got == hashlib.sha256(source.read_bytes()).digest()


def cancel_upload_midway(
    transfers: Transfers, out: Path, session: Session, root_s3: Any
) -> tuple[TransferResult, str, float]:
    source = big_file(out / "sixty-four.bin", 64 * MiB)
    dest = S3Location(BUCKET, unique("private"))
    record = Recorder(when=lambda p: p.transferred > p.total_bytes // 10)
    result = transfers.run(
        transfers.plan_upload([source], dest), on_progress=record, cancel=record.cancel
    )
    stopped_after = time.monotonic() - record.cancelled_at
    key = dest.prefix + "sixty-four.bin"
    uploads = session.client("s3").list_multipart_uploads(Bucket=BUCKET, Prefix=key)
    assert uploads.get("Uploads", []) == []
    assert absent(root_s3, key)
    assert record.snapshots[-1].states == ("cancelled",)
    return result, key, stopped_after


def test_cancel_a_multipart_upload_aborts_it(
    signed_in_session: Session, root_s3: Any, out: Path
) -> None:
    transfers = Transfers(signed_in_session, multipart_threshold=5 * MiB)
    result, _, stopped_after = cancel_upload_midway(transfers, out, signed_in_session, root_s3)
    # (transferred may reach 64 MiB: the parts' bytes leave quickly on loopback,
    # and the cancel lands while the local AWS is still storing them.)
    assert result.cancelled
    assert result.done == 0
    assert stopped_after < 1.0, f"took {stopped_after:.2f} s to stop"


def test_unfinished_uploads_are_aborted_even_when_s3transfer_fails_to(
    signed_in_session: Session, root_s3: Any, out: Path
) -> None:
    """s3transfer aborts on cancel itself and swallows errors doing so: when its
    abort fails, the run's own bookkeeping still aborts the upload."""
    refused: list[str] = []

    def client() -> Any:
        real = signed_in_session.client("s3")

        def flaky_abort(**kwargs: Any) -> Any:
            if kwargs["UploadId"] not in refused:
                refused.append(kwargs["UploadId"])
                raise ConnectionError("simulated network failure")
            return original(**kwargs)

        original, real.abort_multipart_upload = real.abort_multipart_upload, flaky_abort
        return real

    transfers = Transfers(
        signed_in_session, client_factory=client, multipart_threshold=5 * MiB, max_concurrency=2
    )
    result, _, _ = cancel_upload_midway(transfers, out, signed_in_session, root_s3)
    assert result.cancelled
    assert len(refused) == 1


def test_guest_upload_is_refused_with_a_sentence(
    guest_source: Any, root_s3: Any, out: Path
) -> None:
    (out / "hello.txt").write_bytes(b"hi")
    dest = S3Location(BUCKET, unique())
    transfers = Transfers(guest_source)

    result = transfers.run(transfers.plan_upload([out / "hello.txt"], dest))

    [(path, sentence)] = result.failed
    assert path == str(out / "hello.txt")
    assert f"s3://{BUCKET}/{dest.prefix}hello.txt" in sentence
    assert "s3:PutObject" in sentence
    assert "access denied" in sentence
    assert absent(root_s3, dest.prefix + "hello.txt")


def test_plan_sees_a_cancel(transfers: Transfers, out: Path) -> None:
    from cognito_desktop.services.s3_models import TransferCancelled

    cancel = threading.Event()
    cancel.set()
    with pytest.raises(TransferCancelled):
        transfers.plan_download(BUCKET, [], ["public/"], "public/", out, cancel=cancel)
    result = transfers.run(
        TransferPlan("upload", (), 0), cancel=cancel
    )  # nothing to do, cancelled at once
    assert result.cancelled
