"""The preview pane's decoding: what a head of bytes looks like, without any request."""

from __future__ import annotations

import codecs
import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cognito_desktop.services.s3_models import (
    PREVIEW_HEX_BYTES,
    PREVIEW_IMAGE_BYTES,
    PREVIEW_TEXT_BYTES,
)
from cognito_desktop.services.s3_preview import (
    build_preview,
    csv_rows,
    decode_text,
    fetch_plan,
    hexdump,
    human_duration,
    human_size,
    image_type,
    pretty_json,
    too_large_image,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 40


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (0, "0 bytes"),
        (1, "1 byte"),
        (1023, "1023 bytes"),
        (1024, "1 KiB"),
        (1536, "1.5 KiB"),
        (104_858, "102 KiB"),
        (PREVIEW_TEXT_BYTES, "256 KiB"),
        (1_887_436, "1.8 MiB"),
        (PREVIEW_IMAGE_BYTES, "8 MiB"),
        (5 * 1024**4, "5 TiB"),
    ],
)
def test_human_size(n: int, text: str) -> None:
    assert human_size(n) == text


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (1, "1 second"),
        (45, "45 seconds"),
        (60, "1 minute"),
        (3120, "52 minutes"),
        (3900, "1 hour 5 minutes"),
        (3600 + 59, "1 hour"),
        (90_061, "1 day 1 hour"),
        (7 * 24 * 3600, "7 days"),
    ],
)
def test_human_duration(seconds: int, text: str) -> None:
    assert human_duration(seconds) == text


def test_hexdump_looks_like_hexdump_c() -> None:
    assert hexdump(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00") == (
        "00000000  89 50 4e 47 0d 0a 1a 0a  00 00 00 0d 49 48 44 52  |.PNG........IHDR|\n"
        "00000010  00                                                |.|"
    )
    assert hexdump(b"") == ""
    lines = hexdump(bytes(range(256))).splitlines()
    assert len(lines) == 16
    assert lines[4] == (
        "00000040  40 41 42 43 44 45 46 47  48 49 4a 4b 4c 4d 4e 4f  |@ABCDEFGHIJKLMNO|"
    )
    assert lines[-1].startswith("000000f0  f0 f1")
    assert {len(line) for line in lines} == {78}


def test_decode_utf8_and_boms() -> None:
    assert decode_text("naïve 文件".encode(), False) == ("naïve 文件", "")
    assert decode_text(codecs.BOM_UTF8 + b"bom", False) == ("bom", "")
    assert decode_text(codecs.BOM_UTF16_LE + "wide".encode("utf-16-le"), False) == ("wide", "")
    assert decode_text(codecs.BOM_UTF16_BE + "wide".encode("utf-16-be"), False) == ("wide", "")


def test_a_character_cut_by_a_ranged_read_is_dropped() -> None:
    data = "ab文".encode()[:-1]  # the last character's third byte was not read
    assert decode_text(data, True) == ("ab", "")
    # The same bytes as a whole object are not UTF-8: Latin-1, said so.
    text, note = decode_text(data, False)
    assert text == data.decode("latin-1")
    assert "Latin-1" in note


def test_latin1_fallback_and_binary() -> None:
    assert decode_text("café".encode("latin-1"), False) == (
        "café",
        "Not valid UTF-8: shown as Latin-1 (ISO 8859-1).",
    )
    assert decode_text(b"text\x00with a NUL", False) == (None, "")
    assert decode_text(bytes(range(1, 32)) * 4, False) == (None, "")
    assert decode_text(b"tabs\tand\r\nnewlines\x0c", False)[0] == "tabs\tand\r\nnewlines\x0c"


def test_pretty_json_keeps_numbers_and_keys_as_written() -> None:
    text = '{"n": 1.10, "big": 12345678901234567890, "n": -0.0, "e": 1E+2, "x": NaN}'
    assert pretty_json(text) == (
        '{\n  "n": 1.10,\n  "big": 12345678901234567890,\n  "n": -0.0,\n  "e": 1E+2,\n  "x": NaN\n}'
    )
    assert pretty_json('[{}, [], "é\\n", true, null, {"a": [1]}]') == (
        '[\n  {},\n  [],\n  "é\\n",\n  true,\n  null,\n  {\n    "a": [\n      1\n    ]\n  }\n]'
    )
    with pytest.raises(ValueError, match="Expecting"):
        pretty_json('{"a": }')


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


@given(_JSON)
def test_pretty_json_means_the_same_as_the_original(value: object) -> None:
    text = json.dumps(value)
    assert json.loads(pretty_json(text)) == json.loads(text)
    assert pretty_json(text) == json.dumps(value, indent=2, ensure_ascii=False)


def test_csv_rows_guess_the_delimiter() -> None:
    assert csv_rows("a,b\n1,2\n") == [["a", "b"], ["1", "2"]]
    assert csv_rows("a;b\n1;2,5\n") == [["a", "b"], ["1", "2,5"]]
    assert csv_rows('a,b\n"multi\nline",2\n') == [["a", "b"], ["multi\nline", "2"]]
    assert csv_rows("a\tb\n", "\t") == [["a", "b"]]
    assert csv_rows("single\n") == [["single"]]


