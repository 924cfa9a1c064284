"""Create the QApplication, show the main window, run the event loop."""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtWidgets import QApplication

from ..services.config import load_profiles
from ..services.logsetup import redact
from ..services.paths import app_paths
from .assets import icon_path
from .main_window import MainWindow
from .qtlog import route_qt_messages

log = logging.getLogger(__name__)


def _excepthook(
    exc_type: type[BaseException], exc: BaseException, tb: TracebackType | None
) -> None:
    """Log any uncaught exception and show it in a copyable dialog, secrets scrubbed."""
    import traceback

    from PySide6.QtWidgets import QMessageBox

    log.critical("uncaught exception", exc_info=(exc_type, exc, tb))
    report = redact("".join(traceback.format_exception(exc_type, exc, tb)))
    if QApplication.instance() is not None:
        box = QMessageBox(
            QMessageBox.Icon.Critical,
            "Cognito Desktop",
            "Something went wrong. The app keeps running; the report below is "
            "also in the log file.",
        )
        box.setDetailedText(report)
        box.exec()


def create_application(argv: list[str] | None = None) -> QApplication:
    # QtWebEngine is loaded lazily (first sign-in); it needs shared GL contexts
    # set before the QApplication exists.
    QCoreApplication.setAttribute(Qt.ApplicationAttribute.AA_ShareOpenGLContexts)
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(argv or sys.argv)
    app.setApplicationName("Cognito Desktop")
    app.setOrganizationName("cognito-desktop")
    app.setDesktopFileName("cognito-desktop")
    route_qt_messages()
    # The icon (an SVG through importlib.resources) can wait until after the first paint.
    QTimer.singleShot(0, lambda: _set_icon(app))
    return app


def _set_icon(app: QApplication) -> None:
    from PySide6.QtGui import QIcon

    icon = icon_path()
    if icon is not None:
        app.setWindowIcon(QIcon(str(icon)))


def run(profile_name: str | None) -> int:
    app = create_application()
    sys.excepthook = _excepthook
    paths = app_paths()
    profiles = load_profiles(paths.profiles_file)  # one small file, before the first paint
    window = MainWindow(paths, profiles, initial_profile=profile_name)
    window.show()
    QTimer.singleShot(0, window.start)
    code = app.exec()
    window.worker.wait_for_done(10_000)
    return int(code)
