#!/usr/bin/env bash
# Make a Debian 12 machine ready to develop and test Cognito Desktop: the system packages
# (virtual display, a Secret Service, the libraries Qt and QtWebEngine load) and .venv.
#
#   scripts/bootstrap.sh
#
# Safe to run again and again: it installs only what is missing, reinstalls the project
# only when pyproject.toml changed, and prints nothing when there is nothing to do.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
venv=$repo/.venv
stamp=$venv/.cognito-desktop-pyproject.sha256

# Debian 12 (bookworm) names; later releases renamed a few (libasound2 -> libasound2t64).
packages=(
    # The test harness: a virtual display, X auth for it, a private Secret Service
    # (gnome-keyring inside dbus-run-session; dbus-send drives it).
    xvfb xauth gnome-keyring dbus-x11 dbus-bin libsecret-1-0
    # Python's venv module is split out on Debian.
    python3 python3-venv
    # Qt's xcb platform plugin and OpenGL.
    libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
    libxcb-keysyms1 libxcb-randr0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
    libxcb-util1 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libfontconfig1 libdbus-1-3
    libglib2.0-0 libgl1 libegl1 libopengl0 fonts-dejavu-core
    # QtWebEngine (Chromium).
    libnss3 libnspr4 libxkbfile1 libasound2 libxcomposite1 libxdamage1 libxrandr2 libxtst6
    libxshmfence1 libgbm1 libdrm2 libxcb-dri3-0
    # Screenshots of the virtual display (import -window root).
    imagemagick
)

say() { printf 'bootstrap: %s\n' "$*"; }
die() {
    printf 'bootstrap: %s\n' "$*" >&2
    exit 1
}

install_packages() {
    command -v dpkg >/dev/null || die "this is not a Debian system; install the equivalents of: ${packages[*]}"
    # One dpkg call for all: it prints a stanza for each package it knows, installed or not.
    local installed
    installed=$(dpkg -s "${packages[@]}" 2>/dev/null |
        awk '/^Package: / { name = $2 } /^Status: install ok installed$/ { print name }' || true)
    local missing=() package
    for package in "${packages[@]}"; do
        grep -qxF "$package" <<<"$installed" || missing+=("$package")
    done
    ((${#missing[@]})) || return 0

    local sudo=()
    if ((EUID != 0)); then
        if command -v sudo >/dev/null; then
            sudo=(sudo)
        else
            say "missing Debian packages: ${missing[*]}"
            die "run as root: apt-get update && apt-get install --no-install-recommends ${missing[*]}"
        fi
    fi
    say "installing Debian packages: ${missing[*]}"
    "${sudo[@]}" apt-get update -qq
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive \
        apt-get install -y -qq --no-install-recommends "${missing[@]}"
}

install_venv() {
    python3 -c 'import sys; sys.exit(sys.version_info < (3, 11))' ||
        die "Cognito Desktop needs Python 3.11 or newer as python3"
    if ! "$venv/bin/python" -c '' 2>/dev/null; then
        # Missing, or broken because the Python it was made from went away.
        say "creating $venv"
        python3 -m venv --clear "$venv"
    fi
    local wanted
    wanted=$(sha256sum "$repo/pyproject.toml")
    wanted=${wanted%% *}
    if [[ ! -f $stamp || $(<"$stamp") != "$wanted" ]]; then
        say "installing the project into .venv (pyproject.toml changed)"
        (cd "$repo" && "$venv/bin/pip" install --quiet -e '.[dev]')
        if ! "$venv/bin/pip" check >/dev/null 2>&1; then
            # Left-overs of other versions (e.g. PySide6 6.12's split-out WebEngine
            # wheels after the pin went below 6.12) conflict: start from a clean venv.
            say "the virtual environment has conflicting packages; recreating it"
            python3 -m venv --clear "$venv"
            (cd "$repo" && "$venv/bin/pip" install --quiet -e '.[dev]')
        fi
        # Written only after pip succeeded, so a failed install is retried next time.
        printf '%s\n' "$wanted" >"$stamp"
    fi
}

install_packages
install_venv
