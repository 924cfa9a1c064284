"""The demo world's DynamoDB part: the table, its items, and what each role may do there."""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any, Literal

TABLE = "cognito-desktop-demo-items"


def dynamodb_statements(
    table_arn: str,
    role: Literal["authenticated", "guest"],
) -> list[dict[str, Any]]:
    """IAM statements for ``role``: the guest has no DynamoDB access at all."""
    if role == "guest":
        return []
    return [
        {
            "Effect": "Allow",
            "Action": [
                "dynamodb:DescribeTable",
                "dynamodb:GetItem",
                "dynamodb:Query",
                "dynamodb:Scan",
                "dynamodb:PutItem",
                "dynamodb:UpdateItem",
                "dynamodb:DeleteItem",
                "dynamodb:BatchGetItem",
                "dynamodb:PartiQLSelect",
            ],
            "Resource": [table_arn, f"{table_arn}/index/*"],
        },
        {"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"},
    ]


def seed_table(dynamodb: Any) -> None:
    table = dynamodb.create_table(
        TableName=TABLE,
        KeySchema=[
            {"AttributeName": "pk", "KeyType": "HASH"},
            {"AttributeName": "sk", "KeyType": "RANGE"},
        ],
        AttributeDefinitions=[
            {"AttributeName": "pk", "AttributeType": "S"},
            {"AttributeName": "sk", "AttributeType": "S"},
            {"AttributeName": "kind", "AttributeType": "S"},
        ],
        GlobalSecondaryIndexes=[
            {
                "IndexName": "by-kind",
                "KeySchema": [
                    {"AttributeName": "kind", "KeyType": "HASH"},
                    {"AttributeName": "sk", "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ],
        BillingMode="PAY_PER_REQUEST",
    )
    table.wait_until_exists()
    table.put_item(
        Item={
            "pk": "customer#0001",
            "sk": "profile",
            "kind": "profile",
            "name": "Ada Lovelace",
            "balance": Decimal("12345678901234567890.123456789012345678"),
            "active": True,
            "nickname": None,
            "avatar": base64.b64decode("iVBORw0KGgo="),
            "tags": {"vip", "beta"},
            "scores": {Decimal(1), Decimal("2.5"), Decimal("-3")},
            "blobs": {b"\x00\x01", b"\xff"},
            "address": {"city": "London", "lines": ["12 St James's Sq", None, Decimal(1)]},
            "history": [{"at": "2026-01-01", "amount": Decimal("-0.01")}, "note", True],
        }
    )
    with table.batch_writer() as batch:
        for n in range(60):
            batch.put_item(
                Item={
                    "pk": "customer#0001",
                    "sk": f"order#{n:04d}",
                    "kind": "order",
                    "amount": Decimal(n) / 4,
                }
            )
