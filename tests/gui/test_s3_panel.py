"""The S3 panel with pytest-qt, browsing, previewing and transferring for real on the local AWS."""

from __future__ import annotations

import os
import urllib.request
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QGuiApplication, QStandardItemModel
from pytestqt.qtbot import QtBot

from cognito_desktop.sandbox.seed_s3 import (
    BINARY_KEY,
    BUCKET,
    IMAGE_KEY,
    TAGGED_KEY,
    VERSIONED_BUCKET,
)
from cognito_desktop.services.config import Profile
from cognito_desktop.services.errors import NetworkError, ReauthenticationRequired
from cognito_desktop.services.paths import AppPaths
from cognito_desktop.services.s3_models import ListingPage, S3Location, TransferResult
from cognito_desktop.services.session import Session
from cognito_desktop.ui.s3_listing_model import ListingModel, human_bytes
from cognito_desktop.ui.s3_panel import S3Panel
from cognito_desktop.ui.worker import Worker

WAIT = 20_000
ARTIFACTS = Path(__file__).parents[2] / ".artifacts"


def make_panel(qtbot: QtBot, profile: Profile, session: Session, page_size: int = 1000) -> S3Panel:
    panel = S3Panel(Worker(), page_size=page_size)
    qtbot.addWidget(panel)
    panel.resize(1280, 800)
    panel.show()
    panel.set_context(profile, session)
    qtbot.waitUntil(lambda: panel.place_tree.topLevelItemCount() > 0, timeout=WAIT)
    return panel


@pytest.fixture
def panel(qtbot: QtBot, profile: Profile, signed_in_session: Session) -> S3Panel:
    return make_panel(qtbot, profile, signed_in_session)


def names(panel: S3Panel) -> list[str]:
    model = panel.model
    return [model.index(r, 0).data() for r in range(model.rowCount())]


def listed(qtbot: QtBot, panel: S3Panel, uri: str) -> None:
    """Type ``uri`` in the address bar, press Enter, wait for the first page."""
    panel.address.setText(uri)
    qtbot.keyClick(panel.address, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: (
            panel.location is not None
            and panel.location.uri == uri
            and not panel.model.fetching
            and panel.model.rowCount() > 0
        ),
        timeout=WAIT,
    )


# -- the model, without the network -------------------------------------------------------


def page(
    names: list[str], sizes: list[int], folders: Sequence[str] = (), more: bool = False
) -> ListingPage:
    return ListingPage(
        location=S3Location("b", "p/"),
        folders=list(folders),
        names=names,
        sizes=sizes,
        modified=[1_700_000_000.0 + i for i in range(len(names))],
        etags=[""] * len(names),
        storage_classes=["STANDARD"] * len(names),
        next_token="t" if more else None,
    )


def test_the_model_shows_folders_first_and_sorts_sizes_numerically(qtbot: QtBot) -> None:
    model = ListingModel()
    model.reset(S3Location("b", "p/"))
    # As S3 sends them: names in UTF-8 order, folders interleaved across pages.
    model.append_page(page(["B.txt", "a.txt"], [2_000_000, 10], ["d/"], more=True))
    assert model.canFetchMore() is False  # no fetcher: the panel owns the I/O
    model.append_page(page(["c.txt"], [9], ["e/"]))
    assert rows(model) == ["d/", "e/", "B.txt", "a.txt", "c.txt"]
    assert model.index(2, 1).data() == "1.9 MiB"
    assert model.index(2, 1).data(Qt.ItemDataRole.ToolTipRole) == "2,000,000 bytes"
    model.sort(1, Qt.SortOrder.AscendingOrder)
    assert rows(model) == ["d/", "e/", "c.txt", "a.txt", "B.txt"]
    model.sort(1, Qt.SortOrder.DescendingOrder)
    assert rows(model) == ["d/", "e/", "B.txt", "a.txt", "c.txt"]
    model.sort(0, Qt.SortOrder.DescendingOrder)
    assert rows(model) == ["e/", "d/", "c.txt", "a.txt", "B.txt"]
    model.set_filter("b.T")
    assert rows(model) == ["B.txt"]
    assert model.status_text() == "3 objects, 2 folders, 1.9 MiB loaded · showing 1 matching 'b.T'"
    assert human_bytes(1023) == "1,023 B"


