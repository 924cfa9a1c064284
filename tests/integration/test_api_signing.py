"""The API console's client against the local AWS, which verifies SigV4 and enforces role policies.

Cancel and timeout are tried on a small local HTTP server that answers slowly.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

import pytest
import requests

from cognito_desktop.sandbox import scripted_login
from cognito_desktop.sandbox.world import API_ITEM_COUNT, OPERATOR, World
from cognito_desktop.services.api_client import ApiClient, RequestCancelled
from cognito_desktop.services.api_models import ApiRequest, RequestBody
from cognito_desktop.services.api_signing import prepare
from cognito_desktop.services.config import Profile
from cognito_desktop.services.errors import CognitoDesktopError, NetworkError
from cognito_desktop.services.identity import AwsCredentials, IdentityPoolClient
from cognito_desktop.services.paths import AppPaths
from cognito_desktop.services.session import Session
from cognito_desktop.services.vault import MemoryVault


@pytest.fixture
def session(profile: Profile) -> Session:
    signed_in = Session(profile, MemoryVault(profile.name))
    scripted_login.sign_in(signed_in, OPERATOR.username, OPERATOR.password)
    return signed_in


@pytest.fixture
def spool(tmp_path: Path) -> Path:
    """Where the clients of these tests write large bodies."""
    folder = tmp_path / "spool"
    folder.mkdir()
    return folder


@pytest.fixture
def client(session: Session, spool: Path) -> Iterator[ApiClient]:
    api = ApiClient(
        session.credentials,
        session.profile.region,
        role_arn=session.caller_arn,
        spool_dir=spool,
    )
    yield api
    api.close()


def guest_credentials(profile: Profile) -> AwsCredentials:
    pool = IdentityPoolClient(profile)
    return pool.get_credentials(pool.get_identity_id(None), None)


# (method, path as typed, body, the resource API Gateway matched)
SIGNED_MATRIX = [
    ("GET", "/items", RequestBody(), "/items"),
    ("POST", "/items", RequestBody(kind="json", text='{"name": "new item"}'), "/items"),
    ("GET", "/public", RequestBody(), "/public"),
    ("GET", "/open", RequestBody(), "/open"),
    ("GET", "/items?flag&b=2&a=1&a=0&q=a+b&e=%3D&s=x/y", RequestBody(), "/items"),
    ("GET", "/files/report.txt", RequestBody(), "/files/{name}"),
    ("GET", "/files/my report (Q3).txt", RequestBody(), "/files/{name}"),
    ("GET", "/files/a%3Db%2Bc.txt", RequestBody(), "/files/{name}"),
    ("GET", "/files/naïve-文件.txt", RequestBody(), "/files/{name}"),
    ("GET", "/echo/a%2Fb/c", RequestBody(), "/echo/{proxy+}"),
    ("DELETE", "/echo/x?id=7", RequestBody(), "/echo/{proxy+}"),
    (
        "PUT",
        "/echo/deep/er/",
        RequestBody(kind="form", form=(("name", "A & B"), ("n", "1"))),
        "/echo/{proxy+}",
    ),
    ("PATCH", "/echo/raw", RequestBody(kind="raw", text="héllo\n"), "/echo/{proxy+}"),
    ("POST", "/echo/file", RequestBody(kind="file"), "/echo/{proxy+}"),
]


@pytest.mark.parametrize(
    ("method", "path", "body", "resource"),
    SIGNED_MATRIX,
    ids=[f"{m} {p}" for m, p, _, _ in SIGNED_MATRIX],
)
def test_signed_requests_are_accepted_by_the_local_aws(
    client: ApiClient,
    world: World,
    tmp_path: Path,
    method: str,
    path: str,
    body: RequestBody,
    resource: str,
) -> None:
    if body.kind == "file":
        blob = tmp_path / "upload.bin"
        blob.write_bytes(bytes(range(256)) * 64)
        body = replace(body, file_path=str(blob))
    response = client.send(ApiRequest(method=method, url=world.api_url + path, body=body))
    assert (response.status, response.explanation) == (200, "")
    assert json.loads(response.body_head)["path"] == resource
    assert response.canonical_request.startswith(f"{method}\n/_aws/execute-api/")


def test_the_local_aws_checks_the_signature_over_the_path_as_sent(
    session: Session, world: World
) -> None:
    """It signs the raw path (encoded again), not the decoded one: the same
    resource reached with "=" instead of the signed "%3D" is refused."""
    call = prepare(
        ApiRequest(url=f"{world.api_url}/files/a%3Db.txt"),
        session.credentials(),
        world.region,
    )
    with requests.Session() as http:
        assert http.send(call.request).status_code == 200
        call.request.url = str(call.request.url).replace("%3D", "=")
        refused = http.send(call.request)
    assert refused.status_code == 403
    assert "signature we calculated does not match" in refused.text


def test_an_unsigned_request_to_an_iam_method_is_told_to_sign(
    client: ApiClient, world: World
) -> None:
    response = client.send(ApiRequest(url=f"{world.api_url}/items", signed=False))
    assert response.status == 403
    assert json.loads(response.body_head) == {"message": "Missing Authentication Token"}
    assert "unsigned request" in response.explanation
    assert "sign the request" in response.explanation
    assert response.canonical_request == ""


def test_a_signed_request_to_a_missing_method_blames_the_path_or_method(
    client: ApiClient, world: World
) -> None:
    response = client.send(ApiRequest(method="DELETE", url=f"{world.api_url}/items"))
    assert response.status == 403
    assert "DELETE /_aws/execute-api/" in response.explanation
    assert "does not exist" in response.explanation


def test_an_open_method_works_unsigned(client: ApiClient, world: World) -> None:
    response = client.send(ApiRequest(url=f"{world.api_url}/open", signed=False))
    assert response.status == 200
    assert json.loads(response.body_head)["auth"] == "NONE"


def test_a_wrong_secret_is_refused_and_explained_without_secrets(
    session: Session, world: World, spool: Path
) -> None:
    good = session.credentials()
    bad = replace(good, secret_access_key=good.secret_access_key[::-1])
    client = ApiClient(lambda: bad, world.region, spool_dir=spool)
    response = client.send(ApiRequest(url=f"{world.api_url}/items"))
    assert response.status == 403
    assert "signature" in response.explanation
    assert "secret key" in response.explanation
    assert "canonicalised" in response.explanation
    shown = response.explanation + response.canonical_request
    for secret in (bad.secret_access_key, good.secret_access_key, good.session_token):
        assert secret not in shown


def test_the_guest_role_is_allowed_its_path_and_denied_the_rest(
    profile: Profile, world: World, spool: Path
) -> None:
    guest = guest_credentials(profile)
    client = ApiClient(lambda: guest, world.region, spool_dir=spool)
    assert client.send(ApiRequest(url=f"{world.api_url}/public")).status == 200
    for path in ("/items", "/files/report.txt"):
        denied = client.send(ApiRequest(url=world.api_url + path))
        assert denied.status == 403
        assert denied.explanation.startswith(
            "The role cognito-desktop-demo-guest may not call execute-api:Invoke on GET "
        )
        assert path in denied.explanation
        assert "unauthenticated role" in denied.explanation
    # (The signed-in operator's role may call both: see the matrix above.)


def test_a_large_body_goes_whole_to_a_file_under_the_app_cache(
    session: Session, world: World, app_home: AppPaths
) -> None:
    client = ApiClient(session.credentials, world.region, head_limit=1024)
    response = client.send(ApiRequest(url=f"{world.api_url}/items"))
    assert response.status == 200
    assert response.body_file is not None
    body_file = Path(response.body_file)
    try:
        assert body_file.parent == app_home.cache_dir / "responses"
        assert body_file.suffix == ".json"
        whole = body_file.read_bytes()
        assert response.size == len(whole) > 1024
        assert response.truncated
        assert response.body_head == whole[:1024]
        assert len(json.loads(whole)["items"]) == API_ITEM_COUNT
    finally:
        body_file.unlink()


def test_a_small_body_stays_in_memory(client: ApiClient, world: World, spool: Path) -> None:
    response = client.send(ApiRequest(url=f"{world.api_url}/public"))
    assert response.body_file is None
    assert not response.truncated
    assert response.size == len(response.body_head)
    assert response.content_type == "application/json"
    assert list(spool.iterdir()) == []


def test_credentials_renewed_between_requests_sign_every_request(
    session: Session, world: World, spool: Path
) -> None:
    used: list[str] = []

    def credentials() -> AwsCredentials:
        creds = session.credentials()
        used.append(creds.access_key_id)
        return creds

    client = ApiClient(credentials, world.region, spool_dir=spool)
    statuses = []
    for n in range(5):
        if n:
            # 55 minutes on: inside the renewal margin, so the session renews
            # the credentials (and the id token) before this request.
            session._clock = lambda: time.time() + 55 * 60
        statuses.append(client.send(ApiRequest(url=f"{world.api_url}/items")).status)
    assert statuses == [200] * 5
    assert len(set(used)) == 5, "each request after the first should carry new keys"
    pools = client.http.get_adapter(world.api_url).poolmanager.pools
    opened = [pools[key].num_connections for key in pools.keys()]  # noqa: SIM118 (no __iter__)
    assert opened == [1], "one connection should carry all five requests"


# -- a slow local server, for cancel and timeouts ----------------------------------------


class SlowServer:
    """Answers each connection by calling ``behaviour(socket)`` on a thread."""

    def __init__(self, behaviour: Callable[[socket.socket], None]) -> None:
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.listener.getsockname()[1]}"
        self.behaviour = behaviour
        self.received: list[bytes] = []
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        self.listener.settimeout(0.2)
        while not self.stop.is_set():
            try:
                conn, _ = self.listener.accept()
            except TimeoutError:
                continue
            with conn:
                self.received.append(conn.recv(65536))
                # The client may go away mid-answer: that is what some tests do.
                with contextlib.suppress(OSError):
                    self.behaviour(conn)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(10)
        self.listener.close()
        assert not self.thread.is_alive()


@pytest.fixture
def slow_server() -> Iterator[Callable[[Callable[[socket.socket], None]], SlowServer]]:
    servers: list[SlowServer] = []

    def start(behaviour: Callable[[socket.socket], None]) -> SlowServer:
        servers.append(SlowServer(behaviour))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


def test_cancel_mid_body_raises_and_leaves_no_file(
    slow_server: Callable[[Callable[[socket.socket], None]], SlowServer], spool: Path
) -> None:
    cancel = threading.Event()
    spooled = threading.Event()

    def trickle(conn: socket.socket) -> None:
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10000000\r\n\r\n"
        )
        for _ in range(400):
            conn.sendall(b"x" * 1024)
            if any(spool.iterdir()) and not spooled.is_set():
                # The client has started its file: cancel now.
                spooled.set()
                cancel.set()
            time.sleep(0.02)

    server = slow_server(trickle)
    client = ApiClient(None, "us-east-1", head_limit=100, spool_dir=spool)
    started = time.monotonic()
    with pytest.raises(RequestCancelled, match="cancelled"):
        client.send(ApiRequest(url=f"{server.url}/big", signed=False), cancel)
    assert spooled.is_set(), "the body file should have been started before the cancel"
    assert time.monotonic() - started < 5
    assert list(spool.iterdir()) == []


def test_a_server_that_never_answers_times_out_with_the_seconds(
    slow_server: Callable[[Callable[[socket.socket], None]], SlowServer],
) -> None:
    server = slow_server(lambda conn: time.sleep(2))
    client = ApiClient(None, "us-east-1")
    with pytest.raises(NetworkError, match=r"did not answer within the timeout of 0.5 seconds"):
        client.send(ApiRequest(url=f"{server.url}/x", signed=False, timeout=0.5))


def test_a_body_that_stalls_times_out_and_leaves_no_file(
    slow_server: Callable[[Callable[[socket.socket], None]], SlowServer], spool: Path
) -> None:
    def stall(conn: socket.socket) -> None:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + b"y" * 2000)
        time.sleep(2)

    server = slow_server(stall)
    client = ApiClient(None, "us-east-1", head_limit=100, spool_dir=spool)
    with pytest.raises(NetworkError, match=r"timeout of 0.5 seconds"):
        client.send(ApiRequest(url=f"{server.url}/x", signed=False, timeout=0.5))
    assert list(spool.iterdir()) == []


def test_a_server_that_hangs_up_is_reported_as_such(
    slow_server: Callable[[Callable[[socket.socket], None]], SlowServer],
) -> None:
    server = slow_server(lambda conn: None)
    client = ApiClient(None, "us-east-1")
    with pytest.raises(NetworkError, match="closed the connection without answering"):
        client.send(ApiRequest(url=f"{server.url}/x", signed=False))


def test_a_body_file_that_cannot_be_written_is_reported_and_not_left(
    slow_server: Callable[[Callable[[socket.socket], None]], SlowServer], spool: Path
) -> None:
    server = slow_server(
        lambda conn: conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n" + b"z" * 5000)
    )
    client = ApiClient(None, "us-east-1", head_limit=100, spool_dir=spool / "missing")
    with pytest.raises(CognitoDesktopError, match="Could not keep the large response body"):
        client.send(ApiRequest(url=f"{server.url}/x", signed=False))
    assert list(spool.iterdir()) == []


def test_a_closed_port_is_reported_as_refused() -> None:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        port = probe.getsockname()[1]
    client = ApiClient(None, "us-east-1")
    with pytest.raises(NetworkError, match=rf"127.0.0.1:{port} refused the connection"):
        client.send(ApiRequest(url=f"http://127.0.0.1:{port}/x?key=s3cret", signed=False))


def test_the_request_line_on_the_wire_is_the_one_that_was_signed(
    slow_server: Callable[[Callable[[socket.socket], None]], SlowServer],
) -> None:
    server = slow_server(lambda conn: conn.sendall(b"HTTP/1.1 204 No Content\r\n\r\n"))
    credentials = AwsCredentials(
        "ASIAEXAMPLE", "secret", "token", dt.datetime.now(dt.UTC) + dt.timedelta(hours=1)
    )
    client = ApiClient(lambda: credentials, "us-east-1")
    response = client.send(ApiRequest(url=f"{server.url}/a%3d/b c/ü/%7e?q=a+b&z=%2f"))
    assert response.status == 204
    (received,) = server.received
    request_line, *header_lines = received.decode("latin-1").split("\r\n")
    assert request_line == "GET /a%3D/b%20c/%C3%BC/%7E?q=a%20b&z=%2F HTTP/1.1"
    # The path signed is that path, encoded once more; the host is the one sent.
    assert response.canonical_request.split("\n")[:3] == [
        "GET",
        "/a%253D/b%2520c/%25C3%25BC/%257E",
        "q=a%20b&z=%2F",
    ]
    host = server.url.removeprefix("http://")
    assert f"Host: {host}" in header_lines
    assert f"host:{host}" in response.canonical_request.split("\n")
