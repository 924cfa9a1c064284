"""An editable name/value table (query, headers, form fields) that keeps order and repeats."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

Pairs = tuple[tuple[str, str], ...]


class PairsTable(QWidget):
    """Rows of (name, value). The last row is always empty, ready for typing.

    Signals:
        edited(): the user changed a cell, added or removed a row.
    """

    edited = Signal()

    def __init__(
        self, name_label: str = "Name", value_label: str = "Value", parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels([name_label, value_label])
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.setColumnWidth(0, 220)
        self.table.verticalHeader().setVisible(False)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.itemChanged.connect(self._changed)
        remove = QPushButton("Remove row")
        remove.clicked.connect(self._remove_selected)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(remove)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        self._quiet = False
        self._ensure_blank_row()

    def pairs(self) -> Pairs:
        rows = []
        for row in range(self.table.rowCount()):
            name = self._text(row, 0)
            value = self._text(row, 1)
            if name or value:
                rows.append((name, value))
        return tuple(rows)

    def set_pairs(self, pairs: Pairs) -> None:
        """Replace the rows without emitting ``edited``."""
        self._quiet = True
        try:
            self.table.setRowCount(0)
            for name, value in pairs:
                row = self.table.rowCount()
                self.table.insertRow(row)
                self.table.setItem(row, 0, QTableWidgetItem(name))
                self.table.setItem(row, 1, QTableWidgetItem(value))
            self._ensure_blank_row()
        finally:
            self._quiet = False

    def _text(self, row: int, column: int) -> str:
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _ensure_blank_row(self) -> None:
        last = self.table.rowCount() - 1
        if last < 0 or self._text(last, 0) or self._text(last, 1):
            self.table.insertRow(last + 1)

    def _changed(self, _item: QTableWidgetItem) -> None:
        if self._quiet:
            return
        self._quiet = True
        try:
            self._ensure_blank_row()
        finally:
            self._quiet = False
        self.edited.emit()

    def _remove_selected(self) -> None:
        rows = sorted({index.row() for index in self.table.selectedIndexes()}, reverse=True)
        if not rows:
            return
        self._quiet = True
        try:
            for row in rows:
                self.table.removeRow(row)
            self._ensure_blank_row()
        finally:
            self._quiet = False
        self.edited.emit()
