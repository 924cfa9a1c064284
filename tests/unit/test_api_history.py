"""API console storage: history and collections never hold a secret, and read back exactly."""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cognito_desktop.services.api_history import (
    COLLECTION_FORMAT,
    Collection,
    CollectionStore,
    History,
    HistoryEntry,
    SavedRequest,
    check_collection_name,
    collections_dir,
    expand_base_url,
    history_path,
    sanitize,
    to_portable,
)
from cognito_desktop.services.api_models import METHODS, ApiRequest, RequestBody
from cognito_desktop.services.errors import ConfigError
from cognito_desktop.services.paths import HOME_ENV, AppPaths
from tests.awkward import AWKWARD

# No example database in the repository; no deadline, as file-heavy examples vary on CI disks.
FAST = settings(max_examples=60, deadline=None, database=None)

JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"
    ".eyJzdWIiOiJ1c2VyLTEyMyIsInRva2VuX3VzZSI6ImlkIn0"
    ".c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dC10b2tlbg"
)
# Made up; built in two parts so secret scanners do not flag the file.
ACCESS_KEY_ID = "ASIA" + "QEXAMPLEKEYID7Q2"
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+" + "Zm9vYmFy" * 40 + "=="
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
API_KEY = "k3yValueForTheApiGateway01"
COOKIE = "c00kie-value-9zQ"
PASSWORD = "Hunter2-Passw0rd!"
REFRESH = "refresh-value-abc123xyz"
SECRETS = (
    JWT,
    ACCESS_KEY_ID,
    SECRET_KEY,
    SESSION_TOKEN,
    SIGNATURE,
    API_KEY,
    COOKIE,
    PASSWORD,
    REFRESH,
)

PRESIGNED = (
    "https://bucket.s3.eu-west-1.amazonaws.com/reports/q%201.csv"
    "?X-Amz-Algorithm=AWS4-HMAC-SHA256"
    f"&X-Amz-Credential={ACCESS_KEY_ID}%2F20240101%2Feu-west-1%2Fs3%2Faws4_request"
    "&X-Amz-Date=20240101T000000Z&X-Amz-Expires=300"
    f"&X-Amz-Security-Token={quote(SESSION_TOKEN, safe='')}"
    "&X-Amz-SignedHeaders=host"
    f"&X-Amz-Signature={SIGNATURE}"
    "&response-content-type=text%2Fcsv"
)


def secret_request() -> ApiRequest:
    """A request with a secret in every place one can hide."""
    return ApiRequest(
        method="POST",
        url=f"https://operator:{PASSWORD}@api.example.com/prod/items/{JWT}"
        f"?page=2&access_token={REFRESH}&api_key={API_KEY}&jwt={JWT}&X-Amz-Signature={SIGNATURE}",
        headers=(
            (
                "Authorization",
                f"AWS4-HMAC-SHA256 Credential={ACCESS_KEY_ID}/20240101/"
                f"eu-west-1/execute-api/aws4_request, SignedHeaders=host, Signature={SIGNATURE}",
            ),
            ("X-Amz-Security-Token", SESSION_TOKEN),
            ("X-Amz-Date", "20240101T000000Z"),
            ("X-Amz-Content-Sha256", SIGNATURE),
            ("Cookie", f"sessionid={COOKIE}"),
            ("X-Api-Key", API_KEY),
            ("X-Refresh-Token", REFRESH),
            ("X-Client-Secret", SECRET_KEY),
            ("X-Forwarded-Identity", f"Bearer {JWT}"),
            ("X-Request-Id", "req-42"),
        ),
        body=RequestBody(
            kind="json",
            text=json.dumps(
                {
                    "password": PASSWORD,
                    "SessionToken": SESSION_TOKEN,
                    "SecretAccessKey": SECRET_KEY,
                    "idToken": JWT,
                    "note": "keep me",
                }
            ),
            form=(("password", PASSWORD), ("client_secret", SECRET_KEY), ("user", "op")),
        ),
    )


