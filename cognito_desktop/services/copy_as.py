"""Copy as curl or Python: a console request as a command or a snippet, without secrets.

The credentials appear only as references to the environment variables
AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN: these functions
never receive them. The request goes through ``sanitize`` first, so no signing
header, token or presigned signature is ever copied.
"""

from __future__ import annotations

import math
import mimetypes
import os
import re
import shlex
import unicodedata
from urllib.parse import unquote, urlencode

from .api_history import is_secret_header, is_secret_query_key, sanitize
from .api_models import ApiRequest
from .errors import CognitoDesktopError

# Headers that signing creates afresh (curl's --aws-sigv4, AWS4Auth): dropping them
# from a signed request is no loss worth mentioning.
_SIGNING_HEADERS = {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}
_PRESIGNED_PARAMS = {"x-amz-signature", "x-amz-credential", "x-amz-security-token", "x-amz-date"}
_TARGET_RE = re.compile(r"^[A-Za-z0-9._-]+$")

ENV_HINT = (
    "export AWS_ACCESS_KEY_ID=... AWS_SECRET_ACCESS_KEY=... AWS_SESSION_TOKEN=... "
    "from your signed-in session first"
)


class CopyAsError(CognitoDesktopError):
    """The request cannot be written in the chosen form."""


def default_content_type(request: ApiRequest) -> str:
    """The Content-Type a body is sent with when no header sets one ("" for no body)."""
    body = request.body
    if body.kind == "json":
        return "application/json"
    if body.kind == "form":
        return "application/x-www-form-urlencoded"
    if body.kind == "raw":
        return body.content_type or "text/plain; charset=utf-8"
    if body.kind == "file":
        # As the sender does (api_signing.build_body): guessed from the file's name.
        guessed = mimetypes.guess_type(_file_path(request))[0]
        return body.content_type or guessed or "application/octet-stream"
    return ""


def _file_path(request: ApiRequest) -> str:
    """The body file as the sender opens it: trimmed, with ~ expanded (a quoted ~ would
    not be expanded by the shell)."""
    return os.path.expanduser(request.body.file_path.strip())


def _effective_headers(request: ApiRequest) -> list[tuple[str, str]]:
    """The sanitized request's headers plus the body's Content-Type when none is set."""
    headers = list(request.headers)
    content_type = default_content_type(request)
    if content_type and not any(name.lower() == "content-type" for name, _ in headers):
        headers.append(("Content-Type", content_type))
    return headers


def _left_out(original: ApiRequest, sanitized: ApiRequest) -> list[str]:
    """What the copy lacks because it is secret and signing will not put it back:
    header names, and query parameter names (a presigned URL's signature parameters
    count as put back when the copy is signed)."""
    names: list[str] = []
    for name, _ in original.headers:
        if not is_secret_header(name):
            continue
        if sanitized.signed and name.lower() in _SIGNING_HEADERS:
            continue
        if f"{name} (header)".lower() not in (n.lower() for n in names):
            names.append(f"{name} (header)")
    query = original.url.partition("#")[0].partition("?")[2]
    for param in query.split("&"):
        key = param.partition("=")[0]
        if not key or not is_secret_query_key(key):
            continue
        if sanitized.signed and unquote(key).lower() in _PRESIGNED_PARAMS:
            continue
        if f"{key} (query)" not in names:
            names.append(f"{key} (query)")
    return names


def _comment_safe(text: str) -> str:
    """Text that cannot end a one-line comment (a newline in a hostile header name would
    otherwise turn the rest of it into a command)."""
    return "".join("?" if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)


def _check_target(request: ApiRequest, region: str, service: str) -> None:
    if not request.signed:
        return
    for label, value in (("region", region), ("service", service)):
        if not _TARGET_RE.match(value):
            raise CopyAsError(
                f"The signing {label} is missing or malformed, so the request cannot be copied "
                "signed.",
                f"Set the {label} (e.g. eu-west-1, execute-api) and copy again.",
            )


def _timeout(request: ApiRequest) -> float | None:
    """The request's timeout, or None for one no tool accepts (infinite, zero)."""
    timeout = float(request.timeout)
    return timeout if math.isfinite(timeout) and timeout > 0 else None


