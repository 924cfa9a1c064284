"""The request half of the API console: method, URL, query table, headers, body, signing."""

from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..services.api_models import DEFAULT_SERVICE, METHODS, ApiRequest, BodyKind, RequestBody
from ..services.api_signing import join_query, parse_aws_url, split_query
from .pairs_table import PairsTable

BODY_KINDS: tuple[tuple[BodyKind, str], ...] = (
    ("none", "No body"),
    ("json", "JSON"),
    ("raw", "Raw text"),
    ("form", "Form fields"),
    ("file", "File"),
)


def json_problem(text: str) -> str:
    """'' when ``text`` is valid JSON, else where and why it is not."""
    if not text.strip():
        return ""
    try:
        json.loads(text)
    except json.JSONDecodeError as exc:
        return f"Line {exc.lineno}, column {exc.colno}: {exc.msg}."
    return ""


class RequestEditor(QWidget):
    """Signals:
    send_requested(): the operator asked to send (button or Ctrl+Return).
    """

    send_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("requestEditor")
        self._syncing = False
        self._default_region = ""

        self.method = QComboBox()
        self.method.addItems(METHODS)
        self.method.setObjectName("method")
        self.url = QLineEdit()
        self.url.setObjectName("url")
        self.url.setPlaceholderText(
            "{{base_url}}/items  or  https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items"
        )
        self.url.textEdited.connect(self._url_edited)
        self.url.returnPressed.connect(self.send_requested)
        self.send_button = QPushButton("Send")
        self.send_button.setObjectName("send")
        self.send_button.setDefault(True)
        self.send_button.setToolTip("Send the request (Ctrl+Return)")
        self.send_button.clicked.connect(self.send_requested)
        line = QHBoxLayout()
        line.addWidget(self.method)
        line.addWidget(self.url, 1)
        line.addWidget(self.send_button)

        self.signed = QCheckBox("Sign with the session's credentials (SigV4)")
        self.signed.setChecked(True)
        self.service = QLineEdit(DEFAULT_SERVICE)
        self.service.setMaximumWidth(160)
        self.region = QLineEdit()
        self.region.setMinimumWidth(170)
        self.timeout = QDoubleSpinBox()
        self.timeout.setRange(1, 600)
        self.timeout.setValue(30)
        self.timeout.setSuffix(" s")
        signing = QHBoxLayout()
        signing.addWidget(self.signed)
        signing.addStretch()
        signing.addWidget(QLabel("Service:"))
        signing.addWidget(self.service)
        signing.addWidget(QLabel("Region:"))
        signing.addWidget(self.region)
        signing.addWidget(QLabel("Timeout:"))
        signing.addWidget(self.timeout)

        self.query = PairsTable("Parameter", "Value (decoded)")
        self.query.edited.connect(self._query_edited)
        self.headers = PairsTable("Header", "Value")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.query, "Query")
        self.tabs.addTab(self.headers, "Headers")
        self.tabs.addTab(self._build_body(), "Body")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(line)
        layout.addLayout(signing)
        layout.addWidget(self.tabs, 1)

    def _build_body(self) -> QWidget:
        self.body_kind = QComboBox()
        for kind, label in BODY_KINDS:
            self.body_kind.addItem(label, kind)
        self.body_kind.currentIndexChanged.connect(self._body_kind_changed)
        self.content_type = QLineEdit()
        self.content_type.setPlaceholderText("Content-Type (optional)")
        top = QHBoxLayout()
        top.addWidget(self.body_kind)
        top.addWidget(self.content_type, 1)

        self.body_text = QPlainTextEdit()
        self.body_text.setObjectName("bodyText")
        self.body_text.textChanged.connect(self._check_json)
        self.json_status = QLabel()
        self.json_status.setObjectName("jsonStatus")
        text_page = QWidget()
        text_layout = QVBoxLayout(text_page)
        text_layout.setContentsMargins(0, 0, 0, 0)
        text_layout.addWidget(self.body_text, 1)
        text_layout.addWidget(self.json_status)

        self.form = PairsTable("Field", "Value")
        self.file_path = QLineEdit()
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._choose_file)
        file_page = QWidget()
        file_form = QFormLayout(file_page)
        row = QHBoxLayout()
        row.addWidget(self.file_path, 1)
        row.addWidget(browse)
        file_form.addRow("File:", row)

        self.body_pages = QStackedWidget()
        self.body_pages.addWidget(QLabel("This request has no body."))
        self.body_pages.addWidget(text_page)
        self.body_pages.addWidget(self.form)
        self.body_pages.addWidget(file_page)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.body_pages, 1)
        self._body_kind_changed()
        return page

    # -- request <-> widgets ---------------------------------------------------------

    def set_default_region(self, region: str) -> None:
        self._default_region = region
        self._update_region_hint()

    def request(self) -> ApiRequest:
        kind: BodyKind = self.body_kind.currentData()
        body = RequestBody(
            kind=kind,
            text=self.body_text.toPlainText() if kind in ("raw", "json") else "",
            form=self.form.pairs() if kind == "form" else (),
            file_path=self.file_path.text().strip() if kind == "file" else "",
            content_type=self.content_type.text().strip(),
        )
        return ApiRequest(
            method=self.method.currentText(),
            url=self.url.text().strip(),
            headers=self.headers.pairs(),
            body=body,
            service=self.service.text().strip() or DEFAULT_SERVICE,
            region=self.region.text().strip(),
            signed=self.signed.isChecked(),
            timeout=self.timeout.value(),
        )

    def set_request(self, request: ApiRequest) -> None:
        self.method.setCurrentText(request.method)
        self.url.setText(request.url)
        self._url_edited(request.url)
        self.headers.set_pairs(request.headers)
        index = next(i for i, (kind, _) in enumerate(BODY_KINDS) if kind == request.body.kind)
        self.body_kind.setCurrentIndex(index)
        self.body_text.setPlainText(request.body.text)
        self.form.set_pairs(request.body.form)
        self.file_path.setText(request.body.file_path)
        self.content_type.setText(request.body.content_type)
        self.service.setText(request.service)
        self.region.setText(request.region)
        self.signed.setChecked(request.signed)
        self.timeout.setValue(request.timeout)

    # -- syncing -----------------------------------------------------------------------

    def _url_edited(self, text: str) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            self.query.set_pairs(split_query(text)[1])
        finally:
            self._syncing = False
        self._update_region_hint()

    def _query_edited(self) -> None:
        if self._syncing:
            return
        self._syncing = True
        try:
            typed = self.url.text()
            base, _ = split_query(typed)
            # ``like``: rows the operator did not touch keep the spelling they were typed with.
            self.url.setText(join_query(base, self.query.pairs(), like=typed))
        finally:
            self._syncing = False

    def _update_region_hint(self) -> None:
        parsed = parse_aws_url(self.url.text().strip())
        if parsed is not None:
            self.region.setPlaceholderText(f"{parsed[1]} (from the URL)")
        else:
            self.region.setPlaceholderText(
                f"{self._default_region} (profile)" if self._default_region else "region"
            )

    def _body_kind_changed(self) -> None:
        kind = self.body_kind.currentData()
        self.body_pages.setCurrentIndex(
            {"none": 0, "raw": 1, "json": 1, "form": 2, "file": 3}[kind]
        )
        self.content_type.setEnabled(kind in ("raw", "file"))
        self._check_json()

    def _check_json(self) -> None:
        if self.body_kind.currentData() != "json":
            self.json_status.clear()
            return
        problem = json_problem(self.body_text.toPlainText())
        self.json_status.setText(f"Invalid JSON — {problem}" if problem else "Valid JSON")
        self.json_status.setStyleSheet("color:#a4000f;" if problem else "color:#2b6a2b;")

    def json_error(self) -> str:
        """Why the body cannot be sent as JSON ('' when it can or is not JSON)."""
        if self.body_kind.currentData() != "json":
            return ""
        return json_problem(self.body_text.toPlainText())

    def _choose_file(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Body from file")
        if path:
            self.file_path.setText(path)
