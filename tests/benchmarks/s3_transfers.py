"""S3 transfer benchmark: the panel's Transfers vs boto3's transfer manager with its defaults.

One run starts and seeds the local AWS, signs in (scripted login) and, with the
operator's session (same endpoint, same credentials), measures, interleaved:

  (a) download of one large object      ours: Transfers.run   boto3: client.download_file
  (b) upload of one large file          ours: Transfers.run   boto3: client.upload_file
  (c) download of many small objects    ours: Transfers.run   boto3: one TransferManager,
  (d) upload of many small files                              every transfer submitted, then waited

Ours runs with an on_progress callback that does real work (keeps the
latest snapshot, finds the slowest running item). boto3 runs without a
callback and uses its own default client (``session.client("s3")``); ours
builds its client with the panel's config. Both use the default chunk sizes
(8 MiB threshold and parts) and 10 concurrent requests.

"run" times are ``Transfers.run`` alone, as the panel's progress dialog sees
them; "plan+run" adds the plan (a HEAD, or one listing, and the local checks),
which boto3's side does not have to do (it is given the keys). boto3's
download_file does its own HEAD per object inside the timing; ours takes size
and ETag from the plan.

    .venv/bin/python tests/benchmarks/s3_transfers.py [--runs 3] [--size-mib 256] \\
        [--small-count 2000]

Target: ours/boto3 >= 0.95 for each case (MB/s, medians).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

MiB = 1024 * 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="measurements per contender and case")
    parser.add_argument("--size-mib", type=int, default=256, help="size of the large object")
    parser.add_argument("--small-count", type=int, default=2000, help="number of small objects")
    args = parser.parse_args()
    print("command: " + " ".join([os.path.basename(sys.executable), *sys.argv]))

    with tempfile.TemporaryDirectory(prefix="cognito-desktop-bench-") as scratch:
        os.environ["COGNITO_DESKTOP_HOME"] = str(Path(scratch) / "home")
        import boto3

        from cognito_desktop.sandbox.command import sandbox_profile
        from cognito_desktop.sandbox.emulator import ROOT_ACCESS_KEY, ROOT_SECRET_KEY, Emulator
        from cognito_desktop.sandbox.scripted_login import sign_in
        from cognito_desktop.sandbox.world import OPERATOR, seed
        from cognito_desktop.services.session import Session
        from cognito_desktop.services.vault import MemoryVault

        emulator = Emulator().start()
        try:
            world = seed(emulator.endpoint, emulator.region)
            root = boto3.client(
                "s3",
                endpoint_url=world.endpoint,
                region_name=world.region,
                aws_access_key_id=ROOT_ACCESS_KEY,
                aws_secret_access_key=ROOT_SECRET_KEY,
            )
            profile = sandbox_profile(world, name="bench")
            session = Session(profile, MemoryVault(profile.name))
            sign_in(session, OPERATOR.username, OPERATOR.password)
            bench = Bench(session, root, world.bucket, Path(scratch), args)
            bench.prepare()
            results = bench.measure(args.runs)
        finally:
            emulator.stop()
    report(results, args)
    return 0


class Bench:
    def __init__(self, session: Any, root: Any, bucket: str, scratch: Path, args: Any) -> None:
        from cognito_desktop.services.s3_transfers import Transfers

        self.session, self.root, self.bucket, self.scratch = session, root, bucket, scratch
        self.size = args.size_mib * MiB
        self.count = args.small_count
        self.prefix = f"private/bench-{uuid.uuid4().hex[:8]}/"
        self.large_key = self.prefix + "large.bin"
        self.small_prefix = self.prefix + "small/"
        self.ours = Transfers(session)
        self.boto = session.client("s3")  # boto3's defaults
        self.large_file = scratch / "large.bin"
        self.small_dir = scratch / "small"
        self.small_keys: list[str] = []
        self.small_bytes = 0
        self.latest: Any = None
        self.snapshots_seen = 0

    # -- data ------------------------------------------------------------------------

    def prepare(self) -> None:
        started = time.perf_counter()
        block = os.urandom(MiB)
        with self.large_file.open("wb") as out:
            for i in range(self.size // MiB):
                out.write(block[i:] + block[:i])
        self.root.upload_file(str(self.large_file), self.bucket, self.large_key)
        self.small_dir.mkdir()
        sizes = [1024 + (i * 7919) % (15 * 1024) for i in range(self.count)]  # 1-16 KiB
        pattern = os.urandom(16 * 1024)
        for i, size in enumerate(sizes):
            (self.small_dir / f"obj-{i:05d}.bin").write_bytes(pattern[i % 97 :][:size] or b"x")
        files = sorted(self.small_dir.iterdir())
        self.small_bytes = sum(f.stat().st_size for f in files)
        self.small_keys = [self.small_prefix + f.name for f in files]

        def put(path: Path) -> None:
            self.root.upload_file(str(path), self.bucket, self.small_prefix + path.name)

        with ThreadPoolExecutor(8) as pool:
            list(pool.map(put, files))
        print(
            f"seeded {self.size // MiB} MiB object and {self.count:,} small objects "
            f"({self.small_bytes / 1e6:.1f} MB) in {time.perf_counter() - started:.1f} s"
        )

    def fresh_dir(self, name: str) -> Path:
        folder = self.scratch / f"{name}-{uuid.uuid4().hex[:6]}"
        folder.mkdir()
        return folder

    def forget_prefix(self, prefix: str) -> None:
        paginator = self.root.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=prefix):
            keys = [{"Key": o["Key"]} for o in page.get("Contents", ())]
            if keys:
                self.root.delete_objects(Bucket=self.bucket, Delete={"Objects": keys})

    def on_progress(self, progress: Any) -> None:
        """Real work per snapshot, as a dialog would: keep the latest, count the
        items still running, find the slowest of them."""
        self.latest = progress
        self.snapshots_seen += 1
        running = [i for i, state in enumerate(progress.states) if state == "running"]
        if running:
            min(running, key=progress.done_bytes.__getitem__)

    # -- contenders ------------------------------------------------------------------
    # Each returns (seconds of the transfer, seconds of plan + transfer).

    def ours_run(self, plan_it: Callable[[], Any]) -> tuple[float, float]:
        started = time.perf_counter()
        plan = plan_it()
        planned = time.perf_counter()
        result = self.ours.run(plan, on_progress=self.on_progress)
        ended = time.perf_counter()
        if result.failed or result.cancelled or result.done != len(plan.items):
            raise SystemExit(f"our transfer failed: {result}")
        return ended - planned, ended - started

    def ours_download_large(self) -> tuple[float, float]:
        into = self.fresh_dir("dl-ours")
        try:
            return self.ours_run(
                lambda: self.ours.plan_download(
                    self.bucket, [self.large_key], [], self.prefix, into
                )
            )
        finally:
            self.check_size(into / "large.bin", self.size)
            shutil.rmtree(into)

    def boto_download_large(self) -> float:
        into = self.fresh_dir("dl-boto")
        try:
            started = time.perf_counter()
            self.boto.download_file(self.bucket, self.large_key, str(into / "large.bin"))
            return time.perf_counter() - started
        finally:
            self.check_size(into / "large.bin", self.size)
            shutil.rmtree(into)

    def ours_upload_large(self) -> tuple[float, float]:
        from cognito_desktop.services.s3_models import S3Location

        dest = S3Location(self.bucket, self.prefix + f"up-ours-{uuid.uuid4().hex[:6]}/")
        try:
            return self.ours_run(lambda: self.ours.plan_upload([self.large_file], dest))
        finally:
            self.forget_prefix(dest.prefix)

    def boto_upload_large(self) -> float:
        prefix = self.prefix + f"up-boto-{uuid.uuid4().hex[:6]}/"
        try:
            started = time.perf_counter()
            self.boto.upload_file(str(self.large_file), self.bucket, prefix + "large.bin")
            return time.perf_counter() - started
        finally:
            self.forget_prefix(prefix)

    def ours_download_small(self) -> tuple[float, float]:
        into = self.fresh_dir("dls-ours")
        try:
            return self.ours_run(
                lambda: self.ours.plan_download(
                    self.bucket, [], [self.small_prefix], self.small_prefix, into
                )
            )
        finally:
            self.check_count(into, self.count)
            shutil.rmtree(into)

    def boto_download_small(self) -> float:
        from boto3.s3.transfer import TransferManager

        into = self.fresh_dir("dls-boto")
        try:
            started = time.perf_counter()
            with TransferManager(self.boto) as manager:
                futures = [
                    manager.download(self.bucket, key, str(into / key.rsplit("/", 1)[1]))
                    for key in self.small_keys
                ]
                for future in futures:
                    future.result()
            return time.perf_counter() - started
        finally:
            self.check_count(into, self.count)
            shutil.rmtree(into)

    def ours_upload_small(self) -> tuple[float, float]:
        from cognito_desktop.services.s3_models import S3Location

        dest = S3Location(self.bucket, self.prefix + f"ups-ours-{uuid.uuid4().hex[:6]}/")
        try:
            return self.ours_run(lambda: self.ours.plan_upload([self.small_dir], dest))
        finally:
            self.forget_prefix(dest.prefix)

    def boto_upload_small(self) -> float:
        from boto3.s3.transfer import TransferManager

        prefix = self.prefix + f"ups-boto-{uuid.uuid4().hex[:6]}/small/"
        files = sorted(self.small_dir.iterdir())
        try:
            started = time.perf_counter()
            with TransferManager(self.boto) as manager:
                futures = [manager.upload(str(f), self.bucket, prefix + f.name) for f in files]
                for future in futures:
                    future.result()
            return time.perf_counter() - started
        finally:
            self.forget_prefix(prefix)

    @staticmethod
    def check_size(path: Path, size: int) -> None:
        if path.stat().st_size != size:
            raise SystemExit(f"{path} has {path.stat().st_size} bytes, not {size}")

    @staticmethod
    def check_count(folder: Path, count: int) -> None:
        found = sum(1 for p in folder.rglob("*") if p.is_file())
        if found != count:
            raise SystemExit(f"{folder} has {found} files, not {count}")

    # -- measuring -------------------------------------------------------------------

    def measure(self, runs: int) -> dict[str, dict[str, list[float]]]:
        cases = {
            "a": (self.ours_download_large, self.boto_download_large, self.size),
            "b": (self.ours_upload_large, self.boto_upload_large, self.size),
            "c": (self.ours_download_small, self.boto_download_small, self.small_bytes),
            "d": (self.ours_upload_small, self.boto_upload_small, self.small_bytes),
        }
        # Warm-up: connections, imports, the emulator's first-call paths.
        self.ours_download_small()
        self.boto_download_small()
        results: dict[str, dict[str, list[float]]] = {
            case: {"ours": [], "ours_plan": [], "boto": [], "bytes": [size]}
            for case, (_, _, size) in cases.items()
        }
        for run in range(runs):
            for case, (ours, boto, _) in cases.items():
                contenders = ["ours", "boto"] if (run + ord(case)) % 2 else ["boto", "ours"]
                for who in contenders:
                    if who == "ours":
                        seconds, with_plan = ours()
                        results[case]["ours"].append(seconds)
                        results[case]["ours_plan"].append(with_plan)
                    else:
                        results[case]["boto"].append(boto())
                line = results[case]
                print(
                    f"run {run + 1} ({case}): ours {line['ours'][-1]:.2f} s "
                    f"(plan+run {line['ours_plan'][-1]:.2f} s), boto3 {line['boto'][-1]:.2f} s",
                    flush=True,
                )
        return results


NAMES = {
    "a": "download 1 x {size} MiB",
    "b": "upload   1 x {size} MiB",
    "c": "download {count:,} small",
    "d": "upload   {count:,} small",
}


def report(results: dict[str, dict[str, list[float]]], args: Any) -> None:
    print()
    print(f"medians of {args.runs} runs; MB = 10^6 bytes")
    print(f"{'case':<26}{'ours MB/s':>11}{'boto3 MB/s':>12}{'ratio':>8}   plan+run ratio")
    for case, line in results.items():
        size = line["bytes"][0]
        ours = size / statistics.median(line["ours"]) / 1e6
        with_plan = size / statistics.median(line["ours_plan"]) / 1e6
        boto = size / statistics.median(line["boto"]) / 1e6
        name = NAMES[case].format(size=args.size_mib, count=args.small_count)
        print(
            f"({case}) {name:<22}{ours:>11.1f}{boto:>12.1f}{ours / boto:>8.3f}"
            f"   {with_plan / boto:.3f}"
        )
    print("target: ratio >= 0.95 for each case")


if __name__ == "__main__":
    sys.exit(main())
