"""The demo world's DynamoDB part: the tables, their items, and what each role may do there.

- ``TABLE``: every DynamoDB type, a GSI (``by-kind``), several partitions and
  one partition with ``ORDERS`` orders (many pages), a few of them ``priority``
  so that a filtered scan meets empty pages.
- ``AUDIT_TABLE``: the authenticated role may read it but not write it.
- ``RESTRICTED_TABLE``: listed, but the authenticated role may not touch it.

ministack 1.5.33 does not evaluate ``dynamodb:LeadingKeys`` (a policy that
conditions on it is not enforced there), so "denied" is shown with per-table
and read-only grants instead.
"""

from __future__ import annotations

import base64
from decimal import Decimal
from typing import Any, Literal

from cognito_desktop.services.dynamodb_codec import to_wire

TABLE = "cognito-desktop-demo-items"
AUDIT_TABLE = "cognito-desktop-demo-audit"
RESTRICTED_TABLE = "cognito-desktop-demo-restricted"
INDEX = "by-kind"
CUSTOMER = "customer#0001"
ORDERS = 250
# Every PRIORITY_EVERY-th order is a priority order: a filter on it matches rarely.
PRIORITY_EVERY = 97
OTHER_CUSTOMERS = ("customer#0002", "customer#0003", "customer#0004")
ORDERS_PER_OTHER_CUSTOMER = 5

_READ = [
    "dynamodb:DescribeTable",
    "dynamodb:DescribeTimeToLive",
    "dynamodb:GetItem",
    "dynamodb:BatchGetItem",
    "dynamodb:Query",
    "dynamodb:Scan",
    "dynamodb:PartiQLSelect",
]
_WRITE = [
    "dynamodb:PutItem",
    "dynamodb:UpdateItem",
    "dynamodb:DeleteItem",
    "dynamodb:BatchWriteItem",
    "dynamodb:PartiQLInsert",
    "dynamodb:PartiQLUpdate",
    "dynamodb:PartiQLDelete",
]


def dynamodb_statements(
    table_arn: str,
    role: Literal["authenticated", "guest"],
) -> list[dict[str, Any]]:
    """IAM statements for ``role`` (``table_arn`` is TABLE's): the guest has no DynamoDB
    access at all; the authenticated role reads and writes TABLE, only reads
    AUDIT_TABLE and may not touch RESTRICTED_TABLE."""
    if role == "guest":
        return []
    audit_arn = table_arn.rsplit("/", 1)[0] + "/" + AUDIT_TABLE
    return [
        {
            "Effect": "Allow",
            "Action": [*_READ, *_WRITE],
            "Resource": [table_arn, f"{table_arn}/index/*"],
        },
        {"Effect": "Allow", "Action": _READ, "Resource": [audit_arn, f"{audit_arn}/index/*"]},
        {"Effect": "Allow", "Action": "dynamodb:ListTables", "Resource": "*"},
        # ministack authorizes PartiQL as dynamodb:ExecuteStatement on "*" (AWS uses
        # the PartiQL* actions above, per table); without it the PartiQL tab is dead here.
        {"Effect": "Allow", "Action": "dynamodb:ExecuteStatement", "Resource": "*"},
    ]


def every_type_item() -> dict[str, Any]:
    """The showcase item: one attribute of every DynamoDB type, nested ones included."""
    return {
        "pk": CUSTOMER,
        "sk": "profile",
        "kind": "profile",
        "name": "Ada Lovelace",
        "balance": Decimal("12345678901234567890.123456789012345678"),  # 38 digits
        "tiny": Decimal("-1E-130"),
        "huge": Decimal("9.9999999999999999999999999999999999999E+125"),
        "version": Decimal(1),
        "active": True,
        "nickname": None,
        "avatar": base64.b64decode("iVBORw0KGgo="),
        "tags": {"vip", "beta"},
        "scores": {Decimal(1), Decimal("2.5"), Decimal("-3")},
        "blobs": {b"\x00\x01", b"\xff"},
        "address": {"city": "London", "lines": ["12 St James's Sq", None, Decimal(1)]},
        "history": [{"at": "2026-01-01", "amount": Decimal("-0.01")}, "note", True],
        "odd names": {"a.b": "dot", "#x": "hash", "ünï": "unicode", "size": "reserved word"},
    }


