"""Drives one profile's session from the UI: restore, sign in, refresh ahead, sign out.

Every service call runs through the Worker; results come back as signals. A
generation counter drops answers that arrive after the profile changed.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QObject, QTimer, Signal

from ..services.config import Profile
from ..services.errors import AuthError, ReauthenticationRequired
from .messages import describe
from .worker import Worker

if TYPE_CHECKING:
    from types import ModuleType

    from ..services.oauth import AuthorizationRequest
    from ..services.session import Session, SessionInfo
    from ..services.vault import BackendStatus, SecretVault

    VaultOpener = Callable[[str], tuple[SecretVault, BackendStatus]]

log = logging.getLogger(__name__)


# The session stack (requests, PyJWT, keyring) is imported on first use, mostly
# inside worker jobs, so none of it delays the window's first paint.
def _oauth() -> ModuleType:
    from ..services import oauth

    return oauth


def _session_module() -> ModuleType:
    from ..services import session

    return session


def _credentials_refresh_margin() -> float:
    return float(_session_module().CREDENTIALS_REFRESH_MARGIN)


def _open_vault_default(profile: str) -> tuple[SecretVault, BackendStatus]:
    from ..services.vault import open_vault

    return open_vault(profile)


class SessionController(QObject):
    """The UI's handle on the current profile's session.

    Signals:
        busy(str): work started; the text says what (empty when idle).
        vault_status(object): the BackendStatus of the keyring in use.
        signed_in(object): a SessionInfo, after sign-in or restore.
        credentials_renewed(object): a SessionInfo with the new expiry.
        login_needed(str): no usable session; the text says why (may be empty).
        signed_out(str): signed out; the text is a warning, or empty.
        failed(str): an operation failed; the text is for the operator.
        caller_identity(str): the role ARN the credentials act as.
    """

    busy = Signal(str)
    vault_status = Signal(object)
    signed_in = Signal(object)
    credentials_renewed = Signal(object)
    login_needed = Signal(str)
    signed_out = Signal(str)
    failed = Signal(str)
    caller_identity = Signal(str)

    def __init__(
        self,
        worker: Worker,
        parent: QObject | None = None,
        vault_opener: VaultOpener | None = None,
    ) -> None:
        super().__init__(parent)
        self.worker = worker
        self._open_vault = vault_opener
        self.profile: Profile | None = None
        self.session: Session | None = None
        self.pending_request: AuthorizationRequest | None = None
        self._generation = 0
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.timeout.connect(self.refresh_now)

    # -- plumbing ------------------------------------------------------------

    def _run(
        self,
        label: str,
        fn: Callable[..., Any],
        *args: Any,
        on_result: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        generation = self._generation
        self.busy.emit(label)

        # Closures are not disconnected when this object dies (bound slots
        # would be), so each checks that the controller still exists.
        def current() -> bool:
            return shiboken6.isValid(self) and generation == self._generation

        def result(value: Any) -> None:
            if current():
                self.busy.emit("")
                on_result(value)

        def error(exc: BaseException) -> None:
            if current():
                self.busy.emit("")
                (on_error or self._fail)(exc)

        self.worker.submit(fn, *args, on_result=result, on_error=error)

    def _fail(self, exc: BaseException) -> None:
        if isinstance(exc, ReauthenticationRequired):
            self.login_needed.emit(str(exc))
            return
        self.failed.emit(describe(exc))

    # -- profile and restore -------------------------------------------------

    def set_profile(self, profile: Profile | None) -> None:
        """Switch to ``profile``: open its vault and restore its session if any."""
        self._generation += 1
        self._refresh_timer.stop()
        self.profile, self.session, self.pending_request = profile, None, None
        if profile is None:
            return

        def open_and_restore() -> tuple[Session, BackendStatus, SessionInfo | None, str]:
            vault, status = (self._open_vault or _open_vault_default)(profile.name)
            session = _session_module().Session(profile, vault)
            try:
                return session, status, session.restore(), ""
            except ReauthenticationRequired as exc:
                return session, status, None, str(exc)

        def restored(value: tuple[Session, BackendStatus, SessionInfo | None, str]) -> None:
            self.session, status, info, reason = value
            self.vault_status.emit(status)
            if info is None:
                log.info("no stored session for profile %s", profile.name)
                self.login_needed.emit(reason)
            else:
                log.info("session restored from the keyring for profile %s", profile.name)
                self._on_signed_in(info)

        def broken(exc: BaseException) -> None:
            self.failed.emit(describe(exc))
            self.login_needed.emit("")

        self._run("Opening the keyring…", open_and_restore, on_result=restored, on_error=broken)

    # -- sign in -------------------------------------------------------------

    def begin_login(self) -> AuthorizationRequest | None:
        """A fresh authorization request (PKCE, state, nonce) for the login page."""
        if self.profile is None:
            return None
        self.pending_request = _oauth().prepare_authorization(self.profile)
        return self.pending_request

    def finish_login(self, redirect_url: str) -> None:
        request, self.pending_request = self.pending_request, None
        session = self.session
        if request is None or session is None:
            self.failed.emit(
                "That sign-in answer arrived for no sign-in in progress. Start the sign-in again."
            )
            return
        try:
            code = _oauth().code_from_redirect(request, redirect_url)
        except AuthError as exc:
            self.failed.emit(str(exc))
            self.login_needed.emit(str(exc))
            return

        def failed(exc: BaseException) -> None:
            self.failed.emit(describe(exc))
            self.login_needed.emit(describe(exc))

        self._run(
            "Signing in…",
            session.complete_login,
            request,
            code,
            on_result=self._on_signed_in,
            on_error=failed,
        )

    def _on_signed_in(self, info: SessionInfo) -> None:
        self.signed_in.emit(info)
        self._schedule_refresh(info)
        self.check_caller_identity()

    def check_caller_identity(self) -> None:
        session = self.session
        if session is None or not session.profile.identity_pool_id:
            return

        self._run(
            "Checking the credentials…", session.caller_arn, on_result=self.caller_identity.emit
        )

    # -- refresh ahead -------------------------------------------------------

    def _schedule_refresh(self, info: SessionInfo) -> None:
        if info.credentials_expiration is None:
            return
        left = (info.credentials_expiration - dt.datetime.now(dt.UTC)).total_seconds()
        due = max(1.0, left - _credentials_refresh_margin() - 30)
        self._refresh_timer.start(int(min(due, 2**31 / 1000 - 1) * 1000))

    def refresh_now(self) -> None:
        """Renew credentials (and tokens behind them) now if they are near expiry."""
        session = self.session
        if session is None or not session.signed_in:
            return

        def renewed(_: Any) -> None:
            info = session.info()
            self.credentials_renewed.emit(info)
            self._schedule_refresh(info)

        self._run("Renewing credentials…", session.ensure_fresh, on_result=renewed)

    def force_refresh(self) -> None:
        """Renew credentials now, whatever their expiry (the "Renew now" button)."""
        session = self.session
        if session is None or not session.signed_in:
            return

        def renew() -> SessionInfo:
            session.ensure_fresh(margin=float("inf"))
            return session.info()

        def renewed(info: SessionInfo) -> None:
            self.credentials_renewed.emit(info)
            self._schedule_refresh(info)

        self._run("Renewing credentials…", renew, on_result=renewed)

    # -- sign out ------------------------------------------------------------

    def sign_out(self) -> None:
        session = self.session
        self._refresh_timer.stop()
        if session is None:
            self.signed_out.emit("")
            return
        self._run(
            "Signing out…",
            session.sign_out,
            on_result=lambda warning: self.signed_out.emit(warning or ""),
        )
