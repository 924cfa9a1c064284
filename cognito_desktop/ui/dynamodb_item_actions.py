"""The DynamoDB panel's writes: the item editor, confirmations, conflicts and deletes.

Each write is conditional on the item as it was loaded; when someone changed it
meanwhile the operator sees both versions and chooses. Dialogs are non-modal
(``open``/``show``) so nothing blocks; writes go through the panel's worker.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import QWidget

from ..services.dynamodb_models import Item, TableInfo, WriteConflict
from .dynamodb_item_dialog import ChangeDialog, ConflictDialog, ItemDialog
from .dynamodb_results_model import ResultsModel, render_cell
from .messages import describe

if TYPE_CHECKING:
    from ..services.dynamodb import DynamoService

Run = Callable[..., None]


class ItemActions(QObject):
    """Opens items for viewing and editing, and writes them back without lost updates.

    Args:
        run: the panel's job runner (``run(fn, *args, on_result=, on_error=)``).
        service: the current DynamoService, or None when signed out.
        model: the results model whose rows follow the writes.
        read_table: the table the results were read from.
        note: shows a sentence in the panel (``note(text, error)``).
        parent: the panel, parent of the dialogs.
    """

    def __init__(
        self,
        run: Run,
        service: Callable[[], DynamoService | None],
        model: ResultsModel,
        read_table: Callable[[], str],
        note: Callable[..., None],
        parent: QWidget,
    ) -> None:
        super().__init__(parent)
        self._run = run
        self._service = service
        self.model = model
        self._read_table = read_table
        self._note = note
        self._parent = parent
        self.item_dialog: ItemDialog | None = None
        self.change_dialog: ChangeDialog | None = None
        self.conflict_dialog: ConflictDialog | None = None

    def close_all(self) -> None:
        for dialog in (self.conflict_dialog, self.change_dialog, self.item_dialog):
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.close()

    def view_only(self, item: Item, title: str) -> None:
        dialog = ItemDialog(item, (), read_only=True, title=title, parent=self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.item_dialog = dialog
        dialog.show()

    def open_editor(self, item: Item | None, info: TableInfo, replaces: Item | None = None) -> None:
        if self.item_dialog is not None and shiboken6.isValid(self.item_dialog):
            self.item_dialog.close()
        dialog = ItemDialog(item, info.key.names, title=_title(item, info), parent=self._parent)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        row_item = replaces if replaces is not None else item
        # The row this dialog edits, by identity: rows move when a new read starts.
        state = {"row_item": row_item, "table": info.name}
        dialog.save_requested.connect(lambda new: self._confirm_save(dialog, info, new, state))
        dialog.delete_requested.connect(lambda: self.confirm_delete(dialog, info, state))
        self.item_dialog = dialog
        dialog.show()

    def _row_of(self, row_item: Item | None) -> int | None:
        if row_item is None:
            return None
        for row, item in enumerate(self.model.items()):
            if item is row_item:
                return row
        return None

    def _confirm_save(
        self, dialog: ItemDialog, info: TableInfo, new: Item, state: dict[str, Any]
    ) -> None:
        original = dialog.original
        if original is None:
            title, confirm = "Create item", "Create"
            message = "Create this item? It is written only if no item with this key exists yet."
        else:
            title, confirm = "Save changes", "Save"
            message = (
                "These attributes change. The item is written only if it is still as you "
                "loaded it; if someone changed it meanwhile you will see both versions."
            )
        confirmation = ChangeDialog(title, message, original, new, confirm, parent=dialog)
        confirmation.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        confirmation.accepted.connect(lambda: self._write(dialog, info, original, new, state))
        self.change_dialog = confirmation
        confirmation.open()

    def _write(
        self,
        dialog: ItemDialog,
        info: TableInfo,
        original: Item | None,
        new: Item,
        state: dict[str, Any],
    ) -> None:
        service = self._service()
        if service is None:
            return
        dialog.set_busy(True, "Writing…")

        def write() -> WriteConflict | Item:
            from ..services.dynamodb_requests import bumped_version, key_of

            if original is None:
                service.put_new(info, new)
            else:
                conflict = service.replace(info, original, new)
                if conflict is not None:
                    return conflict
            # What the table holds now is what the next edit starts from.
            stored = service.get_item(info, key_of(new, info.key))
            if stored is None:
                return bumped_version(original, new) if original is not None else new
            return stored

        def done(value: WriteConflict | Item) -> None:
            if not shiboken6.isValid(dialog):
                return
            if isinstance(value, WriteConflict):
                self._show_conflict(dialog, info, value, state)
                return
            self._row_replaced(state, value)
            dialog.set_busy(False)
            dialog.close()
            self._note(f"Saved the item {_key_label(value, info)}.")

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(dialog):
                dialog.set_busy(False)
                dialog.show_message(f"{describe(exc)} Nothing was written.", error=True)

        self._run(write, on_result=done, on_error=failed)

    def _row_replaced(self, state: dict[str, Any], item: Item | None) -> None:
        model = self.model
        row = self._row_of(state.get("row_item"))
        if item is None:
            if row is not None:
                model.remove_item(row)
            state["row_item"] = None
            return
        if row is not None:
            model.replace_item(row, item)
        elif self._read_table() == state.get("table"):
            model.add_item(item)
        state["row_item"] = item

    def _show_conflict(
        self, dialog: ItemDialog, info: TableInfo, conflict: WriteConflict, state: dict[str, Any]
    ) -> None:
        from ..services.dynamodb_codec import to_plain_json

        chooser = ConflictDialog(conflict.attempted, conflict.current, to_plain_json, parent=dialog)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.conflict_dialog = chooser

        def chosen(choice: str) -> None:
            if not shiboken6.isValid(dialog):
                return
            if choice == "theirs":
                self._row_replaced(state, conflict.current)
                if conflict.current is None:
                    dialog.close()
                    self._note("The item was deleted by someone else; it left the results.")
                    return
                dialog.saved(conflict.current)
                dialog.show_message("Reloaded: this is the item as it is in the table now.")
            elif choice == "mine" and conflict.attempted is not None:
                # Theirs becomes the version mine is conditional on.
                dialog.original = conflict.current
                mine = _rebased(conflict.attempted, conflict.original, conflict.current)
                self._write(dialog, info, conflict.current, mine, state)
            else:
                dialog.set_busy(False)
                dialog.show_message("Nothing was written. Your text is as you left it.")

        chooser.chosen.connect(chosen)
        dialog.set_busy(False, "Someone changed the item meanwhile: choose a version.")
        chooser.open()

    def confirm_delete(
        self,
        dialog: ItemDialog | None,
        info: TableInfo,
        state: dict[str, Any],
        item: Item | None = None,
    ) -> None:
        original = dialog.original if dialog is not None else item
        if original is None:
            return
        confirmation = ChangeDialog(
            "Delete item",
            f"Delete the item {_key_label(original, info)}? It is deleted only if it is "
            "still as you loaded it.",
            original,
            None,
            "Delete",
            key_names=info.key.names,
            parent=dialog or self._parent,
        )
        confirmation.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        confirmation.accepted.connect(lambda: self._delete(dialog, info, original, state))
        self.change_dialog = confirmation
        confirmation.open()

    def _delete(
        self, dialog: ItemDialog | None, info: TableInfo, original: Item, state: dict[str, Any]
    ) -> None:
        service = self._service()
        if service is None:
            return
        if dialog is not None:
            dialog.set_busy(True, "Deleting…")

        def done(conflict: WriteConflict | None) -> None:
            if conflict is None:
                self._row_replaced(state, None)
                if dialog is not None and shiboken6.isValid(dialog):
                    dialog.close()
                self._note(f"Deleted the item {_key_label(original, info)}.")
                return
            from ..services.dynamodb_codec import to_plain_json

            chooser = ConflictDialog(
                None, conflict.current, to_plain_json, deleting=True, parent=self
            )
            chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
            self.conflict_dialog = chooser

            def chosen(choice: str) -> None:
                if choice == "theirs":
                    self._row_replaced(state, conflict.current)
                    if dialog is not None and shiboken6.isValid(dialog):
                        if conflict.current is None:
                            dialog.close()
                        else:
                            dialog.saved(conflict.current)
                elif choice == "mine" and conflict.current is not None:
                    self._delete(dialog, info, conflict.current, state)
                elif dialog is not None and shiboken6.isValid(dialog):
                    dialog.set_busy(False, "Nothing was deleted.")

            chooser.chosen.connect(chosen)
            chooser.open()

        def failed(exc: BaseException) -> None:
            text = f"{describe(exc)} Nothing was deleted."
            if dialog is not None and shiboken6.isValid(dialog):
                dialog.set_busy(False)
                dialog.show_message(text, error=True)
            else:
                self._note(text, error=True)

        self._run(service.delete, info, original, on_result=done, on_error=failed)


def _rebased(mine: Item, loaded: Item | None, theirs: Item | None) -> Item:
    """Mine, over theirs: a version attribute the operator left alone continues from
    theirs (the write then bumps it past theirs), so other writers see the change."""
    from ..services.dynamodb_requests import VERSION_ATTRIBUTE as version

    if (
        theirs is not None
        and loaded is not None
        and version in theirs
        and version in mine
        and mine[version] == loaded.get(version)
    ):
        return {**mine, version: theirs[version]}
    return mine


def _key_label(item: Item, info: TableInfo) -> str:

    return ", ".join(f"{k}={render_cell(item[k])}" for k in info.key.names if k in item)


def _title(item: Item | None, info: TableInfo) -> str:
    if item is None:
        return f"New item in {info.name}"
    return f"{info.name}: {_key_label(item, info)}"
