"""DynamoDB items in and out of the wire format, DynamoDB JSON and plain JSON, losing no type.

Pure: no I/O. Numbers are Decimal with DynamoDB's 38-digit precision (a number
that cannot be stored exactly is an error, never rounded), binary is ``bytes``,
sets stay sets. Parsing errors carry the line and column of the offending value.
"""

from __future__ import annotations

import base64
import binascii
import decimal
import json
import re
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import Any

from .dynamodb_models import Item
from .errors import CognitoDesktopError

# DynamoDB numbers: 38 significant digits, magnitudes from 1E-130 to below 1E+126.
_MAX_DIGITS = 38
_MIN_ADJUSTED, _MAX_ADJUSTED = -130, 125
_WIDE = decimal.Context(prec=1000, Emin=-999999, Emax=999999)
Path = tuple[str | int, ...]
TYPE_TAGS = ("S", "N", "B", "BOOL", "NULL", "M", "L", "SS", "NS", "BS")


class ItemFormatError(CognitoDesktopError):
    """An item's text (or value) cannot become a DynamoDB item; nothing is sent.

    ``line`` and ``column`` are 1-based and point at the offending value (0 when
    the error is not about a text, e.g. a Python value given to ``to_wire``).
    """

    def __init__(self, reason: str, line: int = 0, column: int = 0, path: Path = ()) -> None:
        where = f"Line {line}, column {column}: " if line else ""
        at = f"{_path_text(path)}: " if path else ""
        super().__init__(f"{where}{at}{reason}")
        self.reason = reason
        self.line = line
        self.column = column
        self.path = path


def _path_text(path: Path) -> str:
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return f"'{text}'"


# -- numbers -----------------------------------------------------------------


def check_number(value: Decimal | int | str) -> Decimal:
    """``value`` as a Decimal DynamoDB stores exactly, or ValueError saying why."""
    if isinstance(value, bool | float):
        raise ValueError(
            "floats (and bools) are not DynamoDB numbers; use Decimal so no digit is lost"
        )
    try:
        number = Decimal(value) if not isinstance(value, Decimal) else value
    except decimal.InvalidOperation:
        raise ValueError(f"'{value}' is not a number") from None
    if not number.is_finite():
        raise ValueError(f"{number} is not a number DynamoDB can store")
    if not number:
        return number
    digits = len(number.normalize(_WIDE).as_tuple().digits)
    if digits > _MAX_DIGITS:
        raise ValueError(
            f"{number} has {digits} significant digits; DynamoDB keeps at most {_MAX_DIGITS} "
            "and this app never rounds"
        )
    if not _MIN_ADJUSTED <= number.adjusted() <= _MAX_ADJUSTED:
        raise ValueError(
            f"{number} is outside DynamoDB's range (1E-130 to 9.99…E+125 in magnitude)"
        )
    return number


# -- wire format (what the low-level boto3 client sends and returns) --------


def to_wire_value(value: Any, path: Path = ()) -> dict[str, Any]:
    """One Python value as an AttributeValue; ItemFormatError when it has no DynamoDB type."""
    if isinstance(value, str):
        return {"S": value}
    if isinstance(value, bool):
        return {"BOOL": value}
    if value is None:
        return {"NULL": True}
    if isinstance(value, Decimal | int | float):
        return {"N": str(_number_at(value, path))}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"B": bytes(value)}
    if isinstance(value, set | frozenset):
        return _set_to_wire(value, path)
    if isinstance(value, list | tuple):
        return {"L": [to_wire_value(v, (*path, i)) for i, v in enumerate(value)]}
    if isinstance(value, Mapping):
        return {"M": _map_to_wire(value, path)}
    raise ItemFormatError(f"a {type(value).__name__} has no DynamoDB type", path=path)


def _number_at(value: Any, path: Path) -> Decimal:
    try:
        return check_number(value)
    except ValueError as exc:
        raise ItemFormatError(str(exc), path=path) from None


def _set_to_wire(value: set[Any] | frozenset[Any], path: Path) -> dict[str, Any]:
    if not value:
        raise ItemFormatError(
            "this is an empty set; DynamoDB has no empty sets (remove the attribute instead)",
            path=path,
        )
    # Sorted so that the same set is always written the same way.
    if all(isinstance(v, str) for v in value):
        return {"SS": sorted(value)}
    if all(isinstance(v, Decimal | int) and not isinstance(v, bool) for v in value):
        return {"NS": [str(n) for n in sorted(_number_at(v, path) for v in value)]}
    if all(isinstance(v, bytes | bytearray) for v in value):
        return {"BS": sorted(bytes(v) for v in value)}
    raise ItemFormatError(
        "this set mixes types; a set holds only strings, only numbers or only binary",
        path=path,
    )


