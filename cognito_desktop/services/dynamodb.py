"""The DynamoDB panel's operations: tables, paged reads, conditional writes, export, PartiQL.

Takes a low-level boto3 dynamodb client (``Session.client("dynamodb")`` renews its
own credentials; clients are thread-safe). Throttling is retried here, with
backoff and jitter, so each Page can say how many retries it needed; build the
client with ``retry_config()`` so botocore does not retry out of sight first.
Every botocore error becomes a CognitoDesktopError with a sentence.
"""

from __future__ import annotations

import contextlib
import csv
import os
import random
import re
import tempfile
import threading
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from .dynamodb_codec import from_wire, plain_value, to_wire, to_wire_value, wire_as_json
from .dynamodb_models import (
    IndexInfo,
    Item,
    KeySchema,
    Page,
    PartiqlPage,
    ReadSpec,
    ScanProgress,
    TableInfo,
    WriteConflict,
)
from .dynamodb_requests import build_read, bumped_version, key_of, original_condition
from .errors import CognitoDesktopError, NetworkError

THROTTLING = frozenset(
    {"ProvisionedThroughputExceededException", "ThrottlingException", "RequestLimitExceeded"}
)
MAX_TRIES = 6
BASE_DELAY = 0.05  # seconds; doubles per try, full jitter, capped below
MAX_DELAY = 2.0
CONDITION_FAILED = frozenset({"ConditionalCheckFailedException"})
LISTING_DENIED = "ListTables is not allowed for your role; showing the tables the profile names."


class DynamoError(CognitoDesktopError):
    """DynamoDB refused a request; the message says why and what to do."""


class DynamoAccessDenied(DynamoError):
    """The role's policy does not allow the action on this table or index."""

    def __init__(self, message: str, hint: str, action: str, table: str, role: str) -> None:
        super().__init__(message, hint)
        self.action, self.table, self.role = action, table, role


class TableNotFound(DynamoError):
    """The table (or index) does not exist in this account and region."""


class DynamoValidationError(DynamoError):
    """DynamoDB found the request invalid."""


class DynamoCredentialsError(DynamoError):
    """AWS did not accept the session's credentials (expired, or not valid there)."""


class Throttled(DynamoError):
    """Still throttled after every retry."""


class ItemExists(DynamoError):
    """``put_new`` found an item with the same key already there."""


class KeyChanged(DynamoError, ValueError):
    """An edit changed a key attribute: that would be a new item, not an edit."""


def retry_config() -> Any:
    """A botocore Config for the panel's client: botocore retries nothing, so the
    throttling retries DynamoService makes are the only ones, and are counted."""
    from botocore.config import Config

    return Config(retries={"total_max_attempts": 1, "mode": "standard"})


_DENIED_RE = re.compile(
    r"(?:assumed-role/(?P<role>[^/\s]+)|:user/(?P<user>[^\s]+)).*?"
    r"not authorized to perform:?\s*(?P<action>[\w:]+)(?:\s+on resource:?\s*(?P<resource>\S+))?",
    re.DOTALL,
)
_SECRETISH_RE = re.compile(r"(ASIA|AKIA)[A-Z0-9]{12,}")


def _clean(message: str) -> str:
    # Messages are shown and logged: an access key id has no business there.
    return _SECRETISH_RE.sub("[access key]", message).strip()


def translate(
    exc: Exception,
    action: str,
    table: str = "",
    index: str | None = None,
    spec: ReadSpec | None = None,
    own_partition: str = "",
) -> CognitoDesktopError:
    """A botocore error as the service layer's typed error, with a sentence."""
    from botocore.exceptions import BotoCoreError, ClientError, EndpointConnectionError

    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = str(error.get("Code", ""))
        message = _clean(str(error.get("Message", "")))
        where = f"table '{table}'" + (f", index '{index}'" if index else "") if table else ""
        if code in (
            "ExpiredTokenException",
            "UnrecognizedClientException",
            "InvalidSignatureException",
            "MissingAuthenticationTokenException",
        ):
            return DynamoCredentialsError(
                f"AWS did not accept the session's credentials for the {action} ({code}).",
                "Renew the credentials (Ctrl+R), or sign in again.",
            )
        if code in ("AccessDeniedException", "AccessDenied"):
            return _denied(message, action, table, where, spec, own_partition)
        if code == "ResourceNotFoundException":
            return TableNotFound(
                f"DynamoDB has no {where or 'such table'} in this account and region.",
                "Check the table name and the profile's region.",
            )
        if code == "ValidationException":
            return DynamoValidationError(f"DynamoDB refused the {action}: {message.rstrip('.')}.")
        if code in THROTTLING:
            return Throttled(
                f"DynamoDB kept throttling the {action} on {where or 'the table'} "
                f"after {MAX_TRIES} tries.",
                "Wait a moment, or read smaller pages.",
            )
        return DynamoError(f"DynamoDB answered {code} to the {action}: {message}")
    if isinstance(exc, EndpointConnectionError | BotoCoreError):
        return NetworkError(f"DynamoDB could not be reached for the {action}: {_clean(str(exc))}")
    if isinstance(exc, CognitoDesktopError):
        return exc
    return DynamoError(f"The {action} failed: {_clean(str(exc))}")


