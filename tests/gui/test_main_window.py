"""The main window with pytest-qt: what an operator sees in each state."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from cognito_desktop.services.config import Profile, load_profiles
from cognito_desktop.services.paths import AppPaths
from cognito_desktop.services.session import SessionInfo
from cognito_desktop.services.tokens import IdClaims
from cognito_desktop.services.vault import BackendStatus, MemoryVault
from cognito_desktop.ui.banner import Banner
from cognito_desktop.ui.main_window import PAGE_LOGIN, PAGE_STATUS, MainWindow
from cognito_desktop.ui.session_controller import SessionController
from cognito_desktop.ui.session_panel import SessionPanel, format_countdown


def make_window(
    qtbot: QtBot, paths: AppPaths, profile_name: str | None = None, keyring_ok: bool = True
) -> MainWindow:
    def memory_vault(name: str) -> tuple[MemoryVault, BackendStatus]:
        status = BackendStatus(keyring_ok, "test", "Install and unlock gnome-keyring.")
        return MemoryVault(name), status

    window = MainWindow(paths, load_profiles(paths.profiles_file), profile_name)
    window.controller._open_vault = memory_vault
    qtbot.addWidget(window)
    window.show()
    window.start()
    return window


def banners(window: MainWindow) -> list[str]:
    return [b.text() for b in window.findChildren(Banner)]


def test_without_profiles_the_window_says_how_to_get_one(qtbot: QtBot, app_home: AppPaths) -> None:
    window = make_window(qtbot, app_home)
    assert window.pages.currentIndex() == PAGE_STATUS
    assert "cognito-desktop sandbox" in window.status_text.text()
    assert str(app_home.profiles_file) in window.status_text.text()


def test_a_malformed_profile_is_named_and_the_app_still_opens(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    text = app_home.profiles_file.read_text()
    app_home.profiles_file.write_text(
        text + '\n[profiles.broken]\nregion = "eu-west-1"\nuser_pool_id = "nope"\n'
    )
    window = make_window(qtbot, app_home)
    (message,) = [t for t in banners(window) if "could not be loaded" in t]
    assert str(app_home.profiles_file) in message
    assert "profile 'broken', field 'user_pool_id'" in message
    assert "REGION_ID" in message
    # The good profile is still there and usable.
    assert window.profile_box.findText(profile.name) >= 0


def test_invalid_toml_does_not_stop_the_app(qtbot: QtBot, app_home: AppPaths) -> None:
    app_home.config_dir.mkdir(parents=True)
    app_home.profiles_file.write_text("[profiles.x\n")
    window = make_window(qtbot, app_home)
    assert any("not valid TOML" in t for t in banners(window))
    assert window.pages.currentIndex() == PAGE_STATUS


def test_no_session_shows_the_sign_in_page_by_itself(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    window = make_window(qtbot, app_home)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LOGIN, timeout=15_000)
    assert window.login_view is not None
    view = window.login_view.view
    assert view is not None
    qtbot.waitUntil(lambda: "/oauth2/authorize" in view.url().toString(), timeout=15_000)
    assert window.login_view.where.text().startswith("Signing in at 127.0.0.1")
    assert not window.sign_out_action.isEnabled()


def test_without_a_keyring_a_banner_says_memory_only(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    window = make_window(qtbot, app_home, keyring_ok=False)
    qtbot.waitUntil(lambda: any("memory only" in t for t in banners(window)), timeout=15_000)
    assert any("Install and unlock gnome-keyring" in t for t in banners(window))


def test_an_error_on_the_redirect_is_shown_and_sign_in_offered_again(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    window = make_window(qtbot, app_home)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LOGIN, timeout=15_000)
    request = window.controller.pending_request
    assert request is not None
    window._login_redirected(f"{profile.redirect_uri}?error=access_denied&state={request.state}")
    assert any("refused or cancelled" in t for t in banners(window))
    # A new sign-in attempt (fresh state) is on screen again.
    assert window.pages.currentIndex() == PAGE_LOGIN
    assert window.controller.pending_request is not None
    assert window.controller.pending_request.state != request.state


def test_an_unreachable_login_page_offers_a_retry(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    from cognito_desktop.sandbox.emulator import free_port
    from cognito_desktop.services.config import upsert_profile

    dead = Profile(**{**profile.__dict__, "hosted_ui_url": f"http://127.0.0.1:{free_port()}"})
    upsert_profile(app_home.profiles_file, dead)
    window = make_window(qtbot, app_home)
    qtbot.waitUntil(
        lambda: (
            window.login_view is not None
            and window.login_view.pages.currentWidget() is window.login_view.problem_page
        ),
        timeout=20_000,
    )
    assert window.login_view is not None
    assert "could not be loaded" in window.login_view.problem.text()
    assert window.login_view.retry_button.isVisible()


def test_cancel_returns_to_a_signed_out_page(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    window = make_window(qtbot, app_home)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LOGIN, timeout=15_000)
    assert window.login_view is not None
    window.login_view.cancel_button.click()
    assert window.pages.currentIndex() == PAGE_STATUS
    assert window.status_sign_in.isVisible()


def test_window_geometry_is_remembered(qtbot: QtBot, app_home: AppPaths) -> None:
    window = make_window(qtbot, app_home)
    window.resize(812, 533)
    qtbot.waitUntil(lambda: window.width() == 812)
    window.close()
    assert app_home.window_state_file.exists()
    again = make_window(qtbot, app_home)
    assert (again.width(), again.height()) == (812, 533)


def test_the_last_work_panel_shown_is_shown_again_after_sign_in(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    window = make_window(qtbot, app_home)
    window._ensure_panels()  # what the first sign-in does
    names = [window.panels.tabText(i) for i in range(window.panels.count())]
    assert names == ["Session", "API console", "DynamoDB", "S3"]
    window.panels.setCurrentIndex(names.index("DynamoDB"))
    window.close()

    again = make_window(qtbot, app_home)
    assert again.panels.tabText(again.panels.currentIndex()) == "Session"  # signed out
    again._ensure_panels()
    assert again.panels.tabText(again.panels.currentIndex()) == "DynamoDB"


def test_several_panels_finding_the_session_dead_open_one_sign_in_page(
    qtbot: QtBot, app_home: AppPaths, profile: Profile
) -> None:
    window = make_window(qtbot, app_home, profile.name)
    qtbot.waitUntil(lambda: window.pages.currentIndex() == PAGE_LOGIN, timeout=20_000)
    window.signed_in_info = info(60)  # as if signed in when the session died
    reason = "Your sign-in expired or was revoked. Sign in again."
    window._on_login_needed(reason)
    request = window.controller.pending_request
    assert request is not None
    window._on_login_needed(reason)  # a second panel, same dead session
    assert window.controller.pending_request is request, "the sign-in page was restarted"
    assert window.pages.currentIndex() == PAGE_LOGIN
    assert banners(window).count(reason) == 1
    window.close()


def info(seconds_left: float) -> SessionInfo:
    claims = IdClaims(
        subject="s",
        username="operator",
        email="op@example.com",
        groups=("operators", "admins"),
        issuer="i",
        audience="a",
        expires_at=0,
    )
    return SessionInfo(
        profile="p",
        claims=claims,
        identity_id="us-east-1:abc",
        credentials_expiration=dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds_left),
        access_key_id_prefix="ASIA",
    )


def test_session_panel_shows_user_groups_identity_and_a_live_countdown(qtbot: QtBot) -> None:
    panel = SessionPanel()
    qtbot.addWidget(panel)
    panel.show_session(info(125))
    assert panel.user.text() == "operator"
    assert panel.groups.text() == "operators, admins"
    assert panel.identity_id.text() == "us-east-1:abc"
    assert "secret in the keyring" in panel.access_key.text()
    first = panel.countdown.text()
    assert first in ("02:05", "02:04")
    qtbot.waitUntil(lambda: panel.countdown.text() != first, timeout=3000)
    assert panel.countdown.text() < first


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0, "expired"), (-5, "expired"), (59, "00:59"), (3599, "59:59"), (3600, "1:00:00")],
)
def test_countdown_format(seconds: float, text: str) -> None:
    assert format_countdown(seconds) == text


def test_controller_drops_answers_for_a_profile_no_longer_shown(
    qtbot: QtBot, profile: Profile
) -> None:
    from cognito_desktop.ui.worker import Worker

    slow: list[str] = []

    def opener(name: str) -> tuple[MemoryVault, BackendStatus]:
        import time

        time.sleep(0.3)
        slow.append(name)
        return MemoryVault(name), BackendStatus(True, "test", "")

    controller = SessionController(Worker(), vault_opener=opener)
    seen: list[object] = []
    controller.login_needed.connect(seen.append)
    controller.set_profile(profile)
    controller.set_profile(None)
    qtbot.waitUntil(lambda: slow == [profile.name], timeout=5000)
    qtbot.wait(100)
    assert seen == []
    controller.worker.wait_for_done()


def test_ui_layer_imports_no_webengine_until_sign_in() -> None:
    import subprocess
    import sys

    code = (
        "import sys; import cognito_desktop.ui.main_window; "
        "print(any(m.startswith('PySide6.QtWebEngine') for m in sys.modules), "
        "'boto3' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        cwd=Path(__file__).parents[2],
    ).stdout.split()
    assert out == ["False", "False"]
