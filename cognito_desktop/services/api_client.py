"""Send the API console's requests: sign with fresh credentials, stream the answer, explain it.

Blocking I/O: call ``ApiClient.send`` on a worker. No Qt.
"""

from __future__ import annotations

import contextlib
import mimetypes
import os
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import IO
from urllib.parse import urlsplit

import requests
import urllib3.exceptions

from .api_models import ApiRequest, ApiResponse
from .api_signing import explain, prepare
from .errors import AuthError, CognitoDesktopError, NetworkError
from .identity import AwsCredentials
from .paths import app_paths

# Bytes asked of the socket at a time: a cancel is seen between two reads.
CHUNK_SIZE = 64 * 1024


class RequestCancelled(CognitoDesktopError):
    """The operator cancelled the request before its answer was read."""


def _spool_dir() -> Path:
    """Large bodies go under the app's cache folder (COGNITO_DESKTOP_HOME is honoured)."""
    folder = app_paths().cache_dir / "responses"
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _suffix(content_type: str) -> str:
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type == "application/json" or media_type.endswith("+json"):
        return ".json"
    guessed = mimetypes.guess_extension(media_type) if media_type else None
    return guessed or ".bin"


def _network_error(exc: BaseException, url: str, timeout: float) -> NetworkError:
    """A sentence for a failed exchange. It names the host, never the path or query
    (they can carry keys), and never repeats the library's message for the same reason."""
    parts = urlsplit(url)
    where = parts.netloc.rpartition("@")[2] or url
    if isinstance(exc, requests.ConnectTimeout):
        return NetworkError(
            f"Could not connect to {where} within the timeout of {timeout:g} seconds.",
            "Check the URL and the network, or raise the timeout.",
        )
    if isinstance(exc, requests.ReadTimeout | urllib3.exceptions.ReadTimeoutError):
        return NetworkError(
            f"{where} did not answer within the timeout of {timeout:g} seconds.",
            "Try again, or raise the timeout.",
        )
    if isinstance(exc, requests.exceptions.SSLError | urllib3.exceptions.SSLError):
        return NetworkError(
            f"The TLS connection to {where} failed: its certificate is not trusted, or it "
            "does not speak TLS on that port.",
            "Check the URL's scheme (http or https) and port.",
        )
    if isinstance(exc, urllib3.exceptions.ProtocolError | requests.exceptions.ChunkedEncodingError):
        return NetworkError(
            f"The connection to {where} broke while the answer was being read.",
            "Try again.",
        )
    text = repr(exc)
    if "NameResolutionError" in text or "Name or service not known" in text:
        return NetworkError(
            f"The host name {parts.hostname} could not be resolved.", "Check the URL."
        )
    if "RemoteDisconnected" in text or "Connection aborted" in text:
        return NetworkError(
            f"{where} closed the connection without answering.",
            "Check that the URL's scheme and port lead to an HTTP server.",
        )
    if "Connection refused" in text or "ConnectionRefusedError" in text:
        return NetworkError(
            f"{where} refused the connection: nothing listens on that port.",
            "Check the URL's host and port.",
        )
    return NetworkError(
        f"Could not reach {where} ({type(exc).__name__}).", "Check the URL and the network."
    )


