"""The DynamoDB results table: a lazy Qt model over items, one column per attribute seen.

Items are stored once, as the service layer gives them (full type fidelity);
cells are rendered on demand, so 50,000 rows cost little more than the items.
"""

from __future__ import annotations

import gc
import json
import time
from collections.abc import Callable, Iterable, Sequence
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont

from ..services.dynamodb_models import Item

Index = QModelIndex | QPersistentModelIndex
CELL_LIMIT = 200  # characters shown in a cell; the item viewer shows everything
# From this many rows on, loaded items are kept out of the cyclic garbage collector.
FREEZE_FROM_ROWS = 1_000
_NULL_COLOUR = QColor("#9a9a9a")

_DISPLAY = Qt.ItemDataRole.DisplayRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_ROLES = frozenset((_DISPLAY, Qt.ItemDataRole.ToolTipRole, _FOREGROUND))


def number_text(value: Decimal) -> str:
    """A DynamoDB number exactly as stored; plain digits unless that gets long."""
    text = str(value)
    if "E" in text:
        plain = format(value, "f")
        if len(plain) <= 40:
            return plain
    return text


def render_cell(value: Any) -> str:
    """The compact rendering of one attribute value in a cell."""
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return number_text(value)
    if isinstance(value, int | float):
        return str(value)
    if isinstance(value, bytes | bytearray):
        return f"<{len(value)} bytes>"
    if isinstance(value, set | frozenset):
        inner = ", ".join(sorted(render_cell(v) for v in value))
        return "{" + inner + "}"
    return _compact(value)


def _compact(value: Any) -> str:
    """Maps and lists as compact JSON; nested binary and sets as in a cell."""
    if isinstance(value, dict):
        inner = ",".join(
            json.dumps(str(k), ensure_ascii=False) + ":" + _compact(v) for k, v in value.items()
        )
        return "{" + inner + "}"
    if isinstance(value, list | tuple):
        return "[" + ",".join(_compact(v) for v in value) + "]"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    return render_cell(value)


def _freeze_loaded() -> None:
    """Move the loaded items (and every other live object) out of the collector's sight.

    Items are dicts, lists and sets, so the cyclic collector tracks them, and each
    full collection walks every one while holding the GIL: with tens of thousands
    of items loaded that walk stalled the UI thread for over 100 ms. Items never
    form cycles, and frozen objects are still freed by reference counting when
    the model drops them, so nothing is lost by not walking them. gc.freeze() is
    O(1); the young generations are collected first, so little cyclic garbage is
    frozen with them.
    """
    gc.collect(1)
    gc.freeze()


def drop_slowly(items: list[Item], chunk: int = 250, pause: float = 0.002) -> None:
    """Free ``items`` a chunk at a time (on a worker thread), pausing in between, so
    that the UI thread gets the GIL and a CPU while tens of thousands of items go."""
    while items:
        del items[-chunk:]
        time.sleep(pause)


