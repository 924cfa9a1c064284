"""The S3 service against the local AWS: the operator (authenticated role), a
guest (unauthenticated role) and the root keys; role policies are enforced."""

from __future__ import annotations

import datetime as dt
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from botocore.config import Config

from cognito_desktop.sandbox.emulator import ROOT_ACCESS_KEY, ROOT_SECRET_KEY
from cognito_desktop.sandbox.seed_s3 import (
    AWKWARD_KEYS,
    BINARY_KEY,
    BUCKET,
    IMAGE_KEY,
    LARGE_TEXT_KEY,
    LONG_KEY,
    MANY_COUNT,
    TAGGED_KEY,
    VERSIONED_BUCKET,
    VERSIONED_KEY,
)
from cognito_desktop.sandbox.world import World
from cognito_desktop.services.config import Profile
from cognito_desktop.services.errors import NetworkError
from cognito_desktop.services.identity import AwsCredentials
from cognito_desktop.services.s3 import (
    LIST_BUCKETS_DENIED,
    S3Service,
    s3_config,
)
from cognito_desktop.services.s3_models import (
    PREVIEW_HEX_BYTES,
    PREVIEW_TEXT_BYTES,
    DeletePlan,
    S3AccessDenied,
    S3CredentialsError,
    S3Error,
    S3Location,
    S3NameError,
    S3NotFound,
    TransferCancelled,
)
from cognito_desktop.services.session import Session

AUTH_ROLE = "cognito-desktop-demo-authenticated"
PAGE_TEST = S3Location(BUCKET, "public/page-test/")


def unique(top: str = "private") -> str:
    return f"{top}/test-{uuid.uuid4().hex[:10]}/"


@pytest.fixture
def s3(signed_in_session: Session) -> S3Service:
    return S3Service(signed_in_session)


@pytest.fixture
def guest_s3(guest_source: Any) -> S3Service:
    return S3Service(guest_source)


@dataclass
class RootSource:
    """The emulator's root keys as a CredentialSource (ListBuckets allowed)."""

    profile: Profile
    identity_id: str = ""
    renewals: int = 0

    def ensure_fresh(self, margin: float = 600) -> AwsCredentials | None:
        self.renewals += 1
        return None

    def client(self, service: str, **kwargs: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=self.profile.endpoint_url,
            region_name=self.profile.region,
            aws_access_key_id=ROOT_ACCESS_KEY,
            aws_secret_access_key=ROOT_SECRET_KEY,
            **kwargs,
        )


@pytest.fixture
def root_service(profile: Profile) -> S3Service:
    return S3Service(RootSource(profile))


def all_names(service: S3Service, location: S3Location, **kw: Any) -> list[str]:
    return [n for page in service.iter_pages(location, **kw) for n in page.folders + page.names]


# -- places -----------------------------------------------------------------------


def test_places_for_the_operator_explain_the_denied_bucket_listing(
    s3: S3Service, signed_in_session: Session
) -> None:
    places = s3.places()
    assert places.note == LIST_BUCKETS_DENIED
    assert "s3:ListAllMyBuckets" in places.note
    assert not [p for p in places.places if p.kind == "bucket"]
    profile_places = [(p.label, p.location) for p in places.places if p.kind == "profile"]
    assert profile_places == [
        (f"{BUCKET}/", S3Location(BUCKET)),
        (f"{VERSIONED_BUCKET}/", S3Location(VERSIONED_BUCKET)),
    ]
    identity = signed_in_session.identity_id
    assert identity
    mine = {p.location for p in places.places if p.kind == "mine"}
    assert mine == {
        S3Location(bucket, f"{level}/{identity}/")
        for bucket in (BUCKET, VERSIONED_BUCKET)
        for level in ("private", "protected")
    }
    assert len({p.location for p in places.places}) == len(places.places)


def test_places_for_root_list_the_buckets_without_duplicates(root_service: S3Service) -> None:
    places = root_service.places()
    assert places.note == ""
    buckets = [p.location.bucket for p in places.places if p.kind == "bucket"]
    assert {BUCKET, VERSIONED_BUCKET} <= set(buckets)
    # The profile's s3://bucket/ places are the same locations: shown once, as buckets.
    assert not [p for p in places.places if p.kind == "profile"]
    assert not [p for p in places.places if p.kind == "mine"]  # no identity id
    assert len({p.location for p in places.places}) == len(places.places)


# -- listing ----------------------------------------------------------------------


