"""S3 listing benchmark: "Load all" of a big folder through the panel vs a raw boto3 loop.

One run starts and seeds the local AWS, signs in (scripted login) and seeds
``--keys`` small objects under one prefix the signed-in role may list
(``seed_s3.seed_many``: about 300 puts a second, so 100,000 take ~5 minutes).
Then, with the same credentials, endpoint, botocore config and page size
(MaxKeys), interleaved:

  (a) raw: boto3's list_objects_v2 paginator with Delimiter '/', counting keys;
  (b) panel: S3Panel (the real S3Service + Worker + ListingModel, with its table
      view) in a QApplication: open the folder and press "Load all", until the
      last page is in.

A control, (c), with no target: the raw loop of (a) on a plain thread while the
idle UI thread runs the same heartbeat as in (b). It shows what two Python
threads sharing the GIL (and the CPUs, with the emulator) cost by themselves,
before any panel code: on a busy machine that alone is far above the targets.

Also measured during (b): the UI thread's longest stall (a 5 ms QTimer heartbeat:
the longest gap between two ticks); the time from opening the folder to its first
page painted in the view, against one raw page round trip; and, in one more load
after the timed runs, the memory the loaded rows hold (tracemalloc: traced bytes
after the load minus before it, with the panel open on an empty folder).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/s3_listing.py \\
        [--keys 100000] [--runs 3] [--page-size 1000]

Targets: ratio <= 1.15; longest stall < 50 ms; first page <= one round trip + 50 ms;
<= 600 bytes per row.
"""

from __future__ import annotations

import argparse
import gc
import itertools
import os
import statistics
import sys
import tempfile
import time
import tracemalloc
from typing import Any

PREFIX = "public/bench/"
EMPTY = "public/bench-empty/"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keys", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="full listings per contender")
    parser.add_argument("--page-size", type=int, default=1000, help="MaxKeys of each request")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    with tempfile.TemporaryDirectory(prefix="cognito-desktop-bench-") as home:
        os.environ["COGNITO_DESKTOP_HOME"] = home
        import boto3

        from cognito_desktop.sandbox.command import sandbox_profile
        from cognito_desktop.sandbox.emulator import ROOT_ACCESS_KEY, ROOT_SECRET_KEY, Emulator
        from cognito_desktop.sandbox.scripted_login import sign_in
        from cognito_desktop.sandbox.seed_s3 import BUCKET, seed_many
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
            started = time.perf_counter()
            seed_many(root, PREFIX, args.keys)
            seeded = time.perf_counter() - started
            root.put_object(Bucket=BUCKET, Key=EMPTY, Body=b"")
            profile = sandbox_profile(world, name="bench")
            session = Session(profile, MemoryVault(profile.name))
            sign_in(session, OPERATOR.username, OPERATOR.password)
            print(
                f"seeded {args.keys:,} keys under s3://{BUCKET}/{PREFIX} in {seeded:.1f} s; "
                f"page size (MaxKeys) {args.page_size}; {args.runs} runs each, interleaved"
            )
            load_before = os.getloadavg()[0]
            results = measure(session, profile, BUCKET, args.keys, args.runs, args.page_size)
            results["load"] = [load_before, os.getloadavg()[0]]
        finally:
            emulator.stop()

    report(results, args)
    return 0


# -- (a) the raw loop ---------------------------------------------------------------------


def raw_client(session: Any) -> Any:
    from cognito_desktop.services.s3 import s3_config

    return session.client("s3", config=s3_config())


def raw_list(client: Any, bucket: str, page_size: int) -> int:
    count = 0
    paginator = client.get_paginator("list_objects_v2")
    pages = paginator.paginate(
        Bucket=bucket, Prefix=PREFIX, Delimiter="/", PaginationConfig={"PageSize": page_size}
    )
    for page in pages:
        count += len(page.get("Contents", ())) + len(page.get("CommonPrefixes", ()))
    return count


def raw_page(client: Any, bucket: str, page_size: int) -> float:
    """One raw round trip: the folder's first page."""
    started = time.perf_counter()
    client.list_objects_v2(Bucket=bucket, Prefix=PREFIX, Delimiter="/", MaxKeys=page_size)
    return time.perf_counter() - started


