#!/usr/bin/env bash
# `make test-sanitize`: the C and Python test suites under AddressSanitizer +
# UndefinedBehaviorSanitizer, and the threaded C tests under ThreadSanitizer.
# Build folders: build-asan (gcc) and build-tsan (clang).
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${JOBS:-$(nproc)}
PYTHON=${PYTHON:-/usr/bin/python3}

echo "== ASan + UBSan build (build-asan)"
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPXC_SANITIZE=ON -DPXC_CUDA=OFF -DPXC_BUILD_BENCH=OFF >/dev/null
cmake --build build-asan -j "$JOBS"

echo "== C tests under ASan + UBSan (leak detection on)"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:detect_stack_use_after_return=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir build-asan --output-on-failure -j "$JOBS"

echo "== Python tests under ASan + UBSan"
# The sanitizer runtimes must be loaded before the interpreter's own libraries. CPython itself
# is not built for leak checking, so leaks are not reported here (the C tests check them);
# memory-growth tests measure RSS, which ASan's quarantine inflates, and the packaging tests
# build unsanitized copies: those are left to `make test`.
asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
LD_PRELOAD="$asan:$ubsan" ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 \
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 PXC_BUILD_DIR="$PWD/build-asan" PXC_SANITIZED=1 \
  "$PYTHON" -m pytest -q -p no:cacheprovider tests/python --deselect tests/python/test_packaging.py

if command -v clang >/dev/null 2>&1; then
  echo "== ThreadSanitizer build (build-tsan, clang)"
  CC=clang cmake -S . -B build-tsan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPXC_BUILD_BENCH=OFF \
    -DPXC_BUILD_PYTHON=OFF -DPXC_CUDA=OFF -DPXC_NO_UNDEFINED=OFF -DPXC_WERROR=ON \
    -DCMAKE_C_FLAGS="-fsanitize=thread" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=thread" \
    -DCMAKE_SHARED_LINKER_FLAGS="-fsanitize=thread" >/dev/null
  cmake --build build-tsan -j "$JOBS" --target pixcodec test_core pixcodec_tool
  echo "== Threaded tests under TSan"
  TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1 build-tsan/tests/test_core
  # a batch conversion on every core through the tool
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  "$PYTHON" scripts/make-samples.py "$tmp/in" 8 >/dev/null
  TSAN_OPTIONS=halt_on_error=1 build-tsan/bin/pixcodec convert "$tmp/in"/* -o "$tmp/out" --format png --threads 4
  TSAN_OPTIONS=halt_on_error=1 build-tsan/bin/pixcodec decode "$tmp/in"/*.jpg --threads 4 --repeat 2
else
  echo "== clang not found: ThreadSanitizer run skipped"
fi
echo "test-sanitize: all passed"