def test_paging_through_250_objects_100_at_a_time(s3: S3Service) -> None:
    pages = list(s3.iter_pages(PAGE_TEST, page_size=100))
    assert [len(p.names) for p in pages] == [100, 100, 50]
    assert pages[-1].next_token is None
    assert all(p.next_token for p in pages[:-1])
    names = [n for p in pages for n in p.names]
    assert names == [f"item-{i:04d}.txt" for i in range(250)]
    sizes = [s for p in pages for s in p.sizes]
    assert sizes == list(range(250))
    classes = [c for p in pages for c in p.storage_classes]
    assert [i for i, c in enumerate(classes) if c == "STANDARD_IA"] == list(range(0, 250, 50))
    assert {c for i, c in enumerate(classes) if i % 50} == {"STANDARD"}
    first = pages[0]
    assert first.folders == []
    assert len(first.sizes) == len(first.modified) == len(first.etags) == 100
    assert all('"' not in e and len(e) == 32 for e in first.etags)
    now = dt.datetime.now(dt.UTC).timestamp()
    assert all(now - 86400 < m <= now + 5 for m in first.modified)
    assert all(p.round_trip > 0 for p in pages)


def test_a_listing_page_is_one_request(s3: S3Service) -> None:
    calls: list[str] = []
    s3.list_page(PAGE_TEST, page_size=100)  # builds the client
    client, _ = s3._calls.current()
    client.meta.events.register("before-call.s3.*", lambda model, **_: calls.append(model.name))
    page = s3.list_page(PAGE_TEST, page_size=100)
    assert calls == ["ListObjectsV2"]
    s3.list_page(PAGE_TEST, page.next_token, page_size=100)
    assert calls == ["ListObjectsV2", "ListObjectsV2"]


def test_folders_relative_names_and_the_folder_marker(s3: S3Service) -> None:
    public = s3.list_page(S3Location(BUCKET, "public/"))
    for folder in ("reports/", "with space/", "unicodé/", "plus+sign/", "percent%20literal/"):
        assert folder in public.folders
    assert "readme.txt" in public.names
    assert all(f.endswith("/") and not f.startswith("public/") for f in public.folders)
    empty = s3.list_page(S3Location(BUCKET, "public/empty-folder/"))
    assert empty.count == 0  # its own marker is not a row
    assert empty.next_token is None


def test_search_is_a_server_side_prefix_inside_the_folder(s3: S3Service) -> None:
    page = s3.list_page(PAGE_TEST, search="item-012")
    assert page.names == [f"item-{i:04d}.txt" for i in range(120, 130)]
    public = s3.list_page(S3Location(BUCKET, "public/"), search="rep")
    assert public.folders == ["reports/"]
    assert public.names == []


def test_awkward_keys_are_listed_detailed_and_previewed_exactly(
    s3: S3Service, root_s3: Any
) -> None:
    folder = unique("public")
    long_key = folder + "ü" * 10 + "/" + "k" * (1000 - len(folder) - 21 - 4) + ".txt"
    assert len(long_key.encode()) == 1000
    root_s3.put_object(Bucket=BUCKET, Key=long_key, Body=f"Demo object {long_key}\n".encode())
    for key in [k for k in AWKWARD_KEYS if k.startswith("public/")] + [LONG_KEY, long_key]:
        folder, _, name = key.rpartition("/")
        location = S3Location(BUCKET, folder + "/")
        assert name in all_names(s3, location), key
        details = s3.details(S3Location(BUCKET, key))
        assert details.location.prefix == key
        preview = s3.preview(S3Location(BUCKET, key), details.size)
        assert preview.fetched == details.size
        if key.endswith(".txt") and key != LONG_KEY:
            assert preview.kind == "text"
            assert preview.text == f"Demo object {key}\n"
    root_s3.delete_object(Bucket=BUCKET, Key=long_key)


@pytest.mark.timeout(600)
def test_walking_many_keys_twenty_thousand(s3: S3Service, many_keys: str) -> None:
    names: list[str] = []
    pages = 0
    for page in s3.iter_pages(S3Location(BUCKET, many_keys)):
        names += page.names
        pages += 1
    assert len(names) == MANY_COUNT
    assert len(set(names)) == MANY_COUNT
    assert names == sorted(names)
    assert pages == MANY_COUNT // 1000


# -- allowed and denied -------------------------------------------------------------


