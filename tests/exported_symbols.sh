#!/usr/bin/env bash
# The shared library exports only pxc_ symbols.
set -euo pipefail
lib="$1"
bad=$(nm -D --defined-only "$lib" | awk '{print $3}' | grep -v '^pxc_' || true)
if [ -n "$bad" ]; then
  echo "symbols exported without the pxc_ prefix:"; echo "$bad"
  echo "0 passed, 1 failed"
  exit 1
fi
echo "exported symbols: $(nm -D --defined-only "$lib" | wc -l), all pxc_"
echo "1 passed, 0 failed"
