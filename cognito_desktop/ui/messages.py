"""The one place that turns an exception into a sentence an operator can act on."""

from __future__ import annotations

import logging

from ..services.errors import CognitoDesktopError, NetworkError, VaultError

log = logging.getLogger(__name__)


def describe(exc: BaseException) -> str:
    if isinstance(exc, CognitoDesktopError | VaultError):
        return str(exc)
    if isinstance(exc, OSError):
        return f"A file or network operation failed: {exc.strerror or exc}."
    # Unknown failures are logged in full (secrets scrubbed) and shown briefly.
    log.error("unexpected error", exc_info=exc)
    return (
        f"Something unexpected went wrong ({type(exc).__name__}). "
        "The details are in the log file (Help → Open log folder)."
    )


def is_network(exc: BaseException) -> bool:
    return isinstance(exc, NetworkError)
