"""The S3 panel's questions: file choosers, overwrite and delete questions, the share-link dialog.

Every blocking question is one method of ``S3Dialogs`` so that tests (and the
lead) can answer it by replacing the method; the share-link dialog is modeless.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Literal

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase, QGuiApplication, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLayout,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ..services.s3_models import PresignedUrl

Answer = Literal["overwrite", "skip"] | None

# (label, seconds) offered for a shared link; "Custom…" follows them.
EXPIRY_CHOICES = (
    ("15 minutes", 15 * 60),
    ("1 hour", 3600),
    ("12 hours", 12 * 3600),
    ("1 day", 24 * 3600),
    ("7 days", 7 * 24 * 3600),
)
CUSTOM = "Custom…"


class S3Dialogs:
    """The blocking questions the panel asks, each replaceable (tests answer them)."""

    def __init__(self, parent: QWidget) -> None:
        self.parent = parent

    def choose_directory(self, title: str) -> Path | None:
        chosen = QFileDialog.getExistingDirectory(self.parent, title)
        return Path(chosen) if chosen else None

    def choose_files(self) -> list[Path]:
        chosen, _ = QFileDialog.getOpenFileNames(self.parent, "Upload files")
        return [Path(p) for p in chosen]

    def choose_upload_folder(self) -> Path | None:
        return self.choose_directory("Upload a folder")

    def ask_conflict(self, title: str, text: str, replace: str, skip: str) -> Answer:
        """``replace``/``skip`` label the two answers; None is Cancel."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=self.parent)
        replace_button = box.addButton(replace, QMessageBox.ButtonRole.DestructiveRole)
        skip_button = box.addButton(skip, QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(skip_button)
        box.exec()
        clicked = box.clickedButton()
        if clicked is replace_button:
            return "overwrite"
        if clicked is skip_button:
            return "skip"
        return None

    def confirm_delete(self, text: str) -> bool:
        box = QMessageBox(QMessageBox.Icon.Warning, "Delete", text, parent=self.parent)
        delete = box.addButton("Delete", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is delete

    def ask_folder_name(self, where: str) -> str | None:
        name, ok = QInputDialog.getText(
            self.parent, "New folder", f"Name of the new folder in {where}:"
        )
        return name if ok else None


def duration_text(seconds: int) -> str:
    if seconds >= 86400 and seconds % 86400 == 0:
        days = seconds // 86400
        return f"{days} day{'s' if days != 1 else ''}"
    if seconds >= 3600:
        hours, minutes = divmod(seconds // 60, 60)
        return f"{hours} h {minutes} min" if minutes else f"{hours} h"
    return f"{max(1, seconds // 60)} min"


class PresignDialog(QDialog):
    """Choose an expiry, then show the presigned link with a Copy button.

    Signals:
        create_requested(int): the operator asked for a link valid this many seconds.
    """

    create_requested = Signal(int)

    def __init__(self, uri: str, limit: int, why: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("presignDialog")
        self.setWindowTitle("Share a link")
        self.limit = max(1, limit)
        intro = QLabel(
            f"Anyone with the link can download <b>{_escape(uri)}</b> until it expires.",
            wordWrap=True,
        )
        intro.setTextFormat(Qt.TextFormat.RichText)
        self.expiry = QComboBox()
        self.expiry.setObjectName("presignExpiry")
        model = self.expiry.model()
        for label, seconds in EXPIRY_CHOICES:
            too_long = seconds > self.limit
            self.expiry.addItem(label + (" (too long now)" if too_long else ""), seconds)
            if too_long and isinstance(model, QStandardItemModel):
                model.item(self.expiry.count() - 1).setEnabled(False)
        self.expiry.addItem(CUSTOM, 0)
        self.custom = QSpinBox()
        self.custom.setObjectName("presignCustomMinutes")
        self.custom.setRange(1, max(1, self.limit // 60))
        self.custom.setSuffix(" min")
        self.custom.setValue(min(60, self.custom.maximum()))
        self.expiry.currentIndexChanged.connect(self._choice_changed)
        allowed = [i for i, (_, s) in enumerate(EXPIRY_CHOICES) if s <= self.limit]
        preferred = 1 if 1 in allowed else (allowed[-1] if allowed else len(EXPIRY_CHOICES))
        self.expiry.setCurrentIndex(preferred)
        self._choice_changed()
        self.limit_note = QLabel(
            f"Longest possible now: {duration_text(self.limit)}. {why}", wordWrap=True
        )
        self.limit_note.setObjectName("presignLimit")
        self.limit_note.setStyleSheet("color:#8a5a00;")
        self.create_button = QPushButton("Create link")
        self.create_button.setObjectName("presignCreate")
        self.create_button.setDefault(True)
        self.create_button.clicked.connect(self._create)

        self.url = QLineEdit()
        self.url.setObjectName("presignUrl")
        self.url.setReadOnly(True)
        self.url.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.url.setPlaceholderText("The link appears here.")
        self.copy_button = QPushButton("Copy")
        self.copy_button.setObjectName("presignCopy")
        self.copy_button.setEnabled(False)
        self.copy_button.clicked.connect(self.copy)
        self.result_note = QLabel(wordWrap=True)
        self.result_note.setObjectName("presignResult")

        form = QFormLayout()
        choice = QHBoxLayout()
        choice.addWidget(self.expiry)
        choice.addWidget(self.custom)
        choice.addStretch()
        choice.addWidget(self.create_button)
        form.addRow("Valid for:", choice)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(self.copy_button)
        form.addRow("Link:", url_row)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        # A fixed floor instead of the layout's: the notes change length, and a
        # window's minimum size following them flickers (and offscreen warns).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self.setMinimumSize(600, 260)
        self.resize(660, 280)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.limit_note)
        layout.addWidget(self.result_note)
        layout.addWidget(buttons)

    def _choice_changed(self, *_: object) -> None:
        self.custom.setVisible(self.expiry.currentText() == CUSTOM)

    def seconds(self) -> int:
        chosen = int(self.expiry.currentData() or 0)
        return chosen or self.custom.value() * 60

    def choose(self, label: str) -> None:
        """Pick an expiry by its label (tests and keyboard users)."""
        for i in range(self.expiry.count()):
            if self.expiry.itemText(i).startswith(label):
                self.expiry.setCurrentIndex(i)
                return
        raise ValueError(label)

    def _create(self) -> None:
        self.create_button.setEnabled(False)
        self.result_note.setStyleSheet("")
        self.result_note.setText("Signing…")
        self.create_requested.emit(self.seconds())

    def show_url(self, link: PresignedUrl) -> None:
        self.create_button.setEnabled(True)
        self.url.setText(link.url)
        self.url.setCursorPosition(0)
        self.copy_button.setEnabled(True)
        local = link.expires_at.astimezone().strftime("%Y-%m-%d %H:%M")
        left = int((link.expires_at - dt.datetime.now(dt.UTC)).total_seconds())
        text = f"Valid until {local} (in about {duration_text(max(60, left))})."
        if link.capped_note:
            text += " Shorter than asked: " + link.capped_note
        self.result_note.setText(text)

    def show_error(self, text: str) -> None:
        self.create_button.setEnabled(True)
        self.result_note.setStyleSheet("color:#a4000f;")
        self.result_note.setText(text)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.url.text())
        self.result_note.setText(self.result_note.text().removesuffix(" Copied.") + " Copied.")


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
