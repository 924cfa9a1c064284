"""Start and stop the local AWS (ministack) as a child process on a free loopback port."""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

import requests

log = logging.getLogger(__name__)

MINISTACK_VERSION = "1.5.33"
DEFAULT_REGION = "us-east-1"
# The emulator's root credentials: with AUTH=true any other key must be a real
# IAM/STS key it issued, and these seed the world.
ROOT_ACCESS_KEY = "test"
ROOT_SECRET_KEY = "test"


class EmulatorError(RuntimeError):
    """The local AWS could not be started or did not become healthy."""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Emulator:
    """A running ministack child process.

    Use as a context manager, or call ``start()``/``stop()``. The child runs in
    its own process group so that ``stop()`` takes everything it spawned with it.
    """

    port: int = 0
    region: str = DEFAULT_REGION
    log_path: Path | None = None
    _proc: subprocess.Popen[bytes] | None = field(default=None, repr=False)
    _workdir: tempfile.TemporaryDirectory[str] | None = field(default=None, repr=False)

    @property
    def endpoint(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60.0) -> Emulator:
        if self._proc is not None:
            return self
        try:
            import ministack  # noqa: F401  (only to fail early with a clear message)
        except ImportError as exc:
            raise EmulatorError(
                "The local AWS needs the 'ministack' package: "
                f"pip install 'cognito-desktop[sandbox]' (ministack=={MINISTACK_VERSION})"
            ) from exc
        if not self.port:
            self.port = free_port()
        self._workdir = tempfile.TemporaryDirectory(prefix="cognito-desktop-aws-")
        workdir = Path(self._workdir.name)
        env = {
            **os.environ,
            "AUTH": "true",
            "GATEWAY_PORT": str(self.port),
            "BIND_HOST": "127.0.0.1",
            "MINISTACK_HOST": "127.0.0.1",
            "MINISTACK_REGION": self.region,
            "LOG_LEVEL": os.environ.get("COGNITO_DESKTOP_SANDBOX_LOG_LEVEL", "WARNING"),
            "TMPDIR": str(workdir),
            "S3_DATA_DIR": str(workdir / "s3"),
            "AWS_ACCESS_KEY_ID": ROOT_ACCESS_KEY,
            "AWS_SECRET_ACCESS_KEY": ROOT_SECRET_KEY,
        }
        self.log_path = self.log_path or workdir / "ministack.log"
        with open(self.log_path, "ab") as log_file:
            self._proc = subprocess.Popen(
                [sys.executable, "-m", "cognito_desktop.sandbox.guarded_child", str(os.getpid())],
                env=env,
                stdout=log_file,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
                start_new_session=True,
                cwd=workdir,
            )
        try:
            self._wait_healthy(timeout)
        except BaseException:
            self.stop()
            raise
        log.info("local AWS listening on %s (pid %s)", self.endpoint, self._proc.pid)
        return self

    def _wait_healthy(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        url = f"{self.endpoint}/_ministack/health"
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                raise EmulatorError(
                    f"The local AWS exited with code {self._proc.returncode} while starting; "
                    f"see {self.log_path}"
                )
            with contextlib.suppress(requests.RequestException):
                if requests.get(url, timeout=1).status_code == 200:
                    return
            time.sleep(0.1)
        raise EmulatorError(f"The local AWS did not answer on {url} within {timeout:.0f} s")

    def stop(self, timeout: float = 10.0) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(timeout)
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    def __enter__(self) -> Emulator:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
