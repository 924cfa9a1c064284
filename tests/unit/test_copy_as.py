"""Copy as curl / Python: exactly the request, quoted safely, with credentials only as $VARS."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
import types
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import requests
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from cognito_desktop.services.api_history import is_secret_header, sanitize
from cognito_desktop.services.api_models import ApiRequest, RequestBody
from cognito_desktop.services.copy_as import CopyAsError, as_curl, as_python
from tests.awkward import AWKWARD

FAST = settings(max_examples=60, deadline=None, database=None)

JWT = (
    "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0"
    ".eyJzdWIiOiJ1c2VyLTEyMyIsInRva2VuX3VzZSI6ImlkIn0"
    ".c2lnbmF0dXJlLXBhcnQtb2YtdGhlLWp3dC10b2tlbg"
)
SESSION_TOKEN = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+" + "Zm9vYmFy" * 40
SIGNATURE = "5d672d79c15b13162d9279b0855cfba6789a8edb4c82c400e06b5924a6f2b5d7"
API_KEY = "k3yValueForTheApiGateway01"
# What the shell (or os.environ) hands over in the tests: fake, but shaped like the real ones.
ENV = {
    "AWS_ACCESS_KEY_ID": "ASIA" + "QEXAMPLEKEYID7Q2",
    "AWS_SECRET_ACCESS_KEY": "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
    "AWS_SESSION_TOKEN": SESSION_TOKEN,
}
BASH = shutil.which("bash")
REGION, SERVICE = "eu-west-1", "execute-api"
URL = "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items?x=%3D&y=a+b"


def shell_words(command: str) -> list[str]:
    """The argv a POSIX shell would build, by shlex. A line continuation comes out of shlex
    as a lone newline word, so lone newlines are dropped (from the expectation too)."""
    return [word for word in shlex.split(command, comments=True) if word != "\n"]


def bash_argv(command: str, cwd: Path | None = None) -> list[str]:
    """The argv curl would really receive from bash, credentials expanded from ENV."""
    assert BASH, "bash is needed to check the shell quoting for real"
    script = 'curl() { printf "%s\\0" curl "$@"; }\n' + command
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **ENV}
    done = subprocess.run(
        [BASH, "--norc", "--noprofile", "-c", script],
        env=env,
        cwd=cwd,
        capture_output=True,
        check=True,
        timeout=20,
    )
    return done.stdout.decode("utf-8").split("\0")[:-1]


def expected_curl(
    request: ApiRequest, data: list[str], content_type: str | None, signed: bool = True
) -> list[str]:
    argv = ["curl", "--globoff", "-X", request.method, request.url]
    if signed:
        argv += [
            "--aws-sigv4",
            f"aws:amz:{REGION}:{SERVICE}",
            "--user",
            "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY",
            "-H",
            "x-amz-security-token: $AWS_SESSION_TOKEN",
        ]
    for name, value in request.headers:
        argv += ["-H", f"{name}: {value}" if value else f"{name};"]
    if content_type:
        argv += ["-H", f"Content-Type: {content_type}"]
    return [*argv, *data, "--max-time", f"{request.timeout:g}"]


def expanded(argv: list[str]) -> list[str]:
    out = []
    for word in argv:
        for name, value in ENV.items():
            word = word.replace(f"${name}", value)
        out.append(word)
    return out


# -- curl -----------------------------------------------------------------------------------


JSON_POST = ApiRequest(
    method="POST",
    url=URL,
    headers=(("Accept", "application/json"), ("X-Note", 'it\'s "quoted" $HOME `id` $(id)')),
    body=RequestBody(kind="json", text='{\n  "name": "Zoë 🚀",\n  "q": "\'\\"\'"\n}'),
)


def test_curl_parses_back_to_exactly_the_request() -> None:
    command = as_curl(JSON_POST, REGION, SERVICE)
    assert shell_words(command) == expected_curl(
        JSON_POST, ["--data-binary", JSON_POST.body.text], "application/json"
    )


def test_curl_in_a_real_shell_expands_only_the_credentials() -> None:
    command = as_curl(JSON_POST, REGION, SERVICE)
    expected = expected_curl(JSON_POST, ["--data-binary", JSON_POST.body.text], "application/json")
    assert bash_argv(command) == expanded(expected)
    # The credentials are references, never values.
    assert "$AWS_SECRET_ACCESS_KEY" in command
    for value in ENV.values():
        assert value not in command


def test_curl_starts_with_a_hint_on_filling_the_variables() -> None:
    first = as_curl(JSON_POST, REGION, SERVICE).splitlines()[0]
    assert first.startswith("# ")
    assert "export AWS_ACCESS_KEY_ID=" in first


def test_an_unsigned_curl_has_no_signing_options() -> None:
    request = ApiRequest(url="http://127.0.0.1:4566/open", signed=False)
    command = as_curl(request, "", "")
    assert shell_words(command) == expected_curl(request, [], None, signed=False)
    assert "AWS_" not in command


def test_curl_copies_no_signing_header_or_token() -> None:
    request = ApiRequest(
        url=f"https://b.s3.amazonaws.com/k?X-Amz-Signature={SIGNATURE}&X-Amz-Security-Token=t1"
        f"&page=2&jwt={JWT}",
        headers=(
            ("Authorization", f"AWS4-HMAC-SHA256 Credential=x, Signature={SIGNATURE}"),
            ("X-Amz-Security-Token", SESSION_TOKEN),
            ("X-Amz-Date", "20240101T000000Z"),
            ("X-Api-Key", API_KEY),
            ("X-Identity", f"Bearer {JWT}"),
        ),
    )
    command = as_curl(request, REGION, "s3")
    for secret in (SIGNATURE, SESSION_TOKEN, JWT, API_KEY, "t1"):
        assert secret not in command
    words = shell_words(command)
    assert "https://b.s3.amazonaws.com/k?page=2&jwt=[redacted]" in words
    assert "X-Identity: Bearer [redacted]" in words
    # The one secret header signing cannot re-create is named, so the operator can add it;
    # the presigned URL's signature is replaced by signing, so it is not.
    assert "# Left out because they hold secrets: X-Api-Key (header). Add" in command


def test_secret_query_parameters_that_signing_cannot_replace_are_named() -> None:
    request = ApiRequest(url=f"https://x.example/a?access_token=t1&X-Amz-Signature={SIGNATURE}")
    signed = as_curl(request, REGION, SERVICE)
    assert "Left out because they hold secrets: access_token (query). Add" in signed
    unsigned = as_python(replace(request, signed=False), "", "")
    assert "Left out because they hold secrets: access_token (query), X-Amz-Signature (query)." in (
        unsigned
    )


def test_an_unsigned_request_names_its_authorization_header_as_left_out() -> None:
    request = ApiRequest(
        url="https://x.example/", headers=(("Authorization", f"Bearer {JWT}"),), signed=False
    )
    assert "Left out because they hold secrets: Authorization (header)." in as_curl(request, "", "")


def test_a_hostile_header_name_cannot_escape_the_comment(tmp_path: Path) -> None:
    request = ApiRequest(url="https://x.example/", headers=(("X-Token\ntouch PWNED\n#", "v"),))
    command = as_curl(request, REGION, SERVICE)
    argv = bash_argv(command, cwd=tmp_path)
    assert not (tmp_path / "PWNED").exists()
    assert argv[0] == "curl"
    assert "X-Token?touch PWNED?#" in command.splitlines()[1]


def test_a_form_body_is_encoded_as_requests_would_send_it() -> None:
    form = (("a b", "c&d=e"), ("ünï", "🚀"), ("a b", "again"), ("empty", ""))
    request = ApiRequest(method="POST", url=URL, body=RequestBody(kind="form", form=form))
    prepared = requests.Request("POST", URL, data=list(form)).prepare()
    assert isinstance(prepared.body, str)
    assert shell_words(as_curl(request, REGION, SERVICE)) == expected_curl(
        request, ["--data-binary", prepared.body], "application/x-www-form-urlencoded"
    )


def test_a_file_body_is_read_by_curl_from_its_path() -> None:
    path = "/tmp/it's a file $HOME.bin"
    request = ApiRequest(method="PUT", url=URL, body=RequestBody(kind="file", file_path=path))
    assert shell_words(as_curl(request, REGION, SERVICE)) == expected_curl(
        request, ["--data-binary", "@" + path], "application/octet-stream"
    )


@pytest.mark.parametrize(
    ("typed", "path", "content_type"),
    [
        ("  /data/report.csv ", "/data/report.csv", "text/csv"),
        ("~/dump.json", os.path.expanduser("~/dump.json"), "application/json"),
        ("/data/blob", "/data/blob", "application/octet-stream"),
    ],
)
def test_a_file_body_is_named_and_typed_as_the_sender_does(
    typed: str, path: str, content_type: str
) -> None:
    # api_signing.build_body trims the path, expands ~ and guesses the type from the name.
    request = ApiRequest(method="PUT", url=URL, body=RequestBody(kind="file", file_path=typed))
    assert shell_words(as_curl(request, REGION, SERVICE)) == expected_curl(
        request, ["--data-binary", "@" + path], content_type
    )
    snippet = as_python(request, REGION, SERVICE)
    assert f"data=Path({path!r}).read_bytes()" in snippet
    assert f"'Content-Type': {content_type!r}" in snippet


def test_a_raw_body_uses_its_own_content_type_and_a_header_beats_both() -> None:
    raw = ApiRequest(
        method="POST", url=URL, body=RequestBody(kind="raw", text="x", content_type="text/csv")
    )
    assert "Content-Type: text/csv" in shell_words(as_curl(raw, REGION, SERVICE))
    plain = ApiRequest(method="POST", url=URL, body=RequestBody(kind="raw", text="x"))
    assert "Content-Type: text/plain; charset=utf-8" in shell_words(as_curl(plain, REGION, SERVICE))
    own = ApiRequest(
        method="POST",
        url=URL,
        headers=(("content-type", "application/x-ndjson"),),
        body=RequestBody(kind="json", text="{}"),
    )
    words = shell_words(as_curl(own, REGION, SERVICE))
    assert [w for w in words if w.lower().startswith("content-type")] == [
        "content-type: application/x-ndjson"
    ]


def test_an_empty_header_value_is_sent_empty_rather_than_removed() -> None:
    request = ApiRequest(url=URL, headers=(("X-Empty", ""),))
    assert "X-Empty;" in shell_words(as_curl(request, REGION, SERVICE))


def test_head_without_a_body_uses_curls_head_option() -> None:
    words = shell_words(as_curl(ApiRequest(method="HEAD", url=URL), REGION, SERVICE))
    assert words[:4] == ["curl", "--globoff", "--head", URL]
    assert "-X" not in words


def test_a_signed_copy_needs_a_usable_region_and_service() -> None:
    with pytest.raises(CopyAsError, match="region"):
        as_curl(JSON_POST, "", SERVICE)
    with pytest.raises(CopyAsError, match="service"):
        as_python(JSON_POST, REGION, "execute api:x")


def test_a_nul_character_is_refused_by_curl_and_kept_by_python() -> None:
    request = ApiRequest(method="POST", url=URL, body=RequestBody(kind="raw", text="a\x00b"))
    with pytest.raises(CopyAsError, match="NUL"):
        as_curl(request, REGION, SERVICE)
    with fake_requests() as fake:
        run(as_python(request, REGION, SERVICE))
    assert fake.calls[0][2]["data"] == b"a\x00b"


# -- python -----------------------------------------------------------------------------------


class FakeRequests(types.ModuleType):
    """Stands in for the requests module: records each call instead of sending."""

    def __init__(self) -> None:
        super().__init__("requests")
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        self.calls.append((method, url, kwargs))
        return types.SimpleNamespace(status_code=200, reason="OK", text="{}")


class FakeAWS4Auth:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs


@contextmanager
def fake_requests(with_aws4auth: bool = True) -> Iterator[FakeRequests]:
    fake = FakeRequests()
    aws4auth: types.ModuleType | None = None
    if with_aws4auth:
        aws4auth = types.ModuleType("requests_aws4auth")
        aws4auth.AWS4Auth = FakeAWS4Auth  # type: ignore[attr-defined]
    # None in sys.modules makes an import fail: proof that an unsigned snippet needs none.
    modules = {"requests": fake, "requests_aws4auth": aws4auth}
    with mock.patch.dict(sys.modules, modules), mock.patch.dict(os.environ, ENV):
        yield fake


def run(snippet: str) -> None:
    exec(compile(snippet, "<copied snippet>", "exec"), {"__name__": "__main__"})  # noqa: S102


def test_the_python_snippet_sends_the_request_signed_with_the_environment(
    capsys: pytest.CaptureFixture[str],
) -> None:
    snippet = as_python(JSON_POST, REGION, SERVICE)
    with fake_requests() as fake:
        run(snippet)
    [(method, url, kwargs)] = fake.calls
    assert (method, url) == ("POST", URL)
    assert kwargs["headers"] == {**dict(JSON_POST.headers), "Content-Type": "application/json"}
    assert kwargs["data"] == JSON_POST.body.text.encode("utf-8")
    assert kwargs["timeout"] == 30.0
    auth = kwargs["auth"]
    assert isinstance(auth, FakeAWS4Auth)
    assert auth.args == (ENV["AWS_ACCESS_KEY_ID"], ENV["AWS_SECRET_ACCESS_KEY"], REGION, SERVICE)
    assert auth.kwargs == {"session_token": ENV["AWS_SESSION_TOKEN"]}
    assert capsys.readouterr().out == "200 OK\n{}\n"
    for value in ENV.values():
        assert value not in snippet
    assert 'os.environ["AWS_SECRET_ACCESS_KEY"]' in snippet


def test_an_unsigned_python_snippet_needs_no_aws4auth() -> None:
    request = ApiRequest(url=URL, signed=False)
    snippet = as_python(request, "", "")
    with fake_requests(with_aws4auth=False) as fake:
        run(snippet)
    [(method, url, kwargs)] = fake.calls
    assert (method, url) == ("GET", URL)
    assert "auth" not in kwargs
    assert "os.environ" not in snippet


def test_the_python_snippet_sends_a_form_as_the_curl_command_does() -> None:
    form = (("a b", "c&d=e"), ("ünï", "🚀"))
    request = ApiRequest(method="POST", url=URL, body=RequestBody(kind="form", form=form))
    with fake_requests() as fake:
        run(as_python(request, REGION, SERVICE))
    data = fake.calls[0][2]["data"]
    assert data == list(form)
    sent = requests.Request("POST", URL, data=data).prepare().body
    curl_words = shell_words(as_curl(request, REGION, SERVICE))
    assert curl_words[curl_words.index("--data-binary") + 1] == sent


def test_the_python_snippet_reads_a_file_body(tmp_path: Path) -> None:
    path = tmp_path / 'it\'s a "file" $x.bin'
    path.write_bytes(b"\x00\x01binary\xff")
    request = ApiRequest(method="PUT", url=URL, body=RequestBody(kind="file", file_path=str(path)))
    with fake_requests() as fake:
        run(as_python(request, REGION, SERVICE))
    kwargs = fake.calls[0][2]
    assert kwargs["data"] == b"\x00\x01binary\xff"
    assert kwargs["headers"] == {"Content-Type": "application/octet-stream"}


def test_repeated_headers_are_joined_for_requests() -> None:
    request = ApiRequest(url=URL, headers=(("X-A", "1"), ("x-a", "2"), ("B", "3")))
    with fake_requests() as fake:
        run(as_python(request, REGION, SERVICE))
    assert fake.calls[0][2]["headers"] == {"X-A": "1, 2", "B": "3"}


def test_the_python_snippet_copies_no_token() -> None:
    request = ApiRequest(
        url=f"https://x.example/a?X-Amz-Signature={SIGNATURE}&ok=1",
        headers=(("X-Amz-Security-Token", SESSION_TOKEN), ("X-Id", JWT), ("X-Api-Key", API_KEY)),
        body=RequestBody(kind="json", text=f'{{"idToken": "{JWT}"}}'),
    )
    snippet = as_python(request, REGION, SERVICE)
    for secret in (SIGNATURE, SESSION_TOKEN, JWT, API_KEY):
        assert secret not in snippet
    with fake_requests() as fake:
        run(snippet)
    _, url, kwargs = fake.calls[0]
    assert url == "https://x.example/a?ok=1"
    assert kwargs["headers"]["X-Id"] == "[redacted]"


def test_a_hostile_header_name_cannot_escape_a_python_comment() -> None:
    request = ApiRequest(url=URL, headers=(("X-Token\nraise SystemExit('escaped')", "v"),))
    with fake_requests() as fake:
        run(as_python(request, REGION, SERVICE))
    assert len(fake.calls) == 1


# -- awkward strings, both ways ---------------------------------------------------------------

chars = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
awkward_text = st.lists(st.sampled_from(AWKWARD) | st.text(chars, max_size=5), max_size=6).map(
    "".join
)
header_names = st.text(
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-", min_size=1, max_size=12
).filter(lambda n: not is_secret_header(n))
awkward_requests = st.builds(
    ApiRequest,
    method=st.sampled_from(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]),
    url=awkward_text.map(lambda rest: "https://x.example/" + rest),
    headers=st.lists(
        st.tuples(header_names.filter(lambda n: n.lower() != "content-type"), awkward_text),
        max_size=3,
    ).map(tuple),
    body=st.builds(RequestBody, kind=st.sampled_from(["raw", "json"]), text=awkward_text),
    signed=st.booleans(),
)


@FAST
@given(awkward_requests)
def test_awkward_strings_survive_curl_exactly(request: ApiRequest) -> None:
    assume(sanitize(request) == request)  # only what is not secret must come back unchanged
    content_type = (
        "application/json" if request.body.kind == "json" else "text/plain; charset=utf-8"
    )
    expected = expected_curl(
        request, ["--data-binary", request.body.text], content_type, signed=request.signed
    )
    command = as_curl(request, REGION, SERVICE)
    assert shell_words(command) == [word for word in expected if word != "\n"]
    assert bash_argv(command) == expanded(expected)


@FAST
@given(awkward_requests)
def test_awkward_strings_survive_python_exactly(request: ApiRequest) -> None:
    assume(sanitize(request) == request)
    with fake_requests() as fake:
        run(as_python(request, REGION, SERVICE))
    [(method, url, kwargs)] = fake.calls
    assert (method, url) == (request.method, request.url)
    assert kwargs["data"] == request.body.text.encode("utf-8")
    sent_headers = {k.lower(): v for k, v in kwargs["headers"].items()}
    for name, _ in request.headers:
        joined = ", ".join(v for n, v in request.headers if n.lower() == name.lower())
        assert sent_headers[name.lower()] == joined
    assert ("auth" in kwargs) == request.signed
