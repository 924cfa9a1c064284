"""Data of the DynamoDB panel: table descriptions, read specifications, pages of items.

Items cross the layers as Python values with full type fidelity, exactly as
boto3's TypeDeserializer gives them: str, Decimal (never float), bool, None,
bytes (binary, never str), set[str] / set[Decimal] / set[bytes] (sets stay
sets), list and dict (nested). No I/O here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

Item = dict[str, Any]
ReadMode = Literal["query", "scan"]
SortOp = Literal["=", "<", "<=", ">", ">=", "BETWEEN", "begins_with"]
FilterOp = Literal[
    "=",
    "<>",
    "<",
    "<=",
    ">",
    ">=",
    "BETWEEN",
    "begins_with",
    "contains",
    "attribute_exists",
    "attribute_not_exists",
]
SORT_OPS: tuple[SortOp, ...] = get_args(SortOp)
FILTER_OPS: tuple[FilterOp, ...] = get_args(FilterOp)


@dataclass(frozen=True)
class KeySchema:
    partition: str
    partition_type: str  # "S", "N" or "B"
    sort: str | None = None
    sort_type: str | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return (self.partition,) if self.sort is None else (self.partition, self.sort)


@dataclass(frozen=True)
class IndexInfo:
    name: str
    kind: Literal["GSI", "LSI"]
    key: KeySchema
    projection: str  # "ALL", "KEYS_ONLY" or "INCLUDE"
    projected: tuple[str, ...] = ()  # the INCLUDE attributes


@dataclass(frozen=True)
class TableInfo:
    """What DescribeTable (and DescribeTimeToLive, when allowed) says about a table."""

    name: str
    key: KeySchema
    indexes: tuple[IndexInfo, ...] = ()
    item_count: int | None = None
    size_bytes: int | None = None
    billing_mode: str = ""
    stream: str = ""  # e.g. "NEW_AND_OLD_IMAGES", "" when off or unknown
    ttl_attribute: str = ""  # "" when off or not visible
    status: str = ""

    def key_for(self, index: str | None) -> KeySchema:
        if index is None:
            return self.key
        for info in self.indexes:
            if info.name == index:
                return info.key
        raise KeyError(index)


@dataclass(frozen=True)
class Condition:
    """``attribute OP values``: one value for comparisons, two for BETWEEN, none
    for attribute_exists/attribute_not_exists. Values are typed Python values."""

    attribute: str
    op: FilterOp
    values: tuple[Any, ...] = ()


@dataclass(frozen=True)
class ReadSpec:
    """A Query or Scan as the operator builds it."""

    table: str
    mode: ReadMode = "query"
    index: str | None = None
    partition_value: Any = None  # Query only
    sort: Condition | None = None  # Query only; op is a SortOp
    filters: tuple[Condition, ...] = ()  # ANDed
    projection: tuple[str, ...] = ()  # attribute names; empty = all
    consistent: bool = False
    forward: bool = True  # Query only: ScanIndexForward
    page_size: int = 100  # Limit per request (counts evaluated items)


@dataclass(frozen=True)
class BuiltRequest:
    """The low-level request a ReadSpec becomes: names and values are always
    placeholders (#n0, :v0), so reserved words and odd characters are no issue."""

    operation: Literal["Query", "Scan"]
    params: dict[str, Any]  # client.query(**params) / client.scan(**params), wire format


@dataclass(frozen=True)
class Page:
    """One page of a Query or Scan.

    ``last_evaluated_key`` is opaque (wire format): hand it back unchanged to get
    the next page; None means there is no more.
    """

    items: list[Item]
    count: int
    scanned_count: int
    consumed_capacity: float | None
    last_evaluated_key: dict[str, Any] | None
    retries: int = 0  # throttling retries this page needed


@dataclass(frozen=True)
class WriteConflict:
    """An edit or delete refused because the item changed since it was loaded."""

    original: Item | None  # as the operator loaded it
    current: Item | None  # as it is now (None: deleted meanwhile)
    attempted: Item | None  # what the operator tried to write (None for a delete)


@dataclass(frozen=True)
class PartiqlPage:
    items: list[Item]
    next_token: str | None
    consumed_capacity: float | None = None


@dataclass
class ScanProgress:
    """Running totals of a read that goes on over empty pages (filtered scans)."""

    pages: int = 0
    scanned: int = 0
    matched: int = 0
    consumed: float = 0.0
    extra: dict[str, Any] = field(default_factory=dict)
