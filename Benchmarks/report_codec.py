#!/usr/bin/env python3
"""Prints the side-by-side codec table for docs/performance.md from one compare-codec.sh run.

Usage: report_codec.py PACKETS STREAM_FILE PYGATT_JSON SWIFT_BENCHMARK_TEXT
"""
import json
import os
import re
import sys

packets = int(sys.argv[1])
size = os.path.getsize(sys.argv[2])
py = json.load(open(sys.argv[3]))
text = open(sys.argv[4]).read()


def seconds(name, column):
    block = text.split(name, 1)[1]
    line = next(l for l in block.splitlines() if "Time (wall clock)" in l)
    cells = [c.strip() for c in line.split("│") if c.strip()]
    unit = re.search(r"\((\w+)\)", cells[0]).group(1)
    scale = {"ns": 1e-9, "μs": 1e-6, "us": 1e-6, "ms": 1e-3, "s": 1.0}[unit]
    return float(cells[column]) * scale  # columns: metric, p0, p25, p50, ...


def p50_seconds(name):
    return seconds(name, 3)


def best_seconds(name):
    return seconds(name, 1)


decode = p50_seconds("decode mixed stream")
encode = p50_seconds("encode mixed stream")
rows = [
    ("BGAPICore: frame + typed decode (p50)", packets / decode, size / decode / 1e6),
    ("BGAPICore: typed encode (p50)", packets / encode, size / encode / 1e6),
    ("pygatt 5.0.0: parse_byte + decode_packet (median of 5)", py["median_packets_per_s"],
     py["mb_per_s"] * py["seconds"] / py["median_seconds"]),
]
print(f"Stream: {packets} packets, {size} bytes (MixedStream seed 1); pygatt decoded {py['decoded']}, errors {py['errors']}")
print()
print("| Path | packets/s | MB/s |")
print("|---|---:|---:|")
for name, pps, mbs in rows:
    print(f"| {name} | {pps:,.0f} | {mbs:.2f} |")
print()
decode_best = best_seconds("decode mixed stream")
print(f"Decode ratio, BGAPICore / pygatt: {rows[0][1] / py['median_packets_per_s']:.0f}x median to median "
      f"({rows[0][1]:,.0f} vs {py['median_packets_per_s']:,.0f} packets/s), "
      f"{packets / decode_best / py['packets_per_s']:.0f}x best to best "
      f"({packets / decode_best:,.0f} vs {py['packets_per_s']:,.0f})")

# The explorer's render benchmarks ran in the same `swift package benchmark` invocation.
render = [("render frame, 1000 devices, 120x40", "one frame, 1,000 devices known, 120×40"),
          ("render frame, 10 devices, 120x40", "one frame, 10 devices, 120×40"),
          ("update: 2000 advertisements into 1000 devices", "folding 2,000 advertisements into the state")]
print()
print("| Explorer (release, p50) | time |")
print("|---|---:|")
for key, label in render:
    if key in text:
        s = p50_seconds(key)
        print(f"| {label} | {s * 1e3:.3f} ms |")
