"""Run ministack, and stop it when the process that started it is gone.

The emulator runs in its own session (so it can be stopped as a group); that also
means nothing stops it when its parent dies hard (a crash, SIGKILL). This
launcher watches the parent and exits with it, so no emulator is ever orphaned.
"""

from __future__ import annotations

import os
import runpy
import signal
import sys
import threading
import time


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(0.5)
    os.kill(os.getpid(), signal.SIGTERM)
    time.sleep(5)
    os._exit(1)  # SIGTERM did not end it in time


def main() -> None:
    parent = int(sys.argv[1])
    sys.argv = ["ministack"]
    threading.Thread(target=_watch, args=(parent,), daemon=True).start()
    runpy.run_module("ministack", run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main()