class ResultsModel(QAbstractTableModel):
    """Rows are items, columns the union of attributes seen (keys first, then first-seen).

    The model never does I/O: when the view wants more rows, ``fetchMore`` calls
    ``fetcher`` (the panel submits a worker job) and the panel hands the page to
    ``append_page``. ``failed_fetch`` re-arms fetching after an error.

    Signals:
        page_appended(): a page was added (possibly empty); fetching may go on.
    """

    page_appended = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._items: list[Item] = []
        self._columns: list[str] = []
        self._known: set[str] = set()
        self._keys: tuple[str, ...] = ()
        self._has_more = False
        self._fetching = False
        self.fetcher: Callable[[], None] | None = None
        self._key_font: QFont | None = None
        # Where dropped items go: the panel hands them to a worker, because freeing
        # tens of thousands of items takes the UI thread hundreds of milliseconds.
        self.discard: Callable[[list[Item]], None] | None = None

    # -- Qt API ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        # Called for every role of every visible cell: the cheap refusal comes first.
        if role not in _ROLES or not index.isValid():
            return None
        item = self._items[index.row()]
        name = self._columns[index.column()]
        if role == _FOREGROUND:
            return _NULL_COLOUR if item.get(name, 0) is None else None
        if name not in item:
            return "" if role == _DISPLAY else f"{name}: (not present in this item)"
        text = render_cell(item[name])
        limit = CELL_LIMIT if role == _DISPLAY else 2000
        return text if len(text) <= limit else text[:limit] + "…"

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return str(section + 1) if role == _DISPLAY else None
        if not 0 <= section < len(self._columns):
            return None
        name = self._columns[section]
        if role == _DISPLAY:
            return name
        if role == Qt.ItemDataRole.FontRole and name in self._keys:
            if self._key_font is None:  # built late: a QFont needs the application
                self._key_font = QFont()
                self._key_font.setBold(True)
                self._key_font.setUnderline(True)
            return self._key_font
        if role == Qt.ItemDataRole.ToolTipRole and name in self._keys:
            return f"{name}: part of the key"
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return (
            not parent.isValid()
            and self._has_more
            and not self._fetching
            and self.fetcher is not None
        )

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if not self.canFetchMore(parent):
            return
        self._fetching = True
        assert self.fetcher is not None
        self.fetcher()

    # -- the panel's API -----------------------------------------------------------

    @property
    def fetching(self) -> bool:
        return self._fetching

    @property
    def has_more(self) -> bool:
        return self._has_more

    def reset(self, key_names: Sequence[str] = (), has_more: bool = False) -> None:
        """Empty the model; ``key_names`` become the first columns as soon as seen."""
        self.beginResetModel()
        old, self._items = self._items, []
        self._keys = tuple(key_names)
        self._columns = []
        self._known = set()
        self._has_more = has_more
        self._fetching = False
        self.endResetModel()
        if self.discard is not None and len(old) > 1_000:
            self.discard(old)

    def begin_fetch(self) -> None:
        """The panel started a read itself (the first page): no fetchMore meanwhile."""
        self._fetching = True

    def append_page(self, items: Sequence[Item], has_more: bool) -> None:
        """Add a page of items at the end; new attributes become new columns."""
        self._add_columns(items)
        if items:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
            self._items.extend(items)
            self.endInsertRows()
        self._has_more = has_more
        self._fetching = False
        if len(self._items) >= FREEZE_FROM_ROWS:
            _freeze_loaded()
        self.page_appended.emit()

    def failed_fetch(self, has_more: bool = True) -> None:
        self._fetching = False
        self._has_more = has_more

    def stop(self) -> None:
        """No more fetching (the operator pressed Stop and wants no further reads)."""
        self._has_more = False
        self._fetching = False

    def _add_columns(self, items: Iterable[Item]) -> None:
        known = self._known
        fresh: list[str] = []
        for item in items:
            if len(item) <= len(known) and known.issuperset(item):
                continue
            for name in item:
                if name not in known:
                    known.add(name)
                    fresh.append(name)
        if not fresh:
            return
        for key in self._keys:
            if key in fresh:
                # Key columns go first even when seen late (a KEYS_ONLY page after others).
                at = sum(1 for k in self._keys[: self._keys.index(key)] if k in self._columns)
                self.beginInsertColumns(QModelIndex(), at, at)
                self._columns.insert(at, key)
                self.endInsertColumns()
        others = [n for n in fresh if n not in self._keys]
        if others:
            first = len(self._columns)
            self.beginInsertColumns(QModelIndex(), first, first + len(others) - 1)
            self._columns.extend(others)
            self.endInsertColumns()

    def item(self, row: int) -> Item:
        return self._items[row]

    def items(self) -> list[Item]:
        return self._items

    def columns(self) -> list[str]:
        return list(self._columns)

    def replace_item(self, row: int, item: Item) -> None:
        self._add_columns([item])
        self._items[row] = item
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self._columns) - 1))

    def remove_item(self, row: int) -> None:
        self.beginRemoveRows(QModelIndex(), row, row)
        del self._items[row]
        self.endRemoveRows()

    def add_item(self, item: Item) -> int:
        self.append_page([item], self._has_more)
        return len(self._items) - 1