def test_a_page_arriving_while_sorted_is_merged_in_order(qtbot: QtBot) -> None:
    model = ListingModel()
    model.reset(S3Location("b", "p/"))
    model.append_page(page(["a", "b"], [5, 1], more=True))
    model.sort(1, Qt.SortOrder.AscendingOrder)
    model.set_filter("")
    model.append_page(page(["c", "d"], [3, 0]))
    assert rows(model) == ["d", "b", "c", "a"]
    # The next folder (or a refresh) keeps the sort.
    model.reset(S3Location("b", "q/"))
    model.append_page(page(["x", "y"], [9, 1]))
    assert rows(model) == ["y", "x"]


def rows(model: ListingModel) -> list[str]:
    return [model.index(r, 0).data() for r in range(model.rowCount())]


# -- places and navigation ---------------------------------------------------------------


def test_places_show_the_profile_locations_and_my_files_with_the_identity_id(
    qtbot: QtBot, panel: S3Panel, signed_in_session: Session
) -> None:
    identity = signed_in_session.identity_id
    assert identity
    places = dict(panel.place_tree.locations())
    assert places[f"{BUCKET}/"] == S3Location(BUCKET, "")
    assert places[f"My private files ({BUCKET})"] == S3Location(BUCKET, f"private/{identity}/")
    groups = [panel.place_tree.topLevelItem(i).text(0) for i in range(2)]
    assert groups == ["Locations", "My files"]
    # The demo role may not ListAllMyBuckets: the panel says so, and offers the profile's places.
    assert panel.places_note.isVisible()
    assert "s3:ListAllMyBuckets" in panel.places_note.text()
    # It opened the profile's first location by itself.
    qtbot.waitUntil(lambda: "public/" in names(panel), timeout=WAIT)
    assert panel.location == S3Location(BUCKET, "")
    panel.place_tree.chosen.emit(places[f"My private files ({BUCKET})"])
    qtbot.waitUntil(lambda: panel.location == places[f"My private files ({BUCKET})"])


def test_typing_an_address_lists_folders_then_objects(qtbot: QtBot, panel: S3Panel) -> None:
    listed(qtbot, panel, f"s3://{BUCKET}/public/")
    shown = names(panel)
    assert "reports/" in shown
    assert "readme.txt" in shown
    assert shown.index("reports/") < shown.index("readme.txt")
    folders = sum(1 for n in shown if n.endswith("/"))
    objects = len(shown) - folders
    assert panel.status.text().startswith(
        f"{objects:,} object{'s' if objects != 1 else ''}, {folders} folders, "
    )
    assert [b.text() for b in panel.crumbs.buttons] == [BUCKET, "public/"]
    assert panel.model.index(shown.index("readme.txt"), 1).data().endswith(" B")


def test_a_breadcrumb_click_goes_up_and_back_returns(qtbot: QtBot, panel: S3Panel) -> None:
    listed(qtbot, panel, f"s3://{BUCKET}/public/reports/2026/")
    assert [b.text() for b in panel.crumbs.buttons] == [BUCKET, "public/", "reports/", "2026/"]
    qtbot.mouseClick(panel.crumbs.buttons[1], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "reports/" in names(panel), timeout=WAIT)
    assert panel.location == S3Location(BUCKET, "public/")
    assert panel.address.text() == f"s3://{BUCKET}/public/"
    panel.go_back()
    qtbot.waitUntil(lambda: "q3/" in names(panel), timeout=WAIT)
    panel.listing.setFocus()
    qtbot.keyClick(panel.listing, Qt.Key.Key_Backspace)
    qtbot.waitUntil(lambda: panel.location == S3Location(BUCKET, "public/reports/"), timeout=WAIT)


