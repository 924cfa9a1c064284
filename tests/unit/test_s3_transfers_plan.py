"""The pure half of S3 transfers: key -> path mapping, temporary names, placing a
finished download without overwriting, the upload walk, content types, sentences."""

from __future__ import annotations

import errno
import os
from pathlib import Path

import pytest
from botocore.exceptions import ClientError, EndpointConnectionError
from s3transfer.exceptions import RetriesExceededError, S3DownloadFailedError

from cognito_desktop.services import s3_transfer_plan as tp


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("base/a.txt", "a.txt"),
        ("base/x/y/z.json", "x/y/z.json"),
        ("base/with space/ü+b=c.txt", "with space/ü+b=c.txt"),
        ("base/folder/", "folder"),
        ("base/", "."),
        ("base/back\\slash.txt", "back\\slash.txt"),  # a plain character on POSIX
    ],
)
def test_download_target_keeps_the_structure_below_the_base(key: str, expected: str) -> None:
    target = Path("/data/into")
    path, problem = tp.download_target(key, "base/", target)
    assert problem == ""
    assert path == target / expected


@pytest.mark.parametrize(
    "key",
    [
        "base/../escape.txt",
        "base/a/../../escape.txt",
        "base/./dot.txt",
        "base/a//b.txt",
        "base//rooted.txt",
        "base/a/..",
        "base/nul\x00.txt",
        "elsewhere/a.txt",
    ],
)
def test_download_target_refuses_keys_that_escape_or_clash(key: str) -> None:
    path, problem = tp.download_target(key, "base/", Path("/data/into"))
    assert path is None
    assert key in problem
    assert problem.endswith(".")


def test_windows_names_are_refused_there_only() -> None:
    for name in ("a:b.txt", "CON", "con.txt", "trailing.", "pipe|name", "back\\slash"):
        assert tp.segment_problem(name, windows=True), name
        assert not tp.segment_problem(name, windows=False), name


def test_containment_follows_symbolic_links(tmp_path: Path) -> None:
    target = tmp_path / "target"
    (target / "real").mkdir(parents=True)
    (tmp_path / "outside").mkdir()
    (target / "out").symlink_to(tmp_path / "outside")
    (target / "in").symlink_to(target / "real")
    check = tp.ContainmentCheck(target)
    assert check.inside(target)
    assert check.inside(target / "real" / "new" / "deeper")
    assert check.inside(target / "in" / "new")
    assert not check.inside(target / "out")
    assert not check.inside(target / "out" / "new")
    # A target that does not exist yet: everything below it will be ours.
    assert tp.ContainmentCheck(tmp_path / "later").inside(tmp_path / "later" / "a" / "b")


def test_temp_names_are_hidden_unique_and_short_enough(tmp_path: Path) -> None:
    final = str(tmp_path / "report.csv")
    one, two = tp.temp_path(final), tp.temp_path(final)
    assert one != two
    assert os.path.dirname(one) == str(tmp_path)
    name = os.path.basename(one)
    assert name.startswith(".report.csv" + tp.TEMP_MARK)
    long = str(tmp_path / ("文" * 84 + ".txt"))  # 256 bytes in UTF-8
    name = os.path.basename(tp.temp_path(long))
    assert len(os.fsencode(name)) <= 255
    name.encode("utf-8")  # not cut in the middle of a character
    (tmp_path / name).write_bytes(b"")  # and the OS takes it


def test_place_exclusive_never_replaces(tmp_path: Path) -> None:
    temp, final = tmp_path / ".f.cdpart-1", tmp_path / "f"
    temp.write_bytes(b"new")
    final.write_bytes(b"old")
    with pytest.raises(FileExistsError):
        tp.place_exclusive(str(temp), str(final))
    assert final.read_bytes() == b"old"

    final.unlink()
    tp.place_exclusive(str(temp), str(final))
    assert final.read_bytes() == b"new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f"]


