"""What the S3 panel does to objects: download, upload, new folder, delete, copy URI, share
link; and the panel's commands (toolbar, menu, shortcuts).

Each action plans in a worker, asks the operator when something would be
overwritten or deleted, then runs in a worker with progress and Cancel.
Progress comes from worker threads through a queued signal.
"""

from __future__ import annotations

import contextlib
import functools
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QStyle, QToolBar, QToolButton

from ..services.s3_models import (
    DeletePlan,
    DeleteResult,
    S3Location,
    TransferCancelled,
    TransferPlan,
    TransferResult,
)
from .messages import describe
from .s3_dialogs import PresignDialog
from .s3_listing_model import Entry, human_bytes

if TYPE_CHECKING:
    from ..services.s3_transfers import Transfers
    from .s3_panel import S3Panel

BUSY = "A transfer is running: wait for it to finish or cancel it (Esc)."


class _Relay(QObject):
    """Carries progress from a worker thread to the UI thread (a queued signal)."""

    progress = Signal(object)


def plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def transfer_sentence(
    plan: TransferPlan, result: TransferResult, where: str, skipped: int = 0
) -> str:
    """What a finished batch did; ``skipped``: items left out after the question."""
    verb = "Downloaded" if plan.direction == "download" else "Uploaded"
    preposition = "to" if plan.direction == "download" else "into"
    if result.cancelled:
        text = (
            f"{'Download' if plan.direction == 'download' else 'Upload'} cancelled: "
            f"{result.done:,} of {plural(len(plan.items), 'file')} had finished; "
            "nothing partial was left."
        )
    else:
        text = (
            f"{verb} {plural(result.done, 'file')} ({human_bytes(result.transferred)}) "
            f"{preposition} {where} in {result.seconds:.1f} s."
        )
    if result.skipped + skipped:
        text += f" {result.skipped + skipped:,} skipped (already there)."
    if result.failed:
        shown = "; ".join(f"{name}: {why}" for name, why in result.failed[:3])
        more = f" …and {len(result.failed) - 3:,} more" if len(result.failed) > 3 else ""
        text += f" {plural(len(result.failed), 'file')} failed: {shown}{more}"
    return text


