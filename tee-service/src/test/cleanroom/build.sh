#!/usr/bin/env bash
# Rebuilds the clean room's attack and test fixtures (src/test/resources/cleanroom/*.wasm) from
# their C sources with clang's wasm32 target and wasm-ld (Debian: apt-get install clang lld).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
out="$here/../resources/cleanroom"
mkdir -p "$out"
for source in "$here"/*.c; do
  name="$(basename "$source" .c)"
  max=1048576  # 16 pages
  if [ "$name" = hog ]; then max=4294967296; fi  # declares 4 GiB: refused at load
  clang --target=wasm32 -O2 -nostdlib -Wl,--no-entry -Wl,--export=run -Wl,--strip-all \
    -Wl,--initial-memory=131072 -Wl,--max-memory=$max -o "$out/$name.wasm" "$source"
done