def _map_to_wire(value: Mapping[Any, Any], path: Path) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, v in value.items():
        if not isinstance(key, str):
            raise ItemFormatError(f"attribute name {key!r} is not a string", path=path)
        out[key] = to_wire_value(v, (*path, key))
    return out


def to_wire(item: Mapping[str, Any]) -> dict[str, Any]:
    """An item as the low-level client's ``Item``: {name: AttributeValue}."""
    return _map_to_wire(item, ())


def from_wire_value(value: Mapping[str, Any]) -> Any:
    """An AttributeValue as a Python value (bytes for binary, Decimal for numbers)."""
    ((tag, v),) = value.items()
    if tag == "S":
        return v
    if tag == "N":
        return Decimal(v)
    if tag == "BOOL":
        return v
    if tag == "NULL":
        return None
    if tag == "M":
        return {k: from_wire_value(x) for k, x in v.items()}
    if tag == "L":
        return [from_wire_value(x) for x in v]
    if tag == "B":
        return bytes(v)
    if tag == "SS":
        return set(v)
    if tag == "NS":
        return {Decimal(n) for n in v}
    if tag == "BS":
        return {bytes(b) for b in v}
    raise ItemFormatError(f"unknown DynamoDB type '{tag}'")


def from_wire(wire: Mapping[str, Any]) -> Item:
    """The low-level client's ``Item`` as a Python item."""
    return {k: from_wire_value(v) for k, v in wire.items()}


# -- a JSON reader that remembers where each value starts ---------------------

_NUMBER_RE = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
_WS = " \t\n\r"