def as_curl(request: ApiRequest, region: str, service: str) -> str:
    """A curl (7.75+) command that sends the request, signed with --aws-sigv4 when it is
    signed. Every value is single-quoted for a POSIX shell; the credentials are left to the
    shell as "$AWS_..." references."""
    _check_target(request, region, service)
    clean = sanitize(request)
    body = clean.body
    method = clean.method
    lines: list[list[str]] = []
    first = ["curl", "--globoff"]  # brackets and braces in a URL are not curl patterns
    if method == "HEAD" and body.kind == "none":
        first.append("--head")  # -X HEAD would wait for a body that never comes
    else:
        first += ["-X", shlex.quote(method)]
    first.append(shlex.quote(clean.url))
    lines.append(first)
    if clean.signed:
        lines.append(["--aws-sigv4", shlex.quote(f"aws:amz:{region}:{service}")])
        lines.append(["--user", '"$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"'])
        lines.append(["-H", '"x-amz-security-token: $AWS_SESSION_TOKEN"'])
    for name, value in _effective_headers(clean):
        # "Name:" would tell curl to remove the header; "Name;" sends it empty.
        lines.append(["-H", shlex.quote(f"{name}: {value}" if value else f"{name};")])
    if body.kind in ("raw", "json"):
        lines.append(["--data-binary", shlex.quote(body.text)])
    elif body.kind == "form":
        # Encoded here exactly as requests encodes a list of pairs: curl's
        # --data-urlencode would leave the names unencoded.
        lines.append(["--data-binary", shlex.quote(urlencode(body.form))])
    elif body.kind == "file":
        lines.append(["--data-binary", shlex.quote("@" + _file_path(clean))])
    timeout = _timeout(clean)
    if timeout is not None:
        lines.append(["--max-time", f"{timeout:g}"])

    command = " \\\n  ".join(" ".join(words) for words in lines)
    if "\x00" in command:
        raise CopyAsError(
            "The request holds a NUL character, which no shell command can carry.",
            "Put the body in a file and send it as a file body.",
        )
    comments = []
    if clean.signed:
        comments.append(f"# Signed with your session's credentials: {ENV_HINT}.")
    left_out = _left_out(request, clean)
    if left_out:
        names = ", ".join(_comment_safe(n) for n in left_out)
        comments.append(f"# Left out because they hold secrets: {names}. Add them yourself.")
    return "\n".join([*comments, command]) + "\n"


def as_python(request: ApiRequest, region: str, service: str) -> str:
    """A runnable Python snippet using requests (and requests-aws4auth when signed).
    Every value is a repr() literal; the credentials are read from os.environ."""
    _check_target(request, region, service)
    clean = sanitize(request)
    body = clean.body
    signed = clean.signed

    # requests takes one value per header name (compared without case): repeated
    # headers are joined with ", ", which HTTP defines as the same thing.
    headers: dict[str, str] = {}
    for name, value in _effective_headers(clean):
        same = next((key for key in headers if key.lower() == name.lower()), None)
        if same is None:
            headers[name] = value
        else:
            headers[same] = f"{headers[same]}, {value}"

    out = []
    if signed:
        out.append(f"# Signed with your session's credentials: {ENV_HINT}.")
        out.append("# Needs: pip install requests requests-aws4auth")
    left_out = _left_out(request, clean)
    if left_out:
        names = ", ".join(_comment_safe(n) for n in left_out)
        out.append(f"# Left out because they hold secrets: {names}. Add them yourself.")
    if signed:
        out.append("import os")
    if body.kind == "file":
        out.append("from pathlib import Path")
    out += ["", "import requests"]
    if signed:
        out += [
            "from requests_aws4auth import AWS4Auth",
            "",
            "auth = AWS4Auth(",
            '    os.environ["AWS_ACCESS_KEY_ID"],',
            '    os.environ["AWS_SECRET_ACCESS_KEY"],',
            f"    {region!r},",
            f"    {service!r},",
            '    session_token=os.environ["AWS_SESSION_TOKEN"],',
            ")",
        ]
    out += ["", "response = requests.request(", f"    {clean.method!r},", f"    {clean.url!r},"]
    if headers:
        out.append("    headers={")
        out += [f"        {name!r}: {value!r}," for name, value in headers.items()]
        out.append("    },")
    if body.kind in ("raw", "json"):
        # Bytes, so the text goes out as UTF-8 (requests would send a str as Latin-1).
        out.append(f"    data={body.text!r}.encode('utf-8'),")
    elif body.kind == "form":
        out.append(f"    data={list(body.form)!r},")
    elif body.kind == "file":
        out.append(f"    data=Path({_file_path(clean)!r}).read_bytes(),")
    if signed:
        out.append("    auth=auth,")
    timeout = _timeout(clean)
    if timeout is not None:
        out.append(f"    timeout={timeout!r},")
    out += [
        ")",
        "print(response.status_code, response.reason)",
        "print(response.text)",
    ]
    return "\n".join(out) + "\n"
