"""`cognito-desktop sandbox`: its output, the profile it writes, and no process left behind."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import boto3
import requests

from cognito_desktop.services.config import load_profiles


def _children_of(pid: int) -> list[int]:
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            stat = (proc / "stat").read_text()
        except OSError:
            continue
        # The parent pid is the 4th field, after the parenthesised command name.
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            found.append(int(proc.name))
    return found


def test_sandbox_prints_json_writes_the_profile_and_stops_cleanly(tmp_path: Path) -> None:
    env = {**os.environ, "COGNITO_DESKTOP_HOME": str(tmp_path)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cognito_desktop", "sandbox", "--json", "--many-keys", "120"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None
        world = json.loads(proc.stdout.readline())
        emulator_pids = _children_of(proc.pid)
        assert emulator_pids, "the local AWS runs as a child process"

        # What it printed is true: the endpoint answers and the pool exists.
        assert requests.get(f"{world['endpoint']}/_ministack/health", timeout=5).ok
        idp = boto3.client(
            "cognito-idp",
            endpoint_url=world["endpoint"],
            region_name=world["region"],
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )
        pool = idp.describe_user_pool(UserPoolId=world["user_pool_id"])["UserPool"]
        assert pool["Id"] == world["user_pool_id"]
        assert {u["username"] for u in world["users"]} == {"operator", "viewer"}
        assert world["api_url"].startswith(f"{world['endpoint']}/_aws/execute-api/")

        profiles = load_profiles(tmp_path / "config" / "profiles.toml")
        assert profiles.problems == []
        assert profiles.default == "sandbox"
        sandbox = profiles.profiles["sandbox"]
        assert sandbox.endpoint_url == world["endpoint"]
        assert sandbox.identity_pool_id == world["identity_pool_id"]
        assert sandbox.s3_locations == (
            f"s3://{world['bucket']}/",
            "s3://cognito-desktop-versions/",
        )

        # The big folder fills in the background while the sandbox is already usable.
        s3 = boto3.client(
            "s3",
            endpoint_url=world["endpoint"],
            region_name=world["region"],
            aws_access_key_id="test",
            aws_secret_access_key="test",
        )

        def many() -> int:
            pages = s3.get_paginator("list_objects_v2").paginate(
                Bucket=world["bucket"], Prefix="public/many/"
            )
            return sum(len(page.get("Contents", [])) for page in pages)

        deadline = time.monotonic() + 60
        while many() < 120 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert many() == 120
    finally:
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 0, stderr
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and any(Path(f"/proc/{p}").exists() for p in emulator_pids):
        time.sleep(0.1)
    assert not [p for p in emulator_pids if Path(f"/proc/{p}").exists()], (
        "the local AWS outlived the sandbox command"
    )
    with requests.Session() as http:
        try:
            http.get(f"{world['endpoint']}/_ministack/health", timeout=2)
            reachable = True
        except requests.ConnectionError:
            reachable = False
    assert not reachable


def test_the_local_aws_stops_when_its_parent_dies_hard(tmp_path: Path) -> None:
    """A crashed test run or a killed sandbox must not leave an emulator running."""
    code = (
        "import sys, time; from cognito_desktop.sandbox.emulator import Emulator; "
        "e = Emulator().start(); print(e.endpoint, flush=True); time.sleep(600)"
    )
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert parent.stdout is not None
    endpoint = parent.stdout.readline().strip()
    assert requests.get(f"{endpoint}/_ministack/health", timeout=5).ok
    parent.kill()
    parent.wait(10)
    parent.stdout.close()
    deadline = time.monotonic() + 15
    alive = True
    while alive and time.monotonic() < deadline:
        try:
            requests.get(f"{endpoint}/_ministack/health", timeout=1)
            time.sleep(0.3)
        except requests.ConnectionError:
            alive = False
    assert not alive, "the local AWS outlived its killed parent"
