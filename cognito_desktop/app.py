"""Entry point: parse arguments, dispatch CLI subcommands, or open the main window."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence

from . import __version__
from .services.config import load_profiles
from .services.logsetup import configure_logging
from .services.paths import HOME_ENV, app_paths

log = logging.getLogger("cognito_desktop")


def _profiles_command(args: argparse.Namespace) -> int:
    profiles = load_profiles(app_paths().profiles_file)
    for problem in profiles.problems:
        print(f"problem: {problem}", file=sys.stderr)
    if args.action == "list":
        for name in profiles.names():
            marker = "*" if name == profiles.default else " "
            profile = profiles.profiles[name]
            print(f"{marker} {name:<20} {profile.region:<14} {profile.user_pool_id}")
        if not profiles.profiles:
            print(
                f"No profiles in {profiles.path}. Run 'cognito-desktop sandbox' for a local one.",
                file=sys.stderr,
            )
    elif args.action == "path":
        print(profiles.path)
    return 1 if profiles.problems else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cognito-desktop",
        description="Sign in through Amazon Cognito and work with AWS. With no command, "
        "opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("--profile", help="profile to open (default: the file's default)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")

    from .sandbox.command import add_parser as add_sandbox

    add_sandbox(subparsers)
    profiles = subparsers.add_parser("profiles", help="list the profiles and check them")
    profiles.add_argument("action", choices=("list", "path"), nargs="?", default="list")
    profiles.set_defaults(func=_profiles_command)
    return parser


def run_gui(profile_name: str | None) -> int:
    if os.name == "posix" and hasattr(os, "geteuid") and os.geteuid() == 0:
        # Chromium refuses to run as root with its sandbox on (containers, CI).
        os.environ.setdefault("QTWEBENGINE_DISABLE_SANDBOX", "1")
    if os.environ.get(HOME_ENV) and os.name == "posix":
        # Qt's shader and pipeline caches (and the GL driver's) follow
        # XDG_CACHE_HOME: keep them under COGNITO_DESKTOP_HOME too.
        os.environ["XDG_CACHE_HOME"] = str(app_paths().cache_dir / "xdg")
    from .ui.application import run

    return run(profile_name)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    paths = app_paths()
    configure_logging(paths.log_file)
    if args.command is None:
        return run_gui(args.profile)
    result: int = args.func(args)
    return result


if __name__ == "__main__":
    raise SystemExit(main())
