"""The DynamoDB service against the local AWS, signed in as the operator (role policy enforced)."""

from __future__ import annotations

import csv
import threading
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.stub import Stubber
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cognito_desktop.sandbox import scripted_login
from cognito_desktop.sandbox.seed_dynamodb import (
    AUDIT_TABLE,
    CUSTOMER,
    INDEX,
    ORDERS,
    PRIORITY_EVERY,
    RESTRICTED_TABLE,
    benchmark_item,
    demo_items,
    every_type_item,
    seed_benchmark_table,
)
from cognito_desktop.sandbox.world import OPERATOR, World
from cognito_desktop.services.config import Profile
from cognito_desktop.services.dynamodb import (
    LISTING_DENIED,
    MAX_TRIES,
    DynamoAccessDenied,
    DynamoCredentialsError,
    DynamoService,
    DynamoValidationError,
    ItemExists,
    KeyChanged,
    TableNotFound,
    Throttled,
    export_items,
    retry_config,
)
from cognito_desktop.services.dynamodb_codec import (
    from_dynamodb_json,
    from_plain_json,
    to_plain_json,
    to_wire,
)
from cognito_desktop.services.dynamodb_models import (
    Condition,
    KeySchema,
    ReadSpec,
    ScanProgress,
    TableInfo,
)
from cognito_desktop.services.session import Session
from cognito_desktop.services.vault import MemoryVault
from tests.unit.test_dynamodb_codec import assert_identical, numbers

SEEDED_ORDERS = {i["sk"] for i in demo_items() if i.get("kind") == "order" and i["pk"] == CUSTOMER}
SEEDED_BY_KIND = {(i["pk"], i["sk"]) for i in demo_items() if i.get("kind") == "order"}


@pytest.fixture
def service(profile: Profile) -> DynamoService:
    session = Session(profile, MemoryVault(profile.name))
    scripted_login.sign_in(session, OPERATOR.username, OPERATOR.password)
    return DynamoService(session.client("dynamodb", config=retry_config()))


@pytest.fixture
def root(root_dynamodb: Any) -> Any:
    return root_dynamodb


@pytest.fixture
def table(service: DynamoService, world: World) -> TableInfo:
    return service.describe(world.table)


def fresh_key(prefix: str) -> dict[str, str]:
    # A partition of its own, so tests never see each other's writes.
    return {"pk": f"{prefix}#{uuid.uuid4().hex}", "sk": "item"}


def test_describe_reads_keys_index_and_billing(table: TableInfo, world: World) -> None:
    assert table.name == world.table
    assert table.key == KeySchema("pk", "S", "sk", "S")
    (gsi,) = table.indexes
    assert (gsi.name, gsi.kind, gsi.key, gsi.projection) == (
        INDEX,
        "GSI",
        KeySchema("kind", "S", "sk", "S"),
        "ALL",
    )
    assert table.billing_mode == "PAY_PER_REQUEST"
    assert table.item_count is not None
    assert table.item_count > ORDERS


def test_list_tables_merges_the_profiles_names(service: DynamoService, world: World) -> None:
    names, note = service.list_tables(named=("zz-named-only", world.table))
    assert names == sorted({world.table, AUDIT_TABLE, RESTRICTED_TABLE, "zz-named-only"})
    assert note == ""


def stub_client() -> Any:
    """A client that never reaches the network, for botocore's Stubber (error paths the
    local AWS cannot produce); our retries only, as in the app."""
    return boto3.client(
        "dynamodb",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=retry_config(),
    )


def test_list_tables_falls_back_to_the_named_tables_when_denied() -> None:
    client = stub_client()
    with Stubber(client) as stub:
        stub.add_client_error(
            "list_tables",
            service_error_code="AccessDeniedException",
            service_message="not authorized to perform: dynamodb:ListTables",
        )
        assert DynamoService(client).list_tables(("b", "a")) == (["a", "b"], LISTING_DENIED)


def read_all(service: DynamoService, spec: ReadSpec, table: TableInfo) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    key = None
    pages = 0
    while True:
        page = service.read_page(spec, table, key)
        pages += 1
        assert page.count == len(page.items)
        assert page.consumed_capacity is not None
        items += page.items
        key = page.last_evaluated_key
        if key is None:
            break
    assert pages > 2, "the test must cross several pages"
    return items