def test_a_bad_address_says_why_and_keeps_the_text(qtbot: QtBot, panel: S3Panel) -> None:
    listed(qtbot, panel, f"s3://{BUCKET}/public/")
    panel.address.setText("s3://Bad_Bucket/x/")
    panel.go_to_address()
    assert "must be lowercase" in panel.note.text()
    assert panel.note.styleSheet()
    assert panel.address.text() == "s3://Bad_Bucket/x/"
    assert panel.location == S3Location(BUCKET, "public/")


def test_an_object_address_opens_its_folder_with_the_object_selected(
    qtbot: QtBot, panel: S3Panel
) -> None:
    panel.address.setText(f"s3://{BUCKET}/public/readme.txt")
    panel.go_to_address()
    qtbot.waitUntil(lambda: len(panel.selected_entries()) == 1, timeout=WAIT)
    assert panel.selected_entries()[0].key == "public/readme.txt"
    assert panel.location == S3Location(BUCKET, "public/")
    # A folder typed without its slash opens the folder.
    panel.address.setText(f"s3://{BUCKET}/public/reports")
    panel.go_to_address()
    qtbot.waitUntil(lambda: panel.location == S3Location(BUCKET, "public/reports/"), timeout=WAIT)


# -- paging, sorting, filtering -----------------------------------------------------------


@pytest.fixture
def small_pages(qtbot: QtBot, profile: Profile, signed_in_session: Session) -> S3Panel:
    panel = make_panel(qtbot, profile, signed_in_session, page_size=100)
    listed(qtbot, panel, f"s3://{BUCKET}/public/page-test/")
    return panel


def test_pages_are_fetched_on_scroll_and_load_all_reaches_the_end(
    qtbot: QtBot, small_pages: S3Panel
) -> None:
    panel = small_pages
    assert panel.model.rowCount() == 100
    assert panel.status.text() == "100 objects, 0 folders, 4.8 KiB loaded · more available"
    assert panel.load_all_button.isEnabled()
    panel.listing.scrollToBottom()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 200, timeout=WAIT)
    qtbot.mouseClick(panel.load_all_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 250 and not panel.model.fetching)
    assert not panel.model.canFetchMore()
    assert not panel.load_all_button.isEnabled()
    assert not panel.stop_button.isEnabled()
    assert panel.status.text() == "250 objects, 0 folders, 30.4 KiB loaded"
    assert names(panel)[-1] == "item-0249.txt"


def test_sorting_by_size_is_numeric(qtbot: QtBot, small_pages: S3Panel) -> None:
    panel = small_pages
    panel.load_all()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 250 and not panel.model.fetching)
    header = panel.listing.horizontalHeader()
    qtbot.mouseClick(
        header.viewport(),
        Qt.MouseButton.LeftButton,
        pos=QPoint(header.sectionViewportPosition(1) + 10, 5),
    )
    sizes = [panel.model.entry(r).size for r in range(panel.model.rowCount())]
    assert sizes in (sorted(sizes), sorted(sizes, reverse=True))
    panel.listing.sortByColumn(1, Qt.SortOrder.DescendingOrder)
    assert names(panel)[:3] == ["item-0249.txt", "item-0248.txt", "item-0247.txt"]
    panel.listing.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert names(panel)[:2] == ["item-0000.txt", "item-0001.txt"]
    assert names(panel)[-1] == "item-0249.txt"


def test_typing_filters_loaded_rows_by_substring_in_any_case(
    qtbot: QtBot, small_pages: S3Panel
) -> None:
    panel = small_pages
    qtbot.keyClicks(panel.filter, "ITEM-004")
    qtbot.waitUntil(lambda: panel.model.rowCount() == 10, timeout=WAIT)
    assert names(panel) == [f"item-{i:04d}.txt" for i in range(40, 50)]
    assert "showing 10 matching 'ITEM-004'" in panel.status.text()
    # Only loaded rows are filtered: nothing was asked of S3.
    assert not panel.server_search.isChecked()
    panel.filter.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 100, timeout=WAIT)


