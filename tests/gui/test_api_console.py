"""The API console with pytest-qt, sending for real to the local AWS's IAM-protected API."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cognito_desktop.services.api_models import ApiRequest, RequestBody
from cognito_desktop.services.config import Profile
from cognito_desktop.services.paths import AppPaths
from cognito_desktop.services.session import Session
from cognito_desktop.ui.api_console import ApiConsole
from cognito_desktop.ui.worker import Worker


@pytest.fixture
def session(signed_in_session: Session) -> Session:
    return signed_in_session


@pytest.fixture
def console(qtbot: QtBot, app_home: AppPaths, profile: Profile, session: Session) -> ApiConsole:
    widget = ApiConsole(Worker(), app_home)
    qtbot.addWidget(widget)
    widget.resize(1100, 700)
    widget.show()
    widget.set_context(profile, session)
    qtbot.waitUntil(lambda: widget.history is not None, timeout=10_000)
    return widget


def send_and_wait(qtbot: QtBot, console: ApiConsole, request: ApiRequest) -> None:
    console.editor.set_request(request)
    before = console.history_list.count()
    console.send()
    qtbot.waitUntil(lambda: console.history_list.count() > before, timeout=20_000)


def test_query_table_follows_the_url_and_the_url_follows_the_table(console: ApiConsole) -> None:
    editor = console.editor
    editor.url.setText("https://x.example.com/a?b=1&b=2&c=%3D")
    editor._url_edited(editor.url.text())
    assert editor.query.pairs() == (("b", "1"), ("b", "2"), ("c", "="))
    editor.query.set_pairs((("b", "1"), ("z", "a b")))
    editor._query_edited()
    assert editor.url.text().startswith("https://x.example.com/a?")
    assert "z=a%20b" in editor.url.text()


def test_a_signed_get_answers_200_and_is_kept_in_history_without_secrets(
    qtbot: QtBot, console: ApiConsole, app_home: AppPaths, session: Session
) -> None:
    send_and_wait(qtbot, console, ApiRequest(method="GET", url="{{base_url}}/items"))
    response = console.response_view.response
    assert response is not None
    assert response.status == 200
    assert response.canonical_request.startswith("GET\n")
    assert console.response_view.status.text().startswith("200")
    assert '"method": "GET"' in console.response_view.text.toPlainText()
    assert console.history_list.item(0).text().startswith("200  GET  {{base_url}}/items")
    qtbot.waitUntil(lambda: any(app_home.state_dir.rglob("history-*.jsonl")), timeout=5000)
    creds = session.credentials()
    for path in app_home.state_dir.rglob("*"):
        if path.is_file():
            data = path.read_text(errors="replace")
            assert creds.secret_access_key not in data
            assert creds.session_token not in data
            assert "Authorization" not in data


def test_an_unsigned_call_to_an_iam_method_is_explained(qtbot: QtBot, console: ApiConsole) -> None:
    send_and_wait(qtbot, console, ApiRequest(method="GET", url="{{base_url}}/items", signed=False))
    response = console.response_view.response
    assert response is not None
    assert response.status == 403
    assert console.response_view.explanation.isVisible()
    assert "sign" in console.response_view.explanation.text().lower()


def test_invalid_json_is_pointed_at_and_nothing_is_sent(qtbot: QtBot, console: ApiConsole) -> None:
    console.editor.set_request(
        ApiRequest(
            method="POST",
            url="{{base_url}}/items",
            body=RequestBody(kind="json", text='{"a": 1,\n}'),
        )
    )
    assert "Line 2, column 1" in console.editor.json_status.text()
    console.send()
    assert "Line 2, column 1" in console.response_view.explanation.text()
    assert "Nothing was sent" in console.response_view.explanation.text()
    qtbot.wait(200)
    assert console.history_list.count() == 0


def test_a_json_post_is_signed_and_accepted(qtbot: QtBot, console: ApiConsole) -> None:
    send_and_wait(
        qtbot,
        console,
        ApiRequest(
            method="POST",
            url="{{base_url}}/items",
            body=RequestBody(kind="json", text='{"name": "Zoë", "qty": 3}'),
        ),
    )
    response = console.response_view.response
    assert response is not None
    assert response.status == 200, response.explanation


def test_copy_as_curl_copies_no_secret(qtbot: QtBot, console: ApiConsole, session: Session) -> None:
    from PySide6.QtGui import QGuiApplication

    console.editor.set_request(ApiRequest(method="GET", url="{{base_url}}/items?x=1"))
    console._copy_as("curl")
    text = QGuiApplication.clipboard().text()
    assert text.startswith("curl") or "\ncurl" in text
    assert "--aws-sigv4" in text
    assert "$AWS_SECRET_ACCESS_KEY" in text
    creds = session.credentials()
    assert creds.secret_access_key not in text
    assert creds.session_token not in text
    assert "{{base_url}}" not in text


def test_saved_requests_survive_a_new_console(
    qtbot: QtBot,
    console: ApiConsole,
    app_home: AppPaths,
    profile: Profile,
    session: Session,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from PySide6.QtWidgets import QInputDialog

    console.editor.set_request(ApiRequest(method="GET", url=f"{profile.api_base_url}/items"))
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: ("Demo", True))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("List items", True))
    console.save_to_collection()
    qtbot.waitUntil(lambda: console.saved_tree.topLevelItemCount() == 1, timeout=5000)
    files = list((app_home.config_dir / "collections").glob("*.json"))
    assert len(files) == 1
    # Stored portable: the profile's base URL became {{base_url}}.
    assert "{{base_url}}/items" in files[0].read_text()

    again = ApiConsole(Worker(), app_home)
    qtbot.addWidget(again)
    again.set_context(profile, session)
    qtbot.waitUntil(lambda: again.saved_tree.topLevelItemCount() == 1, timeout=5000)
    top = again.saved_tree.topLevelItem(0)
    assert top.text(0) == "Demo"
    again._load_tree_item(top.child(0))
    assert again.editor.url.text() == "{{base_url}}/items"
    assert Path(files[0]).exists()
