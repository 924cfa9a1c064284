"""The signed API console's pure half: query table <-> URL, bodies, SigV4 signing, explanations.

Nothing here touches the network (``build_body`` reads a file body, and is
called on a worker); ``api_client`` sends what ``prepare`` builds.
"""

from __future__ import annotations

import datetime as dt
import json
import mimetypes
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, unquote_plus, unquote_to_bytes, urlencode, urlsplit

import requests
from requests_aws4auth import AWS4Auth

from .. import __version__
from .api_models import DEFAULT_SERVICE, ApiRequest, Pairs, RequestBody
from .errors import CognitoDesktopError
from .identity import AwsCredentials

USER_AGENT = f"cognito-desktop/{__version__}"

# What a path may hold unencoded (RFC 3986 pchar plus "/"): exactly the set
# urllib3 leaves alone, so the path we sign is the path it puts on the wire.
_PATH_SAFE = "!$&'()*+,;=:@/"
_ESCAPE = re.compile(r"%[0-9A-Fa-f]{2}")
_HEADER_NAME = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")
# Headers the signer writes itself: a value typed for them would sign the
# request with a stale date, a foreign token or a wrong body hash.
_SIGNER_HEADERS = frozenset(
    {"authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256"}
)
_REGION = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]?)?-[a-z]+-\d+$")
_TOKEN_LINE = re.compile(r"^(x-amz-security-token:).*$", re.MULTILINE)
REDACTED_TOKEN = "<session token, not shown>"  # noqa: S105  (a placeholder, not a secret)


class RequestError(CognitoDesktopError, ValueError):
    """The request cannot be sent as edited; the message says what to change.

    A CognitoDesktopError so the UI's one error path shows it as it is.
    """


class BodyError(RequestError):
    """The body cannot be built. ``line`` and ``column`` (1-based, 0 if unknown) point at
    the problem in a JSON body."""

    def __init__(self, message: str, line: int = 0, column: int = 0) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


# -- the query table ------------------------------------------------------------------


class QueryPair(tuple[str, str]):
    """A decoded (name, value) pair that remembers how it was typed in the URL.

    It compares equal to the plain tuple; ``join_query`` writes ``raw`` back so
    an unedited row keeps its spelling (``%3D`` stays ``%3D``, ``+`` stays ``+``).
    """

    raw: str | None

    def __new__(cls, name: str, value: str, raw: str | None = None) -> QueryPair:
        pair = super().__new__(cls, (name, value))
        pair.raw = raw
        return pair


def _decode_segment(segment: str) -> tuple[str, str]:
    name, _, value = segment.partition("=")
    # "+" is a space in a query, as in HTML forms and in what API Gateway decodes.
    return unquote_plus(name), unquote_plus(value)


def split_query(url: str) -> tuple[str, Pairs]:
    """Split ``url`` into the URL without its query and the query's decoded pairs.

    Order and repeated names are kept. Every ``&``-separated item is a pair, even
    an empty one, so ``join_query(*split_query(url)) == url`` for any URL. The
    fragment (``#...``) stays in the base.
    """
    head, hash_sign, fragment = url.partition("#")
    base, question, query = head.partition("?")
    if not question:
        return url, ()
    pairs = tuple(QueryPair(*_decode_segment(seg), raw=seg) for seg in query.split("&"))
    return base + hash_sign + fragment, pairs


def _encode_pair(name: str, value: str) -> str:
    if not name and not value:
        return ""
    # RFC 3986: everything but the unreserved characters is percent-encoded.
    return f"{quote(name, safe='')}={quote(value, safe='')}"


def join_query(base: str, pairs: Pairs, *, like: str = "") -> str:
    """The URL ``base`` with ``pairs`` as its query, the inverse of ``split_query``.

    A pair keeps the spelling it was typed with when it comes from
    ``split_query`` unchanged, or when ``like`` (the URL before the edit) holds
    an item that decodes to it; any other pair is encoded per RFC 3986.
    """
    spare: list[tuple[tuple[str, str], str]] = []
    for typed in split_query(like)[1] if like else ():
        if isinstance(typed, QueryPair) and typed.raw is not None:
            spare.append(((typed[0], typed[1]), typed.raw))
    items = []
    for pair in pairs:
        name, value = pair
        raw = pair.raw if isinstance(pair, QueryPair) else None
        if raw is not None and _decode_segment(raw) != (name, value):
            raw = None
        if raw is None:
            for i, (decoded, spelled) in enumerate(spare):
                if decoded == (name, value):
                    raw = spelled
                    del spare[i]
                    break
        items.append(raw if raw is not None else _encode_pair(name, value))
    head, hash_sign, fragment = base.partition("#")
    query = "?" + "&".join(items) if items else ""
    return head + query + hash_sign + fragment


