"""What an object's head looks like in the preview pane: pure functions, no I/O.

``fetch_plan`` says how many bytes to read; ``build_preview`` turns the bytes
read into a Preview: an image, pretty JSON (numbers and duplicate keys exactly
as written), CSV rows, text (UTF-8, a BOM honoured, Latin-1 as the fallback),
or a hex dump of binary data.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from typing import Any

from .s3_models import PREVIEW_HEX_BYTES, PREVIEW_IMAGE_BYTES, PREVIEW_TEXT_BYTES, Preview

IMAGE_EXTENSIONS = frozenset({"png", "jpg", "jpeg", "gif", "webp", "bmp", "svg"})
BINARY_EXTENSIONS = frozenset(
    {
        "bin", "dat", "exe", "dll", "so", "dylib", "o", "class", "jar", "war",
        "zip", "gz", "tgz", "bz2", "xz", "zst", "7z", "rar", "tar",
        "pdf", "parquet", "avro", "orc", "sqlite", "db",
        "mp3", "mp4", "m4a", "mov", "avi", "mkv", "wav", "flac", "ogg", "webm",
        "ico", "tif", "tiff", "heic", "psd",
    }
)  # fmt: skip
JSON_EXTENSIONS = frozenset({"json", "geojson"})
CSV_EXTENSIONS = frozenset({"csv", "tsv"})
_CONTROL_BYTES = bytes(b for b in range(32) if b not in b"\t\n\r\f\x1b") + b"\x7f"
_NOT_CONTROL = bytes(b for b in range(256) if b not in _CONTROL_BYTES)
BINARY_CONTROL_SHARE = 0.05  # more control bytes than this and it is not text


def extension(key: str) -> str:
    name = key.rsplit("/", 1)[-1]
    return name.rpartition(".")[2].lower() if "." in name else ""


def human_size(n: int) -> str:
    """``262144`` → "256 KiB", ``1_887_436`` → "1.8 MiB", ``12`` → "12 bytes"."""
    if n < 1024:
        return "1 byte" if n == 1 else f"{n} bytes"
    value = float(n)
    for unit in ("KiB", "MiB", "GiB", "TiB", "PiB"):
        value /= 1024
        if value < 1024 or unit == "PiB":
            break
    text = f"{value:.0f}" if value >= 100 or value == int(value) else f"{value:.1f}"
    return f"{text.removesuffix('.0')} {unit}"


def human_duration(seconds: float) -> str:
    """``3120`` → "52 minutes", ``3900`` → "1 hour 5 minutes", ``604800`` → "7 days"."""
    total = int(seconds)
    if total < 60:
        return "1 second" if total == 1 else f"{total} seconds"
    parts = []
    for size, name in ((86400, "day"), (3600, "hour"), (60, "minute")):
        count, total = divmod(total, size)
        if count:
            parts.append(f"{count} {name}" + ("" if count == 1 else "s"))
    return " ".join(parts[:2])


def image_type(key: str, content_type: str, data: bytes) -> str:
    """'png', 'jpeg', 'gif', 'webp', 'bmp' or 'svg' when ``data`` is an image, else ''."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    ctype = content_type.split(";", 1)[0].strip().lower()
    ext = extension(key)
    if data.startswith(b"BM") and (ext == "bmp" or ctype == "image/bmp"):
        return "bmp"
    if (ext == "svg" or ctype == "image/svg+xml") and b"<svg" in data[:4096]:
        return "svg"
    return ""


def _looks_like_image(key: str, content_type: str) -> bool:
    ctype = content_type.split(";", 1)[0].strip().lower()
    return extension(key) in IMAGE_EXTENSIONS or ctype.startswith("image/")


def too_large_image(key: str, content_type: str, size: int) -> str:
    """A sentence when ``key`` is an image too large to preview, else ''."""
    if size > PREVIEW_IMAGE_BYTES and _looks_like_image(key, content_type):
        return (
            f"Image larger than {human_size(PREVIEW_IMAGE_BYTES)} "
            f"({human_size(size)}): not previewed. Download it to view it."
        )
    return ""


def fetch_plan(key: str, size: int) -> int | None:
    """How many leading bytes the preview needs: None for the whole object."""
    ext = extension(key)
    if ext in IMAGE_EXTENSIONS and ext != "svg":
        want = PREVIEW_IMAGE_BYTES
    elif ext in BINARY_EXTENSIONS:
        want = PREVIEW_HEX_BYTES
    else:
        want = PREVIEW_TEXT_BYTES
    return None if size <= want else want


def hexdump(data: bytes, offset: int = 0) -> str:
    """``hexdump -C`` style: ``00000000  89 50 4e 47 0d 0a 1a 0a  00 00 …  |.PNG....|``."""
    lines = []
    for start in range(0, len(data), 16):
        chunk = data[start : start + 16]
        left = " ".join(f"{b:02x}" for b in chunk[:8])
        right = " ".join(f"{b:02x}" for b in chunk[8:])
        shown = "".join(chr(b) if 32 <= b < 127 else "." for b in chunk)
        lines.append(f"{offset + start:08x}  {left:<23}  {right:<23}  |{shown}|")
    return "\n".join(lines)