class S3Actions:
    """The panel's actions on the selection; one batch (transfer or delete) at a time."""

    def __init__(self, panel: S3Panel) -> None:
        self.panel = panel
        self.view = panel.transfers_view
        self._transfers: Transfers | None = None
        self._cancel: threading.Event | None = None
        self.presign_dialog: PresignDialog | None = None
        self.last_result: TransferResult | DeleteResult | None = None
        self._relays: list[_Relay] = []

    @property
    def busy(self) -> bool:
        return self._cancel is not None

    def reset(self) -> None:
        """The session changed: stop what runs and forget the old session's objects."""
        if self.cancel():
            # Its answer will be dropped (it belongs to the old session).
            self.view.finish("Stopped: the session changed. Nothing partial was left.")
        self._cancel = None
        self._transfers = None
        if self.presign_dialog is not None:
            self.presign_dialog.close()
            self.presign_dialog = None

    def cancel(self) -> bool:
        """Cancel the running batch (Cancel, Esc); False when nothing runs."""
        if self._cancel is None or self._cancel.is_set():
            return False
        self._cancel.set()
        self.view.cancelling()
        return True

    def _begin(self, title: str) -> threading.Event | None:
        if self.panel.service is None or self.panel.location is None:
            return None
        if self.busy:
            self.panel.show_note(BUSY, error=True)
            return None
        self._cancel = threading.Event()
        self.view.start(title)
        return self._cancel

    def _end(self, sentence: str, error: bool = False) -> None:
        self._cancel = None
        while self._relays:  # after the progress they carried: that was queued first
            self._relays.pop().deleteLater()
        self.view.finish(sentence, error)
        self.panel.show_note(sentence, error=error)

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, TransferCancelled):
            self._end(exc.message)
        else:
            self._end(describe(exc), error=True)

    def _relay(self, slot: Callable[[Any], None]) -> Callable[[Any], None]:
        """A callable for worker threads that calls ``slot`` on the UI thread."""
        relay = _Relay(self.view)
        relay.progress.connect(slot)
        self._relays.append(relay)

        def emit(value: Any) -> None:
            with contextlib.suppress(RuntimeError):  # the panel was closed meanwhile
                relay.progress.emit(value)

        return emit

    def _transfers_for(self) -> Callable[[], Transfers]:
        """Makes (in the worker) or reuses the session's Transfers."""
        existing, session = self._transfers, self.panel.session

        def make() -> Transfers:
            if existing is not None:
                return existing
            from ..services.s3_transfers import Transfers

            assert session is not None
            return Transfers(session)

        return make

    # -- download -----------------------------------------------------------------

    def download_selected(self) -> None:
        entries = self.panel.selected_entries()
        if not entries:
            self.panel.show_note("Select the files or folders to download.")
            return
        target = self.panel.dialogs.choose_directory("Download to folder")
        if target is not None:
            self.download_to(target, entries)

    def download_to(self, target: Path, entries: list[Entry]) -> None:
        location = self.panel.location
        cancel = self._begin(f"Planning the download of {plural(len(entries), 'item')}…")
        if cancel is None or location is None:
            return
        keys = [e.key for e in entries if not e.is_folder]
        prefixes = [e.key for e in entries if e.is_folder]
        make = self._transfers_for()

        def plan() -> tuple[Transfers, TransferPlan]:
            transfers = make()
            return transfers, transfers.plan_download(
                location.bucket, keys, prefixes, location.prefix, target, cancel=cancel
            )

        self.panel.run(
            plan,
            on_result=lambda value: self._planned(value, str(target), location),
            on_error=self._failed,
            long=True,
        )

    def _planned(self, value: tuple[Transfers, TransferPlan], where: str, at: S3Location) -> None:
        self._transfers, plan = value
        if self._cancel is None or self._cancel.is_set():
            self._end("Cancelled: nothing was transferred.")
            return
        overwrite, skipped = False, 0
        if plan.conflicts:
            n = len(plan.conflicts)
            if plan.direction == "download":
                answer = self.panel.dialogs.ask_conflict(
                    "Files exist",
                    f"{plural(n, 'file')} exist{'s' if n == 1 else ''} in {where}.",
                    "Overwrite",
                    "Skip existing",
                )
            else:
                answer = self.panel.dialogs.ask_conflict(
                    "Objects exist",
                    f"{plural(n, 'object')} exist{'s' if n == 1 else ''} in {where}.",
                    "Replace",
                    "Skip",
                )
            if answer is None:
                self._end("Cancelled: nothing was transferred.")
                return
            overwrite = answer == "overwrite"
            skipped = n if answer == "skip" else 0
            plan = plan.resolved(answer)
            if not plan.items:
                self._end(f"Nothing transferred: {plural(skipped, 'file')} already there, skipped.")
                return
        verb = "Downloading" if plan.direction == "download" else "Uploading"
        self.view.start(
            f"{verb} {plural(len(plan.items), 'file')} ({human_bytes(plan.total_bytes)}) "
            f"{'to' if plan.direction == 'download' else 'into'} {where}",
            plan,
        )
        assert self._transfers is not None
        run = functools.partial(
            self._transfers.run,
            plan,
            overwrite=overwrite,
            on_progress=self._relay(self.view.show_progress),
            cancel=self._cancel,
        )

        def done(result: TransferResult) -> None:
            self.last_result = result
            failed = bool(result.failed) and not result.done
            self._end(transfer_sentence(plan, result, where, skipped), error=failed)
            if plan.direction == "upload" and self.panel.location == at:
                self.panel.refresh()

        self.panel.run(run, on_result=done, on_error=self._failed, long=True)

    # -- upload -------------------------------------------------------------------

    def upload_files(self) -> None:
        paths = self.panel.dialogs.choose_files()
        if paths:
            self.upload_paths(paths)

    def upload_folder(self) -> None:
        folder = self.panel.dialogs.choose_upload_folder()
        if folder is not None:
            self.upload_paths([folder])

    def upload_paths(self, paths: list[Path]) -> None:
        """Upload local files and folders into the open folder (dialogs and drops end here)."""
        location = self.panel.location
        cancel = self._begin(f"Planning the upload of {plural(len(paths), 'item')}…")
        if cancel is None or location is None:
            return
        make = self._transfers_for()

        def plan() -> tuple[Transfers, TransferPlan]:
            transfers = make()
            return transfers, transfers.plan_upload(list(paths), location, cancel=cancel)

        self.panel.run(
            plan,
            on_result=lambda value: self._planned(value, location.uri, location),
            on_error=self._failed,
            long=True,
        )

    # -- delete -------------------------------------------------------------------

    def delete_selected(self) -> None:
        entries = self.panel.selected_entries()
        if not entries:
            self.panel.show_note("Select the files or folders to delete.")
            return
        self.delete_entries(entries)

    def delete_entries(self, entries: list[Entry]) -> None:
        service, location = self.panel.service, self.panel.location
        cancel = self._begin("Counting…")
        if cancel is None or service is None or location is None:
            return
        versioned = [(e.key, e.version_id) for e in entries if e.version_id and not e.is_folder]
        keys = [e.key for e in entries if not e.is_folder and not e.version_id]
        prefixes = [e.key for e in entries if e.is_folder]
        where = location.child(entries[0].name).uri if len(entries) == 1 else location.uri
        counted = self._relay(lambda n: self.view.speed.setText(f"Counting… {n:,} so far"))
        plan = functools.partial(
            service.plan_delete,
            location.bucket,
            keys,
            prefixes,
            versioned,
            cancel=cancel,
            on_count=counted,
        )
        self.panel.run(
            plan,
            on_result=lambda p: self._confirm_delete(p, where, location),
            on_error=self._failed,
            long=True,
        )

    def _confirm_delete(self, plan: DeletePlan, where: str, at: S3Location) -> None:
        service = self.panel.service
        if self._cancel is None or self._cancel.is_set() or service is None:
            self._end("Cancelled: nothing was deleted.")
            return
        if plan.count == 0:
            self._end(f"Nothing to delete under {where}.")
            return
        what = plural(plan.count, "object version" if plan.versions else "object")
        if not self.panel.dialogs.confirm_delete(
            f"Delete {what} under {where}? This cannot be undone."
        ):
            self._end("Nothing was deleted.")
            return
        self.view.start(f"Deleting {what} under {where}")
        self.view.count(0, plan.count, "deleted")
        progress = self._relay(lambda n: self.view.count(n, plan.count, "deleted"))
        delete = functools.partial(service.delete, plan, cancel=self._cancel, on_progress=progress)

        def done(result: DeleteResult) -> None:
            self.last_result = result
            text = f"Deleted {plural(result.deleted, 'object')} under {where}."
            if result.deleted < plan.count and not result.failed:
                text = f"Stopped: deleted {result.deleted:,} of {what} under {where}."
            if result.failed:
                shown = "; ".join(f"{key}: {why}" for key, why in result.failed[:3])
                more = f" …and {len(result.failed) - 3:,} more" if len(result.failed) > 3 else ""
                text += (
                    f" {plural(len(result.failed), 'object')} could not be deleted: {shown}{more}"
                )
            self._end(text, error=bool(result.failed))
            if self.panel.location == at:
                self.panel.refresh()

        self.panel.run(delete, on_result=done, on_error=self._failed, long=True)

    # -- small ones ---------------------------------------------------------------

    def new_folder(self) -> None:
        location = self.panel.location
        if self.panel.service is None or location is None:
            return
        name = self.panel.dialogs.ask_folder_name(location.uri)
        if name is not None:
            self.create_folder(name)

    def create_folder(self, name: str) -> None:
        service, location = self.panel.service, self.panel.location
        if service is None or location is None:
            return

        def created(folder: S3Location) -> None:
            self.panel.show_note(f"Created the folder {folder.uri}")
            if self.panel.location == location:
                self.panel.refresh(select=folder.prefix[len(location.prefix) :])

        self.panel.run(service.create_folder, location, name, on_result=created)

    def copy_uri(self) -> None:
        location = self.panel.location
        if location is None:
            return
        entries = self.panel.selected_entries()
        uris = [location.child(e.name).uri for e in entries] or [location.uri]
        QGuiApplication.clipboard().setText("\n".join(uris))
        self.panel.show_note(
            f"Copied {uris[0]}" if len(uris) == 1 else f"Copied {len(uris):,} s3:// addresses."
        )

    def share_selected(self) -> None:
        service, location = self.panel.service, self.panel.location
        entries = [e for e in self.panel.selected_entries() if not e.is_folder]
        if service is None or location is None:
            return
        if len(entries) != 1:
            self.panel.show_note("Select one object to share a link to it.")
            return
        entry = entries[0]
        target = location.child(entry.name)

        def limit_known(value: tuple[int, str]) -> None:
            limit, why = value
            if self.presign_dialog is not None:
                self.presign_dialog.close()
            dialog = PresignDialog(target.uri, limit, why, self.panel)
            self.presign_dialog = dialog

            def create(seconds: int) -> None:
                self.panel.run(
                    service.presign_get,
                    target,
                    seconds,
                    entry.version_id,
                    on_result=dialog.show_url,
                    on_error=lambda exc: dialog.show_error(describe(exc)),
                )

            dialog.create_requested.connect(create)
            dialog.show()

        self.panel.run(service.presign_limit, on_result=limit_known)


