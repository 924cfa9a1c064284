"""The S3 panel: places, an address bar and breadcrumbs, a lazy listing, details and preview,
transfers. Every service call goes through the Worker; answers that arrive after the
context, the folder or the selection changed are dropped (generation counters).
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QByteArray, QModelIndex, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtCore import QItemSelectionModel as Sel
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QMenu,
    QPushButton,
    QSplitter,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from ..services.errors import NetworkError, ReauthenticationRequired
from ..services.s3_models import ListingPage, Places, S3Location, S3NameError
from ..services.s3_names import parse_location
from .messages import describe
from .s3_actions import S3Actions, build_commands
from .s3_details_view import DetailsView
from .s3_dialogs import S3Dialogs
from .s3_listing_model import Breadcrumbs, Entry, ListingModel, ListingView, PlacesTree
from .s3_transfers_view import TransfersView
from .worker import Worker

if TYPE_CHECKING:
    from ..services.config import Profile
    from ..services.s3 import S3Service
    from ..services.session import Session

PAGE_SIZE = 1000
DETAILS_DELAY_MS = 150
FILTER_DELAY_MS = 120
ERROR_STYLE = "color:#a4000f;"


class _PageRelay(QObject):
    """Carries pages from the worker reading the rest to the UI thread (queued)."""

    page = Signal(object)


class S3Panel(QWidget):
    """Browse, preview, download, upload, delete and share S3 objects.

    Args:
        worker: the one worker helper (the main window's).
        page_size: keys per ListObjectsV2 page (tests use small pages).

    Signals:
        session_expired(str): a job failed because the refresh token died; sign in again.
    """

    session_expired = Signal(str)

    def __init__(
        self, worker: Worker, parent: QWidget | None = None, *, page_size: int = PAGE_SIZE
    ) -> None:
        super().__init__(parent)
        self.setObjectName("s3Panel")
        self.worker = worker
        self.page_size = page_size
        self.profile: Profile | None = None
        self.session: Session | None = None
        self.service: S3Service | None = None
        self.location: S3Location | None = None
        self.places: Places | None = None
        self._generation = 0  # bumps when the profile/session changes
        self._list_generation = 0  # bumps with each new listing
        self._token: str | None = None
        self._search = ""  # the server-side name prefix of the listing
        self._select_after = ""  # a name to select when its page arrives
        self._loading_all = False  # the operator pressed Load all
        self._rest: threading.Event | None = None  # stops the job reading the rest
        self._versioning: dict[str, bool] = {}
        self._back: list[S3Location] = []
        self._forward: list[S3Location] = []
        self._retry: Callable[[], None] | None = None
        self.dialogs = S3Dialogs(self)
        self._build()
        self.file_actions = S3Actions(self)
        self.transfers_view.cancel_requested.connect(self.file_actions.cancel)
        self.commands = build_commands(self, self.toolbar)
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.escape, context=context)
        self._update_commands()
        self._set_enabled(False)
        self.show_note("Sign in to work with S3.")

    def _build(self) -> None:
        self.toolbar = QToolBar()
        self.toolbar.setObjectName("s3Toolbar")
        self.address = QLineEdit()
        self.address.setObjectName("s3Address")
        self.address.setPlaceholderText("s3://bucket/folder/")
        self.address.returnPressed.connect(self.go_to_address)
        go = QPushButton("Go")
        go.clicked.connect(self.go_to_address)
        self.crumbs = Breadcrumbs()
        self.crumbs.chosen.connect(self.open_location)
        self.note = QLabel(wordWrap=True)
        self.note.setObjectName("s3Note")
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.retry_button = QPushButton("Retry")
        self.retry_button.setObjectName("s3Retry")
        self.retry_button.clicked.connect(self.retry)
        self.retry_button.hide()

        self.place_tree = PlacesTree()
        self.place_tree.chosen.connect(self.open_location)
        self.places_note = QLabel(wordWrap=True)
        self.places_note.setObjectName("s3PlacesNote")
        self.places_note.setStyleSheet("color:#8a5a00;")
        self.places_note.hide()
        left = _column(QLabel("Places"), (self.place_tree, 1), self.places_note)

        self.filter = QLineEdit()
        self.filter.setObjectName("s3Filter")
        self.filter.setClearButtonEnabled(True)
        self.filter.setPlaceholderText("Filter loaded names (Enter: search S3)")
        self.filter.textChanged.connect(lambda _: self._filter_timer.start())
        self.filter.returnPressed.connect(self._filter_entered)
        self._filter_timer = QTimer(self, singleShot=True, interval=FILTER_DELAY_MS)
        self._filter_timer.timeout.connect(self._apply_filter)
        self.server_search = QCheckBox("Search server")
        self.server_search.setObjectName("s3ServerSearch")
        self.server_search.setToolTip(
            "Ask S3 for the names that start with the filter text (Enter in the filter)"
        )
        self.server_search.toggled.connect(self._server_search_toggled)
        self.show_versions = QCheckBox("Show versions")
        self.show_versions.setObjectName("s3ShowVersions")
        self.show_versions.setToolTip("List every version and delete marker of this folder")
        self.show_versions.setEnabled(False)
        self.show_versions.toggled.connect(lambda _: self._list())
        self.model = ListingModel(self)
        self.model.fetcher = self._request_page
        self.listing = ListingView(self.model)
        self.listing.activated.connect(self._activated)  # Enter, double-click
        self.listing.up_requested.connect(self.go_up)  # Backspace
        self.listing.files_dropped.connect(lambda paths: self.file_actions.upload_paths(paths))
        self.listing.selectionModel().selectionChanged.connect(self._selection_changed)
        self.listing.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.listing.customContextMenuRequested.connect(self._context_menu)
        self.status = QLabel()
        self.status.setObjectName("s3Status")
        self.load_all_button = QPushButton("Load all")
        self.load_all_button.setObjectName("s3LoadAll")
        self.load_all_button.setToolTip("Read every page of this folder (Esc stops)")
        self.load_all_button.clicked.connect(self.load_all)
        self.stop_button = QPushButton("Stop")
        self.stop_button.setObjectName("s3Stop")
        self.stop_button.clicked.connect(self.stop_loading)
        self.stop_button.setEnabled(False)
        center = _column(
            _row((self.filter, 1), self.server_search, self.show_versions),
            (self.listing, 1),
            _row((self.status, 1), self.load_all_button, self.stop_button),
        )

        self.details = DetailsView()
        self._details_timer = QTimer(self, singleShot=True, interval=DETAILS_DELAY_MS)
        self._details_timer.timeout.connect(self._show_selected)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setObjectName("s3Splitter")
        for widget in (left, center, self.details):
            self.splitter.addWidget(widget)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setSizes([250, 620, 430])
        self.transfers_view = TransfersView()
        self.vertical = QSplitter(Qt.Orientation.Vertical)
        self.vertical.addWidget(self.splitter)
        self.vertical.addWidget(self.transfers_view)
        self.vertical.setStretchFactor(0, 1)
        self.vertical.setSizes([640, 150])
        self._save_timer = QTimer(self, singleShot=True, interval=500)
        self._save_timer.timeout.connect(self.save_state)
        self.splitter.splitterMoved.connect(lambda *_: self._save_timer.start())
        self.details.splitter.splitterMoved.connect(lambda *_: self._save_timer.start())

        layout = QVBoxLayout(self)
        # Shown alone (tests, screenshots) the panel is a window: its minimum size
        # must not follow every note and crumb (offscreen warns on each change).
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addWidget(self.toolbar)
        layout.addWidget(_row((self.address, 1), go))
        layout.addWidget(self.crumbs)
        layout.addWidget(_row((self.note, 1), self.retry_button))
        layout.addWidget(self.vertical, 1)

    # -- plumbing --------------------------------------------------------------------

    def run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], Any],
        on_error: Callable[[BaseException], Any] | None = None,
        long: bool = False,
    ) -> None:
        """Run ``fn`` in the worker; answers for an older context are dropped.
        ``long`` jobs (transfers) give their pool slot back while they run, so
        that listings and previews are not queued behind them."""
        generation = self._generation
        if long:
            fn = functools.partial(_lend_thread, self.worker.pool, fn)

        # Closures outlive the panel (they are not disconnected when it dies).
        def current() -> bool:
            return shiboken6.isValid(self) and generation == self._generation

        def result(value: Any) -> None:
            if current():
                on_result(value)

        def error(exc: BaseException) -> None:
            if current():
                if isinstance(exc, ReauthenticationRequired):
                    self.show_note(f"{exc} Nothing more was read or written.", error=True)
                    self.session_expired.emit(str(exc))
                (on_error or self._fail)(exc)

        self.worker.submit(fn, *args, on_result=result, on_error=error)

    def _fail(self, exc: BaseException) -> None:
        if not isinstance(exc, ReauthenticationRequired):
            self.show_note(describe(exc), error=True)

    def show_note(
        self, text: str, error: bool = False, retry: Callable[[], None] | None = None
    ) -> None:
        """The line under the address bar; ``retry`` shows a Retry button that calls it."""
        self.note.setText(text)
        self.note.setVisible(bool(text))
        self.note.setStyleSheet(ERROR_STYLE if error else "")
        self._retry = retry
        self.retry_button.setVisible(retry is not None)

    def retry(self) -> None:
        again, self._retry = self._retry, None
        self.show_note("")
        if again is not None:
            again()

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.address, self.place_tree, self.listing, self.filter, self.toolbar):
            widget.setEnabled(enabled)
        self._update_load_buttons()

    # -- context ---------------------------------------------------------------------

    def set_context(self, profile: Profile | None, session: Session | None) -> None:
        """The profile and signed-in session to work with (None session: signed out)."""
        self.save_state()
        self._generation += 1
        self._list_generation += 1
        self.file_actions.reset()
        self.profile, self.session, self.service = profile, session, None
        self.location, self.places = None, None
        self._back.clear()
        self._forward.clear()
        self._versioning.clear()
        self._stop_rest()
        self.place_tree.clear()
        self.places_note.hide()
        self.model.reset()
        self.details.forget("Select an object to see its details and a preview.")
        self.address.clear()
        self.crumbs.show_location(None)
        self.status.clear()
        self._set_enabled(session is not None)
        if session is None or profile is None:
            self.show_note("Sign in to work with S3.")
            return
        self.show_note("Connecting to S3…")
        self._connect()

    def _connect(self) -> None:
        session, profile = self.session, self.profile
        if session is None or profile is None:
            return
        key = _settings_key(profile.name)

        def connect() -> tuple[S3Service, Places, str, Any, Any]:
            from ..services.s3 import S3Service

            service = S3Service(session)
            places = service.places()
            settings = _settings()
            return (
                service,
                places,
                str(settings.value(f"{key}/location", "") or ""),
                settings.value(f"{key}/splitter"),
                settings.value(f"{key}/details"),
            )

        def failed(exc: BaseException) -> None:
            retry = self._connect if isinstance(exc, NetworkError) else None
            if not isinstance(exc, ReauthenticationRequired):
                self.show_note(describe(exc), error=True, retry=retry)

        self.run(connect, on_result=self._connected, on_error=failed)

    def _connected(self, value: tuple[S3Service, Places, str, Any, Any]) -> None:
        self.service, self.places, last, splitter, details = value
        for widget, state in ((self.splitter, splitter), (self.details.splitter, details)):
            if isinstance(state, QByteArray | bytes) and state:
                widget.restoreState(QByteArray(state))
        self.place_tree.show_places(self.places)
        self.places_note.setText(self.places.note)
        self.places_note.setVisible(bool(self.places.note))
        self.show_note("")
        start: S3Location | None = None
        if last:
            try:
                start = parse_location(last)
            except S3NameError:
                start = None
        if start is None and self.places.places:
            named = [p for p in self.places.places if p.kind == "profile"]
            start = (named or list(self.places.places))[0].location
        if start is not None:
            self.open_location(start, record=False)
        else:
            self.show_note("Type an s3:// address to start.")

    def save_state(self) -> None:
        """Remember this profile's last folder and pane sizes (written by the worker)."""
        if self.profile is None or self.session is None:
            return
        key = _settings_key(self.profile.name)
        values: dict[str, Any] = {
            f"{key}/splitter": self.splitter.saveState(),
            f"{key}/details": self.details.splitter.saveState(),
        }
        if self.location is not None:
            values[f"{key}/location"] = self.location.uri
        self.worker.submit(_write_settings, values)

    # -- navigation ------------------------------------------------------------------

    def go_to_address(self) -> None:
        """Open what the address bar says; a bad address keeps the text and says why."""
        try:
            location = parse_location(self.address.text())
        except S3NameError as exc:
            self.show_note(describe(exc), error=True)
            return
        self.open_location(location)

    def open_location(self, location: S3Location, *, record: bool = True) -> None:
        """Open a folder; an object's address opens its folder, searched for the
        object's name, with the object selected."""
        if self.service is None:
            return
        search = select = ""
        if not location.is_folder:
            parent = location.parent() or S3Location(location.bucket)
            search = select = location.prefix[len(parent.prefix) :]
            location = parent
        if record and self.location is not None and location != self.location:
            self._back.append(self.location)
            self._forward.clear()
        self.location = location
        self._select_after = select
        self.address.setText(location.uri + select)
        self.crumbs.show_location(location)
        for box, on in ((self.server_search, bool(search)), (self.show_versions, False)):
            box.blockSignals(True)
            box.setChecked(on)
            box.blockSignals(False)
        self.filter.blockSignals(True)
        self.filter.setText(search)
        self.filter.blockSignals(False)
        self.model.set_filter("")
        self._search = search
        self._check_versioning(location.bucket)
        self._list()
        self._save_timer.start()

    def _check_versioning(self, bucket: str) -> None:
        known = self._versioning.get(bucket)
        self.show_versions.setEnabled(bool(known))
        service = self.service
        if known is not None or service is None:
            return

        def answered(enabled: bool) -> None:
            self._versioning[bucket] = enabled
            if self.location is not None and self.location.bucket == bucket:
                self.show_versions.setEnabled(enabled)

        self.run(service.versioning_enabled, bucket, on_result=answered, on_error=lambda _: None)

    def go_up(self) -> None:
        parent = self.location.parent() if self.location is not None else None
        if parent is not None:
            self.open_location(parent)

    def go_back(self) -> None:
        if self._back and self.location is not None:
            self._forward.append(self.location)
            self.open_location(self._back.pop(), record=False)

    def go_forward(self) -> None:
        if self._forward and self.location is not None:
            self._back.append(self.location)
            self.open_location(self._forward.pop(), record=False)

    def refresh(self, select: str = "") -> None:
        """List the open folder again (F5); ``select`` a name once it is listed."""
        if self.location is not None:
            self._select_after = select
            self._list()

    def _activated(self, index: QModelIndex) -> None:
        if index.isValid() and self.model.is_folder(index.row()) and self.location is not None:
            self.open_location(self.location.child(self.model.entry(index.row()).name))

    # -- listing ---------------------------------------------------------------------

    def _list(self) -> None:
        """List the open folder from its first page."""
        if self.location is None or self.service is None:
            return
        self._list_generation += 1
        self._stop_rest()
        self._token = None
        self.model.reset(self.location, versions=self.show_versions.isChecked())
        self.model.begin_fetch()
        self.status.setText(f"Listing {self.location.uri}…")
        self._update_load_buttons()
        self._update_commands()
        if self.note.styleSheet() and not self.file_actions.busy:
            self.show_note("")  # an old error does not describe the new folder
        self._request_page()

    def _request_page(self) -> None:
        """Read the next page (the model's fetcher, Load all, and the first page)."""
        service, location = self.service, self.location
        if service is None or location is None:
            self.model.failed_fetch(has_more=False)
            return
        generation = self._list_generation
        read = functools.partial(
            service.list_page,
            location,
            self._token,
            page_size=self.page_size,
            search=self._search,
            versions=self.model.versions,
        )
        self.run(
            read,
            on_result=lambda page: self._page_arrived(generation, page),
            on_error=lambda exc: self._page_failed(generation, exc),
        )

    def _page_arrived(self, generation: int, page: ListingPage, looping: bool = False) -> None:
        if generation != self._list_generation:
            return
        self._token = page.next_token
        if page.next_token is None:
            self._loading_all = False
        elif self._loading_all and not looping:
            self._read_rest()  # Load all was pressed while this page was on its way
        self.model.append_page(page, fetching=self._rest is not None)
        self._update_status()
        self._update_load_buttons()
        if self._select_after:
            self._select_pending()

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._list_generation:
            return
        self._stop_rest()
        first = self.model.rowCount() == 0 and self._token is None
        self.model.failed_fetch(has_more=not first)
        self._update_load_buttons()
        if isinstance(exc, ReauthenticationRequired):
            return
        retry = None
        if isinstance(exc, NetworkError):
            retry = self._list if first else self.model.fetch_next
        self.show_note(describe(exc), error=True, retry=retry)
        self.status.setText(
            "Could not list this folder." if first else self.model.status_text() + " · stopped"
        )

    def _update_status(self) -> None:
        text = self.model.status_text()
        if self._search:
            text += f" · names starting with '{self._search}'"
        if self.model.versions:
            text += " · all versions"
        self.status.setText(text)

    def _update_load_buttons(self) -> None:
        more = self.service is not None and (self.model.has_more or self.model.fetching)
        self.load_all_button.setEnabled(more and not self._loading_all)
        self.stop_button.setEnabled(self._loading_all)

    def load_all(self) -> None:
        """Read every remaining page (Esc or Stop ends it)."""
        if not (self.model.has_more or self.model.fetching):
            return
        self._loading_all = True
        if not self.model.fetching:
            self.model.begin_fetch()
            self._read_rest()
        self._update_load_buttons()  # else the page on its way starts the rest

    def _read_rest(self) -> None:
        """Read the pages after ``_token`` in one worker job that asks for each page
        as soon as the one before is in, and hands the pages over as they come:
        S3 never waits for the UI thread to show a page."""
        service, location, token = self.service, self.location, self._token
        if service is None or location is None or token is None or self._rest is not None:
            return
        generation = self._list_generation
        cancel = self._rest = threading.Event()
        relay = _PageRelay(self)
        relay.page.connect(lambda page: self._page_arrived(generation, page, looping=True))
        read = functools.partial(
            service.list_page,
            location,
            page_size=self.page_size,
            search=self._search,
            versions=self.model.versions,
        )

        def read_rest(next_token: str | None = token) -> None:
            while next_token is not None and not cancel.is_set():
                page = read(next_token)
                with contextlib.suppress(RuntimeError):  # the panel was closed meanwhile
                    relay.page.emit(page)
                next_token = page.next_token

        def ended(exc: BaseException | None = None) -> None:
            relay.deleteLater()  # after the pages it carried: they were queued first
            if generation != self._list_generation:
                return
            self._rest = None
            if exc is not None:
                self._page_failed(generation, exc)
            elif self._loading_all and self._token is not None:
                self._read_rest()  # Load all pressed again while the last page came in
            else:
                self._loading_all = False
                self.model.failed_fetch(has_more=self._token is not None)
                self._update_load_buttons()

        self.run(read_rest, on_result=lambda _: ended(), on_error=ended, long=True)

    def _stop_rest(self) -> None:
        self._loading_all = False
        if self._rest is not None:
            self._rest.set()
            self._rest = None

    def stop_loading(self) -> None:
        """No further pages (the one on its way is still shown)."""
        self._loading_all = False
        if self._rest is not None:
            self._rest.set()  # the job ends after its request; it then re-arms the model
        self._update_load_buttons()

    def escape(self) -> None:
        if not self.file_actions.cancel():
            self.stop_loading()

    def _select_pending(self) -> None:
        name = self._select_after
        if self.select_name(name):
            self._select_after = ""
            self.listing.scrollTo(self.listing.currentIndex())
        elif not name.endswith("/") and self.model.row_of_name(name + "/") >= 0:
            # The address named a folder without its trailing '/': open it.
            self._select_after = ""
            if self.location is not None:
                self.open_location(self.location.child(name + "/"), record=False)

    # -- filter ----------------------------------------------------------------------

    def _apply_filter(self) -> None:
        self.model.set_filter(self.filter.text())
        self._update_status()
        if self.server_search.isChecked():
            self._search_server(self.filter.text())

    def _filter_entered(self) -> None:
        self._filter_timer.stop()
        self.model.set_filter(self.filter.text())
        if self.server_search.isChecked():
            self._search_server(self.filter.text())
        else:
            self.server_search.setChecked(True)  # which lists with the search

    def _server_search_toggled(self, on: bool) -> None:
        self._search_server(self.filter.text() if on else "")

    def _search_server(self, text: str) -> None:
        if text != self._search:
            self._search = text
            if self.location is not None:
                self.address.setText(self.location.uri)
            self._list()

    # -- selection -------------------------------------------------------------------

    def _selection_changed(self, *_: Any) -> None:
        self._details_timer.start()  # a burst of changes (arrow keys held) fetches once
        self._update_commands()

    def _update_commands(self) -> None:
        count = self._selected_count()
        self.commands["download"].setEnabled(count > 0)
        self.commands["delete"].setEnabled(count > 0)
        self.commands["share"].setEnabled(count == 1)

    def _selected_count(self) -> int:
        return sum(r.height() for r in self.listing.selectionModel().selection())

    def selected_entries(self) -> list[Entry]:
        rows = sorted({i.row() for i in self.listing.selectionModel().selectedRows()})
        return [self.model.entry(r) for r in rows]

    def select_name(self, name: str, add: bool = False) -> bool:
        """Select the loaded row called ``name`` (a folder ends in '/')."""
        row = self.model.row_of_name(name)
        if row >= 0:
            flags = Sel.SelectionFlag.Rows | (
                Sel.SelectionFlag.Select if add else Sel.SelectionFlag.ClearAndSelect
            )
            self.listing.selectionModel().setCurrentIndex(self.model.index(row, 0), flags)
        return row >= 0

    def _show_selected(self) -> None:
        count, service, location = self._selected_count(), self.service, self.location
        if count != 1 or service is None or location is None:
            self.details.forget(f"{count:,} items selected." if count else "Nothing selected.")
            return
        entry = self.selected_entries()[0]
        target = location.child(entry.name)
        if entry.is_folder:
            self.details.forget(target.uri)
            self.details.show_folder(target.uri)
        else:
            self.details.load(self.run, service, target, entry)

    def _context_menu(self, pos: Any) -> None:
        menu = QMenu(self)
        for name in ("download", "upload", "upload_folder", "new_folder", "delete"):
            menu.addAction(self.commands[name])
        menu.addSeparator()
        for name in ("copy_uri", "share", "refresh"):
            menu.addAction(self.commands[name])
        menu.popup(self.listing.viewport().mapToGlobal(pos))


def _row(*items: QWidget | tuple[QWidget, int]) -> QWidget:
    return _box(QHBoxLayout(), items)


def _column(*items: QWidget | tuple[QWidget, int]) -> QWidget:
    return _box(QVBoxLayout(), items)


def _box(
    layout: QHBoxLayout | QVBoxLayout, items: tuple[QWidget | tuple[QWidget, int], ...]
) -> QWidget:
    holder = QWidget()
    holder.setLayout(layout)
    layout.setContentsMargins(0, 0, 0, 0)
    for item in items:
        widget, stretch = item if isinstance(item, tuple) else (item, 0)
        layout.addWidget(widget, stretch)
    return holder


def _lend_thread(pool: Any, fn: Callable[[], Any]) -> Any:
    """Run a long job without holding one of the pool's few threads (2 on 2 cores)."""
    pool.releaseThread()
    try:
        return fn()
    finally:
        pool.reserveThread()


def _settings() -> QSettings:
    """The main window's state file (QSettings may be used from worker threads)."""
    from ..services.paths import app_paths

    return QSettings(str(app_paths().window_state_file), QSettings.Format.IniFormat)


def _settings_key(profile: str) -> str:
    return "s3-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in profile)


def _write_settings(values: dict[str, Any]) -> None:
    settings = _settings()
    for key, value in values.items():
        settings.setValue(key, value)
    settings.sync()
