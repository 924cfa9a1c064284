#!/usr/bin/env bash
# Every check of the project: lint, format, types, layer contracts, then the whole test suite
# (unit, integration and end-to-end against the local AWS, GUI with pytest-qt) on a virtual
# display with a private, unlocked Secret Service keyring.
#
#   scripts/test.sh [PYTEST ARGS...]
#
# Installs what is missing first (scripts/bootstrap.sh).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$repo"
scripts/bootstrap.sh

bin=$repo/.venv/bin
echo "== ruff"
"$bin/ruff" check .
"$bin/ruff" format --check .
echo "== mypy (service layer)"
"$bin/mypy"
echo "== import contracts"
"$bin/lint-imports"
echo "== pytest"
export COGNITO_DESKTOP_SANDBOX_LOG_LEVEL=WARNING
# dbus-run-session: a private session bus; keyring-session.sh: a throw-away gnome-keyring on it.
xvfb-run -a -s "-screen 0 1280x800x24" \
    dbus-run-session -- scripts/keyring-session.sh \
    "$bin/python" -m pytest -p no:cacheprovider "$@" 2> >(grep -v "Failed to set fd limit" >&2)
