"""The DynamoDB panel with pytest-qt, reading and writing for real on the local AWS."""

from __future__ import annotations

import dataclasses
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from boto3.dynamodb.types import Binary, TypeDeserializer
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from cognito_desktop.sandbox.seed_dynamodb import (
    CUSTOMER,
    INDEX,
    ORDERS,
    RESTRICTED_TABLE,
    TABLE,
    every_type_item,
)
from cognito_desktop.services.config import Profile
from cognito_desktop.services.dynamodb_codec import from_dynamodb_json, to_wire
from cognito_desktop.services.session import Session
from cognito_desktop.ui.dynamodb_panel import DynamoDbPanel
from cognito_desktop.ui.dynamodb_results_model import ResultsModel, render_cell
from cognito_desktop.ui.worker import Worker

WAIT = 20_000


@pytest.fixture
def session(signed_in_session: Session) -> Session:
    return signed_in_session


@pytest.fixture
def root(root_dynamodb: Any) -> Any:
    return root_dynamodb


class ExactDeserializer(TypeDeserializer):
    """boto3's deserializer, minus its rounding trap on numbers of 38 digits followed
    by zeros (DynamoDB stores 9.99…E+125 exactly; boto3's context refuses it)."""

    def _deserialize_n(self, value: str) -> Decimal:
        return Decimal(value)


def read_back(root: Any, key: dict[str, Any]) -> dict[str, Any] | None:
    """The item as the table holds it, with the same fidelity the panel promises."""
    found = root.get_item(TableName=TABLE, Key=to_wire(key), ConsistentRead=True).get("Item")
    if found is None:
        return None
    deserializer = ExactDeserializer()

    def plain(value: Any) -> Any:
        if isinstance(value, Binary):
            return bytes(value)
        if isinstance(value, set):
            return {plain(v) for v in value}
        if isinstance(value, list):
            return [plain(v) for v in value]
        if isinstance(value, dict):
            return {k: plain(v) for k, v in value.items()}
        return value

    return {k: plain(deserializer.deserialize(v)) for k, v in found.items()}


def make_panel(qtbot: QtBot, profile: Profile, session: Session) -> DynamoDbPanel:
    panel = DynamoDbPanel(Worker())
    qtbot.addWidget(panel)
    panel.resize(1200, 800)
    panel.show()
    panel.set_context(profile, session)
    qtbot.waitUntil(lambda: panel.tables.count() > 0, timeout=WAIT)
    return panel


@pytest.fixture
def panel(qtbot: QtBot, profile: Profile, session: Session) -> DynamoDbPanel:
    return make_panel(qtbot, profile, session)


def choose(qtbot: QtBot, panel: DynamoDbPanel, table: str = TABLE) -> None:
    panel.select_table(table)
    qtbot.waitUntil(lambda: panel.info is not None and panel.info.name == table, timeout=WAIT)


def run(qtbot: QtBot, panel: DynamoDbPanel) -> None:
    """Run the form's read and wait for its first answer."""
    pages = panel._pages
    panel.run_read()
    qtbot.waitUntil(
        lambda: panel._pages > pages or panel.results.stats.styleSheet() != "", timeout=WAIT
    )


def query_key(qtbot: QtBot, panel: DynamoDbPanel, pk: str, sk: str) -> None:
    if panel.info is None or panel.info.name != TABLE:
        choose(qtbot, panel)
    panel.form.set_mode("query")
    panel.form.partition.setText(pk)
    panel.form.sort_op.setCurrentText("=")
    panel.form.sort_value.setText(sk)
    run(qtbot, panel)
    assert panel.results.model.rowCount() == 1, panel.results.stats.text()


@pytest.fixture
def own_item(root: Any) -> dict[str, Any]:
    """A copy of the every-type item under a key of its own, so that tests may change it."""
    item = {**every_type_item(), "pk": f"test#{uuid.uuid4().hex[:12]}"}
    root.put_item(TableName=TABLE, Item=to_wire(item))
    return item


# -- the model, without the network -------------------------------------------------------