# -- (b) through the panel ----------------------------------------------------------------


class PanelListing:
    """The S3 panel, signed in, ready to open the benchmark folder."""

    def __init__(self, session: Any, profile: Any, bucket: str, page_size: int) -> None:
        from PySide6.QtCore import QEventLoop
        from PySide6.QtWidgets import QApplication

        from cognito_desktop.services.s3_models import S3Location
        from cognito_desktop.ui.s3_panel import S3Panel
        from cognito_desktop.ui.worker import Worker

        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        # processEvents through a QEventLoop instance: see dynamodb_scan.py (PySide6
        # 6.12's static processEvents leaks a reference to None per call).
        self.loop = QEventLoop()
        self.panel = S3Panel(Worker(), page_size=page_size)
        self.panel.resize(1280, 800)
        self.panel.show()
        self.panel.set_context(profile, session)
        self.wait(lambda: self.panel.service is not None and not self.panel.model.fetching)
        self.folder = S3Location(bucket, PREFIX)
        self.empty = S3Location(bucket, EMPTY)
        self.model = self.panel.model
        self.view = self.panel.listing

    def wait(self, condition: Any, timeout: float = 120.0) -> None:
        from PySide6.QtCore import QEventLoop

        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                model = self.panel.model
                raise SystemExit(
                    f"timed out with {model.rowCount():,} rows (fetching {model.fetching}); "
                    f"panel says: {self.panel.note.text()} {self.panel.status.text()}"
                )
            self.loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)

    def done(self) -> bool:
        if self.panel.note.styleSheet():
            raise SystemExit(f"the listing failed: {self.panel.note.text()}")
        return not self.model.fetching and not self.model.has_more

    def open_empty(self) -> None:
        self.panel.open_location(self.empty)
        self.wait(self.done)

    def load_all(self) -> tuple[float, int, float, float]:
        """(seconds, rows, first page painted after, longest UI stall)."""
        from PySide6.QtCore import QEventLoop, QTimer

        self.open_empty()
        gc.collect()
        first: list[float] = []
        ticks: list[float] = []

        def inserted() -> None:
            if not first:
                self.view.viewport().repaint()  # painted, not merely queued
                first.append(time.perf_counter())

        heartbeat = QTimer()
        heartbeat.setInterval(5)
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        self.model.rowsInserted.connect(inserted)
        heartbeat.start()
        self.loop.processEvents()
        ticks.append(time.perf_counter())
        started = time.perf_counter()
        self.panel.open_location(self.folder)
        self.panel.load_all()  # as if pressed at once: each page asks for the next
        while not self.done():
            self.loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        ended = time.perf_counter()
        heartbeat.stop()
        self.model.rowsInserted.disconnect(inserted)
        stall = max(b - a for a, b in itertools.pairwise(ticks))
        return ended - started, self.model.rowCount(), first[0] - started, stall

    def control(self, client: Any, bucket: str, page_size: int) -> tuple[float, int, float]:
        """The raw loop on a plain thread while this (idle) UI thread runs the same
        heartbeat: what two Python threads sharing the GIL cost by themselves.
        (seconds, keys, longest UI stall)."""
        import threading

        from PySide6.QtCore import QEventLoop, QTimer

        ticks: list[float] = []
        counted: list[int] = []
        heartbeat = QTimer()
        heartbeat.setInterval(5)
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        heartbeat.start()
        self.loop.processEvents()
        ticks.append(time.perf_counter())
        started = time.perf_counter()
        thread = threading.Thread(
            target=lambda: counted.append(raw_list(client, bucket, page_size))
        )
        thread.start()
        while not counted:
            self.loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        ended = time.perf_counter()
        heartbeat.stop()
        thread.join()
        stall = max(b - a for a, b in itertools.pairwise(ticks))
        return ended - started, counted[0], stall

    def memory_per_row(self) -> tuple[float, float, int]:
        """(traced bytes per row, the model's own deep size per row, rows)."""
        self.open_empty()
        gc.collect()
        tracemalloc.start()
        before = tracemalloc.get_traced_memory()[0]
        self.panel.open_location(self.folder)
        self.panel.load_all()
        self.wait(self.done, timeout=600)
        self.panel.worker.wait_for_done()
        self.loop.processEvents()
        gc.collect()
        after = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
        rows = self.model.rowCount()
        return (after - before) / rows, self.model.memory_bytes() / rows, rows