def test_query_pages_to_the_end_with_no_item_twice_or_missing(
    service: DynamoService, table: TableInfo
) -> None:
    spec = ReadSpec(
        table.name,
        partition_value=CUSTOMER,
        sort=Condition("sk", "begins_with", ("order#",)),
        page_size=37,
    )
    sks = [item["sk"] for item in read_all(service, spec, table)]
    assert sks == sorted(SEEDED_ORDERS)
    backwards = [
        i["sk"] for i in read_all(service, ReadSpec(**{**spec.__dict__, "forward": False}), table)
    ]
    assert backwards == sorted(SEEDED_ORDERS, reverse=True)


def test_query_on_the_gsi_pages_with_its_opaque_key(
    service: DynamoService, table: TableInfo
) -> None:
    spec = ReadSpec(table.name, index=INDEX, partition_value="order", page_size=40)
    keys = [(i["pk"], i["sk"]) for i in read_all(service, spec, table)]
    assert len(keys) == len(set(keys))
    assert set(keys) >= SEEDED_BY_KIND


def test_filtered_scan_reads_on_over_empty_pages_and_reports_progress(
    service: DynamoService, table: TableInfo
) -> None:
    spec = ReadSpec(
        table.name, mode="scan", filters=(Condition("priority", "=", (True,)),), page_size=20
    )
    seen: list[tuple[int, int, int]] = []

    def progress(p: ScanProgress) -> None:
        seen.append((p.pages, p.scanned, p.matched))

    first = service.read_page(spec, table)
    # The first raw page is empty: that is what would show a blank page.
    assert first.count == 0
    assert first.scanned_count == 20
    page = service.read_until_items(spec, table, None, threading.Event(), progress)
    assert [i["sk"] for i in page.items] == [f"order#{PRIORITY_EVERY - 1:04d}"]
    assert page.scanned_count > 20 * 4
    assert page.last_evaluated_key is not None
    assert seen[0][2] == 0
    assert seen[-1][2] == 1
    assert [s[0] for s in seen] == list(range(1, len(seen) + 1))
    rest = service.read_until_items(
        spec, table, page.last_evaluated_key, threading.Event(), want=10**6
    )
    assert rest.last_evaluated_key is None
    assert [i["sk"] for i in rest.items] == [f"order#{2 * PRIORITY_EVERY - 1:04d}"]


def test_filtered_scan_stops_when_cancelled(service: DynamoService, table: TableInfo) -> None:
    spec = ReadSpec(
        table.name, mode="scan", filters=(Condition("nobody", "attribute_exists"),), page_size=10
    )
    cancel = threading.Event()

    def progress(p: ScanProgress) -> None:
        if p.pages == 3:
            cancel.set()

    page = service.read_until_items(spec, table, None, cancel, progress)
    assert page.items == []
    assert page.scanned_count == 30
    assert page.last_evaluated_key is not None  # the operator can resume from here


