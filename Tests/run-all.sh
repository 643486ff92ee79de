#!/usr/bin/env bash
# Runs every test of blex: installs what the outside oracles need (a Python venv with pygatt 5.0.0,
# pyserial 3.5 and bgapi 0.7 from PyPI), then the whole Swift test suite including the interop tests.
# This is the README's test command and what .ci/run calls.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

BLEX_INTEROP_PYTHON="$(bash Tests/Interop/setup.sh | tail -n 1)"
export BLEX_INTEROP_PYTHON

swift build --build-tests
swift test --skip-build