# -- where a request goes ---------------------------------------------------------------


def parse_aws_url(url: str) -> tuple[str, str] | None:
    """(service, region) of an AWS endpoint URL, or None when the host is not one.

    Reads ``{api}.execute-api.{region}.amazonaws.com``, ``{service}.{region}.amazonaws.com``
    (with any labels in front, such as a bucket, and ``.vpce.`` or ``.cn`` after),
    ``-fips`` and ``.dualstack.`` endpoints.
    """
    text = url.strip()
    try:
        host = urlsplit(text if "//" in text else "//" + text).hostname
    except ValueError:
        return None
    if not host:
        return None
    labels = host.rstrip(".").split(".")
    if labels[-2:] == ["amazonaws", "com"]:
        labels = labels[:-2]
    elif labels[-3:] == ["amazonaws", "com", "cn"]:
        labels = labels[:-3]
    else:
        return None
    for i in range(1, len(labels)):
        if _REGION.match(labels[i]):
            service = labels[i - 1]
            if service == "dualstack" and i > 1:
                service = labels[i - 2]
            return service.removesuffix("-fips"), labels[i]
    return None


def resolve_target(request: ApiRequest, default_region: str) -> tuple[str, str]:
    """(service, region) to sign for: the request's own, else the URL's, else the defaults.

    The region is "" only when none of them names one.
    """
    parsed = parse_aws_url(request.url)
    service = request.service.strip() or (parsed[0] if parsed else DEFAULT_SERVICE)
    region = request.region.strip() or (parsed[1] if parsed else "") or default_region.strip()
    return service, region


# -- bodies -------------------------------------------------------------------------------

_JSON_PROBLEMS = (
    ("Expecting ',' delimiter", "a comma is missing between two items"),
    ("Expecting ':' delimiter", "a colon is missing after a name"),
    (
        "Expecting property name enclosed in double quotes",
        'a name in double quotes is expected (names need "quotes"; a trailing comma also '
        "causes this)",
    ),
    ("Expecting value", "a value is expected (a trailing comma, or a word without quotes?)"),
    ("Extra data", "there is more text after the end of the JSON value"),
    ("Unterminated string", 'a string is not closed (a " is missing)'),
    ("Invalid control character", r"a string holds a raw line break or tab (write \n or \t)"),
    ("Invalid \\escape", "a backslash escape in a string is not valid"),
    ("Invalid \\uXXXX escape", r"a \u escape needs four hex digits"),
)


class _NotJson(ValueError):
    def __init__(self, constant: str) -> None:
        super().__init__(constant)
        self.constant = constant


def _line_column(text: str, pos: int) -> tuple[int, int]:
    line = text.count("\n", 0, pos) + 1
    return line, pos - (text.rfind("\n", 0, pos) + 1) + 1


def _check_json(text: str) -> None:
    if not text.strip():
        raise BodyError(
            "The JSON body is empty: write a JSON value (such as {} or []), or choose no body.",
            1,
            1,
        )

    def reject(constant: str) -> Any:
        raise _NotJson(constant)

    try:
        json.loads(text, parse_constant=reject)
    except json.JSONDecodeError as exc:
        problem = next((why for start, why in _JSON_PROBLEMS if exc.msg.startswith(start)), exc.msg)
        raise BodyError(
            f"The JSON body is not valid at line {exc.lineno}, column {exc.colno}: {problem}.",
            exc.lineno,
            exc.colno,
        ) from None
    except _NotJson as exc:
        # Python reads NaN and Infinity; JSON (and the servers) do not. The
        # decoder does not say where, so find the first one outside a string.
        pos = 0
        for match in re.finditer(re.escape(exc.constant), text):
            if len(re.findall(r'(?<!\\)"', text[: match.start()])) % 2 == 0:
                pos = match.start()
                break
        line, column = _line_column(text, pos)
        raise BodyError(
            f"The JSON body is not valid at line {line}, column {column}: {exc.constant} is not "
            "a JSON value (use null or a number).",
            line,
            column,
        ) from None