def measure(
    session: Any, profile: Any, bucket: str, keys: int, runs: int, page_size: int
) -> dict[str, list[float]]:
    client = raw_client(session)
    panel = PanelListing(session, profile, bucket, page_size)
    # Warm-up: connections, the emulator's first-call paths, imports.
    raw_list(client, bucket, page_size)
    panel.load_all()
    results: dict[str, list[float]] = {
        "raw": [],
        "panel": [],
        "first": [],
        "stall": [],
        "round_trip": [],
        "control": [],
        "control_stall": [],
    }
    order = ["raw", "panel", "control"]
    for _ in range(runs):
        for name in order:
            if name == "raw":
                started = time.perf_counter()
                count = raw_list(client, bucket, page_size)
                results["raw"].append(time.perf_counter() - started)
            elif name == "control":
                seconds, count, stall = panel.control(client, bucket, page_size)
                results["control"].append(seconds)
                results["control_stall"].append(stall)
            else:
                seconds, count, first, stall = panel.load_all()
                results["panel"].append(seconds)
                results["first"].append(first)
                results["stall"].append(stall)
            if count != keys:
                raise SystemExit(f"{name} listing saw {count} rows, not {keys}")
        order.reverse()
        results["round_trip"] += [raw_page(client, bucket, page_size) for _ in range(5)]
    traced, deep, rows = panel.memory_per_row()
    results["traced_per_row"] = [traced]
    results["deep_per_row"] = [deep]
    if rows != keys:
        raise SystemExit(f"the memory run saw {rows} rows, not {keys}")
    return results


def report(results: dict[str, list[float]], args: argparse.Namespace) -> None:
    keys = args.keys
    raw = statistics.median(results["raw"])
    ours = statistics.median(results["panel"])
    first = statistics.median(results["first"])
    trip = statistics.median(results["round_trip"])
    stall = max(results["stall"])
    print(
        "command: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/s3_listing.py "
        f"--keys {keys} --runs {args.runs} --page-size {args.page_size}"
    )
    print(
        "machine load average (1 min) before/after the runs: "
        + " / ".join(f"{x:.2f}" for x in results["load"])
        + f" on {os.cpu_count()} CPUs (other processes compete with the emulator and us)"
    )
    print(f"raw boto3 list_objects_v2 paginator: median {raw:.2f} s ({keys / raw:,.0f} keys/s)")
    print(
        f"panel Load all (S3Service + Worker + model + view): median {ours:.2f} s "
        f"({keys / ours:,.0f} keys/s)"
    )
    print("runs raw:   " + ", ".join(f"{s:.2f}" for s in results["raw"]))
    print("runs panel: " + ", ".join(f"{s:.2f}" for s in results["panel"]))
    control = statistics.median(results["control"])
    print(
        f"control (no target): the raw loop on a thread beside the same 5 ms heartbeat: "
        f"median {control:.2f} s, ratio {control / raw:.3f}, longest UI stall "
        f"{max(results['control_stall']) * 1000:.1f} ms; runs "
        + ", ".join(f"{s:.2f}" for s in results["control"])
    )
    print(f"ratio (panel / raw, medians): {ours / raw:.3f}  (target <= 1.15)")
    print(
        f"UI thread longest stall (5 ms heartbeat, worst of all runs): {stall * 1000:.1f} ms  "
        f"(median of runs {statistics.median(results['stall']) * 1000:.1f} ms; target < 50 ms)"
    )
    print(
        f"first page painted: median {first * 1000:.1f} ms after opening; one raw page round "
        f"trip {trip * 1000:.1f} ms; difference {(first - trip) * 1000:+.1f} ms  "
        "(target <= +50 ms)"
    )
    print(
        f"memory per loaded row: {results['traced_per_row'][0]:.0f} bytes traced "
        f"(tracemalloc, after - before the load); the model's columns alone "
        f"{results['deep_per_row'][0]:.0f} bytes  (target <= 600 bytes/row)"
    )


if __name__ == "__main__":
    sys.exit(main())
