#!/usr/bin/env python3
"""Times pygatt 5.0.0's own BGAPI parser on a byte stream: BGLib.parse_byte for every byte (as its
receiver thread does) and BGLib.decode_packet for every completed packet.

Usage: pygatt_parser_bench.py STREAM_FILE PACKETS [REPEATS]
Prints one JSON object: seconds (best of REPEATS, default 5) and the median, packets/s for both, MB/s, decoded, errors.
"""
import json
import sys
import time

from pygatt.backends.bgapi.bglib import BGLib


def run(stream):
    lib = BGLib()
    decoded = errors = 0
    start = time.perf_counter()
    for i in range(len(stream)):
        packet = lib.parse_byte(stream[i:i + 1])
        if packet is not None:
            try:
                lib.decode_packet(packet)
                decoded += 1
            except Exception:  # pygatt logs and skips what it cannot decode
                errors += 1
    return time.perf_counter() - start, decoded, errors


def main():
    path, packets = sys.argv[1], int(sys.argv[2])
    repeats = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    stream = open(path, "rb").read()
    times = []
    for _ in range(repeats):
        seconds, decoded, errors = run(stream)
        times.append(seconds)
    times.sort()
    best, median = times[0], times[len(times) // 2]
    print(json.dumps({
        "seconds": best,
        "median_seconds": median,
        "packets_per_s": packets / best,
        "median_packets_per_s": packets / median,
        "mb_per_s": len(stream) / best / 1e6,
        "bytes": len(stream),
        "decoded": decoded,
        "errors": errors,
    }))


if __name__ == "__main__":
    main()