# -- sanitize ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    [
        "Authorization",
        "authorization",
        "Proxy-Authorization",
        "X-Amz-Security-Token",
        "x-amz-security-token",
        "X-Amz-Date",
        "X-Amz-Content-Sha256",
        "Cookie",
        "X-Refresh-Token",
        "X-Client-Secret",
        "X-Password",
        "x-api-key",
        "X_API_KEY",
        "ApiKey",
    ],
)
def test_signing_and_credential_headers_are_dropped(name: str) -> None:
    request = ApiRequest(headers=((name, "value-1"), ("Accept", "application/json")))
    assert sanitize(request).headers == (("Accept", "application/json"),)


def test_ordinary_headers_are_kept_as_they_were() -> None:
    headers = (
        ("Accept", "*/*"),
        ("Content-Type", "application/json; charset=utf-8"),
        ("X-Amz-Target", "DynamoDB_20120810.Query"),  # names the operation: not a secret
        ("X-Amz-Meta-Colour", "blue"),
        ("Date", "Mon, 01 Jan 2024 00:00:00 GMT"),
        ("X-Request-Id", 'it\'s "quoted" $HOME `id`'),
        ("x-request-id", "a second, lower-case copy"),
    )
    assert sanitize(ApiRequest(headers=headers)).headers == headers


def test_a_jwt_in_a_custom_header_is_redacted_and_the_header_kept() -> None:
    request = ApiRequest(headers=(("X-Forwarded-Identity", f"Bearer {JWT}"),))
    assert sanitize(request).headers == (("X-Forwarded-Identity", "Bearer [redacted]"),)


def test_a_presigned_url_loses_its_signature_and_keeps_the_rest_as_typed() -> None:
    assert sanitize(ApiRequest(url=PRESIGNED)).url == (
        "https://bucket.s3.eu-west-1.amazonaws.com/reports/q%201.csv"
        "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=300&X-Amz-SignedHeaders=host"
        "&response-content-type=text%2Fcsv"
    )


@pytest.mark.parametrize(
    "key",
    [
        "access_token",
        "id_token",
        "refresh_token",
        "client_secret",
        "password",
        "x-amz-signature",
        "X-Amz-Credential",
        "X-AMZ-SECURITY-TOKEN",
        "Signature",
        "api_key",
        "access%5Ftoken",
    ],
)
def test_query_parameters_that_name_a_secret_are_dropped(key: str) -> None:
    request = ApiRequest(url=f"https://api.example.com/a?first=1&{key}=s3cr3t&last=%3D")
    assert sanitize(request).url == "https://api.example.com/a?first=1&last=%3D"


def test_a_query_of_only_secrets_loses_its_question_mark() -> None:
    request = ApiRequest(url=f"https://api.example.com/a?X-Amz-Signature={SIGNATURE}#top")
    assert sanitize(request).url == "https://api.example.com/a#top"


@pytest.mark.parametrize(
    "url",
    [
        "https://api.example.com/prod/items?b=1&b=2&c=%3D&d=a+b&e=%253D&f",
        "https://api.example.com/prod/ä ö/%E2%9C%93?q=ünïcode&&empty=",
        "https://api.example.com/?",
        "https://api.example.com/a#frag?x=1",
        "{{base_url}}/items?filter=[1,2]&sort={a}",
        "http://127.0.0.1:4566/_aws/execute-api/abc123/prod/items",
        "relative/path?x='quoted'&y=\"dq\"",
    ],
)
def test_a_url_without_secrets_is_kept_character_for_character(url: str) -> None:
    assert sanitize(ApiRequest(url=url)).url == url


def test_the_password_of_a_url_is_redacted_and_the_user_kept() -> None:
    request = ApiRequest(url=f"https://operator:{PASSWORD}@api.example.com/a?x=1")
    assert sanitize(request).url == "https://operator:[redacted]@api.example.com/a?x=1"


def test_jwts_in_path_query_values_and_body_text_are_redacted() -> None:
    request = ApiRequest(
        url=f"https://api.example.com/verify/{JWT}?jwt={JWT}&page=2",
        body=RequestBody(kind="raw", text=f"token is {JWT}\nbye"),
    )
    clean = sanitize(request)
    assert clean.url == "https://api.example.com/verify/[redacted]?jwt=[redacted]&page=2"
    assert clean.body.text == "token is [redacted]\nbye"