def build_body(body: RequestBody) -> tuple[bytes, str | None]:
    """The bytes to send and the Content-Type they call for (None: no body).

    JSON is checked and sent as typed; a file body is read here (call it on a worker).
    """
    if body.kind == "none":
        return b"", None
    if body.kind == "raw":
        return body.text.encode("utf-8"), body.content_type or "text/plain; charset=utf-8"
    if body.kind == "json":
        _check_json(body.text)
        return body.text.encode("utf-8"), "application/json"
    if body.kind == "form":
        return urlencode(body.form).encode("ascii"), "application/x-www-form-urlencoded"
    if body.kind == "file":
        return _read_file_body(body)
    raise BodyError(f"Unknown body kind '{body.kind}'.")


def _read_file_body(body: RequestBody) -> tuple[bytes, str]:
    from pathlib import Path

    name = body.file_path.strip()
    if not name:
        raise BodyError("Choose the file to send as the body.")
    path = Path(name).expanduser()
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise BodyError(f"The body file {path} does not exist.") from None
    except IsADirectoryError:
        raise BodyError(f"The body file {path} is a folder, not a file.") from None
    except PermissionError:
        raise BodyError(f"The body file {path} cannot be read: permission denied.") from None
    except OSError as exc:
        raise BodyError(f"The body file {path} cannot be read: {exc.strerror or exc}.") from None
    content_type = (
        body.content_type or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    )
    return data, content_type


# -- encoding and canonical forms -------------------------------------------------------


def _wire_path(path: str) -> str:
    """The path as it goes on the wire: escapes typed by the user are kept (upper-cased,
    as urllib3 would), anything a path may not hold raw is percent-encoded (UTF-8)."""
    out: list[str] = []
    pos = 0
    for match in _ESCAPE.finditer(path):
        out.append(quote(path[pos : match.start()], safe=_PATH_SAFE))
        out.append(match.group(0).upper())
        pos = match.end()
    out.append(quote(path[pos:], safe=_PATH_SAFE))
    return "".join(out) or "/"


def _requote(component: str) -> str:
    """One query name or value in canonical form: decoded, then RFC 3986-encoded."""
    return quote(unquote_to_bytes(component.replace("+", " ")), safe="")


def _wire_query(query: str) -> str:
    """The query as it goes on the wire: the typed items in their order, each name and
    value re-encoded per RFC 3986, empty items dropped.

    Sending the canonical spelling leaves the server nothing to interpret
    differently from the signer ("+", ";", "/" and the like).
    """
    items = []
    for segment in query.split("&"):
        if not segment:
            continue
        name, equals, value = segment.partition("=")
        items.append(_requote(name) + equals + _requote(value) if equals else _requote(name))
    return "&".join(items)


def remove_dot_segments(path: str) -> str:
    """RFC 3986 dot-segment removal, plus the empty segments AWS also drops."""
    if not path:
        return "/"
    kept: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if kept:
                kept.pop()
        elif segment and segment != ".":
            kept.append(segment)
    trailing = "/" if path.endswith("/") and kept else ""
    return "/" + "/".join(kept) + trailing


def canonical_uri(path: str, service: str) -> str:
    """SigV4's canonical URI of a path as sent: normalised and each segment encoded again,
    except for S3, which signs the path as sent."""
    if service == "s3":
        return path or "/"
    return quote(remove_dot_segments(path), safe="/~")


def canonical_query(query: str) -> str:
    """SigV4's canonical query string: items re-encoded, sorted by name, then value."""
    pairs = []
    for segment in query.split("&"):
        if segment:
            name, _, value = segment.partition("=")
            pairs.append((_requote(name), _requote(value)))
    return "&".join(f"{name}={value}" for name, value in sorted(pairs))


def hide_session_token(canonical_request: str) -> str:
    """The canonical request with the session token's value replaced: it is shown and may
    be kept in history, and the token is a secret."""
    return _TOKEN_LINE.sub(lambda m: m.group(1) + REDACTED_TOKEN, canonical_request)


# -- signing ---------------------------------------------------------------------------


