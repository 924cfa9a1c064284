"""Build the Query/Scan requests and write conditions of the DynamoDB panel, without I/O.

Every attribute name and value goes through a placeholder (``#n0``, ``:v0``), so
reserved words, dots, ``#``, spaces, unicode and injection-looking text are only
ever names and values, never expression syntax. A name is therefore always one
top-level attribute, taken literally (``a.b`` is the attribute named "a.b").
"""

from __future__ import annotations

import json
import shlex
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from .dynamodb_codec import ItemFormatError, check_number, to_wire_value, wire_as_json
from .dynamodb_models import SORT_OPS, BuiltRequest, Condition, Item, KeySchema, ReadSpec, TableInfo

# DynamoDB refuses a ConditionExpression longer than 4 KB.
MAX_EXPRESSION_LENGTH = 4096
VERSION_ATTRIBUTE = "version"


class ReadSpecError(ValueError):
    """The operator's Query/Scan cannot be built; the message says what to fix."""


class ConsistentReadOnGsiError(ReadSpecError):
    """Global secondary indexes serve eventually consistent reads only."""


class _Placeholders:
    def __init__(self, name_prefix: str = "#n", value_prefix: str = ":v") -> None:
        self.names: dict[str, str] = {}
        self.values: dict[str, Any] = {}
        self._by_name: dict[str, str] = {}
        self._np, self._vp = name_prefix, value_prefix

    def name(self, attribute: str) -> str:
        if not attribute:
            raise ReadSpecError("An attribute name cannot be empty.")
        if attribute not in self._by_name:
            token = f"{self._np}{len(self._by_name)}"
            self._by_name[attribute] = token
            self.names[token] = attribute
        return self._by_name[attribute]

    def value(self, value: Any, attribute: str) -> str:
        token = f"{self._vp}{len(self.values)}"
        try:
            self.values[token] = to_wire_value(value)
        except ItemFormatError as exc:
            raise ReadSpecError(f"The value for '{attribute}' cannot be sent: {exc}") from None
        return token


def key_value(value: Any, attribute: str, kind: str) -> Any:
    """A key value of DynamoDB type ``kind`` ("S", "N", "B"); text typed into a
    form is accepted for numbers. ReadSpecError when it cannot be that type."""
    if kind == "N":
        if isinstance(value, str):
            value = value.strip()
        try:
            return check_number(value)
        except (ValueError, TypeError) as exc:
            raise ReadSpecError(f"The key '{attribute}' is a number: {exc}.") from None
    if kind == "B":
        if isinstance(value, bytes | bytearray):
            return bytes(value)
        raise ReadSpecError(f"The key '{attribute}' is binary; give its value as bytes.")
    if not isinstance(value, str):
        raise ReadSpecError(f"The key '{attribute}' is a string; got {type(value).__name__}.")
    if not value:
        raise ReadSpecError(f"The key '{attribute}' cannot be an empty string.")
    return value


def _comparison(p: _Placeholders, cond: Condition, kind: str | None = None) -> str:
    name = p.name(cond.attribute)
    op = cond.op
    need = {"BETWEEN": 2, "attribute_exists": 0, "attribute_not_exists": 0}.get(op, 1)
    if len(cond.values) != need:
        count = {0: "no value", 1: "one value", 2: "two values"}[need]
        raise ReadSpecError(f"'{op}' on '{cond.attribute}' takes {count}.")
    values = [key_value(v, cond.attribute, kind) if kind else v for v in cond.values]
    if op in ("attribute_exists", "attribute_not_exists"):
        return f"{op}({name})"
    if op in ("begins_with", "contains"):
        return f"{op}({name}, {p.value(values[0], cond.attribute)})"
    if op == "BETWEEN":
        low, high = (p.value(v, cond.attribute) for v in values)
        return f"{name} BETWEEN {low} AND {high}"
    return f"{name} {op} {p.value(values[0], cond.attribute)}"


def build_read(spec: ReadSpec, table: TableInfo) -> BuiltRequest:
    """The low-level Query or Scan for ``spec``; ReadSpecError with a sentence when invalid.

    A projection always includes the table's and the index's key attributes, so
    every row can be opened, edited and paged from.
    """
    try:
        key = table.key_for(spec.index)
    except KeyError:
        raise ReadSpecError(f"Table '{table.name}' has no index '{spec.index}'.") from None
    index = next((i for i in table.indexes if i.name == spec.index), None)
    if spec.consistent and index is not None and index.kind == "GSI":
        raise ConsistentReadOnGsiError(
            f"'{index.name}' is a global secondary index: it serves eventually consistent "
            "reads only. Untick consistent read, or read the table itself."
        )
    if spec.page_size < 1:
        raise ReadSpecError("The page size must be at least 1.")
    p = _Placeholders()
    params: dict[str, Any] = {"TableName": table.name}
    if spec.index:
        params["IndexName"] = spec.index
    if spec.mode == "query":
        params["KeyConditionExpression"] = _key_condition(p, spec, key)
        params["ScanIndexForward"] = spec.forward
    elif spec.mode != "scan":
        raise ReadSpecError(f"Unknown read mode '{spec.mode}'.")
    filters = []
    for cond in spec.filters:
        if spec.mode == "query" and cond.attribute in key.names:
            raise ReadSpecError(
                f"'{cond.attribute}' is a key of this Query; a filter can only use other "
                "attributes. Use the partition value or the sort condition instead."
            )
        filters.append(_comparison(p, cond))
    if filters:
        params["FilterExpression"] = " AND ".join(filters)
    if spec.projection:
        # The keys come along so that every row can be opened, edited and paged from.
        wanted = dict.fromkeys((*table.key.names, *key.names, *spec.projection))
        params["ProjectionExpression"] = ", ".join(p.name(a) for a in wanted)
    if spec.consistent:
        params["ConsistentRead"] = True
    params["Limit"] = spec.page_size
    params["ReturnConsumedCapacity"] = "TOTAL"
    if p.names:
        params["ExpressionAttributeNames"] = p.names
    if p.values:
        params["ExpressionAttributeValues"] = p.values
    return BuiltRequest("Query" if spec.mode == "query" else "Scan", params)


