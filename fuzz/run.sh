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
    -DPXC_FUZZ=ON -DPXC_SANITIZE=ON -DPXC_CUDA=OFF -DPXC_BUILD_PYTHON=OFF -DPXC_BUILD_BENCH=OFF >/dev/null
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
    # small clips made with the ffmpeg CLI (when present), each with a seek trailer (fuzz_demux.c)
    demux)
      if command -v ffmpeg >/dev/null 2>&1; then
        tmp=$(mktemp -d)
        src="-f lavfi -i testsrc2=size=64x48:rate=25 -frames:v 8"
        gen() {  # name args...
          local name=$1; shift
          # shellcheck disable=SC2086
          ffmpeg -nostdin -hide_banner -loglevel error -y $src "$@" "$tmp/$name" >/dev/null 2>&1 || return 0
          { cat "$tmp/$name"; printf '\x05\x00\x06\x83'; } > "$c/seed-$name"
        }
        gen h264.mp4 -c:v libx264 -bf 2 -g 4
        gen h264.mkv -c:v libx264 -bf 2 -g 4
        gen h264.ts -c:v libx264 -bf 2 -g 4
        gen h264.avi -c:v libx264 -bf 2 -g 4
        gen h264.h264 -c:v libx264 -bf 2 -g 4
        gen hevc.hevc -c:v libx265 -x265-params log-level=none:keyint=4:bframes=2
        gen hevc.mp4 -c:v libx265 -x265-params log-level=none:keyint=4:bframes=2
        gen vp9.ivf -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 4
        gen vp9.webm -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 4
        gen mpeg4.avi -c:v mpeg4 -bf 2 -g 4
        rm -rf "$tmp"
      fi ;;
    # tiny clips made with the ffmpeg CLI (when present), split into packets by ffprobe and written in
    # fuzz_video_decode.c's form: codec byte, 2-byte little-endian length + bytes per packet, params byte
    video_decode)
      if command -v ffmpeg >/dev/null 2>&1 && command -v ffprobe >/dev/null 2>&1; then
        tmp=$(mktemp -d)
        vgen() {  # codec_byte params_byte name args...
          local cb=$1 pb=$2 name=$3; shift 3
          # shellcheck disable=SC2086
          ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=64x48:rate=25 -frames:v 6 \
            "$@" "$tmp/$name" >/dev/null 2>&1 || return 0
          ffprobe -v error -select_streams v:0 -show_packets -show_data -of json "$tmp/$name" 2>/dev/null |
            /usr/bin/python3 -c '
import json, re, sys
cb, pb, out = int(sys.argv[1], 0), int(sys.argv[2], 0), sys.argv[3]
blob = bytearray([cb])
for p in json.load(sys.stdin).get("packets", []):
    data = bytearray()
    for line in p.get("data", "").splitlines():
        m = re.match(r"[0-9a-f]{8}: ((?:[0-9a-f]{2,4} ?)+)", line)
        if m: data += bytes.fromhex(m.group(1).replace(" ", ""))
    data = data[:65535]
    blob += len(data).to_bytes(2, "little") + data
blob.append(pb)
open(out, "wb").write(blob)' "$cb" "$pb" "$c/seed-$name" || true
        }
        vgen 0 3 h264.h264 -c:v libx264 -bf 2 -g 4
        vgen 0 0x69 h264_10.h264 -c:v libx264 -bf 2 -g 4 -pix_fmt yuv420p10le
        vgen 0 0x52 h264_444.h264 -c:v libx264 -pix_fmt yuv444p
        vgen 0 0xb4 h264_422.h264 -c:v libx264 -pix_fmt yuv422p
        vgen 1 7 hevc.hevc -c:v libx265 -x265-params log-level=none:keyint=4:bframes=2
        vgen 1 0x2a hevc_10.hevc -c:v libx265 -x265-params log-level=none -pix_fmt yuv420p10le
        vgen 1 0x49 hevc_gray.hevc -c:v libx265 -x265-params log-level=none -pix_fmt gray
        vgen 2 3 av1.ivf -c:v libaom-av1 -cpu-used 8 -usage realtime
        vgen 3 0x13 vp9.ivf -c:v libvpx-vp9 -deadline realtime -cpu-used 8 -g 4
        vgen 4 0x21 mpeg4.m4v -c:v mpeg4 -bf 2 -g 4
        rm -rf "$tmp"
      fi ;;
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
