#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, -DPXC_FUZZ=ON) and runs each for
# FUZZ_SECONDS, one at a time, then prints executions and coverage per target.
#
#   fuzz/run.sh [target...]          default: every target
#   FUZZ_SECONDS=60  seconds per target
#   FUZZ_BUILD=/tmp/build-fuzz  build directory (corpora and artifacts live under it)
#   FUZZ_JOBS=2      build jobs
#   FUZZ_PARALLEL=1  targets fuzzed at the same time (one core each)
#   FUZZ_EXTRA=""    extra libFuzzer flags (e.g. -max_len=65536)
#
# Corpora: $FUZZ_BUILD/fuzz/corpus/<target> (kept between runs; libFuzzer adds
# new inputs there), seeded from the generated seeds, tests/crashers and
# ../shared/corpus when present. Crashes, hangs and leaks go to
# $FUZZ_BUILD/fuzz/artifacts/<target>-crash-*, -timeout-*, -leak-*, -oom-*.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${FUZZ_BUILD:-/tmp/build-fuzz}
SECONDS_PER=${FUZZ_SECONDS:-60}
JOBS=${FUZZ_JOBS:-2}
ALL=(jpeg png bmp pnm jpeg2k tiff webp generic encode
     encode_jpeg encode_png encode_bmp encode_pnm encode_jpeg2k encode_tiff encode_webp)
for t in demux video_decode; do [ -f "$ROOT/fuzz/fuzz_$t.c" ] && ALL+=("$t"); done
PARALLEL=${FUZZ_PARALLEL:-1}
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=("${ALL[@]}")

CC_BIN=${CC:-clang}
case "$CC_BIN" in *clang*) ;; *) CC_BIN=clang ;; esac
if [ ! -f "$BUILD/CMakeCache.txt" ]; then
  CC=$CC_BIN cmake -S "$ROOT" -B "$BUILD" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPXC_FUZZ=ON -DPXC_SANITIZE=ON -DPXC_BUILD_PYTHON=OFF -DPXC_BUILD_BENCH=OFF >/dev/null
fi
cmake --build "$BUILD" -j "$JOBS" --target fuzz_all

FZ=$BUILD/fuzz
ART=$FZ/artifacts
LOGS=$FZ/logs
mkdir -p "$ART" "$LOGS"
rm -rf "$FZ/seeds"
ASAN_OPTIONS=detect_leaks=0 "$FZ/pxc_fuzz_gen_seeds" "$FZ/seeds" >/dev/null

# Copies files no larger than 256 KiB into a corpus dir, with the default
# decode-option trailer (fuzz_common.h) appended.
add_with_trailer() {  # src_dir dst_dir prefix
  [ -d "$1" ] || return 0
  local f
  for f in "$1"/*; do
    [ -f "$f" ] || continue
    [ "$(stat -c %s "$f")" -le 262144 ] || continue
    { cat "$f"; printf '\x03\x10\x00\x80'; } > "$2/$3$(basename "$f")"
  done
}
SHARED=$ROOT/../shared/corpus
for t in "${TARGETS[@]}"; do
  c=$FZ/corpus/$t
  mkdir -p "$c"
  cp -f "$FZ/seeds/$t"/* "$c"/ 2>/dev/null || true
  for f in "$ROOT"/tests/crashers/"$t"-*; do [ -f "$f" ] && cp -f "$f" "$c/"; done
  case $t in
    png) add_with_trailer "$SHARED/png" "$c" shared- ;;
    jpeg2k) add_with_trailer "$SHARED/jpeg2000" "$c" shared- ;;
    webp) add_with_trailer "$SHARED/webp" "$c" shared- ;;
    generic) for d in png jpeg2000 webp; do add_with_trailer "$SHARED/$d" "$c" "shared-$d-"; done ;;
    # any input of the all-encoders target is an input of each per-encoder one
    encode_*) [ -d "$FZ/corpus/encode" ] && find "$FZ/corpus/encode" -maxdepth 1 -type f -exec cp -n {} "$c"/ \; ;;
  esac
done

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
summary=$LOGS/summary.txt
# Fuzzes one target and writes its summary line to $LOGS/<target>.line.
fuzz_one() {
  local t=$1 log=$LOGS/$1.log maxlen="" rc execs speed covl cov ft result
  echo "== fuzz_$t for ${SECONDS_PER}s (log $log)"
  # the shared JPEG 2000 / WebP files reach 256 KiB; OpenJPEG on inputs that size runs ~80/s
  case $t in jpeg2k|generic) maxlen=-max_len=65536 ;; esac
  set +e
  # shellcheck disable=SC2086
  "$FZ/fuzz_$t" "$FZ/corpus/$t" -max_total_time="$SECONDS_PER" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$ART/$t-" $maxlen ${FUZZ_EXTRA:-} >"$log" 2>&1
  rc=$?
  set -e
  execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  speed=$(grep -o 'stat::average_exec_per_sec: *[0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
  covl=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
  cov=$(echo "$covl" | grep -o 'cov: [0-9]*' | grep -o '[0-9]*' || true)
  ft=$(echo "$covl" | grep -o 'ft: [0-9]*' | grep -o '[0-9]*' || true)
  if [ -z "$execs" ]; then execs=$(echo "$covl" | sed -E 's/^#([0-9]+).*/\1/'); fi
  if [ $rc -eq 0 ]; then result=ok; else
    result="FOUND (rc $rc): $(grep -o "$ART/$t-[a-z-]*[0-9a-f]*" "$log" | tail -1)"
  fi
  printf '%-14s %10s %8s %8s %8s  %s\n' "$t" "${execs:-?}" "${speed:-?}" "${cov:-?}" "${ft:-?}" "$result" \
    > "$LOGS/$t.line"
}

running=0
for t in "${TARGETS[@]}"; do
  rm -f "$LOGS/$t.line"
  fuzz_one "$t" &
  running=$((running + 1))
  if [ $running -ge "$PARALLEL" ]; then wait -n || true; running=$((running - 1)); fi
done
wait
printf '%-14s %10s %8s %8s %8s  %s\n' target execs exec/s cov ft result > "$summary"
found=0
for t in "${TARGETS[@]}"; do
  if [ -f "$LOGS/$t.line" ]; then cat "$LOGS/$t.line" >> "$summary"; else echo "$t: no result" >> "$summary"; fi
  grep -q ' ok$' "$LOGS/$t.line" 2>/dev/null || found=1
done
echo
cat "$summary"
echo
echo "corpora: $FZ/corpus/<target>; logs: $LOGS; crash/hang/leak inputs: $ART"
if [ $found -ne 0 ]; then
  echo "Some targets found problems; minimise with: $FZ/fuzz_<target> -minimize_crash=1 -runs=10000 <artifact>"
  exit 1
fi