def test_build_preview_by_kind() -> None:
    assert build_preview("a/e.txt", "", b"", 0).kind == "empty"
    text = build_preview("a/readme", "text/plain", b"hello\n", 6)
    assert (text.kind, text.text, text.truncated, text.note) == ("text", "hello\n", False, "")
    js = build_preview("a/x.data", "application/json; charset=utf-8", b'{"a":1}', 7)
    assert (js.kind, js.text) == ("json", '{\n  "a": 1\n}')
    geo = build_preview("a/x.geojson", "", b"[1]", 3)
    assert geo.kind == "json"
    bad = build_preview("a/x.json", "", b'{"a":', 5)
    assert (bad.kind, bad.text) == ("text", '{"a":')
    assert bad.note == "Not valid JSON (Expecting value at line 1, column 6): shown as text."
    table = build_preview("a/x.csv", "", b"h1,h2\n1,2\n", 10)
    assert (table.kind, table.rows, table.text) == (
        "csv",
        [["h1", "h2"], ["1", "2"]],
        "h1,h2\n1,2\n",
    )
    tsv = build_preview("a/x.tsv", "", b"h1\th2,x\n", 9)
    assert tsv.rows == [["h1", "h2,x"]]
    image = build_preview("a/logo", "", PNG, len(PNG))
    assert (image.kind, image.image, image.fetched) == ("image", PNG, len(PNG))
    binary = build_preview("a/blob", "", bytes(range(256)) * 64, 10**6)
    assert binary.kind == "hex"
    assert binary.truncated
    assert len(binary.text.splitlines()) == PREVIEW_HEX_BYTES // 16
    assert binary.note == "Binary data: the first 4 KiB of 977 KiB as hex."
    small = build_preview("a/blob", "", b"\x00\x01", 2)
    assert (small.kind, small.truncated, small.note) == ("hex", False, "Binary data, as hex.")


def test_a_truncated_head_says_so() -> None:
    line = b"0123456789abcdef" * 4 + b"\n"
    head = line * 100 + b"partial li"
    text = build_preview("a/big.log", "", head, 1_887_436)
    assert text.truncated
    assert text.fetched == len(head)
    assert text.note == "Showing the first 6.4 KiB of 1.8 MiB."
    table = build_preview("a/big.csv", "", b"a,b\n1,2\n3,4\n5,", 10_000)
    assert table.kind == "csv"
    assert table.rows == [["a", "b"], ["1", "2"], ["3", "4"]]  # the cut line is left out
    assert table.note == "Showing the first 14 bytes of 9.8 KiB. 3 rows read."
    js = build_preview("a/big.json", "", b'{"a": [1, 2', 10_000)
    assert js.kind == "text"
    assert js.note.endswith("Too long to format as JSON: shown as text.")
    cut_image = build_preview("a/big.png", "", PNG, 10**6)
    assert cut_image.kind == "hex"
    assert cut_image.note == "Showing the first 56 bytes of 977 KiB."


def test_an_unterminated_csv_quote_falls_back_to_text() -> None:
    preview = build_preview("a/x.csv", "", b'a,b\n"open,2\n', 12)
    assert preview.kind == "text"
    assert preview.note.startswith("Not readable as CSV (")


@pytest.mark.parametrize(
    ("key", "ctype", "data", "kind"),
    [
        ("x", "", PNG, "png"),
        ("x", "", b"\xff\xd8\xff\xe0rest", "jpeg"),
        ("x", "", b"GIF87a....", "gif"),
        ("x", "", b"RIFF\x00\x00\x00\x00WEBPVP8 ", "webp"),
        ("x.bmp", "", b"BM\x00\x00", "bmp"),
        ("x", "image/bmp", b"BM\x00\x00", "bmp"),
        ("notes.txt", "text/plain", b"BMW and Audi", ""),  # "BM" alone is not a bitmap
        ("x.svg", "", b'<?xml version="1.0"?>\n<svg xmlns="..."/>', "svg"),
        ("x", "image/svg+xml; charset=utf-8", b"<svg/>", "svg"),
        ("x.svg", "", b"not really", ""),
        ("x.png", "image/png", b"plain text", ""),  # the bytes decide, not the name
    ],
)
def test_image_type(key: str, ctype: str, data: bytes, kind: str) -> None:
    assert image_type(key, ctype, data) == kind


def test_fetch_plan_and_large_images() -> None:
    assert fetch_plan("a.txt", 100) is None
    assert fetch_plan("a.txt", PREVIEW_TEXT_BYTES) is None
    assert fetch_plan("a.txt", PREVIEW_TEXT_BYTES + 1) == PREVIEW_TEXT_BYTES
    assert fetch_plan("a.PNG", 5 * 1024 * 1024) is None  # a whole image, in one request
    assert fetch_plan("a.svg", 5 * 1024 * 1024) == PREVIEW_TEXT_BYTES
    assert fetch_plan("a.zip", 10**9) == PREVIEW_HEX_BYTES
    assert fetch_plan("a.zip", 100) is None
    assert too_large_image("a.jpg", "", PREVIEW_IMAGE_BYTES) == ""
    assert too_large_image("a.jpg", "", PREVIEW_IMAGE_BYTES + 1).startswith("Image larger")
    assert too_large_image("a.jpg", "", 9 * 1024 * 1024) == (
        "Image larger than 8 MiB (9 MiB): not previewed. Download it to view it."
    )
    assert too_large_image("a", "image/webp", 20 * 1024 * 1024).startswith(
        "Image larger than 8 MiB (20 MiB)"
    )
    assert too_large_image("a.txt", "text/plain", 10**9) == ""