def test_secret_values_in_a_json_body_are_redacted_and_the_rest_kept() -> None:
    text = json.dumps({"password": PASSWORD, "SessionToken": SESSION_TOKEN, "note": "keep me"})
    clean = json.loads(sanitize(ApiRequest(body=RequestBody(kind="json", text=text))).body.text)
    assert clean == {"password": "[redacted]", "SessionToken": "[redacted]", "note": "keep me"}


def test_form_values_of_secret_fields_are_redacted_and_other_pairs_kept() -> None:
    form = (("user", "op"), ("password", PASSWORD), ("client_secret", "x"), ("note", "a=b&c"))
    clean = sanitize(ApiRequest(body=RequestBody(kind="form", form=form)))
    assert clean.body.form == (
        ("user", "op"),
        ("password", "[redacted]"),
        ("client_secret", "[redacted]"),
        ("note", "a=b&c"),
    )


def test_json_fields_that_merely_end_in_code_survive_sanitize() -> None:
    text = '{"statusCode": 200, "countryCode": "FR"}'
    assert sanitize(ApiRequest(body=RequestBody(kind="json", text=text))).body.text == text


def test_everything_else_about_the_request_is_untouched() -> None:
    request = ApiRequest(
        method="PATCH",
        url="https://api.example.com/a",
        body=RequestBody(
            kind="file", file_path="/tmp/ä b.bin", content_type="image/png", text="", form=()
        ),
        service="lambda",
        region="eu-west-3",
        signed=False,
        timeout=12.5,
    )
    assert sanitize(request) == request


# -- strategies ---------------------------------------------------------------------------

# Any unicode but lone surrogates (a Qt string never holds one) and NUL.
chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
awkward_text = st.lists(st.sampled_from(AWKWARD) | st.text(chars, max_size=6), max_size=6).map(
    "".join
)
pairs = st.lists(st.tuples(awkward_text, awkward_text), max_size=4).map(tuple)
bodies = st.builds(
    RequestBody,
    kind=st.sampled_from(["none", "raw", "json", "form", "file"]),
    text=awkward_text,
    form=pairs,
    file_path=awkward_text,
    content_type=awkward_text,
)
requests_ = st.builds(
    ApiRequest,
    method=st.sampled_from(METHODS),
    url=awkward_text,
    headers=pairs,
    body=bodies,
    service=awkward_text,
    region=awkward_text,
    signed=st.booleans(),
    timeout=st.floats(min_value=0.001, max_value=1e6, allow_nan=False),
)
collection_names = st.text(chars, min_size=1, max_size=30).filter(
    lambda n: check_collection_name(n) is None
)


@FAST
@given(requests_)
def test_sanitizing_twice_changes_nothing_more(request: ApiRequest) -> None:
    once = sanitize(request)
    assert sanitize(once) == once


# -- history ------------------------------------------------------------------------------


def entry(n: int, request: ApiRequest | None = None, error: str = "") -> HistoryEntry:
    return HistoryEntry(
        request=request or ApiRequest(url=f"https://api.example.com/items/{n}"),
        sent_at=1_700_000_000.0 + n,
        status=200,
        elapsed=0.25,
        error=error,
    )


def test_history_path_is_per_profile_under_the_state_folder(app_home: AppPaths) -> None:
    assert history_path(app_home, "work") == app_home.state_dir / "api" / "history-work.jsonl"


@pytest.mark.parametrize("name", ["", "../etc", "a/b", "a\\b", ".hidden", "x" * 65, "ä"])
def test_history_path_refuses_a_profile_name_that_is_not_file_safe(
    app_home: AppPaths, name: str
) -> None:
    with pytest.raises(ConfigError, match="cannot name a history file"):
        history_path(app_home, name)


def test_history_lists_newest_first(tmp_path: Path) -> None:
    history = History(tmp_path / "h.jsonl")
    for n in range(3):
        history.add(entry(n))
    assert [e.sent_at for e in history.entries()] == [
        1_700_000_002.0,
        1_700_000_001.0,
        1_700_000_000.0,
    ]


