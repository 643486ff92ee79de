#!/usr/bin/env bash
# Creates Tests/Interop/.venv with the outside BGAPI clients pinned: pygatt 5.0.0, pyserial 3.5, bgapi 0.7, and pytest 8.3.4 for the virtual-dongle example.
# Idempotent; prints the venv's python as its last line. Installs python3-venv from Debian if needed.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
venv="$here/.venv"
stamp="$venv/.blex-pins"
pins="pygatt==5.0.0 pyserial==3.5 bgapi==0.7 pytest==8.3.4"

if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pins" ]; then
    echo "$venv/bin/python"
    exit 0
fi

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else "$@"; fi; }

if ! command -v python3 >/dev/null || ! python3 -m venv --help >/dev/null 2>&1; then
    as_root apt-get update -qq
    as_root apt-get install -y -qq python3 python3-venv >/dev/null
fi
rm -rf "$venv"
if ! python3 -m venv "$venv" >/dev/null 2>&1; then
    # Debian's python3 without ensurepip: install the venv package and retry once.
    as_root apt-get update -qq
    as_root apt-get install -y -qq python3-venv >/dev/null
    rm -rf "$venv"
    python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check $pins
echo "$pins" >"$stamp"
echo "$venv/bin/python"