# (name, text, standard icon, shortcuts); None separates toolbar groups.
_COMMANDS: tuple[tuple[str, str, QStyle.StandardPixmap, tuple[str, ...]] | None, ...] = (
    ("back", "Back", QStyle.StandardPixmap.SP_ArrowBack, ("Alt+Left",)),
    ("forward", "Forward", QStyle.StandardPixmap.SP_ArrowForward, ("Alt+Right",)),
    ("up", "Up", QStyle.StandardPixmap.SP_FileDialogToParent, ("Alt+Up",)),
    ("refresh", "Refresh", QStyle.StandardPixmap.SP_BrowserReload, ("F5",)),
    None,
    ("upload", "Upload…", QStyle.StandardPixmap.SP_ArrowUp, ("Ctrl+U",)),
    ("upload_folder", "Upload folder…", QStyle.StandardPixmap.SP_DirOpenIcon, ("Ctrl+Shift+U",)),
    ("download", "Download…", QStyle.StandardPixmap.SP_ArrowDown, ("Ctrl+D",)),
    None,
    ("new_folder", "New folder…", QStyle.StandardPixmap.SP_FileDialogNewFolder, ("Ctrl+Shift+N",)),
    ("delete", "Delete…", QStyle.StandardPixmap.SP_TrashIcon, ("Del",)),
    None,
    ("copy_uri", "Copy URI", QStyle.StandardPixmap.SP_FileLinkIcon, ("Ctrl+Shift+C",)),
    ("share", "Share…", QStyle.StandardPixmap.SP_DriveNetIcon, ("Ctrl+Shift+S",)),
)