class _Signer(AWS4Auth):  # type: ignore[misc]
    """requests-aws4auth with SigV4's canonical path and query, and botocore's
    whitespace rule, computed from the URL exactly as it goes on the wire.

    The library's own path and query canonicalisation is replaced because it
    re-encodes what the console already sent encoded and reads "+" its own way;
    its header canonicalisation, key derivation and header writing are kept.
    """

    canonical_request = ""

    def get_canonical_request(self, req: Any, cano_headers: str, signed_headers: str) -> str:
        parts = urlsplit(str(req.url))
        canonical = "\n".join(
            [
                str(req.method).upper(),
                canonical_uri(parts.path, str(self.service)),
                canonical_query(parts.query),
                cano_headers,
                signed_headers,
                req.headers["x-amz-content-sha256"],
            ]
        )
        self.canonical_request = canonical
        return canonical

    @staticmethod
    def amz_norm_whitespace(text: str) -> str:
        # SigV4 "Trimall": collapse every run of whitespace, quotes or not (the
        # library keeps quoted runs and fails on an unbalanced quote).
        return " ".join(text.split())


@dataclass(frozen=True)
class PreparedCall:
    """A request ready to send and what was signed.

    ``canonical_request`` is the SigV4 canonical request with the session
    token's value hidden ("" when unsigned).
    """

    request: requests.PreparedRequest
    canonical_request: str = ""
    service: str = ""
    region: str = ""