def test_the_operator_is_refused_restricted_with_a_sentence(s3: S3Service) -> None:
    location = S3Location(BUCKET, "restricted/payroll.csv")
    with pytest.raises(S3AccessDenied) as caught:
        s3.details(location)
    denied = caught.value
    assert denied.action == "s3:GetObject"
    assert denied.resource == "s3://cognito-desktop-demo/restricted/payroll.csv"
    assert denied.role == AUTH_ROLE
    assert AUTH_ROLE in denied.message
    assert "s3:GetObject" in denied.message
    assert "s3://cognito-desktop-demo/restricted/payroll.csv" in denied.message
    assert "Ask for the permission" in denied.hint
    assert "ASIA" not in str(denied)
    with pytest.raises(S3AccessDenied, match="s3:GetObject") as caught:
        s3.preview(location, 40)
    assert caught.value.role == AUTH_ROLE
    # Listing restricted/ is allowed (ListBucket on the whole bucket); reading is not.
    assert s3.list_page(S3Location(BUCKET, "restricted/")).names == ["payroll.csv"]


def test_the_guest_reads_public_only(guest_s3: S3Service, guest_source: Any) -> None:
    assert "readme.txt" in guest_s3.list_page(S3Location(BUCKET, "public/")).names
    assert guest_s3.preview(S3Location(BUCKET, "public/readme.txt"), 30).text.startswith("Demo")
    with pytest.raises(S3AccessDenied) as caught:
        guest_s3.list_page(S3Location(BUCKET, "private/"))
    denied = caught.value
    assert denied.action == "s3:ListBucket"
    assert denied.resource == "s3://cognito-desktop-demo/private/"
    assert denied.role == "cognito-desktop-demo-guest"
    assert "may not s3:ListBucket on s3://cognito-desktop-demo/private/" in denied.message
    with pytest.raises(S3AccessDenied, match="s3:GetObject"):
        guest_s3.details(S3Location(BUCKET, "protected/shared-notes.md"))
    with pytest.raises(S3AccessDenied) as caught:
        guest_s3.create_folder(S3Location(BUCKET, "public/"), "guest-" + uuid.uuid4().hex[:6])
    assert caught.value.action == "s3:PutObject"
    assert guest_source.renewals == 1  # refusals of the request are not credential problems


def test_operator_may_write_and_delete_in_private(s3: S3Service, root_s3: Any) -> None:
    parent = S3Location(BUCKET, unique())
    folder = s3.create_folder(parent, "  reports ")
    assert folder == S3Location(BUCKET, parent.prefix + "reports/")
    assert root_s3.head_object(Bucket=BUCKET, Key=folder.prefix)["ContentLength"] == 0
    listing = s3.list_page(parent)
    assert listing.folders == ["reports/"]
    with pytest.raises(S3Error, match="exists already"):
        s3.create_folder(parent, "reports")
    with pytest.raises(S3NameError):
        s3.create_folder(parent, "a/b")
    plan = s3.plan_delete(BUCKET, prefixes=[parent.prefix])
    assert plan.keys == (folder.prefix,)
    assert s3.delete(plan).deleted == 1
    assert root_s3.list_objects_v2(Bucket=BUCKET, Prefix=parent.prefix).get("KeyCount") == 0


def test_names_are_checked_before_any_request(s3: S3Service) -> None:
    calls: list[str] = []
    s3.list_page(PAGE_TEST, page_size=1)
    client, _ = s3._calls.current()
    client.meta.events.register("before-call.s3.*", lambda model, **_: calls.append(model.name))
    with pytest.raises(S3NameError, match="lowercase"):
        s3.list_page(S3Location("Bad_Bucket"))
    with pytest.raises(S3NameError, match="not valid Unicode"):
        s3.details(S3Location(BUCKET, "public/half-a-surrogate-\ud800"))
    with pytest.raises(S3NameError, match="empty"):
        s3.preview(S3Location(BUCKET, ""), 10)
    with pytest.raises(S3NameError):
        s3.plan_delete(BUCKET, prefixes=[""])
    with pytest.raises(S3NameError, match="1024"):
        s3.presign_get(S3Location(BUCKET, "public/" + "x" * 1100), 60)
    assert calls == []


def test_a_missing_object_or_bucket_is_not_found(s3: S3Service, root_service: S3Service) -> None:
    with pytest.raises(S3NotFound, match=re.escape("public/no-such-thing.txt")):
        s3.details(S3Location(BUCKET, "public/no-such-thing.txt"))
    with pytest.raises(S3NotFound, match="no such object"):
        s3.preview(S3Location(BUCKET, "public/no-such-thing.txt"), 10)
    with pytest.raises(S3NotFound, match="no such bucket: s3://no-such-bucket-here"):
        root_service.list_page(S3Location("no-such-bucket-here", "a/"))


