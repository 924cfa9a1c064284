"""The DynamoDB codec: every type survives every round trip exactly; bad text points at its line."""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_desktop.services.dynamodb_codec import (
    ItemFormatError,
    check_number,
    from_dynamodb_json,
    from_plain_json,
    from_wire,
    to_dynamodb_json,
    to_plain_json,
    to_wire,
)


def _number(digits: int, exponent: int) -> Decimal:
    # Built from text, so no context rounds it on the way in.
    return Decimal(f"{digits}E{exponent}")


def _storable(d: Decimal) -> bool:
    try:
        check_number(d)
    except ValueError:
        return False
    return True


numbers = st.one_of(
    st.integers(-(10**15), 10**15).map(Decimal),
    # Full 38-digit precision, at any scale DynamoDB accepts.
    st.builds(_number, st.integers(10**37, 10**38 - 1), st.integers(-160, 88)),
    st.builds(_number, st.integers(-(10**38) + 1, 10**38 - 1), st.integers(-150, 100)),
).filter(_storable)
names = st.text(min_size=1, max_size=12)
scalars = st.one_of(
    st.text(max_size=20),
    numbers,
    st.booleans(),
    st.none(),
    st.binary(max_size=20),
    st.sets(st.text(max_size=8), min_size=1, max_size=4),
    st.sets(numbers, min_size=1, max_size=4),
    st.sets(st.binary(max_size=8), min_size=1, max_size=4),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(names, inner, max_size=4)),
    max_leaves=12,
)
items = st.dictionaries(names, values, max_size=6)


def assert_identical(got: Any, want: Any, path: str = "item") -> None:
    """Equal and of the same type all the way down (a list is not a set, str not bytes)."""
    assert type(got) is type(want), f"{path}: {type(got).__name__} != {type(want).__name__}"
    if isinstance(want, dict):
        assert got.keys() == want.keys(), path
        for k in want:
            assert_identical(got[k], want[k], f"{path}.{k}")
    elif isinstance(want, list):
        assert len(got) == len(want), path
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_identical(g, w, f"{path}[{i}]")
    elif isinstance(want, set):
        assert got == want, path
        assert {type(v) for v in got} == {type(v) for v in want}, path
    else:
        assert got == want, path


@given(items)
def test_wire_round_trip_keeps_every_type(item: dict[str, Any]) -> None:
    assert_identical(from_wire(to_wire(item)), item)


@given(items)
def test_dynamodb_json_round_trip_keeps_every_type(item: dict[str, Any]) -> None:
    assert_identical(from_dynamodb_json(to_dynamodb_json(item)), item)


@settings(max_examples=300)
@given(items)
def test_plain_json_with_the_original_as_hint_keeps_every_type(item: dict[str, Any]) -> None:
    assert_identical(from_plain_json(to_plain_json(item), like=item), item)


@given(st.builds(_number, st.integers(10**37, 10**38 - 1), st.integers(-150, 88)))
def test_plain_json_writes_the_exact_digits_of_a_38_digit_number(number: Decimal) -> None:
    text = to_plain_json({"n": number})
    assert Decimal(json.loads(text, parse_float=str, parse_int=str)["n"]) == number
    assert from_plain_json(text, like=None)["n"] == number


def test_binary_comes_back_as_bytes_and_sets_as_sets() -> None:
    wire = {
        "b": {"B": b"\x00\xff"},
        "bs": {"BS": [b"a", b"b"]},
        "ns": {"NS": ["1", "2.50"]},
        "ss": {"SS": ["x"]},
    }
    item = from_wire(wire)
    assert item == {
        "b": b"\x00\xff",
        "bs": {b"a", b"b"},
        "ns": {Decimal(1), Decimal("2.5")},
        "ss": {"x"},
    }
    assert type(item["b"]) is bytes


def test_new_attributes_in_plain_json_are_inferred() -> None:
    item = from_plain_json(
        '{"s": "x", "n": 1.50, "i": 7, "t": true, "z": null, "l": [1], "m": {"k": "v"}}'
    )
    assert item == {
        "s": "x",
        "n": Decimal("1.50"),
        "i": Decimal(7),
        "t": True,
        "z": None,
        "l": [Decimal(1)],
        "m": {"k": "v"},
    }
    assert type(item["n"]) is Decimal
    assert type(item["i"]) is Decimal


