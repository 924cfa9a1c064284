"""The API console's pure half: query table <-> URL, bodies, SigV4 vs botocore, explanations."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Callable
from pathlib import Path
from unittest import mock
from urllib.parse import urlsplit

import pytest
from botocore.auth import S3SigV4Auth, SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from hypothesis import example, given, settings
from hypothesis import strategies as st
from urllib3.util.url import _encode_target

from cognito_desktop.services.api_models import ApiRequest, RequestBody
from cognito_desktop.services.api_signing import (
    REDACTED_TOKEN,
    BodyError,
    PreparedCall,
    QueryPair,
    RequestError,
    build_body,
    explain,
    hide_session_token,
    join_query,
    parse_aws_url,
    prepare,
    resolve_target,
    split_query,
)
from cognito_desktop.services.errors import CognitoDesktopError
from cognito_desktop.services.identity import AwsCredentials

CREDS = AwsCredentials(
    access_key_id="ASIA" + "EXAMPLEKEY000001",
    secret_access_key="wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    session_token="FwoGZXIvYXdzEXAMPLE-session-token//+=",
    expiration=dt.datetime(2030, 1, 1, tzinfo=dt.UTC),
)
WHEN = dt.datetime(2026, 3, 14, 15, 9, 26, tzinfo=dt.UTC)
API = "https://a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"

# -- the query table ------------------------------------------------------------------

# Query text made of characters and whole escapes that trip encoders.
QUERY_TEXT = st.lists(
    st.sampled_from([*"ab=&+%3DF2Z ~/?é文;!", "%3D", "%2F", "%20", "%e2%82%ac", "%zz"]),
    max_size=25,
).map("".join)


@given(
    path=st.sampled_from(["https://h.example/p", "http://127.0.0.1:4566/a/b", "https://h/x%2Fy"]),
    query=st.none() | QUERY_TEXT,
    fragment=st.none() | st.text(max_size=5),
)
@example(path="https://h/p", query="", fragment=None)
@example(path="https://h/p", query="a=%3D&b=x+y&a=1&&flag", fragment="top")
def test_an_unedited_query_round_trips_exactly(
    path: str, query: str | None, fragment: str | None
) -> None:
    url = (
        path + ("" if query is None else "?" + query) + ("" if fragment is None else "#" + fragment)
    )
    assert join_query(*split_query(url)) == url


def test_the_table_shows_decoded_values_in_order_with_repeats() -> None:
    base, pairs = split_query("https://h/p?q=a+b&r=%3D%2F&q=2&flag&e=%E2%82%AC#frag")
    assert base == "https://h/p#frag"
    assert pairs == (("q", "a b"), ("r", "=/"), ("q", "2"), ("flag", ""), ("e", "€"))


def test_a_url_without_query_has_no_rows() -> None:
    assert split_query("https://h/p#a?b") == ("https://h/p#a?b", ())


PAIR_TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",)),
    max_size=12,
)


@given(st.lists(st.tuples(PAIR_TEXT, PAIR_TEXT), max_size=6))
def test_edited_rows_are_encoded_so_they_decode_back(pairs: list[tuple[str, str]]) -> None:
    url = join_query("https://h/p", tuple(pairs))
    query = urlsplit(url).query
    # RFC 3986: only unreserved characters stay raw in a name or value.
    assert re.fullmatch(r"[A-Za-z0-9\-._~%=&]*", query)
    assert split_query(url)[1] == tuple(pairs)


def test_new_rows_use_rfc3986_encoding() -> None:
    assert (
        join_query("https://h/p", (("a b", "x/y=z~é+"),)) == "https://h/p?a%20b=x%2Fy%3Dz~%C3%A9%2B"
    )


def test_editing_one_row_keeps_how_the_others_were_typed() -> None:
    base, pairs = split_query("https://h/p?x=a%3Db&y=c+d&z=1")
    edited = (pairs[0], ("y", "new value"), pairs[2])
    assert join_query(base, edited) == "https://h/p?x=a%3Db&y=new%20value&z=1"


def test_plain_rows_keep_their_spelling_when_the_previous_url_is_given() -> None:
    before = "https://h/p?x=a%3Db&y=c+d&z=1"
    rows = (("z", "1"), ("x", "a=b"), ("w", "+"))  # as a table model rebuilds them
    assert join_query("https://h/p", rows, like=before) == "https://h/p?z=1&x=a%3Db&w=%2B"


def test_a_query_pair_equals_the_plain_tuple() -> None:
    assert QueryPair("a", "b", raw="a=b") == ("a", "b")


# -- where a request goes ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{API}/prod/items", ("execute-api", "eu-west-1")),
        ("https://sts.us-east-1.amazonaws.com/", ("sts", "us-east-1")),
        ("https://bucket.s3.ap-southeast-2.amazonaws.com/key", ("s3", "ap-southeast-2")),
        ("https://s3.dualstack.us-west-2.amazonaws.com/", ("s3", "us-west-2")),
        ("https://sts-fips.us-gov-west-1.amazonaws.com", ("sts", "us-gov-west-1")),
        ("https://abc.execute-api.cn-north-1.amazonaws.com.cn/x", ("execute-api", "cn-north-1")),
        (
            "https://vpce-0a1-b2.execute-api.us-east-1.vpce.amazonaws.com/prod",
            ("execute-api", "us-east-1"),
        ),
        ("https://ABC.Execute-Api.EU-WEST-3.amazonaws.com:443/x", ("execute-api", "eu-west-3")),
        ("abc.execute-api.eu-west-1.amazonaws.com/prod", ("execute-api", "eu-west-1")),
        ("http://127.0.0.1:4566/_aws/execute-api/abc/demo/items", None),
        ("https://iam.amazonaws.com/", None),
        ("https://example.com/amazonaws.com/us-east-1", None),
        ("https://evil.us-east-1.amazonaws.com.example.org/", None),
        ("not a url", None),
    ],
)
def test_parse_aws_url(url: str, expected: tuple[str, str] | None) -> None:
    assert parse_aws_url(url) == expected


def test_the_region_comes_from_the_request_then_the_url_then_the_profile() -> None:
    local = "http://127.0.0.1:4566/_aws/execute-api/abc/demo/items"
    assert resolve_target(ApiRequest(url=local), "us-east-1") == ("execute-api", "us-east-1")
    assert resolve_target(ApiRequest(url=f"{API}/x"), "us-east-1") == ("execute-api", "eu-west-1")
    assert resolve_target(ApiRequest(url=f"{API}/x", region="eu-north-1"), "us-east-1") == (
        "execute-api",
        "eu-north-1",
    )
    sts = ApiRequest(url="https://sts.us-east-2.amazonaws.com/", service="")
    assert resolve_target(sts, "") == ("sts", "us-east-2")


# -- bodies -------------------------------------------------------------------------------


def test_an_invalid_json_body_names_line_column_and_problem() -> None:
    text = '{\n  "a": 1,\n  "b" 2\n}'
    with pytest.raises(BodyError) as caught:
        build_body(RequestBody(kind="json", text=text))
    assert (caught.value.line, caught.value.column) == (3, 7)
    assert "line 3, column 7" in str(caught.value)
    assert "colon" in str(caught.value)
    assert isinstance(caught.value, ValueError)
    assert isinstance(caught.value, CognitoDesktopError)  # the UI shows it as it is


def test_a_trailing_comma_in_json_is_pointed_at() -> None:
    with pytest.raises(BodyError, match=r"line 1, column 9: a name in double quotes"):
        build_body(RequestBody(kind="json", text='{"a": 1,}'))


def test_nan_is_not_json_even_though_python_reads_it() -> None:
    with pytest.raises(BodyError, match=r"line 2, column 7: NaN is not a JSON value") as caught:
        build_body(RequestBody(kind="json", text='{"s": "NaN",\n "n": NaN}'))
    assert caught.value.line == 2


def test_an_empty_json_body_is_refused() -> None:
    with pytest.raises(BodyError, match="empty"):
        build_body(RequestBody(kind="json", text="  "))


def test_a_json_body_is_sent_as_typed() -> None:
    text = '{ "b": 1,  "a": [1, 2.50] }'
    assert build_body(RequestBody(kind="json", text=text)) == (text.encode(), "application/json")


def test_form_raw_and_none_bodies() -> None:
    form = RequestBody(kind="form", form=(("a b", "c&d"), ("a b", "é")))
    assert build_body(form) == (b"a+b=c%26d&a+b=%C3%A9", "application/x-www-form-urlencoded")
    assert build_body(RequestBody(kind="raw", text="héllo")) == (
        "héllo".encode(),
        "text/plain; charset=utf-8",
    )
    assert build_body(RequestBody(kind="raw", text="<a/>", content_type="application/xml"))[1] == (
        "application/xml"
    )
    assert build_body(RequestBody()) == (b"", None)


def test_a_file_body_is_read_whole_with_a_guessed_type(tmp_path: Path) -> None:
    data = bytes(range(256)) * 10
    (tmp_path / "blob.png").write_bytes(data)
    assert build_body(RequestBody(kind="file", file_path=str(tmp_path / "blob.png"))) == (
        data,
        "image/png",
    )
    (tmp_path / "blob").write_bytes(data)
    assert build_body(RequestBody(kind="file", file_path=str(tmp_path / "blob")))[1] == (
        "application/octet-stream"
    )


def test_a_missing_file_body_says_which_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(BodyError, match=rf"The body file {re.escape(str(missing))} does not exist"):
        build_body(RequestBody(kind="file", file_path=str(missing)))
    with pytest.raises(BodyError, match="is a folder"):
        build_body(RequestBody(kind="file", file_path=str(tmp_path)))
    with pytest.raises(BodyError, match="Choose the file"):
        build_body(RequestBody(kind="file"))


# -- prepare ---------------------------------------------------------------------------


def _prepare(request: ApiRequest, region: str = "us-east-1") -> PreparedCall:
    return prepare(request, CREDS, region, now=WHEN)


def test_escapes_typed_in_the_path_are_sent_as_typed_never_twice() -> None:
    call = _prepare(ApiRequest(url=f"{API}/prod/files/a%3Db%2fc d/ü%7E?q=x%3Dy"))
    assert call.request.url == f"{API}/prod/files/a%3Db%2Fc%20d/%C3%BC%7E?q=x%3Dy"
    # ...and SigV4 (not S3) encodes each segment once more in the canonical URI.
    assert (
        call.canonical_request.split("\n")[1] == "/prod/files/a%253Db%252Fc%2520d/%25C3%25BC%257E"
    )


@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30))
@example("/100%/a%20b")
@example("/a%zz/%41")
def test_the_signed_path_is_the_path_urllib3_puts_on_the_wire(path: str) -> None:
    # urllib3 re-encodes a request target it finds invalid (and upper-cases
    # escapes); ours must already be its fixed point or the signature breaks.
    call = _prepare(ApiRequest(url=f"{API}/{path.replace('?', '').replace('#', '')}"))
    target = str(call.request.path_url)
    assert _encode_target(target) == target


def test_the_query_is_sent_in_its_canonical_spelling_in_typed_order() -> None:
    call = _prepare(ApiRequest(url=f"{API}/prod/items?b=a+b&a=%3d&flag&&c=x/y"))
    assert urlsplit(call.request.url).query == "b=a%20b&a=%3D&flag&c=x%2Fy"
    assert call.canonical_request.split("\n")[2] == "a=%3D&b=a%20b&c=x%2Fy&flag="


def test_typed_headers_are_kept_and_the_signers_own_are_replaced() -> None:
    request = ApiRequest(
        method="post",
        url=f"{API}/prod/items",
        headers=(
            ("X-Trace", " one "),
            ("x-trace", "two"),
            ("Authorization", "Bearer typed"),
            ("X-Amz-Date", "20000101T000000Z"),
            ("Content-Type", "application/vnd.demo+json"),
        ),
        body=RequestBody(kind="json", text="{}"),
    )
    headers = _prepare(request).request.headers
    assert headers["X-Trace"] == "one, two"
    assert headers["Content-Type"] == "application/vnd.demo+json"
    assert headers["X-Amz-Date"] == "20260314T150926Z"
    assert headers["Authorization"].startswith(
        "AWS4-HMAC-SHA256 Credential=ASIA" + "EXAMPLEKEY000001/"
    )
    assert headers["Host"] == "a1b2c3d4e5.execute-api.eu-west-1.amazonaws.com"
    assert headers["x-amz-security-token"] == CREDS.session_token


def test_the_host_header_carries_a_non_default_port() -> None:
    call = _prepare(ApiRequest(url="http://127.0.0.1:4566/_aws/execute-api/abc/demo/items"))
    assert call.request.headers["Host"] == "127.0.0.1:4566"
    assert "host:127.0.0.1:4566\n" in call.canonical_request
    assert "/us-east-1/execute-api/aws4_request" in call.request.headers["Authorization"]


def test_an_unsigned_request_carries_no_signature_and_keeps_every_header() -> None:
    call = prepare(
        ApiRequest(url=f"{API}/prod/open", signed=False, headers=(("Authorization", "Bearer x"),)),
        None,
        "us-east-1",
    )
    assert call.canonical_request == ""
    assert call.request.headers["Authorization"] == "Bearer x"
    assert "x-amz-date" not in call.request.headers


def test_the_session_token_never_shows_in_the_canonical_request() -> None:
    call = _prepare(ApiRequest(url=f"{API}/prod/items"))
    assert CREDS.session_token not in call.canonical_request
    assert f"x-amz-security-token:{REDACTED_TOKEN}" in call.canonical_request


@pytest.mark.parametrize(
    ("request_", "message"),
    [
        (ApiRequest(url="ftp://h/x"), "must start with http:// or https://"),
        (ApiRequest(url="https:///x"), "name a host"),
        (ApiRequest(url="https://h:99999/x"), "must start with http"),
        (ApiRequest(method="GE T", url="https://h/"), "not an HTTP method"),
        (ApiRequest(url="https://h/", headers=(("Bad Name", "v"),)), "header name 'Bad Name'"),
        (ApiRequest(url="https://h/", headers=(("X-A", "v\r\nX-B: w"),)), "line break"),
        (ApiRequest(url="http://127.0.0.1/x"), "No region"),
    ],
)
def test_a_request_that_cannot_be_sent_says_why(request_: ApiRequest, message: str) -> None:
    with pytest.raises(RequestError, match=message) as caught:
        prepare(request_, CREDS, "", now=WHEN)
    for secret in (CREDS.secret_access_key, CREDS.session_token):
        assert secret not in str(caught.value)


def test_signing_without_credentials_is_refused() -> None:
    with pytest.raises(RequestError, match="Signing needs AWS credentials"):
        prepare(ApiRequest(url=f"{API}/prod/items"), None, "us-east-1")


# -- agreement with botocore -----------------------------------------------------------------


def _botocore_sign(call: PreparedCall, service: str = "execute-api") -> tuple[str, str, str]:
    """botocore's (canonical request, signature, body hash) for the request ``call`` sends.

    botocore is given the same URL, body and signed headers, and the query as
    decoded pairs, so it encodes the query itself.
    """
    ours = call.request
    signed = re.search(r"SignedHeaders=([^,]+)", ours.headers["Authorization"])
    assert signed is not None
    names = set(signed.group(1).split(";")) - {"x-amz-date", "x-amz-security-token"}
    headers = {name: ours.headers[name] for name in names}
    body = ours.body if isinstance(ours.body, bytes) else b""
    url = str(ours.url)
    aws_request = AWSRequest(
        method=ours.method,
        url=url.split("?")[0],
        headers=headers,
        data=body,
        params=list(split_query(url)[1]),
    )
    credentials = Credentials(CREDS.access_key_id, CREDS.secret_access_key, CREDS.session_token)
    auth = (S3SigV4Auth if service == "s3" else SigV4Auth)(credentials, service, call.region)
    signed_canonical: list[str] = []
    compute = auth.canonical_request

    def capture(request: AWSRequest) -> str:
        signed_canonical.append(compute(request))
        return signed_canonical[-1]

    auth.canonical_request = capture
    with mock.patch("botocore.auth.get_current_datetime", return_value=WHEN.replace(tzinfo=None)):
        auth.add_auth(aws_request)
    (canonical,) = signed_canonical
    signature = aws_request.headers["Authorization"].rsplit("Signature=", 1)[1]
    del aws_request.headers["X-Amz-Content-SHA256"]
    return hide_session_token(canonical), signature, auth.payload(aws_request)


@pytest.fixture
def binary_file(tmp_path: Path) -> Path:
    path = tmp_path / "payload.bin"
    path.write_bytes(bytes(range(256)) + b"\x00\xff" * 100)
    return path


AGREEMENT_CASES = {
    "plain GET": ApiRequest(url=f"{API}/prod/items"),
    "spaces in the path": ApiRequest(url=f"{API}/prod/files/my report 2026.txt"),
    "unicode in the path": ApiRequest(url=f"{API}/prod/files/naïve-文件.txt"),
    "encoded slash": ApiRequest(url=f"{API}/prod/echo/a%2Fb/c"),
    "encoded equals": ApiRequest(url=f"{API}/prod/files/a%3Db"),
    "trailing slash": ApiRequest(url=f"{API}/prod/items/"),
    "dot segments and double slash": ApiRequest(url=f"{API}/prod/./a/../items//x"),
    "repeated unsorted query keys": ApiRequest(
        url=f"{API}/prod/items?b=2&a=1&a=0&A=9&a-b=x&a=&flag&z=%3D&sp=a+b&u=é&s=/?"
    ),
    "empty POST body": ApiRequest(method="POST", url=f"{API}/prod/items"),
    "form body": ApiRequest(
        method="POST",
        url=f"{API}/prod/items",
        body=RequestBody(kind="form", form=(("name", "A & B"), ("n", "1"))),
    ),
    "json body and spaced headers": ApiRequest(
        method="PUT",
        url=f"{API}/prod/items/7",
        headers=(("X-Amz-Meta-Note", "  two   spaces  'and  a quote "), ("X-Other", "x")),
        body=RequestBody(kind="json", text='{"a": [1, 2]}'),
    ),
    "region and service typed": ApiRequest(
        url="http://127.0.0.1:4566/_aws/execute-api/abc/demo/items", region="eu-central-1"
    ),
}


@pytest.mark.parametrize("name", list(AGREEMENT_CASES))
def test_the_signature_agrees_with_botocore(name: str) -> None:
    call = _prepare(AGREEMENT_CASES[name])
    canonical, signature, body_hash = _botocore_sign(call)
    assert call.canonical_request == canonical
    assert call.request.headers["Authorization"].endswith(f"Signature={signature}")
    assert call.request.headers["x-amz-content-sha256"] == body_hash


def test_a_binary_file_body_signature_agrees_with_botocore(binary_file: Path) -> None:
    request = ApiRequest(
        method="POST",
        url=f"{API}/prod/upload",
        body=RequestBody(kind="file", file_path=str(binary_file)),
    )
    call = _prepare(request)
    canonical, signature, body_hash = _botocore_sign(call)
    assert call.request.body == binary_file.read_bytes()
    assert body_hash == hashlib.sha256(binary_file.read_bytes()).hexdigest()
    assert call.canonical_request == canonical
    assert call.request.headers["Authorization"].endswith(f"Signature={signature}")


def test_s3_signs_the_path_as_sent_like_botocore() -> None:
    request = ApiRequest(
        url="https://bucket.s3.eu-west-1.amazonaws.com/public/a%20b/%C3%A9+x.txt", service="s3"
    )
    call = _prepare(request)
    canonical, signature, _ = _botocore_sign(call, service="s3")
    assert call.canonical_request.split("\n")[1] == "/public/a%20b/%C3%A9+x.txt"
    assert call.canonical_request == canonical
    assert call.request.headers["Authorization"].endswith(f"Signature={signature}")


SEGMENT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="?#/\\"),
    min_size=1,
    max_size=8,
)


@settings(max_examples=150, deadline=None)
@given(
    segments=st.lists(SEGMENT, min_size=1, max_size=4),
    query=st.lists(st.tuples(SEGMENT, SEGMENT | st.just("")), max_size=4),
)
def test_random_paths_and_queries_sign_like_botocore(
    segments: list[str], query: list[tuple[str, str]]
) -> None:
    url = join_query(f"{API}/prod/" + "/".join(segments), tuple(query))
    call = _prepare(ApiRequest(url=url))
    canonical, signature, _ = _botocore_sign(call)
    assert call.canonical_request == canonical
    assert call.request.headers["Authorization"].endswith(f"Signature={signature}")


# -- explanations ----------------------------------------------------------------------


def _explain(
    status: int,
    body: dict[str, str],
    request: ApiRequest | None = None,
    error_type: str = "",
    canonical: str = "",
    role: str | None = None,
) -> str:
    headers = (("x-amzn-ErrorType", error_type),) if error_type else ()
    return explain(
        status,
        headers,
        json.dumps(body).encode(),
        request or ApiRequest(url=f"{API}/prod/items"),
        canonical,
        role,
    )


def test_missing_token_on_an_unsigned_request_says_sign_it() -> None:
    text = _explain(
        403,
        {"message": "Missing Authentication Token"},
        ApiRequest(url=f"{API}/prod/items", signed=False),
        "MissingAuthenticationTokenException",
    )
    assert "unsigned" in text
    assert "sign the request" in text


def test_missing_token_on_a_signed_request_blames_the_path_or_method() -> None:
    text = _explain(
        403,
        {"message": "Missing Authentication Token"},
        ApiRequest(method="DELETE", url=f"{API}/prod/items"),
    )
    assert "DELETE /prod/items does not exist" in text
    assert "stage" in text


def test_an_expired_token_says_renew() -> None:
    text = _explain(403, {"message": "The security token included in the request is expired"})
    assert "expired" in text
    assert "Renew" in text


def test_a_signature_mismatch_talks_about_canonicalisation_without_secrets() -> None:
    call = _prepare(ApiRequest(url=f"{API}/prod/items"))
    text = _explain(
        403,
        {"message": "The request signature we calculated does not match the one you provided."},
        error_type="InvalidSignatureException",
        canonical=call.canonical_request,
    )
    assert "canonicalised" in text
    assert "secret key" in text
    for secret in (CREDS.secret_access_key, CREDS.session_token):
        assert secret not in text


def test_a_signature_mismatch_names_the_part_aws_canonicalised_differently() -> None:
    call = _prepare(ApiRequest(url=f"{API}/prod/files/a%3Db"))
    server = call.canonical_request.replace("/prod/files/a%253Db", "/prod/files/a%3Db").replace(
        REDACTED_TOKEN, CREDS.session_token
    )
    message = (
        "The request signature we calculated does not match the signature you provided. Check "
        "your AWS Secret Access Key and signing method.\n\nThe Canonical String for this "
        f"request should have been\n'{server}'\n\nThe String-to-Sign should have been\n'AWS4'\n"
    )
    text = _explain(403, {"message": message}, canonical=call.canonical_request)
    assert "The path differs" in text
    assert "'/prod/files/a%253Db'" in text
    assert "'/prod/files/a%3Db'" in text
    assert CREDS.session_token not in text


@pytest.mark.parametrize(
    ("tamper", "said"),
    [
        (lambda c: c.replace("a=1&b=2", "a=1"), "The query differs: it was signed as 'a=1&b=2'"),
        (lambda c: c.replace("x-amz-date:2026", "x-amz-date:2025"), "header(s) x-amz-date differs"),
        (lambda c: c[:-64] + "0" * 64, "The body's hash differs"),
    ],
)
def test_a_signature_mismatch_names_the_query_header_or_body_that_differs(
    tamper: Callable[[str], str], said: str
) -> None:
    call = _prepare(ApiRequest(url=f"{API}/prod/items?b=2&a=1"))
    server = tamper(call.canonical_request)
    message = (
        "The request signature we calculated does not match the signature you provided.\n\n"
        f"The Canonical String for this request should have been\n'{server}'"
        "\n\nThe String-to-Sign should have been\n'x'\n"
    )
    assert said in _explain(403, {"message": message}, canonical=call.canonical_request)


def test_a_signature_mismatch_over_the_same_canonical_request_blames_the_key() -> None:
    call = _prepare(ApiRequest(url=f"{API}/prod/items"))
    message = (
        "The request signature we calculated does not match the signature you provided.\n\n"
        f"The Canonical String for this request should have been\n'{call.canonical_request}'"
        "\n\nThe String-to-Sign should have been\n'x'\n"
    )
    text = _explain(403, {"message": message}, canonical=call.canonical_request)
    assert "exactly as it was signed" in text
    assert "secret key does not belong" in text


def test_access_denied_names_role_action_and_resource_from_the_body() -> None:
    message = (
        "User: arn:aws:sts::123456789012:assumed-role/Cognito_DemoUnauth_Role/CognitoIdentity"
        "Credentials is not authorized to perform: execute-api:Invoke on resource: "
        "arn:aws:execute-api:eu-west-1:********9012:a1b2c3d4e5/prod/GET/items"
    )
    text = _explain(403, {"Message": message}, error_type="AccessDeniedException")
    assert text.startswith("The role Cognito_DemoUnauth_Role may not call execute-api:Invoke on ")
    assert "arn:aws:execute-api:eu-west-1:********9012:a1b2c3d4e5/prod/GET/items." in text
    assert "unauthenticated role" in text


def test_access_denied_without_a_resource_names_the_method_and_the_known_role() -> None:
    text = _explain(
        403,
        {"Message": "User is not authorized to access this resource"},
        role="arn:aws:sts::1:assumed-role/ops-role/CognitoIdentityCredentials",
    )
    assert text.startswith("The role ops-role may not call execute-api:Invoke on GET /prod/items.")


@pytest.mark.parametrize("status", [200, 204, 400, 404, 500, 502])
def test_other_statuses_need_no_explanation(status: int) -> None:
    assert _explain(status, {"message": "Missing Authentication Token"}) == ""


def test_an_unknown_403_gets_no_invented_explanation() -> None:
    assert _explain(403, {"message": "Forbidden by WAF"}) == ""
