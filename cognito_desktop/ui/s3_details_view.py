"""The S3 panel's right pane: the selected object's properties and a preview of its head."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QFontDatabase, QImage, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services.errors import ReauthenticationRequired
from ..services.s3_models import ObjectDetails, Preview, S3Location
from .messages import describe
from .s3_listing_model import Entry, human_bytes

if TYPE_CHECKING:
    from ..services.s3 import S3Service

Runner = Callable[..., None]  # S3Panel.run: fn, *args, on_result=, on_error=

CSV_ROWS_SHOWN = 500  # a QTableWidget item per cell: keep the table small
ERROR_STYLE = "color:#a4000f;"
PAGE_MESSAGE, PAGE_TEXT, PAGE_TABLE, PAGE_IMAGE = range(4)


class ImageLabel(QLabel):
    """Shows a pixmap scaled to fit (never enlarged), rescaled when resized."""

    def __init__(self) -> None:
        super().__init__()
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumSize(QSize(32, 32))
        self._original = QPixmap()

    def set_image(self, pixmap: QPixmap) -> None:
        self._original = pixmap
        self._rescale()

    def original(self) -> QPixmap:
        return self._original

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._rescale()

    def _rescale(self) -> None:
        if self._original.isNull():
            self.clear()
            return
        size = self._original.size()
        if size.width() > self.width() or size.height() > self.height():
            size = size.scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        self.setPixmap(
            self._original.scaled(
                size,
                Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation,
            )
        )


class DetailsView(QWidget):
    """Properties (HeadObject + tags) above, the preview below."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("s3Details")
        self.title = QLabel("Select an object to see its details.", wordWrap=True)
        self.title.setObjectName("detailsTitle")
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.title.setStyleSheet("font-weight:bold;")
        self.error = QLabel(wordWrap=True)
        self.error.setObjectName("detailsError")
        self.error.setStyleSheet(ERROR_STYLE)
        self.error.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.error.hide()

        self.properties = QTreeWidget()
        self.properties.setObjectName("objectProperties")
        self.properties.setHeaderLabels(["Property", "Value"])
        self.properties.setColumnWidth(0, 130)
        self.properties.setRootIsDecorated(True)
        self.properties.setUniformRowHeights(True)

        self.preview_note = QLabel(wordWrap=True)
        self.preview_note.setObjectName("previewNote")
        self.preview_note.setStyleSheet("color:#5a5a5a;")
        self.preview_note.hide()
        self.message = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.message.setObjectName("previewMessage")
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.text = QPlainTextEdit()
        self.text.setObjectName("previewText")
        self.text.setReadOnly(True)
        self.text.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.text.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.table = QTableWidget()
        self.table.setObjectName("previewTable")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setDefaultSectionSize(20)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.image = ImageLabel()
        self.image.setObjectName("previewImage")
        self.stack = QStackedWidget()
        self.stack.setObjectName("previewStack")
        for page in (self.message, self.text, self.table, self.image):
            self.stack.addWidget(page)
        preview = QWidget()
        preview_layout = QVBoxLayout(preview)
        preview_layout.setContentsMargins(0, 0, 0, 0)
        heading = QLabel("Preview")
        heading.setStyleSheet("font-weight:bold;")
        preview_layout.addWidget(heading)
        preview_layout.addWidget(self.preview_note)
        preview_layout.addWidget(self.stack, 1)

        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.setObjectName("detailsSplitter")
        self.splitter.addWidget(self.properties)
        self.splitter.addWidget(preview)
        self.splitter.setSizes([260, 340])
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addWidget(self.error)
        layout.addWidget(self.splitter, 1)
        self.generation = 0  # bumps with each selection shown
        self.clear()

    # -- states ---------------------------------------------------------------------

    def clear(self, message: str = "Select an object to see its details and a preview.") -> None:
        self.uri = ""
        self.pending = 0
        self.title.setText(message)
        self.properties.clear()
        self.error.hide()
        self._message("")

    def show_folder(self, uri: str) -> None:
        self.clear(uri)
        self._message("A folder: open it (double-click or Enter) to see what it holds.")

    def show_loading(self, uri: str, title: str = "") -> None:
        """``uri``'s details and preview are on their way (two answers pending)."""
        self.uri = uri
        self.pending = 2
        self.title.setText(title or uri)
        self.properties.clear()
        self.error.hide()
        self._message("Loading…")

    def _message(self, text: str) -> None:
        self.preview_note.hide()
        self.message.setStyleSheet("")
        self.message.setText(text)
        self.stack.setCurrentIndex(PAGE_MESSAGE)

    def show_error(self, text: str) -> None:
        """The details could not be read (denied, gone, offline)."""
        self.pending -= 1
        self.error.setText(text)
        self.error.show()
        self.properties.clear()
        self._message("No preview: the object could not be read.")

    def show_preview_error(self, text: str) -> None:
        self.pending -= 1
        if self.error.isVisible() and self.error.text() == text:
            return
        self._message(text)
        self.message.setStyleSheet(ERROR_STYLE)

    # -- content --------------------------------------------------------------------

    def show_details(self, details: ObjectDetails) -> None:
        self.pending -= 1
        tree = self.properties
        tree.clear()

        def add(
            parent: QTreeWidget | QTreeWidgetItem, name: str, value: str = ""
        ) -> QTreeWidgetItem:
            node = QTreeWidgetItem([name, value])
            node.setToolTip(1, value)
            if isinstance(parent, QTreeWidget):
                parent.addTopLevelItem(node)
            else:
                parent.addChild(node)
            return node

        add(tree, "Key", details.location.prefix)
        add(tree, "Size", f"{human_bytes(details.size)} ({details.size:,} bytes)")
        add(tree, "Modified", details.modified.astimezone().strftime("%Y-%m-%d %H:%M:%S %Z"))
        add(tree, "ETag", details.etag)
        add(tree, "Storage class", details.storage_class)
        add(tree, "Content type", details.content_type or "(none)")
        if details.content_encoding:
            add(tree, "Content encoding", details.content_encoding)
        if details.cache_control:
            add(tree, "Cache control", details.cache_control)
        if details.version_id:
            add(tree, "Version", details.version_id)
        metadata = add(tree, "Metadata", "" if details.metadata else "(none)")
        for key, value in sorted(details.metadata.items()):
            add(metadata, key, value)
        if details.tags is None:
            tags = add(tree, "Tags", details.tags_note or "(could not be read)")
        else:
            tags = add(tree, "Tags", "" if details.tags else "(none)")
            for key, value in sorted(details.tags.items()):
                add(tags, key, value)
        tree.expandAll()
        tree.resizeColumnToContents(0)

    def show_preview(self, preview: Preview, image: QImage | None = None) -> None:
        self.pending -= 1
        notes = []
        if preview.truncated:
            notes.append(
                f"Showing the first {human_bytes(preview.fetched)} of "
                f"{human_bytes(preview.total_size)}."
            )
        if preview.note:
            notes.append(preview.note)
        if preview.kind == "csv" and len(preview.rows) > CSV_ROWS_SHOWN + 1:
            notes.append(f"Showing the first {CSV_ROWS_SHOWN:,} rows.")
        kind = preview.kind
        if kind == "image" and image is not None and not image.isNull():
            self.image.set_image(QPixmap.fromImage(image))
            self.stack.setCurrentIndex(PAGE_IMAGE)
        elif kind == "image":
            self._message(preview.note or "This image could not be decoded.")
            notes = [n for n in notes if n != preview.note]
        elif kind == "csv" and preview.rows:
            self._fill_table(preview.rows)
            self.stack.setCurrentIndex(PAGE_TABLE)
        elif kind in ("text", "json", "hex"):
            self.text.setPlainText(preview.text)
            self.stack.setCurrentIndex(PAGE_TEXT)
        else:
            self._message(preview.note or "The object is empty.")
            notes = [n for n in notes if n != preview.note]
        self.preview_note.setText(" ".join(notes))
        self.preview_note.setVisible(bool(notes))

    def _fill_table(self, rows: list[list[str]]) -> None:
        header, body = rows[0], rows[1 : CSV_ROWS_SHOWN + 1]
        width = max([len(header), *(len(r) for r in body)])
        table = self.table
        table.clear()
        table.setColumnCount(width)
        table.setRowCount(len(body))
        table.setHorizontalHeaderLabels(header + [""] * (width - len(header)))
        for r, row in enumerate(body):
            for c, value in enumerate(row):
                table.setItem(r, c, QTableWidgetItem(value))
        table.resizeColumnsToContents()

    # -- fetching -------------------------------------------------------------------

    def load(self, run: Runner, service: S3Service, target: S3Location, entry: Entry) -> None:
        """Fetch ``entry``'s details and preview (two worker jobs); answers for an
        earlier selection are dropped."""
        self.generation += 1
        generation = self.generation
        if entry.deleted:
            self.clear(f"{target.uri} (version {entry.version_id})")
            self._message("A delete marker: the key was deleted at this version.")
            return
        suffix = f" (version {entry.version_id})" if entry.version_id else ""
        self.show_loading(target.uri, target.uri + suffix)

        def current() -> bool:
            return generation == self.generation

        def details_failed(exc: BaseException) -> None:
            if current() and not isinstance(exc, ReauthenticationRequired):
                self.show_error(describe(exc))

        run(
            service.details,
            target,
            entry.version_id,
            on_result=lambda d: current() and self.show_details(d),
            on_error=details_failed,
        )

        def preview() -> tuple[Preview, QImage | None]:
            shown = service.preview(target, entry.size, entry.version_id)
            # Decoded here, off the UI thread (QImage, unlike QPixmap, may be).
            image = QImage.fromData(shown.image) if shown.kind == "image" and shown.image else None
            return shown, image

        run(
            preview,
            on_result=lambda value: current() and self.show_preview(*value),
            on_error=lambda exc: current() and self.show_preview_error(describe(exc)),
        )

    def forget(self, message: str) -> None:
        """Nothing (or several things) selected: drop answers still on their way."""
        self.generation += 1
        self.clear(message)

    def preview_kind(self) -> str:
        """What the preview shows now: message, text, table or image (tests)."""
        return ("message", "text", "table", "image")[self.stack.currentIndex()]
