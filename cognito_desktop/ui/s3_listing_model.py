"""The S3 listing: a lazy, columnar Qt model of one folder's pages, its table view,
and the two ways to say where to look (breadcrumbs, places).

Rows are kept as parallel columns (names list, sizes/modified arrays, storage
class as a one-byte index), not one Python object per row, so 100,000 rows
cost about a hundred bytes each. Sorting and the substring filter work on
index arrays over those columns; the columns themselves never move.
"""

from __future__ import annotations

import functools
import gc
import itertools
import re
import time
from array import array
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QFont,
    QIcon,
    QKeyEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMenu,
    QSizePolicy,
    QStyle,
    QTableView,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from ..services.s3_models import ListingPage, Places, S3Location

Index = QModelIndex | QPersistentModelIndex
COL_NAME, COL_SIZE, COL_MODIFIED, COL_CLASS, COL_VERSION = range(5)
HEADERS = ("Name", "Size", "Modified", "Storage class", "Version")

_DISPLAY = Qt.ItemDataRole.DisplayRole
_DECORATION = Qt.ItemDataRole.DecorationRole
_TOOLTIP = Qt.ItemDataRole.ToolTipRole
_ALIGN = Qt.ItemDataRole.TextAlignmentRole
_FOREGROUND = Qt.ItemDataRole.ForegroundRole
_FONT = Qt.ItemDataRole.FontRole
_ROLES = frozenset((_DISPLAY, _DECORATION, _TOOLTIP, _ALIGN, _FOREGROUND, _FONT))
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LATEST, _MARKER = 1, 2  # bits of the per-version flags
_GREY = QColor("#8a8a8a")
FREEZE_FROM_ROWS = 1_000


def freeze_survivors() -> None:
    """Keep what lives now out of the cyclic collector's full collections.

    The rows themselves are strings and arrays (untracked), but botocore loads
    hundreds of thousands of tracked objects (service models, shapes), and a full
    collection walks them all holding the GIL: while pages of a big folder
    arrive, parsing them sets off such collections, and each stalled the UI
    thread for 100-200 ms. Frozen objects are still freed by reference
    counting; the young generations are collected first so that little cyclic
    garbage is frozen. (The DynamoDB results model does the same.)
    """
    gc.collect(1)
    gc.freeze()


def human_bytes(size: float) -> str:
    """1023 B, 1.2 KiB, 56.7 MiB … (binary units, as file managers show them)."""
    if size < 1024:
        return f"{int(size):,} B"
    value = float(size)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        value /= 1024
        if value < 1024 or unit == "PiB":
            return f"{value:,.1f} {unit}"
    return f"{size} B"  # pragma: no cover


def local_time(posix: float) -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(posix))


class _Icons:
    """The folder and file icons, made once the application exists."""

    folder: QIcon | None = None
    file: QIcon | None = None

    @classmethod
    def get(cls, folder: bool) -> QIcon:
        if cls.folder is None or cls.file is None:
            style = QApplication.style()
            cls.folder = style.standardIcon(QStyle.StandardPixmap.SP_DirIcon)
            cls.file = style.standardIcon(QStyle.StandardPixmap.SP_FileIcon)
        return cls.folder if folder else cls.file


class Entry:
    """One selected row, for actions: a folder (``name`` ends in '/') or an object."""

    __slots__ = ("deleted", "is_folder", "key", "name", "size", "version_id")

    def __init__(
        self, name: str, key: str, size: int, version_id: str = "", deleted: bool = False
    ) -> None:
        self.name, self.key, self.size, self.version_id = name, key, size, version_id
        self.is_folder = name.endswith("/")
        self.deleted = deleted  # a delete marker (versions view)

    def __repr__(self) -> str:
        return f"Entry({self.key!r}, {self.size}, {self.version_id!r})"