def build_commands(panel: S3Panel, toolbar: QToolBar) -> dict[str, QAction]:
    """The panel's commands as QActions (toolbar, context menu, shortcuts active
    anywhere inside the panel), named as in ``_COMMANDS``."""
    acts = panel.file_actions
    slots: dict[str, Callable[[], Any]] = {
        "back": panel.go_back,
        "forward": panel.go_forward,
        "up": panel.go_up,
        "refresh": panel.refresh,
        "upload": acts.upload_files,
        "upload_folder": acts.upload_folder,
        "download": acts.download_selected,
        "new_folder": acts.new_folder,
        "delete": acts.delete_selected,
        "copy_uri": acts.copy_uri,
        "share": acts.share_selected,
    }
    commands: dict[str, QAction] = {}
    for spec in _COMMANDS:
        if spec is None:
            toolbar.addSeparator()
            continue
        name, text, icon, keys = spec
        action = QAction(panel.style().standardIcon(icon), text, panel)
        action.setObjectName(f"s3-{name}")
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.setToolTip(f"{text.rstrip('…')} ({', '.join(keys)})")
        action.triggered.connect(functools.partial(_call, slots[name]))
        panel.addAction(action)
        toolbar.addAction(action)
        if name not in ("back", "forward", "up", "refresh"):
            # Upload and Up would both be an arrow: the file commands say what they do.
            button = toolbar.widgetForAction(action)
            if isinstance(button, QToolButton):
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        commands[name] = action
    return commands


def _call(slot: Callable[[], Any], *_: Any) -> None:
    slot()  # QAction.triggered passes "checked"; the slots take nothing
