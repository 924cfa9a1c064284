"""PySide6 must not leak references to True/None: PySide6 6.12.0 did, and the app
died in bool_dealloc after some hundreds of signal emits (every worker job emits)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QCoreApplication, QObject, Signal


class _Emitter(QObject):
    fired = Signal(object)


def test_emitting_signals_does_not_eat_references_to_true() -> None:
    emitter = _Emitter()
    received: list[object] = []
    emitter.fired.connect(received.append)
    before = sys.getrefcount(True)
    for n in range(500):
        emitter.fired.emit(n)
    assert len(received) == 500
    assert sys.getrefcount(True) - before >= 0


def test_processing_events_does_not_eat_references_to_none() -> None:
    app = QCoreApplication.instance() or QCoreApplication([])
    assert app is not None
    before = sys.getrefcount(None)
    for _ in range(500):
        QCoreApplication.processEvents()
    assert sys.getrefcount(None) - before >= -5
