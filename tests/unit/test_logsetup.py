from __future__ import annotations

import logging
from pathlib import Path

import pytest

from cognito_desktop.services.logsetup import configure_logging, redact

JWT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"


def test_jwts_secret_keys_and_named_secrets_are_redacted() -> None:
    text = f"id={JWT} secret {SECRET} refresh_token=abc123def password: hunter2 code_verifier=xyz"
    out = redact(text)
    for secret in (JWT, SECRET, "abc123def", "hunter2", "xyz"):
        assert secret not in out
    assert "[redacted]" in out


@pytest.mark.parametrize(
    "text",
    [
        "profile sandbox signed in as operator; identity us-east-1:0a1b-22",
        "profile t-testoperatorsignsinintheapprestartswithout restored",
        "sha256 " + "ab12" * 16,
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert redact(text) == text


def test_log_file_never_receives_a_token(tmp_path: Path) -> None:
    log_file = tmp_path / "app.log"
    configure_logging(log_file)
    try:
        logging.getLogger("cognito_desktop.test").error("got %s and %s", JWT, SECRET)
        try:
            raise ValueError(f"bad token {JWT}")
        except ValueError:
            logging.getLogger("cognito_desktop.test").exception("failed")
    finally:
        root = logging.getLogger()
        for handler in list(root.handlers):
            if getattr(handler, "baseFilename", "") == str(log_file):
                root.removeHandler(handler)
                handler.close()
    content = log_file.read_text()
    assert "failed" in content
    assert "ValueError" in content
    assert JWT not in content
    assert SECRET not in content


def test_a_large_log_is_rotated_at_start_and_old_ones_dropped(tmp_path: Path) -> None:
    from cognito_desktop.services.logsetup import rotate

    log_file = tmp_path / "app.log"
    for n, text in ((3, "oldest"), (2, "older"), (1, "old")):
        (tmp_path / f"app.log.{n}").write_text(text)
    log_file.write_text("x" * 100)
    rotate(log_file, max_bytes=50, keep=3)
    assert not log_file.exists()
    assert (tmp_path / "app.log.1").read_text() == "x" * 100
    assert (tmp_path / "app.log.2").read_text() == "old"
    assert (tmp_path / "app.log.3").read_text() == "older"
    rotate(log_file, max_bytes=50)  # absent: nothing to do