def test_cells_render_every_type_compactly_and_exactly() -> None:
    assert render_cell("text") == "text"
    assert render_cell(Decimal("12345678901234567890.123456789012345678")) == (
        "12345678901234567890.123456789012345678"
    )
    assert render_cell(Decimal("1E+3")) == "1000"
    assert render_cell(Decimal("-1E-130")) == "-1E-130"
    assert render_cell(True) == "true"
    assert render_cell(None) == "null"
    assert render_cell(b"\x00\x01\x02") == "<3 bytes>"
    assert render_cell({"b", "a"}) == "{a, b}"
    assert render_cell({Decimal("2.5"), Decimal(1)}) == "{1, 2.5}"
    assert render_cell({"city": "London", "n": [Decimal(1), None, b"x"]}) == (
        '{"city":"London","n":[1,null,<1 bytes>]}'
    )


def test_columns_are_the_union_of_attributes_with_keys_first(qtbot: QtBot) -> None:
    model = ResultsModel()
    model.reset(("pk", "sk"))
    model.append_page([{"name": "a", "sk": "1", "pk": "x"}, {"pk": "y", "sk": "2"}], True)
    model.append_page([{"pk": "z", "sk": "3", "extra": Decimal(1)}], False)
    assert model.columns() == ["pk", "sk", "name", "extra"]
    font = Qt.ItemDataRole.FontRole
    assert model.headerData(0, Qt.Orientation.Horizontal, font).bold()
    assert model.headerData(2, Qt.Orientation.Horizontal, font) is None
    assert model.rowCount() == 3
    assert model.item(2)["extra"] == Decimal(1)
    # An attribute an item lacks is blank, not "null".
    assert model.index(1, 2).data() == ""
    assert not model.canFetchMore()


# -- tables and details ------------------------------------------------------------------


def test_tables_are_listed_with_details_of_keys_indexes_and_billing(
    qtbot: QtBot, panel: DynamoDbPanel
) -> None:
    names = [panel.tables.item(i).text() for i in range(panel.tables.count())]
    assert TABLE in names
    assert RESTRICTED_TABLE in names
    choose(qtbot, panel)
    rows: dict[str, str] = {}

    def walk(item: Any, prefix: str = "") -> None:
        for i in range(item.childCount()):
            child = item.child(i)
            rows[prefix + child.text(0)] = child.text(1)
            walk(child, prefix + child.text(0) + "/")

    walk(panel.details.invisibleRootItem())
    assert rows["Key/Partition key"] == "pk (S)"
    assert rows["Key/Sort key"] == "sk (S)"
    assert rows[f"Indexes/GSI {INDEX}/Partition key"] == "kind (S)"
    assert rows[f"Indexes/GSI {INDEX}/Projection"] == "ALL"
    assert rows["Billing mode"] == "PAY_PER_REQUEST"
    assert rows["Item count"] != ""
    assert "Stream" in rows
    assert "Time to live" in rows
    # The form offers the table and its index.
    sources = [panel.form.source.itemText(i) for i in range(panel.form.source.count())]
    assert any(INDEX in s for s in sources)


def test_a_denied_table_shows_the_sentence_naming_action_and_table(
    qtbot: QtBot, panel: DynamoDbPanel
) -> None:
    panel.select_table(RESTRICTED_TABLE)
    qtbot.waitUntil(lambda: "may not" in panel.note.text(), timeout=WAIT)
    assert "DescribeTable" in panel.note.text()
    assert RESTRICTED_TABLE in panel.note.text()
    assert panel.info is None


def test_signed_out_disables_the_panel(
    qtbot: QtBot, panel: DynamoDbPanel, profile: Profile
) -> None:
    panel.set_context(profile, None)
    assert not panel.tabs.isEnabled()
    assert panel.tables.count() == 0
    assert "Sign in" in panel.note.text()


def test_the_identity_keyed_table_prefills_the_identity_id(
    qtbot: QtBot, profile: Profile, session: Session
) -> None:
    keyed = dataclasses.replace(profile, dynamodb_identity_keyed=(TABLE,))
    panel = make_panel(qtbot, keyed, session)
    choose(qtbot, panel)
    assert session.identity_id
    assert panel.form.partition.text() == session.identity_id
    assert panel.form.query_button.isChecked()


# -- reading -------------------------------------------------------------------------------


