#!/usr/bin/env bash
# Runs the library's fault matrix (Tests/BGAPITests/FaultMatrixTests.swift: 12 operations × 8 faults against
# the virtual BLED112 on a pty, manual clock) and prints it as the Markdown table docs/reliability.md shows.
# With `explorer`: the explorer's matrix instead (Tests/ExplorerTests/ExplorerFaultMatrixTests.swift: 7 keys ×
# 8 faults through update and the real effect runner), each cell what the user sees and when.
#   bash scripts/fault-matrix.sh [explorer]   (builds the tests first; about 3 minutes, explorer 2)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
report="$(mktemp)"
log="$(mktemp)"
trap 'rm -f "$report" "$log"' EXIT
rm -f "$report"
swift build --build-tests >/dev/null
status=0
if [ "${1:-}" = explorer ]; then
    BLEX_EXPLORER_MATRIX_REPORT="$report" swift test --skip-build --filter ExplorerFaultMatrixTests >"$log" 2>&1 || status=$?
    python3 - "$report" <<'PY'
import sys
faults = ["unplugged", "responseLost", "responseLate", "garbled", "peerDisconnects", "attError", "silentPeer", "dongleReset"]
ops = ["scan", "connect", "read", "write", "subscribe", "bond", "disconnect"]
cells = {}
for line in open(sys.argv[1]):
    op, fault, shown, took, error = line.rstrip("\n").split("\t", 4)
    cells[(op, fault)] = (shown, float(took))
print("| key | " + " | ".join(faults) + " |")
print("|---|" + "---|" * len(faults))
for op in ops:
    row = [(lambda c: "—" if c is None else f"{c[0]} {c[1]:g}s")(cells.get((op, f))) for f in faults]
    print(f"| {op} | " + " | ".join(row) + " |")
print()
print(f"{len(cells)} of {len(ops) * len(faults)} cells reported.")
PY
else
BLEX_FAULT_MATRIX_REPORT="$report" swift test --skip-build --filter "BGAPITests.FaultMatrixTests" >"$log" 2>&1 || status=$?
python3 - "$report" <<'PY'
import sys, collections
rows = collections.OrderedDict()
faults = ["unplugged", "responseLost", "responseLate", "garbled", "peerDisconnects", "attError", "silentPeer", "dongleReset"]
ops = ["start", "scan", "connect", "discovery", "read", "longRead", "write", "writeWithoutResponse", "longWrite",
       "subscribe", "bond", "disconnect"]
cells = {}
for line in open(sys.argv[1]):
    op, fault, outcome, took, deadline, error = line.rstrip("\n").split("\t", 5)
    cells[(op, fault)] = (outcome, float(took), float(deadline))
print("| operation | " + " | ".join(faults) + " |")
print("|---|" + "---|" * len(faults))
for op in ops:
    row = []
    for f in faults:
        c = cells.get((op, f))
        if c is None: row.append("—"); continue
        outcome, took, deadline = c
        row.append(f"{outcome} {took:g}s" if outcome != "ok" else f"ok {took:g}s")
    print(f"| {op} | " + " | ".join(row) + " |")
print()
print(f"{len(cells)} of {len(ops) * len(faults)} cells reported.")
PY
fi
echo
if [ "$status" = 0 ]; then
    echo "Every cell passed its assertions."
else
    echo "FAILED: swift test exited $status:"
    grep -E "recorded an issue" "$log" | cut -c1-400 | head -20
fi
exit $status