def decode_text(data: bytes, truncated: bool) -> tuple[str | None, str]:
    """(text, note), or (None, '') when ``data`` looks binary.

    A BOM picks UTF-8 or UTF-16; otherwise UTF-8, then Latin-1 with a note.
    A multi-byte character cut by a ranged read is dropped, not garbled.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(bom):
            decoder = codecs.getincrementaldecoder(codec)(errors="replace")
            return decoder.decode(data[len(bom) :], final=not truncated), ""
    if b"\x00" in data:
        return None, ""
    controls = len(data.translate(None, _NOT_CONTROL))
    if controls > BINARY_CONTROL_SHARE * len(data):
        return None, ""
    try:
        decoder = codecs.getincrementaldecoder("utf-8")()
        return decoder.decode(data, final=not truncated), ""
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Not valid UTF-8: shown as Latin-1 (ISO 8859-1)."


class _Number(str):
    """A JSON number kept as written (1.10 stays 1.10, big integers stay exact)."""


def _json_text(value: Any, indent: str = "") -> str:
    inner = indent + "  "
    if isinstance(value, _Number):
        return str(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, _Object):
        if not value:
            return "{}"
        items = ",\n".join(
            f"{inner}{json.dumps(k, ensure_ascii=False)}: {_json_text(v, inner)}" for k, v in value
        )
        return "{\n" + items + "\n" + indent + "}"
    if isinstance(value, list):
        if not value:
            return "[]"
        items = ",\n".join(inner + _json_text(v, inner) for v in value)
        return "[\n" + items + "\n" + indent + "]"
    return json.dumps(value)  # true, false, null


class _Object(list[tuple[str, Any]]):
    """A JSON object's (key, value) pairs in order, duplicates kept."""


def pretty_json(text: str) -> str:
    """``text`` re-indented by two spaces; raises ValueError when it is not JSON."""
    value = json.loads(
        text,
        object_pairs_hook=_Object,
        parse_float=_Number,
        parse_int=_Number,
        parse_constant=_Number,
    )
    return _json_text(value)


def csv_rows(text: str, delimiter: str = "") -> list[list[str]]:
    """The rows of ``text``; the delimiter is guessed from the first line when not given."""
    if not delimiter:
        first = text.split("\n", 1)[0]
        counts = {d: first.count(d) for d in (",", ";", "\t", "|")}
        delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True))


def build_preview(key: str, content_type: str, data: bytes, total_size: int) -> Preview:
    """The preview of an object whose first ``len(data)`` of ``total_size`` bytes are ``data``."""
    fetched = len(data)
    if total_size == 0 or not data:
        return Preview("empty", total_size, fetched, note="The object is empty.")
    truncated = fetched < total_size
    head_note = f"Showing the first {human_size(fetched)} of {human_size(total_size)}."
    if image_type(key, content_type, data):
        if not truncated:
            return Preview("image", total_size, fetched, image=data)
        note = too_large_image(key, content_type, total_size) or head_note
        return _hex(data, total_size, note)
    text, note = decode_text(data, truncated)
    if text is None:
        return _hex(data, total_size, "")
    notes = [n for n in (head_note if truncated else "", note) if n]
    ext = extension(key)
    ctype = content_type.split(";", 1)[0].strip().lower()
    if ext in JSON_EXTENSIONS or ctype == "application/json" or ctype.endswith("+json"):
        if truncated:
            notes.append("Too long to format as JSON: shown as text.")
        else:
            try:
                pretty = pretty_json(text)
            except ValueError as exc:
                where = ""
                if isinstance(exc, json.JSONDecodeError):
                    where = f" ({exc.msg} at line {exc.lineno}, column {exc.colno})"
                notes.append(f"Not valid JSON{where}: shown as text.")
            else:
                return Preview("json", total_size, fetched, text=pretty, note=" ".join(notes))
    elif ext in CSV_EXTENSIONS or ctype in ("text/csv", "text/tab-separated-values"):
        body = text
        if truncated and "\n" in text:
            body = text[: text.rindex("\n") + 1]  # the last line was cut by the ranged read
        tab = ext == "tsv" or ctype == "text/tab-separated-values"
        try:
            rows = csv_rows(body, "\t" if tab else "")
        except csv.Error as exc:
            notes.append(f"Not readable as CSV ({exc}): shown as text.")
        else:
            if truncated:
                notes.append(f"{len(rows)} rows read.")
            return Preview(
                "csv",
                total_size,
                fetched,
                text=text,
                rows=rows,
                truncated=truncated,
                note=" ".join(notes),
            )
    return Preview(
        "text", total_size, fetched, text=text, truncated=truncated, note=" ".join(notes)
    )


def _hex(data: bytes, total_size: int, note: str) -> Preview:
    shown = data[:PREVIEW_HEX_BYTES]
    if not note:
        note = (
            f"Binary data: the first {human_size(len(shown))} of {human_size(total_size)} as hex."
            if len(shown) < total_size
            else "Binary data, as hex."
        )
    return Preview(
        "hex",
        total_size,
        len(data),
        text=hexdump(shown),
        truncated=len(shown) < total_size,
        note=note,
    )
