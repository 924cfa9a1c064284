"""The DynamoDB Query/Scan builder and the read-only view of the request it makes."""

from __future__ import annotations

import base64
import binascii
import json
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ..services.dynamodb_models import (
    FILTER_OPS,
    SORT_OPS,
    Condition,
    KeySchema,
    ReadSpec,
    TableInfo,
)

# (label, DynamoDB type) offered for filter values.
VALUE_TYPES = (
    ("String", "S"),
    ("Number", "N"),
    ("Boolean", "BOOL"),
    ("Null", "NULL"),
    ("Binary (base64)", "B"),
    ("JSON (list or map)", "JSON"),
)
NO_SORT = "(any)"
DEFAULT_PAGE_SIZE = 100


class FormError(ValueError):
    """A value typed into the form cannot be sent; the message says which and why."""


def typed_value(text: str, kind: str, attribute: str) -> Any:
    """The text of a form field as a Python value of DynamoDB type ``kind``."""
    if kind == "S":
        return text
    if kind == "N":
        from ..services.dynamodb_codec import check_number

        try:
            return check_number(text.strip())
        except ValueError as exc:
            raise FormError(f"'{attribute}' takes a number: {exc}.") from None
    if kind == "B":
        try:
            return base64.b64decode(text.strip(), validate=True)
        except (binascii.Error, ValueError):
            raise FormError(f"'{attribute}' takes binary written as base64.") from None
    if kind == "BOOL":
        lowered = text.strip().lower()
        if lowered not in ("true", "false"):
            raise FormError(f"'{attribute}' takes true or false.")
        return lowered == "true"
    if kind == "NULL":
        return None
    try:
        return json.loads(text, parse_float=Decimal, parse_int=Decimal)
    except json.JSONDecodeError as exc:
        raise FormError(
            f"The JSON value for '{attribute}' is invalid — column {exc.colno}: {exc.msg}."
        ) from None


class FilterRow(QWidget):
    """One ``attribute OP value [AND value]`` filter condition.

    Signals:
        changed(): any field changed.
        remove_requested(): the row's remove button was pressed.
    """

    changed = Signal()
    remove_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.attribute = QLineEdit()
        self.attribute.setPlaceholderText("attribute")
        self.op = QComboBox()
        self.op.addItems(FILTER_OPS)
        self.kind = QComboBox()
        for label, kind in VALUE_TYPES:
            self.kind.addItem(label, kind)
        self.value = QLineEdit()
        self.value.setPlaceholderText("value")
        self.value2 = QLineEdit()
        self.value2.setPlaceholderText("and value")
        remove = QToolButton()
        remove.setText("✕")
        remove.setToolTip("Remove this filter")
        remove.clicked.connect(self.remove_requested)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.attribute, 2)
        layout.addWidget(self.op)
        layout.addWidget(self.kind)
        layout.addWidget(self.value, 2)
        layout.addWidget(self.value2, 1)
        layout.addWidget(remove)
        for edit in (self.attribute, self.value, self.value2):
            edit.textChanged.connect(self.changed)
        for combo in (self.op, self.kind):
            combo.currentIndexChanged.connect(self._refresh)
        self._refresh()

    def _refresh(self) -> None:
        op = self.op.currentText()
        needs = {"BETWEEN": 2, "attribute_exists": 0, "attribute_not_exists": 0}.get(op, 1)
        self.value.setVisible(needs >= 1 and self.kind.currentData() != "NULL")
        self.kind.setVisible(needs >= 1)
        self.value2.setVisible(needs == 2)
        self.changed.emit()

    def set(self, attribute: str, op: str, kind: str, *values: str) -> None:
        self.attribute.setText(attribute)
        self.op.setCurrentText(op)
        self.kind.setCurrentIndex(max(0, self.kind.findData(kind)))
        for edit, text in zip((self.value, self.value2), values, strict=False):
            edit.setText(text)

    def condition(self) -> Condition | None:
        name = self.attribute.text().strip()
        if not name:
            return None
        op = self.op.currentText()
        needs = {"BETWEEN": 2, "attribute_exists": 0, "attribute_not_exists": 0}.get(op, 1)
        kind = str(self.kind.currentData())
        texts = (self.value.text(), self.value2.text())[:needs]
        values = tuple(typed_value(t, kind, name) for t in texts)
        return Condition(name, op, values)  # type: ignore[arg-type]


