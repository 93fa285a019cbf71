#!/usr/bin/env bash
# Rebuilds the clean room's example programs (src/main/resources/cleanroom/*.wasm) from their C
# sources with clang's wasm32 target and wasm-ld (Debian 12: apt-get install clang lld, clang 14).
# The committed .wasm files are what studies name by hash; CleanRoomExamplesBuildTest checks that
# this script reproduces them byte for byte where clang is installed.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="${1:-$here/../resources/cleanroom}"
mkdir -p "$out"
for name in median stump; do
  clang --target=wasm32 -O2 -nostdlib -ffreestanding -Wl,--no-entry -Wl,--export=run -Wl,--strip-all \
    -Wl,--initial-memory=131072 -Wl,--max-memory=4194304 -o "$out/$name.wasm" "$here/$name.c"
  chmod 644 "$out/$name.wasm"
done
