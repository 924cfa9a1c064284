"""The real app against the local AWS: embedded login page, keyring, restart, sign-out."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from cognito_desktop.sandbox.world import OPERATOR, World
from cognito_desktop.services.config import Profile, load_profiles
from cognito_desktop.services.paths import AppPaths
from cognito_desktop.services.session import CREDENTIALS_KEY, TOKENS_KEY
from cognito_desktop.services.vault import KeyringVault
from cognito_desktop.ui.banner import Banner
from cognito_desktop.ui.main_window import PAGE_LOGIN, PAGE_WORKSPACE, MainWindow

pytestmark = [pytest.mark.e2e, pytest.mark.usefixtures("real_keyring")]

ARTIFACTS = Path(__file__).parents[2] / ".artifacts"


def run_js(qtbot: QtBot, window: MainWindow, script: str) -> Any:
    assert window.login_view is not None
    assert window.login_view.view is not None
    box: list[Any] = []
    window.login_view.view.page().runJavaScript(script, 0, box.append)
    qtbot.waitUntil(lambda: bool(box), timeout=10_000)
    return box[0]


def wait_for_js(qtbot: QtBot, window: MainWindow, script: str, timeout: int = 20_000) -> None:
    """Poll until ``script`` is true in the page, without nesting event loops
    (a nested wait inside a JavaScript callback crashes Chromium)."""
    assert window.login_view is not None
    assert window.login_view.view is not None
    page = window.login_view.view.page()
    answers: list[Any] = []
    deadline = time.monotonic() + timeout / 1000
    while time.monotonic() < deadline:
        answers.clear()
        page.runJavaScript(script, 0, answers.append)
        qtbot.waitUntil(lambda: bool(answers), timeout=10_000)
        if answers[0] is True:
            return
        qtbot.wait(100)
    raise AssertionError(f"{script!r} never became true in the login page")


def open_window(qtbot: QtBot, paths: AppPaths) -> MainWindow:
    window = MainWindow(paths, load_profiles(paths.profiles_file))
    qtbot.addWidget(window)
    window.resize(1000, 680)
    window.show()
    window.start()
    return window


def sign_in_through_the_page(
    qtbot: QtBot, window: MainWindow, username: str, password: str
) -> None:
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LOGIN, timeout=20_000)
    wait_for_js(qtbot, window, "document.getElementById('password') !== null")
    with qtbot.waitSignal(window.controller.signed_in, timeout=30_000):
        run_js(
            qtbot,
            window,
            f"""
            document.getElementById('username').value = {json.dumps(username)};
            document.getElementById('password').value = {json.dumps(password)};
            document.querySelector('form').submit(); true""",
        )


def keyring_services(profile: str) -> list[str]:
    import secretstorage

    connection = secretstorage.dbus_init()
    try:
        return [
            service
            for collection in secretstorage.get_all_collections(connection)
            for item in collection.get_all_items()
            if (service := item.get_attributes().get("service", "")) == f"cognito-desktop/{profile}"
            or service.startswith(f"cognito-desktop/{profile}/")
        ]
    finally:
        connection.close()


def test_operator_signs_in_in_the_app_restarts_without_login_and_signs_out(
    qtbot: QtBot, app_home: AppPaths, profile: Profile, world: World
) -> None:
    window = open_window(qtbot, app_home)
    sign_in_through_the_page(qtbot, window, OPERATOR.username, OPERATOR.password)

    # What the operator sees: user, groups, identity id, a running countdown, the role.
    assert window.pages.currentIndex() == PAGE_WORKSPACE
    assert not window.sign_in_action.isEnabled()
    assert window.sign_out_action.isEnabled()
    panel = window.session_panel
    assert panel.user.text() == "operator"
    assert panel.groups.text() == "operators"
    assert panel.identity_id.text().startswith(f"{world.region}:")
    qtbot.waitUntil(
        lambda: "cognito-desktop-demo-authenticated" in panel.role.text(), timeout=15_000
    )
    assert panel.role.text().startswith("arn:aws:sts::000000000000:assumed-role/")
    countdown = panel.countdown.text()
    assert countdown.startswith(("59:", "1:00:"))
    qtbot.waitUntil(lambda: panel.countdown.text() != countdown, timeout=3000)
    ARTIFACTS.mkdir(exist_ok=True)
    window.grab().save(str(ARTIFACTS / "signed-in.png"))

    # Every secret is in the real keyring; remember them for the file scan.
    vault = KeyringVault(profile.name)
    tokens = json.loads(vault.get(TOKENS_KEY) or "{}")
    creds = json.loads(vault.get(CREDENTIALS_KEY) or "{}")
    secrets = [
        tokens["id_token"],
        tokens["access_token"],
        tokens["refresh_token"],
        creds["SecretKey"],
        creds["SessionToken"],
        OPERATOR.password,
    ]
    assert all(len(s) > 8 for s in secrets)
    assert keyring_services(profile.name)

    # Restart the window: the session comes back without the login page.
    window.close()
    again = open_window(qtbot, app_home)
    with qtbot.waitSignal(again.controller.signed_in, timeout=20_000):
        pass
    assert again.login_view is None
    assert again.pages.currentIndex() == PAGE_WORKSPACE
    assert again.session_panel.identity_id.text() == panel.identity_id.text()

    # And as a separate process, which is how an operator restarts the app.
    again.close()
    log_file = app_home.log_file
    before = log_file.read_text(encoding="utf-8") if log_file.exists() else ""
    child_stderr = app_home.state_dir / "child-stderr.txt"
    with child_stderr.open("wb") as stderr:
        proc = subprocess.Popen(
            [sys.executable, "-m", "cognito_desktop", "--profile", profile.name],
            env=os.environ.copy(),
            stdout=subprocess.DEVNULL,
            stderr=stderr,
        )
    try:
        deadline = time.monotonic() + 60
        restored = False
        while time.monotonic() < deadline and proc.poll() is None and not restored:
            time.sleep(0.2)
            text = log_file.read_text(encoding="utf-8")[len(before) :] if log_file.exists() else ""
            restored = f"session restored from the keyring for profile {profile.name}" in text
        assert restored, (
            "the restarted app did not restore the session:\n"
            + (log_file.read_text() if log_file.exists() else "(no log)")
            + child_stderr.read_text()[-3000:]
        )
        assert "showing the sign-in page" not in log_file.read_text(encoding="utf-8")[len(before) :]
    finally:
        proc.terminate()
        proc.wait(20)

    # Sign out: nothing of this profile remains in the keyring.
    last = open_window(qtbot, app_home)
    with qtbot.waitSignal(last.controller.signed_in, timeout=20_000):
        pass
    with qtbot.waitSignal(last.controller.signed_out, timeout=20_000):
        last.sign_out_action.trigger()
    assert keyring_services(profile.name) == []
    assert "removed from the keyring" in last.status_text.text()
    last.close()

    # Without "remember me" the login page kept nothing on disk, and nothing of
    # the app landed outside COGNITO_DESKTOP_HOME.
    assert not app_home.web_storage_dir.exists()
    for xdg in ("XDG_CACHE_HOME", "XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_STATE_HOME"):
        folder = os.environ.get(xdg)
        if folder and Path(folder).is_dir():
            strays = [p for p in Path(folder).rglob("*") if "ognito" in p.name]
            assert strays == [], f"files outside COGNITO_DESKTOP_HOME: {strays}"

    # No token, key, session token or password in any file the app wrote.
    written = [p for p in Path(os.environ["COGNITO_DESKTOP_HOME"]).rglob("*") if p.is_file()]
    assert app_home.log_file in written
    assert app_home.profiles_file in written
    for path in written:
        data = path.read_bytes()
        for secret in secrets:
            assert secret.encode() not in data, f"a secret leaked into {path}"


def test_a_dead_refresh_token_asks_to_sign_in_again_and_keeps_the_window(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    from PySide6.QtWidgets import QLabel

    window = open_window(qtbot, app_home)
    sign_in_through_the_page(qtbot, window, OPERATOR.username, OPERATOR.password)
    # The operator is working in another tab.
    other = QLabel("work in progress")
    window.panels.addTab(other, "Other work")
    window.panels.setCurrentWidget(other)

    # Behind the app's back the refresh token is revoked, and time moves on to
    # where the credentials must be renewed.
    session = window.controller.session
    assert session is not None
    assert session.tokens is not None
    session.oauth.revoke(session.tokens.refresh_token)
    session._clock = lambda: time.time() + 55 * 60
    window.controller.refresh_now()

    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LOGIN, timeout=20_000)
    assert any("expired or was revoked" in b.text() for b in window.findChildren(Banner))
    sign_in_through_the_page(qtbot, window, OPERATOR.username, OPERATOR.password)

    assert window.pages.currentIndex() == PAGE_WORKSPACE
    assert window.panels.currentWidget() is other
    assert window.session_panel.user.text() == "operator"
    window.close()


def test_the_api_console_sends_signed_requests_with_the_signed_in_session(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    from PySide6.QtCore import Qt

    window = open_window(qtbot, app_home)
    sign_in_through_the_page(qtbot, window, OPERATOR.username, OPERATOR.password)
    console = window.api_console
    assert console is not None
    window.panels.setCurrentWidget(console)
    qtbot.waitUntil(lambda: console.history is not None, timeout=10_000)
    assert console.editor.url.text() == "{{base_url}}/items"
    qtbot.mouseClick(console.editor.send_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: console.response_view.response is not None, timeout=20_000)
    response = console.response_view.response
    assert response is not None
    assert response.status == 200, response.explanation
    assert "Credential=ASIA" in response.canonical_request or response.canonical_request.startswith(
        "GET\n"
    )
    qtbot.waitUntil(lambda: console.history_list.count() == 1, timeout=5000)
    ARTIFACTS.mkdir(exist_ok=True)
    window.grab().save(str(ARTIFACTS / "api-console.png"))
    window.close()
