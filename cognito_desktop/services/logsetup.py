"""Logging to a rotating file under the log folder, with secrets scrubbed from every record."""

from __future__ import annotations

import logging
import os
import re
from pathlib import Path

MAX_LOG_BYTES = 2_000_000
KEEP_LOGS = 3

# JWTs (three base64url parts), AWS secret keys (40 chars), session tokens
# (long base64 runs) and OAuth parameters that carry secrets.
_PATTERNS = (
    re.compile(r"eyJ[\w-]{8,}\.[\w-]{8,}\.[\w-]{8,}"),
    re.compile(
        # The lookbehind keeps statusCode, countryCode, zipcode= and the like intact.
        r"(?i)(?<![A-Za-z0-9])((?:refresh|access|id|session)_?token|secret_?(?:access_?)?key"
        r"|password"
        r"|code_verifier|code)([\"']?\s*[:=]\s*[\"']?)[^\s\"'&,}]+"
    ),
    # A secret access key: 40 base64 characters mixing upper, lower and digits
    # (so a 40-letter profile name or a hex digest is left alone).
    re.compile(
        r"(?<![\w/+=])(?=[A-Za-z0-9/+]*[0-9])(?=[A-Za-z0-9/+]*[A-Z])"
        r"(?=[A-Za-z0-9/+]*[a-z])[A-Za-z0-9/+]{40}(?![\w/+=])"
    ),
    re.compile(r"[A-Za-z0-9/+=]{120,}"),
)


def redact(text: str) -> str:
    for pattern in _PATTERNS:
        if pattern.groups >= 2:
            text = pattern.sub(lambda m: f"{m.group(1)}{m.group(2)}[redacted]", text)
        else:
            text = pattern.sub("[redacted]", text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message (and exception text) with secrets removed."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        return True


def rotate(log_file: Path, max_bytes: int = MAX_LOG_BYTES, keep: int = KEEP_LOGS) -> None:
    """Rotate at start-up when the log has grown past ``max_bytes``.

    Cheaper to import than logging.handlers (which pulls in socket), and a log
    that grows within one session is bounded by the next start.
    """
    try:
        if log_file.stat().st_size < max_bytes:
            return
    except FileNotFoundError:
        return
    for n in range(keep - 1, 0, -1):
        older = log_file.with_name(f"{log_file.name}.{n}")
        if older.exists():
            os.replace(older, log_file.with_name(f"{log_file.name}.{n + 1}"))
    os.replace(log_file, log_file.with_name(f"{log_file.name}.1"))


def configure_logging(log_file: Path, level: int = logging.INFO) -> None:
    log_file.parent.mkdir(parents=True, exist_ok=True)
    rotate(log_file)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    root.setLevel(level)
    root.addHandler(handler)
    # botocore/urllib3 debug output carries signed headers; keep them quiet.
    for noisy in ("botocore", "boto3", "urllib3", "s3transfer"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
