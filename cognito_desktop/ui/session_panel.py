"""The Session tab: who is signed in, which identity and role, and how long the credentials last."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

if TYPE_CHECKING:
    from ..services.session import SessionInfo


def format_countdown(seconds: float) -> str:
    if seconds <= 0:
        return "expired"
    seconds = int(seconds)
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


class SessionPanel(QWidget):
    """Signals:
    renew_requested(): the operator pressed "Renew now".
    """

    renew_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sessionPanel")
        self.info: SessionInfo | None = None
        self._issued_span = 3600.0

        def value(name: str) -> QLabel:
            label = QLabel("—")
            label.setObjectName(name)
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            return label

        self.user = value("user")
        self.email = value("email")
        self.groups = value("groups")
        self.identity_id = value("identityId")
        self.role = value("role")
        self.access_key = value("accessKey")
        self.expires_at = value("expiresAt")
        self.countdown = value("countdown")
        font = self.countdown.font()
        font.setPointSize(font.pointSize() + 6)
        font.setBold(True)
        self.countdown.setFont(font)
        self.remaining = QProgressBar()
        self.remaining.setObjectName("remaining")
        self.remaining.setTextVisible(False)
        self.remaining.setMaximumHeight(8)

        who = QGroupBox("Signed-in user")
        who_form = QFormLayout(who)
        who_form.addRow("User:", self.user)
        who_form.addRow("Email:", self.email)
        who_form.addRow("Groups:", self.groups)

        aws = QGroupBox("AWS credentials (identity pool)")
        aws_form = QFormLayout(aws)
        copy = QPushButton("Copy")
        copy.setToolTip("Copy the identity id")
        copy.clicked.connect(self._copy_identity)
        identity_row = QHBoxLayout()
        identity_row.addWidget(self.identity_id, 1)
        identity_row.addWidget(copy)
        aws_form.addRow("Identity id:", identity_row)
        aws_form.addRow("Role:", self.role)
        aws_form.addRow("Access key:", self.access_key)
        aws_form.addRow("Expire at:", self.expires_at)
        aws_form.addRow("Expire in:", self.countdown)
        aws_form.addRow("", self.remaining)
        self.renew = QPushButton("&Renew now")
        self.renew.setToolTip("Get fresh credentials from the identity pool (Ctrl+R)")
        self.renew.clicked.connect(self.renew_requested)
        renew_row = QHBoxLayout()
        renew_row.addWidget(QLabel("Credentials renew by themselves before they expire."), 1)
        renew_row.addWidget(self.renew)
        aws_form.addRow(renew_row)

        layout = QVBoxLayout(self)
        layout.addWidget(who)
        layout.addWidget(aws)
        layout.addStretch()

        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self.update_countdown)

    def show_session(self, info: SessionInfo) -> None:
        self.info = info
        claims = info.claims
        self.user.setText(claims.username)
        self.email.setText(claims.email or "—")
        self.groups.setText(", ".join(claims.groups) or "(none)")
        self.identity_id.setText(info.identity_id or "—")
        self.access_key.setText(
            f"{info.access_key_id_prefix}… (secret in the keyring)"
            if info.access_key_id_prefix
            else "—"
        )
        if info.credentials_expiration is not None:
            local = info.credentials_expiration.astimezone()
            self.expires_at.setText(local.strftime("%Y-%m-%d %H:%M:%S %Z"))
            left = (info.credentials_expiration - dt.datetime.now(dt.UTC)).total_seconds()
            self._issued_span = max(left, 60.0)
            self.remaining.setRange(0, int(self._issued_span))
        else:
            self.expires_at.setText("no identity pool in this profile")
        self.update_countdown()
        self._tick.start()

    def show_role(self, arn: str) -> None:
        self.role.setText(arn)

    def clear(self) -> None:
        self.info = None
        self._tick.stop()
        for label in (
            self.user,
            self.email,
            self.groups,
            self.identity_id,
            self.role,
            self.access_key,
            self.expires_at,
            self.countdown,
        ):
            label.setText("—")
        self.remaining.setValue(0)

    def seconds_left(self) -> float | None:
        if self.info is None or self.info.credentials_expiration is None:
            return None
        return (self.info.credentials_expiration - dt.datetime.now(dt.UTC)).total_seconds()

    def update_countdown(self) -> None:
        left = self.seconds_left()
        if left is None:
            self.countdown.setText("—")
            return
        self.countdown.setText(format_countdown(left))
        self.remaining.setValue(max(0, int(left)))

    def _copy_identity(self) -> None:
        if self.info is not None and self.info.identity_id:
            QGuiApplication.clipboard().setText(self.info.identity_id)