def test_an_unreachable_endpoint_is_a_network_error(profile: Profile) -> None:
    def dead() -> Any:
        return boto3.client(
            "s3",
            endpoint_url="http://127.0.0.1:9",
            region_name=profile.region,
            aws_access_key_id=ROOT_ACCESS_KEY,
            aws_secret_access_key=ROOT_SECRET_KEY,
            config=s3_config().merge(Config(retries={"max_attempts": 0})),
        )

    service = S3Service(RootSource(profile), client_factory=dead)
    with pytest.raises(NetworkError) as caught:
        service.list_page(PAGE_TEST)
    assert caught.value.hint == "Check the connection and press Retry."
    assert "s3://cognito-desktop-demo/public/page-test/" in caught.value.message


# -- details and preview --------------------------------------------------------------


def test_details_with_metadata_and_tags(s3: S3Service) -> None:
    details = s3.details(S3Location(BUCKET, TAGGED_KEY))
    assert details.metadata == {"owner": "finance", "source": "cognito-desktop-sandbox"}
    assert details.tags == {"classification": "internal", "team": "finance"}
    assert details.tags_note == ""
    assert details.content_type == "application/json"
    assert details.storage_class == "STANDARD"
    assert details.size == len(b'{"quarter": "Q3", "total": 30.5}')
    assert details.modified.tzinfo is not None
    assert len(details.etag) == 32


def test_details_without_tag_permission_say_why(guest_s3: S3Service) -> None:
    details = guest_s3.details(S3Location(BUCKET, TAGGED_KEY))
    assert details.metadata["owner"] == "finance"
    assert details.tags is None
    assert details.tags_note == "Your role may not s3:GetObjectTagging here."


def test_previews_of_text_json_csv_image_and_binary(s3: S3Service) -> None:
    text = s3.preview(S3Location(BUCKET, "public/readme.txt"), 30)
    assert (text.kind, text.text, text.truncated) == (
        "text",
        "Demo object public/readme.txt\n",
        False,
    )
    tagged = s3.preview(S3Location(BUCKET, TAGGED_KEY), 32)
    assert tagged.kind == "json"
    assert tagged.text == '{\n  "quarter": "Q3",\n  "total": 30.5\n}'
    csv_key = "public/reports/2026/q3/summary.csv"
    table = s3.preview(S3Location(BUCKET, csv_key), 38)
    assert table.kind == "csv"
    assert table.rows == [["id", "name", "amount"], ["1", "alpha", "10.5"], ["2", "beta", "20"]]
    image = s3.preview(S3Location(BUCKET, IMAGE_KEY), 10**6)
    assert image.kind == "image"
    assert image.image.startswith(b"\x89PNG\r\n\x1a\n")
    assert image.fetched == len(image.image)
    binary = s3.preview(S3Location(BUCKET, BINARY_KEY), 4096)
    assert binary.kind == "hex"
    assert binary.text.splitlines()[0] == (
        "00000000  00 01 02 03 04 05 06 07  08 09 0a 0b 0c 0d 0e 0f  |................|"
    )
    assert binary.text.splitlines()[2].endswith("| !\"#$%&'()*+,-./|")
    assert len(binary.text.splitlines()) == PREVIEW_HEX_BYTES // 16
    empty = s3.preview(S3Location(BUCKET, "public/empty-folder/"), 0)
    assert empty.kind == "empty"


def test_a_large_text_is_previewed_from_a_ranged_head(s3: S3Service) -> None:
    size = s3.details(S3Location(BUCKET, LARGE_TEXT_KEY)).size
    assert size > PREVIEW_TEXT_BYTES
    preview = s3.preview(S3Location(BUCKET, LARGE_TEXT_KEY), size)
    assert preview.kind == "text"
    assert preview.truncated
    assert preview.fetched == PREVIEW_TEXT_BYTES
    assert preview.total_size == size
    assert preview.text.startswith("2026-11-01T00:00:00Z line 0 of the demo log\n")
    assert len(preview.text) == PREVIEW_TEXT_BYTES
    assert preview.note == "Showing the first 256 KiB of 1.8 MiB."


