"""The main window: profile selector, sign in/out, banners, the session tab and room for panels."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QSettings, Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QLabel,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from .. import __version__
from ..services.config import ProfileSet
from ..services.paths import AppPaths
from .banner import Banner
from .session_controller import SessionController
from .session_panel import SessionPanel, format_countdown
from .worker import Worker

if TYPE_CHECKING:
    from PySide6.QtGui import QCloseEvent

    from ..services.session import SessionInfo
    from ..services.vault import BackendStatus
    from .api_console import ApiConsole
    from .dynamodb_panel import DynamoDbPanel
    from .login_view import LoginView
    from .s3_panel import S3Panel

log = logging.getLogger(__name__)

PAGE_STATUS, PAGE_LOGIN, PAGE_WORKSPACE = range(3)


class MainWindow(QMainWindow):
    def __init__(
        self,
        paths: AppPaths,
        profiles: ProfileSet,
        initial_profile: str | None = None,
        controller: SessionController | None = None,
    ) -> None:
        super().__init__()
        self.setObjectName("mainWindow")
        self.setWindowTitle("Cognito Desktop")
        self.paths = paths
        self.profiles = profiles
        self.worker = Worker(self)
        self.controller = controller or SessionController(self.worker, self)
        self.login_view: LoginView | None = None
        self.api_console: ApiConsole | None = None
        self.dynamodb_panel: DynamoDbPanel | None = None
        self.s3_panel: S3Panel | None = None
        self.signed_in_info: SessionInfo | None = None
        self._vault_banner: Banner | None = None
        self._initial_profile = initial_profile

        self._build_actions()
        self._build_toolbar()
        self._build_central()
        self._connect_controller()
        self._show_config_problems()
        self._restore_window_state()
        self._set_signed_in(False)

    # -- construction ----------------------------------------------------------

    def _build_actions(self) -> None:
        self.sign_in_action = QAction("Sign &in", self)
        self.sign_in_action.setShortcut(QKeySequence("Ctrl+L"))
        self.sign_in_action.triggered.connect(self.show_login)
        self.sign_out_action = QAction("Sign &out", self)
        self.sign_out_action.setShortcut(QKeySequence("Ctrl+Shift+L"))
        self.sign_out_action.triggered.connect(self.sign_out)
        self.renew_action = QAction("&Renew credentials now", self)
        self.renew_action.setShortcut(QKeySequence("Ctrl+R"))
        self.renew_action.triggered.connect(self.controller.force_refresh)
        quit_action = QAction("&Quit", self)
        quit_action.setShortcut(QKeySequence.StandardKey.Quit)
        quit_action.triggered.connect(self.close)
        logs_action = QAction("Open &log folder", self)
        logs_action.triggered.connect(
            lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.log_dir)))
        )
        config_action = QAction("Open &profiles folder", self)
        config_action.triggered.connect(self._open_config_folder)
        about_action = QAction("&About Cognito Desktop", self)
        about_action.triggered.connect(self._about)

        menu = self.menuBar()
        file_menu = menu.addMenu("&File")
        file_menu.addAction(config_action)
        file_menu.addSeparator()
        file_menu.addAction(quit_action)
        session_menu = menu.addMenu("&Session")
        session_menu.addActions([self.sign_in_action, self.sign_out_action, self.renew_action])
        help_menu = menu.addMenu("&Help")
        help_menu.addActions([logs_action, about_action])

    def _build_toolbar(self) -> None:
        toolbar = QToolBar("Session", self)
        toolbar.setObjectName("sessionToolbar")
        toolbar.setMovable(False)
        self.addToolBar(toolbar)
        toolbar.addWidget(QLabel(" Profile: "))
        self.profile_box = QComboBox()
        self.profile_box.setObjectName("profileBox")
        self.profile_box.setMinimumWidth(180)
        self.profile_box.setToolTip(f"Profiles from {self.paths.profiles_file}")
        for name in self.profiles.names():
            self.profile_box.addItem(name)
        self.profile_box.currentTextChanged.connect(self._profile_chosen)
        toolbar.addWidget(self.profile_box)
        toolbar.addSeparator()
        toolbar.addAction(self.sign_in_action)
        toolbar.addAction(self.sign_out_action)
        self.user_label = QLabel()
        self.user_label.setObjectName("toolbarUser")
        spacer = QWidget()
        spacer.setSizePolicy(
            spacer.sizePolicy().horizontalPolicy().Expanding,
            spacer.sizePolicy().verticalPolicy().Preferred,
        )
        toolbar.addWidget(spacer)
        toolbar.addWidget(self.user_label)

        self.busy_label = QLabel()
        self.busy_label.setObjectName("busyLabel")
        self.expiry_label = QLabel()
        self.expiry_label.setObjectName("expiryLabel")
        self.statusBar().addWidget(self.busy_label, 1)
        self.statusBar().addPermanentWidget(self.expiry_label)

    def _build_central(self) -> None:
        self.status_text = QLabel(alignment=Qt.AlignmentFlag.AlignCenter, wordWrap=True)
        self.status_text.setObjectName("statusText")
        self.status_sign_in = QPushButton("Sign in")
        self.status_sign_in.clicked.connect(self.show_login)
        status_page = QWidget()
        status_layout = QVBoxLayout(status_page)
        status_layout.addStretch()
        status_layout.addWidget(self.status_text)
        status_layout.addWidget(self.status_sign_in, 0, Qt.AlignmentFlag.AlignHCenter)
        status_layout.addStretch()

        self.login_holder = QWidget()
        self.login_holder.setLayout(QVBoxLayout())
        self.login_holder.layout().setContentsMargins(0, 0, 0, 0)

        # The panels of later features (S3, DynamoDB, API console) are tabs here.
        self.panels = QTabWidget()
        self.panels.setObjectName("panels")
        self.panels.setDocumentMode(True)
        self.session_panel = SessionPanel()
        self.session_panel.renew_requested.connect(self.controller.force_refresh)
        self.session_panel._tick.timeout.connect(self._update_expiry_label)
        self.panels.addTab(self.session_panel, "Session")

        self.pages = QStackedWidget()
        self.pages.addWidget(status_page)
        self.pages.addWidget(self.login_holder)
        self.pages.addWidget(self.panels)

        self.banners = QVBoxLayout()
        self.banners.setContentsMargins(0, 0, 0, 0)
        self.banners.setSpacing(0)
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.banners)
        layout.addWidget(self.pages, 1)
        self.setCentralWidget(central)

    def _connect_controller(self) -> None:
        c = self.controller
        c.busy.connect(self.busy_label.setText)
        c.vault_status.connect(self._show_vault_status)
        c.signed_in.connect(self._on_signed_in)
        c.credentials_renewed.connect(self._on_renewed)
        c.login_needed.connect(self._on_login_needed)
        c.signed_out.connect(self._on_signed_out)
        c.failed.connect(self._on_failed)
        c.caller_identity.connect(self.session_panel.show_role)
        c.caller_identity.connect(self._role_known)

    # -- start -----------------------------------------------------------------

    def start(self) -> None:
        """Pick the initial profile and restore its session (in the background)."""
        profile = self.profiles.initial(self._initial_profile)
        if self._initial_profile and self.profiles.get(self._initial_profile) is None:
            self.add_banner(
                "error",
                f"There is no valid profile named "
                f"'{self._initial_profile}' in {self.paths.profiles_file}.",
            )
        if profile is None:
            self._show_status(
                "No profile yet.\n\nRun 'cognito-desktop sandbox' to try the app on a local "
                f"AWS, or add a profile to {self.paths.profiles_file} (see the README).",
                sign_in=False,
            )
            return
        if self.profile_box.currentText() != profile.name:
            self.profile_box.setCurrentText(profile.name)  # emits → _profile_chosen
        else:
            self._profile_chosen(profile.name)

    def _profile_chosen(self, name: str) -> None:
        profile = self.profiles.get(name)
        if self.login_view is not None:
            self.login_view.stop()
        self._set_signed_in(False)
        self.session_panel.clear()
        for panel in self._work_panels():
            panel.set_context(profile, None)
        self._show_status(f"Opening profile '{name}'…", sign_in=False)
        self.controller.set_profile(profile)

    # -- session events ----------------------------------------------------------

    def _show_status(self, text: str, sign_in: bool) -> None:
        self.status_text.setText(text)
        self.status_sign_in.setVisible(sign_in)
        self.pages.setCurrentIndex(PAGE_STATUS)

    def _set_signed_in(self, signed_in: bool) -> None:
        self.sign_out_action.setEnabled(signed_in)
        self.renew_action.setEnabled(signed_in)
        self.sign_in_action.setEnabled(not signed_in)
        if not signed_in:
            self.signed_in_info = None
            self.user_label.clear()
            self.expiry_label.clear()

    def _ensure_panels(self) -> None:
        """Create the work panels on first sign-in (they cost nothing before)."""
        if self.api_console is None:
            from .api_console import ApiConsole

            self.api_console = ApiConsole(self.worker, self.paths)
            self.api_console.session_expired.connect(self._on_login_needed)
            self.panels.addTab(self.api_console, "API console")
        if self.dynamodb_panel is None:
            from .dynamodb_panel import DynamoDbPanel

            self.dynamodb_panel = DynamoDbPanel(self.worker)
            self.dynamodb_panel.session_expired.connect(self._on_login_needed)
            self.panels.addTab(self.dynamodb_panel, "DynamoDB")
        if self.s3_panel is None:
            from .s3_panel import S3Panel

            self.s3_panel = S3Panel(self.worker)
            self.s3_panel.session_expired.connect(self._on_login_needed)
            self.panels.addTab(self.s3_panel, "S3")
            self._show_saved_tab()

    def _show_saved_tab(self) -> None:
        for index in range(self.panels.count()):
            if self._saved_tab and self.panels.tabText(index) == self._saved_tab:
                self.panels.setCurrentIndex(index)

    def _work_panels(self) -> list[ApiConsole | DynamoDbPanel | S3Panel]:
        panels = (self.api_console, self.dynamodb_panel, self.s3_panel)
        return [p for p in panels if p is not None]

    def _role_known(self, arn: str) -> None:
        if self.api_console is not None:
            self.api_console.set_role(arn)

    def _on_signed_in(self, info: SessionInfo) -> None:
        self.signed_in_info = info
        self._set_signed_in(True)
        self._ensure_panels()
        for panel in self._work_panels():
            panel.set_context(self.controller.profile, self.controller.session)
        self.session_panel.show_session(info)
        groups = f" ({', '.join(info.claims.groups)})" if info.claims.groups else ""
        self.user_label.setText(f"{info.claims.username}{groups} ")
        self.setWindowTitle(f"{info.claims.username} — {info.profile} — Cognito Desktop")
        if self.login_view is not None:
            self.login_view.stop()
        self.pages.setCurrentIndex(PAGE_WORKSPACE)

    def _on_renewed(self, info: SessionInfo) -> None:
        self.signed_in_info = info
        self.session_panel.show_session(info)

    def _on_login_needed(self, reason: str) -> None:
        # Several panels may find the same dead session at once: one page, one banner.
        asking = (
            self.pages.currentIndex() == PAGE_LOGIN and self.controller.pending_request is not None
        )
        if self.signed_in_info is not None and reason:
            # Mid-session: the tabs stay as they are underneath; only sign-in is asked.
            shown = {b.text() for b in self.findChildren(Banner)}  # dismissed ones are deleted
            if reason not in shown:
                self.add_banner("warning", reason)
        if not asking:
            self.show_login()

    def _on_signed_out(self, warning: str) -> None:
        self._set_signed_in(False)
        for panel in self._work_panels():
            panel.set_context(self.controller.profile, None)
        self.session_panel.clear()
        self.setWindowTitle("Cognito Desktop")
        if warning:
            self.add_banner("warning", f"Signed out locally. {warning}")
        self._show_status(
            "Signed out. Every secret of this profile was removed from the keyring.", sign_in=True
        )

    def _on_failed(self, message: str) -> None:
        self.add_banner("error", message)
        if self.pages.currentIndex() == PAGE_STATUS and self.signed_in_info is None:
            self.status_sign_in.setVisible(self.controller.profile is not None)

    def _show_vault_status(self, status: BackendStatus) -> None:
        if self._vault_banner is not None:
            self._vault_banner.deleteLater()
            self._vault_banner = None
        if not status.usable:
            self._vault_banner = self.add_banner(
                "warning",
                "No usable keyring: your session is kept in memory only and ends when the app "
                f"closes. {status.detail}",
                closable=False,
            )

    def _update_expiry_label(self) -> None:
        left = self.session_panel.seconds_left()
        self.expiry_label.setText(
            "" if left is None else f"Credentials expire in {format_countdown(left)} "
        )

    # -- sign in / out -------------------------------------------------------------

    def show_login(self) -> None:
        request = self.controller.begin_login()
        if request is None:
            return
        profile = self.controller.profile
        assert profile is not None
        if self.login_view is None:
            from .login_view import LoginView  # loads QtWebEngine on first use only

            self.login_view = LoginView(self.paths.web_storage_dir, self.paths.web_cache_dir)
            self.login_view.redirected.connect(self._login_redirected)
            self.login_view.cancelled.connect(self._login_cancelled)
            self.login_holder.layout().addWidget(self.login_view)
        log.info("showing the sign-in page for profile %s", profile.name)
        self.login_view.start(request, profile.remember_me, profile.name)
        self.pages.setCurrentIndex(PAGE_LOGIN)

    def _login_redirected(self, url: str) -> None:
        self._show_status("Signing in…", sign_in=False)
        self.controller.finish_login(url)

    def _login_cancelled(self) -> None:
        if self.login_view is not None:
            self.login_view.stop()
        if self.signed_in_info is not None:
            self.pages.setCurrentIndex(PAGE_WORKSPACE)
        else:
            self._show_status("Not signed in.", sign_in=True)

    def sign_out(self) -> None:
        self.controller.sign_out()

    # -- banners ---------------------------------------------------------------------

    def add_banner(self, kind: str, text: str, action: str = "", closable: bool = True) -> Banner:
        banner = Banner(kind, text, action, closable)
        self.banners.addWidget(banner)
        return banner

    def _show_config_problems(self) -> None:
        if not self.profiles.problems:
            return
        lines = "\n".join(f"• {p}" for p in self.profiles.problems[:8])
        more = len(self.profiles.problems) - 8
        if more > 0:
            lines += f"\n• …and {more} more"
        banner = self.add_banner(
            "error",
            "Some profiles could not be loaded; the others work as usual. Fix the "
            f"file and restart:\n{lines}",
            action="Open folder",
        )
        banner.action_clicked.connect(self._open_config_folder)

    def _open_config_folder(self) -> None:
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.paths.config_dir)))

    def _about(self) -> None:
        QMessageBox.about(
            self,
            "About Cognito Desktop",
            f"Cognito Desktop {__version__}\n\nSign in through Amazon Cognito and "
            "work with AWS. Secrets live only in your OS keyring.",
        )

    # -- window state ------------------------------------------------------------------

    def _settings(self) -> QSettings:
        return QSettings(str(self.paths.window_state_file), QSettings.Format.IniFormat)

    def _restore_window_state(self) -> None:
        # A few hundred bytes read once before the first paint, so the window
        # opens where it was instead of jumping there.
        settings = self._settings()
        geometry = settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1100, 720)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        # The work panels come at sign-in; the tab to show then is remembered now.
        self._saved_tab = str(settings.value("window/tab", "") or "")

    def closeEvent(self, event: QCloseEvent) -> None:
        self.paths.state_dir.mkdir(parents=True, exist_ok=True)
        settings = self._settings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        settings.setValue("window/tab", self.panels.tabText(self.panels.currentIndex()))
        settings.sync()
        if self.login_view is not None:
            self.login_view.stop()
        super().closeEvent(event)
