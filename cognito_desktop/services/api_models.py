"""Data of the signed API console: a request as the operator edits it, and the response.

Plain frozen dataclasses with no I/O: they cross from the UI to the service
layer and into history files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BodyKind = Literal["none", "raw", "json", "form", "file"]
Pairs = tuple[tuple[str, str], ...]

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS")
DEFAULT_SERVICE = "execute-api"


@dataclass(frozen=True)
class RequestBody:
    """What goes in the request body.

    ``raw`` and ``json`` send ``text`` (UTF-8); ``form`` sends ``form`` pairs
    as application/x-www-form-urlencoded; ``file`` sends the bytes of
    ``file_path``. ``content_type`` overrides the default for raw and file.
    """

    kind: BodyKind = "none"
    text: str = ""
    form: Pairs = ()
    file_path: str = ""
    content_type: str = ""


@dataclass(frozen=True)
class ApiRequest:
    """One request as edited in the console.

    ``url`` is taken as typed: what is already percent-encoded stays as it is
    (``%3D`` is sent as ``%3D``, never ``%253D``), like curl. ``region`` empty
    means "parse it from an AWS URL, else the profile's".
    """

    method: str = "GET"
    url: str = ""
    headers: Pairs = ()
    body: RequestBody = field(default_factory=RequestBody)
    service: str = DEFAULT_SERVICE
    region: str = ""
    signed: bool = True
    timeout: float = 30.0


@dataclass(frozen=True)
class ApiResponse:
    """A response, with the body's head in memory and a large body on disk.

    ``body_file`` holds the whole body when it is larger than what is kept in
    ``body_head`` (the caller deletes the file when done). ``canonical_request``
    is what was signed ("" when unsigned), for debugging signature mismatches.
    ``explanation`` is a sentence for the classic failures (403s), else "".
    """

    status: int
    reason: str
    headers: Pairs
    elapsed: float  # seconds, request sent to body read
    size: int  # bytes of body
    body_head: bytes
    body_file: str | None = None
    canonical_request: str = ""
    explanation: str = ""

    @property
    def content_type(self) -> str:
        for name, value in self.headers:
            if name.lower() == "content-type":
                return value
        return ""

    @property
    def truncated(self) -> bool:
        return self.size > len(self.body_head)
