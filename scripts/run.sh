#!/usr/bin/env bash
# Start the local AWS (ministack) with the demo world and open Cognito Desktop on it.
#
#   scripts/run.sh
#
# Installs what is missing first (scripts/bootstrap.sh). Quit the app to stop everything.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
scripts/bootstrap.sh

cmd=("$repo/.venv/bin/cognito-desktop" sandbox --gui "$@")
if [[ -z ${DBUS_SESSION_BUS_ADDRESS:-} ]]; then
    # No desktop session: no keyring either. Give the app a private, throw-away one so it
    # behaves as on a desktop (the session lives as long as this run).
    echo "run: no desktop session bus found; using a private keyring for this run" >&2
    cmd=(dbus-run-session -- "$repo/scripts/keyring-session.sh" "${cmd[@]}")
fi
if [[ -z ${DISPLAY:-} && -z ${WAYLAND_DISPLAY:-} ]]; then
    echo "run: no display found; the app opens on a virtual screen (Xvfb)" >&2
    # shellcheck disable=SC2016  # $DISPLAY is for the inner shell
    cmd=(xvfb-run -a -s "-screen 0 1280x800x24"
        bash -c 'echo "run: virtual display $DISPLAY; screenshot with:" >&2
                 echo "  XAUTHORITY=$XAUTHORITY import -display $DISPLAY -window root shot.png" >&2
                 exec "$@"' _
        "${cmd[@]}")
fi
exec "${cmd[@]}"
