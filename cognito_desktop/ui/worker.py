"""The one worker helper: run a callable on the thread pool, get its result back as a signal.

Every call that touches the network, the keyring or the disk goes through
``Worker.submit`` so the UI thread never waits on them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)


class WorkerSignals(QObject):
    """Signals of one job, delivered on the thread that created them (the UI thread).

    Signals:
        result(object): the callable's return value.
        error(object): the exception it raised.
        finished(): after result or error.
    """

    result = Signal(object)
    error = Signal(object)
    finished = Signal()


class _Job(QRunnable):
    def __init__(
        self,
        fn: Callable[..., Any],
        args: tuple[Any, ...],
        kwargs: dict[str, Any],
        signals: WorkerSignals,
    ) -> None:
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._args, self._kwargs = fn, args, kwargs
        self.signals = signals

    def run(self) -> None:
        try:
            value = self._fn(*self._args, **self._kwargs)
        except BaseException as exc:  # every failure must reach the UI
            self._emit(self.signals.error, exc)
        else:
            self._emit(self.signals.result, value)
        finally:
            self._emit(self.signals.finished)

    @staticmethod
    def _emit(signal: Any, *args: Any) -> None:
        try:
            signal.emit(*args)
        except RuntimeError:
            # The signals object went with its window (closed while the job ran).
            log.debug("a background job finished after its receiver was deleted")


class Worker(QObject):
    """Submits jobs to a QThreadPool and keeps their signal objects alive until done."""

    def __init__(self, parent: QObject | None = None, pool: QThreadPool | None = None) -> None:
        super().__init__(parent)
        self.pool = pool or QThreadPool.globalInstance()
        self._live: set[WorkerSignals] = set()

    def submit(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        **kwargs: Any,
    ) -> WorkerSignals:
        signals = WorkerSignals()
        if on_result is not None:
            signals.result.connect(on_result)
        if on_error is not None:
            signals.error.connect(on_error)
        else:
            signals.error.connect(lambda exc: log.error("background job failed", exc_info=exc))
        self._live.add(signals)
        signals.finished.connect(lambda: self._live.discard(signals))
        self.pool.start(_Job(fn, args, kwargs, signals))
        return signals

    @property
    def busy(self) -> bool:
        return bool(self._live)

    def wait_for_done(self, msecs: int = 30_000) -> bool:
        """Block until the pool is idle (tests and shutdown only)."""
        return bool(self.pool.waitForDone(msecs))
