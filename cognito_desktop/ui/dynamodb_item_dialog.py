"""The DynamoDB item viewer/editor, the confirmation of a write, and the conflict chooser.

These dialogs do no I/O: they parse, show and ask. The panel sends the writes
through the worker and tells the dialog how it went.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QKeySequence, QShortcut, QTextCursor
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services.dynamodb_models import Item
from .dynamodb_results_model import render_cell

PLAIN, DYNAMODB = "plain", "dynamodb"
ERROR_STYLE = "color:#a4000f;"


def type_tag(value: Any) -> str:
    """The DynamoDB type letter(s) of a Python value from the service layer."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "BOOL"
    if isinstance(value, str):
        return "S"
    if isinstance(value, Decimal | int | float):
        return "N"
    if isinstance(value, bytes | bytearray):
        return "B"
    if isinstance(value, set | frozenset):
        sample = next(iter(value), "")
        return {"S": "SS", "N": "NS", "B": "BS"}.get(type_tag(sample), "SS")
    if isinstance(value, dict):
        return "M"
    return "L"


def shown(value: Any) -> str:
    return f"{render_cell(value)}   ({type_tag(value)})"


def changed_attributes(before: Item | None, after: Item | None) -> list[tuple[str, Any, Any]]:
    """(name, before, after) for each attribute that differs; a missing side is ``...``."""
    before, after = before or {}, after or {}
    names = list(before) + [n for n in after if n not in before]
    rows = []
    for name in names:
        old, new = before.get(name, ...), after.get(name, ...)
        if old is ... or new is ... or type_tag(old) != type_tag(new) or old != new:
            rows.append((name, old, new))
    return rows


def _mono(widget: QWidget) -> None:
    widget.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))


