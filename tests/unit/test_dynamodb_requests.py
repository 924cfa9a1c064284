"""Query/Scan building: placeholders for every name and value, clear refusals, copyable forms."""

from __future__ import annotations

import json
import re
import shlex
from decimal import Decimal

import pytest

from cognito_desktop.services.dynamodb_codec import from_wire_value
from cognito_desktop.services.dynamodb_models import (
    Condition,
    IndexInfo,
    KeySchema,
    ReadSpec,
    TableInfo,
)
from cognito_desktop.services.dynamodb_requests import (
    ConsistentReadOnGsiError,
    ReadSpecError,
    build_read,
    bumped_version,
    original_condition,
    request_as_cli,
    request_as_json,
)

TABLE = TableInfo(
    name="orders",
    key=KeySchema("pk", "S", "sk", "S"),
    indexes=(
        IndexInfo("by-kind", "GSI", KeySchema("kind", "S", "n", "N"), "ALL"),
        IndexInfo("by-date", "LSI", KeySchema("pk", "S", "date", "S"), "ALL"),
    ),
)
ODD_NAMES = ("size", "a.b", "#x", "with space", "ünï-名前", ":v0", "status")
EXPRESSION_KEYS = ("KeyConditionExpression", "FilterExpression", "ProjectionExpression")


def expressions(params: dict[str, object]) -> str:
    return " ".join(str(params[k]) for k in EXPRESSION_KEYS if k in params)


def resolve(params: dict[str, object]) -> str:
    """The expressions with every placeholder replaced by what it stands for."""
    names = params.get("ExpressionAttributeNames", {})
    values = params.get("ExpressionAttributeValues", {})
    assert isinstance(names, dict)
    assert isinstance(values, dict)

    def sub(match: re.Match[str]) -> str:
        token = match.group()
        return repr(names[token]) if token in names else repr(from_wire_value(values[token]))

    return re.sub(r"[#:][nv]\d+", sub, expressions(params))


def test_query_puts_every_name_and_value_behind_a_placeholder() -> None:
    spec = ReadSpec(
        "orders",
        partition_value="customer#1",
        sort=Condition("sk", "begins_with", ("order#",)),
        filters=tuple(Condition(name, "=", (f"value of {name}",)) for name in ODD_NAMES),
        projection=ODD_NAMES,
    )
    built = build_read(spec, TABLE)
    assert built.operation == "Query"
    text = expressions(built.params)
    # Only placeholders, operators and functions remain in the expressions.
    leftovers = re.sub(r"[#:][nv]\d+|AND|begins_with|[=(),]", " ", text).split()
    assert leftovers == []
    resolved = resolve(built.params)
    for name in ODD_NAMES:
        assert f"{name!r} = 'value of {name}'" in resolved
    assert "'pk' = 'customer#1'" in resolved
    assert "begins_with('sk', 'order#')" in resolved
    assert built.params["ReturnConsumedCapacity"] == "TOTAL"
    assert built.params["ScanIndexForward"] is True
    assert built.params["Limit"] == 100


def test_injection_looking_values_stay_values() -> None:
    evil = "x) OR attribute_exists(#n0) OR (:v0 = :v0"
    spec = ReadSpec("orders", mode="scan", filters=(Condition("status", "=", (evil,)),))
    params = build_read(spec, TABLE).params
    assert params["FilterExpression"] == "#n0 = :v0"
    assert params["ExpressionAttributeValues"] == {":v0": {"S": evil}}


def test_the_same_name_gets_one_placeholder() -> None:
    spec = ReadSpec(
        "orders",
        mode="scan",
        filters=(Condition("n", ">", (Decimal(1),)), Condition("n", "<", (Decimal(9),))),
        projection=("n",),
    )
    params = build_read(spec, TABLE).params
    assert params["FilterExpression"] == "#n0 > :v0 AND #n0 < :v1"
    assert params["ProjectionExpression"] == "#n1, #n2, #n0"  # keys come along
    assert params["ExpressionAttributeNames"] == {"#n0": "n", "#n1": "pk", "#n2": "sk"}


def test_query_without_partition_value_says_which_key() -> None:
    with pytest.raises(ReadSpecError, match="Query needs a value for the partition key 'pk'"):
        build_read(ReadSpec("orders"), TABLE)


def test_query_on_a_gsi_uses_the_index_keys_and_types() -> None:
    spec = ReadSpec(
        "orders",
        index="by-kind",
        partition_value="order",
        sort=Condition("n", "BETWEEN", ("1", Decimal("2.5"))),
        forward=False,
    )
    params = build_read(spec, TABLE).params
    assert params["IndexName"] == "by-kind"
    assert resolve(params) == "'kind' = 'order' AND 'n' BETWEEN Decimal('1') AND Decimal('2.5')"
    assert params["ScanIndexForward"] is False


