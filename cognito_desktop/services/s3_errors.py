"""S3 errors as sentences, and the one way S3 requests are made: renew-once on a
credentials refusal.

``translate`` turns a botocore exception into an S3Error subclass (or a
NetworkError) whose message says what happened and whose hint says what to do.
``RenewingClient`` holds one boto3 S3 client and makes every request through
``call``: when AWS refuses the credentials themselves, it forces a renewal,
rebuilds the client and retries once. ``services.s3`` and
``services.s3_transfers`` can share both.

botocore is imported inside the functions: the main window paints before it loads.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from typing import Any

from .errors import CognitoDesktopError, NetworkError
from .s3_models import S3AccessDenied, S3CredentialsError, S3Error, S3NotFound

# Error codes that mean "these credentials", not "this request": renew and retry once.
CREDENTIAL_CODES = frozenset(
    {
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidAccessKeyId",
        "InvalidToken",
        "TokenRefreshRequired",
        "SignatureDoesNotMatch",
        "InvalidClientTokenId",
    }
)
DENIED_CODES = frozenset({"AccessDenied", "AccessDeniedException", "AllAccessDisabled", "403"})
NOT_FOUND_CODES = frozenset(
    {"NoSuchKey", "NoSuchBucket", "NoSuchVersion", "NoSuchUpload", "NotFound", "404"}
)

# The IAM action a boto3 operation needs, for when the refusal does not say.
IAM_ACTIONS = {
    "list_buckets": "s3:ListAllMyBuckets",
    "list_objects_v2": "s3:ListBucket",
    "list_objects": "s3:ListBucket",
    "list_object_versions": "s3:ListBucketVersions",
    "list_multipart_uploads": "s3:ListBucketMultipartUploads",
    "list_parts": "s3:ListMultipartUploadParts",
    "get_bucket_versioning": "s3:GetBucketVersioning",
    "get_bucket_location": "s3:GetBucketLocation",
    "head_bucket": "s3:ListBucket",
    "head_object": "s3:GetObject",
    "get_object": "s3:GetObject",
    "get_object_tagging": "s3:GetObjectTagging",
    "put_object": "s3:PutObject",
    "copy_object": "s3:PutObject",
    "create_multipart_upload": "s3:PutObject",
    "upload_part": "s3:PutObject",
    "complete_multipart_upload": "s3:PutObject",
    "abort_multipart_upload": "s3:AbortMultipartUpload",
    "delete_object": "s3:DeleteObject",
    "delete_objects": "s3:DeleteObject",
}
# With a VersionId the request needs the *Version form of the action.
_VERSIONED_ACTIONS = {
    "s3:GetObject": "s3:GetObjectVersion",
    "s3:GetObjectTagging": "s3:GetObjectVersionTagging",
    "s3:DeleteObject": "s3:DeleteObjectVersion",
}
# What a request does, in words: "S3 could not be reached to list ...".
_DOING = {
    "list_buckets": "list the buckets",
    "list_objects_v2": "list",
    "list_object_versions": "list the versions of",
    "head_object": "read the details of",
    "get_object": "read",
    "get_object_tagging": "read the tags of",
    "put_object": "write",
    "delete_object": "delete",
    "delete_objects": "delete",
    "get_bucket_versioning": "read the versioning of",
}

DENIED_HINT = (
    "Ask for the permission, or open a folder your role may reach "
    "(public/, protected/, private/<your identity id>/ in Amplify-style buckets)."
)
RENEW_HINT = "Renew the credentials (Ctrl+R), or sign in again."
RETRY_HINT = "Check the connection and press Retry."

_DENIED_RE = re.compile(
    r"(?:assumed-role/(?P<role>[^/\s]+)|:user/(?P<user>[^\s]+)|:root\b).*?"
    r"not authorized to perform:?\s*(?P<action>[\w:*]+)"
    r"(?:\s+on resource:?\s*\"?(?P<resource>[^\s\"]+?)\"?(?=\s|$|[.;,](?:\s|$)))?",
    re.DOTALL,
)
_SECRETISH_RE = re.compile(r"(ASIA|AKIA)[A-Z0-9]{12,}")
_ARN_RE = re.compile(r"^arn:aws[\w-]*:s3:::(?P<path>.+)$")


def clean(message: str) -> str:
    """``message`` without access key ids: messages are shown and logged."""
    return _SECRETISH_RE.sub("[access key]", message).strip()


def iam_action(operation: str, versioned: bool = False) -> str:
    action = IAM_ACTIONS.get(operation, f"s3:{_camel(operation)}")
    return _VERSIONED_ACTIONS.get(action, action) if versioned else action


def _camel(operation: str) -> str:
    return "".join(part.capitalize() for part in operation.split("_"))


def _task(operation: str, resource: str) -> str:
    """What the request was for, in words: "list s3://bucket/folder/"."""
    doing = _DOING.get(operation, f"do {_camel(operation)} on")
    if operation == "list_buckets":
        return doing
    return f"{doing} {resource or 'the bucket'}"


def denied(
    message: str, operation: str, resource: str, *, versioned: bool = False
) -> S3AccessDenied:
    """An AccessDenied refusal as a sentence naming the role, the action and the resource."""
    text = clean(message)
    match = _DENIED_RE.search(text)
    action = (match.group("action") if match else "") or iam_action(operation, versioned)
    role = ""
    who = "Your role"
    if match and match.group("role"):
        role = match.group("role")
        who = f"Your role {role}"
    elif match and match.group("user"):
        role = match.group("user")
        who = f"The IAM user {role}"
    if not resource and match and match.group("resource"):
        arn = _ARN_RE.match(match.group("resource"))
        resource = f"s3://{arn.group('path')}" if arn else match.group("resource")
    if operation == "list_buckets" or not resource:
        sentence = f"{who} may not {action}."
    else:
        sentence = f"{who} may not {action} on {resource}."
    return S3AccessDenied(sentence, DENIED_HINT, action, resource, role)


def from_code(
    code: str, message: str, operation: str, resource: str, *, versioned: bool = False
) -> S3Error:
    """The typed error for an S3 error code (also used for DeleteObjects' per-key Errors)."""
    message = clean(message)
    where = resource or "the bucket"
    if code in CREDENTIAL_CODES or code == "InvalidSecurity":
        return S3CredentialsError(
            f"AWS did not accept the session's credentials to {_task(operation, resource)} "
            f"({code}).",
            RENEW_HINT,
        )
    if code in DENIED_CODES:
        return denied(message, operation, resource, versioned=versioned)
    if code in NOT_FOUND_CODES:
        what = {
            "NoSuchBucket": "bucket",
            "NoSuchVersion": "version",
            "NoSuchUpload": "upload",
        }.get(code, "object")
        if code == "NoSuchBucket" and resource.startswith("s3://"):
            where = "s3://" + resource[5:].split("/", 1)[0]
        return S3NotFound(
            f"There is no such {what}: {where}.",
            "It may have been deleted or renamed; refresh the folder.",
        )
    if code in ("InvalidObjectState",):
        return S3Error(
            f"{where} is archived ({message or code}) and must be restored before it can be read.",
            "Restore it from the archive storage class first.",
        )
    if code in ("SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded"):
        return S3Error(
            f"S3 kept asking to slow down while trying to {_task(operation, resource)}.",
            "Wait a moment and press Retry.",
        )
    detail = f": {message.rstrip('.')}" if message else ""
    return S3Error(f"S3 refused to {_task(operation, resource)} ({code}{detail}).")


def translate(
    exc: BaseException, operation: str, resource: str = "", *, versioned: bool = False
) -> CognitoDesktopError:
    """A botocore exception as a typed error with a sentence and a hint.

    ``resource`` is the s3:// URI of what was asked for: refusals name it.
    """
    from botocore.exceptions import (
        ClientError,
        HTTPClientError,
        NoCredentialsError,
        PartialCredentialsError,
    )
    from botocore.exceptions import (
        ConnectionError as BotoConnectionError,
    )

    if isinstance(exc, CognitoDesktopError):
        return exc
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(
            error.get("Code", "")
            or exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode", "")
        )
        return from_code(
            code, str(error.get("Message", "")), operation, resource, versioned=versioned
        )
    task = _task(operation, resource)
    if isinstance(exc, HTTPClientError | BotoConnectionError):
        return NetworkError(
            f"S3 could not be reached to {task} ({type(exc).__name__}).", RETRY_HINT
        )
    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return S3CredentialsError(f"There are no AWS credentials to {task}.", RENEW_HINT)
    return S3Error(f"The request to {task} failed: {clean(str(exc))}")


def _credentials_code(exc: BaseException) -> str:
    from botocore.exceptions import ClientError

    if isinstance(exc, ClientError):
        code = str(exc.response.get("Error", {}).get("Code", ""))
        if code in CREDENTIAL_CODES:
            return code
    return ""


class RenewingClient:
    """One boto3 S3 client, built lazily by ``factory``; requests go through ``call``.

    A request refused for its credentials renews them
    (``source.ensure_fresh(margin=inf)``), rebuilds the client and is retried
    once; a second refusal is an S3CredentialsError. When several threads are
    refused at once, only the first renews: the others retry with its new client.
    """

    def __init__(self, renew: Callable[[], object], factory: Callable[[], Any]) -> None:
        self._renew = renew
        self._factory = factory
        self._lock = threading.Lock()
        self._client: Any = None
        self._generation = 0

    def current(self) -> tuple[Any, int]:
        with self._lock:
            if self._client is None:
                self._client = self._factory()
                self._generation += 1
            return self._client, self._generation

    def renewed(self, generation: int) -> Any:
        """A client built after a renewal that happened since ``generation``."""
        with self._lock:
            if self._client is None or self._generation == generation:
                self._renew()
                self._client = self._factory()
                self._generation += 1
            return self._client

    def call(
        self, operation: str, resource: str = "", *, versioned: bool = False, **params: Any
    ) -> Any:
        client, generation = self.current()
        try:
            return getattr(client, operation)(**params)
        except Exception as exc:
            if not _credentials_code(exc):
                raise translate(exc, operation, resource, versioned=versioned) from exc
            first = exc
        client = self.renewed(generation)
        try:
            return getattr(client, operation)(**params)
        except Exception as exc:
            code = _credentials_code(exc)
            if not code:
                raise translate(exc, operation, resource, versioned=versioned) from exc
            raise S3CredentialsError(
                f"AWS refused the credentials to {_task(operation, resource)} "
                f"even after renewing them ({code}).",
                RENEW_HINT,
            ) from first
