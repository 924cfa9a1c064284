"""A strip across the top of the window for what the operator must know (no keyring, bad config)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

_STYLES = {
    "warning": "background:#fff4ce; color:#3b2f00; border-bottom:1px solid #e0c860;",
    "error": "background:#fde7e9; color:#5c0011; border-bottom:1px solid #e8a0a8;",
    "info": "background:#e8f1fb; color:#0b2e55; border-bottom:1px solid #a9c7ea;",
}


class Banner(QFrame):
    """One message with an optional action and a close button.

    Signals:
        action_clicked(): the action button was pressed.
    """

    action_clicked = Signal()

    def __init__(
        self,
        kind: str,
        text: str,
        action: str = "",
        closable: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"banner-{kind}")
        self.setStyleSheet(f"QFrame#{self.objectName()} {{{_STYLES[kind]}}}")
        self.label = QLabel(text, wordWrap=True)
        self.label.setTextInteractionFlags(
            self.label.textInteractionFlags()
            | self.label.textInteractionFlags().TextSelectableByMouse
        )
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        layout.addWidget(self.label, 1)
        if action:
            button = QPushButton(action)
            button.clicked.connect(self.action_clicked)
            layout.addWidget(button)
        if closable:
            close = QPushButton("✕")
            close.setFlat(True)
            close.setToolTip("Dismiss")
            close.setFixedWidth(28)
            close.clicked.connect(self.deleteLater)
            layout.addWidget(close)

    def text(self) -> str:
        return self.label.text()
