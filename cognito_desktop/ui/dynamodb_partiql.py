"""The DynamoDB panel's PartiQL tab: a statement, ExecuteStatement, results paged by NextToken."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QHBoxLayout, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from ..services.dynamodb_models import Item, PartiqlPage, TableInfo
from ..services.errors import ReauthenticationRequired
from .dynamodb_item_actions import ItemActions
from .dynamodb_results_view import ResultsView
from .messages import describe

if TYPE_CHECKING:
    from ..services.dynamodb import DynamoService

ERROR_STYLE = "color:#a4000f;"


class PartiqlTab(QWidget):
    """Run a PartiQL statement; its results land in the same lazy model as reads.

    Args:
        run: the panel's job runner.
        service: the current DynamoService, or None when signed out.
        actions: opens a result row in the (read-only) item viewer.
        export_loaded: the panel's export of a results view's loaded items.
        discard: frees dropped results off the UI thread.
    """

    def __init__(
        self,
        run: Callable[..., None],
        service: Callable[[], DynamoService | None],
        actions: ItemActions,
        export_loaded: Callable[[ResultsView, str], None],
        discard: Callable[[list[Item]], None],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._run, self._service, self._actions = run, service, actions
        self._generation = 0
        self._statement = ""
        self._token: str | None = None
        self._prefilled = ""
        self._keys: tuple[str, ...] = ()
        self.statement = QPlainTextEdit()
        self.statement.setObjectName("partiqlStatement")
        self.statement.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.statement.setPlaceholderText("SELECT * FROM \"table\" WHERE pk = 'value'")
        self.statement.setMaximumHeight(110)
        self.run_button = QPushButton("Run statement")
        self.run_button.setObjectName("runPartiql")
        self.run_button.setToolTip("ExecuteStatement (Ctrl+Return)")
        self.run_button.clicked.connect(self.run)
        self.results = ResultsView(allow_all_export=False)
        self.results.load_more_requested.connect(self._more)
        self.results.export_requested.connect(lambda _: export_loaded(self.results, "partiql"))
        self.results.edit_requested.connect(self._view_row)
        self.results.model.fetcher = self._request
        self.results.model.discard = discard
        statement_row = QHBoxLayout()
        statement_row.addWidget(self.statement, 1)
        statement_row.addWidget(self.run_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.addLayout(statement_row)
        layout.addWidget(self.results, 1)

    def reset(self) -> None:
        self._generation += 1
        self.results.model.reset()

    def prefill(self, info: TableInfo) -> None:
        """Start the statement on ``info``'s table unless the operator wrote their own."""
        self._keys = info.key.names
        text = self.statement.toPlainText().strip()
        if not text or text == self._prefilled:
            # Only a starting point for the operator; table names are [A-Za-z0-9_.-].
            self._prefilled = 'SELECT * FROM "' + info.name + '"'  # noqa: S608
            self.statement.setPlainText(self._prefilled)

    def run(self) -> None:
        statement = self.statement.toPlainText().strip()
        if self._service() is None:
            return
        if not statement:
            self._error('Type a statement first, e.g. SELECT * FROM "table".')
            return
        self._generation += 1
        self._statement, self._token = statement, None
        model = self.results.model
        model.reset(self._keys)
        model.begin_fetch()
        self.results.stats.setStyleSheet("")
        self.results.stats.setText("Running…")
        self._request(first=True)

    def _request(self, first: bool = False) -> None:
        service = self._service()
        if service is None:
            self.results.model.failed_fetch(has_more=False)
            return
        generation = self._generation
        token = None if first else self._token
        self.results.more_button.setEnabled(False)

        def arrived(page: PartiqlPage) -> None:
            if generation != self._generation:
                return
            self._token = page.next_token
            model = self.results.model
            model.append_page(page.items, has_more=page.next_token is not None)
            capacity = (
                f", {page.consumed_capacity:g} RCU" if page.consumed_capacity is not None else ""
            )
            more = "NextToken: more to load" if page.next_token else "end of results"
            self.results.stats.setText(
                f"{len(page.items)} item(s) in this page{capacity} · "
                f"{model.rowCount():,} loaded · {more}"
            )
            self.results.more_button.setEnabled(page.next_token is not None)

        def failed(exc: BaseException) -> None:
            if generation != self._generation:
                return
            self.results.model.failed_fetch(has_more=False)
            if not isinstance(exc, ReauthenticationRequired):
                self._error(describe(exc))

        self._run(service.partiql, self._statement, (), token, on_result=arrived, on_error=failed)

    def _more(self) -> None:
        if self._token is not None:
            self.results.model.fetchMore()

    def _error(self, text: str) -> None:
        self.results.stats.setText(text)
        self.results.stats.setStyleSheet(ERROR_STYLE)

    def _view_row(self, row: int) -> None:
        self._actions.view_only(self.results.model.item(row), "PartiQL result")

    def view_selected(self) -> None:
        row = self.results.current_row()
        if row is not None:
            self._view_row(row)