def test_preview_of_unusual_bodies(s3: S3Service, root_s3: Any) -> None:
    folder = unique("public")
    bodies = {
        "bad.json": b'{"a": 1,}',
        "exact.json": b'{"n": 1.10, "big": 12345678901234567890, "n": 2}',
        "latin.txt": "café crème".encode("latin-1"),
        "bom.txt": b"\xef\xbb\xbfwith a BOM",
        "utf16.txt": "\ufeffUTF-16 text".encode("utf-16-le"),
        "pic.dat": b"GIF89a" + b"\x00" * 40,
    }
    for name, body in bodies.items():
        root_s3.put_object(Bucket=BUCKET, Key=folder + name, Body=body)

    def preview(name: str) -> Any:
        return s3.preview(S3Location(BUCKET, folder + name), len(bodies[name]))

    bad = preview("bad.json")
    assert (bad.kind, bad.text) == ("text", '{"a": 1,}')
    assert bad.note.startswith("Not valid JSON (")
    exact = preview("exact.json")
    assert exact.text == '{\n  "n": 1.10,\n  "big": 12345678901234567890,\n  "n": 2\n}'
    latin = preview("latin.txt")
    assert (latin.kind, latin.text) == ("text", "café crème")
    assert "Latin-1" in latin.note
    assert preview("bom.txt").text == "with a BOM"
    assert preview("utf16.txt").text == "UTF-16 text"
    assert preview("pic.dat").kind == "image"  # by its magic bytes, whatever the name
    root_s3.delete_objects(Bucket=BUCKET, Delete={"Objects": [{"Key": folder + n} for n in bodies]})


# -- versions -----------------------------------------------------------------------------


def test_versions_listing_of_the_versioned_bucket(s3: S3Service) -> None:
    assert s3.versioning_enabled(VERSIONED_BUCKET)
    assert not s3.versioning_enabled(BUCKET)
    page = s3.list_page(S3Location(VERSIONED_BUCKET, "public/"), versions=True)
    rows = list(
        zip(
            page.names,
            page.version_ids,
            page.is_latest,
            page.delete_markers,
            page.sizes,
            strict=True,
        )
    )
    notes = [r for r in rows if r[0] == "notes.txt"]
    assert len(notes) == 3
    assert [r[2] for r in notes] == [True, False, False]
    assert len({r[1] for r in notes}) == 3
    assert all(not r[3] and r[4] == len(b"version 1\n") for r in notes)
    gone = [r for r in rows if r[0] == "gone.txt"]
    assert [(r[2], r[3], r[4]) for r in gone] == [(True, True, 0), (False, False, 13)]
    assert len(page.etags) == len(page.names) == len(page.storage_classes)
    # The plain listing shows the live object only, and not the deleted one.
    plain = s3.list_page(S3Location(VERSIONED_BUCKET, "public/"))
    assert "notes.txt" in plain.names
    assert "gone.txt" not in plain.names
    # An older version can be read by its id.
    oldest = notes[-1][1]
    location = S3Location(VERSIONED_BUCKET, VERSIONED_KEY)
    assert s3.preview(location, 10, oldest).text == "version 1\n"
    assert s3.details(location, oldest).version_id == oldest


def test_versions_listing_pages_with_an_opaque_token(s3: S3Service) -> None:
    location = S3Location(VERSIONED_BUCKET, "public/")
    seen: list[tuple[str, str]] = []
    token = None
    pages = 0
    while True:
        page = s3.list_page(location, token, page_size=2, versions=True)
        seen += list(zip(page.names, page.version_ids, strict=True))
        pages += 1
        token = page.next_token
        if token is None:
            break
    assert pages >= 2
    assert len(seen) == len(set(seen)) >= 5
    with pytest.raises(S3Error, match="versions listing"):
        s3.list_page(location, "not-a-token", versions=True)


# -- delete -------------------------------------------------------------------------


def test_delete_a_prefix_counts_first_then_removes_everything(s3: S3Service, root_s3: Any) -> None:
    folder = unique()
    keys = [f"{folder}{i:04d}.txt" for i in range(1203)] + [folder, folder + "sub/deep.txt"]
    with ThreadPoolExecutor(8) as pool:
        list(pool.map(lambda k: root_s3.put_object(Bucket=BUCKET, Key=k, Body=b"x"), keys))
    counts: list[int] = []
    plan = s3.plan_delete(
        BUCKET, keys=[folder + "0001.txt"], prefixes=[folder], on_count=counts.append
    )
    assert plan.count == len(keys)
    assert set(plan.keys) == set(keys)
    assert counts[-1] == len(keys)
    assert len(counts) == 2  # 1,000 keys a listing page
    progress: list[int] = []
    result = s3.delete(plan, on_progress=progress.append)
    assert result.deleted == len(keys)
    assert result.failed == ()
    assert progress == [1000, len(keys)]
    assert root_s3.list_objects_v2(Bucket=BUCKET, Prefix=folder).get("KeyCount") == 0


