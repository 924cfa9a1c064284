"""The DynamoDB results area: the lazy table, page statistics, Load more, Stop and Export."""

from __future__ import annotations

from PySide6.QtCore import QEvent, QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QPushButton,
    QTableView,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from .dynamodb_results_model import ResultsModel


class ResultsView(QWidget):
    """Signals:
    stop_requested(): Stop pressed (Esc is handled by the panel).
    load_more_requested(): Load more pressed.
    export_requested(str): "loaded" or "all".
    edit_requested(int): open the item of this row (double-click, Return, Ctrl+E).
    delete_requested(int): delete the item of this row (Delete).
    """

    stop_requested = Signal()
    load_more_requested = Signal()
    export_requested = Signal(str)
    edit_requested = Signal(int)
    delete_requested = Signal(int)

    def __init__(self, allow_all_export: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = ResultsModel(self)
        self.table = QTableView()
        self.table.setObjectName("resultsTable")
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(False)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.horizontalHeader().setDefaultSectionSize(150)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.doubleClicked.connect(lambda index: self.edit_requested.emit(index.row()))
        # Delete and Return act on the selected row only while the table has the focus.
        self.table.installEventFilter(self)

        self.stats = QLabel("No results yet. Choose a table and press Run (Ctrl+Return).")
        self.stats.setObjectName("pageStats")
        self.stats.setWordWrap(True)
        self.progress = QLabel()
        self.progress.setObjectName("scanProgress")
        self.progress.setStyleSheet("font-weight:bold;")
        self.progress.hide()
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("stopRead")
        self.stop_button.setToolTip("Stop reading (Esc)")
        self.stop_button.clicked.connect(self.stop_requested)
        self.stop_button.setEnabled(False)
        self.more_button = QPushButton("Load more")
        self.more_button.setObjectName("loadMore")
        self.more_button.setToolTip("Read the next page (scrolling to the end does it too)")
        self.more_button.clicked.connect(self.load_more_requested)
        self.more_button.setEnabled(False)
        export_menu = QMenu(self)
        export_menu.addAction("Loaded results…", lambda: self.export_requested.emit("loaded"))
        if allow_all_export:
            export_menu.addAction(
                "All pages (reads to the end)…", lambda: self.export_requested.emit("all")
            )
        self.export_button = QToolButton()
        self.export_button.setObjectName("exportResults")
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.export_button.setMenu(export_menu)

        bar = QHBoxLayout()
        bar.addWidget(self.stats, 1)
        bar.addWidget(self.progress)
        bar.addWidget(self.stop_button)
        bar.addWidget(self.more_button)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.table
            and isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.modifiers()
            in (Qt.KeyboardModifier.NoModifier, Qt.KeyboardModifier.KeypadModifier)
        ):
            if event.key() == Qt.Key.Key_Delete:
                self._delete_current()
                return True
            if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._edit_current()
                return True
        return super().eventFilter(watched, event)

    def current_row(self) -> int | None:
        index: QModelIndex = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row()):
            return None
        return index.row()

    def _edit_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.edit_requested.emit(row)

    def _delete_current(self) -> None:
        row = self.current_row()
        if row is not None:
            self.delete_requested.emit(row)

    def set_reading(self, reading: bool, stoppable: bool = False) -> None:
        self.stop_button.setEnabled(reading and stoppable)
        self.more_button.setEnabled(not reading and self.model.has_more)