def _order(customer: str, n: int) -> dict[str, Any]:
    order: dict[str, Any] = {
        "pk": customer,
        "sk": f"order#{n:04d}",
        "kind": "order",
        "amount": Decimal(n) / 4,
        "status": ("open", "shipped", "returned")[n % 3],
    }
    if n % PRIORITY_EVERY == PRIORITY_EVERY - 1:
        order["priority"] = True
    return order


def demo_items() -> list[dict[str, Any]]:
    items = [every_type_item(), *(_order(CUSTOMER, n) for n in range(ORDERS))]
    for number, customer in enumerate(OTHER_CUSTOMERS, start=2):
        items.append(
            {"pk": customer, "sk": "profile", "kind": "profile", "name": f"Customer {number}"}
        )
        items += [_order(customer, n) for n in range(ORDERS_PER_OTHER_CUSTOMER)]
    return items


def _create(client: Any, name: str, pk: str, sk: str, gsi: bool = False) -> None:
    params: dict[str, Any] = {
        "TableName": name,
        "KeySchema": [
            {"AttributeName": pk, "KeyType": "HASH"},
            {"AttributeName": sk, "KeyType": "RANGE"},
        ],
        "AttributeDefinitions": [
            {"AttributeName": pk, "AttributeType": "S"},
            {"AttributeName": sk, "AttributeType": "S"},
        ],
        "BillingMode": "PAY_PER_REQUEST",
    }
    if gsi:
        params["AttributeDefinitions"].append({"AttributeName": "kind", "AttributeType": "S"})
        params["GlobalSecondaryIndexes"] = [
            {
                "IndexName": INDEX,
                "KeySchema": [
                    {"AttributeName": "kind", "KeyType": "HASH"},
                    {"AttributeName": sk, "KeyType": "RANGE"},
                ],
                "Projection": {"ProjectionType": "ALL"},
            }
        ]
    client.create_table(**params)
    client.get_waiter("table_exists").wait(TableName=name)


def _batch_put(client: Any, table: str, wire_items: list[dict[str, Any]]) -> None:
    for start in range(0, len(wire_items), 25):
        requests = [{"PutRequest": {"Item": item}} for item in wire_items[start : start + 25]]
        pending: dict[str, Any] = {table: requests}
        while pending:
            pending = client.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}


def seed_table(dynamodb: Any) -> None:
    """Create and fill the demo tables. ``dynamodb`` is a boto3 resource or a low-level
    client with root access."""
    if hasattr(dynamodb, "Table"):
        # A resource's client serialises Python values itself; ours are already wire.
        client, encode = dynamodb.meta.client, dict
    else:
        client, encode = dynamodb, to_wire
    _create(client, TABLE, "pk", "sk", gsi=True)
    _batch_put(client, TABLE, [encode(item) for item in demo_items()])
    _create(client, AUDIT_TABLE, "id", "at")
    audit = [
        {"id": "audit", "at": f"2026-01-{day:02d}", "what": f"nightly check {day}"}
        for day in range(1, 11)
    ]
    _batch_put(client, AUDIT_TABLE, [encode(item) for item in audit])
    _create(client, RESTRICTED_TABLE, "pk", "sk")
    _batch_put(client, RESTRICTED_TABLE, [encode({"pk": "payroll", "sk": "2026", "total": 1})])


def benchmark_item(n: int) -> dict[str, Any]:
    """A typed item of a few hundred bytes, as the benchmark table holds ``count`` of."""
    return {
        "pk": f"bench#{n % 100:03d}",
        "sk": f"item#{n:08d}",
        "n": Decimal(n),
        "price": Decimal(n) / 100,
        "big": Decimal("12345678901234567890123456789012345678"),
        "label": f"benchmark item {n}",
        "ok": n % 2 == 0,
        "none": None,
        "blob": n.to_bytes(4, "big"),
        "tags": {"a", "b", f"t{n % 7}"},
        "nums": {Decimal(1), Decimal(n)} if n != 1 else {Decimal(1)},
        "doc": {"x": Decimal(n), "list": ["s", Decimal("1.5"), False]},
    }


def seed_benchmark_table(client: Any, name: str, count: int) -> None:
    """Create table ``name`` (keys ``pk``/``sk``) and fill it with ``count`` typed items,
    25 per BatchWriteItem. ``client`` is a low-level dynamodb client allowed to write."""

    _create(client, name, "pk", "sk")
    _batch_put(client, name, [to_wire(benchmark_item(n)) for n in range(count)])