def _denied(
    message: str, action: str, table: str, where: str, spec: ReadSpec | None, own_partition: str
) -> DynamoAccessDenied:
    match = _DENIED_RE.search(message)
    iam_action = (match.group("action") if match else "") or f"dynamodb:{action}"
    role = (match.group("role") or match.group("user") or "") if match else ""
    if match and match.group("resource") and not table:
        table = match.group("resource").rsplit("table/", 1)[-1]
        where = f"table '{table}'"
    sentence = f"Your role{f' {role}' if role else ''} may not {iam_action}"
    sentence += f" on {where}." if where else "."
    hint = "Ask for the permission, or use a table the profile's role may reach."
    leading = "leadingkeys" in message.lower()
    if spec is not None and spec.mode == "scan" and own_partition:
        leading = True
    if spec is not None and spec.mode == "query" and own_partition:
        leading = leading or str(spec.partition_value) != own_partition
    if leading:
        hint = (
            "The role may be limited to your own partition (a dynamodb:LeadingKeys "
            "condition): Query with the partition key equal to your identity id"
            + (f" '{own_partition}'." if own_partition else ".")
        )
    return DynamoAccessDenied(sentence, hint, iam_action, table, role)


class DynamoService:
    """The DynamoDB operations of one session. Thread-safe as its client is.

    Args:
        client: a low-level boto3 dynamodb client.
        own_partition: the identity id, when tables are keyed by it: a denied read
            then hints at dynamodb:LeadingKeys.
        sleep: how to wait between throttling retries (tests pass a recorder).
        keyed_tables: the tables keyed by the identity id (the profile's
            ``dynamodb_identity_keyed``); empty means any table may be.
    """

    def __init__(
        self,
        client: Any,
        own_partition: str = "",
        sleep: Callable[[float], None] = time.sleep,
        keyed_tables: Collection[str] = (),
    ) -> None:
        self.client = client
        self.own_partition = own_partition
        self.keyed_tables = frozenset(keyed_tables)
        self._sleep = sleep

    def _own_partition(self, table: str) -> str:
        if self.keyed_tables and table not in self.keyed_tables:
            return ""
        return self.own_partition

    def _call(
        self,
        operation: str,
        table: str = "",
        index: str | None = None,
        spec: ReadSpec | None = None,
        *,
        raw: frozenset[str] = frozenset(),
        **params: Any,
    ) -> tuple[dict[str, Any], int]:
        """``client.<operation>(**params)``, retrying throttling; returns (response, retries).
        ClientErrors whose code is in ``raw`` are re-raised untranslated for the caller."""
        from botocore.exceptions import ClientError

        method = getattr(self.client, re.sub(r"(?<!^)(?=[A-Z])", "_", operation).lower())
        for attempt in range(MAX_TRIES):
            try:
                response: dict[str, Any] = method(**params)
                return response, attempt
            except ClientError as exc:
                code = exc.response.get("Error", {}).get("Code", "")
                if code in THROTTLING and attempt + 1 < MAX_TRIES:
                    self._sleep(random.uniform(0, min(MAX_DELAY, BASE_DELAY * 2**attempt)))  # noqa: S311
                    continue
                if code in raw:
                    raise
                own = self._own_partition(table)
                raise translate(exc, operation, table, index, spec, own) from exc
            except Exception as exc:
                own = self._own_partition(table)
                raise translate(exc, operation, table, index, spec, own) from exc
        raise AssertionError("unreachable")

    # -- tables -----------------------------------------------------------------

    def list_tables(self, named: Sequence[str] = ()) -> tuple[list[str], str]:
        """Every table ListTables shows plus ``named``, sorted; and "" or why only ``named``."""
        names = set(named)
        params: dict[str, Any] = {}
        try:
            while True:
                response, _ = self._call("ListTables", **params)
                names.update(response.get("TableNames", []))
                last = response.get("LastEvaluatedTableName")
                if not last:
                    return sorted(names), ""
                params = {"ExclusiveStartTableName": last}
        except DynamoAccessDenied:
            return sorted(names), LISTING_DENIED

    def describe(self, table: str) -> TableInfo:
        """DescribeTable, plus the TTL attribute when DescribeTimeToLive is allowed."""
        response, _ = self._call("DescribeTable", table, TableName=table)
        desc = response["Table"]
        types = {
            a["AttributeName"]: a["AttributeType"] for a in desc.get("AttributeDefinitions", [])
        }
        indexes = [
            _index(raw, kind, types)
            for kind, field in (("GSI", "GlobalSecondaryIndexes"), ("LSI", "LocalSecondaryIndexes"))
            for raw in desc.get(field) or []
        ]
        ttl = ""
        with contextlib.suppress(DynamoError):
            found, _ = self._call("DescribeTimeToLive", table, TableName=table)
            ttl_desc = found.get("TimeToLiveDescription", {})
            if ttl_desc.get("TimeToLiveStatus") in ("ENABLED", "ENABLING"):
                ttl = ttl_desc.get("AttributeName", "")
        stream = desc.get("StreamSpecification") or {}
        return TableInfo(
            name=desc["TableName"],
            key=_key_schema(desc["KeySchema"], types),
            indexes=tuple(indexes),
            item_count=desc.get("ItemCount"),
            size_bytes=desc.get("TableSizeBytes"),
            billing_mode=(desc.get("BillingModeSummary") or {}).get("BillingMode", "PROVISIONED"),
            stream=stream.get("StreamViewType", "") if stream.get("StreamEnabled") else "",
            ttl_attribute=ttl,
            status=desc.get("TableStatus", ""),
        )

    # -- reads ------------------------------------------------------------------

    def read_page(
        self, spec: ReadSpec, table_info: TableInfo, start_key: Mapping[str, Any] | None = None
    ) -> Page:
        """One page of the Query or Scan; ``start_key`` is a previous page's LEK, as is."""
        built = build_read(spec, table_info)
        params = dict(built.params)
        if start_key:
            params["ExclusiveStartKey"] = start_key
        response, retries = self._call(built.operation, table_info.name, spec.index, spec, **params)
        return Page(
            items=[from_wire(item) for item in response.get("Items", [])],
            count=int(response.get("Count", 0)),
            scanned_count=int(response.get("ScannedCount", 0)),
            consumed_capacity=_capacity(response),
            last_evaluated_key=response.get("LastEvaluatedKey"),
            retries=retries,
        )

    def read_until_items(
        self,
        spec: ReadSpec,
        table_info: TableInfo,
        start_key: Mapping[str, Any] | None,
        cancel: threading.Event,
        progress: Callable[[ScanProgress], None] | None = None,
        want: int = 1,
    ) -> Page:
        """Read on over pages that a filter left empty (Limit counts evaluated items)
        until ``want`` items, the end, or ``cancel``; one combined page."""
        totals = ScanProgress()
        items: list[Item] = []
        capacity: float | None = None
        retries = 0
        key: Mapping[str, Any] | None = start_key
        while not cancel.is_set():
            page = self.read_page(spec, table_info, key)
            items += page.items
            retries += page.retries
            if page.consumed_capacity is not None:
                capacity = (capacity or 0.0) + page.consumed_capacity
            totals.pages += 1
            totals.scanned += page.scanned_count
            totals.matched += page.count
            totals.consumed = capacity or 0.0
            key = page.last_evaluated_key
            if progress is not None:
                progress(totals)
            if key is None or len(items) >= want:
                break
        return Page(
            items,
            len(items),
            totals.scanned,
            capacity,
            dict(key) if key is not None else None,
            retries,
        )

    def iter_pages(
        self, spec: ReadSpec, table_info: TableInfo, cancel: threading.Event | None = None
    ) -> Iterator[Page]:
        """Every page of the read, from the start to the end (or ``cancel``)."""
        key: Mapping[str, Any] | None = None
        while cancel is None or not cancel.is_set():
            page = self.read_page(spec, table_info, key)
            yield page
            key = page.last_evaluated_key
            if key is None:
                return

    # -- single items -----------------------------------------------------------

    def get_item(self, table_info: TableInfo, key_item: Mapping[str, Any]) -> Item | None:
        """The item with this key (a strongly consistent read), or None."""
        key = to_wire(key_of(key_item, table_info.key))
        response, _ = self._call(
            "GetItem", table_info.name, TableName=table_info.name, Key=key, ConsistentRead=True
        )
        item = response.get("Item")
        return from_wire(item) if item else None

    def put_new(self, table_info: TableInfo, item: Mapping[str, Any]) -> None:
        """Create ``item``; ItemExists when an item with its key is already there."""
        from botocore.exceptions import ClientError

        key_of(item, table_info.key)
        try:
            self._call(
                "PutItem",
                table_info.name,
                raw=CONDITION_FAILED,
                TableName=table_info.name,
                Item=to_wire(item),
                ConditionExpression="attribute_not_exists(#pk)",
                ExpressionAttributeNames={"#pk": table_info.key.partition},
            )
        except ClientError as exc:  # only ConditionalCheckFailed comes back raw
            shown = ", ".join(
                f"{k}={plain_value(v)}" for k, v in key_of(item, table_info.key).items()
            )
            raise ItemExists(
                f"An item with the key {shown} already exists in '{table_info.name}'.",
                "Open it and edit it instead, or choose another key.",
            ) from exc

    def replace(
        self, table_info: TableInfo, original: Mapping[str, Any], new: Mapping[str, Any]
    ) -> WriteConflict | None:
        """Write ``new`` over the item only if it is still as ``original`` (see
        dynamodb_requests.original_condition); a WriteConflict with both versions
        otherwise, never a silent overwrite. A numeric ``version`` left as it was
        is incremented."""
        key = key_of(original, table_info.key)
        for name, value in key.items():
            if name not in new or new[name] != value or type(new[name]) is not type(value):
                raise KeyChanged(
                    f"The key attribute '{name}' changed: that would be a new item, not an edit.",
                    "Keep the key as it was, or create a new item (and delete the old one).",
                )
        written = bumped_version(original, dict(new))
        conflict = self._conditional("PutItem", table_info, original, Item=to_wire(written))
        return None if conflict is None else WriteConflict(dict(original), conflict[0], dict(new))

    def delete(self, table_info: TableInfo, original: Mapping[str, Any]) -> WriteConflict | None:
        """Delete the item only if it is still as ``original``; WriteConflict otherwise."""
        key = to_wire(key_of(original, table_info.key))
        conflict = self._conditional("DeleteItem", table_info, original, Key=key)
        return None if conflict is None else WriteConflict(dict(original), conflict[0], None)

    def _conditional(
        self, operation: str, table_info: TableInfo, original: Mapping[str, Any], **params: Any
    ) -> tuple[Item | None] | None:
        from botocore.exceptions import ClientError

        expression, names, values = original_condition(original, table_info.key)
        try:
            self._call(
                operation,
                table_info.name,
                raw=CONDITION_FAILED,
                TableName=table_info.name,
                ConditionExpression=expression,
                ExpressionAttributeNames=names,
                ExpressionAttributeValues=values,
                ReturnValuesOnConditionCheckFailure="ALL_OLD",
                **params,
            )
        except ClientError as exc:  # only ConditionalCheckFailed comes back raw
            # ALL_OLD hands back the item as it is now. Without it (a deleted item,
            # or a backend that ignores ALL_OLD) a consistent read tells.
            old: Any = exc.response.get("Item")
            return (from_wire(old) if old else self.get_item(table_info, original),)
        return None

    # -- PartiQL ----------------------------------------------------------------

    def partiql(
        self,
        statement: str,
        parameters: Sequence[Any] = (),
        next_token: str | None = None,
        limit: int | None = None,
    ) -> PartiqlPage:
        """ExecuteStatement with typed ``parameters`` (Python values, for the ``?``s)."""
        params: dict[str, Any] = {"Statement": statement, "ReturnConsumedCapacity": "TOTAL"}
        if parameters:
            params["Parameters"] = [to_wire_value(p) for p in parameters]
        if next_token:
            params["NextToken"] = next_token
        if limit:
            params["Limit"] = limit
        table = _statement_table(statement)
        response, _ = self._call("ExecuteStatement", table, **params)
        return PartiqlPage(
            items=[from_wire(item) for item in response.get("Items", [])],
            next_token=response.get("NextToken"),
            consumed_capacity=_capacity(response),
        )

    # -- export -------------------------------------------------------------------

    def export_all(
        self,
        spec: ReadSpec,
        table_info: TableInfo,
        dest: Path,
        fmt: Literal["jsonl", "csv"],
        cancel: threading.Event,
        progress: Callable[[ScanProgress], None] | None = None,
    ) -> int:
        """Every page of the read to ``dest``; the number of items written. Cancel
        leaves no file (and no partial temp file)."""
        totals = ScanProgress()

        def items() -> Iterator[Item]:
            for page in self.iter_pages(spec, table_info, cancel):
                totals.pages += 1
                totals.scanned += page.scanned_count
                totals.matched += page.count
                totals.consumed += page.consumed_capacity or 0.0
                if progress is not None:
                    progress(totals)
                yield from page.items

        key_names = _key_order(table_info, spec.index)
        return _write_export(items, dest, fmt, key_names, cancel)