class ListingModel(QAbstractTableModel):
    """Folders first, then objects, of the pages loaded so far.

    The model does no I/O: ``fetchMore`` calls ``fetcher`` (the panel submits a
    worker job) and the panel hands the page to ``append_page``.

    Signals:
        page_appended(): a page was added (possibly empty).
    """

    page_appended = Signal()

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self.fetcher: Callable[[], None] | None = None
        self.location: S3Location | None = None
        self._versions = False
        self._clear()
        self._sort_column = -1  # -1: S3's own order (by name)
        self._sort_order = Qt.SortOrder.AscendingOrder
        self._filter = ""
        self._bold: QFont | None = None

    def _clear(self) -> None:
        self._folders: list[str] = []
        self._names: list[str] = []
        self._sizes = array("q")
        self._modified = array("d")
        self._classes = array("B")
        self._class_names: list[str] = []
        self._class_index: dict[str, int] = {}
        self._version_ids: list[str] = []
        self._flags = array("B")
        self._bytes = 0
        # Display order: indices into folders / objects, or None for "all, as loaded".
        self._fview: array[int] | None = None
        self._oview: array[int] | None = None
        self._has_more = False
        self._fetching = False

    # -- Qt API ------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        if parent.isValid():
            return 0
        return self._folder_rows() + self._object_rows()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else (5 if self._versions else 4)

    def _folder_rows(self) -> int:
        return len(self._folders) if self._fview is None else len(self._fview)

    def _object_rows(self) -> int:
        return len(self._names) if self._oview is None else len(self._oview)

    def data(self, index: Index, role: int = _DISPLAY) -> Any:
        if role not in _ROLES or not index.isValid():
            return None
        row, column = index.row(), index.column()
        nf = self._folder_rows()
        if row < nf:
            name = self._folders[row if self._fview is None else self._fview[row]]
            if column != COL_NAME:
                return None
            if role == _DISPLAY:
                return name
            if role == _DECORATION:
                return _Icons.get(True)
            if role == _TOOLTIP:
                return self._uri(name)
            return None
        i = row - nf
        if self._oview is not None:
            i = self._oview[i]
        if role == _DISPLAY:
            if column == COL_NAME:
                return self._names[i]
            if column == COL_SIZE:
                return "" if self._is_marker(i) else human_bytes(self._sizes[i])
            if column == COL_MODIFIED:
                return local_time(self._modified[i])
            if column == COL_CLASS:
                return "" if self._is_marker(i) else self._class_names[self._classes[i]]
            return self._version_text(i)
        if role == _ALIGN:
            return _RIGHT if column == COL_SIZE else None
        if role == _DECORATION:
            return _Icons.get(False) if column == COL_NAME else None
        if role == _TOOLTIP:
            if column == COL_SIZE:
                return f"{self._sizes[i]:,} bytes"
            if column == COL_NAME:
                return self._uri(self._names[i])
            return None
        if role == _FOREGROUND:
            return _GREY if self._versions and not self._flags[i] & _LATEST else None
        if role == _FONT and self._versions and self._flags[i] & _LATEST:
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold if column == COL_VERSION else None
        return None

    def _is_marker(self, i: int) -> bool:
        return self._versions and bool(self._flags[i] & _MARKER)

    def _version_text(self, i: int) -> str:
        flags = self._flags[i]
        text = self._version_ids[i]
        if flags & _MARKER:
            text += " (delete marker)"
        if flags & _LATEST:
            text += " (latest)"
        return text

    def _uri(self, name: str) -> str:
        return self.location.child(name).uri if self.location is not None else name

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < self.columnCount():
            return None
        if role == _DISPLAY:
            return HEADERS[section]
        if role == _ALIGN and section == COL_SIZE:
            return _RIGHT
        return None

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        # Not while filtering: a filter matching little would have the view read
        # page after page to fill itself. Load all (fetch_next) still reads on.
        return not parent.isValid() and not self._filter and self.can_fetch_next()

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if self.canFetchMore(parent):
            self.fetch_next()

    def can_fetch_next(self) -> bool:
        return self._has_more and not self._fetching and self.fetcher is not None

    def fetch_next(self) -> None:
        """Ask the panel for the next page (scrolling, Load all, Retry)."""
        if not self.can_fetch_next():
            return
        self._fetching = True
        assert self.fetcher is not None
        self.fetcher()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort the loaded rows (folders stay first); later pages are merged in."""
        if column == self._sort_column and order == self._sort_order:
            return
        self._sort_column, self._sort_order = column, order
        self._relayout()

    # -- the panel's API -----------------------------------------------------------

    @property
    def fetching(self) -> bool:
        return self._fetching

    @property
    def has_more(self) -> bool:
        return self._has_more

    @property
    def versions(self) -> bool:
        return self._versions

    def reset(self, location: S3Location | None = None, versions: bool = False) -> None:
        """Empty the model for a new folder; the sort and the filter stay."""
        self.beginResetModel()
        self.location = location
        self._versions = versions
        self._clear()
        # Empty index arrays when sorted or filtered, so new pages are merged in order.
        self._fview, self._oview = self._order()
        self.endResetModel()

    def begin_fetch(self) -> None:
        """The panel started a read itself (the first page): no fetchMore meanwhile."""
        self._fetching = True

    def failed_fetch(self, has_more: bool = True) -> None:
        self._fetching = False
        self._has_more = has_more

    def stop(self) -> None:
        """Nothing more to fetch for now (Load more re-arms it)."""
        self._has_more = False
        self._fetching = False

    def append_page(self, page: ListingPage, *, fetching: bool = False) -> None:
        """Add a page. ``fetching``: the panel has already asked for the next one."""
        new_folders, count = page.folders, len(page.names)
        if self._oview is None:  # S3's order, no filter: rows go at the ends of their blocks
            if new_folders:
                at = len(self._folders)
                self.beginInsertRows(QModelIndex(), at, at + len(new_folders) - 1)
                self._folders.extend(new_folders)
                self.endInsertRows()
            if count:
                at = self.rowCount()
                self.beginInsertRows(QModelIndex(), at, at + count - 1)
                self._append_objects(page, count)
                self.endInsertRows()
        else:
            assert self._fview is not None
            if new_folders:
                add = self._matching(new_folders, len(self._folders))
                self._folders.extend(new_folders)
                if add:
                    at = len(self._fview)
                    self.beginInsertRows(QModelIndex(), at, at + len(add) - 1)
                    self._fview.extend(add)
                    self.endInsertRows()
            if count:
                add = self._matching(page.names, len(self._names))
                self._append_objects(page, count)
                if add:
                    at = self.rowCount()
                    self.beginInsertRows(QModelIndex(), at, at + len(add) - 1)
                    self._oview.extend(add)
                    self.endInsertRows()
            if (new_folders or count) and not self._natural():
                self._relayout()  # merge the new rows into the sorted order
        self._has_more = page.next_token is not None
        self._fetching = fetching and self._has_more
        if len(self._names) + len(self._folders) >= FREEZE_FROM_ROWS:
            freeze_survivors()
        self.page_appended.emit()

    def _natural(self) -> bool:
        """Sorted as S3 sends names (ascending by name)."""
        return self._sort_column in (-1, COL_NAME) and (
            self._sort_order == Qt.SortOrder.AscendingOrder
        )

    def _append_objects(self, page: ListingPage, count: int) -> None:
        self._names.extend(page.names)
        self._sizes.extend(page.sizes)
        self._modified.extend(page.modified)
        self._bytes += sum(page.sizes)
        index = self._class_index
        classes = self._classes
        for name, group in itertools.groupby(page.storage_classes):
            at = index.get(name)
            if at is None:
                at = index[name] = len(self._class_names)
                self._class_names.append(name)
            classes.extend(itertools.repeat(at, len(list(group))))
        if self._versions:
            self._version_ids.extend(page.version_ids or [""] * count)
            latest = page.is_latest or [True] * count
            markers = page.delete_markers or [False] * count
            self._flags.extend(
                (_LATEST if a else 0) | (_MARKER if b else 0)
                for a, b in zip(latest, markers, strict=True)
            )

    def _matching(self, names: Sequence[str], offset: int) -> array[int]:
        """Indices (from ``offset``) of ``names`` that the filter keeps."""
        if not self._filter:
            return array("i", range(offset, offset + len(names)))
        search = self._pattern().search
        return array("i", itertools.compress(itertools.count(offset), map(search, names)))

    def _pattern(self) -> re.Pattern[str]:
        return re.compile(re.escape(self._filter), re.IGNORECASE)

    # -- filter and sort -----------------------------------------------------------

    @property
    def filter_text(self) -> str:
        return self._filter

    def set_filter(self, text: str) -> None:
        """Show only the loaded rows whose name contains ``text`` (any case)."""
        if text == self._filter:
            return
        self.beginResetModel()
        self._filter = text
        self._fview, self._oview = self._order()
        self.endResetModel()

    def _order(self) -> tuple[array[int] | None, array[int] | None]:
        """The display order of folders and objects for the current sort and filter."""
        column = self._sort_column
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        if self._natural() and not self._filter:
            return None, None
        # Folders sort by name whatever the column; S3 sends names in order already.
        folders: Sequence[int] = range(len(self._folders))
        objects: Sequence[int] = range(len(self._names))
        if column in (-1, COL_NAME):
            if descending:
                folders, objects = folders[::-1], objects[::-1]
        else:
            key: Callable[[int], Any]
            if column == COL_SIZE:
                key = self._sizes.__getitem__
            elif column == COL_MODIFIED:
                key = self._modified.__getitem__
            elif column == COL_CLASS:
                names, classes = self._class_names, self._classes
                key = lambda i: names[classes[i]]  # noqa: E731
            else:
                key = self._version_ids.__getitem__
            objects = sorted(objects, key=key, reverse=descending)
        if self._filter:
            search = self._pattern().search
            by_folder, by_name = self._folders.__getitem__, self._names.__getitem__
            folders = list(itertools.compress(folders, map(search, map(by_folder, folders))))
            objects = list(itertools.compress(objects, map(search, map(by_name, objects))))
        return array("i", folders), array("i", objects)

    def _relayout(self) -> None:
        """Re-sort in place, keeping the selection on the same entries."""
        persistent = self.persistentIndexList()
        entities = [self._entity(p.row()) for p in persistent]
        self.layoutAboutToBeChanged.emit()
        self._fview, self._oview = self._order()
        new = []
        for p, entity in zip(persistent, entities, strict=True):
            row = self._row_of(entity)
            new.append(self.index(row, p.column()) if row >= 0 else QModelIndex())
        self.changePersistentIndexList(persistent, new)
        self.layoutChanged.emit()

    def _entity(self, row: int) -> int:
        """A row's entry as one int: -1-i for folder i, i for object i."""
        nf = self._folder_rows()
        if row < 0:
            return -(1 << 40)
        if row < nf:
            return -1 - (row if self._fview is None else self._fview[row])
        i = row - nf
        return i if self._oview is None else self._oview[i]

    def _row_of(self, entity: int) -> int:
        if entity <= -(1 << 40):
            return -1
        if entity < 0:
            i = -1 - entity
            if self._fview is None:
                return i
            return self._fview.index(i) if i in self._fview else -1
        nf = self._folder_rows()
        if self._oview is None:
            return nf + entity
        return nf + self._oview.index(entity) if entity in self._oview else -1

    # -- reading rows -----------------------------------------------------------------

    def entry(self, row: int) -> Entry:
        entity = self._entity(row)
        if entity < 0:
            name = self._folders[-1 - entity]
            return Entry(name, self._key(name), 0)
        name = self._names[entity]
        version = self._version_ids[entity] if self._versions else ""
        size = self._sizes[entity]
        return Entry(name, self._key(name), size, version, self._is_marker(entity))

    def _key(self, name: str) -> str:
        return (self.location.prefix if self.location is not None else "") + name

    def row_of_name(self, name: str) -> int:
        """The row showing ``name`` (a folder ends in '/'), or -1."""
        if name.endswith("/"):
            if name in self._folders:
                return self._row_of(-1 - self._folders.index(name))
            return -1
        if name in self._names:
            return self._row_of(self._names.index(name))
        return -1

    def is_folder(self, row: int) -> bool:
        return self._entity(row) < 0

    def counts(self) -> tuple[int, int, int]:
        """(objects, folders, bytes) loaded, whatever the filter shows."""
        return len(self._names), len(self._folders), self._bytes

    def shown(self) -> tuple[int, int]:
        return self._object_rows(), self._folder_rows()

    def status_text(self) -> str:
        objects, folders, size = self.counts()
        text = (
            f"{objects:,} object{'s' if objects != 1 else ''}, "
            f"{folders:,} folder{'s' if folders != 1 else ''}, {human_bytes(size)} loaded"
        )
        if self._filter:
            shown_objects, shown_folders = self.shown()
            text += f" · showing {shown_objects + shown_folders:,} matching '{self._filter}'"
        if self._has_more:
            text += " · more available"
        return text

    def memory_bytes(self) -> int:
        """What the loaded rows take, deep (for the benchmark and the log)."""
        import sys

        total = sum(map(sys.getsizeof, self._names)) + sum(map(sys.getsizeof, self._folders))
        total += sys.getsizeof(self._names) + sys.getsizeof(self._folders)
        for column in (self._sizes, self._modified, self._classes, self._flags):
            total += sys.getsizeof(column)
        total += sum(map(sys.getsizeof, self._version_ids)) + sys.getsizeof(self._version_ids)
        for view in (self._fview, self._oview):
            total += sys.getsizeof(view) if view is not None else 0
        return total


