"""The S3 panel's transfers strip: one row per file, overall progress, speed and Cancel.

Also shows the progress of a delete (a count, not files).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from ..services.s3_models import TransferItem, TransferPlan, TransferProgress, TransferState
from .s3_listing_model import human_bytes

Index = QModelIndex | QPersistentModelIndex
_HEADERS = ("File", "Size", "State", "Done")
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter


class TransferItemsModel(QAbstractTableModel):
    """The plan's items with the latest snapshot's state and bytes (a few updates a second)."""

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.items: tuple[TransferItem, ...] = ()
        self.states: Sequence[TransferState] = ()
        self.done: Sequence[int] = ()

    def set_plan(self, plan: TransferPlan | None) -> None:
        self.beginResetModel()
        self.items = plan.items if plan is not None else ()
        self.states, self.done = (), ()
        self.endResetModel()

    def update(self, progress: TransferProgress) -> None:
        self.states, self.done = progress.states, progress.done_bytes
        if self.items:
            self.dataChanged.emit(self.index(0, 2), self.index(len(self.items) - 1, 3))

    def state(self, row: int) -> TransferState:
        item = self.items[row]
        return self.states[item.index] if item.index < len(self.states) else "queued"

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(_HEADERS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return _HEADERS[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (1, 3):
            return _RIGHT
        if role == Qt.ItemDataRole.ToolTipRole and column == 0:
            return f"s3://{item.bucket}/{item.key}\n{item.local}"
        if role != Qt.ItemDataRole.DisplayRole:
            return None
        if column == 0:
            return item.key if item.direction == "upload" else item.local
        if column == 1:
            return human_bytes(item.size)
        if column == 2:
            return self.state(index.row())
        done = self.done[item.index] if item.index < len(self.done) else 0
        return f"{(done * 100 // item.size) if item.size else 100}%"


class TransfersView(QWidget):
    """Signals:
    cancel_requested(): Cancel pressed (Esc is handled by the panel).
    """

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("s3Transfers")
        self.title = QLabel(wordWrap=True)
        self.title.setObjectName("transferTitle")
        self.progress = QProgressBar()
        self.progress.setObjectName("transferProgress")
        self.progress.setRange(0, 1000)
        self.speed = QLabel()
        self.speed.setObjectName("transferSpeed")
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setObjectName("transferCancel")
        self.cancel_button.setToolTip("Stop the transfer; nothing partial is left (Esc)")
        self.cancel_button.clicked.connect(self.cancel_requested)
        self.close_button = QPushButton("Hide")
        self.close_button.setToolTip("Hide the finished transfer's list")
        self.close_button.clicked.connect(self.hide)
        self.model = TransferItemsModel(self)
        self.table = QTableView()
        self.table.setObjectName("transferItems")
        self.table.setModel(self.model)
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setShowGrid(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, 2, 3):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        top = QHBoxLayout()
        top.addWidget(self.title, 1)
        top.addWidget(self.speed)
        top.addWidget(self.progress)
        top.addWidget(self.cancel_button)
        top.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        self._running = False
        self.hide()

    @property
    def running(self) -> bool:
        return self._running

    def start(self, title: str, plan: TransferPlan | None = None) -> None:
        """A batch (or a count, with no plan) begins: show it with Cancel enabled."""
        self._running = True
        self.title.setStyleSheet("")
        self.title.setText(title)
        self.model.set_plan(plan)
        self.table.setVisible(plan is not None)
        self.progress.setRange(0, 1000 if plan is not None else 0)  # 0..0: busy
        self.progress.setValue(0)
        self.speed.clear()
        self.cancel_button.setEnabled(True)
        self.close_button.setEnabled(False)
        self.show()

    def show_progress(self, progress: TransferProgress) -> None:
        self.model.update(progress)
        total = progress.total_bytes
        self.progress.setValue(1000 if total == 0 else progress.transferred * 1000 // total)
        self.speed.setText(
            f"{progress.items_done:,} of {progress.items_total:,} "
            f"file{'s' if progress.items_total != 1 else ''} · "
            f"{human_bytes(progress.transferred)} of {human_bytes(total)} · "
            f"{human_bytes(progress.bytes_per_second)}/s"
        )

    def count(self, done: int, total: int, what: str) -> None:
        """A counted operation (delete): ``done`` of ``total`` ``what``."""
        self.progress.setRange(0, max(1, total))
        self.progress.setValue(done)
        self.speed.setText(f"{done:,} of {total:,} {what}")

    def cancelling(self) -> None:
        self.cancel_button.setEnabled(False)
        self.speed.setText("Cancelling…")

    def finish(self, sentence: str, error: bool = False) -> None:
        self._running = False
        self.title.setText(sentence)
        self.title.setStyleSheet("color:#a4000f;" if error else "")
        if self.progress.maximum() == 0:
            self.progress.setRange(0, 1)
            self.progress.setValue(1)
        self.cancel_button.setEnabled(False)
        self.close_button.setEnabled(True)