def export_items(
    items: Sequence[Item], dest: Path, fmt: Literal["jsonl", "csv"], key_names: Sequence[str] = ()
) -> int:
    """Loaded results to ``dest``: JSONL of DynamoDB JSON (lossless) or CSV (keys first)."""
    return _write_export(lambda: iter(items), dest, fmt, key_names, None)


def _write_export(
    items: Callable[[], Iterator[Item]],
    dest: Path,
    fmt: str,
    key_names: Sequence[str],
    cancel: threading.Event | None,
) -> int:
    if fmt not in ("jsonl", "csv"):
        raise ValueError(f"Unknown export format '{fmt}'; choose jsonl or csv.")
    dest = Path(dest)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".part", dir=dest.parent)
    tmp = Path(tmp_name)
    count = 0
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as out:
            if fmt == "jsonl":
                for item in items():
                    out.write(wire_as_json(to_wire(item), indent=None))
                    out.write("\n")
                    count += 1
            else:
                # CSV needs the union of columns before its first row is written.
                count = _write_csv(out, list(items()), key_names)
        if cancel is not None and cancel.is_set():
            tmp.unlink(missing_ok=True)
            return 0
        os.replace(tmp, dest)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return count


def _write_csv(out: Any, items: Iterable[Item], key_names: Sequence[str]) -> int:
    rows = list(items)
    columns = list(dict.fromkeys(key_names))
    seen = set(columns)
    for item in rows:
        for name in item:
            if name not in seen:
                seen.add(name)
                columns.append(name)
    writer = csv.writer(out)
    writer.writerow(columns)
    for item in rows:
        writer.writerow([_csv_cell(item[c]) if c in item else "" for c in columns])
    return len(rows)