def test_consistent_read_on_a_gsi_is_refused_but_allowed_on_an_lsi() -> None:
    spec = ReadSpec("orders", index="by-kind", partition_value="order", consistent=True)
    with pytest.raises(ConsistentReadOnGsiError, match="global secondary index"):
        build_read(spec, TABLE)
    lsi = ReadSpec("orders", index="by-date", partition_value="c", consistent=True)
    assert build_read(lsi, TABLE).params["ConsistentRead"] is True


def test_sort_condition_errors_are_sentences() -> None:
    with pytest.raises(ReadSpecError, match="sort key 'sk', not 'other'"):
        build_read(
            ReadSpec("orders", partition_value="c", sort=Condition("other", "=", ("x",))), TABLE
        )
    with pytest.raises(ReadSpecError, match="takes two values"):
        build_read(
            ReadSpec("orders", partition_value="c", sort=Condition("sk", "BETWEEN", ("a",))), TABLE
        )
    with pytest.raises(ReadSpecError, match="is a number"):
        build_read(
            ReadSpec(
                "orders",
                index="by-kind",
                partition_value="o",
                sort=Condition("n", "=", ("twelve",)),
            ),
            TABLE,
        )
    with pytest.raises(ReadSpecError, match="no index 'nope'"):
        build_read(ReadSpec("orders", index="nope", partition_value="c"), TABLE)


def test_a_query_filter_on_its_own_key_is_refused() -> None:
    spec = ReadSpec("orders", partition_value="c", filters=(Condition("sk", "=", ("x",)),))
    with pytest.raises(ReadSpecError, match="'sk' is a key of this Query"):
        build_read(spec, TABLE)


def test_filter_operators_render_as_dynamodb_functions() -> None:
    spec = ReadSpec(
        "orders",
        mode="scan",
        filters=(
            Condition("a", "attribute_exists"),
            Condition("b", "attribute_not_exists"),
            Condition("c", "contains", ("x",)),
            Condition("d", "<>", (True,)),
        ),
    )
    built = build_read(spec, TABLE)
    assert built.operation == "Scan"
    assert "ScanIndexForward" not in built.params
    assert resolve(built.params) == (
        "attribute_exists('a') AND attribute_not_exists('b') AND contains('c', 'x') AND 'd' <> True"
    )


def test_request_as_cli_is_one_copyable_shell_command() -> None:
    spec = ReadSpec(
        "orders",
        partition_value='it\'s "quoted"',
        filters=(Condition("blob", "=", (b"\x00\xff",)),),
    )
    built = build_read(spec, TABLE)
    command = request_as_cli(built, endpoint_url="http://127.0.0.1:4566")
    argv = shlex.split(command)
    assert argv[:3] == ["aws", "dynamodb", "query"]
    assert argv[3:5] == ["--endpoint-url", "http://127.0.0.1:4566"]
    sent = json.loads(argv[argv.index("--cli-input-json") + 1])
    assert sent["ExpressionAttributeValues"][":v0"] == {"S": 'it\'s "quoted"'}
    assert sent["ExpressionAttributeValues"][":v1"] == {"B": "AP8="}  # base64, as the CLI takes
    assert json.loads(request_as_json(built)) == sent


def test_original_condition_compares_every_attribute_keys_first() -> None:
    original = {"note": "n", "pk": "p", "sk": "s", "tags": {"a"}, "size": Decimal(3)}
    expression, names, values = original_condition(original, TABLE.key)
    assert expression == "#a0 = :a0 AND #a1 = :a1 AND #a2 = :a2 AND #a3 = :a3 AND #a4 = :a4"
    assert [names[f"#a{i}"] for i in range(5)] == ["pk", "sk", "note", "tags", "size"]
    assert values[":a3"] == {"SS": ["a"]}


def test_original_condition_falls_back_to_the_version_when_too_long() -> None:
    original = {
        "pk": "p",
        "sk": "s",
        "version": Decimal(7),
        **{f"attribute{i}": i for i in range(300)},
    }
    expression, names, _ = original_condition(original, TABLE.key)
    assert expression == "#a0 = :a0 AND #a1 = :a1 AND #a2 = :a2"
    assert names == {"#a0": "pk", "#a1": "sk", "#a2": "version"}


def test_saving_bumps_an_unchanged_version_and_keeps_a_changed_one() -> None:
    original = {"pk": "p", "version": Decimal(4)}
    assert bumped_version(original, {"pk": "p", "version": Decimal(4)})["version"] == 5
    assert bumped_version(original, {"pk": "p", "version": Decimal(9)})["version"] == 9
    assert bumped_version({"pk": "p"}, {"pk": "p", "x": 1}) == {"pk": "p", "x": 1}