def test_the_request_view_shows_placeholders_as_json_and_cli(
    qtbot: QtBot, panel: DynamoDbPanel
) -> None:
    choose(qtbot, panel)
    panel.form.set_mode("query")
    panel.form.partition.setText("size")  # a reserved word as a value
    panel.form.sort_op.setCurrentText("begins_with")
    panel.form.sort_value.setText("order#")
    request = json.loads(panel.preview.json_text.toPlainText())
    assert request["KeyConditionExpression"] == "#n0 = :v0 AND begins_with(#n1, :v1)"
    assert request["ExpressionAttributeValues"][":v0"] == {"S": "size"}
    assert panel.preview.cli_text.toPlainText().startswith("aws dynamodb query")
    panel.form.partition.clear()
    assert panel.preview.problem.text() == "Type a value for the partition key 'pk'."


def test_a_query_shows_its_first_page_and_fetches_the_next_lazily(
    qtbot: QtBot, panel: DynamoDbPanel
) -> None:
    choose(qtbot, panel)
    panel.form.set_mode("query")
    panel.form.partition.setText(CUSTOMER)
    panel.form.page_size.setValue(60)
    run(qtbot, panel)
    model = panel.results.model
    assert model.rowCount() == 60
    assert model.columns()[:2] == ["pk", "sk"]
    assert "Count 60, ScannedCount 60" in panel.results.stats.text()
    assert model.canFetchMore()
    assert panel.results.more_button.isEnabled()
    model.fetchMore()
    qtbot.waitUntil(lambda: model.rowCount() == 120, timeout=WAIT)
    assert "Page 2" in panel.results.stats.text()
    # Scrolling to the end asks for the next page by itself.
    panel.results.table.scrollToBottom()
    qtbot.waitUntil(lambda: model.rowCount() >= 180, timeout=WAIT)
    sks = [model.item(r)["sk"] for r in range(model.rowCount())]
    assert sks == sorted(sks)
    assert len(set(sks)) == len(sks)


def test_an_index_query_pages_with_its_opaque_last_key(qtbot: QtBot, panel: DynamoDbPanel) -> None:
    choose(qtbot, panel)
    panel.form.source.setCurrentIndex(panel.form.source.findData(INDEX))
    panel.form.set_mode("query")
    panel.form.partition.setText("order")
    panel.form.page_size.setValue(100)
    run(qtbot, panel)
    model = panel.results.model
    assert model.rowCount() == 100
    while model.canFetchMore():
        rows = model.rowCount()
        model.fetchMore()
        qtbot.waitUntil(lambda rows=rows: model.rowCount() > rows or not model.fetching)
        qtbot.waitUntil(lambda: not model.fetching, timeout=WAIT)
    keys = [(model.item(r)["pk"], model.item(r)["sk"]) for r in range(model.rowCount())]
    assert len(set(keys)) == len(keys)
    assert model.rowCount() >= ORDERS
    assert all(model.item(r)["kind"] == "order" for r in range(model.rowCount()))


def activate(qtbot: QtBot, panel: DynamoDbPanel) -> None:
    """Shortcuts work in the active window only."""
    panel.activateWindow()
    qtbot.waitUntil(panel.isActiveWindow, timeout=5000)