def test_enter_in_the_filter_searches_the_server_by_prefix(
    qtbot: QtBot, small_pages: S3Panel
) -> None:
    panel = small_pages
    panel.filter.setText("item-02")
    panel.filter.setFocus()
    qtbot.keyClick(panel.filter, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: panel.model.rowCount() == 50 and not panel.model.fetching, timeout=WAIT)
    assert panel.server_search.isChecked()
    assert names(panel)[0] == "item-0200.txt"
    assert not panel.model.has_more
    assert "names starting with 'item-02'" in panel.status.text()
    panel.server_search.setChecked(False)
    panel.filter.clear()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 100 and not panel.model.fetching)
    assert names(panel)[0] == "item-0000.txt"


# -- details and preview ------------------------------------------------------------------


def select(qtbot: QtBot, panel: S3Panel, uri: str) -> None:
    """Open the object's address (its folder, with it selected), wait for its details."""
    panel.address.setText(uri)
    panel.go_to_address()
    qtbot.waitUntil(lambda: panel.details.uri == uri and panel.details.pending == 0, timeout=WAIT)


def properties(panel: S3Panel) -> dict[str, str]:
    found: dict[str, str] = {}
    tree = panel.details.properties
    for i in range(tree.topLevelItemCount()):
        item = tree.topLevelItem(i)
        found[item.text(0)] = item.text(1)
        for j in range(item.childCount()):
            found[f"{item.text(0)}/{item.child(j).text(0)}"] = item.child(j).text(1)
    return found


def test_selecting_an_object_shows_its_metadata_and_tags(qtbot: QtBot, panel: S3Panel) -> None:
    select(qtbot, panel, f"s3://{BUCKET}/{TAGGED_KEY}")
    shown = properties(panel)
    assert shown["Content type"] == "application/json"
    assert shown["Metadata/owner"] == "finance"
    assert shown["Tags/classification"] == "internal"
    assert shown["Tags/team"] == "finance"
    assert shown["ETag"]
    assert panel.details.preview_kind() == "text"
    assert '"quarter": "Q3"' in panel.details.text.toPlainText()


def test_a_csv_previews_as_a_table(qtbot: QtBot, panel: S3Panel) -> None:
    select(qtbot, panel, f"s3://{BUCKET}/public/reports/2026/q3/summary.csv")
    assert panel.details.preview_kind() == "table"
    table = panel.details.table
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["id", "name", "amount"]
    assert table.rowCount() == 2
    assert table.item(1, 1).text() == "beta"


def test_an_image_previews_as_a_pixmap(qtbot: QtBot, panel: S3Panel) -> None:
    select(qtbot, panel, f"s3://{BUCKET}/{IMAGE_KEY}")
    assert panel.details.preview_kind() == "image"
    assert panel.details.image.original().width() == 48
    assert not panel.details.image.pixmap().isNull()


def test_binary_data_previews_as_hex(qtbot: QtBot, panel: S3Panel) -> None:
    select(qtbot, panel, f"s3://{BUCKET}/{BINARY_KEY}")
    assert panel.details.preview_kind() == "text"
    assert panel.details.text.toPlainText().startswith("00000000  00 01 02 03")


def test_a_denied_object_shows_the_denial_and_the_panel_goes_on(
    qtbot: QtBot, panel: S3Panel
) -> None:
    select(qtbot, panel, f"s3://{BUCKET}/restricted/payroll.csv")
    assert "payroll.csv" in names(panel)[0]  # listing the folder is allowed
    error = panel.details.error.text()
    assert error.startswith(
        "Your role cognito-desktop-demo-authenticated may not s3:GetObject on "
        f"s3://{BUCKET}/restricted/payroll.csv."
    ), error
    assert panel.details.message.text() == "No preview: the object could not be read."
    qtbot.mouseClick(panel.crumbs.buttons[0], Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "public/" in names(panel), timeout=WAIT)
    select(qtbot, panel, f"s3://{BUCKET}/public/readme.txt")
    assert not panel.details.error.isVisible()
    assert panel.details.text.toPlainText() == "Demo object public/readme.txt\n"


# -- versions, errors, settings -----------------------------------------------------------


