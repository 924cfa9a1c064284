"""The response half of the API console: status, timing, size, headers, body and explanations."""

from __future__ import annotations

import json

from PySide6.QtCore import Signal
from PySide6.QtGui import QFont, QFontDatabase, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from ..services.api_models import ApiResponse

TEXT_LIMIT = 1 << 20  # characters shown in the text view; the rest is behind "Save body as…"
HEX_LIMIT = 64 * 1024


def human_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{size} B"


def hex_dump(data: bytes, limit: int = HEX_LIMIT) -> str:
    lines = []
    for offset in range(0, min(len(data), limit), 16):
        chunk = data[offset : offset + 16]
        hexes = " ".join(f"{b:02x}" for b in chunk)
        text = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset:08x}  {hexes:<47}  {text}")
    if len(data) > limit:
        lines.append(f"… {human_size(len(data) - limit)} more")
    return "\n".join(lines)


def body_text(response: ApiResponse) -> tuple[str, str]:
    """(kind, text) to show: kind is 'json', 'text' or 'binary'."""
    data = response.body_head
    content_type = response.content_type.lower()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        if response.truncated:
            # The head may end inside a multi-byte character.
            try:
                text = data[:-3].decode("utf-8") if len(data) > 3 else ""
            except UnicodeDecodeError:
                return "binary", hex_dump(data)
        else:
            return "binary", hex_dump(data)
    if "\x00" in text:
        return "binary", hex_dump(data)
    if "json" in content_type or text.lstrip().startswith(("{", "[")):
        try:
            return "json", json.dumps(json.loads(text), indent=2, ensure_ascii=False)
        except ValueError:
            pass
    return "text", text[:TEXT_LIMIT]


class ResponseView(QWidget):
    """Signals:
    save_requested(): the operator wants the whole body in a file.
    """

    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("responseView")
        self.response: ApiResponse | None = None
        self.status = QLabel("No response yet. Press Send (Ctrl+Return).")
        self.status.setObjectName("responseStatus")
        font = self.status.font()
        font.setBold(True)
        self.status.setFont(font)
        self.save_button = QPushButton("Save body as…")
        self.save_button.setEnabled(False)
        self.save_button.clicked.connect(self.save_requested)
        top = QHBoxLayout()
        top.addWidget(self.status, 1)
        top.addWidget(self.save_button)

        self.explanation = QLabel(wordWrap=True)
        self.explanation.setObjectName("responseExplanation")
        self.explanation.setStyleSheet("background:#fff4ce; color:#3b2f00; padding:6px;")
        self.explanation.hide()

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self.text = QPlainTextEdit(readOnly=True)
        self.text.setObjectName("responseText")
        self.text.setFont(mono)
        self.image = QLabel()
        self.image.setObjectName("responseImage")
        scroller = QScrollArea()
        scroller.setWidget(self.image)
        scroller.setWidgetResizable(True)
        self.body_pages = QStackedWidget()
        self.body_pages.addWidget(self.text)
        self.body_pages.addWidget(scroller)

        self.headers = QTableWidget(0, 2)
        self.headers.setHorizontalHeaderLabels(["Header", "Value"])
        self.headers.horizontalHeader().setStretchLastSection(True)
        self.headers.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents
        )
        self.headers.verticalHeader().setVisible(False)
        self.canonical = QPlainTextEdit(readOnly=True)
        self.canonical.setObjectName("canonicalRequest")
        self.canonical.setFont(QFont(mono))

        self.tabs = QTabWidget()
        self.tabs.addTab(self.body_pages, "Body")
        self.tabs.addTab(self.headers, "Headers")
        self.tabs.addTab(self.canonical, "Canonical request")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.explanation)
        layout.addWidget(self.tabs, 1)

    def show_busy(self, text: str) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("")

    def show_error(self, text: str) -> None:
        self.response = None
        self.status.setText("No response")
        self.status.setStyleSheet("color:#a4000f;")
        self.explanation.setText(text)
        self.explanation.show()
        self.save_button.setEnabled(False)

    def show_response(self, response: ApiResponse) -> None:
        self.response = response
        colour = (
            "#2b6a2b"
            if response.status < 300
            else ("#8a5a00" if response.status < 400 else "#a4000f")
        )
        shown = (
            ""
            if not response.truncated
            else f" (showing the first {human_size(len(response.body_head))})"
        )
        self.status.setText(
            f"{response.status} {response.reason} · "
            f"{response.elapsed * 1000:.0f} ms · {human_size(response.size)}{shown}"
        )
        self.status.setStyleSheet(f"color:{colour};")
        if response.explanation:
            self.explanation.setText(response.explanation)
            self.explanation.show()
        else:
            self.explanation.hide()
        self.headers.setRowCount(0)
        for name, value in response.headers:
            row = self.headers.rowCount()
            self.headers.insertRow(row)
            self.headers.setItem(row, 0, QTableWidgetItem(name))
            self.headers.setItem(row, 1, QTableWidgetItem(value))
        self.canonical.setPlainText(
            response.canonical_request or "(unsigned request: nothing was signed)"
        )
        if response.content_type.lower().startswith("image/") and not response.truncated:
            pixmap = QPixmap()
            if pixmap.loadFromData(response.body_head):
                self.image.setPixmap(pixmap)
                self.body_pages.setCurrentIndex(1)
                self.save_button.setEnabled(True)
                return
        _, text = body_text(response)
        self.text.setPlainText(text)
        self.body_pages.setCurrentIndex(0)
        self.save_button.setEnabled(response.size > 0)