def test_a_filtered_scan_over_empty_pages_shows_scanned_and_matched_and_stops(
    qtbot: QtBot, panel: DynamoDbPanel
) -> None:
    activate(qtbot, panel)
    choose(qtbot, panel)
    panel.form.set_mode("scan")
    panel.form.page_size.setValue(1)
    panel.form.add_filter().set("status", "=", "S", "no such status")
    qtbot.keyClick(panel.form.projection, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert panel.results.progress.isVisible()
    qtbot.waitUntil(lambda: panel.results.stop_button.isEnabled(), timeout=WAIT)
    qtbot.waitUntil(lambda: "Scanned 5" in panel.results.progress.text(), timeout=WAIT)
    qtbot.keyClick(panel.results.table, Qt.Key.Key_Escape)  # Esc stops
    qtbot.waitUntil(lambda: panel._cancel is None, timeout=WAIT)
    text = panel.results.progress.text()
    scanned = int(text.split(",")[0].split()[1].replace(",", ""))
    assert text.endswith("matched 0")
    assert 5 <= scanned < 200
    assert panel.results.model.rowCount() == 0
    assert "stopped" in panel.results.stats.text()
    assert panel.results.more_button.isEnabled()
    assert not panel.results.model.canFetchMore()


def test_a_filtered_scan_keeps_reading_past_empty_pages_to_the_matches(
    qtbot: QtBot, panel: DynamoDbPanel
) -> None:
    choose(qtbot, panel)
    panel.form.set_mode("scan")
    panel.form.page_size.setValue(10)
    panel.form.add_filter().set("priority", "=", "BOOL", "true")
    run(qtbot, panel)
    model = panel.results.model
    assert model.rowCount() >= 1
    assert all(model.item(r)["priority"] is True for r in range(model.rowCount()))
    scanned, matched = (
        int(part.split()[-1].replace(",", "")) for part in panel.results.progress.text().split(",")
    )
    assert scanned > 10
    assert matched == model.rowCount()


def test_a_dead_refresh_token_asks_for_a_new_sign_in(
    qtbot: QtBot, panel: DynamoDbPanel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cognito_desktop.services.errors import ReauthenticationRequired

    choose(qtbot, panel)
    panel.form.set_mode("scan")

    def dead(*_args: Any) -> None:
        raise ReauthenticationRequired("Your sign-in has expired.", "Sign in again.")

    assert panel.service is not None
    monkeypatch.setattr(panel.service, "read_page", dead)
    with qtbot.waitSignal(panel.session_expired, timeout=WAIT) as blocker:
        panel.run_read()
    assert blocker.args == ["Your sign-in has expired. Sign in again."]
    assert "Sign in again" in panel.note.text()
    assert panel.results.model.rowCount() == 0


def test_a_bad_value_in_the_form_is_explained_and_nothing_is_sent(
    qtbot: QtBot, panel: DynamoDbPanel
) -> None:
    choose(qtbot, panel)
    panel.form.set_mode("scan")
    panel.form.add_filter().set("amount", ">", "N", "twelve")
    panel.run_read()
    assert "'amount' takes a number" in panel.results.stats.text()
    assert "Nothing was sent" in panel.results.stats.text()
    assert panel._pages == 0


# -- editing ---------------------------------------------------------------------------------


def edit_text(panel: DynamoDbPanel, old: str, new: str) -> None:
    dialog = panel.item_dialog
    assert dialog is not None
    text = dialog.text.toPlainText()
    assert old in text
    dialog.text.setPlainText(text.replace(old, new, 1))


def test_an_edit_in_plain_json_keeps_every_type(
    qtbot: QtBot, panel: DynamoDbPanel, root: Any, own_item: dict[str, Any]
) -> None:
    activate(qtbot, panel)
    query_key(qtbot, panel, own_item["pk"], own_item["sk"])
    panel.results.table.selectRow(0)
    qtbot.keyClick(panel.results.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = panel.item_dialog
    assert dialog is not None
    assert dialog.plain_button.isChecked()
    edit_text(panel, '"Ada Lovelace"', '"Ada King"')
    dialog.save_button.click()
    confirm = panel.change_dialog
    assert confirm is not None
    assert confirm.rows() == [("name", "Ada Lovelace   (S)", "Ada King   (S)")]
    confirm.confirm_button.click()
    qtbot.waitUntil(lambda: "Saved" in panel.note.text(), timeout=WAIT)
    stored = read_back(root, {"pk": own_item["pk"], "sk": own_item["sk"]})
    # The version went up by one; every other type is exactly as before.
    assert stored == {**own_item, "name": "Ada King", "version": Decimal(2)}
    assert isinstance(stored["tags"], set)
    assert isinstance(stored["blobs"], set)
    assert isinstance(stored["avatar"], bytes)
    assert panel.results.model.item(0)["name"] == "Ada King"


def test_a_projected_row_opens_the_whole_item_for_editing(
    qtbot: QtBot, panel: DynamoDbPanel, own_item: dict[str, Any]
) -> None:
    choose(qtbot, panel)
    panel.form.projection.setText("name")
    query_key(qtbot, panel, own_item["pk"], own_item["sk"])
    assert set(panel.results.model.item(0)) == {"pk", "sk", "name"}
    panel.edit_row(0)
    qtbot.waitUntil(lambda: panel.item_dialog is not None, timeout=WAIT)
    assert panel.item_dialog is not None
    # Saving a projection over the item would erase the attributes left out.
    assert panel.item_dialog.original == own_item


def test_switching_views_re_renders_the_parsed_item(
    qtbot: QtBot, panel: DynamoDbPanel, own_item: dict[str, Any]
) -> None:
    query_key(qtbot, panel, own_item["pk"], own_item["sk"])
    panel.edit_row(0)
    dialog = panel.item_dialog
    assert dialog is not None
    edit_text(panel, '"Ada Lovelace"', '"Ada B."')
    dialog.set_format("dynamodb")
    typed = from_dynamodb_json(dialog.text.toPlainText())
    assert typed == {**own_item, "name": "Ada B."}
    assert '"SS"' in dialog.text.toPlainText()
    dialog.set_format("plain")
    assert dialog.parse() == typed


def test_invalid_json_is_pointed_at_and_nothing_is_written(
    qtbot: QtBot, panel: DynamoDbPanel, root: Any, own_item: dict[str, Any]
) -> None:
    query_key(qtbot, panel, own_item["pk"], own_item["sk"])
    panel.edit_row(0)
    dialog = panel.item_dialog
    assert dialog is not None
    dialog.text.setPlainText('{\n  "pk": "x",\n  "name": \n}')
    dialog.save_button.click()
    assert "Line 4, column 1" in dialog.status.text()
    assert "Nothing was sent" in dialog.status.text()
    assert dialog.text.textCursor().blockNumber() == 3
    assert panel.change_dialog is None
    # Switching the view keeps the text (and the pointer) rather than losing it.
    dialog.set_format("dynamodb")
    assert dialog.plain_button.isChecked()
    qtbot.wait(200)
    assert read_back(root, {"pk": own_item["pk"], "sk": own_item["sk"]}) == own_item


def test_a_change_behind_the_panels_back_shows_both_versions(
    qtbot: QtBot, panel: DynamoDbPanel, root: Any, own_item: dict[str, Any]
) -> None:
    key = {"pk": own_item["pk"], "sk": own_item["sk"]}
    query_key(qtbot, panel, own_item["pk"], own_item["sk"])
    panel.edit_row(0)
    theirs = {**own_item, "name": "Changed elsewhere", "version": Decimal(5)}
    root.put_item(TableName=TABLE, Item=to_wire(theirs))
    edit_text(panel, '"Ada Lovelace"', '"Mine"')
    assert panel.item_dialog is not None
    panel.item_dialog.save_button.click()
    assert panel.change_dialog is not None
    panel.change_dialog.confirm_button.click()
    qtbot.waitUntil(lambda: panel.conflict_dialog is not None, timeout=WAIT)
    chooser = panel.conflict_dialog
    assert chooser is not None
    assert '"Mine"' in chooser.mine_text.toPlainText()
    assert '"Changed elsewhere"' in chooser.theirs_text.toPlainText()
    assert "name" in chooser.differences.text()
    assert read_back(root, key) == theirs  # nothing was written

    # Overwrite with mine: written conditionally on theirs, so it goes through now.
    chooser.mine_button.click()
    qtbot.waitUntil(lambda: "Saved" in panel.note.text(), timeout=WAIT)
    stored = read_back(root, key)
    assert stored is not None
    assert stored["name"] == "Mine"
    assert stored["version"] == Decimal(6)


def test_keep_theirs_reloads_the_item_into_the_editor(
    qtbot: QtBot, panel: DynamoDbPanel, root: Any, own_item: dict[str, Any]
) -> None:
    query_key(qtbot, panel, own_item["pk"], own_item["sk"])
    panel.edit_row(0)
    theirs = {**own_item, "name": "Theirs"}
    root.put_item(TableName=TABLE, Item=to_wire(theirs))
    edit_text(panel, '"Ada Lovelace"', '"Mine"')
    dialog = panel.item_dialog
    assert dialog is not None
    dialog.save_button.click()
    assert panel.change_dialog is not None
    panel.change_dialog.confirm_button.click()
    qtbot.waitUntil(lambda: panel.conflict_dialog is not None, timeout=WAIT)
    assert panel.conflict_dialog is not None
    panel.conflict_dialog.theirs_button.click()
    assert dialog.original == theirs
    assert '"Theirs"' in dialog.text.toPlainText()
    assert panel.results.model.item(0)["name"] == "Theirs"


def test_delete_confirms_with_the_key_and_removes_the_row(
    qtbot: QtBot, panel: DynamoDbPanel, root: Any, own_item: dict[str, Any]
) -> None:
    query_key(qtbot, panel, own_item["pk"], own_item["sk"])
    panel.results.table.selectRow(0)
    panel.results.table.setFocus()
    qtbot.keyClick(panel.results.table, Qt.Key.Key_Delete)
    confirm = panel.change_dialog
    assert confirm is not None
    assert [r[0] for r in confirm.rows()] == ["pk", "sk"]
    assert own_item["pk"] in confirm.rows()[0][1]
    confirm.confirm_button.click()
    qtbot.waitUntil(lambda: panel.results.model.rowCount() == 0, timeout=WAIT)
    assert read_back(root, {"pk": own_item["pk"], "sk": own_item["sk"]}) is None


def test_a_new_item_is_created_with_its_types(
    qtbot: QtBot, panel: DynamoDbPanel, root: Any
) -> None:
    choose(qtbot, panel)
    pk = f"test#{uuid.uuid4().hex[:12]}"
    panel.new_item()
    dialog = panel.item_dialog
    assert dialog is not None
    dialog.set_format("dynamodb")
    dialog.text.setPlainText(
        json.dumps(
            {"pk": {"S": pk}, "sk": {"S": "new"}, "n": {"N": "1.50"}, "s": {"NS": ["1", "2"]}}
        )
    )
    dialog.save_button.click()
    assert panel.change_dialog is not None
    panel.change_dialog.confirm_button.click()
    qtbot.waitUntil(lambda: "Saved" in panel.note.text(), timeout=WAIT)
    assert read_back(root, {"pk": pk, "sk": "new"}) == {
        "pk": pk,
        "sk": "new",
        "n": Decimal("1.50"),
        "s": {Decimal(1), Decimal(2)},
    }


# -- export and PartiQL ------------------------------------------------------------------------


def test_export_of_loaded_results_writes_every_type(
    qtbot: QtBot,
    panel: DynamoDbPanel,
    own_item: dict[str, Any],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QFileDialog

    query_key(qtbot, panel, own_item["pk"], own_item["sk"])
    target = tmp_path / "items"
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "JSON lines (*.jsonl)")
    )
    panel.export("loaded")
    written = tmp_path / "items.jsonl"
    qtbot.waitUntil(lambda: "Exported 1 item" in panel.note.text(), timeout=WAIT)
    lines = written.read_text(encoding="utf-8").splitlines()
    assert [from_dynamodb_json(line) for line in lines] == [own_item]


def test_export_of_all_pages_shows_progress_and_writes_csv(
    qtbot: QtBot, panel: DynamoDbPanel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from PySide6.QtWidgets import QFileDialog

    choose(qtbot, panel)
    panel.form.set_mode("query")
    panel.form.partition.setText(CUSTOMER)
    panel.form.page_size.setValue(50)
    run(qtbot, panel)
    target = tmp_path / "orders.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "CSV"))
    panel.export("all")
    assert panel.export_progress is not None
    qtbot.waitUntil(lambda: "Exported" in panel.note.text(), timeout=WAIT)
    rows = target.read_text(encoding="utf-8").splitlines()
    assert rows[0].startswith("pk,sk,")
    assert len(rows) - 1 >= ORDERS + 1


def test_partiql_runs_a_statement_and_pages_with_next_token(
    qtbot: QtBot, panel: DynamoDbPanel
) -> None:
    choose(qtbot, panel)
    panel.tabs.setCurrentIndex(2)
    assert panel.statement.toPlainText() == f'SELECT * FROM "{TABLE}"'  # noqa: S608
    panel.statement.setPlainText(f"SELECT * FROM \"{TABLE}\" WHERE pk = '{CUSTOMER}'")  # noqa: S608
    panel.run_current()
    model = panel.partiql_results.model
    qtbot.waitUntil(lambda: model.rowCount() > 0, timeout=WAIT)
    while model.canFetchMore():
        rows = model.rowCount()
        model.fetchMore()
        qtbot.waitUntil(lambda rows=rows: model.rowCount() > rows, timeout=WAIT)
    assert model.rowCount() == ORDERS + 1
    assert {model.item(r)["pk"] for r in range(model.rowCount())} == {CUSTOMER}


def test_a_partiql_error_is_shown_as_a_sentence(qtbot: QtBot, panel: DynamoDbPanel) -> None:
    choose(qtbot, panel)
    panel.statement.setPlainText(f'SELEC * FROM "{TABLE}"')
    panel.run_partiql()
    stats = panel.partiql_results.stats
    qtbot.waitUntil(lambda: stats.styleSheet() != "", timeout=WAIT)
    assert "Something unexpected" not in stats.text()
    assert stats.text()