def test_delete_of_allowed_and_denied_keys_reports_each_denied_key(
    s3: S3Service, root_s3: Any
) -> None:
    allowed = [unique() + f"a{i}.txt" for i in range(3)]
    denied = [unique("restricted") + f"d{i}.txt" for i in range(2)]
    for key in allowed + denied:
        root_s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    plan = s3.plan_delete(BUCKET, keys=allowed + denied)
    result = s3.delete(plan)
    assert result.deleted == 3
    assert [k for k, _ in result.failed] == denied
    for key, sentence in result.failed:
        assert sentence == f"Your role {AUTH_ROLE} may not s3:DeleteObject on s3://{BUCKET}/{key}."
    for key in allowed:
        assert root_s3.list_objects_v2(Bucket=BUCKET, Prefix=key).get("KeyCount") == 0
    for key in denied:
        assert root_s3.head_object(Bucket=BUCKET, Key=key)["ContentLength"] == 1
        root_s3.delete_object(Bucket=BUCKET, Key=key)


def test_cancel_stops_counting_and_deleting(s3: S3Service, root_s3: Any) -> None:
    folder = unique()
    keys = [f"{folder}{i}.txt" for i in range(5)]
    for key in keys:
        root_s3.put_object(Bucket=BUCKET, Key=key, Body=b"x")
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(TransferCancelled):
        s3.plan_delete(BUCKET, prefixes=[folder], cancel=cancel)
    plan = s3.plan_delete(BUCKET, prefixes=[folder])
    assert s3.delete(plan, cancel=cancel).deleted == 0
    assert root_s3.list_objects_v2(Bucket=BUCKET, Prefix=folder)["KeyCount"] == 5
    assert s3.delete(plan).deleted == 5


# -- presigned links ------------------------------------------------------------------


def test_a_presigned_link_is_capped_at_the_credentials_expiry(
    s3: S3Service, signed_in_session: Session
) -> None:
    limit, why = s3.presign_limit()
    creds = signed_in_session.aws_credentials
    assert creds is not None
    left = creds.seconds_left()
    assert 0 < limit < left <= 3600 + 5
    assert limit > left - 120
    assert creds.expiration.strftime("%H:%M UTC") in why
    assert why.startswith("Links signed with temporary credentials stop working")
    link = s3.presign_get(S3Location(BUCKET, "public/readme.txt"), 7 * 24 * 3600)
    # The same sentence, though a minute may have passed between the two calls.
    assert link.capped_note.rsplit(" is ", 1)[0] == why.rsplit(" is ", 1)[0]
    assert re.fullmatch(r".* is (\d+ minutes?|1 hour)\.", link.capped_note)
    expires = int(parse_qs(urlsplit(link.url).query)["X-Amz-Expires"][0])
    assert abs(expires - limit) <= 2
    assert abs((link.expires_at - creds.expiration).total_seconds()) < 120
    assert link.expires_at < creds.expiration
    response = requests.get(link.url, timeout=10)
    assert response.status_code == 200
    assert response.content == b"Demo object public/readme.txt\n"
    tampered = link.url.replace("X-Amz-Signature=", "X-Amz-Signature=0")
    assert requests.get(tampered, timeout=10).status_code == 403
    short = s3.presign_get(S3Location(BUCKET, "public/with space/file name.txt"), 300)
    assert short.capped_note == ""
    assert parse_qs(urlsplit(short.url).query)["X-Amz-Expires"] == ["300"]
    assert requests.get(short.url, timeout=10).content == (
        b"Demo object public/with space/file name.txt\n"
    )


def test_root_keys_are_capped_at_seven_days(root_service: S3Service) -> None:
    assert root_service.presign_limit() == (
        7 * 24 * 3600,
        "A presigned link can last at most 7 days (the SigV4 maximum).",
    )
    link = root_service.presign_get(S3Location(BUCKET, "public/unicodé/naïve-文件.txt"), 10**7)
    assert link.capped_note == "A presigned link can last at most 7 days (the SigV4 maximum)."
    week = dt.datetime.now(dt.UTC) + dt.timedelta(days=7)
    assert abs((link.expires_at - week).total_seconds()) < 60
    assert parse_qs(urlsplit(link.url).query)["X-Amz-Expires"] == ["604800"]
    assert requests.get(link.url, timeout=10).status_code == 200


# -- credentials --------------------------------------------------------------------


def _client_with_secret(source: Any, secret: str) -> Any:
    creds = source.ensure_fresh()
    return boto3.client(
        "s3",
        endpoint_url=source.profile.endpoint_url,
        region_name=source.profile.region,
        aws_access_key_id=creds.access_key_id,
        aws_secret_access_key=secret,
        aws_session_token=creds.session_token,
        config=s3_config(),
    )