def _host_header(url: str) -> str:
    """The Host header http.client would send for ``url`` (default ports left out)."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    if port is None or port == {"http": 80, "https": 443}.get(parts.scheme):
        return host
    return f"{host}:{port}"


def _headers(pairs: Pairs, skip: frozenset[str]) -> dict[str, str]:
    """The typed headers as one dict; a repeated name is sent once, its values joined
    by ", " (RFC 9110), since requests holds one value per name."""
    merged: dict[str, tuple[str, list[str]]] = {}
    for name, value in pairs:
        name = name.strip()
        if not name:
            continue
        if not _HEADER_NAME.match(name):
            raise RequestError(
                f"The header name '{name}' is not valid: use letters, digits and - only."
            )
        if any(ch in value for ch in "\r\n\0"):
            raise RequestError(f"The value of header '{name}' holds a line break; remove it.")
        if name.lower() in skip:
            continue
        merged.setdefault(name.lower(), (name, []))[1].append(value.strip())
    return {name: ", ".join(values) for name, values in merged.values()}


def prepare(
    request: ApiRequest,
    credentials: AwsCredentials | None,
    default_region: str,
    *,
    now: dt.datetime | None = None,
) -> PreparedCall:
    """Build the request to send, signed with SigV4 when ``request.signed``.

    The URL goes out as typed: escapes stay (``%3D`` is never ``%253D``), what
    a URL may not hold raw is encoded, and the query is sent in its canonical
    spelling. Typed headers are kept, except that a signed request's
    Authorization, X-Amz-Date, X-Amz-Security-Token and X-Amz-Content-SHA256
    are the signer's. A typed Host header is sent and signed as typed;
    otherwise the Host is the URL's. ``now`` pins the signing time (tests).
    Raises RequestError (or BodyError) with a sentence to show.
    """
    method = request.method.strip().upper()
    if not _HEADER_NAME.match(method):
        raise RequestError(f"'{request.method}' is not an HTTP method.")
    url = request.url.strip()
    try:
        parts = urlsplit(url)
        valid = parts.scheme in ("http", "https") and bool(parts.hostname)
        parts.port  # noqa: B018  (raises ValueError on a bad port)
    except ValueError:
        valid = False
    if not valid:
        raise RequestError(
            "The URL must start with http:// or https:// and name a host, such as "
            "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items."
        )
    body, content_type = build_body(request.body)
    headers = _headers(request.headers, _SIGNER_HEADERS if request.signed else frozenset())
    lower = {name.lower() for name in headers}
    if content_type and "content-type" not in lower:
        headers["Content-Type"] = content_type
    if "user-agent" not in lower:
        headers["User-Agent"] = USER_AGENT
    if "accept" not in lower:
        headers["Accept"] = "*/*"
    try:
        path, query = _wire_path(parts.path), _wire_query(parts.query)
        prepared = requests.Request(
            method, f"{parts.scheme}://{parts.netloc}{path}", headers=headers, data=body or None
        ).prepare()
    except (requests.RequestException, UnicodeError, ValueError) as exc:
        raise RequestError(
            f"The URL or a header cannot be sent ({type(exc).__name__}): check the host name "
            "and the headers."
        ) from None
    # requests re-quotes the URL (it decodes escapes of unreserved characters);
    # put back the exact path and query that are signed and sent.
    sent = urlsplit(str(prepared.url))
    prepared.url = f"{sent.scheme}://{sent.netloc}{path}" + (f"?{query}" if query else "")
    if not request.signed:
        return PreparedCall(prepared)

    if credentials is None:
        raise RequestError("Signing needs AWS credentials: sign in, or send the request unsigned.")
    service, region = resolve_target(request, default_region)
    if not region:
        raise RequestError(
            "No region to sign for: the URL is not an AWS host and the profile names no region. "
            "Type the region."
        )
    when = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
    if "host" not in lower:
        prepared.headers["Host"] = _host_header(prepared.url)
    prepared.headers["X-Amz-Date"] = when.strftime("%Y%m%dT%H%M%SZ")
    signer = _Signer(
        credentials.access_key_id,
        credentials.secret_access_key,
        region,
        service,
        when.strftime("%Y%m%d"),
        session_token=credentials.session_token or None,
    )
    signer(prepared)
    return PreparedCall(
        prepared, hide_session_token(signer.canonical_request), service=service, region=region
    )


# -- explanations ----------------------------------------------------------------------

_EXPECTED_CANONICAL = re.compile(
    r"The Canonical String for this request should have been\s*'(.*?)'\s*"
    r"The String-to-Sign should have been",
    re.DOTALL,
)
_CALLER = re.compile(r"User: (arn:[^\s]+?)(?=\s|$)")
_ACTION = re.compile(r"perform: ([\w-]+:[\w*-]+)")
_RESOURCE = re.compile(r"on resource: (arn:[^\s]+?)\.?(?=\s|$)")


def _error_message(body_head: bytes) -> str:
    """The error text of an AWS error body (JSON ``message``/``Message``, XML <Message>)."""
    text = body_head[:16384].decode("utf-8", "replace")
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("message", "Message", "errorMessage"):
            if isinstance(data.get(key), str):
                return str(data[key])
    match = re.search(r"<Message>(.*?)</Message>", text, re.DOTALL)
    return match.group(1) if match else text


def _error_type(headers: Pairs, body_head: bytes) -> str:
    for name, value in headers:
        if name.lower() == "x-amzn-errortype":
            return value.split(":", 1)[0].strip()
    match = re.search(rb'"__type"\s*:\s*"(?:[^"#]*#)?([^"]+)"', body_head[:16384])
    return match.group(1).decode("utf-8", "replace") if match else ""


def _role_name(arn: str) -> str:
    """``cognito-desktop-demo-guest`` from an assumed-role or role ARN; else the ARN."""
    resource = arn.split(":", 5)[-1]
    kind, _, rest = resource.partition("/")
    if kind in ("assumed-role", "role") and rest:
        return rest.split("/")[-1 if kind == "role" else 0]
    return arn


def _canonical_sections(canonical: str) -> dict[str, str]:
    lines = canonical.split("\n")
    try:
        blank = lines.index("", 3)
    except ValueError:
        blank = len(lines) - 2
    return {
        "method": lines[0] if lines else "",
        "path": lines[1] if len(lines) > 1 else "",
        "query": lines[2] if len(lines) > 2 else "",
        "headers": "\n".join(lines[3:blank]),
        "signed headers": lines[blank + 1] if len(lines) > blank + 1 else "",
        "body hash": lines[blank + 2] if len(lines) > blank + 2 else "",
    }


def _compare_canonical(ours: str, theirs: str) -> str:
    """A sentence naming the first part of the canonical request that differs."""
    mine, server = _canonical_sections(ours), _canonical_sections(theirs)
    for part in ("method", "path", "query", "signed headers"):
        if mine[part] != server[part]:
            return (
                f"The {part} differs: it was signed as '{mine[part]}', the server "
                f"canonicalised it as '{server[part]}'."
            )
    if mine["headers"] != server["headers"]:
        # Name the headers only: their values can hold the session token.
        signed = dict(line.split(":", 1) for line in mine["headers"].split("\n") if ":" in line)
        seen = dict(line.split(":", 1) for line in server["headers"].split("\n") if ":" in line)
        names = sorted(n for n in signed.keys() | seen.keys() if signed.get(n) != seen.get(n))
        return (
            f"The value of header(s) {', '.join(names)} differs between what was signed and "
            "what the server received (a proxy may have changed it)."
        )
    if mine["body hash"] != server["body hash"]:
        return "The body's hash differs: the body was changed after signing."
    return (
        "The server canonicalised the request exactly as it was signed, so the secret key "
        "does not belong to the access key: renew the credentials."
    )


def explain(
    response_status: int,
    response_headers: Pairs,
    body_head: bytes,
    request: ApiRequest,
    canonical_request: str,
    credentials_role_arn: str | None,
) -> str:
    """Sentences for the classic API Gateway refusals (401/403); "" for anything else.

    Never repeats a secret: header values and the session token are left out.
    """
    if response_status not in (401, 403):
        return ""
    message = _error_message(body_head)
    lowered = message.lower()
    error_type = _error_type(response_headers, body_head).lower()
    method = request.method.strip().upper()
    path = urlsplit(request.url.strip()).path or "/"

    if "missing authentication token" in lowered or error_type.startswith("missingauthentication"):
        if not request.signed:
            return (
                "API Gateway answered 'Missing Authentication Token' to an unsigned request. "
                "The method most likely uses IAM authorization (AWS_IAM): sign the request and "
                f"send it again. If it is an open method, {method} {path} does not exist on the "
                "API: check the stage, the path and the method."
            )
        return (
            "API Gateway answered 'Missing Authentication Token' to a signed request, which it "
            f"says when no resource and method match: most likely {method} {path} does not "
            "exist. Check the stage name (the first path segment), the resource path and the "
            "method, and that the API was deployed to that stage."
        )
    if (
        "token included in the request is expired" in lowered
        or error_type == "expiredtokenexception"
    ):
        return (
            "The AWS credentials had expired when the request was signed. Renew them "
            "(Ctrl+R, or sign in again) and send the request again."
        )
    if (
        "token included in the request is invalid" in lowered
        or error_type in ("unrecognizedclientexception", "invalidclienttokenid")
        or "access key id you provided does not exist" in lowered
    ):
        return (
            "The server does not recognise the credentials the request was signed with: they "
            "belong to another account or endpoint, or were revoked. Renew them, and check that "
            "the URL points at the AWS (or local AWS) that issued them."
        )
    if "signature expired" in lowered or "signature not yet current" in lowered:
        return (
            "The request was signed at a time too far from the server's clock (more than a few "
            "minutes apart). Check this computer's date, time and time zone."
        )
    if "credential should be scoped" in lowered:
        return (
            "The request was signed for the wrong region or service. Set the region (and the "
            "service, execute-api for API Gateway) to the API's and send it again."
        )
    if (
        "signature we calculated does not match" in lowered
        or error_type in ("invalidsignatureexception", "signaturedoesnotmatch")
        or "signaturedoesnotmatch" in lowered
    ):
        intro = "The server computed a different signature for this request. "
        expected = _EXPECTED_CANONICAL.search(message)
        if expected and canonical_request:
            return intro + _compare_canonical(
                hide_session_token(canonical_request), hide_session_token(expected.group(1))
            )
        return intro + (
            "Either the secret key does not belong to the access key (stale or mixed-up "
            "credentials: renew them), or the server canonicalised the request differently "
            "from the signer: compare the path's encoding, the query, the signed headers and "
            "the body with the canonical request that was signed."
        )
    if (
        "not authorized to perform" in lowered
        or "is not authorized to access this resource" in lowered
        or error_type.startswith("accessdenied")
    ):
        caller = _CALLER.search(message)
        role_arn = caller.group(1) if caller else credentials_role_arn
        role = f"The role {_role_name(role_arn)}" if role_arn else "The credentials' role"
        action_match = _ACTION.search(message)
        action = action_match.group(1) if action_match else "execute-api:Invoke"
        resource = _RESOURCE.search(message)
        target = resource.group(1) if resource else f"{method} {path}"
        why = (
            " An explicit Deny in a policy blocks it."
            if "explicit deny" in lowered
            else " Its IAM policy must allow that action on this method's ARN"
            " (arn:aws:execute-api:REGION:ACCOUNT:API-ID/STAGE/METHOD/PATH)."
        )
        guest = (
            " A guest identity acts as the identity pool's unauthenticated role: sign in for more."
            if role_arn and ("unauth" in role_arn.lower() or "guest" in role_arn.lower())
            else ""
        )
        return f"{role} may not call {action} on {target}.{why}{guest}"
    return ""