round_trip_values = st.recursive(
    st.one_of(
        st.text(max_size=10),
        numbers,
        st.booleans(),
        st.none(),
        st.binary(max_size=10),
        st.sets(st.text(min_size=1, max_size=6), min_size=1, max_size=3),
        st.sets(numbers, min_size=1, max_size=3),
        st.sets(st.binary(min_size=1, max_size=6), min_size=1, max_size=3),
    ),
    lambda inner: st.one_of(
        st.lists(inner, max_size=3),
        st.dictionaries(st.text(min_size=1, max_size=6), inner, max_size=3),
    ),
    max_leaves=8,
)
RESERVED_FOR_TESTS = ("pk", "sk", "kind", "version", "priority", "nobody")
round_trip_items = st.dictionaries(
    # Names the seeded data or other tests give a meaning are left out.
    st.text(min_size=1, max_size=8).filter(lambda n: n not in RESERVED_FOR_TESTS),
    round_trip_values,
    max_size=5,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(attributes=round_trip_items)
def test_types_survive_put_get_plain_json_edit_replace_get(
    service: DynamoService, table: TableInfo, attributes: dict[str, Any]
) -> None:
    item = {**attributes, **fresh_key("roundtrip"), "note": "before"}
    service.put_new(table, item)
    loaded = service.get_item(table, item)
    assert loaded is not None
    assert_identical(loaded, item)
    text = to_plain_json(loaded).replace('"note": "before"', '"note": "after"')
    edited = from_plain_json(text, like=loaded)
    assert service.replace(table, loaded, edited) is None
    reloaded = service.get_item(table, item)
    assert reloaded is not None
    assert_identical(reloaded, {**item, "note": "after"})


def test_every_type_item_survives_the_editor(service: DynamoService, table: TableInfo) -> None:
    item = {**every_type_item(), **fresh_key("showcase")}
    service.put_new(table, item)
    loaded = service.get_item(table, item)
    assert loaded is not None
    edited = from_plain_json(to_plain_json(loaded), like=loaded)
    assert service.replace(table, loaded, edited) is None
    after = service.get_item(table, item)
    # The version went up by one on save; everything else is exactly as it was.
    assert_identical(after, {**item, "version": item["version"] + 1})


def test_an_edit_after_a_change_behind_the_back_is_a_conflict_with_both_versions(
    service: DynamoService, table: TableInfo, root: Any
) -> None:
    key = fresh_key("conflict")
    service.put_new(table, {**key, "note": "loaded", "tags": {"a", "b"}})
    loaded = service.get_item(table, key)
    assert loaded is not None
    root.update_item(
        TableName=table.name,
        Key=to_wire(key),
        UpdateExpression="SET note = :n",
        ExpressionAttributeValues={":n": {"S": "changed by someone else"}},
    )
    mine = {**loaded, "note": "mine"}
    conflict = service.replace(table, loaded, mine)
    assert conflict is not None
    assert conflict.original == loaded
    assert conflict.current == {**loaded, "note": "changed by someone else"}
    assert conflict.attempted == mine
    assert service.get_item(table, key) == conflict.current, "nothing was overwritten"


def test_an_unchanged_item_saves_even_when_its_sets_are_stored_in_another_order(
    service: DynamoService, table: TableInfo, root: Any
) -> None:
    key = fresh_key("order")
    root.put_item(TableName=table.name, Item={**to_wire(key), "s": {"SS": ["c", "a", "b"]}})
    loaded = service.get_item(table, key)
    assert loaded is not None
    assert service.replace(table, loaded, {**loaded, "x": Decimal(1)}) is None


def test_delete_is_conditional_too(service: DynamoService, table: TableInfo, root: Any) -> None:
    key = fresh_key("delete")
    service.put_new(table, {**key, "n": Decimal(1)})
    loaded = service.get_item(table, key)
    assert loaded is not None
    root.put_item(TableName=table.name, Item={**to_wire(key), "n": {"N": "2"}})
    conflict = service.delete(table, loaded)
    assert conflict is not None
    assert conflict.current == {**key, "n": Decimal(2)}
    assert conflict.attempted is None
    assert service.get_item(table, key) is not None
    current = service.get_item(table, key)
    assert current is not None
    assert service.delete(table, current) is None
    assert service.get_item(table, key) is None
    gone = service.delete(table, current)
    assert gone is not None
    assert gone.current is None, "deleted meanwhile: current is None"


def test_put_new_refuses_an_existing_key(service: DynamoService, table: TableInfo) -> None:
    key = fresh_key("exists")
    service.put_new(table, {**key, "v": "first"})
    with pytest.raises(ItemExists, match="already exists"):
        service.put_new(table, {**key, "v": "second"})
    assert service.get_item(table, key) == {**key, "v": "first"}


def test_an_edit_may_not_change_the_key(service: DynamoService, table: TableInfo) -> None:
    key = fresh_key("rekey")
    service.put_new(table, key)
    with pytest.raises(KeyChanged, match="'sk' changed"):
        service.replace(table, key, {**key, "sk": "other"})


def test_export_jsonl_round_trips_and_csv_has_the_union_of_columns(
    service: DynamoService, table: TableInfo, tmp_path: Path
) -> None:
    spec = ReadSpec(table.name, partition_value=CUSTOMER, page_size=60)
    pages: list[ScanProgress] = []
    dest = tmp_path / "all.jsonl"
    count = service.export_all(
        spec, table, dest, "jsonl", threading.Event(), lambda p: pages.append(p)
    )
    assert count == ORDERS + 1
    assert len(pages) >= 5
    exported = [from_dynamodb_json(line) for line in dest.read_text("utf-8").splitlines()]
    expected = [i for i in demo_items() if i["pk"] == CUSTOMER]
    expected.sort(key=lambda i: i["sk"])
    exported.sort(key=lambda i: i["sk"])
    for got, want in zip(exported, expected, strict=True):
        assert_identical(got, want)

    sheet = tmp_path / "some.csv"
    order = next(i for i in expected if "priority" in i)
    assert export_items([order, every_type_item()], sheet, "csv", key_names=("pk", "sk")) == 2
    with sheet.open(encoding="utf-8", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    assert header[:2] == ["pk", "sk"]
    assert set(header) == set(order) | set(every_type_item())
    row = dict(zip(header, rows[2], strict=True))
    assert row["balance"] == "12345678901234567890.123456789012345678"
    assert row["tags"] == '["beta", "vip"]'
    assert dict(zip(header, rows[1], strict=True))["name"] == ""


def test_cancelled_export_leaves_no_file(
    service: DynamoService, table: TableInfo, tmp_path: Path
) -> None:
    cancel = threading.Event()
    spec = ReadSpec(table.name, partition_value=CUSTOMER, page_size=20)
    folder = tmp_path / "exports"
    folder.mkdir()
    dest = folder / "cancelled.csv"
    service.export_all(spec, table, dest, "csv", cancel, lambda p: cancel.set())
    assert list(folder.iterdir()) == [], "neither the file nor its temporary part is left"


def test_partiql_pages_with_next_token(service: DynamoService, world: World) -> None:
    # ministack 1.5.33 pages PartiQL on indexes only; a base-table SELECT comes whole.
    statement = f'SELECT * FROM "{world.table}"."{INDEX}" WHERE kind = ?'  # noqa: S608
    keys: list[tuple[str, str]] = []
    token = None
    pages = 0
    while True:
        page = service.partiql(statement, ["order"], next_token=token, limit=50)
        pages += 1
        keys += [(i["pk"], i["sk"]) for i in page.items]
        token = page.next_token
        if token is None:
            break
    assert pages > 3
    assert len(keys) == len(set(keys))
    assert set(keys) >= SEEDED_BY_KIND
    typed = service.partiql(
        f'SELECT * FROM "{world.table}" WHERE pk = ? AND sk = ?',  # noqa: S608
        [CUSTOMER, "profile"],
    )
    assert_identical(typed.items, [every_type_item()])


def test_a_denied_write_names_action_table_and_role(service: DynamoService) -> None:
    audit = TableInfo(AUDIT_TABLE, KeySchema("id", "S", "at", "S"))
    assert service.get_item(audit, {"id": "audit", "at": "2026-01-01"}) is not None
    with pytest.raises(DynamoAccessDenied) as caught:
        service.put_new(audit, {"id": "x", "at": "y"})
    err = caught.value
    assert (err.action, err.table, err.role) == (
        "dynamodb:PutItem",
        AUDIT_TABLE,
        "cognito-desktop-demo-authenticated",
    )
    assert str(err).startswith(
        f"Your role cognito-desktop-demo-authenticated may not dynamodb:PutItem on table "
        f"'{AUDIT_TABLE}'."
    )
    assert "ASIA" not in str(err)


def test_a_denied_read_names_the_table_and_hints_at_leading_keys(profile: Profile) -> None:
    session = Session(profile, MemoryVault(profile.name))
    scripted_login.sign_in(session, OPERATOR.username, OPERATOR.password)
    service = DynamoService(session.client("dynamodb"), own_partition=session.identity_id)
    restricted = TableInfo(RESTRICTED_TABLE, KeySchema("pk", "S", "sk", "S"))
    with pytest.raises(
        DynamoAccessDenied, match=f"dynamodb:Scan on table '{RESTRICTED_TABLE}'"
    ) as caught:
        service.read_page(ReadSpec(RESTRICTED_TABLE, mode="scan"), restricted)
    assert "LeadingKeys" in caught.value.hint
    assert session.identity_id in caught.value.hint


def stubbed(response: dict[str, Any], throttles: int) -> tuple[DynamoService, list[float], Stubber]:
    client = stub_client()
    stub = Stubber(client)
    for _ in range(throttles):
        stub.add_client_error(
            "query", service_error_code="ThrottlingException", http_status_code=400
        )
    stub.add_response("query", response)
    sleeps: list[float] = []
    return DynamoService(client, sleep=sleeps.append), sleeps, stub


def test_throttling_is_retried_with_backoff_and_counted() -> None:
    table = TableInfo("t", KeySchema("pk", "S"))
    response = {"Items": [{"pk": {"S": "a"}}], "Count": 1, "ScannedCount": 1}
    service, sleeps, stub = stubbed(response, throttles=2)
    with stub:
        page = service.read_page(ReadSpec("t", partition_value="a"), table)
    stub.assert_no_pending_responses()
    assert page.retries == 2
    assert page.items == [{"pk": "a"}]
    assert len(sleeps) == 2
    assert all(0 <= s <= 2.0 for s in sleeps)


def test_throttling_gives_up_after_the_last_try() -> None:
    table = TableInfo("t", KeySchema("pk", "S"))
    service, sleeps, stub = stubbed({}, throttles=MAX_TRIES)
    with stub, pytest.raises(Throttled, match=f"after {MAX_TRIES} tries"):
        service.read_page(ReadSpec("t", partition_value="a"), table)
    assert len(sleeps) == MAX_TRIES - 1


@pytest.mark.parametrize(
    ("code", "message", "error", "sentence"),
    [
        (
            "ResourceNotFoundException",
            "Requested resource not found",
            TableNotFound,
            "DynamoDB has no table 't' in this account and region.",
        ),
        (
            "ValidationException",
            "Query condition missed key schema element: pk.",
            DynamoValidationError,
            "DynamoDB refused the Query: Query condition missed key schema element: pk.",
        ),
        (
            "ExpiredTokenException",
            "The security token included in the request is expired",
            DynamoCredentialsError,
            "AWS did not accept the session's credentials",
        ),
    ],
)
def test_errors_become_sentences(code: str, message: str, error: type, sentence: str) -> None:
    client = stub_client()
    with Stubber(client) as stub:
        stub.add_client_error("query", service_error_code=code, service_message=message)
        with pytest.raises(error) as caught:
            DynamoService(client).read_page(
                ReadSpec("t", partition_value="a"), TableInfo("t", KeySchema("pk", "S"))
            )
    assert str(caught.value).startswith(sentence)


def test_leading_keys_hint_only_for_tables_keyed_by_identity() -> None:
    client = stub_client()
    denied = (
        "User: arn:aws:sts::1:assumed-role/r/s is not authorized to perform: "
        "dynamodb:Query on resource: arn:aws:dynamodb:us-east-1:1:table/t"
    )
    service = DynamoService(client, own_partition="us-east-1:me", keyed_tables=("keyed",))
    hints = []
    with Stubber(client) as stub:
        for name in ("keyed", "plain"):
            stub.add_client_error(
                "query", service_error_code="AccessDeniedException", service_message=denied
            )
            with pytest.raises(DynamoAccessDenied) as caught:
                service.read_page(
                    ReadSpec(name, partition_value="someone-else"),
                    TableInfo(name, KeySchema("pk", "S")),
                )
            hints.append(caught.value.hint)
    assert "Query with the partition key equal to your identity id 'us-east-1:me'" in hints[0]
    assert "LeadingKeys" not in hints[1]


def test_benchmark_table_is_filled_with_typed_items(root: Any) -> None:
    name = f"bench-{uuid.uuid4().hex[:8]}"
    seed_benchmark_table(root, name, 60)
    try:
        service = DynamoService(root)
        table = service.describe(name)
        spec = ReadSpec(name, mode="scan")
        items = [i for page in service.iter_pages(spec, table) for i in page.items]
    finally:
        # The world is shared: a stray table would show up in other tests' listings.
        root.delete_table(TableName=name)
    assert sorted(i["sk"] for i in items) == [f"item#{n:08d}" for n in range(60)]
    assert_identical(next(i for i in items if i["sk"] == "item#00000007"), benchmark_item(7))