def _key_condition(p: _Placeholders, spec: ReadSpec, key: KeySchema) -> str:
    if spec.partition_value is None or spec.partition_value == "":
        raise ReadSpecError(f"Query needs a value for the partition key '{key.partition}'.")
    value = key_value(spec.partition_value, key.partition, key.partition_type)
    parts = [f"{p.name(key.partition)} = {p.value(value, key.partition)}"]
    if spec.sort is not None:
        cond = spec.sort
        if key.sort is None or key.sort_type is None:
            raise ReadSpecError("This table or index has no sort key; remove the sort condition.")
        if cond.attribute and cond.attribute != key.sort:
            raise ReadSpecError(
                f"The sort condition must be on the sort key '{key.sort}', not '{cond.attribute}'."
            )
        if cond.op not in SORT_OPS:
            raise ReadSpecError(f"'{cond.op}' cannot be used on a sort key.")
        if cond.op == "begins_with" and key.sort_type == "N":
            raise ReadSpecError(
                f"begins_with needs a string or binary sort key; '{key.sort}' is a number."
            )
        sort = Condition(key.sort, cond.op, cond.values)
        parts.append(_comparison(p, sort, key.sort_type))
    return " AND ".join(parts)


def request_as_json(built: BuiltRequest) -> str:
    """The request as the JSON the AWS CLI and SDKs take (binary as base64)."""
    return wire_as_json(built.params)


def request_as_cli(built: BuiltRequest, endpoint_url: str = "", region: str = "") -> str:
    """A copyable ``aws dynamodb query|scan --cli-input-json '…'`` command."""
    command = ["aws", "dynamodb", built.operation.lower()]
    if endpoint_url:
        command += ["--endpoint-url", endpoint_url]
    if region:
        command += ["--region", region]
    command += ["--cli-input-json", wire_as_json(built.params, indent=None)]
    return " ".join(shlex.quote(part) for part in command)


# -- writes -------------------------------------------------------------------


def key_of(item: Mapping[str, Any], key: KeySchema) -> Item:
    """The key attributes of ``item``; ValueError naming a missing one."""
    out: Item = {}
    for name in key.names:
        if name not in item:
            raise ReadSpecError(f"The item has no '{name}', which is part of the table's key.")
        out[name] = item[name]
    return out


def original_condition(
    original: Mapping[str, Any], key: KeySchema
) -> tuple[str, dict[str, str], dict[str, Any]]:
    """A ConditionExpression that holds only while the item is as the operator loaded it.

    Every top-level attribute of the original must still be equal (``#a0 = :a0``;
    DynamoDB compares sets, maps and lists by value). An attribute someone else
    *added* meanwhile cannot be caught: the names of attributes that do not exist
    are not knowable. When that condition would pass DynamoDB's 4 KB expression
    limit and the item has a numeric ``version``, only the key and the version are
    compared (every writer of such tables is expected to bump it; ``replace``
    does). Returns (expression, names, values in wire format).
    """
    key_of(original, key)
    p = _Placeholders("#a", ":a")
    # Keys first: their equality is also what proves the item still exists.
    ordered = [*key.names, *(n for n in original if n not in key.names)]
    parts = [f"{p.name(n)} = {p.value(original[n], n)}" for n in ordered]
    expression = " AND ".join(parts)
    version = original.get(VERSION_ATTRIBUTE)
    if len(expression) > MAX_EXPRESSION_LENGTH and _is_number(version):
        p = _Placeholders("#a", ":a")
        names = [*key.names, VERSION_ATTRIBUTE]
        expression = " AND ".join(f"{p.name(n)} = {p.value(original[n], n)}" for n in names)
    return expression, p.names, p.values


def _is_number(value: Any) -> bool:
    return isinstance(value, Decimal | int) and not isinstance(value, bool)


def bumped_version(original: Mapping[str, Any], new: Item) -> Item:
    """``new`` with ``version`` one above the original's when the operator left it as
    it was, so other writers that check the version see the change."""
    version = original.get(VERSION_ATTRIBUTE)
    bump = isinstance(version, Decimal | int) and not isinstance(version, bool)
    if bump and new.get(VERSION_ATTRIBUTE) == version:
        assert isinstance(version, Decimal | int)
        return {**new, VERSION_ATTRIBUTE: Decimal(version) + 1}
    return new


def condition_as_json(expression: str, names: dict[str, str], values: dict[str, Any]) -> str:
    """A write condition as readable JSON (for the confirmation dialog)."""
    return json.dumps(
        {
            "ConditionExpression": expression,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": json.loads(wire_as_json(values)),
        },
        indent=2,
        ensure_ascii=False,
    )