class _Located:
    """A parsed JSON document plus the offset of every value, by path."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offsets: dict[Path, int] = {}

    def where(self, offset: int) -> tuple[int, int]:
        line = self.text.count("\n", 0, offset) + 1
        return line, offset - (self.text.rfind("\n", 0, offset) + 1) + 1

    def error(self, reason: str, path: Path) -> ItemFormatError:
        line, column = self.where(self.offsets.get(path, 0))
        return ItemFormatError(reason, line, column, path)


def _parse_json(text: str) -> tuple[Any, _Located]:
    """Parse ``text``: numbers as exact Decimals (never floats), duplicate keys refused."""
    doc = _Located(text)

    def fail(reason: str, at: int) -> ItemFormatError:
        line, column = doc.where(at)
        return ItemFormatError(f"invalid JSON: {reason}", line, column)

    def skip(i: int) -> int:
        while i < len(text) and text[i] in _WS:
            i += 1
        return i

    def value(i: int, path: Path) -> tuple[Any, int]:
        i = skip(i)
        doc.offsets[path] = i
        if i >= len(text):
            raise fail("the text ends where a value should be", i)
        ch = text[i]
        if ch == "{":
            return obj(i + 1, path)
        if ch == "[":
            return arr(i + 1, path)
        if ch == '"':
            return string(i)
        for word, val in (("true", True), ("false", False), ("null", None)):
            if text.startswith(word, i):
                return val, i + len(word)
        match = _NUMBER_RE.match(text, i)
        if match:
            return Decimal(match.group()), match.end()
        raise fail(f"unexpected {text[i]!r}", i)

    def string(i: int) -> tuple[str, int]:
        try:
            s, end = json.decoder.scanstring(text, i + 1, True)  # type: ignore[attr-defined]
        except json.JSONDecodeError as exc:
            raise fail(exc.msg.lower(), exc.pos) from None
        return str(s), int(end)

    def obj(i: int, path: Path) -> tuple[dict[str, Any], int]:
        out: dict[str, Any] = {}
        i = skip(i)
        if i < len(text) and text[i] == "}":
            return out, i + 1
        while True:
            i = skip(i)
            if i >= len(text) or text[i] != '"':
                raise fail("expected a quoted attribute name", i)
            key_at = i
            key, i = string(i)
            if key in out:
                raise fail(f"the name '{key}' appears twice in the same object", key_at)
            i = skip(i)
            if i >= len(text) or text[i] != ":":
                raise fail("expected ':' after the name", i)
            out[key], i = value(i + 1, (*path, key))
            i = skip(i)
            if i < len(text) and text[i] == ",":
                i += 1
                continue
            if i < len(text) and text[i] == "}":
                return out, i + 1
            raise fail("expected ',' or '}' (a comma missing?)", i)

    def arr(i: int, path: Path) -> tuple[list[Any], int]:
        out: list[Any] = []
        i = skip(i)
        if i < len(text) and text[i] == "]":
            return out, i + 1
        while True:
            v, i = value(i, (*path, len(out)))
            out.append(v)
            i = skip(i)
            if i < len(text) and text[i] == ",":
                i += 1
                continue
            if i < len(text) and text[i] == "]":
                return out, i + 1
            raise fail("expected ',' or ']' (a comma missing?)", i)

    result, end = value(0, ())
    end = skip(end)
    if end != len(text):
        raise fail("extra text after the JSON value", end)
    return result, doc


def _top_object(parsed: Any, doc: _Located) -> dict[str, Any]:
    if not isinstance(parsed, dict):
        raise doc.error("an item is a JSON object ({...}) of attribute names", ())
    return parsed


# -- DynamoDB JSON --------------------------------------------------------------


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _b64_decode(text: Any, doc: _Located, path: Path) -> bytes:
    if not isinstance(text, str):
        raise doc.error("binary is written as a base64 string", path)
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise doc.error(f"'{_short(text)}' is not valid base64", path) from None


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _json_wire(value: Any) -> Any:
    """Wire format with binary as base64 (what the CLI and the console accept)."""
    if isinstance(value, bytes):
        return _b64(value)
    if isinstance(value, dict):
        return {k: _json_wire(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_json_wire(v) for v in value]
    return value


def to_dynamodb_json(item: Mapping[str, Any]) -> str:
    """The item as pretty DynamoDB JSON ({"name": {"S": "..."}}), binary as base64."""
    return json.dumps(_json_wire(to_wire(item)), indent=2, ensure_ascii=False)


def wire_as_json(wire: Any, indent: int | None = 2) -> str:
    """Any wire-format structure (a request, a key) as JSON with binary as base64."""
    return json.dumps(_json_wire(wire), indent=indent, ensure_ascii=False)


def from_dynamodb_json(text: str) -> Item:
    """Parse DynamoDB JSON; ItemFormatError (with line and column) on any problem."""
    parsed, doc = _parse_json(text)
    top = _top_object(parsed, doc)
    return {k: _typed(v, doc, (k,)) for k, v in top.items()}


def _typed(node: Any, doc: _Located, path: Path) -> Any:
    if not isinstance(node, dict) or len(node) != 1:
        raise doc.error(
            'a DynamoDB JSON value is an object with one type, e.g. {"S": "text"} or {"N": "1"}',
            path,
        )
    ((tag, v),) = node.items()
    inner = (*path, tag)
    if tag not in TYPE_TAGS:
        raise doc.error(f"unknown type '{tag}'; expected one of {', '.join(TYPE_TAGS)}", path)
    if tag == "S":
        if not isinstance(v, str):
            raise doc.error('"S" takes a string', inner)
        return v
    if tag == "N":
        return _dynamo_number(v, doc, inner)
    if tag == "B":
        return _b64_decode(v, doc, inner)
    if tag == "BOOL":
        if not isinstance(v, bool):
            raise doc.error('"BOOL" takes true or false', inner)
        return v
    if tag == "NULL":
        if v is not True:
            raise doc.error('"NULL" takes true', inner)
        return None
    if tag == "M":
        if not isinstance(v, dict):
            raise doc.error('"M" takes an object of attributes', inner)
        return {k: _typed(x, doc, (*inner, k)) for k, x in v.items()}
    if not isinstance(v, list):
        raise doc.error(f'"{tag}" takes a list', inner)
    if tag == "L":
        return [_typed(x, doc, (*inner, i)) for i, x in enumerate(v)]
    members: list[Any]
    if tag == "SS":
        for i, x in enumerate(v):
            if not isinstance(x, str):
                raise doc.error('"SS" holds strings only', (*inner, i))
        members = list(v)
    elif tag == "NS":
        members = [_dynamo_number(x, doc, (*inner, i)) for i, x in enumerate(v)]
    else:
        members = [_b64_decode(x, doc, (*inner, i)) for i, x in enumerate(v)]
    return _as_set(members, doc, inner)


def _dynamo_number(v: Any, doc: _Located, path: Path) -> Decimal:
    if not isinstance(v, str):
        raise doc.error('a DynamoDB JSON number is written as a string, e.g. {"N": "42"}', path)
    return _checked(v, doc, path)


def _checked(v: Decimal | str, doc: _Located, path: Path) -> Decimal:
    try:
        return check_number(v.strip() if isinstance(v, str) else v)
    except ValueError as exc:
        raise doc.error(str(exc), path) from None


def _as_set(members: list[Any], doc: _Located, path: Path) -> set[Any]:
    if not members:
        raise doc.error(
            "this is an empty set; DynamoDB has no empty sets (remove the attribute instead)", path
        )
    seen: set[Any] = set()
    for member in members:
        if member in seen:
            raise doc.error(
                f"the set holds {_describe(member)} twice; set members are unique", path
            )
        seen.add(member)
    return seen


def _describe(member: Any) -> str:
    if isinstance(member, bytes):
        return f"the binary value '{_b64(member)}'"
    return f"'{member}'"


# -- plain JSON -------------------------------------------------------------------


def _plain(value: Any, indent: str | None, write: Callable[[str], None]) -> None:
    """JSON with numbers written as their exact Decimal digits (never via float);
    pretty at ``indent``, or on one line when ``indent`` is None."""
    if isinstance(value, str):
        write(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, bool):
        write("true" if value else "false")
    elif value is None:
        write("null")
    elif isinstance(value, Decimal | int):
        write(str(value))
    elif isinstance(value, bytes | bytearray):
        write(json.dumps(_b64(bytes(value))))
    elif isinstance(value, set | frozenset):
        _plain(_sorted_members(value), indent, write)
    elif isinstance(value, list | tuple | Mapping):
        is_map = isinstance(value, Mapping)
        opening, closing = ("{", "}") if is_map else ("[", "]")
        if not value:
            write(opening + closing)
            return
        inner = None if indent is None else indent + "  "
        write(opening)
        entries = value.items() if isinstance(value, Mapping) else enumerate(value)
        for i, (k, v) in enumerate(entries):
            if inner is None:
                write(", " if i else "")
            else:
                write(("," if i else "") + "\n" + inner)
            if is_map:
                write(json.dumps(str(k), ensure_ascii=False) + ": ")
            _plain(v, inner, write)
        write(closing if indent is None else "\n" + indent + closing)
    else:
        raise ItemFormatError(f"a {type(value).__name__} has no DynamoDB type")


def _sorted_members(value: set[Any] | frozenset[Any]) -> list[Any]:
    try:
        return sorted(value)
    except TypeError:
        return list(value)


def to_plain_json(item: Mapping[str, Any]) -> str:
    """The item as readable JSON: sets as lists, binary as base64, exact numbers.

    Lossy on its own (a list and a set look alike); ``from_plain_json`` with
    ``like=`` the original item restores every type.
    """
    to_wire(item)  # refuse what DynamoDB could not store before showing it
    parts: list[str] = []
    _plain(dict(item), "", parts.append)
    return "".join(parts)


def plain_value(value: Any) -> str:
    """One value as compact plain JSON (for table cells and CSV)."""
    parts: list[str] = []
    _plain(value, None, parts.append)
    return "".join(parts)


def from_plain_json(text: str, like: Mapping[str, Any] | None = None) -> Item:
    """Parse plain JSON, typing each value like the same path in ``like`` (the item as
    loaded): sets stay sets of their element type, binary stays binary (base64
    decoded). New attributes are inferred: string, number (Decimal), bool, null,
    list, map. ItemFormatError with line and column on any problem."""
    parsed, doc = _parse_json(text)
    top = _top_object(parsed, doc)
    hint = like or {}
    return {k: _hinted(v, hint.get(k, _NO_HINT), doc, (k,)) for k, v in top.items()}


_NO_HINT = object()
_RETYPE = " (to change an attribute's type, edit it in the DynamoDB JSON view)"


def _hinted(node: Any, hint: Any, doc: _Located, path: Path) -> Any:
    if isinstance(hint, set | frozenset) and hint and isinstance(node, list):
        sample = next(iter(hint))
        if isinstance(sample, bytes | bytearray):
            members: list[Any] = [_b64_decode(x, doc, (*path, i)) for i, x in enumerate(node)]
        elif isinstance(sample, str):
            for i, x in enumerate(node):
                if not isinstance(x, str):
                    raise doc.error(f"this string set holds strings only{_RETYPE}", (*path, i))
            members = list(node)
        else:
            members = []
            for i, x in enumerate(node):
                if not isinstance(x, Decimal):
                    raise doc.error(f"this number set holds numbers only{_RETYPE}", (*path, i))
                members.append(_checked(x, doc, (*path, i)))
        return _as_set(members, doc, path)
    if isinstance(hint, bytes | bytearray) and isinstance(node, str):
        try:
            return _b64_decode(node, doc, path)
        except ItemFormatError as exc:
            raise doc.error(f"{exc.reason}; it was binary{_RETYPE}", path) from None
    if isinstance(node, Decimal):
        return _checked(node, doc, path)
    if isinstance(node, dict):
        sub = hint if isinstance(hint, Mapping) else {}
        return {k: _hinted(v, sub.get(k, _NO_HINT), doc, (*path, k)) for k, v in node.items()}
    if isinstance(node, list):
        seq = hint if isinstance(hint, list | tuple) else ()
        return [
            _hinted(v, seq[i] if i < len(seq) else _NO_HINT, doc, (*path, i))
            for i, v in enumerate(node)
        ]
    return node
