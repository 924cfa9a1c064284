"""The demo world's S3 part: the buckets, their objects, and what each role may do there.

The emulator does not substitute ``${cognito-identity.amazonaws.com:sub}`` in
policies, so the authenticated role reaches all of ``private/`` and
``protected/`` here, where a real Amplify-style policy would limit each
identity to its own ``private/<identity id>/``.
"""

from __future__ import annotations

import json
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal

BUCKET = "cognito-desktop-demo"
# A second bucket with versioning on, for the opt-in versions view.
VERSIONED_BUCKET = "cognito-desktop-versions"
VERSIONED_KEY = "public/notes.txt"
# A prefix with many keys, for pagination tests; the benchmark seeds more.
MANY_PREFIX = "public/many/"
MANY_COUNT = 20_000

# Keys chosen to trip naive URL and SigV4 encoders.
AWKWARD_KEYS = (
    "public/readme.txt",
    "public/reports/2026/q3/summary.csv",
    "public/reports/2026/q3/deep/deeper/deepest/leaf.json",
    "public/with space/file name.txt",
    "public/unicodé/naïve-文件.txt",
    "public/plus+sign/a+b=c.txt",
    "public/percent%20literal/100%.txt",
    "protected/shared-notes.md",
    "private/operator-only.txt",
    "restricted/payroll.csv",
)
LONG_KEY = ("public/long/" + "/".join(["segment-with-a-long-name"] * 30))[:990] + "/end.txt"
IMAGE_KEY = "public/images/logo.png"
BINARY_KEY = "public/binary/blob.bin"
LARGE_TEXT_KEY = "public/logs/large.log"
TAGGED_KEY = "public/reports/tagged.json"


def s3_statements(
    bucket_arns: list[str], role: Literal["authenticated", "guest"]
) -> list[dict[str, Any]]:
    """IAM statements for ``role``: the authenticated role reaches public/,
    protected/ and private/ but never restricted/; the guest only reads public/."""
    if role == "guest":
        return [
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": bucket_arns,
                "Condition": {"StringLike": {"s3:prefix": ["public/", "public/*"]}},
            },
            {
                "Effect": "Allow",
                "Action": "s3:GetObject",
                "Resource": [f"{arn}/public/*" for arn in bucket_arns],
            },
        ]
    return [
        {
            "Effect": "Allow",
            "Action": [
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:ListBucketMultipartUploads",
                "s3:GetBucketLocation",
                "s3:GetBucketVersioning",
            ],
            "Resource": bucket_arns,
        },
        {
            "Effect": "Allow",
            "Action": [
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:GetObjectTagging",
                "s3:GetObjectVersionTagging",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            "Resource": [
                f"{arn}/{prefix}/*"
                for arn in bucket_arns
                for prefix in ("public", "protected", "private")
            ],
        },
    ]


def _png(width: int = 48, height: int = 48) -> bytes:
    """A small valid PNG (a diagonal gradient), made without an imaging library."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return len(data).to_bytes(4, "big") + body + zlib.crc32(body).to_bytes(4, "big")

    rows = b"".join(
        b"\x00" + b"".join(bytes((x * 5 % 256, y * 5 % 256, 160)) for x in range(width))
        for y in range(height)
    )
    header = width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x02\x00\x00\x00"
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def _body(key: str) -> bytes:
    if key.endswith(".csv"):
        return b"id,name,amount\n1,alpha,10.5\n2,beta,20\n"
    if key.endswith(".json"):
        return json.dumps({"key": key, "nested": {"ok": True}}).encode()
    return f"Demo object {key}\n".encode()


def seed_bucket(s3: Any) -> None:
    s3.create_bucket(Bucket=BUCKET)
    for key in AWKWARD_KEYS:
        s3.put_object(Bucket=BUCKET, Key=key, Body=_body(key))
    s3.put_object(Bucket=BUCKET, Key=LONG_KEY, Body=b"deep")
    s3.put_object(Bucket=BUCKET, Key=IMAGE_KEY, Body=_png(), ContentType="image/png")
    s3.put_object(
        Bucket=BUCKET,
        Key=BINARY_KEY,
        Body=bytes(range(256)) * 16,
        ContentType="application/octet-stream",
    )
    lines = "".join(
        f"2026-11-01T00:00:{i % 60:02d}Z line {i} of the demo log\n" for i in range(40_000)
    )
    s3.put_object(Bucket=BUCKET, Key=LARGE_TEXT_KEY, Body=lines.encode(), ContentType="text/plain")
    s3.put_object(
        Bucket=BUCKET,
        Key=TAGGED_KEY,
        Body=json.dumps({"quarter": "Q3", "total": 30.5}).encode(),
        ContentType="application/json",
        Metadata={"owner": "finance", "source": "cognito-desktop-sandbox"},
        Tagging="classification=internal&team=finance",
    )
    s3.put_object(Bucket=BUCKET, Key="public/empty-folder/", Body=b"")
    # A folder of 250 objects, some in another storage class: pages of 100 in tests.
    for i in range(250):
        s3.put_object(
            Bucket=BUCKET,
            Key=f"public/page-test/item-{i:04d}.txt",
            Body=b"x" * i,
            StorageClass="STANDARD_IA" if i % 50 == 0 else "STANDARD",
        )

    s3.create_bucket(Bucket=VERSIONED_BUCKET)
    s3.put_bucket_versioning(Bucket=VERSIONED_BUCKET, VersioningConfiguration={"Status": "Enabled"})
    for n in range(1, 4):
        s3.put_object(Bucket=VERSIONED_BUCKET, Key=VERSIONED_KEY, Body=f"version {n}\n".encode())
    s3.put_object(Bucket=VERSIONED_BUCKET, Key="public/gone.txt", Body=b"soon deleted\n")
    s3.delete_object(Bucket=VERSIONED_BUCKET, Key="public/gone.txt")


def seed_many(
    s3: Any,
    prefix: str = MANY_PREFIX,
    count: int = MANY_COUNT,
    workers: int = 8,
    stop: threading.Event | None = None,
) -> None:
    """``count`` small objects under ``prefix`` (keys sort in creation order).
    About 300 puts a second on the emulator, so 20,000 take a minute."""
    width = max(6, len(str(count - 1)))

    def put(i: int) -> None:
        if stop is not None and stop.is_set():
            return
        s3.put_object(Bucket=BUCKET, Key=f"{prefix}obj-{i:0{width}d}.txt", Body=b"%d\n" % i)

    with ThreadPoolExecutor(workers) as pool:
        for _ in pool.map(put, range(count)):
            pass
