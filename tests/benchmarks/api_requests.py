"""API console benchmark: signed GETs through ApiClient.send vs a plain requests + AWS4Auth loop.

Both run in the same process against the same endpoint of a freshly seeded
local AWS (which verifies every signature), with the same signed-in session's
credentials, in interleaved blocks so that drift in the emulator hits both
alike. Each loop reads the whole body and checks the status. Prints requests
per second for both and the ratio of the time per request (ours / plain).

    .venv/bin/python tests/benchmarks/api_requests.py [--requests 1000] [--block 100]

Target: ratio <= 1.15.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable

import requests
from requests_aws4auth import AWS4Auth


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=1000, help="per contender")
    parser.add_argument("--block", type=int, default=100, help="requests per block")
    parser.add_argument("--path", default="/public", help="API path to GET")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cognito-desktop-bench-") as home:
        os.environ["COGNITO_DESKTOP_HOME"] = home
        from cognito_desktop.sandbox.command import sandbox_profile
        from cognito_desktop.sandbox.emulator import Emulator
        from cognito_desktop.sandbox.scripted_login import sign_in
        from cognito_desktop.sandbox.world import OPERATOR, seed
        from cognito_desktop.services.api_client import ApiClient
        from cognito_desktop.services.api_models import ApiRequest
        from cognito_desktop.services.session import Session
        from cognito_desktop.services.vault import MemoryVault

        emulator = Emulator().start()
        try:
            world = seed(emulator.endpoint, emulator.region)
            profile = sandbox_profile(world, name="bench")
            session = Session(profile, MemoryVault(profile.name))
            sign_in(session, OPERATOR.username, OPERATOR.password)
            url = world.api_url + args.path

            client = ApiClient(session.credentials, profile.region)
            request = ApiRequest(url=url)

            def ours() -> None:
                response = client.send(request)
                if response.status != 200:
                    raise SystemExit(f"ours: {response.status} {response.body_head[:200]!r}")

            creds = session.credentials()
            plain_http = requests.Session()
            auth = AWS4Auth(
                creds.access_key_id,
                creds.secret_access_key,
                profile.region,
                "execute-api",
                session_token=creds.session_token,
            )

            def plain() -> None:
                response = plain_http.get(url, auth=auth, timeout=30)
                _ = response.content
                if response.status_code != 200:
                    raise SystemExit(f"plain: {response.status_code} {response.text[:200]}")

            results = run(ours, plain, args.requests, args.block)
        finally:
            emulator.stop()

    ours_s, plain_s = sum(results["ours"]), sum(results["plain"])
    n = args.requests
    print(f"endpoint: GET {args.path} on the local AWS, {n} requests each, blocks of {args.block}")
    for label, seconds in (("ApiClient.send", ours_s), ("requests + AWS4Auth loop", plain_s)):
        print(f"{label + ':':26}{n / seconds:8.1f} requests/s  ({seconds / n * 1000:.2f} ms each)")
    ratios = [o / p for o, p in zip(results["ours"], results["plain"], strict=True)]
    print(
        f"per-block ratio: median {statistics.median(ratios):.3f}, "
        f"min {min(ratios):.3f}, max {max(ratios):.3f}"
    )
    print(f"ratio (ours / plain, time per request): {ours_s / plain_s:.3f}  (target <= 1.15)")
    return 0


def run(
    ours: Callable[[], None], plain: Callable[[], None], total: int, block: int
) -> dict[str, list[float]]:
    """Time both in alternating blocks (which one goes first alternates too)."""
    for _ in range(50):  # warm-up: connections, caches, the emulator's first-call paths
        ours()
        plain()
    timings: dict[str, list[float]] = {"ours": [], "plain": []}
    contenders = [("ours", ours), ("plain", plain)]
    done = 0
    while done < total:
        size = min(block, total - done)
        for name, call in contenders:
            started = time.perf_counter()
            for _ in range(size):
                call()
            timings[name].append(time.perf_counter() - started)
        contenders.reverse()
        done += size
    return timings


if __name__ == "__main__":
    sys.exit(main())
