"""The hosted login page inside the app, and the catch of its redirect.

QtWebEngine is imported here only, and this module is imported only when a
sign-in starts, so the main window paints before Chromium loads.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QTimer, QUrl, Signal
from PySide6.QtWebEngineCore import QWebEnginePage, QWebEngineProfile
from PySide6.QtWebEngineWidgets import QWebEngineView
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from ..services.oauth import AuthorizationRequest, is_redirect

log = logging.getLogger(__name__)


class _CatchingPage(QWebEnginePage):
    """Stops the navigation to the redirect URI and hands its URL over instead.

    The redirect never leaves the app: no local server, nothing loads it.
    """

    def __init__(
        self,
        profile: QWebEngineProfile,
        request: AuthorizationRequest,
        owner: LoginView,
        parent: QWebEngineView,
    ) -> None:
        # Parented to its view: the view takes the page with it, before the
        # profile goes (a profile must outlive its pages).
        super().__init__(profile, parent)
        self._request = request
        self._owner = owner

    def acceptNavigationRequest(
        self, url: QUrl | str, navigation_type: QWebEnginePage.NavigationType, is_main_frame: bool
    ) -> bool:
        target = url.toString() if isinstance(url, QUrl) else str(url)
        if is_redirect(self._request, target):
            self._owner.caught(target)
            return False
        return super().acceptNavigationRequest(url, navigation_type, is_main_frame)


class LoginView(QWidget):
    """Shows the user pool's hosted login page.

    Signals:
        redirected(str): the redirect URI was reached; the URL carries code and state.
        cancelled(): the user gave up on signing in.
        remember_me_changed(bool): the user ticked or unticked "remember me".
    """

    redirected = Signal(str)
    cancelled = Signal()
    remember_me_changed = Signal(bool)

    def __init__(
        self, web_storage_dir: Path, web_cache_dir: Path, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setObjectName("loginView")
        self._storage_dir = web_storage_dir
        self._cache_dir = web_cache_dir
        self._request: AuthorizationRequest | None = None
        self._profile: QWebEngineProfile | None = None
        self._page: _CatchingPage | None = None
        self._done = False
        self._storage_name = "default"

        # A new view, page and profile are made for every sign-in (start()), so
        # no page ever uses Qt's default profile and teardown order is ours.
        self.view: QWebEngineView | None = None
        self.blank = QWidget()

        self.problem = QLabel(wordWrap=True)
        self.problem.setObjectName("loginProblem")
        self.retry_button = QPushButton("&Retry")
        self.retry_button.clicked.connect(self.retry)
        problem_page = QWidget()
        problem_layout = QVBoxLayout(problem_page)
        problem_layout.addStretch()
        problem_layout.addWidget(self.problem)
        row = QHBoxLayout()
        row.addStretch()
        row.addWidget(self.retry_button)
        row.addStretch()
        problem_layout.addLayout(row)
        problem_layout.addStretch()

        self.pages = QStackedWidget()
        self.pages.addWidget(self.blank)
        self.pages.addWidget(problem_page)
        self.problem_page = problem_page

        self.remember = QCheckBox(
            "Remember me on this computer (keeps the login page's cookies on disk)"
        )
        self.remember.toggled.connect(self._remember_toggled)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setShortcut("Esc")
        self.cancel_button.clicked.connect(self.cancelled)
        self.where = QLabel()
        self.where.setObjectName("loginWhere")
        footer = QHBoxLayout()
        footer.addWidget(self.where, 1)
        footer.addWidget(self.remember)
        footer.addWidget(self.cancel_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.pages, 1)
        layout.addLayout(footer)

    # -- lifecycle -------------------------------------------------------------

    def start(self, request: AuthorizationRequest, remember_me: bool, storage_name: str) -> None:
        """Open the login page for ``request`` in a fresh web profile."""
        self._request = request
        self._storage_name = storage_name
        self._done = False
        self.remember.blockSignals(True)
        self.remember.setChecked(remember_me)
        self.remember.blockSignals(False)
        self._release_page()
        view = QWebEngineView()
        view.loadFinished.connect(self._load_finished)
        if remember_me:
            profile = QWebEngineProfile(f"cognito-desktop-{storage_name}", self)
            storage = self._storage_dir / storage_name
            storage.mkdir(parents=True, exist_ok=True)
            profile.setPersistentStoragePath(str(storage))
            profile.setCachePath(str(self._cache_dir / storage_name))
        else:
            # Off the record: cookies, cache and storage live in memory only.
            profile = QWebEngineProfile(self)
            profile.setHttpCacheType(QWebEngineProfile.HttpCacheType.MemoryHttpCache)
            profile.setPersistentCookiesPolicy(
                QWebEngineProfile.PersistentCookiesPolicy.NoPersistentCookies
            )
        self._profile = profile
        self._page = _CatchingPage(profile, request, self, view)
        view.setPage(self._page)
        self.pages.addWidget(view)
        self.view = view
        url = QUrl(request.url)
        self.where.setText(
            f"Signing in at {url.host()}" + (f":{url.port()}" if url.port() > 0 else "")
        )
        self.pages.setCurrentWidget(view)
        view.load(url)
        view.setFocus()

    def retry(self) -> None:
        if self._request is not None:
            self.start(self._request, self.remember.isChecked(), self._storage_name)

    def caught(self, url: str) -> None:
        """Called from inside Chromium's navigation callback: only note the URL
        there, and hand it on from the event loop (re-entering Chromium from the
        callback trips its internal checks)."""
        if self._done:
            return
        self._done = True
        QTimer.singleShot(0, lambda: self.redirected.emit(url))

    def stop(self) -> None:
        self._done = True
        self._release_page()

    def _release_page(self) -> None:
        # View, then page, then profile: a profile must outlive its pages, or
        # Chromium warns and may crash. deleteLater runs them in this order.
        view, profile = self.view, self._profile
        self.view, self._page, self._profile = None, None, None
        if view is not None:
            self.pages.setCurrentWidget(self.blank)
            self.pages.removeWidget(view)
            view.stop()
            view.deleteLater()  # takes its page along
        if profile is not None:
            profile.deleteLater()

    # -- events ----------------------------------------------------------------

    def _load_finished(self, ok: bool) -> None:
        if ok or self._done or self._request is None:
            return
        host = QUrl(self._request.url).host()
        self.show_problem(
            f"The sign-in page at {host} could not be loaded. Check your network "
            "connection and the profile's hosted_ui_url, then retry."
        )

    def show_problem(self, message: str) -> None:
        self.problem.setText(message)
        self.pages.setCurrentWidget(self.problem_page)
        self.retry_button.setFocus()

    def _remember_toggled(self, checked: bool) -> None:
        self.remember_me_changed.emit(checked)
        if self._request is not None and not self._done:
            self.start(self._request, checked, self._storage_name)
