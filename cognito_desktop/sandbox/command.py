"""`cognito-desktop sandbox`: start the local AWS, seed the demo world, write the profile."""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

from ..services.config import Profile, upsert_profile
from ..services.paths import app_paths
from .emulator import DEFAULT_REGION, Emulator, EmulatorError
from .seed_s3 import MANY_COUNT, MANY_PREFIX, VERSIONED_BUCKET, seed_many
from .world import World, seed

PROFILE_NAME = "sandbox"


def sandbox_profile(world: World, name: str = PROFILE_NAME) -> Profile:
    return Profile(
        name=name,
        region=world.region,
        user_pool_id=world.user_pool_id,
        client_id=world.user_pool_client_id,
        hosted_ui_url=world.hosted_ui_url,
        redirect_uri=world.redirect_uri,
        identity_pool_id=world.identity_pool_id,
        scopes=world.scopes,
        endpoint_url=world.endpoint,
        api_base_url=world.api_url,
        dynamodb_tables=(world.table,),
        s3_locations=(f"s3://{world.bucket}/", f"s3://{VERSIONED_BUCKET}/"),
    )


def _summary(world: World, profiles_file: Path, stop_hint: str) -> str:
    users = "\n".join(
        f"    {u.username:<10} password {u.password:<20} groups: {', '.join(u.groups) or '-'}"
        for u in world.users
    )
    return f"""Local AWS running at {world.endpoint} (ministack, AUTH on)
  user pool      {world.user_pool_id}  app client {world.user_pool_client_id}
  hosted login   {world.hosted_ui_url}/oauth2/authorize
  identity pool  {world.identity_pool_id}
  roles          {world.authenticated_role_arn}
                 {world.guest_role_arn}
  bucket         s3://{world.bucket}/   table {world.table}
  API            {world.api_url}/items
  demo users (local sandbox only):
{users}
Profile '{PROFILE_NAME}' written to {profiles_file}
{stop_hint}"""


def _seed_many_in_background(world: World, count: int, stop: threading.Event, quiet: bool) -> None:
    """The big folder takes about a minute per 20,000 keys: the app is usable meanwhile."""
    import boto3

    from .emulator import ROOT_ACCESS_KEY, ROOT_SECRET_KEY

    where = f"s3://{world.bucket}/{MANY_PREFIX}"

    def work() -> None:
        s3 = boto3.client(
            "s3",
            endpoint_url=world.endpoint,
            region_name=world.region,
            aws_access_key_id=ROOT_ACCESS_KEY,
            aws_secret_access_key=ROOT_SECRET_KEY,
        )
        try:
            seed_many(s3, MANY_PREFIX, count, stop=stop)
        except Exception as exc:  # the emulator stopping under us ends this quietly
            if not stop.is_set():
                print(f"Seeding {where} stopped: {exc}", file=sys.stderr, flush=True)
            return
        if not quiet and not stop.is_set():
            print(f"{where} now holds {count:,} objects.", flush=True)

    if not quiet:
        print(f"Seeding {count:,} objects under {where} in the background…", flush=True)
    threading.Thread(target=work, name="seed-many", daemon=True).start()


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser(
        "sandbox", help="start the local AWS with a demo world and write the 'sandbox' profile"
    )
    parser.add_argument("--port", type=int, default=0, help="loopback port (default: a free one)")
    parser.add_argument("--region", default=DEFAULT_REGION)
    parser.add_argument("--json", action="store_true", help="print what was made as JSON")
    parser.add_argument(
        "--many-keys",
        type=int,
        default=MANY_COUNT,
        metavar="N",
        help=f"objects to seed under {MANY_PREFIX} in the background, for trying listings of "
        f"big folders (default {MANY_COUNT:,}; 0 for none; 100000 is benchmark size)",
    )
    parser.add_argument(
        "--gui",
        action="store_true",
        help="also open the app on the sandbox profile; stop when it closes",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, lambda *_: stop.set())
    emulator = Emulator(port=args.port, region=args.region)
    try:
        emulator.start()
    except EmulatorError as exc:
        print(f"cognito-desktop sandbox: {exc}", file=sys.stderr)
        return 1
    try:
        world = seed(emulator.endpoint, emulator.region)
        paths = app_paths()
        moved = upsert_profile(paths.profiles_file, sandbox_profile(world), make_default=True)
        if moved:
            print(
                f"Note: {paths.profiles_file} could not be read; it was kept as {moved}.",
                file=sys.stderr,
            )
        if args.json:
            print(
                json.dumps(
                    {
                        **world.to_json(),
                        "profile": PROFILE_NAME,
                        "profiles_file": str(paths.profiles_file),
                    }
                ),
                flush=True,
            )
        else:
            hint = "Quit the app to stop." if args.gui else "Press Ctrl+C to stop."
            print(_summary(world, paths.profiles_file, hint), flush=True)
        if args.many_keys > 0:
            _seed_many_in_background(world, args.many_keys, stop, quiet=args.json)
        if args.gui:
            gui = subprocess.Popen(
                [sys.executable, "-m", "cognito_desktop", "--profile", PROFILE_NAME],
                env=os.environ.copy(),
            )
            while gui.poll() is None and not stop.wait(0.5):
                pass
            if gui.poll() is None:
                gui.terminate()
                gui.wait(10)
        else:
            stop.wait()
        return 0
    finally:
        emulator.stop()