def test_versions_are_opt_in_where_the_bucket_keeps_them(qtbot: QtBot, panel: S3Panel) -> None:
    listed(qtbot, panel, f"s3://{VERSIONED_BUCKET}/public/")
    qtbot.waitUntil(panel.show_versions.isEnabled, timeout=WAIT)
    assert panel.model.columnCount() == 4
    panel.show_versions.setChecked(True)
    qtbot.waitUntil(lambda: panel.model.versions and panel.model.rowCount() >= 5, timeout=WAIT)
    assert panel.model.columnCount() == 5
    versions = [panel.model.index(r, 4).data() for r in range(panel.model.rowCount())]
    shown = names(panel)
    assert shown.count("notes.txt") == 3
    assert sum("(latest)" in v for v in versions) == 2  # notes.txt and gone.txt's marker
    assert any("(delete marker)" in v for v in versions)
    # Another folder starts without versions; a bucket without versioning cannot show them.
    listed(qtbot, panel, f"s3://{BUCKET}/public/")
    assert not panel.show_versions.isChecked()
    qtbot.waitUntil(lambda: BUCKET in panel._versioning, timeout=WAIT)
    assert not panel.show_versions.isEnabled()


def test_a_network_error_offers_retry_which_lists_again(
    qtbot: QtBot, panel: S3Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert panel.service is not None
    real = panel.service.list_page
    calls: list[S3Location] = []

    def flaky(location: S3Location, *args: Any, **kwargs: Any) -> ListingPage:
        calls.append(location)
        if len(calls) == 1:
            raise NetworkError("The S3 endpoint could not be reached.", "Check the connection.")
        return real(location, *args, **kwargs)

    monkeypatch.setattr(panel.service, "list_page", flaky)
    panel.address.setText(f"s3://{BUCKET}/public/")
    panel.go_to_address()
    qtbot.waitUntil(panel.retry_button.isVisible, timeout=WAIT)
    assert panel.note.text() == "The S3 endpoint could not be reached. Check the connection."
    assert panel.model.rowCount() == 0
    qtbot.mouseClick(panel.retry_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "readme.txt" in names(panel), timeout=WAIT)
    assert calls == [S3Location(BUCKET, "public/")] * 2
    assert not panel.retry_button.isVisible()


def test_a_dead_refresh_token_asks_for_sign_in(
    qtbot: QtBot, panel: S3Panel, monkeypatch: pytest.MonkeyPatch
) -> None:
    def dead(*_: Any, **__: Any) -> ListingPage:
        raise ReauthenticationRequired("Your sign-in has expired.", "Sign in again.")

    assert panel.service is not None
    monkeypatch.setattr(panel.service, "list_page", dead)
    with qtbot.waitSignal(panel.session_expired, timeout=WAIT) as blocker:
        panel.refresh()
    assert blocker.args == ["Your sign-in has expired. Sign in again."]
    assert "Sign in again." in panel.note.text()


def test_the_last_folder_and_pane_sizes_are_remembered_per_profile(
    qtbot: QtBot, profile: Profile, signed_in_session: Session, app_home: AppPaths
) -> None:
    panel = make_panel(qtbot, profile, signed_in_session)
    listed(qtbot, panel, f"s3://{BUCKET}/public/reports/")
    panel.splitter.setSizes([150, 600, 500])
    sizes = panel.splitter.sizes()
    panel.save_state()
    qtbot.waitUntil(
        lambda: (
            app_home.window_state_file.exists()
            and "public/reports/" in app_home.window_state_file.read_text()
        ),
        timeout=WAIT,
    )
    again = make_panel(qtbot, profile, signed_in_session)
    qtbot.waitUntil(lambda: again.location == S3Location(BUCKET, "public/reports/"), timeout=WAIT)
    assert again.splitter.sizes() == sizes


# -- actions ------------------------------------------------------------------------------


@pytest.fixture
def scratch(root_s3: Any) -> Iterator[str]:
    """A folder of its own under public/ (removed afterwards: the world is shared)."""
    prefix = f"public/t-{uuid.uuid4().hex[:10]}/"
    yield prefix
    listed_keys = root_s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    for obj in listed_keys:
        root_s3.delete_object(Bucket=BUCKET, Key=obj["Key"])


def open_empty(qtbot: QtBot, panel: S3Panel, uri: str) -> None:
    panel.address.setText(uri)
    panel.go_to_address()
    qtbot.waitUntil(lambda: panel.status.text().startswith("0 objects"), timeout=WAIT)


def finished(qtbot: QtBot, panel: S3Panel) -> None:
    qtbot.waitUntil(lambda: not panel.file_actions.busy, timeout=60_000)


def test_uploaded_files_appear_in_the_listing(
    qtbot: QtBot, panel: S3Panel, scratch: str, root_s3: Any, tmp_path: Path
) -> None:
    open_empty(qtbot, panel, f"s3://{BUCKET}/{scratch}")
    local = tmp_path / "hello world.txt"
    local.write_bytes(b"hello from the panel\n")
    panel.file_actions.upload_paths([local])
    finished(qtbot, panel)
    qtbot.waitUntil(lambda: names(panel) == ["hello world.txt"], timeout=WAIT)
    assert panel.note.text().startswith(f"Uploaded 1 file (21 B) into s3://{BUCKET}/{scratch}")
    body = root_s3.get_object(Bucket=BUCKET, Key=scratch + "hello world.txt")["Body"].read()
    assert body == b"hello from the panel\n"
    assert panel.transfers_view.model.state(0) == "done"
    # Again: the object exists now, so the panel asks before replacing it.
    local.write_bytes(b"changed\n")
    asked: list[str] = []
    panel.dialogs.ask_conflict = lambda title, text, replace, skip: (  # type: ignore[method-assign]
        asked.append(f"{text} [{replace}/{skip}]") or "skip"
    )
    panel.file_actions.upload_paths([local])
    finished(qtbot, panel)
    assert asked == [f"1 object exists in s3://{BUCKET}/{scratch}. [Replace/Skip]"]
    body = root_s3.get_object(Bucket=BUCKET, Key=scratch + "hello world.txt")["Body"].read()
    assert body == b"hello from the panel\n"
    assert panel.note.text() == "Nothing transferred: 1 file already there, skipped."


def test_files_dropped_on_the_list_are_uploaded(
    qtbot: QtBot, panel: S3Panel, scratch: str, tmp_path: Path
) -> None:
    open_empty(qtbot, panel, f"s3://{BUCKET}/{scratch}")
    folder = tmp_path / "drop"
    (folder / "inner").mkdir(parents=True)
    (folder / "inner" / "a.txt").write_text("a")
    data = QMimeData()
    data.setUrls([QUrl.fromLocalFile(str(folder))])
    event = QDropEvent(
        QPointF(20, 20),
        Qt.DropAction.CopyAction,
        data,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    panel.listing.dropEvent(event)
    finished(qtbot, panel)
    qtbot.waitUntil(lambda: names(panel) == ["drop/"], timeout=WAIT)
    view = panel.transfers_view
    assert view.isVisible()
    assert view.progress.value() == view.progress.maximum()
    assert [view.model.index(r, 0).data() for r in range(view.model.rowCount())] == [
        f"{scratch}drop/inner/a.txt"
    ]
    ARTIFACTS.mkdir(exist_ok=True)
    panel.grab().save(str(ARTIFACTS / "s3-panel-transfer.png"))


def test_stop_ends_load_all_after_the_page_on_its_way(
    qtbot: QtBot, profile: Profile, signed_in_session: Session
) -> None:
    panel = make_panel(qtbot, profile, signed_in_session, page_size=50)
    listed(qtbot, panel, f"s3://{BUCKET}/public/page-test/")
    qtbot.mouseClick(panel.load_all_button, Qt.MouseButton.LeftButton)
    assert panel.stop_button.isEnabled()
    qtbot.mouseClick(panel.stop_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not panel.model.fetching, timeout=WAIT)
    # The page already asked for (if any) is shown; nothing after it.
    assert panel.model.rowCount() in (50, 100)
    assert panel.model.has_more
    assert panel.load_all_button.isEnabled()
    assert panel.status.text().endswith("more available")


def test_a_download_conflict_is_asked_and_skip_keeps_the_local_file(
    qtbot: QtBot, panel: S3Panel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    listed(qtbot, panel, f"s3://{BUCKET}/public/")
    assert panel.select_name("readme.txt")
    assert panel.select_name("with space/", add=True)
    (tmp_path / "readme.txt").write_text("mine")
    asked: list[str] = []

    def answer(title: str, text: str, replace: str, skip: str) -> str:
        asked.append(f"{text} [{replace}/{skip}]")
        return "skip"

    monkeypatch.setattr(panel.dialogs, "choose_directory", lambda title: tmp_path)
    monkeypatch.setattr(panel.dialogs, "ask_conflict", answer)
    panel.commands["download"].trigger()
    finished(qtbot, panel)
    assert asked == [f"1 file exists in {tmp_path}. [Overwrite/Skip existing]"]
    assert (tmp_path / "readme.txt").read_text() == "mine"
    assert (tmp_path / "with space" / "file name.txt").read_text() == (
        "Demo object public/with space/file name.txt\n"
    )
    assert "1 skipped (already there)" in panel.note.text()
    # Overwrite replaces it.
    monkeypatch.setattr(panel.dialogs, "ask_conflict", lambda *_: "overwrite")
    panel.commands["download"].trigger()
    finished(qtbot, panel)
    assert (tmp_path / "readme.txt").read_text() == "Demo object public/readme.txt\n"


def test_a_cancelled_download_leaves_no_file(
    qtbot: QtBot, panel: S3Panel, scratch: str, root_s3: Any, tmp_path: Path
) -> None:
    root_s3.put_object(Bucket=BUCKET, Key=scratch + "big.bin", Body=os.urandom(1 << 20) * 128)
    listed(qtbot, panel, f"s3://{BUCKET}/{scratch}")
    assert panel.select_name("big.bin")
    target = tmp_path / "downloads"
    target.mkdir()

    def cancel_at_first_progress() -> None:
        panel.transfers_view.model.dataChanged.disconnect(cancel_at_first_progress)
        qtbot.mouseClick(panel.transfers_view.cancel_button, Qt.MouseButton.LeftButton)

    panel.transfers_view.model.dataChanged.connect(cancel_at_first_progress)
    panel.file_actions.download_to(target, panel.selected_entries())
    finished(qtbot, panel)
    result = panel.file_actions.last_result
    assert isinstance(result, TransferResult)
    assert result.cancelled
    assert result.done == 0
    assert list(target.iterdir()) == []
    assert panel.note.text().startswith("Download cancelled")


def test_delete_confirms_with_the_count_then_removes_everything_below(
    qtbot: QtBot, panel: S3Panel, scratch: str, root_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in ("gone/a.txt", "gone/b.txt", "gone/sub/c.txt", "gone/sub/d.txt", "kept.txt"):
        root_s3.put_object(Bucket=BUCKET, Key=scratch + key, Body=b"x")
    listed(qtbot, panel, f"s3://{BUCKET}/{scratch}")
    assert panel.select_name("gone/")
    asked: list[str] = []
    answers = [False, True]
    monkeypatch.setattr(
        panel.dialogs, "confirm_delete", lambda text: asked.append(text) or answers.pop(0)
    )
    panel.commands["delete"].trigger()
    finished(qtbot, panel)
    assert panel.note.text() == "Nothing was deleted."
    panel.commands["delete"].trigger()
    finished(qtbot, panel)
    question = f"Delete 4 objects under s3://{BUCKET}/{scratch}gone/? This cannot be undone."
    assert asked == [question, question]
    left = root_s3.list_objects_v2(Bucket=BUCKET, Prefix=scratch)["Contents"]
    assert [o["Key"] for o in left] == [scratch + "kept.txt"]
    assert panel.note.text() == f"Deleted 4 objects under s3://{BUCKET}/{scratch}gone/."
    qtbot.waitUntil(lambda: names(panel) == ["kept.txt"], timeout=WAIT)


def test_a_new_folder_is_created_and_a_bad_name_is_explained(
    qtbot: QtBot, panel: S3Panel, scratch: str, root_s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    open_empty(qtbot, panel, f"s3://{BUCKET}/{scratch}")
    monkeypatch.setattr(panel.dialogs, "ask_folder_name", lambda where: "a/b")
    panel.commands["new_folder"].trigger()
    qtbot.waitUntil(lambda: "contains '/'" in panel.note.text(), timeout=WAIT)
    monkeypatch.setattr(panel.dialogs, "ask_folder_name", lambda where: "reports")
    panel.commands["new_folder"].trigger()
    qtbot.waitUntil(lambda: names(panel) == ["reports/"], timeout=WAIT)
    qtbot.waitUntil(lambda: len(panel.selected_entries()) == 1, timeout=WAIT)
    assert root_s3.head_object(Bucket=BUCKET, Key=scratch + "reports/")["ContentLength"] == 0


def test_copy_uri_puts_the_selected_addresses_on_the_clipboard(
    qtbot: QtBot, panel: S3Panel
) -> None:
    listed(qtbot, panel, f"s3://{BUCKET}/public/")
    assert panel.select_name("readme.txt")
    panel.commands["copy_uri"].trigger()
    assert QGuiApplication.clipboard().text() == f"s3://{BUCKET}/public/readme.txt"


def test_a_shared_link_is_capped_at_the_credentials_expiry_and_works(
    qtbot: QtBot, panel: S3Panel
) -> None:
    listed(qtbot, panel, f"s3://{BUCKET}/public/")
    assert panel.select_name("readme.txt")
    panel.commands["share"].trigger()
    qtbot.waitUntil(lambda: panel.file_actions.presign_dialog is not None, timeout=WAIT)
    dialog = panel.file_actions.presign_dialog
    assert dialog is not None
    assert "credentials expire" in dialog.limit_note.text()
    assert dialog.limit < 24 * 3600  # the emulator's credentials last an hour
    model = dialog.expiry.model()
    assert isinstance(model, QStandardItemModel)
    enabled = {dialog.expiry.itemText(i): model.item(i).isEnabled() for i in range(6)}
    assert enabled["15 minutes"]
    assert not enabled["7 days (too long now)"]
    assert not enabled["1 day (too long now)"]
    dialog.choose("Custom")
    assert dialog.custom.maximum() == dialog.limit // 60
    dialog.custom.setValue(dialog.custom.maximum())
    qtbot.mouseClick(dialog.create_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.url.text().startswith("http"), timeout=WAIT)
    assert "Valid until" in dialog.result_note.text()
    with urllib.request.urlopen(dialog.url.text(), timeout=10) as response:  # noqa: S310
        assert response.read() == b"Demo object public/readme.txt\n"
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    assert QGuiApplication.clipboard().text() == dialog.url.text()


# -- the picture --------------------------------------------------------------------------


def test_screenshot_of_the_panel_with_a_csv_selected(
    qtbot: QtBot, profile: Profile, signed_in_session: Session, root_s3: Any
) -> None:
    key = "public/quarterly-sales.csv"
    rows = "region,quarter,units,revenue\n" + "".join(
        f"{region},Q{q},{100 + 7 * q + len(region)},{(100 + 7 * q) * 12.5:.2f}\n"
        for region in ("north", "south", "east", "west")
        for q in range(1, 5)
    )
    root_s3.put_object(Bucket=BUCKET, Key=key, Body=rows.encode(), ContentType="text/csv")
    try:
        panel = make_panel(qtbot, profile, signed_in_session)
        panel.resize(1400, 820)
        select(qtbot, panel, f"s3://{BUCKET}/{key}")
        panel.filter.clear()
        panel.server_search.setChecked(False)
        qtbot.waitUntil(lambda: "readme.txt" in names(panel), timeout=WAIT)
        assert panel.select_name("quarterly-sales.csv")
        qtbot.waitUntil(
            lambda: panel.details.pending == 0 and panel.details.preview_kind() == "table",
            timeout=WAIT,
        )
        ARTIFACTS.mkdir(exist_ok=True)
        assert panel.grab().save(str(ARTIFACTS / "s3-panel.png"))
    finally:
        root_s3.delete_object(Bucket=BUCKET, Key=key)
