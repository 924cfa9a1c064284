#!/usr/bin/env bash
# Run a command against a throw-away, unlocked GNOME keyring (the Secret Service).
#
#   xvfb-run -a dbus-run-session -- scripts/keyring-session.sh CMD [ARGS...]
#
# Runs inside its own D-Bus session and refuses to start when that bus already has a Secret
# Service, so a developer's real keyring is never touched. The keyring's files live in a
# temporary directory that is removed on exit. The command sees
# COGNITO_DESKTOP_TEST_KEYRING=1 and exits with its own status.
set -euo pipefail

readonly SECRETS=org.freedesktop.secrets
readonly SECRETS_PATH=/org/freedesktop/secrets
readonly LOGIN_COLLECTION=$SECRETS_PATH/collection/login

die() {
    printf 'keyring-session: %s\n' "$*" >&2
    exit 1
}

[[ $# -ge 1 ]] || die "usage: dbus-run-session -- $0 CMD [ARGS...]"
[[ -n ${DBUS_SESSION_BUS_ADDRESS:-} ]] ||
    die "no D-Bus session bus; run me as: dbus-run-session -- $0 CMD [ARGS...]"
for tool in gnome-keyring-daemon dbus-send; do
    command -v "$tool" >/dev/null || die "$tool is missing; run scripts/bootstrap.sh"
done

# One D-Bus call; prints the reply's last word (a boolean, a number or an object path).
bus() {
    local dest=$1 path=$2 method=$3
    shift 3
    dbus-send --session --print-reply=literal --dest="$dest" "$path" "$method" "$@" |
        awk 'NF { word = $NF } END { print word }'
}
name_has_owner() {
    [[ $(bus org.freedesktop.DBus /org/freedesktop/DBus org.freedesktop.DBus.NameHasOwner \
        "string:$1") == true ]]
}
collection_locked() {
    bus "$SECRETS" "$1" org.freedesktop.DBus.Properties.Get \
        string:org.freedesktop.Secret.Collection string:Locked
}

# Asking the Secret Service anything before our daemon owns the name would make D-Bus
# start one, so the checks before that point only ask the bus itself.
if name_has_owner "$SECRETS"; then
    die "this D-Bus session already has a Secret Service; run me inside dbus-run-session"
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cognito-keyring.XXXXXXXX")
daemon_pid=
# shellcheck disable=SC2329  # called by the EXIT trap
cleanup() {
    if [[ -n $daemon_pid ]]; then
        kill "$daemon_pid" 2>/dev/null || true
        wait "$daemon_pid" 2>/dev/null || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -m 700 "$tmp/data" "$tmp/config" "$tmp/cache" "$tmp/state" "$tmp/run"
keyring_env=(
    "XDG_DATA_HOME=$tmp/data"
    "XDG_CONFIG_HOME=$tmp/config"
    "XDG_CACHE_HOME=$tmp/cache"
    "XDG_STATE_HOME=$tmp/state"
    # Never the caller's runtime dir: the daemon would take over the control socket of
    # the developer's own keyring in $XDG_RUNTIME_DIR/keyring.
    "XDG_RUNTIME_DIR=$tmp/run"
)
# Should anything still get a daemon started by D-Bus activation, it lands here too.
if command -v dbus-update-activation-environment >/dev/null; then
    dbus-update-activation-environment "${keyring_env[@]}" 2>/dev/null || true
fi

# The password only unlocks this throw-away keyring; --unlock creates the "login" collection
# with it, unlocked, and makes it the default, so nothing ever prompts.
password=$(od -An -tx1 -N16 /dev/urandom | tr -d ' \n')
printf '%s' "$password" |
    env -u GNOME_KEYRING_CONTROL "${keyring_env[@]}" \
        gnome-keyring-daemon --foreground --unlock --components=secrets \
        >"$tmp/daemon.log" 2>&1 &
daemon_pid=$!

for ((tries = 0; ; tries++)); do
    name_has_owner "$SECRETS" && break
    if ! kill -0 "$daemon_pid" 2>/dev/null || ((tries >= 500)); then
        die "gnome-keyring-daemon did not start: $(cat "$tmp/daemon.log")"
    fi
    sleep 0.01
done
owner=$(bus org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.GetConnectionUnixProcessID "string:$SECRETS")
[[ $owner == "$daemon_pid" ]] ||
    die "$SECRETS belongs to process $owner, not to our keyring daemon ($daemon_pid)"

default=$(bus "$SECRETS" "$SECRETS_PATH" org.freedesktop.Secret.Service.ReadAlias string:default)
if [[ $default == / ]]; then
    # Older daemons create "login" without aliasing it; keyring uses the default alias.
    bus "$SECRETS" "$SECRETS_PATH" org.freedesktop.Secret.Service.SetAlias \
        string:default "objpath:$LOGIN_COLLECTION" >/dev/null
    default=$(bus "$SECRETS" "$SECRETS_PATH" org.freedesktop.Secret.Service.ReadAlias \
        string:default)
    [[ $default != / ]] || die "the keyring has no default collection: $(cat "$tmp/daemon.log")"
fi
if [[ $(collection_locked "$default") != false ]]; then
    printf '%s' "$password" |
        env "${keyring_env[@]}" GNOME_KEYRING_CONTROL="$tmp/run/keyring" \
            gnome-keyring-daemon --unlock >/dev/null
    [[ $(collection_locked "$default") == false ]] ||
        die "the default collection $default stays locked: $(cat "$tmp/daemon.log")"
fi

# The command gets fresh XDG folders as well (no keyringrc.cfg or app config of the
# developer's leaks in) and keyring's own backend detection (no PYTHON_KEYRING_BACKEND).
export XDG_DATA_HOME=$tmp/data XDG_CONFIG_HOME=$tmp/config XDG_CACHE_HOME=$tmp/cache
export XDG_STATE_HOME=$tmp/state
# Qt warns without a runtime dir; keep the caller's when there is one (Wayland, audio).
export XDG_RUNTIME_DIR=${XDG_RUNTIME_DIR:-$tmp/run}
export GNOME_KEYRING_CONTROL=$tmp/run/keyring
export COGNITO_DESKTOP_TEST_KEYRING=1
unset PYTHON_KEYRING_BACKEND

# Not exec: the trap has to outlive the command to stop the daemon and remove $tmp.
status=0
"$@" || status=$?
exit "$status"
