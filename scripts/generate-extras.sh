#!/usr/bin/env bash
# Shell completions (bash, zsh, fish) and man pages for blex and bled112-emulator, from swift-argument-parser.
# Usage: bash scripts/generate-extras.sh OUTPUT_DIR [debug|release]   (default: release)
# Writes OUTPUT_DIR/completions/{blex,bled112-emulator}.{bash,zsh,fish} and OUTPUT_DIR/man/man1/*.1.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
out="${1:?usage: generate-extras.sh OUTPUT_DIR [debug|release]}"
configuration="${2:-release}"
mkdir -p "$out/completions" "$out/man/man1"
swift build -c "$configuration" --product blex >/dev/null
swift build -c "$configuration" --product bled112-emulator >/dev/null
bin="$(swift build -c "$configuration" --show-bin-path)"
for tool in blex bled112-emulator; do
    for shell in bash zsh fish; do
        "$bin/$tool" --generate-completion-script "$shell" > "$out/completions/$tool.$shell"
    done
done
# The plugin writes one page per executable of the package.
rm -rf .build/plugins/GenerateManual/outputs
swift package --allow-writing-to-package-directory generate-manual --configuration "$configuration" --section 1 >/dev/null
cp .build/plugins/GenerateManual/outputs/blex/blex.1 .build/plugins/GenerateManual/outputs/bled112-emulator/bled112-emulator.1 \
    "$out/man/man1/"
ls "$out/completions" "$out/man/man1"