class ApiClient:
    """Signs and sends API console requests through one reused HTTP session.

    ``credentials`` is called for every signed send (the session renews its
    credentials ahead of expiry, so nothing is cached here); ``role_arn`` only
    when a refusal needs explaining. A body larger than ``head_limit`` bytes is
    written whole to a file whose path is in ``ApiResponse.body_file``; the
    caller deletes it.
    """

    def __init__(
        self,
        credentials: Callable[[], AwsCredentials] | None,
        default_region: str,
        http: requests.Session | None = None,
        head_limit: int = 1 << 20,
        role_arn: Callable[[], str | None] | None = None,
        spool_dir: Path | None = None,
    ) -> None:
        self._credentials = credentials
        self.default_region = default_region
        self.http = http or requests.Session()
        self.head_limit = head_limit
        self._role_arn = role_arn
        self._spool_dir = spool_dir

    def close(self) -> None:
        self.http.close()

    def send(self, request: ApiRequest, cancel: threading.Event | None = None) -> ApiResponse:
        """Sign (when asked), send and read one request.

        Raises RequestError/BodyError (the request as edited cannot be sent),
        NetworkError, RequestCancelled, or the session's AuthError when no
        credentials can be had.
        """
        credentials = None
        if request.signed:
            if self._credentials is None:
                raise AuthError(
                    "Signing needs AWS credentials, and there is no session.",
                    "Sign in, or send the request unsigned.",
                )
            credentials = self._credentials()
        call = prepare(request, credentials, self.default_region)
        url = str(call.request.url)
        if cancel is not None and cancel.is_set():
            raise RequestCancelled("The request was cancelled before it was sent.")
        started = time.monotonic()
        # Proxy and CA-bundle settings from the environment, as requests.get would
        # use them, and stream=True: the body is read below, a chunk at a time.
        settings = self.http.merge_environment_settings(url, {}, True, None, None)
        try:
            response = self.http.send(
                call.request,
                timeout=request.timeout,
                allow_redirects=False,  # the console shows a redirect; it does not re-sign one
                **settings,
            )
        except requests.RequestException as exc:
            raise _network_error(exc, url, request.timeout) from None
        try:
            head, size, body_file = self._read_body(response, cancel, url, request.timeout)
        finally:
            response.close()
        elapsed = time.monotonic() - started
        headers = tuple((str(k), str(v)) for k, v in response.raw.headers.items())
        explanation = ""
        if response.status_code in (401, 403):
            role = None
            if self._role_arn is not None:
                with contextlib.suppress(CognitoDesktopError):
                    role = self._role_arn()
            explanation = explain(
                response.status_code, headers, head, request, call.canonical_request, role
            )
        return ApiResponse(
            status=response.status_code,
            reason=str(response.reason or ""),
            headers=headers,
            elapsed=elapsed,
            size=size,
            body_head=head,
            body_file=body_file,
            canonical_request=call.canonical_request,
            explanation=explanation,
        )

    def _read_body(
        self,
        response: requests.Response,
        cancel: threading.Event | None,
        url: str,
        timeout: float,
    ) -> tuple[bytes, int, str | None]:
        """(head, size, file): the first head_limit bytes, the total, and the file that
        holds the whole body when it is larger than the head."""
        head = bytearray()
        size = 0
        spool: IO[bytes] | None = None
        try:
            while True:
                if cancel is not None and cancel.is_set():
                    raise RequestCancelled("The request was cancelled while its answer was read.")
                try:
                    # read1 returns what has arrived (up to CHUNK_SIZE): a trickling
                    # server cannot hold a cancel back for a whole chunk.
                    chunk = response.raw.read1(CHUNK_SIZE)
                except (urllib3.exceptions.HTTPError, OSError) as exc:
                    raise _network_error(exc, url, timeout) from None
                if not chunk:
                    break
                size += len(chunk)
                if spool is None and len(head) + len(chunk) <= self.head_limit:
                    head += chunk
                    continue
                if spool is None:
                    spool = tempfile.NamedTemporaryFile(  # noqa: SIM115  (kept: the caller owns it)
                        prefix="response-",
                        suffix=_suffix(response.headers.get("Content-Type", "")),
                        dir=self._spool_dir or _spool_dir(),
                        delete=False,
                    )
                    spool.write(head)
                    head += chunk[: self.head_limit - len(head)]
                spool.write(chunk)
            if spool is not None:
                spool.close()
        except OSError as exc:
            self._discard(spool)
            # Only the body file's own I/O gets here: network errors were converted.
            raise CognitoDesktopError(
                f"Could not keep the large response body in a file ({exc.strerror or exc}).",
                "Free some disk space in the cache folder, or set COGNITO_DESKTOP_HOME elsewhere.",
            ) from None
        except BaseException:
            self._discard(spool)
            raise
        return bytes(head), size, spool.name if spool is not None else None

    @staticmethod
    def _discard(spool: IO[bytes] | None) -> None:
        """Close and delete a body file that will not be handed out."""
        if spool is not None:
            with contextlib.suppress(OSError):
                spool.close()
            with contextlib.suppress(OSError):
                os.unlink(spool.name)
