#!/usr/bin/env bash
# Decode throughput of BGAPICore vs pygatt 5.0.0's parser on the same 10,000-packet stream, in one run.
# Usage: bash Benchmarks/compare-codec.sh   (from anywhere)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(dirname "$here")"
packets=10000
python="$(bash "$root/Tests/Interop/setup.sh" | tail -n 1)"
work="$(mktemp -d -t blex-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT

cd "$here"
swift build -c release --product write-mixed-stream 2>&1 | grep -E "error|warning:" && exit 1 || true
"$(swift build -c release --show-bin-path)/write-mixed-stream" "$work/stream.bin" "$packets" >/dev/null
"$python" "$here/pygatt_parser_bench.py" "$work/stream.bin" "$packets" 5 >"$work/pygatt.json"
swift package --allow-writing-to-package-directory benchmark --no-progress >"$work/swift.txt" 2>&1
"$python" "$here/report_codec.py" "$packets" "$work/stream.bin" "$work/pygatt.json" "$work/swift.txt"