class QueryForm(QWidget):
    """Builds a ReadSpec: table or index, Query or Scan, key condition, filters, options.

    Signals:
        changed(): the request it describes changed.
        run_requested(): Run pressed (or Return in a field).
    """

    changed = Signal()
    run_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("queryForm")
        self.info: TableInfo | None = None
        self.identity_id = ""
        self.identity_keyed = False

        self.source = QComboBox()
        self.source.setObjectName("source")
        self.source.setToolTip("Read the table itself or one of its indexes")
        self.query_button = QRadioButton("Query")
        self.scan_button = QRadioButton("Scan")
        self.query_button.setChecked(True)
        modes = QButtonGroup(self)
        modes.addButton(self.query_button)
        modes.addButton(self.scan_button)
        self.run_button = QPushButton("Run")
        self.run_button.setObjectName("runRead")
        self.run_button.setToolTip("Run the Query or Scan (Ctrl+Return)")
        self.run_button.clicked.connect(self.run_requested)
        top = QHBoxLayout()
        top.addWidget(QLabel("Read"))
        top.addWidget(self.source, 1)
        top.addWidget(self.query_button)
        top.addWidget(self.scan_button)
        top.addWidget(self.run_button)

        self.partition_label = QLabel("Partition key")
        self.partition = QLineEdit()
        self.partition.setObjectName("partitionValue")
        self.sort_label = QLabel("Sort key")
        self.sort_op = QComboBox()
        self.sort_op.setObjectName("sortOp")
        self.sort_op.addItems([NO_SORT, *SORT_OPS])
        self.sort_value = QLineEdit()
        self.sort_value.setObjectName("sortValue")
        self.sort_value2 = QLineEdit()
        self.sort_value2.setPlaceholderText("and")
        sort_row = QHBoxLayout()
        sort_row.addWidget(self.sort_op)
        sort_row.addWidget(self.sort_value, 2)
        sort_row.addWidget(self.sort_value2, 1)

        self.filters_box = QVBoxLayout()
        self.filters_box.setContentsMargins(0, 0, 0, 0)
        self.filter_rows: list[FilterRow] = []
        add_filter = QPushButton("Add filter")
        add_filter.setObjectName("addFilter")
        add_filter.clicked.connect(lambda: self.add_filter())
        filters = QVBoxLayout()
        filters.addLayout(self.filters_box)
        filters.addWidget(add_filter)

        self.projection = QLineEdit()
        self.projection.setObjectName("projection")
        self.projection.setPlaceholderText("all attributes; or e.g. name, address.city")
        self.consistent = QCheckBox("Consistent read")
        self.forward = QComboBox()
        self.forward.addItem("Ascending", True)
        self.forward.addItem("Descending", False)
        self.forward.setToolTip("Sort-key order of a Query (ScanIndexForward)")
        self.page_size = QSpinBox()
        self.page_size.setObjectName("pageSize")
        self.page_size.setRange(1, 1000)
        self.page_size.setValue(DEFAULT_PAGE_SIZE)
        self.page_size.setToolTip(
            "Limit: items evaluated per request. A filter may match fewer; the panel "
            "keeps reading until something matches."
        )
        options = QHBoxLayout()
        options.addWidget(self.consistent)
        options.addWidget(QLabel("Order"))
        options.addWidget(self.forward)
        options.addWidget(QLabel("Page size"))
        options.addWidget(self.page_size)
        options.addStretch()

        form = QFormLayout()
        form.addRow(self.partition_label, self.partition)
        form.addRow(self.sort_label, sort_row)
        form.addRow("Filters", filters)
        form.addRow("Projection", self.projection)
        form.addRow("", options)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(form)

        self.source.currentIndexChanged.connect(self._refresh)
        self.query_button.toggled.connect(self._refresh)
        self.sort_op.currentIndexChanged.connect(self._refresh)
        for edit in (self.partition, self.sort_value, self.sort_value2, self.projection):
            edit.textChanged.connect(self.changed)
            edit.returnPressed.connect(self.run_requested)
        self.consistent.toggled.connect(self.changed)
        self.forward.currentIndexChanged.connect(self.changed)
        self.page_size.valueChanged.connect(self.changed)
        self._refresh()

    # -- table -----------------------------------------------------------------------

    def set_table(self, info: TableInfo | None, identity_id: str = "", keyed: bool = False) -> None:
        """Offer ``info``'s table and indexes; prefill the identity id when ``keyed``."""
        self.info, self.identity_id, self.identity_keyed = info, identity_id, keyed
        self.source.blockSignals(True)
        self.source.clear()
        if info is not None:
            self.source.addItem(f"Table {info.name}  ({_key_text(info.key)})", None)
            for index in info.indexes:
                self.source.addItem(
                    f"{index.kind} {index.name}  ({_key_text(index.key)})", index.name
                )
        self.source.blockSignals(False)
        self.partition.clear()
        self.sort_op.setCurrentIndex(0)
        self.sort_value.clear()
        self.sort_value2.clear()
        if keyed and identity_id:
            self.partition.setText(identity_id)
        self._refresh()

    def key(self) -> KeySchema | None:
        if self.info is None:
            return None
        return self.info.key_for(self.source.currentData())

    def _refresh(self) -> None:
        key = self.key()
        query = self.query_button.isChecked()
        index = self.source.currentData()
        gsi = self.info is not None and any(
            i.name == index and i.kind == "GSI" for i in self.info.indexes
        )
        if gsi:
            self.consistent.setChecked(False)
        self.consistent.setEnabled(not gsi)
        self.consistent.setToolTip(
            "A global secondary index serves eventually consistent reads only"
            if gsi
            else "Read the latest committed data (costs twice the read capacity)"
        )
        has_sort = key is not None and key.sort is not None
        for widget in (self.partition_label, self.partition):
            widget.setEnabled(query)
        for widget in (self.sort_label, self.sort_op, self.sort_value, self.sort_value2):
            widget.setEnabled(query and has_sort)
        self.forward.setEnabled(query)
        if key is not None:
            self.partition_label.setText(f"{key.partition} ({key.partition_type}) =")
            self.partition.setPlaceholderText(
                "base64" if key.partition_type == "B" else f"the {key.partition} to look up"
            )
            self.sort_label.setText(f"{key.sort} ({key.sort_type})" if key.sort else "Sort key")
        op = self.sort_op.currentText()
        self.sort_value.setVisible(op != NO_SORT)
        self.sort_value2.setVisible(op == "BETWEEN")
        self.changed.emit()

    # -- filters ---------------------------------------------------------------------

    def add_filter(self) -> FilterRow:
        row = FilterRow()
        row.changed.connect(self.changed)
        row.remove_requested.connect(lambda: self._remove_filter(row))
        row.attribute.returnPressed.connect(self.run_requested)
        row.value.returnPressed.connect(self.run_requested)
        self.filter_rows.append(row)
        self.filters_box.addWidget(row)
        row.attribute.setFocus()
        self.changed.emit()
        return row

    def _remove_filter(self, row: FilterRow) -> None:
        self.filter_rows.remove(row)
        row.deleteLater()
        self.changed.emit()

    # -- the spec --------------------------------------------------------------------

    def set_mode(self, mode: str) -> None:
        (self.query_button if mode == "query" else self.scan_button).setChecked(True)

    def spec(self) -> ReadSpec:
        """The read the form describes; FormError (a ValueError) with a sentence."""
        info, key = self.info, self.key()
        if info is None or key is None:
            raise FormError("Choose a table first.")
        query = self.query_button.isChecked()
        partition: Any = None
        sort: Condition | None = None
        if query:
            partition = self._key_value(
                self.partition.text(), key.partition, key.partition_type, "partition key"
            )
            op = self.sort_op.currentText()
            if op != NO_SORT and key.sort:
                texts = [self.sort_value.text()]
                if op == "BETWEEN":
                    texts.append(self.sort_value2.text())
                values = tuple(
                    self._key_value(t, key.sort, key.sort_type or "S", "sort key") for t in texts
                )
                sort = Condition(key.sort, op, values)  # type: ignore[arg-type]
        filters = tuple(c for c in (row.condition() for row in self.filter_rows) if c)
        projection = tuple(p.strip() for p in self.projection.text().split(",") if p.strip())
        return ReadSpec(
            table=info.name,
            mode="query" if query else "scan",
            index=self.source.currentData(),
            partition_value=partition,
            sort=sort,
            filters=filters,
            projection=projection,
            consistent=self.consistent.isChecked() and self.consistent.isEnabled(),
            forward=bool(self.forward.currentData()),
            page_size=self.page_size.value(),
        )

    @staticmethod
    def _key_value(text: str, attribute: str, kind: str, role: str) -> Any:
        if not (text if kind == "S" else text.strip()):
            raise FormError(f"Type a value for the {role} '{attribute}'.")
        if kind == "S":
            return text
        return typed_value(text, kind, attribute)

    def partial_rows(self) -> bool:
        """Whether rows may lack attributes the table holds (projection or a thin index)."""
        if self.projection.text().strip():
            return True
        index = self.source.currentData()
        if self.info is None or index is None:
            return False
        return any(i.name == index and i.projection != "ALL" for i in self.info.indexes)


