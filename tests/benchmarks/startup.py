"""Startup benchmark: time to our main window's first paint vs a bare PySide6 QMainWindow.

Both are measured in the same run, from process launch to the first paint event
of the window, as separate processes, interleaved, several repetitions; the
ratio of the medians is printed. Our app opens a profile whose session is in
the keyring (a restored session: no network is needed before the paint).
It also reports whether boto3 or QtWebEngine were loaded at the first paint.

Run it on a display with a keyring, as the tests do:

    xvfb-run -a dbus-run-session -- scripts/keyring-session.sh \\
        .venv/bin/python tests/benchmarks/startup.py [--runs 9]

Target: ratio <= 1.5.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BARE = r"""
import os, sys, time
from PySide6.QtWidgets import QApplication, QMainWindow

class Window(QMainWindow):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not Window.painted:
            Window.painted = True
            print(json.dumps({"painted_at": time.time()}), flush=True)
            os._exit(0)

import json
app = QApplication(sys.argv)
window = Window()
window.resize(1100, 720)
window.show()
app.exec()
"""

OURS = r"""
import json, os, sys, time
from cognito_desktop.ui import application

class Window(application.MainWindow):
    painted = False
    def paintEvent(self, event):
        super().paintEvent(event)
        if not Window.painted:
            Window.painted = True
            print(json.dumps({
                "painted_at": time.time(),
                "boto3_loaded": "boto3" in sys.modules,
                "webengine_loaded": any(m.startswith("PySide6.QtWebEngine")
                                        for m in sys.modules),
            }), flush=True)
            os._exit(0)

application.MainWindow = Window
from cognito_desktop.services.logsetup import configure_logging
from cognito_desktop.services.paths import app_paths
configure_logging(app_paths().log_file)
application.run(sys.argv[1])
"""


def launch(code: str, args: list[str], env: dict[str, str]) -> tuple[float, dict[str, object]]:
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", code, *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(f"no paint reported (exit {out.returncode}): {out.stderr[-2000:]}")
    report = json.loads(lines[-1])
    return float(report["painted_at"]) - started, report


def prepare_restored_session(home: Path) -> tuple[str, object]:
    """Seed a local AWS, sign in over HTTP and leave the session in the keyring."""
    os.environ["COGNITO_DESKTOP_HOME"] = str(home)
    from cognito_desktop.sandbox.command import sandbox_profile
    from cognito_desktop.sandbox.emulator import Emulator
    from cognito_desktop.sandbox.scripted_login import sign_in
    from cognito_desktop.sandbox.world import OPERATOR, seed
    from cognito_desktop.services.config import upsert_profile
    from cognito_desktop.services.paths import app_paths
    from cognito_desktop.services.session import Session
    from cognito_desktop.services.vault import open_vault

    emulator = Emulator().start()
    world = seed(emulator.endpoint, emulator.region)
    profile = sandbox_profile(world, name="bench")
    upsert_profile(app_paths().profiles_file, profile, make_default=True)
    vault, status = open_vault(profile.name)
    if not status.usable:
        emulator.stop()
        raise SystemExit(f"needs a keyring: {status.detail}")
    sign_in(Session(profile, vault), OPERATOR.username, OPERATOR.password)
    return profile.name, emulator


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="cognito-desktop-bench-") as tmp:
        profile, emulator = prepare_restored_session(Path(tmp))
        try:
            env = {**os.environ, "COGNITO_DESKTOP_HOME": tmp}
            if os.geteuid() == 0:
                env.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
            # One warm-up of each, so both start with warm file caches.
            launch(BARE, [], env)
            launch(OURS, [profile], env)
            bare, ours, reports = [], [], []
            for _ in range(args.runs):
                bare.append(launch(BARE, [], env)[0])
                seconds, report = launch(OURS, [profile], env)
                ours.append(seconds)
                reports.append(report)
        finally:
            emulator.stop()  # type: ignore[attr-defined]
    bare_median, ours_median = statistics.median(bare), statistics.median(ours)
    print(f"runs: {args.runs} each, interleaved")
    print(
        f"bare QMainWindow first paint:    median {bare_median * 1000:7.1f} ms  "
        f"(min {min(bare) * 1000:.1f}, max {max(bare) * 1000:.1f})"
    )
    print(
        f"Cognito Desktop first paint:     median {ours_median * 1000:7.1f} ms  "
        f"(min {min(ours) * 1000:.1f}, max {max(ours) * 1000:.1f})"
    )
    print(f"boto3 loaded before first paint: {any(r['boto3_loaded'] for r in reports)}")
    print(f"QtWebEngine loaded before paint: {any(r['webengine_loaded'] for r in reports)}")
    ratio = ours_median / bare_median
    print(f"ratio (ours / bare): {ratio:.2f}  (target <= 1.5)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