def test_an_edited_set_stays_a_set_of_its_type_and_binary_stays_binary() -> None:
    original = {
        "tags": {"a"},
        "nums": {Decimal(1)},
        "bins": {b"\x01"},
        "blob": b"\x02",
        "deep": {"list": [b"\x03", {"s": {"q"}}]},
    }
    text = json.dumps(
        {
            "tags": ["a", "b"],
            "nums": [1, 2],
            "bins": ["AQ==", "/w=="],
            "blob": "Aw==",
            "deep": {"list": ["BA==", {"s": ["q", "r"]}]},
        }
    )
    item = from_plain_json(text, like=original)
    assert item == {
        "tags": {"a", "b"},
        "nums": {Decimal(1), Decimal(2)},
        "bins": {b"\x01", b"\xff"},
        "blob": b"\x03",
        "deep": {"list": [b"\x04", {"s": {"q", "r"}}]},
    }


def error_of(parse: Any, text: str, **kwargs: Any) -> ItemFormatError:
    with pytest.raises(ItemFormatError) as caught:
        parse(text, **kwargs)
    return caught.value


def test_invalid_json_points_at_the_line_and_column() -> None:
    err = error_of(from_plain_json, '{\n  "a": 1,\n  "b": [1 2]\n}')
    assert (err.line, err.column) == (3, 11)
    assert "Line 3, column 11" in str(err)
    assert "invalid JSON" in str(err)


def test_a_39_digit_number_is_refused_at_its_line_never_rounded() -> None:
    err = error_of(
        from_plain_json, '{\n  "ok": 1,\n  "n": 123456789012345678901234567890123456789\n}'
    )
    assert (err.line, err.column) == (3, 8)
    assert "39 significant digits" in str(err)
    with pytest.raises(ItemFormatError, match="39 significant digits"):
        to_wire({"n": Decimal("123456789012345678901234567890123456789")})


def test_trailing_zeros_are_not_significant_digits() -> None:
    assert check_number(Decimal("1" + "0" * 60)) == Decimal("1E60")
    with pytest.raises(ValueError, match="range"):
        check_number(Decimal("1E126"))
    with pytest.raises(ValueError, match="range"):
        check_number(Decimal("1E-131"))


def test_floats_are_refused_because_they_lose_digits() -> None:
    with pytest.raises(ItemFormatError, match="Decimal"):
        to_wire({"f": 0.1})


def test_empty_set_is_refused_with_where_and_why() -> None:
    err = error_of(from_plain_json, '{\n "tags": []\n}', like={"tags": {"a"}})
    assert err.line == 2
    assert "empty set" in str(err)
    assert "'tags'" in str(err)
    err = error_of(from_dynamodb_json, '{"tags": {"SS": []}}')
    assert "empty set" in str(err)
    with pytest.raises(ItemFormatError, match="empty set"):
        to_wire({"tags": set()})


def test_set_with_duplicates_is_refused() -> None:
    err = error_of(from_plain_json, '{"tags": [\n "a",\n "a"]}', like={"tags": {"a"}})
    assert "twice" in str(err)
    err = error_of(from_dynamodb_json, '{"n": {"NS": ["1", "1.0"]}}')
    assert "twice" in str(err)


def test_a_value_that_is_not_base64_is_refused_where_binary_was() -> None:
    err = error_of(from_plain_json, '{\n  "blob": "not base64!"\n}', like={"blob": b"x"})
    assert (err.line, err.column) == (2, 11)
    assert "not valid base64" in str(err)


def test_a_wrong_dynamodb_json_tag_is_named() -> None:
    err = error_of(from_dynamodb_json, '{\n  "a": {"S": "x"},\n  "b": {"STR": "y"}\n}')
    assert err.line == 3
    assert "unknown type 'STR'" in str(err)
    err = error_of(from_dynamodb_json, '{"n": {"N": 12}}')
    assert "as a string" in str(err)
    err = error_of(from_dynamodb_json, '{"n": "plain"}')
    assert "one type" in str(err)


def test_duplicate_attribute_names_are_refused_not_silently_merged() -> None:
    err = error_of(from_plain_json, '{"a": 1,\n "a": 2}')
    assert err.line == 2
    assert "twice" in str(err)


def test_an_item_must_be_an_object() -> None:
    assert "object" in str(error_of(from_plain_json, "[1, 2]"))


def test_mixed_sets_cannot_be_written() -> None:
    with pytest.raises(ItemFormatError, match="mixes types"):
        to_wire({"s": {"a", Decimal(1)}})