def _key_text(key: KeySchema) -> str:
    text = f"{key.partition} {key.partition_type}"
    return text + (f", {key.sort} {key.sort_type}" if key.sort else "")


class RequestPreview(QWidget):
    """The generated request as JSON and as an AWS CLI command, each with a copy button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestPreview")
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.json_text = QPlainTextEdit(readOnly=True)
        self.json_text.setObjectName("requestJson")
        self.cli_text = QPlainTextEdit(readOnly=True)
        self.cli_text.setObjectName("requestCli")
        self.tabs = QTabWidget()
        for widget, title in ((self.json_text, "Request JSON"), (self.cli_text, "AWS CLI")):
            widget.setFont(mono)
            page = QWidget()
            column = QVBoxLayout(page)
            column.setContentsMargins(0, 0, 0, 0)
            column.addWidget(widget, 1)
            copy = QPushButton("Copy")
            copy.setToolTip(f"Copy the {title} to the clipboard")
            copy.clicked.connect(lambda _=False, w=widget: self._copy(w))
            row = QHBoxLayout()
            row.addStretch()
            row.addWidget(copy)
            column.addLayout(row)
            self.tabs.addTab(page, title)
        self.problem = QLabel(wordWrap=True)
        self.problem.setObjectName("requestProblem")
        self.problem.setStyleSheet("color:#a4000f;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.problem)
        layout.addWidget(self.tabs, 1)

    def show_request(self, json_text: str, cli_text: str) -> None:
        self.problem.setText("")
        self.problem.hide()
        self.json_text.setPlainText(json_text)
        self.cli_text.setPlainText(cli_text)

    def show_problem(self, text: str) -> None:
        self.problem.setText(text)
        self.problem.show()

    def _copy(self, widget: QPlainTextEdit) -> None:
        QGuiApplication.clipboard().setText(widget.toPlainText())
