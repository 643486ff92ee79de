#!/usr/bin/env python3
"""Checks what the Linux toolchain cannot: that Darwin-only and Glibc-only code sits in the right branches.

No Mac is available to compile the macOS paths, so CI runs this instead. It fails when
- a `Glibc.x` / `Darwin.x` qualified call is not inside an `#if canImport(Glibc)` / `canImport(Darwin)` (or
  `os(Linux)` / `os(macOS)`) branch of its own (the SerialPort `Glibc.open` bug: it would not compile on macOS);
- an `#if canImport(Glibc)` has no `#elseif canImport(Darwin)` branch (the file would import nothing on macOS).
Usage: python3 scripts/check-platform-branches.py [Sources]
"""
import os
import re
import sys

root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..", "Sources")
problems = []
for folder, _, files in os.walk(root):
    for name in files:
        if not name.endswith(".swift"):
            continue
        path = os.path.join(folder, name)
        stack = []  # the condition of each open #if branch
        with open(path, encoding="utf-8") as f:
            lines = f.readlines()
        for number, line in enumerate(lines, 1):
            text = line.strip()
            if text.startswith("#if "):
                stack.append(text[4:])
                if "canImport(Glibc)" in text:
                    rest = "".join(lines[number:number + 8])
                    if "canImport(Darwin)" not in rest and "os(macOS)" not in rest:
                        problems.append(f"{path}:{number}: #if canImport(Glibc) without a Darwin branch")
            elif text.startswith("#elseif "):
                if stack:
                    stack[-1] = text[8:]
            elif text.startswith("#else"):
                if stack:
                    stack[-1] = "!(" + stack[-1] + ")"
            elif text.startswith("#endif"):
                if stack:
                    stack.pop()
            else:
                code = text.split("//")[0]
                for module, conditions in (("Glibc", ("canImport(Glibc)", "os(Linux)")),
                                           ("Darwin", ("canImport(Darwin)", "os(macOS)"))):
                    if re.search(r"\b" + module + r"\.\w", code):
                        if not stack or not any(c in stack[-1] and not stack[-1].startswith("!") for c in conditions):
                            problems.append(f"{path}:{number}: {module}.… outside a {conditions[0]} branch: {code}")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print("platform branches: ok")