@pytest.mark.skipif(os.name == "nt", reason="Windows renames without hard links")
def test_place_exclusive_without_hard_links(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_links(src: str, dst: str) -> None:
        raise OSError(errno.EPERM, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    temp, final = tmp_path / ".g.cdpart-1", tmp_path / "g"
    temp.write_bytes(b"new")
    tp.place_exclusive(str(temp), str(final))
    assert final.read_bytes() == b"new"
    assert not temp.exists()

    temp.write_bytes(b"newer")
    with pytest.raises(FileExistsError):
        tp.place_exclusive(str(temp), str(final))
    assert final.read_bytes() == b"new"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data.json", "application/json"),
        ("notes.txt", "text/plain"),
        ("table.csv", "text/csv"),
        ("logo.png", "image/png"),
        ("page.html", "text/html"),
        ("table.csv.gz", "application/gzip"),
        ("no-extension", "application/octet-stream"),
        ("weird.zzzunknown", "application/octet-stream"),
    ],
)
def test_content_type(name: str, expected: str) -> None:
    assert tp.content_type(name) == expected


def test_upload_walk(tmp_path: Path) -> None:
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    (tree / "a" / "b" / "deep.txt").write_bytes(b"deep")
    (tree / "top.json").write_bytes(b"{}")
    (tree / "empty").mkdir()
    (tree / "a" / "loop").symlink_to(tree)
    (tree / "dangling").symlink_to(tmp_path / "nowhere")
    os.mkfifo(tree / "pipe")
    single = tmp_path / "single.bin"
    single.write_bytes(b"x" * 10)

    entries = list(tp.upload_entries([tree, single], "dest/"))
    by_key = {e.key: e for e in entries}

    assert set(by_key) == {
        "dest/tree/a/b/deep.txt",
        "dest/tree/top.json",
        "dest/tree/empty/",
        "dest/tree/dangling",
        "dest/tree/pipe",
        "dest/single.bin",
    }
    assert by_key["dest/tree/a/b/deep.txt"].size == 4
    assert by_key["dest/tree/empty/"].is_folder
    assert not by_key["dest/tree/empty/"].problem
    assert by_key["dest/single.bin"] == tp.UploadEntry(str(single), "dest/single.bin", 10)
    assert "Could not read" in by_key["dest/tree/dangling"].problem
    assert "not a regular file" in by_key["dest/tree/pipe"].problem


def client_error(code: str, status: int, message: str = "") -> ClientError:
    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "GetObject",
    )


def test_sentences_name_the_object_and_the_action() -> None:
    uri = "s3://bucket/restricted/payroll.csv"
    denied = client_error(
        "AccessDenied",
        403,
        "User: arn:aws:sts::000000000000:assumed-role/Operators/ASIA"
        "ABCDEFGHIJKLMNOP is not "
        "authorized to perform: s3:GetObject",
    )
    assert tp.download_sentence(denied, "bucket", "restricted/payroll.csv", "/x") == (
        f"Could not download {uri}: your role may not s3:GetObject there (access denied)."
    )
    assert tp.role_in(tp.error_code(denied)[2]) == "Operators"
    assert "ASIA" not in tp.error_code(denied)[2]
    gone = client_error("NoSuchKey", 404)
    assert "no longer exists" in tp.download_sentence(gone, "bucket", "k", "/x")
    assert "renew" in tp.s3_sentence(client_error("ExpiredToken", 400), "upload", "a", uri)
    wrapped = RetriesExceededError(EndpointConnectionError(endpoint_url="http://x"))
    assert "connection to S3 failed" in tp.s3_sentence(wrapped, "download", "s3:GetObject", uri)
    changed = S3DownloadFailedError("did not match expected ETag")  # raised in an except:
    changed.__context__ = client_error("PreconditionFailed", 412)  # s3transfer wraps it so
    assert "changed after the list" in tp.download_sentence(changed, "b", "k", "/x")
    assert "appeared" in tp.upload_sentence(client_error("PreconditionFailed", 412), "b", "k", "/x")


def test_local_errors_name_the_file() -> None:
    full = OSError(errno.ENOSPC, "No space left on device")
    assert tp.download_sentence(full, "b", "k", "/data/k") == (
        "Could not save s3://b/k as /data/k: No space left on device."
    )
    assert "appeared" in tp.download_sentence(FileExistsError(errno.EEXIST, "x"), "b", "k", "/d")
    denied = PermissionError(errno.EACCES, "Permission denied")
    assert tp.upload_sentence(denied, "b", "k", "/home/me/f") == (
        "Could not upload /home/me/f: Permission denied."
    )
