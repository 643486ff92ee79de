#!/usr/bin/env bash
# Every benchmark in one run, side by side with pygatt where it applies; the output is what
# docs/performance.md records. Usage: bash Benchmarks/run-all.sh   (takes about 5 minutes)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
echo "## Run of $(date -u +%Y-%m-%dT%H:%MZ) on $(nproc) cores ($(uname -m), $(swift --version 2>/dev/null | head -1))"
echo
echo "### Codec: frame + decode throughput (BGAPICore vs pygatt's parser), and the explorer's frame cost"
echo
bash "$here/compare-codec.sh"
echo
echo "### Notifications through a pty to a callback (blex BGAPI vs pygatt, same emulator)"
echo
bash "$here/compare-notify.sh" 3 2>/dev/null
echo
echo "### The blex binary"
echo
echo "| Measure | Result |"
echo "|---|---|"
bash "$here/tui-live.sh"
echo
echo "### Scan memory: a crowded room (80 devices, ~6,400 packets/s) for 10 s and 20 s"
echo
(cd "$here" && swift build -c release --product scan-memory >/dev/null 2>&1 && ./.build/release/scan-memory 10 20)
