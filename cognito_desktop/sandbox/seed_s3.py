"""The demo world's S3 part: the bucket, its objects, and what each role may do there."""

from __future__ import annotations

import json
from typing import Any, Literal

BUCKET = "cognito-desktop-demo"

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


def s3_statements(bucket_arn: str, role: Literal["authenticated", "guest"]) -> list[dict[str, Any]]:
    """IAM statements for ``role``: the authenticated role reaches public/,
    protected/ and private/ but never restricted/; the guest only reads public/."""
    if role == "guest":
        return [
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": bucket_arn,
                "Condition": {"StringLike": {"s3:prefix": ["public/", "public/*"]}},
            },
            {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"{bucket_arn}/public/*"},
        ]
    return [
        {
            "Effect": "Allow",
            "Action": [
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:GetBucketLocation",
                "s3:GetBucketVersioning",
            ],
            "Resource": bucket_arn,
        },
        {
            "Effect": "Allow",
            "Action": [
                "s3:GetObject",
                "s3:GetObjectTagging",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:AbortMultipartUpload",
                "s3:ListMultipartUploadParts",
            ],
            "Resource": [
                f"{bucket_arn}/public/*",
                f"{bucket_arn}/protected/*",
                f"{bucket_arn}/private/*",
            ],
        },
    ]


def seed_bucket(s3: Any) -> None:
    s3.create_bucket(Bucket=BUCKET)
    for key in AWKWARD_KEYS:
        body = f"Demo object {key}\n".encode()
        if key.endswith(".csv"):
            body = b"id,name,amount\n1,alpha,10.5\n2,beta,20\n"
        elif key.endswith(".json"):
            body = json.dumps({"key": key, "nested": {"ok": True}}).encode()
        s3.put_object(Bucket=BUCKET, Key=key, Body=body)
    long_key = "public/long/" + "/".join(["segment-with-a-long-name"] * 30) + "/end.txt"
    s3.put_object(Bucket=BUCKET, Key=long_key[:1000], Body=b"deep")