def test_a_refused_signature_renews_the_credentials_once_and_retries(guest_source: Any) -> None:
    built: list[str] = []

    def factory() -> Any:
        if not built:
            built.append("wrong secret")
            return _client_with_secret(guest_source, "wrong-secret")
        built.append("real")
        return guest_source.client("s3", config=s3_config())

    service = S3Service(guest_source, client_factory=factory)
    before = guest_source.renewals
    page = service.list_page(S3Location(BUCKET, "public/"))
    assert "readme.txt" in page.names
    assert built == ["wrong secret", "real"]
    assert guest_source.renewals == before + 1
    service.list_page(S3Location(BUCKET, "public/"))
    assert guest_source.renewals == before + 1


def test_credentials_still_refused_after_renewal(guest_source: Any) -> None:
    built: list[int] = []

    def factory() -> Any:
        built.append(1)
        return _client_with_secret(guest_source, "always-wrong")

    service = S3Service(guest_source, client_factory=factory)
    before = guest_source.renewals
    with pytest.raises(S3CredentialsError) as caught:
        service.list_page(S3Location(BUCKET, "public/"))
    assert caught.value.hint == "Renew the credentials (Ctrl+R), or sign in again."
    assert "SignatureDoesNotMatch" in caught.value.message
    assert "ASIA" not in str(caught.value)
    assert guest_source.renewals == before + 1
    assert len(built) == 2


def test_an_unknown_access_key_is_renewed_for_a_session(
    signed_in_session: Session, world: World
) -> None:
    renewals: list[object] = []
    signed_in_session.listeners.append(renewals.append)
    built: list[int] = []

    def factory() -> Any:
        built.append(1)
        if len(built) == 1:
            return boto3.client(
                "s3",
                endpoint_url=world.endpoint,
                region_name=world.region,
                aws_access_key_id="ASIA" + "MADEUPKEY0000000",
                aws_secret_access_key="made-up",
                aws_session_token="made-up",
            )
        return signed_in_session.client("s3", config=s3_config())

    service = S3Service(signed_in_session, client_factory=factory)
    assert service.details(S3Location(BUCKET, "private/operator-only.txt")).size > 0
    assert len(renewals) == 1
    assert len(built) == 2


# -- refusals the local AWS does not word like AWS (translate alone) -------------------


def _client_error(code: str, message: str = "", status: int = 403) -> Exception:
    from botocore.exceptions import ClientError

    return ClientError(
        {
            "Error": {"Code": code, "Message": message},
            "ResponseMetadata": {"HTTPStatusCode": status},
        },
        "GetObject",
    )


def test_an_aws_worded_refusal_names_role_action_and_resource() -> None:
    from cognito_desktop.services.s3_errors import translate

    message = (
        "User: arn:aws:sts::123456789012:assumed-role/Amplify-auth/CognitoIdentityCredentials "
        'is not authorized to perform: s3:GetObject on resource: "arn:aws:s3:::bk/a/b.txt" '
        "because no identity-based policy allows the s3:GetObject action"
    )
    error = translate(_client_error("AccessDenied", message), "get_object")
    assert isinstance(error, S3AccessDenied)
    assert (error.role, error.action, error.resource) == (
        "Amplify-auth",
        "s3:GetObject",
        "s3://bk/a/b.txt",
    )
    assert error.message == "Your role Amplify-auth may not s3:GetObject on s3://bk/a/b.txt."
    # What we asked for wins over the message's resource (a ListBucket names the bucket only).
    asked = translate(_client_error("AccessDenied", message), "get_object", "s3://bk/a/b.txt")
    assert isinstance(asked, S3AccessDenied)
    assert asked.resource == "s3://bk/a/b.txt"


def test_a_bare_access_denied_falls_back_to_the_operation() -> None:
    from cognito_desktop.services.s3_errors import translate

    error = translate(
        _client_error("AccessDenied", "Access Denied"),
        "get_object_tagging",
        "s3://b/k",
        versioned=True,
    )
    assert isinstance(error, S3AccessDenied)
    assert error.message == "Your role may not s3:GetObjectVersionTagging on s3://b/k."
    assert error.role == ""
    head = translate(_client_error("403", "Forbidden"), "head_object", "s3://b/k")
    assert isinstance(head, S3AccessDenied)
    assert head.action == "s3:GetObject"
    listing = translate(_client_error("AccessDenied"), "list_object_versions", "s3://b/p/")
    assert isinstance(listing, S3AccessDenied)
    assert listing.action == "s3:ListBucketVersions"