class ListingView(QTableView):
    """The listing table; local files dropped on it are offered for upload.

    Signals:
        files_dropped(list): local paths (``pathlib.Path``) dropped on the list.
        up_requested(): Backspace pressed on the list (the folder above).
    """

    files_dropped = Signal(list)
    up_requested = Signal()

    def __init__(self, model: ListingModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.setObjectName("s3Listing")
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setWordWrap(False)
        self.setShowGrid(False)
        self.setAlternatingRowColors(True)
        self.setAcceptDrops(True)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DropOnly)
        vertical = self.verticalHeader()
        vertical.hide()
        vertical.setDefaultSectionSize(22)
        vertical.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # The name takes what the other columns leave: no sideways scrolling.
        header.setSectionResizeMode(COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.setSortingEnabled(True)
        self.setColumnWidth(COL_SIZE, 80)
        self.setColumnWidth(COL_MODIFIED, 140)
        self.setColumnWidth(COL_CLASS, 100)
        self.setColumnWidth(COL_VERSION, 260)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Backspace and not event.modifiers():
            self.up_requested.emit()
            return
        super().keyPressEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasUrls() and all(u.isLocalFile() for u in event.mimeData().urls()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()
        else:
            event.ignore()

    def dropEvent(self, event: QDropEvent) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.files_dropped.emit(paths)
        else:
            event.ignore()


class Breadcrumbs(QWidget):
    """The open folder as clickable crumbs; deep paths hide their middle behind '…'.

    Signals:
        chosen(object): the S3Location of the crumb clicked.
    """

    chosen = Signal(object)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("s3Crumbs")
        # Deep folders elide their middle crumbs rather than widen the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(0)
        self.buttons: list[QToolButton] = []

    def show_location(self, location: S3Location | None, keep_last: int = 4) -> None:
        while self._layout.count():
            taken = self._layout.takeAt(0)
            if taken is not None and taken.widget() is not None:
                taken.widget().deleteLater()
        self.buttons = []
        if location is None:
            return
        crumbs = location.crumbs()
        hidden = crumbs[1:-keep_last] if len(crumbs) > keep_last + 2 else []
        if hidden:
            crumbs = [crumbs[0], ("…", hidden[-1][1]), *crumbs[-keep_last:]]
        for i, (label, at) in enumerate(crumbs):
            button = QToolButton(text=label + ("/" if i and label != "…" else ""), autoRaise=True)
            button.setToolTip(at.uri)
            if label == "…":
                menu = QMenu(button)
                for hidden_label, hidden_at in hidden:
                    go = functools.partial(self.chosen.emit, hidden_at)
                    menu.addAction(hidden_label + "/", go)
                button.setMenu(menu)
                button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
            else:
                button.clicked.connect(functools.partial(self.chosen.emit, at))
                self.buttons.append(button)
            self._layout.addWidget(button)
            if i < len(crumbs) - 1:
                self._layout.addWidget(QLabel("›"))
        self._layout.addStretch(1)


class PlacesTree(QTreeWidget):
    """Where to start: the profile's locations, My files, and the buckets S3 lists.

    Signals:
        chosen(object): the S3Location of the place clicked or activated.
    """

    chosen = Signal(object)
    _GROUPS = (("profile", "Locations"), ("mine", "My files"), ("bucket", "Buckets"))
    _ICONS: ClassVar[dict[str, QStyle.StandardPixmap]] = {
        "bucket": QStyle.StandardPixmap.SP_DriveNetIcon,
        "profile": QStyle.StandardPixmap.SP_DirLinkIcon,
        "mine": QStyle.StandardPixmap.SP_DirHomeIcon,
    }

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("s3Places")
        self.setHeaderHidden(True)
        # "My private files (bucket)": both ends tell places apart.
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.itemActivated.connect(self._chosen)
        self.itemClicked.connect(self._chosen)

    def show_places(self, places: Places) -> None:
        self.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        for kind, title in self._GROUPS:
            if any(p.kind == kind for p in places.places):
                group = groups[kind] = QTreeWidgetItem(self, [title])
                group.setFlags(Qt.ItemFlag.ItemIsEnabled)
                group.setExpanded(True)
        for place in places.places:
            item = QTreeWidgetItem(groups[place.kind], [place.label])
            item.setIcon(0, self.style().standardIcon(self._ICONS[place.kind]))
            item.setToolTip(0, f"{place.label}\n{place.location.uri}")
            item.setData(0, Qt.ItemDataRole.UserRole, place.location)

    def locations(self) -> list[tuple[str, S3Location]]:
        """(label, location) of every place shown."""
        found = []
        for i in range(self.topLevelItemCount()):
            group = self.topLevelItem(i)
            for j in range(group.childCount()):
                child = group.child(j)
                found.append((child.text(0), child.data(0, Qt.ItemDataRole.UserRole)))
        return found

    def _chosen(self, item: QTreeWidgetItem, _column: int = 0) -> None:
        location = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(location, S3Location):
            self.chosen.emit(location)
