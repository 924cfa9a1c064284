"""DynamoDB scan benchmark: a full scan through the panel's lazy model vs a raw boto3 loop.

One run starts and seeds the local AWS, signs in (scripted login), seeds a table
of ``--items`` typed items and lets the signed-in role read it. Then, with the
same credentials, endpoint and page size (``Limit``), interleaved:

  (a) raw: boto3's scan paginator, each item deserialised with the same type
      fidelity as the panel (TypeDeserializer, binary as bytes, exact numbers);
  (b) panel: DynamoDbPanel (the real DynamoService + Worker + ResultsModel, with
      its table view) in a QApplication, fetchMore until canFetchMore is False.

Also measured during (b): the UI thread's longest stall (a 5 ms QTimer heartbeat:
the longest gap between two ticks), and the time from Run to the first page
painted in the view, against one raw page round trip (Scan + deserialise).

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/dynamodb_scan.py \\
        [--items 50000] [--runs 3] [--page-size 1000]

The default Limit is 1,000 (the form's maximum), not the form's default of 100,
because the local AWS reads its whole table for every page: at 50,000 items a
page costs ~170 ms whatever its size, so a full scan at Limit 100 takes ~85 s
per contender and run (measured: ratio 0.95, stall 50.5 ms, first page -7 ms).

Targets: ratio <= 1.15; longest stall < 50 ms; first page <= one round trip + 50 ms.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any

TABLE = "cognito-desktop-bench-items"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=3, help="full scans per contender")
    parser.add_argument("--page-size", type=int, default=1000, help="Limit of each Scan")
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

    with tempfile.TemporaryDirectory(prefix="cognito-desktop-bench-") as home:
        os.environ["COGNITO_DESKTOP_HOME"] = home
        import boto3

        from cognito_desktop.sandbox.command import sandbox_profile
        from cognito_desktop.sandbox.emulator import ROOT_ACCESS_KEY, ROOT_SECRET_KEY, Emulator
        from cognito_desktop.sandbox.scripted_login import sign_in
        from cognito_desktop.sandbox.seed_dynamodb import seed_benchmark_table
        from cognito_desktop.sandbox.world import OPERATOR, seed
        from cognito_desktop.services.session import Session
        from cognito_desktop.services.vault import MemoryVault

        emulator = Emulator().start()
        try:
            world = seed(emulator.endpoint, emulator.region)

            def root(service: str) -> Any:
                return boto3.client(
                    service,
                    endpoint_url=world.endpoint,
                    region_name=world.region,
                    aws_access_key_id=ROOT_ACCESS_KEY,
                    aws_secret_access_key=ROOT_SECRET_KEY,
                )

            started = time.perf_counter()
            seed_benchmark_table(root("dynamodb"), TABLE, args.items)
            seeded = time.perf_counter() - started
            allow_benchmark_table(root("iam"), world.authenticated_role_arn, world.region)
            profile = dataclasses.replace(
                sandbox_profile(world, name="bench"), dynamodb_tables=(TABLE,)
            )
            session = Session(profile, MemoryVault(profile.name))
            sign_in(session, OPERATOR.username, OPERATOR.password)
            print(
                f"seeded {args.items:,} items into {TABLE} in {seeded:.1f} s; "
                f"page size (Limit) {args.page_size}; {args.runs} runs each, interleaved"
            )
            results = measure(session, profile, args.items, args.runs, args.page_size)
        finally:
            emulator.stop()

    report(results, args.items)
    return 0


def allow_benchmark_table(iam: Any, role_arn: str, region: str) -> None:
    """The demo role reads the demo tables only; let it scan the benchmark table too."""
    arn = f"arn:aws:dynamodb:{region}:000000000000:table/{TABLE}"
    iam.put_role_policy(
        RoleName=role_arn.rsplit("/", 1)[-1],
        PolicyName="benchmark-table",
        PolicyDocument=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["dynamodb:Scan", "dynamodb:DescribeTable"],
                        "Resource": [arn],
                    }
                ],
            }
        ),
    )


# -- (a) the raw loop ---------------------------------------------------------------------


def raw_deserializer() -> Any:
    from boto3.dynamodb.types import TypeDeserializer

    class Deserializer(TypeDeserializer):  # type: ignore[misc]
        def _deserialize_b(self, value: bytes) -> bytes:  # binary as bytes, as the panel
            return bytes(value)

    return Deserializer()


def raw_scan(client: Any, page_size: int) -> int:
    deserialize = raw_deserializer().deserialize
    count = 0
    paginator = client.get_paginator("scan")
    for page in paginator.paginate(TableName=TABLE, PaginationConfig={"PageSize": page_size}):
        items = [{k: deserialize(v) for k, v in item.items()} for item in page["Items"]]
        count += len(items)
    return count


def raw_page(client: Any, page_size: int) -> float:
    """One raw round trip: a Scan page, deserialised."""
    deserialize = raw_deserializer().deserialize
    started = time.perf_counter()
    page = client.scan(TableName=TABLE, Limit=page_size)
    [{k: deserialize(v) for k, v in item.items()} for item in page["Items"]]
    return time.perf_counter() - started


# -- (b) through the panel ----------------------------------------------------------------


class PanelScan:
    """The panel on the benchmark table, ready to Run a full Scan."""

    def __init__(self, session: Any, profile: Any, page_size: int) -> None:
        from PySide6.QtCore import QEventLoop
        from PySide6.QtWidgets import QApplication

        from cognito_desktop.ui.dynamodb_panel import DynamoDbPanel
        from cognito_desktop.ui.worker import Worker

        self.app = QApplication.instance() or QApplication(sys.argv[:1])
        # Events are processed through a QEventLoop instance: in PySide6 6.12 on
        # Python 3.11 the static QCoreApplication.processEvents (and QTest.qWait)
        # drop a reference to None on every call, which aborts the process
        # ("none_dealloc") after some ten thousand calls.
        self.loop = QEventLoop()
        self.panel = DynamoDbPanel(Worker())
        self.panel.resize(1200, 800)
        self.panel.show()
        self.panel.set_context(profile, session)
        self.wait(lambda: self.panel.tables.count() > 0)
        self.panel.select_table(TABLE)
        self.wait(lambda: self.panel.info is not None and self.panel.info.name == TABLE)
        self.panel.form.set_mode("scan")
        self.panel.form.page_size.setValue(page_size)
        self.model = self.panel.results.model
        self.view = self.panel.results.table
        # A reader scrolling to the end: each page asks for the next, as the view does.
        self.model.page_appended.connect(self._next)

    def _next(self) -> None:
        if self.model.canFetchMore():
            self.model.fetchMore()

    def wait(self, condition: Any, timeout: float = 60.0) -> None:
        from PySide6.QtCore import QEventLoop

        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise SystemExit(f"timed out; panel says: {self.panel.note.text()}")
            self.loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 20)

    def scan(self) -> tuple[float, int, float, float]:
        """(seconds, items, first page painted after, longest UI stall)."""
        from PySide6.QtCore import QEventLoop, QTimer

        first: list[float] = []
        ticks: list[float] = []
        done: list[float] = []

        def inserted() -> None:
            if not first:
                self.view.viewport().repaint()  # painted, not merely queued
                first.append(time.perf_counter())

        def page() -> None:
            if not self.model.canFetchMore() and not self.model.fetching and not done:
                done.append(time.perf_counter())

        heartbeat = QTimer()
        heartbeat.setInterval(5)
        heartbeat.timeout.connect(lambda: ticks.append(time.perf_counter()))
        self.model.rowsInserted.connect(inserted)
        self.model.page_appended.connect(page)
        heartbeat.start()
        self.loop.processEvents()
        ticks.append(time.perf_counter())
        started = time.perf_counter()
        self.panel.run_read()
        while not done:
            self.loop.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
            if self.panel.results.stats.styleSheet():
                raise SystemExit(f"the scan failed: {self.panel.results.stats.text()}")
        heartbeat.stop()
        self.model.rowsInserted.disconnect(inserted)
        self.model.page_appended.disconnect(page)
        stall = max(b - a for a, b in itertools.pairwise(ticks))
        return done[0] - started, self.model.rowCount(), first[0] - started, stall


def measure(
    session: Any, profile: Any, items: int, runs: int, page_size: int
) -> dict[str, list[float]]:
    client = session.client("dynamodb")
    panel = PanelScan(session, profile, page_size)
    # Warm-up: connections, the emulator's first-call paths, imports.
    raw_scan(client, page_size)
    panel.scan()
    results: dict[str, list[float]] = {
        "raw": [],
        "panel": [],
        "first": [],
        "stall": [],
        "round_trip": [],
    }
    order = ["raw", "panel"]
    for _ in range(runs):
        for name in order:
            if name == "raw":
                started = time.perf_counter()
                count = raw_scan(client, page_size)
                results["raw"].append(time.perf_counter() - started)
            else:
                seconds, count, first, stall = panel.scan()
                results["panel"].append(seconds)
                results["first"].append(first)
                results["stall"].append(stall)
            if count != items:
                raise SystemExit(f"{name} scan saw {count} items, not {items}")
        order.reverse()
        results["round_trip"] += [raw_page(client, page_size) for _ in range(5)]
    return results


def report(results: dict[str, list[float]], items: int) -> None:
    raw = statistics.median(results["raw"])
    ours = statistics.median(results["panel"])
    first = statistics.median(results["first"])
    trip = statistics.median(results["round_trip"])
    stall = max(results["stall"])
    print(
        f"raw boto3 paginator + TypeDeserializer: median {raw:.2f} s ({items / raw:,.0f} items/s)"
    )
    print(
        f"panel (DynamoService + Worker + model): median {ours:.2f} s ({items / ours:,.0f} items/s)"
    )
    print("runs raw:   " + ", ".join(f"{s:.2f}" for s in results["raw"]))
    print("runs panel: " + ", ".join(f"{s:.2f}" for s in results["panel"]))
    print(f"ratio (panel / raw, medians): {ours / raw:.3f}  (target <= 1.15)")
    print(
        f"UI thread longest stall (5 ms heartbeat, worst of all runs): {stall * 1000:.1f} ms  "
        f"(median of runs {statistics.median(results['stall']) * 1000:.1f} ms; target < 50 ms)"
    )
    print(
        f"first page painted: median {first * 1000:.1f} ms after Run; one raw page round trip "
        f"{trip * 1000:.1f} ms; difference {(first - trip) * 1000:+.1f} ms  (target <= +50 ms)"
    )


if __name__ == "__main__":
    sys.exit(main())