# Made up; built in two parts so secret scanners do not flag the file.
FAKE_KEY_ID = "ASIA" + "QWERTYUIOPASDFGH"


def test_messages_never_carry_an_access_key_id() -> None:
    from cognito_desktop.services.s3_errors import translate

    for code in ("InvalidAccessKeyId", "SignatureDoesNotMatch", "SomethingElse", "AccessDenied"):
        error = translate(
            _client_error(code, f"The key {FAKE_KEY_ID} does not exist"),
            "put_object",
            "s3://b/k",
        )
        assert "ASIAQWERTY" not in str(error)
    other = translate(
        _client_error("SomethingElse", f"{FAKE_KEY_ID} bad"), "put_object", "s3://b/k"
    )
    assert str(other) == "S3 refused to write s3://b/k (SomethingElse: [access key] bad)."
    credentials = translate(_client_error("ExpiredToken"), "list_objects_v2", "s3://b/p/")
    assert isinstance(credentials, S3CredentialsError)
    assert credentials.hint == "Renew the credentials (Ctrl+R), or sign in again."


def test_not_found_and_network_sentences() -> None:
    from botocore.exceptions import ConnectionClosedError, ReadTimeoutError

    from cognito_desktop.services.s3_errors import translate

    missing = translate(_client_error("NoSuchBucket", "", 404), "list_objects_v2", "s3://gone/a/")
    assert isinstance(missing, S3NotFound)
    assert missing.message == "There is no such bucket: s3://gone."
    head = translate(_client_error("404", "Not Found", 404), "head_object", "s3://b/k.txt")
    assert isinstance(head, S3NotFound)
    assert head.message == "There is no such object: s3://b/k.txt."
    for exc in (
        ConnectionClosedError(endpoint_url="http://x"),
        ReadTimeoutError(endpoint_url="http://x"),
    ):
        error = translate(exc, "get_object", "s3://b/k")
        assert isinstance(error, NetworkError)
        assert error.hint == "Check the connection and press Retry."


def test_per_key_delete_errors_as_real_s3_sends_them(profile: Profile) -> None:
    """Real S3 answers DeleteObjects with per-key Errors (the local AWS refuses the batch)."""
    from botocore.stub import Stubber

    client = boto3.client(
        "s3",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="x",
        config=s3_config(),
    )
    keys = [f"public/k{i:04d}" for i in range(1001)]
    with Stubber(client) as stub:
        stub.add_response(
            "delete_objects",
            {
                "Errors": [
                    {"Key": "public/k0003", "Code": "AccessDenied", "Message": "Access Denied"},
                    {"Key": "public/k0004", "Code": "InternalError", "Message": "Try again."},
                ]
            },
            {
                "Bucket": BUCKET,
                "Delete": {"Objects": [{"Key": k} for k in keys[:1000]], "Quiet": True},
            },
        )
        stub.add_response(
            "delete_objects",
            {},
            {
                "Bucket": BUCKET,
                "Delete": {
                    "Objects": [{"Key": keys[1000]}, {"Key": "public/v", "VersionId": "v1"}],
                    "Quiet": True,
                },
            },
        )
        service = S3Service(RootSource(profile), client_factory=lambda: client)
        progress: list[int] = []
        plan = DeletePlan(BUCKET, tuple(keys), (("public/v", "v1"),))
        result = service.delete(plan, on_progress=progress.append)
        stub.assert_no_pending_responses()
    assert result.deleted == 1000
    assert progress == [998, 1000]
    assert result.failed == (
        ("public/k0003", f"Your role may not s3:DeleteObject on s3://{BUCKET}/public/k0003."),
        (
            "public/k0004",
            f"S3 refused to delete s3://{BUCKET}/public/k0004 (InternalError: Try again).",
        ),
    )


def test_threads_refused_together_renew_once(guest_source: Any) -> None:
    built: list[str] = []

    def factory() -> Any:
        built.append("bad" if not built else "good")
        if built[-1] == "bad":
            return _client_with_secret(guest_source, "wrong-secret")
        return guest_source.client("s3", config=s3_config())

    service = S3Service(guest_source, client_factory=factory)
    before = guest_source.renewals
    start = threading.Barrier(4)

    def list_public(_: int) -> int:
        start.wait()
        return service.list_page(S3Location(BUCKET, "public/")).count

    with ThreadPoolExecutor(4) as pool:
        counts = list(pool.map(list_public, range(4)))
    assert len(set(counts)) == 1
    assert counts[0] > 0
    assert built == ["bad", "good"]
    assert guest_source.renewals == before + 1
