#!/usr/bin/env bash
# JPEG decode benchmark: pixcodec against bare TurboJPEG and Pillow, and
# pixcodec's Python package against Pillow, OpenCV and pixcodec's own tool.
#
#   bash bench/run.sh [BUILD_DIR]        (what `make bench` runs; default: build)
#
# Needs BUILD_DIR/bench/jpeg_batch (built when libturbojpeg is found) and
# /usr/bin/python3 with Pillow. The photo set is generated once into
# BUILD_DIR/bench-photos (see bench/make_photos.sh) and reused. The Python
# section (bench/python_decode.py) imports pixcodec from BUILD_DIR/python and
# also uses numpy, OpenCV (cv2) and BUILD_DIR/bin/pixcodec; when the package
# cannot be imported it says so and is skipped.
#
# Environment knobs:
#   BENCH_REPS=7      timed passes per row of jpeg_batch (best and median reported)
#   BENCH_BATCH=64    images per pxc_decode_batch call (0 = the whole set)
#   BENCH_THREADS=0   threads of the batch context (0 = all online cores)
#   PILLOW_REPS=5     timed passes of the Pillow loop
#   BENCH_PHOTOS=DIR  use this photo folder instead of BUILD_DIR/bench-photos
#   BENCH_PYTHON=1    0 skips the Python section
#   PY_REPS=5         timed passes per row of the Python section
#   PY_BATCH=32       images per Decoder.decode() call (and per call of the tool)
#
# The benchmark reports; it never fails because of a timing. It exits non-zero
# only when it cannot run or when pixcodec's pixels differ from TurboJPEG's.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
BUILD=${1:-build}
case "$BUILD" in /*) ;; *) BUILD="$ROOT/$BUILD" ;; esac
PYTHON=${PYTHON:-/usr/bin/python3}
REPS=${BENCH_REPS:-7}
BATCH=${BENCH_BATCH:-64}
THREADS=${BENCH_THREADS:-0}
PILLOW_REPS=${PILLOW_REPS:-5}
PHOTOS=${BENCH_PHOTOS:-$BUILD/bench-photos}
BENCH_PYTHON=${BENCH_PYTHON:-1}
PY_REPS=${PY_REPS:-5}
PY_BATCH=${PY_BATCH:-32}
CLIP=${PXC_BENCH_CLIP:-$ROOT/../shared/corpus/h264/VID_1920x1080_cabac_temporal_direct.264}
export PXC_BENCH_CLIP=$CLIP PYTHON

BIN="$BUILD/bench/jpeg_batch"
if [ ! -x "$BIN" ]; then
  echo "bench: $BIN is missing. It is built only when CMake finds libturbojpeg" >&2
  echo "bench: (Debian: libturbojpeg0-dev); install it, re-run cmake on $BUILD and build again." >&2
  exit 1
fi

# ---- ffmpeg, to turn the camera clip into photos ---------------------------
apt_install() {
  local sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1; then sudo="sudo"; else return 1; fi
  fi
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 && return 0
  $sudo apt-get update -qq >/dev/null 2>&1 || return 1
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1
}
if [ -f "$CLIP" ] && ! command -v ffmpeg >/dev/null 2>&1 && ! grep -qs '^clip:' "$PHOTOS/.complete"; then
  echo "bench: ffmpeg not found; installing Debian's ffmpeg with apt-get ..."
  if ! apt_install ffmpeg || ! command -v ffmpeg >/dev/null 2>&1; then
    echo "bench: could not install ffmpeg; the photo set will be synthesised instead"
  fi
fi
# A cached set made from the clip stays valid without ffmpeg.
if [ -f "$PHOTOS/.complete" ] && grep -q '^clip:' "$PHOTOS/.complete" && ! command -v ffmpeg >/dev/null 2>&1 \
   && [ "$(find "$PHOTOS" -maxdepth 1 -name '*.jpg' | wc -l)" -ge 200 ]; then
  echo "photos: reusing $(find "$PHOTOS" -maxdepth 1 -name '*.jpg' | wc -l) JPEGs in $PHOTOS ($(cat "$PHOTOS/.complete"))"
else
  bash "$HERE/make_photos.sh" "$PHOTOS"
fi

# ---- machine ---------------------------------------------------------------
CPU=$(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/.*: //' || true)
echo
echo "machine: $(nproc) online cores, ${CPU:-unknown CPU}, $(uname -sr)"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)   (figures are only comparable on a quiet machine)"
echo "libturbojpeg $(pkg-config --modversion libturbojpeg 2>/dev/null || echo '?')"
echo

LOG_DIR="$BUILD/bench"
C_LOG="$LOG_DIR/jpeg_batch.out"
P_LOG="$LOG_DIR/pillow_decode.out"
Y_LOG="$LOG_DIR/python_decode.out"

# ---- pixcodec and TurboJPEG ------------------------------------------------
echo "== jpeg_batch: TurboJPEG and pixcodec ($REPS passes per row, interleaved) =="
c_rc=0
"$BIN" --reps "$REPS" --batch "$BATCH" --threads "$THREADS" "$PHOTOS" > "$C_LOG" || c_rc=$?
grep -v '^@@ ' "$C_LOG" || true
if [ "$c_rc" -ne 0 ] && ! grep -q '^@@ check' "$C_LOG"; then
  echo "bench: jpeg_batch failed (exit $c_rc)" >&2
  exit "$c_rc"
fi

# ---- Pillow ----------------------------------------------------------------
echo
echo "== Pillow ($PILLOW_REPS passes) =="
p_rc=0
"$PYTHON" "$HERE/pillow_decode.py" --reps "$PILLOW_REPS" "$PHOTOS" > "$P_LOG" || p_rc=$?
grep -v '^@@ ' "$P_LOG" || true
[ "$p_rc" -eq 0 ] || echo "bench: the Pillow run failed (exit $p_rc); its column is left empty" >&2

# ---- Python: pixcodec package, Pillow, OpenCV, pixcodec tool ---------------
# Never fails the bench: a missing package skips the section, a failed run
# leaves its rows empty.
echo
if [ "$BENCH_PYTHON" = 0 ]; then
  echo "== Python: skipped (BENCH_PYTHON=0) =="
  echo "@@ py_status off" > "$Y_LOG"
else
  echo "== Python: bytes in memory -> numpy array ($PY_REPS passes per row, interleaved) =="
  y_rc=0
  PYTHONPATH="$BUILD/python${PYTHONPATH:+:$PYTHONPATH}" "$PYTHON" "$HERE/python_decode.py" \
    --reps "$PY_REPS" --batch "$PY_BATCH" --tool "$BUILD/bin/pixcodec" "$PHOTOS" > "$Y_LOG" || y_rc=$?
  grep -v '^@@ ' "$Y_LOG" || true
  [ "$y_rc" -eq 0 ] || echo "bench: the Python run failed (exit $y_rc); its rows are left empty" >&2
fi

# ---- summary ---------------------------------------------------------------
echo
cat "$C_LOG" "$P_LOG" "$Y_LOG" 2>/dev/null | awk '
  /^@@ / { v[$2] = $3 }
  function row(label, key,   b, m) {
    b = v[key "_ips_best"]; m = v[key "_ips_median"]
    if (b == "") { printf "  %-56s %10s\n", label, "-"; return }
    printf "  %-56s %10.1f %10.1f %10.1f\n", label, b, m, v[key "_mps_best"]
  }
  function ratio(label, num, den, target,   a, b, r, verdict) {
    a = v[num "_ips_best"]; b = v[den "_ips_best"]
    if (a == "" || b == "" || b == 0) { printf "  %-56s %10s\n", label, "-"; return }
    r = a / b
    if (target > 0) verdict = sprintf("%8.2f   %s", target, (r >= target ? "PASS" : "MISS"))
    else verdict = sprintf("%8s", "-")
    printf "  %-56s %10.2f %10.2f   %s\n", label, r, v[num "_ips_median"] / v[den "_ips_median"], verdict
  }
  END {
    printf "== summary: %s photos, %.2f MP each on average; batch: %s threads, %s images per call ==\n",
      v["images"], v["megapixels"] / v["images"], v["threads"], v["batch"]
    printf "  %-56s %10s %10s %10s\n", "throughput", "images/s", "(median)", "MP/s"
    row("(a)  TurboJPEG, 1 thread, fast upsampling", "tj_fast")
    row("(a\047) TurboJPEG, 1 thread, its defaults (fancy upsampling)", "tj_fancy")
    row("(b)  pixcodec single image, 1 thread, default", "pxc_fast")
    row("(b\047) pixcodec single image, 1 thread, fancy_upsampling=1", "pxc_fancy")
    row("(c)  pixcodec batch, all cores, default", "batch_fast")
    row("(c\047) pixcodec batch, all cores, fancy_upsampling=1", "batch_fancy")
    row("(d)  pixcodec batch into reused buffers, default", "reuse_fast")
    row("(d\047) pixcodec batch into reused buffers, fancy=1", "reuse_fancy")
    row("(p)  Pillow, 1 thread (fancy upsampling)", "pillow")
    printf "\n  %-56s %10s %10s   %8s\n", "ratio (of images/s)", "best", "(median)", "target"
    ratio("pixcodec batch / TurboJPEG 1 thread          (c)/(a)", "batch_fast", "tj_fast", 1.8)
    ratio("pixcodec batch, reused buffers / TurboJPEG   (d)/(a)", "reuse_fast", "tj_fast", 0)
    ratio("pixcodec batch / Pillow                      (c)/(p)", "batch_fast", "pillow", 2.0)
    ratio("pixcodec batch, reused buffers / Pillow      (d)/(p)", "reuse_fast", "pillow", 0)
    ratio("pixcodec batch fancy / Pillow, like for like (c\047)/(p)", "batch_fancy", "pillow", 0)
    ratio("pixcodec single / TurboJPEG                  (b)/(a)", "pxc_fast", "tj_fast", 0.95)
    ratio("pixcodec single / TurboJPEG, fancy         (b\047)/(a\047)", "pxc_fancy", "tj_fancy", 0)
    printf "\n  byte-for-byte check pixcodec == TurboJPEG: %s\n", (v["check"] == "" ? "not run" : v["check"])
    if (v["py_status"] == "ok") {
      printf "\n  %-56s %10s %10s %10s\n", "Python: JPEG bytes in memory -> numpy array", "images/s", "(median)", "MP/s"
      row(sprintf("(e)  pixcodec Decoder().decode, %d per call, default", v["py_batch"]), "py_pxc")
      row(sprintf("(e\047) pixcodec, %d per call, fancy_upsampling=1", v["py_batch"]), "py_pxc_fancy")
      row("(f)  pixcodec, the whole list in one call, default", "py_pxc_all")
      row("(g)  pixcodec, one image per call, default", "py_pxc_single")
      row("(q)  Pillow + numpy.asarray, 1 thread (fancy)", "py_pillow")
      row("(o)  OpenCV cv2.imdecode, 1 thread (fancy; BGR)", "py_opencv")
      row(sprintf("(t)  C tool pixcodec decode, %d per call, %s threads", v["py_batch"],
                  (v["py_tool_threads"] == "" ? "all" : v["py_tool_threads"])), "py_tool")
      row("(t\047) the same in a fresh Python process", "py_twin")
      printf "\n  %-56s %10s %10s   %8s\n", "ratio (of images/s)", "best", "(median)", "target"
      ratio("pixcodec Python / Pillow                     (e)/(q)", "py_pxc", "py_pillow", 2.0)
      ratio("pixcodec Python / OpenCV                     (e)/(o)", "py_pxc", "py_opencv", 1.8)
      ratio("pixcodec Python / C tool, same runs        (t\047)/(t)", "py_twin", "py_tool", 0.95)
      ratio("pixcodec Python fancy / Pillow, like for like (e\047)/(q)", "py_pxc_fancy", "py_pillow", 0)
      ratio("pixcodec Python fancy / OpenCV, like for like (e\047)/(o)", "py_pxc_fancy", "py_opencv", 0)
      ratio("whole list in one call / batches             (f)/(e)", "py_pxc_all", "py_pxc", 0)
      ratio("pixcodec Python, warm passes / C tool        (e)/(t)", "py_pxc", "py_tool", 0)
      ratio("one image per call / C pxc_decode, 1 thread  (g)/(b)", "py_pxc_single", "pxc_fast", 0)
      printf "\n  Python check (sizes, zero-copy numpy.asarray, fancy == Pillow == OpenCV): %s\n", v["py_check"]
      printf "  (t\047)/(t) is the cost of the Python layer (target: under 5%%): both are fresh processes\n"
      printf "  timing %s passes, the cold first one included; (e) has no cold pass. (g)/(b) compares\n",
             (v["py_tool_repeat"] == "" ? "the same" : v["py_tool_repeat"])
      print  "  runs that were not interleaved. OpenCV returns BGR; no conversion is timed."
    } else if (v["py_status"] == "skipped") {
      print  "\n  Python section: skipped, the pixcodec package (or numpy) is not importable (see above)"
    } else if (v["py_status"] == "off") {
      print  "\n  Python section: off (BENCH_PYTHON=0)"
    } else {
      print  "\n  Python section: did not complete (see above)"
    }
    print  "  PASS/MISS compare the best passes with the targets; they are information only."
    print  "  Timings taken while other work runs on the machine are not representative."
  }'
echo
echo "(full outputs: $C_LOG, $P_LOG, $Y_LOG)"
if [ "$c_rc" -ne 0 ]; then
  echo "bench: pixcodec output differs from TurboJPEG output (see above)" >&2
  exit "$c_rc"
fi

# ===========================================================================
# JPEG 2000 decode benchmark (bench/j2k_bench.py): pixcodec batch on all cores
# against opj_decompress -threads 1 (whole runs) and Pillow, on 4-megapixel
# lossless and lossy JP2 files made from the photo set. Knobs: BENCH_J2K=0
# skips it; J2K_IMAGES (default 6) and J2K_REPS (default 3). Information only:
# it never changes the exit status.
# ===========================================================================
if [ "${BENCH_J2K:-1}" != "0" ]; then
  echo
  echo "=== JPEG 2000 ==="
  PXC_BUILD_DIR="$BUILD" /usr/bin/python3 "$HERE/j2k_bench.py" "$PHOTOS" ||
    echo "bench: JPEG 2000 section did not complete (see above)" >&2
fi

# ===========================================================================
# Video decode benchmark (bench/video_bench.py): pixcodec against PyAV, OpenCV
# and the ffmpeg CLI on 1080p H.264 and HEVC, sequential to RGB, decode only,
# and random access. Knobs: BENCH_VIDEO=0 skips it; VIDEO_REPS (default 3).
# Information only: it never changes the exit status.
# ===========================================================================
if [ "${BENCH_VIDEO:-1}" != "0" ]; then
  echo
  echo "=== Video ==="
  PXC_BUILD_DIR="$BUILD" /usr/bin/python3 "$HERE/video_bench.py" --reps "${VIDEO_REPS:-3}" ||
    echo "bench: video section did not complete (see above)" >&2
fi