def _csv_cell(value: Any) -> str:
    return value if isinstance(value, str) else plain_value(value)


def _key_order(table_info: TableInfo, index: str | None) -> list[str]:
    names = list(table_info.key.names)
    if index:
        names += [n for n in table_info.key_for(index).names if n not in names]
    return names


def _statement_table(statement: str) -> str:
    match = re.search(r'\b(?:FROM|INTO|UPDATE)\s+"([^"]+)"', statement, re.IGNORECASE)
    return match.group(1) if match else ""


def _capacity(response: Mapping[str, Any]) -> float | None:
    consumed = response.get("ConsumedCapacity")
    if isinstance(consumed, list):
        return sum(float(c.get("CapacityUnits", 0.0)) for c in consumed) if consumed else None
    if isinstance(consumed, Mapping) and "CapacityUnits" in consumed:
        return float(consumed["CapacityUnits"])
    return None


def _key_schema(raw: Sequence[Mapping[str, str]], types: Mapping[str, str]) -> KeySchema:
    hash_key = next(k["AttributeName"] for k in raw if k["KeyType"] == "HASH")
    range_key = next((k["AttributeName"] for k in raw if k["KeyType"] == "RANGE"), None)
    return KeySchema(
        hash_key,
        types.get(hash_key, "S"),
        range_key,
        types.get(range_key, "S") if range_key else None,
    )


def _index(raw: Mapping[str, Any], kind: str, types: Mapping[str, str]) -> IndexInfo:
    projection = raw.get("Projection") or {}
    return IndexInfo(
        name=raw["IndexName"],
        kind="GSI" if kind == "GSI" else "LSI",
        key=_key_schema(raw["KeySchema"], types),
        projection=projection.get("ProjectionType", "ALL"),
        projected=tuple(projection.get("NonKeyAttributes") or ()),
    )
