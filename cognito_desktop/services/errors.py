"""Typed errors of the service layer: each carries a sentence an operator can act on.

Messages never contain a secret (token, key, password): they are shown and logged.
"""

from __future__ import annotations


class CognitoDesktopError(Exception):
    """Base error. ``str(err)`` is what happened; ``hint`` is what to do about it."""

    def __init__(self, message: str, hint: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}".strip()


class ConfigError(CognitoDesktopError):
    """A profile file or field is malformed."""


class AuthError(CognitoDesktopError):
    """Sign-in failed: the login page, the token endpoint or a token was refused."""


class LoginCancelled(AuthError):
    """The user closed the sign-in page."""


class TokenVerificationError(AuthError):
    """An id token failed verification (signature, issuer, audience, expiry, nonce...)."""


class ReauthenticationRequired(AuthError):
    """The refresh token is dead: only a new sign-in helps."""


class IdentityError(CognitoDesktopError):
    """The identity pool refused to give an identity or credentials."""


class NetworkError(CognitoDesktopError):
    """The service could not be reached."""


class VaultError(Exception):
    """A keyring operation failed. The message says what to do and never holds a secret.

    Defined here rather than in vault.py so that the UI can name it without
    importing the keyring library before the window paints.
    """
