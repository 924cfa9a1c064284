"""The signed API console panel: edit a request, send it signed, read the response, keep history."""

from __future__ import annotations

import logging
import shutil
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QPushButton,
    QSplitter,
    QTabWidget,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services.api_models import ApiRequest, ApiResponse
from ..services.paths import AppPaths
from .api_request_editor import RequestEditor
from .api_response_view import ResponseView
from .messages import describe
from .worker import Worker

if TYPE_CHECKING:
    from ..services.api_client import ApiClient
    from ..services.api_history import Collection, History, HistoryEntry
    from ..services.config import Profile
    from ..services.session import Session

log = logging.getLogger(__name__)

ROLE_REQUEST = Qt.ItemDataRole.UserRole


class ApiConsole(QWidget):
    """Send SigV4-signed requests to IAM-protected APIs with the session's credentials.

    Signals:
        session_expired(str): the refresh token died during a send; sign in again.
    """

    session_expired = Signal(str)

    def __init__(self, worker: Worker, paths: AppPaths, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("apiConsole")
        self.worker = worker
        self.paths = paths
        self.profile: Profile | None = None
        self.session: Session | None = None
        self.client: ApiClient | None = None
        self.history: History | None = None
        self._cancel: threading.Event | None = None
        self._role_arn: str | None = None

        self.editor = RequestEditor()
        self.editor.send_requested.connect(self.send_or_cancel)
        self.response_view = ResponseView()
        self.response_view.save_requested.connect(self._save_body)

        copy_menu = QMenu(self)
        copy_menu.addAction("Copy as curl", lambda: self._copy_as("curl"))
        copy_menu.addAction("Copy as Python (requests-aws4auth)", lambda: self._copy_as("python"))
        self.copy_button = QToolButton()
        self.copy_button.setText("Copy as")
        self.copy_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.copy_button.setMenu(copy_menu)
        save_button = QPushButton("Save to collection…")
        save_button.setToolTip("Save this request in a collection (Ctrl+S)")
        save_button.clicked.connect(self.save_to_collection)
        self.note = QLabel()
        self.note.setObjectName("consoleNote")
        actions = QHBoxLayout()
        actions.addWidget(self.note, 1)
        actions.addWidget(save_button)
        actions.addWidget(self.copy_button)

        right = QSplitter(Qt.Orientation.Vertical)
        top = QWidget()
        top_layout = QVBoxLayout(top)
        top_layout.setContentsMargins(0, 0, 0, 0)
        top_layout.addWidget(self.editor, 1)
        top_layout.addLayout(actions)
        right.addWidget(top)
        right.addWidget(self.response_view)
        right.setSizes([320, 360])

        self.history_list = QListWidget()
        self.history_list.setObjectName("history")
        self.history_list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.history_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history_list.setUniformItemSizes(True)
        self.history_list.itemActivated.connect(self._load_item)
        self.history_list.itemClicked.connect(self._load_item)
        self.saved_tree = QTreeWidget()
        self.saved_tree.setObjectName("collections")
        self.saved_tree.setHeaderHidden(True)
        self.saved_tree.itemActivated.connect(self._load_tree_item)
        self.saved_tree.itemClicked.connect(self._load_tree_item)
        import_button = QPushButton("Import…")
        import_button.clicked.connect(self._import_collection)
        export_button = QPushButton("Export…")
        export_button.clicked.connect(self._export_collection)
        saved_page = QWidget()
        saved_layout = QVBoxLayout(saved_page)
        saved_layout.setContentsMargins(0, 0, 0, 0)
        saved_layout.addWidget(self.saved_tree, 1)
        row = QHBoxLayout()
        row.addWidget(import_button)
        row.addWidget(export_button)
        saved_layout.addLayout(row)
        self.side = QTabWidget()
        self.side.addTab(self.history_list, "History")
        self.side.addTab(saved_page, "Saved")

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.side)
        splitter.addWidget(right)
        splitter.setSizes([260, 800])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        QShortcut(QKeySequence("Ctrl+Return"), self, self.send_or_cancel)
        QShortcut(QKeySequence("Esc"), self, self.cancel)
        QShortcut(QKeySequence.StandardKey.Save, self, self.save_to_collection)
        self._set_sending(False)

    # -- context -----------------------------------------------------------------------

    def set_context(self, profile: Profile | None, session: Session | None) -> None:
        """The profile and signed-in session to send with (None when signed out)."""
        self.cancel()
        self.profile, self.session, self.client = profile, session, None
        self.editor.setEnabled(session is not None)
        self.editor.set_default_region(profile.region if profile else "")
        if profile is not None and not self.editor.url.text():
            self.editor.url.setText("{{base_url}}/items" if profile.api_base_url else "")
            self.editor._url_edited(self.editor.url.text())
        self.note.setText("" if session else "Sign in to send signed requests.")
        if profile is None:
            self.history = None
            self.history_list.clear()
            return
        paths = self.paths

        def load() -> tuple[History, list[HistoryEntry], list[Collection], list[str]]:
            from ..services.api_history import CollectionStore, History, history_path

            history = History(history_path(paths, profile.name))
            collections, problems = CollectionStore(paths.config_dir / "collections").list()
            return history, history.entries(), collections, [str(p) for p in problems]

        self.worker.submit(load, on_result=self._loaded, on_error=self._show_error)

    def set_role(self, arn: str | None) -> None:
        self._role_arn = arn

    def _loaded(
        self,
        value: tuple[History, list[HistoryEntry], list[Collection], list[str]],
    ) -> None:
        self.history, entries, collections, problems = value
        self.history_list.clear()
        for entry in entries:
            self._add_history_item(entry, at_top=False)
        self._show_collections(collections)
        if problems:
            self.note.setText("Some collection files could not be read: " + "; ".join(problems))

    # -- sending ------------------------------------------------------------------------

    def _set_sending(self, sending: bool) -> None:
        self.editor.send_button.setText("Cancel" if sending else "Send")
        self.editor.send_button.setToolTip(
            "Cancel the request (Esc)" if sending else "Send the request (Ctrl+Return)"
        )

    def send_or_cancel(self) -> None:
        if self._cancel is not None:
            self.cancel()
        else:
            self.send()

    def cancel(self) -> None:
        if self._cancel is not None:
            self._cancel.set()

    def send(self) -> None:
        if self.profile is None or self.session is None or self._cancel is not None:
            return
        problem = self.editor.json_error()
        if problem:
            self.response_view.show_error(
                f"The JSON body is invalid — {problem} Nothing was "
                "sent; fix the body and send again."
            )
            return
        request = self.editor.request()
        if not request.url:
            self.response_view.show_error("Type a URL first, e.g. {{base_url}}/items.")
            return
        profile, session = self.profile, self.session
        cancel = self._cancel = threading.Event()
        self._set_sending(True)
        self.response_view.show_busy(f"Sending {request.method} …")
        started = time.time()

        def send() -> tuple[ApiRequest, ApiResponse]:
            from ..services.api_client import ApiClient
            from ..services.api_history import expand_base_url

            expanded = expand_base_url(request, profile.api_base_url)
            if self.client is None:
                self.client = ApiClient(
                    session.credentials, profile.region, role_arn=lambda: self._role_arn
                )
            return expanded, self.client.send(expanded, cancel)

        def done(value: tuple[ApiRequest, ApiResponse]) -> None:
            self._cancel = None
            self._set_sending(False)
            _, response = value
            self.response_view.show_response(response)
            self._record(request, started, response.status, response.elapsed, "")

        def failed(exc: BaseException) -> None:
            self._cancel = None
            self._set_sending(False)
            from ..services.api_client import RequestCancelled
            from ..services.errors import ReauthenticationRequired

            if isinstance(exc, ReauthenticationRequired):
                self.response_view.show_error(f"{exc} Nothing was sent.")
                self.session_expired.emit(str(exc))
            elif isinstance(exc, RequestCancelled):
                self.response_view.show_error("Cancelled. Nothing more was read.")
                self._record(request, started, None, None, "cancelled")
            else:
                message = describe(exc)
                self.response_view.show_error(message)
                self._record(request, started, None, None, message)

        self.worker.submit(send, on_result=done, on_error=failed)

    def _record(
        self,
        request: ApiRequest,
        started: float,
        status: int | None,
        elapsed: float | None,
        error: str,
    ) -> None:
        history = self.history
        if history is None:
            return
        from ..services.api_history import HistoryEntry, sanitize

        entry = HistoryEntry(
            request=sanitize(request), sent_at=started, status=status, elapsed=elapsed, error=error
        )
        self._add_history_item(entry, at_top=True)
        self.worker.submit(history.add, entry, on_error=self._show_error)

    def _add_history_item(self, entry: HistoryEntry, at_top: bool) -> None:
        when = time.strftime("%H:%M:%S", time.localtime(entry.sent_at))
        status = str(entry.status) if entry.status is not None else "—"
        item = QListWidgetItem(f"{status}  {entry.request.method}  {entry.request.url}")
        item.setStatusTip(when)
        item.setToolTip(
            f"{when}  {entry.request.url}" + (f"\n{entry.error}" if entry.error else "")
        )
        item.setData(ROLE_REQUEST, entry.request)
        if at_top:
            self.history_list.insertItem(0, item)
        else:
            self.history_list.addItem(item)

    def _load_item(self, item: QListWidgetItem) -> None:
        request = item.data(ROLE_REQUEST)
        if isinstance(request, ApiRequest):
            self.editor.set_request(request)

    # -- collections ------------------------------------------------------------------------

    def _show_collections(self, collections: list[Collection]) -> None:
        self.saved_tree.clear()
        for collection in collections:
            top = QTreeWidgetItem([collection.name])
            top.setData(0, ROLE_REQUEST, collection.name)
            for saved in collection.requests:
                child = QTreeWidgetItem([f"{saved.request.method}  {saved.name}"])
                child.setToolTip(0, saved.description or saved.request.url)
                child.setData(0, ROLE_REQUEST, saved.request)
                top.addChild(child)
            self.saved_tree.addTopLevelItem(top)
            top.setExpanded(True)

    def _load_tree_item(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        request = item.data(0, ROLE_REQUEST)
        if isinstance(request, ApiRequest):
            self.editor.set_request(request)

    def _store(self) -> Any:
        from ..services.api_history import CollectionStore

        return CollectionStore(self.paths.config_dir / "collections")

    def save_to_collection(self) -> None:
        if self.profile is None:
            return
        existing = [
            self.saved_tree.topLevelItem(i).text(0)
            for i in range(self.saved_tree.topLevelItemCount())
        ]
        collection, ok = QInputDialog.getItem(
            self, "Save request", "Collection:", existing or ["My requests"], 0, True
        )
        if not ok or not collection.strip():
            return
        request = self.editor.request()
        name, ok = QInputDialog.getText(
            self, "Save request", "Name:", text=f"{request.method} {request.url}"
        )
        if not ok or not name.strip():
            return
        base_url = self.profile.api_base_url
        store = self._store()

        def save() -> list[Collection]:
            from ..services.api_history import Collection, SavedRequest, to_portable

            saved = SavedRequest(name=name.strip(), request=to_portable(request, base_url))
            current, _ = store.list()
            found = next((c for c in current if c.name == collection.strip()), None)
            requests = (found.requests if found else ()) + (saved,)
            store.save(Collection(name=collection.strip(), requests=requests))
            return list(store.list()[0])

        self.worker.submit(save, on_result=self._show_collections, on_error=self._show_error)

    def _selected_collection(self) -> str | None:
        item = self.saved_tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return item.text(0) if item is not None else None

    def _export_collection(self) -> None:
        name = self._selected_collection()
        if name is None:
            self.note.setText("Select a collection to export.")
            return
        target, _ = QFileDialog.getSaveFileName(
            self, "Export collection", f"{name}.json", "Collections (*.json)"
        )
        if target:
            store = self._store()
            self.worker.submit(
                store.export,
                name,
                Path(target),
                on_result=lambda _: self.note.setText(f"Exported to {target}"),
                on_error=self._show_error,
            )

    def _import_collection(self) -> None:
        source, _ = QFileDialog.getOpenFileName(
            self, "Import collection", "", "Collections (*.json)"
        )
        if source:
            store = self._store()

            def do_import() -> list[Collection]:
                store.import_file(Path(source))
                return list(store.list()[0])

            self.worker.submit(
                do_import, on_result=self._show_collections, on_error=self._show_error
            )

    # -- misc ---------------------------------------------------------------------------------

    def _copy_as(self, kind: str) -> None:
        from ..services.api_history import expand_base_url
        from ..services.api_signing import resolve_target
        from ..services.copy_as import as_curl, as_python

        if self.profile is None:
            return
        try:
            request = expand_base_url(self.editor.request(), self.profile.api_base_url)
        except Exception as exc:  # a ConfigError with a sentence for the operator
            self._show_error(exc)
            return
        service, region = resolve_target(request, self.profile.region)
        text = (as_curl if kind == "curl" else as_python)(request, region, service)
        QGuiApplication.clipboard().setText(text)
        self.note.setText(
            "Copied. It reads the credentials from AWS_ACCESS_KEY_ID, "
            "AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN; no secret was copied."
        )

    def _save_body(self) -> None:
        response = self.response_view.response
        if response is None:
            return
        target, _ = QFileDialog.getSaveFileName(self, "Save body as", "response.bin")
        if not target:
            return

        def save() -> str:
            if response.body_file:
                shutil.copyfile(response.body_file, target)
            else:
                Path(target).write_bytes(response.body_head)
            return target

        self.worker.submit(
            save,
            on_result=lambda path: self.note.setText(f"Saved to {path}"),
            on_error=self._show_error,
        )

    def _show_error(self, exc: BaseException) -> None:
        self.note.setText(describe(exc))