def test_history_keeps_only_the_newest_entries_up_to_its_limit(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    history = History(path, limit=3)
    for n in range(7):
        history.add(entry(n))
    assert [e.request.url[-1] for e in history.entries()] == ["6", "5", "4"]
    assert len(path.read_text().splitlines()) == 3
    # A new History on the same file (next start) sees the same.
    assert [e.sent_at for e in History(path, limit=3).entries()] == [
        e.sent_at for e in history.entries()
    ]


def test_history_stores_the_sanitized_request_and_a_scrubbed_error(tmp_path: Path) -> None:
    history = History(tmp_path / "h.jsonl")
    stored = history.add(entry(1, secret_request(), error=f"refused token={JWT}"))
    [read] = history.entries()
    assert read == stored
    assert read.request == sanitize(secret_request())
    assert JWT not in read.error
    assert read.error.startswith("refused token=")


def test_history_file_is_one_readable_json_line_per_request(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    request = ApiRequest(
        method="POST",
        url="https://api.example.com/a",
        headers=(("Accept", "*/*"),),
        body=RequestBody(kind="json", text='{"name": "Zoë"}\n', form=(("a", "1"),)),
    )
    History(path).add(HistoryEntry(request, sent_at=1.5, status=None, elapsed=None, error="x"))
    [line] = path.read_text(encoding="utf-8").splitlines()
    data = json.loads(line)
    assert data["request"]["method"] == "POST"
    assert data["request"]["headers"] == [["Accept", "*/*"]]
    assert data["request"]["body"]["text"] == '{"name": "Zoë"}\n'
    assert data["request"]["body"]["form"] == [["a", "1"]]
    assert data["status"] is None
    assert "Zoë" in line  # unicode stays readable, not \u-escaped


def test_a_corrupt_history_line_is_skipped_and_logged(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "h.jsonl"
    history = History(path)
    history.add(entry(1))
    with path.open("ab") as fh:
        fh.write(b'{"not json at all\n')
        fh.write(b'{"sent_at": 5, "status": "200", "request": {"method": "GET", "url": "u"}}\n')
        fh.write(b"\xff\xfe not utf-8\n")
        fh.write(b'{"sent_at": 6, "request": {"method": "FETCH", "url": "u"}}\n')
    history.add(entry(2))
    with caplog.at_level(logging.WARNING, logger="cognito_desktop.services.api_history"):
        assert [e.sent_at for e in history.entries()] == [1_700_000_002.0, 1_700_000_001.0]
    messages = [r.getMessage() for r in caplog.records]
    assert len(messages) == 4
    assert any("line 2" in m and "not JSON" in m for m in messages)
    assert any("line 3" in m and "'status'" in m for m in messages)
    assert any("line 4" in m and "UTF-8" in m for m in messages)
    assert any("line 5" in m and "'request.method'" in m for m in messages)


def test_a_line_cut_short_by_a_crash_does_not_swallow_the_next_entry(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    history = History(path)
    history.add(entry(1))
    with path.open("ab") as fh:
        fh.write(b'{"sent_at": 9, "request": {"meth')  # no newline: the app died here
    history.add(entry(2))
    assert [e.sent_at for e in history.entries()] == [1_700_000_002.0, 1_700_000_001.0]


def test_a_lone_surrogate_in_a_body_is_stored_and_read_back(tmp_path: Path) -> None:
    request = ApiRequest(body=RequestBody(kind="raw", text="half a pair: \ud83d and Zoë"))
    history = History(tmp_path / "h.jsonl")
    history.add(entry(1, request))
    assert history.entries()[0].request == request


def test_history_clear_forgets_everything(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    history = History(path)
    history.add(entry(1))
    history.clear()
    assert history.entries() == []
    assert not path.exists()
    history.clear()  # clearing an empty history is fine


@FAST
@given(requests_)
def test_any_request_reads_back_from_history_as_sanitized(request: ApiRequest) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        history = History(Path(tmp) / "h.jsonl")
        history.add(entry(1, request))
        assert history.entries() == [entry(1, sanitize(request))]


# -- collections --------------------------------------------------------------------------

PLAIN = ApiRequest(
    method="PUT",
    url='{{base_url}}/items/it\'s "q"?x=%3D&y=$HOME',
    headers=(("Accept", "application/json"), ("X-Note", "tab\there `id` 🚀\nline two")),
    body=RequestBody(kind="json", text='{\n  "name": "Zoë \\"Z\\"",\n  "sep": "\u2028"\n}'),
    service="execute-api",
    region="eu-west-1",
    signed=True,
    timeout=12.5,
)


def store_in(tmp_path: Path) -> CollectionStore:
    return CollectionStore(tmp_path / "collections")


def demo(name: str = "Demo", *requests: ApiRequest) -> Collection:
    return Collection(
        name=name,
        requests=tuple(
            SavedRequest(name=f"Request {n} 'q' \"dq\"", request=r, description=f"no. {n}\n")
            for n, r in enumerate(requests or (PLAIN, ApiRequest(url="https://x.example/")))
        ),
    )


def test_collections_live_in_the_config_folder(app_home: AppPaths) -> None:
    assert collections_dir(app_home) == app_home.config_dir / "collections"


def test_a_saved_collection_reads_back_identical(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.save(demo())
    assert store.list() == ([demo()], [])
    assert store.load("Demo") == demo()


def test_a_collection_file_is_pretty_sorted_json_with_its_format(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.save(demo())
    text = (tmp_path / "collections" / "Demo.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert data["format"] == COLLECTION_FORMAT
    assert data["name"] == "Demo"
    assert text == json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    assert data["requests"][0]["request"]["body"]["text"] == PLAIN.body.text
    assert "Zoë" in text


@FAST
@given(st.lists(requests_, max_size=3), collection_names)
def test_any_collection_round_trips_as_sanitized(requests: list[ApiRequest], name: str) -> None:
    collection = Collection(
        name=name, requests=tuple(SavedRequest(f"r{n}", r) for n, r in enumerate(requests))
    )
    with tempfile.TemporaryDirectory() as tmp:
        store = CollectionStore(Path(tmp))
        stored = store.save(collection)
        assert stored.requests == tuple(
            SavedRequest(f"r{n}", sanitize(r)) for n, r in enumerate(requests)
        )
        assert store.list() == ([stored], [])


def test_saving_again_replaces_the_collection(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.save(demo())
    store.save(demo("Demo", PLAIN))
    assert store.list().collections == [demo("Demo", PLAIN)]


def test_secrets_in_names_and_descriptions_are_scrubbed(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    saved = SavedRequest(name=f"GET {PRESIGNED}", request=ApiRequest(), description=f"as {JWT}")
    [stored] = store.save(Collection("S", (saved,))).requests
    text = (tmp_path / "collections" / "S.json").read_text()
    for secret in (SIGNATURE, quote(SESSION_TOKEN, safe=""), JWT, ACCESS_KEY_ID):
        assert secret not in text
    assert "X-Amz-Signature=[redacted]" in stored.name
    assert stored.name.startswith("GET https://bucket.s3.eu-west-1.amazonaws.com/reports/")


@pytest.mark.parametrize(
    "name",
    [
        "",
        " lead",
        "trail ",
        ".hidden",
        "../evil",
        "a/b",
        "a\\b",
        "c:d",
        "x?",
        "CON",
        "nul.txt",
        "tab\tname",
        "end.",
        "x" * 101,
    ],
)
def test_a_collection_name_that_is_not_file_safe_is_refused(tmp_path: Path, name: str) -> None:
    store = store_in(tmp_path)
    with pytest.raises(ConfigError, match="collection name"):
        store.save(demo(name))
    assert not any(tmp_path.rglob("*.json"))


def test_a_collection_that_could_not_be_read_back_is_refused(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    with pytest.raises(ConfigError, match=r"request 1.*field 'request.method'"):
        store.save(demo("Bad", ApiRequest(method="FETCH")))
    with pytest.raises(ConfigError, match="number"):
        store.save(demo("Bad", ApiRequest(timeout=float("nan"))))
    assert not (tmp_path / "collections" / "Bad.json").exists()


def test_a_malformed_collection_file_is_reported_and_left_untouched(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.save(demo())
    folder = tmp_path / "collections"
    broken = {
        "Broken.json": b'{"format": "cognito-desktop-collection/1", "name": ',
        "Foreign.json": b'{"info": {"_postman_id": "x"}, "item": []}',
        "Latin.json": '{"name": "caf\xe9"}'.encode("latin-1"),
    }
    for name, data in broken.items():
        (folder / name).write_bytes(data)
    (folder / ".Demo-abc123.tmp").write_text("half-written")
    (folder / ".hidden.json").write_text("not ours")

    listing = store.list()
    assert listing.collections == [demo()]
    assert sorted(p.path.name for p in listing.problems) == sorted(broken)
    by_name = {p.path.name: str(p) for p in listing.problems}
    assert str(folder / "Broken.json") in by_name["Broken.json"]
    assert "not valid JSON" in by_name["Broken.json"]
    assert "field 'info'" in by_name["Foreign.json"]
    assert "UTF-8" in by_name["Latin.json"]
    store.save(demo("Other"))
    for name, data in broken.items():
        assert (folder / name).read_bytes() == data


def test_delete_removes_the_collection(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.save(demo())
    store.save(demo("Keep"))
    store.delete("Demo")
    assert [c.name for c in store.list().collections] == ["Keep"]
    store.delete("Demo")  # already gone: nothing to do


def test_export_then_import_round_trips(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.save(demo())
    target = tmp_path / "shared" / "demo export.json"
    store.export("Demo", target)
    store.delete("Demo")
    assert store.import_file(target) == demo()
    assert store.list() == ([demo()], [])


def test_an_import_never_overwrites_a_collection_with_the_same_name(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    store.save(demo())
    original = (tmp_path / "collections" / "Demo.json").read_bytes()
    incoming = tmp_path / "incoming.json"
    store_in(tmp_path / "other").save(demo("Demo", PLAIN))
    incoming.write_bytes((tmp_path / "other" / "collections" / "Demo.json").read_bytes())

    assert store.import_file(incoming).name == "Demo (2)"
    assert store.import_file(incoming).name == "Demo (3)"
    assert (tmp_path / "collections" / "Demo.json").read_bytes() == original
    assert [c.name for c in store.list().collections] == ["Demo", "Demo (2)", "Demo (3)"]
    assert store.load("Demo (3)").requests == demo("Demo", PLAIN).requests


def test_an_import_avoids_a_name_that_differs_only_in_case(tmp_path: Path) -> None:
    # Windows and macOS file systems would treat demo.json and Demo.json as one file.
    store = store_in(tmp_path)
    store.save(demo("demo"))
    store_in(tmp_path / "other").save(demo())
    src = tmp_path / "other" / "collections" / "Demo.json"
    assert store.import_file(src).name == "Demo (2)"


def test_an_import_also_avoids_the_name_of_a_broken_file(tmp_path: Path) -> None:
    store = store_in(tmp_path)
    folder = tmp_path / "collections"
    folder.mkdir()
    (folder / "Demo.json").write_text("{broken")
    store_in(tmp_path / "other").save(demo())
    assert store.import_file(tmp_path / "other" / "collections" / "Demo.json").name == "Demo (2)"
    assert (folder / "Demo.json").read_text() == "{broken"


def write_import(tmp_path: Path, second: dict[str, object], **top: object) -> Path:
    data: dict[str, object] = {
        "format": COLLECTION_FORMAT,
        "name": "Shared",
        "requests": [
            {"name": "First", "request": {"method": "GET", "url": "https://x.example/"}},
            {"name": "Second", "request": second},
        ],
    }
    data.update(top)
    path = tmp_path / "shared.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


GOOD_SECOND = {"method": "POST", "url": "https://x.example/a"}


@pytest.mark.parametrize(
    ("change", "field", "says"),
    [
        ({"method": "FETCH"}, "request.method", "expected one of GET, POST"),
        ({"method": None}, "request.method", "expected a string, found null"),
        ({"url": None}, "request.url", "expected a string"),
        ({"headers": [["Accept"]]}, "request.headers[0]", "pair of strings"),
        ({"headers": {"Accept": "*/*"}}, "request.headers", "list of [name, value] pairs"),
        ({"heders": []}, "request.heders", "unknown field"),
        ({"body": {"kind": "xml"}}, "request.body.kind", "expected one of none, raw"),
        ({"body": {"kind": "form", "form": [["a", 1]]}}, "request.body.form[0]", "pair"),
        ({"body": "text"}, "request.body", "expected an object, found a string"),
        ({"signed": "yes"}, "request.signed", "true or false"),
        ({"timeout": "30"}, "request.timeout", "expected a number, found a string"),
        ({"timeout": 0}, "request.timeout", "above 0"),
        ({"service": 5}, "request.service", "expected a string, found a number"),
    ],
)
def test_an_import_error_names_the_file_the_request_and_the_field(
    tmp_path: Path, change: dict[str, object], field: str, says: str
) -> None:
    src = write_import(tmp_path, {**GOOD_SECOND, **change})
    store = store_in(tmp_path)
    with pytest.raises(ConfigError) as caught:
        store.import_file(src)
    message = str(caught.value)
    assert message.startswith(f"{src}, request 2 ('Second'), field '{field}': ")
    assert says in message
    assert not (tmp_path / "collections").exists() or not any((tmp_path / "collections").iterdir())


def test_a_missing_url_is_named(tmp_path: Path) -> None:
    src = write_import(tmp_path, {"method": "GET"})
    with pytest.raises(
        ConfigError,
        match=r"request 2 \('Second'\), field 'request.url': is "
        "required",
    ):
        store_in(tmp_path).import_file(src)


@pytest.mark.parametrize(
    ("top", "field"),
    [
        ({"format": "postman/2.1"}, "format"),
        ({"name": 3}, "name"),
        ({"requests": {}}, "requests"),
        ({"extra": 1}, "extra"),
    ],
)
def test_an_import_error_in_the_collection_itself_names_the_field(
    tmp_path: Path, top: dict[str, object], field: str
) -> None:
    src = write_import(tmp_path, GOOD_SECOND, **top)
    with pytest.raises(ConfigError) as caught:
        store_in(tmp_path).import_file(src)
    assert str(caught.value).startswith(f"{src}, field '{field}': ")


def test_an_import_with_a_name_that_is_not_file_safe_is_refused(tmp_path: Path) -> None:
    src = write_import(tmp_path, GOOD_SECOND, name="../../evil")
    with pytest.raises(ConfigError, match="field 'name'"):
        store_in(tmp_path).import_file(src)
    assert not any(tmp_path.rglob("evil*"))


def test_an_import_of_invalid_json_says_where(tmp_path: Path) -> None:
    src = tmp_path / "bad.json"
    src.write_text('{"format": "cognito-desktop-collection/1",\n  "name": }')
    with pytest.raises(ConfigError, match=r"bad.json is not valid JSON \(.* line 2, column"):
        store_in(tmp_path).import_file(src)


def test_an_import_error_never_shows_a_secret_value(tmp_path: Path) -> None:
    src = write_import(tmp_path, {**GOOD_SECOND, "timeout": JWT}, name=f"x {JWT}")
    with pytest.raises(ConfigError) as caught:
        store_in(tmp_path).import_file(src)
    assert "request.timeout" in str(caught.value)
    assert JWT not in str(caught.value)


def test_an_imported_collection_is_stored_sanitized(tmp_path: Path) -> None:
    src = write_import(
        tmp_path, {"method": "GET", "url": PRESIGNED, "headers": [["Authorization", "AWS4 x"]]}
    )
    stored = store_in(tmp_path).import_file(src)
    assert stored.requests[1].request == sanitize(ApiRequest(url=PRESIGNED))
    assert SIGNATURE not in (tmp_path / "collections" / "Shared.json").read_text()


# -- nothing secret on disk -----------------------------------------------------------------


def test_no_secret_reaches_any_file_under_the_app_home(app_home: AppPaths) -> None:
    request = secret_request()
    history = History(history_path(app_home, "work"))
    history.add(entry(1, request, error=f"403 refused; token={JWT} key {SECRET_KEY}"))
    history.add(entry(2, ApiRequest(url=PRESIGNED)))
    store = CollectionStore(collections_dir(app_home))
    saved = SavedRequest(name=f"GET {PRESIGNED}", request=request, description=f"uses {JWT}")
    store.save(Collection("Secrets", (saved, SavedRequest("presigned", ApiRequest(url=PRESIGNED)))))
    export = Path(os.environ[HOME_ENV]) / "exports" / "secrets.json"
    store.export("Secrets", export)
    store.import_file(export)

    home = Path(os.environ[HOME_ENV])
    files = [p for p in home.rglob("*") if p.is_file()]
    names = {p.name for p in files}
    assert {"history-work.jsonl", "Secrets.json", "Secrets (2).json", "secrets.json"} <= names
    history_text = (app_home.state_dir / "api" / "history-work.jsonl").read_text()
    assert "X-Request-Id" in history_text  # what is not secret is still there
    assert "keep me" in history_text
    forms = {s for secret in SECRETS for s in (secret, quote(secret, safe=""), json.dumps(secret))}
    for path in files:
        data = path.read_text(encoding="utf-8")
        for secret in forms:
            assert secret not in data, f"{secret[:12]}… leaked into {path.name}"


# -- base URL -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "base",
    [
        "https://abc.execute-api.eu-west-1.amazonaws.com/prod",
        "https://abc.execute-api.eu-west-1.amazonaws.com/prod/",
    ],
)
def test_base_url_is_joined_with_exactly_one_slash(base: str) -> None:
    request = ApiRequest(url="{{base_url}}/items?x=1")
    assert expand_base_url(request, base).url == (
        "https://abc.execute-api.eu-west-1.amazonaws.com/prod/items?x=1"
    )


def test_a_bare_base_url_placeholder_is_the_base_url_itself() -> None:
    assert expand_base_url(ApiRequest(url="{{base_url}}"), "https://x.example/p/").url == (
        "https://x.example/p/"
    )


def test_a_request_using_base_url_without_one_says_to_set_api_base_url() -> None:
    with pytest.raises(ConfigError, match="api_base_url"):
        expand_base_url(ApiRequest(url="{{base_url}}/items"), "")


def test_a_request_without_the_placeholder_needs_no_base_url() -> None:
    request = ApiRequest(url="https://x.example/a")
    assert expand_base_url(request, "") is request


def test_a_url_under_the_base_url_is_stored_portable() -> None:
    base = "https://abc.execute-api.eu-west-1.amazonaws.com/prod"
    request = ApiRequest(url=f"{base}/items?x=1")
    assert to_portable(request, base).url == "{{base_url}}/items?x=1"
    assert to_portable(request, base + "/").url == "{{base_url}}/items?x=1"


@pytest.mark.parametrize(
    "url",
    [
        "https://x.example/production/a",
        "https://x.example/prodx",
        "https://x.example.evil/prod/a",
        "http://x.example/prod/a",
        "{{base_url}}/a",
    ],
)
def test_a_url_merely_starting_like_the_base_url_is_left_alone(url: str) -> None:
    assert to_portable(ApiRequest(url=url), "https://x.example/prod").url == url


def test_to_portable_without_a_base_url_changes_nothing() -> None:
    request = ApiRequest(url="https://x.example/prod/a")
    assert to_portable(request, "") is request


@FAST
@given(
    st.sampled_from(
        [
            "https://x.example",
            "https://x.example/",
            "https://x.example/prod",
            "https://x.example/prod/",
            "http://127.0.0.1:4566/_aws/execute-api/a/s",
        ]
    ),
    st.sampled_from(["", "/", "?", "#", "/a", "?q=1", "#f", "x", "/a/b?c=%3D#d"]),
    awkward_text,
)
def test_portable_then_expanded_is_the_url_again(base: str, joint: str, rest: str) -> None:
    request = ApiRequest(url=base + joint + rest)
    portable = to_portable(request, base)
    assert expand_base_url(portable, base) == request
    if joint[:1] in ("/", "?", "#") or not joint + rest:
        assert portable.url.startswith("{{base_url}}")


def test_the_saved_sandbox_shape_expands_for_another_environment() -> None:
    saved = to_portable(
        ApiRequest(url="http://127.0.0.1:4566/_aws/execute-api/a1/dev/items"),
        "http://127.0.0.1:4566/_aws/execute-api/a1/dev",
    )
    assert expand_base_url(saved, "https://b2.execute-api.eu-west-1.amazonaws.com/prod").url == (
        "https://b2.execute-api.eu-west-1.amazonaws.com/prod/items"
    )