class ItemDialog(QDialog):
    """View or edit one item as plain JSON or DynamoDB JSON.

    Signals:
        save_requested(object): the parsed item the operator wants written.
        delete_requested(): the operator wants the item deleted.
    """

    save_requested = Signal(object)
    delete_requested = Signal()

    def __init__(
        self,
        item: Item | None,
        key_names: tuple[str, ...],
        *,
        read_only: bool = False,
        title: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("itemDialog")
        self.original = item
        self.key_names = key_names
        self.read_only = read_only
        self.format = PLAIN
        self.setWindowTitle(title or ("New item" if item is None else "Item"))
        self.resize(720, 560)

        self.plain_button = QRadioButton("Plain JSON")
        self.plain_button.setToolTip(
            "Numbers, sets and binary keep the types they were loaded with"
        )
        self.dynamodb_button = QRadioButton("DynamoDB JSON")
        self.dynamodb_button.setToolTip('Every value with its type: {"S": …}, {"N": "…"}, …')
        self.plain_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.plain_button)
        group.addButton(self.dynamodb_button)
        self.plain_button.toggled.connect(self._format_toggled)
        switch = QHBoxLayout()
        switch.addWidget(QLabel("View as:"))
        switch.addWidget(self.plain_button)
        switch.addWidget(self.dynamodb_button)
        switch.addStretch()

        self.text = QPlainTextEdit()
        self.text.setObjectName("itemText")
        self.text.setReadOnly(read_only)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        _mono(self.text)
        self.status = QLabel(wordWrap=True)
        self.status.setObjectName("itemStatus")
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.save_button = QPushButton("Save" if item is not None else "Create")
        self.save_button.setObjectName("saveItem")
        self.save_button.setToolTip("Review the change and write it (Ctrl+S)")
        self.save_button.clicked.connect(self.request_save)
        self.delete_button = QPushButton("Delete…")
        self.delete_button.setObjectName("deleteItem")
        self.delete_button.clicked.connect(self.delete_requested)
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addWidget(self.delete_button)
        buttons.addStretch()
        buttons.addWidget(close)
        buttons.addWidget(self.save_button)
        self.save_button.setVisible(not read_only)
        self.delete_button.setVisible(not read_only and item is not None)

        layout = QVBoxLayout(self)
        layout.addLayout(switch)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        QShortcut(QKeySequence.StandardKey.Save, self, self.request_save)
        self.show_item(item if item is not None else dict.fromkeys(key_names, ""))

    # -- text <-> item -----------------------------------------------------------------

    def render(self, item: Item, fmt: str) -> str:
        from ..services import dynamodb_codec as codec

        return codec.to_plain_json(item) if fmt == PLAIN else codec.to_dynamodb_json(item)

    def parse(self, fmt: str | None = None) -> Item | None:
        """The item the text holds, or None after pointing at what is wrong."""
        from ..services import dynamodb_codec as codec

        fmt = fmt or self.format
        text = self.text.toPlainText()
        try:
            if fmt == PLAIN:
                item = codec.from_plain_json(text, self.original)
            else:
                item = codec.from_dynamodb_json(text)
        except codec.ItemFormatError as exc:
            self.point_at(exc.line, exc.column, str(exc))
            return None
        self.status.setText("")
        return item

    def point_at(self, line: int, column: int, message: str) -> None:
        """Show what is wrong and put the cursor there."""
        where = f"Line {line}, column {column}: " if line else ""
        text = message if message.startswith("Line ") else where + message
        self.status.setText(f"{text} Nothing was sent.")
        self.status.setStyleSheet(ERROR_STYLE)
        if line:
            block = self.text.document().findBlockByLineNumber(max(0, line - 1))
            cursor = QTextCursor(block)
            cursor.movePosition(
                QTextCursor.MoveOperation.Right,
                QTextCursor.MoveMode.MoveAnchor,
                max(0, min(column - 1, block.length() - 1)),
            )
            self.text.setTextCursor(cursor)
            self.text.setFocus()

    def show_item(self, item: Item) -> None:
        self.text.setPlainText(self.render(item, self.format))

    def _format_toggled(self) -> None:
        wanted = PLAIN if self.plain_button.isChecked() else DYNAMODB
        if wanted == self.format:
            return
        item = self.parse(self.format)
        if item is None:
            # Stay in the format that holds the mistake, so the pointer makes sense.
            button = self.plain_button if self.format == PLAIN else self.dynamodb_button
            button.blockSignals(True)
            button.setChecked(True)
            button.blockSignals(False)
            return
        self.format = wanted
        self.show_item(item)

    def set_format(self, fmt: str) -> None:
        (self.plain_button if fmt == PLAIN else self.dynamodb_button).setChecked(True)

    # -- actions ----------------------------------------------------------------------

    def request_save(self) -> None:
        if self.read_only:
            return
        item = self.parse()
        if item is None:
            return
        missing = [k for k in self.key_names if k not in item]
        if missing:
            self.show_message(
                f"The item needs its key attribute(s) {', '.join(missing)}. Nothing was sent.",
                error=True,
            )
            return
        if self.original is not None:
            moved = [k for k in self.key_names if item.get(k) != self.original.get(k)]
            if moved:
                self.show_message(
                    f"The key ({', '.join(moved)}) cannot change in an edit: that would be "
                    "another item. Use New item instead. Nothing was sent.",
                    error=True,
                )
                return
            if not changed_attributes(self.original, item):
                self.show_message("Nothing changed, so nothing was sent.")
                return
        self.save_requested.emit(item)

    def show_message(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet(ERROR_STYLE if error else "")

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.save_button.setEnabled(not busy)
        self.delete_button.setEnabled(not busy)
        if text:
            self.show_message(text)

    def saved(self, item: Item) -> None:
        """The write went through: the dialog now edits what the table holds."""
        self.original = item
        self.setWindowTitle("Item")
        self.save_button.setText("Save")
        self.delete_button.setVisible(not self.read_only)
        self.show_item(item)
        self.set_busy(False)


class ChangeDialog(QDialog):
    """Confirms a write by showing, per attribute, the value before and after."""

    def __init__(
        self,
        title: str,
        message: str,
        before: Item | None,
        after: Item | None,
        confirm: str,
        key_names: tuple[str, ...] = (),
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("changeDialog")
        self.setWindowTitle(title)
        self.resize(640, 360)
        label = QLabel(message, wordWrap=True)
        label.setObjectName("changeMessage")
        if after is None and before is not None:
            rows = [(k, before[k], ...) for k in key_names if k in before]
        else:
            rows = changed_attributes(before, after)
        self.table = QTableWidget(len(rows), 3)
        self.table.setObjectName("changeTable")
        self.table.setHorizontalHeaderLabels(["Attribute", "Before", "After"])
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        for row, (name, old, new) in enumerate(rows):
            for column, text in enumerate(
                (
                    name,
                    "(absent)" if old is ... else shown(old),
                    ("(deleted)" if after is None else "(removed)") if new is ... else shown(new),
                )
            ):
                cell = QTableWidgetItem(text)
                cell.setToolTip(text)
                self.table.setItem(row, column, cell)
        box = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.confirm_button = box.addButton(confirm, QDialogButtonBox.ButtonRole.AcceptRole)
        self.confirm_button.setObjectName("confirmChange")
        box.accepted.connect(self.accept)
        box.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.table, 1)
        layout.addWidget(box)

    def rows(self) -> list[tuple[str, str, str]]:
        return [
            tuple(self.table.item(r, c).text() for c in range(3))  # type: ignore[misc]
            for r in range(self.table.rowCount())
        ]


class ConflictDialog(QDialog):
    """Someone changed the item meanwhile: show both versions and let the operator choose.

    Signals:
        chosen(str): "theirs" (reload what the table holds), "mine" (write mine over
            theirs) or "cancel" (back to editing).
    """

    chosen = Signal(str)

    def __init__(
        self,
        mine: Item | None,
        theirs: Item | None,
        render: Any,
        deleting: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("conflictDialog")
        self.setWindowTitle("The item changed since you loaded it")
        self.resize(900, 520)
        what = "deleted" if theirs is None else "changed"
        message = QLabel(
            f"Someone {what} this item after you loaded it, so nothing was written. "
            "Compare the two versions and choose.",
            wordWrap=True,
        )
        self.mine_text = QPlainTextEdit(readOnly=True)
        self.mine_text.setObjectName("conflictMine")
        self.theirs_text = QPlainTextEdit(readOnly=True)
        self.theirs_text.setObjectName("conflictTheirs")
        for widget in (self.mine_text, self.theirs_text):
            _mono(widget)
            widget.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.mine_text.setPlainText("(you are deleting the item)" if mine is None else render(mine))
        self.theirs_text.setPlainText("(deleted)" if theirs is None else render(theirs))
        differ = [name for name, _, _ in changed_attributes(mine, theirs)] if mine else []
        self.differences = QLabel(
            "Attributes that differ: " + ", ".join(differ) if differ else "", wordWrap=True
        )
        sides = QHBoxLayout()
        for caption, widget in (
            ("Yours (not written)", self.mine_text),
            ("Theirs (in the table now)", self.theirs_text),
        ):
            column = QVBoxLayout()
            title = QLabel(caption)
            font = title.font()
            font.setBold(True)
            title.setFont(font)
            column.addWidget(title)
            column.addWidget(widget, 1)
            sides.addLayout(column, 1)
        self.theirs_button = QPushButton(
            "Keep theirs (reload)" if theirs is not None else "Keep it deleted"
        )
        self.theirs_button.setObjectName("keepTheirs")
        self.mine_button = QPushButton("Delete anyway" if deleting else "Overwrite with mine")
        self.mine_button.setObjectName("overwriteWithMine")
        cancel = QPushButton("Cancel")
        cancel.setObjectName("conflictCancel")
        self.theirs_button.clicked.connect(lambda: self._choose("theirs"))
        self.mine_button.clicked.connect(lambda: self._choose("mine"))
        cancel.clicked.connect(lambda: self._choose("cancel"))
        if deleting and theirs is None:
            self.mine_button.setEnabled(False)
        buttons = QHBoxLayout()
        buttons.addWidget(cancel)
        buttons.addStretch()
        buttons.addWidget(self.theirs_button)
        buttons.addWidget(self.mine_button)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addLayout(sides, 1)
        layout.addWidget(self.differences)
        layout.addLayout(buttons)

    def _choose(self, choice: str) -> None:
        if choice == "cancel":
            self.reject()
            return
        self.chosen.emit(choice)
        self.accept()

    def reject(self) -> None:  # Esc or the window's close button
        if self.isVisible():
            self.chosen.emit("cancel")
        super().reject()
