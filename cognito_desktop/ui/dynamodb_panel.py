"""The DynamoDB panel: tables, details, Query/Scan with lazy results, item editing, PartiQL.

Every service call goes through the Worker; answers that arrive after the
context or the read changed are dropped (generation counters).
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QProgressDialog,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..services.dynamodb_models import (
    Item,
    Page,
    ReadSpec,
    ScanProgress,
    TableInfo,
)
from ..services.errors import ReauthenticationRequired
from .api_response_view import human_size
from .dynamodb_item_actions import ItemActions
from .dynamodb_item_dialog import ChangeDialog, ConflictDialog, ItemDialog
from .dynamodb_partiql import PartiqlTab
from .dynamodb_query_form import FormError, QueryForm, RequestPreview
from .dynamodb_results_model import drop_slowly
from .dynamodb_results_view import ResultsView
from .messages import describe
from .worker import Worker

if TYPE_CHECKING:
    from ..services.config import Profile
    from ..services.dynamodb import DynamoService
    from ..services.session import Session

log = logging.getLogger(__name__)

ERROR_STYLE = "color:#a4000f;"
TAB_ITEMS, TAB_DETAILS, TAB_PARTIQL = range(3)


class _Relay(QObject):
    """Carries progress from a worker thread to the UI thread (a queued signal)."""

    progress = Signal(object)


class DynamoDbPanel(QWidget):
    """Browse and edit DynamoDB tables with the session's credentials.

    Signals:
        session_expired(str): a job failed because the refresh token died; sign in again.
    """

    session_expired = Signal(str)

    def __init__(self, worker: Worker, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dynamodbPanel")
        self.worker = worker
        self.profile: Profile | None = None
        self.session: Session | None = None
        self.service: DynamoService | None = None
        self.identity_id = ""
        self.info: TableInfo | None = None
        self._generation = 0  # bumps when the profile/session changes
        self._read_generation = 0  # bumps with each new Query/Scan
        self._spec: ReadSpec | None = None
        self._read_info: TableInfo | None = None
        self._read_partial = False
        self._start_key: dict[str, Any] | None = None
        self._can_continue = False
        self._stopped = False
        self._cancel: threading.Event | None = None
        self._pages = 0
        self._totals = ScanProgress()
        self.export_progress: QProgressDialog | None = None
        self._dropped: list[list[Item]] = []
        self._first_page_pending = False
        self._relay = _Relay(self)
        self._relay.progress.connect(self._show_progress)

        # Left: the tables.
        self.tables = QListWidget()
        self.tables.setObjectName("tables")
        self.tables.currentItemChanged.connect(self._table_chosen)
        self.refresh_button = QPushButton("Refresh")
        self.refresh_button.setToolTip("List the tables again")
        self.refresh_button.clicked.connect(self.refresh_tables)
        self.tables_note = QLabel(wordWrap=True)
        self.tables_note.setObjectName("tablesNote")
        self.tables_note.hide()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        header = QHBoxLayout()
        header.addWidget(QLabel("Tables"), 1)
        header.addWidget(self.refresh_button)
        left_layout.addLayout(header)
        left_layout.addWidget(self.tables, 1)
        left_layout.addWidget(self.tables_note)

        # Items tab: the form and its request on top, the results below.
        self.form = QueryForm()
        self.form.changed.connect(self._update_preview)
        self.form.run_requested.connect(self.run_read)
        self.preview = RequestPreview()
        self.new_button = QPushButton("New item…")
        self.new_button.setObjectName("newItem")
        self.new_button.clicked.connect(self.new_item)
        self.edit_button = QPushButton("Open item…")
        self.edit_button.setToolTip("View or edit the selected item (Ctrl+E)")
        self.edit_button.clicked.connect(self.edit_selected)
        form_side = QWidget()
        form_layout = QVBoxLayout(form_side)
        form_layout.setContentsMargins(0, 0, 0, 0)
        form_layout.addWidget(self.form)
        item_buttons = QHBoxLayout()
        item_buttons.addWidget(self.new_button)
        item_buttons.addWidget(self.edit_button)
        item_buttons.addStretch()
        form_layout.addLayout(item_buttons)
        form_layout.addStretch()
        top = QSplitter(Qt.Orientation.Horizontal)
        top.addWidget(form_side)
        top.addWidget(self.preview)
        top.setSizes([560, 380])
        self.results = ResultsView()
        self.results.stop_requested.connect(self.stop)
        self.results.load_more_requested.connect(self.load_more)
        self.results.export_requested.connect(self.export)
        self.results.edit_requested.connect(self.edit_row)
        self.results.delete_requested.connect(self.delete_row)
        self.results.model.fetcher = self._request_page
        self.results.model.discard = self._discard
        self.actions = ItemActions(
            self._run,
            lambda: self.service,
            self.results.model,
            lambda: self._read_info.name if self._read_info is not None else "",
            self._show_note,
            self,
        )
        items_page = QSplitter(Qt.Orientation.Vertical)
        items_page.addWidget(top)
        items_page.addWidget(self.results)
        items_page.setSizes([300, 420])

        # Details tab.
        self.details = QTreeWidget()
        self.details.setObjectName("tableDetails")
        self.details.setHeaderLabels(["Property", "Value"])
        self.details.setColumnWidth(0, 240)

        # PartiQL tab.
        self.partiql = PartiqlTab(
            self._run, lambda: self.service, self.actions, self._export_loaded, self._discard
        )
        self.partiql.results.stop_requested.connect(self.stop)
        self.statement = self.partiql.statement
        self.partiql_results = self.partiql.results

        self.tabs = QTabWidget()
        self.tabs.addTab(items_page, "Items")
        self.tabs.addTab(self.details, "Details")
        self.tabs.addTab(self.partiql, "PartiQL")

        self.note = QLabel(wordWrap=True)
        self.note.setObjectName("dynamodbNote")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.note)
        right_layout.addWidget(self.tabs, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setSizes([220, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        QShortcut(QKeySequence("Ctrl+Return"), self, self.run_current, context=context)
        QShortcut(QKeySequence("Ctrl+Enter"), self, self.run_current, context=context)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.stop, context=context)
        QShortcut(QKeySequence("Ctrl+E"), self, self.edit_selected, context=context)
        QShortcut(QKeySequence("Ctrl+N"), self, self.new_item, context=context)
        self._set_enabled(False)
        self.note.setText("Sign in to work with DynamoDB.")

    @property
    def item_dialog(self) -> ItemDialog | None:
        """The item viewer/editor open last (tests and the lead drive it)."""
        return self.actions.item_dialog

    @property
    def change_dialog(self) -> ChangeDialog | None:
        return self.actions.change_dialog

    @property
    def conflict_dialog(self) -> ConflictDialog | None:
        return self.actions.conflict_dialog

    # -- plumbing ------------------------------------------------------------------

    def _run(
        self,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        generation = self._generation

        # Closures outlive the panel (they are not disconnected when it dies).
        def current() -> bool:
            return shiboken6.isValid(self) and generation == self._generation

        def result(value: Any) -> None:
            if current():
                on_result(value)

        def error(exc: BaseException) -> None:
            if current():
                if isinstance(exc, ReauthenticationRequired):
                    self._show_note(f"{exc} Nothing more was read or written.", error=True)
                    self.session_expired.emit(str(exc))
                (on_error or self._fail)(exc)

        self.worker.submit(fn, *args, on_result=result, on_error=error)

    def _discard(self, items: list[Item]) -> None:
        self._dropped.append(items)
        if not self._first_page_pending:
            self._drop_now()

    def _drop_now(self) -> None:
        self._first_page_pending = False
        while self._dropped:
            self.worker.submit(drop_slowly, self._dropped.pop())

    def _fail(self, exc: BaseException) -> None:
        if not isinstance(exc, ReauthenticationRequired):
            self._show_note(describe(exc), error=True)

    def _show_note(self, text: str, error: bool = False) -> None:
        self.note.setText(text)
        self.note.setStyleSheet(ERROR_STYLE if error else "")

    def _set_enabled(self, enabled: bool) -> None:
        for widget in (self.tables, self.refresh_button, self.tabs):
            widget.setEnabled(enabled)

    # -- context ---------------------------------------------------------------------

    def set_context(self, profile: Profile | None, session: Session | None) -> None:
        """The profile and signed-in session to work with (None session: signed out)."""
        self._generation += 1
        self.stop()
        self._read_generation += 1
        self._spec = None
        self.actions.close_all()
        self.profile, self.session, self.service = profile, session, None
        self.info = self._read_info = None
        self.tables.clear()
        self.details.clear()
        self.form.set_table(None)
        self.results.model.reset()
        self.partiql.reset()
        self._set_enabled(session is not None)
        self.tables_note.hide()
        if session is None or profile is None:
            self._show_note("Sign in to work with DynamoDB.")
            return
        self._show_note("Connecting to DynamoDB…")
        self.refresh_tables()

    def refresh_tables(self) -> None:
        session, profile = self.session, self.profile
        if session is None or profile is None:
            return
        service = self.service

        def connect() -> tuple[DynamoService, list[str], str, str]:
            from ..services.dynamodb import DynamoService, retry_config

            keyed = bool(profile.dynamodb_identity_keyed)
            svc = service or DynamoService(
                session.client("dynamodb", config=retry_config()),
                own_partition=session.identity_id if keyed else "",
            )
            names, denied = svc.list_tables(named=profile.dynamodb_tables)
            return svc, names, denied, session.identity_id

        self._run(connect, on_result=self._tables_listed)

    def _tables_listed(self, value: tuple[DynamoService, list[str], str, str]) -> None:
        self.service, names, denied, self.identity_id = value
        chosen = self.info.name if self.info else None
        self.tables.blockSignals(True)
        self.tables.clear()
        for name in names:
            self.tables.addItem(name)
        self.tables.blockSignals(False)
        self.tables_note.setText(denied)
        self.tables_note.setVisible(bool(denied))
        self.tables_note.setStyleSheet("color:#8a5a00;")
        self._show_note(
            f"{len(names)} table(s). Choose one to read it."
            if names
            else "No tables to show. Add table names to the profile's dynamodb_tables."
        )
        named = self.profile.dynamodb_tables if self.profile is not None else ()
        preferred = chosen if chosen in names else next((n for n in named if n in names), None)
        if preferred is not None:
            self.select_table(preferred)
        elif names:
            self.tables.setCurrentRow(0)

    def select_table(self, name: str) -> None:
        found = self.tables.findItems(name, Qt.MatchFlag.MatchExactly)
        if found:
            self.tables.setCurrentItem(found[0])

    def _table_chosen(self, item: QListWidgetItem | None, _previous: Any = None) -> None:
        service = self.service
        if item is None or service is None:
            return
        name = item.text()
        self._show_note(f"Describing {name}…")

        def described(info: TableInfo) -> None:
            if self.tables.currentItem() is None or self.tables.currentItem().text() != name:
                return
            self._show_table(info)

        def failed(exc: BaseException) -> None:
            self.info = None
            self.form.set_table(None)
            self.details.clear()
            self._fail(exc)

        self._run(service.describe, name, on_result=described, on_error=failed)

    def _show_table(self, info: TableInfo) -> None:
        self.stop()
        self._read_generation += 1  # a page still on its way belongs to the old table
        self._spec = None
        self.info = info
        keyed = self.profile is not None and info.name in self.profile.dynamodb_identity_keyed
        self.form.set_table(info, self.identity_id, keyed)
        self.form.set_mode("query" if keyed else "scan")
        self._show_details(info)
        self.results.model.reset(info.key.names)
        self._read_info = None
        self.results.stats.setText("Press Run (Ctrl+Return) to read.")
        self.results.set_reading(False)
        self.results.progress.hide()
        self.partiql.prefill(info)
        self._show_note(f"{info.name}: {_key_summary(info)}")

    def _show_details(self, info: TableInfo) -> None:
        self.details.clear()

        def add(parent: QTreeWidget | QTreeWidgetItem, name: str, value: str = "") -> Any:
            node = QTreeWidgetItem([name, value])
            node.setToolTip(1, value)
            if isinstance(parent, QTreeWidget):
                parent.addTopLevelItem(node)
            else:
                parent.addChild(node)
            return node

        add(self.details, "Table", info.name)
        add(self.details, "Status", info.status or "unknown")
        keys = add(self.details, "Key")
        add(keys, "Partition key", f"{info.key.partition} ({info.key.partition_type})")
        if info.key.sort:
            add(keys, "Sort key", f"{info.key.sort} ({info.key.sort_type})")
        types: dict[str, str] = {}
        for schema in (info.key, *(i.key for i in info.indexes)):
            types[schema.partition] = schema.partition_type
            if schema.sort:
                types[schema.sort] = schema.sort_type or ""
        attributes = add(self.details, "Attribute types", f"{len(types)} defined")
        for name, kind in types.items():
            add(attributes, name, kind)
        indexes = add(self.details, "Indexes", str(len(info.indexes)) if info.indexes else "none")
        for index in info.indexes:
            node = add(indexes, f"{index.kind} {index.name}", _key_text(index.key))
            add(node, "Partition key", f"{index.key.partition} ({index.key.partition_type})")
            if index.key.sort:
                add(node, "Sort key", f"{index.key.sort} ({index.key.sort_type})")
            projection = index.projection
            if index.projected:
                projection += ": " + ", ".join(index.projected)
            add(node, "Projection", projection)
        add(
            self.details,
            "Item count",
            "unknown"
            if info.item_count is None
            else f"{info.item_count:,} (updated about every 6 hours)",
        )
        add(
            self.details,
            "Size",
            "unknown" if info.size_bytes is None else human_size(info.size_bytes),
        )
        add(self.details, "Billing mode", info.billing_mode or "unknown")
        add(self.details, "Stream", info.stream or "off")
        add(self.details, "Time to live", info.ttl_attribute or "off (or not visible)")
        self.details.expandAll()

    # -- reading ---------------------------------------------------------------------

    def run_partiql(self) -> None:
        self.partiql.run()

    def run_current(self) -> None:
        if self.tabs.currentIndex() == TAB_PARTIQL:
            self.partiql.run()
        else:
            self.run_read()

    def _update_preview(self) -> None:
        info = self.info
        if info is None:
            self.preview.show_problem("Choose a table.")
            return
        from ..services.dynamodb_requests import build_read, request_as_cli, request_as_json

        try:
            built = build_read(self.form.spec(), info)
        except ValueError as exc:
            self.preview.show_problem(str(exc))
            return
        profile = self.profile
        self.preview.show_request(
            request_as_json(built),
            request_as_cli(
                built,
                profile.endpoint_url if profile else "",
                profile.region if profile else "",
            ),
        )

    def run_read(self) -> None:
        """Start the Query or Scan the form describes, from its first page."""
        info, service = self.info, self.service
        if info is None or service is None:
            return
        from ..services.dynamodb_requests import build_read

        try:
            spec = self.form.spec()
            build_read(spec, info)
        except (FormError, ValueError) as exc:
            self._read_error(f"{exc} Nothing was sent.")
            return
        self.stop()
        self._read_generation += 1
        self._spec, self._read_info, self._start_key = spec, info, None
        self._read_partial = self.form.partial_rows()
        self._pages, self._totals, self._stopped = 0, ScanProgress(), False
        keys = tuple(dict.fromkeys((*info.key_for(spec.index).names, *info.key.names)))
        # The old rows are freed only after the first page is in: freeing them
        # competes with reading it.
        self._first_page_pending = True
        self.results.model.reset(keys)
        self.results.stats.setStyleSheet("")
        self.results.stats.setText(f"Reading {info.name}…")
        self.results.progress.setVisible(bool(spec.filters))
        self.results.progress.setText("Scanned 0, matched 0")
        self.results.model.begin_fetch()
        self._request_page()

    def _request_page(self) -> None:
        """Read the next page (the model's fetcher, Load more, and the first page)."""
        spec, info, service = self._spec, self._read_info, self.service
        if spec is None or info is None or service is None:
            self.results.model.failed_fetch(has_more=False)
            return
        generation = self._read_generation
        start = self._start_key
        cancel = self._cancel = threading.Event()
        filtered = bool(spec.filters)
        started = time.perf_counter()
        fn: Callable[[], Page]
        if filtered:
            relay = self._relay
            base = dataclasses.replace(self._totals)

            def progress(p: ScanProgress) -> None:
                total = ScanProgress(
                    pages=base.pages + p.pages,
                    scanned=base.scanned + p.scanned,
                    matched=base.matched + p.matched,
                    consumed=base.consumed + p.consumed,
                )
                with contextlib.suppress(RuntimeError):  # the panel was closed meanwhile
                    relay.progress.emit((generation, total))

            fn = functools.partial(service.read_until_items, spec, info, start, cancel, progress)
        else:
            fn = functools.partial(service.read_page, spec, info, start)
        self.results.set_reading(True, stoppable=filtered)
        self.results.more_button.setEnabled(False)
        self._run(
            fn,
            on_result=lambda page: self._page_arrived(generation, page, started),
            on_error=lambda exc: self._page_failed(generation, exc),
        )

    def _show_progress(self, value: tuple[int, ScanProgress]) -> None:
        generation, progress = value
        if generation == self._read_generation:
            self.results.progress.setText(
                f"Scanned {progress.scanned:,}, matched {progress.matched:,}"
            )

    def _page_arrived(self, generation: int, page: Page, started: float) -> None:
        if generation != self._read_generation:
            return
        if self._first_page_pending:
            # After this slot has run, so that the page is painted first.
            QTimer.singleShot(0, self, self._drop_now)
        self._cancel = None
        self._pages += 1
        totals = self._totals
        totals.pages += 1
        totals.scanned += page.scanned_count
        totals.matched += page.count
        totals.consumed += page.consumed_capacity or 0.0
        self._start_key = page.last_evaluated_key
        self._can_continue = page.last_evaluated_key is not None
        model = self.results.model
        model.append_page(page.items, has_more=self._can_continue and not self._stopped)
        elapsed = (time.perf_counter() - started) * 1000
        capacity = (
            f"{page.consumed_capacity:g} RCU" if page.consumed_capacity is not None else "— RCU"
        )
        parts = [
            f"Page {self._pages}: Count {page.count}, ScannedCount {page.scanned_count}, "
            f"{capacity}, {elapsed:.0f} ms",
            f"{model.rowCount():,} item(s) loaded, {totals.consumed:g} RCU in all",
        ]
        if page.retries:
            parts.append(f"throttled: retried {page.retries} time(s)")
        if self._stopped and self._can_continue:
            parts.append("stopped (Load more goes on)")
        elif not self._can_continue:
            parts.append("end of results")
        self.results.stats.setStyleSheet("")
        self.results.stats.setText(" · ".join(parts))
        if self._spec is not None and self._spec.filters:
            self.results.progress.setText(f"Scanned {totals.scanned:,}, matched {totals.matched:,}")
        self._reading_done()

    def _page_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._read_generation:
            return
        self._drop_now()
        self._cancel = None
        self.results.model.failed_fetch(has_more=False)
        # Load more retries from where the reading stopped.
        self._can_continue = self._start_key is not None or self._pages == 0
        if not isinstance(exc, ReauthenticationRequired):
            self._read_error(describe(exc))
        self._reading_done()

    def _read_error(self, text: str) -> None:
        self.results.stats.setText(text)
        self.results.stats.setStyleSheet(ERROR_STYLE)

    def _reading_done(self) -> None:
        self.results.set_reading(False)
        self.results.more_button.setEnabled(self._can_continue)

    def stop(self) -> None:
        """Stop the read in progress (Esc): a filtered scan stops between pages."""
        if self._cancel is not None:
            self._cancel.set()
            self._stopped = True
            self.results.model.stop()
            self.results.stop_button.setEnabled(False)

    def load_more(self) -> None:
        if not self._can_continue or self.results.model.fetching or self._cancel is not None:
            return
        self._stopped = False
        self.results.model.failed_fetch(has_more=True)
        if self._pages == 0 and self._start_key is None:
            self.results.model.begin_fetch()
            self._request_page()
        else:
            self.results.model.fetchMore()

    # -- items -----------------------------------------------------------------------

    def edit_selected(self) -> None:
        if self.tabs.currentIndex() == TAB_PARTIQL:
            self.partiql.view_selected()
            return
        row = self.results.current_row()
        if row is not None:
            self.edit_row(row)

    def edit_row(self, row: int) -> None:
        info, service = self._read_info, self.service
        if info is None or service is None:
            return
        item = self.results.model.item(row)
        if not self._read_partial:
            self.actions.open_editor(item, info)
            return
        # The row holds only some attributes: edit the whole item, fresh.
        from ..services.dynamodb_requests import key_of

        key = key_of(item, info.key)

        def loaded(full: Item | None) -> None:
            if full is None:
                self._show_note("That item is no longer in the table.", error=True)
                return
            self.actions.open_editor(full, info, replaces=item)

        self._run(service.get_item, info, key, on_result=loaded)

    def new_item(self) -> None:
        info = self.info
        if info is None or self.service is None:
            return
        self.actions.open_editor(None, info)

    def delete_row(self, row: int) -> None:
        info = self._read_info
        if info is None or self.service is None:
            return
        item = self.results.model.item(row)
        self.actions.confirm_delete(None, info, {"row_item": item, "table": info.name}, item)

    # -- export ----------------------------------------------------------------------

    def _export_target(self, default_name: str) -> tuple[Path, str] | None:
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Export items",
            default_name + ".jsonl",
            "JSON lines, every type kept (*.jsonl);;CSV (*.csv)",
        )
        if not path:
            return None
        target = Path(path)
        if target.suffix.lower() == ".csv":
            return target, "csv"
        if target.suffix.lower() == ".jsonl":
            return target, "jsonl"
        fmt = "csv" if chosen.startswith("CSV") else "jsonl"
        return target.with_name(target.name + "." + fmt), fmt

    def export(self, scope: str) -> None:
        info, service, spec = self._read_info, self.service, self._spec
        if info is None or service is None or spec is None:
            self._show_note("Run a Query or Scan first; then export its results.")
            return
        if scope == "loaded":
            self._export_loaded(self.results, info.name)
            return
        target = self._export_target(info.name)
        if target is None:
            return
        path, fmt = target
        cancel = threading.Event()
        dialog = QProgressDialog("Exporting… scanned 0, written 0", "Cancel", 0, 0, self)
        dialog.setObjectName("exportProgress")
        dialog.setWindowTitle("Export all pages")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(0)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.canceled.connect(cancel.set)
        self.export_progress = dialog
        relay = _Relay(dialog)
        relay.progress.connect(
            lambda p: dialog.setLabelText(
                f"Exporting… scanned {p.scanned:,}, written {p.matched:,}"
            )
        )

        def progress(p: ScanProgress) -> None:
            with contextlib.suppress(RuntimeError):  # the panel was closed meanwhile
                relay.progress.emit(dataclasses.replace(p))

        def finished(count: int) -> None:
            dialog.close()
            stopped = " (cancelled: the file holds what was read)" if cancel.is_set() else ""
            self._show_note(f"Exported {count:,} item(s) to {path}{stopped}.")

        def failed(exc: BaseException) -> None:
            dialog.close()
            self._fail(exc)

        dialog.show()
        self._run(
            service.export_all,
            spec,
            info,
            path,
            fmt,
            cancel,
            progress,
            on_result=finished,
            on_error=failed,
        )

    def _export_loaded(self, view: ResultsView, name: str) -> None:
        items = list(view.model.items())
        key_names = self._read_info.key.names if self._read_info is not None else ()
        if self.service is None or not items:
            self._show_note("Nothing is loaded yet, so there is nothing to export.")
            return
        target = self._export_target(name)
        if target is None:
            return
        path, fmt = target

        def export() -> int:
            from ..services.dynamodb import export_items

            return export_items(items, path, fmt, key_names)  # type: ignore[arg-type]

        self._run(
            export,
            on_result=lambda count: self._show_note(f"Exported {count:,} item(s) to {path}."),
        )


def _key_text(key: Any) -> str:
    text = f"{key.partition} ({key.partition_type})"
    return text + (f", {key.sort} ({key.sort_type})" if key.sort else "")


def _key_summary(info: TableInfo) -> str:
    parts = [f"key {_key_text(info.key)}"]
    if info.indexes:
        parts.append(f"{len(info.indexes)} index(es)")
    if info.item_count is not None:
        parts.append(f"about {info.item_count:,} items")
    return ", ".join(parts)
