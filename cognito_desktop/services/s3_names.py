"""Bucket names, keys, folder names and s3:// addresses, checked before any request.

Each check returns nothing or raises S3NameError with a sentence that says
what is wrong and what would be right.
"""

from __future__ import annotations

import ipaddress
import re
from urllib.parse import unquote, urlsplit

from .s3_models import S3Location, S3NameError

MAX_KEY_BYTES = 1024
_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
_RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
_RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")
_CONTROL_RE = re.compile(r"[\x00-\x1f\x7f]")


def bucket_problem(name: str) -> str:
    """Why ``name`` is not a valid general-purpose bucket name, or ''."""
    if not name:
        return "A bucket name is required."
    if len(name) < 3 or len(name) > 63:
        return f"Bucket name '{name}' must be 3 to 63 characters long (it has {len(name)})."
    if name != name.lower():
        return f"Bucket name '{name}' must be lowercase: try '{name.lower()}'."
    if not _BUCKET_RE.match(name):
        return (
            f"Bucket name '{name}' may only use lowercase letters, digits, '.' and '-', "
            "and must start and end with a letter or digit."
        )
    if ".." in name:
        return f"Bucket name '{name}' may not contain two dots in a row."
    if ".-" in name or "-." in name:
        return f"Bucket name '{name}' may not have a dot next to a hyphen."
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        return f"Bucket name '{name}' may not be an IP address."
    for prefix in _RESERVED_PREFIXES:
        if name.startswith(prefix):
            return f"Bucket names may not start with '{prefix}' (reserved by AWS)."
    for suffix in _RESERVED_SUFFIXES:
        if name.endswith(suffix):
            return f"Bucket names may not end with '{suffix}' (reserved by AWS)."
    return ""


def check_bucket(name: str) -> None:
    if why := bucket_problem(name):
        raise S3NameError(why, "Check the bucket name (S3 console → Buckets).")


def key_problem(key: str, *, what: str = "Object key") -> str:
    """Why ``key`` cannot be an object key, or ''."""
    if not key:
        return f"{what} is empty."
    size = len(key.encode("utf-8", "surrogatepass"))
    if size > MAX_KEY_BYTES:
        return f"{what} is {size} bytes long in UTF-8; S3 allows at most {MAX_KEY_BYTES}."
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        return f"{what} is not valid Unicode text."
    return ""


def check_key(key: str) -> None:
    if why := key_problem(key):
        raise S3NameError(why, "Rename it, or choose a shorter folder.")


def check_prefix(prefix: str) -> None:
    """A folder prefix: '' (bucket root) or a valid key ending in '/'."""
    if not prefix:
        return
    if why := key_problem(prefix, what="Folder path"):
        raise S3NameError(why, "Choose a shorter or simpler folder path.")


def check_folder_name(name: str, inside: S3Location) -> str:
    """A new folder's name typed by the user; returns the full prefix (ending in '/')."""
    stripped = name.strip()
    if not stripped:
        raise S3NameError("A folder name is required.", "Type a name such as 'reports'.")
    if "/" in stripped.strip("/"):
        raise S3NameError(
            f"Folder name '{stripped}' contains '/'.",
            "Create one level at a time, or type the name without '/'.",
        )
    if stripped.strip("/") in (".", ".."):
        raise S3NameError(
            f"'{stripped}' cannot be a folder name.", "Choose a name other than '.' or '..'."
        )
    if _CONTROL_RE.search(stripped):
        # S3 would take it, but such names are invisible in most tools and break scripts.
        raise S3NameError(
            f"Folder name {stripped!r} contains a control character (such as a tab).",
            "Type the name without it.",
        )
    prefix = inside.prefix + stripped.strip("/") + "/"
    if why := key_problem(prefix, what="The folder's full path"):
        raise S3NameError(why, "Choose a shorter name.")
    return prefix


def parse_location(text: str) -> S3Location:
    """User text to a location: ``s3://bucket/prefix/``, ``bucket/prefix``, or an
    ``https://bucket.s3.amazonaws.com/key`` / ``https://s3.REGION.amazonaws.com/bucket/key``
    console URL. A prefix without a trailing '/' is kept as typed (it may be a key)."""
    raw = text.strip()
    if not raw:
        raise S3NameError("The address is empty.", "Type s3://bucket/folder/")
    bucket, prefix = "", ""
    if raw.lower().startswith("s3://"):
        rest = raw[5:]
        bucket, _, prefix = rest.partition("/")
    elif raw.lower().startswith(("https://", "http://")):
        try:
            parts = urlsplit(raw)
        except ValueError as exc:
            raise S3NameError(f"'{raw}' is not a valid URL.", "Type s3://bucket/folder/") from exc
        host = (parts.hostname or "").lower()
        path = unquote(parts.path)
        aws_host = host.endswith((".amazonaws.com", ".amazonaws.com.cn"))
        if aws_host and ".s3." in host:
            bucket = host.split(".s3", 1)[0]
            prefix = path.lstrip("/")
        elif aws_host and host.startswith("s3."):
            bucket, _, prefix = path.lstrip("/").partition("/")
        else:
            raise S3NameError(
                f"'{raw}' is not an S3 address.",
                "Type s3://bucket/folder/, or paste an S3 console object URL.",
            )
    elif "://" in raw:
        scheme = raw.split("://", 1)[0]
        raise S3NameError(
            f"'{scheme}://' addresses are not S3 addresses.", "Type s3://bucket/folder/"
        )
    else:
        bucket, _, prefix = raw.lstrip("/").partition("/")
    check_bucket(bucket)
    check_prefix(prefix)
    return S3Location(bucket, prefix)
