#!/usr/bin/env bash
# Builds the benchmark's photo set: >= 200 photo-like JPEGs of 1.2 to 2.1
# megapixels, 4:2:0, in the folder given as $1 (created; reused when complete).
#
#   bash bench/make_photos.sh OUT_DIR
#
# Source: the 1080p camera clip ../shared/corpus/h264/VID_1920x1080_cabac_temporal_direct.264
# (real street footage, 54 frames; override with PXC_BENCH_CLIP). Every frame
# is written in four framings with ffmpeg's JPEG encoder at -q:v 3:
#   a_*.jpg  1920x1080  full frame                      2.07 MP
#   b_*.jpg  1440x1080  centre crop                     1.56 MP
#   c_*.jpg  1600x900   full frame scaled               1.44 MP
#   d_*.jpg  1280x960   centre crop 1440x1080, scaled   1.23 MP
# Without the clip or ffmpeg the set is synthesised with Pillow instead
# (bench/synth_photos.py: gradients, shapes, noise; quality 90, 4:2:0).
#
# The folder holds a .complete stamp naming its source; a folder whose stamp
# matches what would be generated now is reused as is.
set -euo pipefail

OUT=${1:?usage: make_photos.sh OUT_DIR}
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$HERE/.." && pwd)
CLIP=${PXC_BENCH_CLIP:-$ROOT/../shared/corpus/h264/VID_1920x1080_cabac_temporal_direct.264}
PYTHON=${PYTHON:-/usr/bin/python3}
MIN_PHOTOS=200
MAX_FRAMES=240

if [ -f "$CLIP" ] && command -v ffmpeg >/dev/null 2>&1; then
  want="clip:$(basename "$CLIP"):$(stat -c %s "$CLIP"):q3:v1"
else
  want="synthetic:pillow:q90:v1"
fi

count_jpegs() { find "$1" -maxdepth 1 -name '*.jpg' 2>/dev/null | wc -l; }

if [ -f "$OUT/.complete" ] && [ "$(cat "$OUT/.complete")" = "$want" ] && [ "$(count_jpegs "$OUT")" -ge "$MIN_PHOTOS" ]; then
  echo "photos: reusing $(count_jpegs "$OUT") JPEGs in $OUT ($want)"
  exit 0
fi

rm -rf "$OUT"
mkdir -p "$OUT"
t0=$(date +%s)
case "$want" in
  clip:*)
    echo "photos: decoding $(basename "$CLIP") with ffmpeg into $OUT ..."
    ffmpeg -nostdin -hide_banner -loglevel error -y -i "$CLIP" \
      -filter_complex "[0:v]split=4[a][b][c][d];[b]crop=1440:1080[bo];[c]scale=1600:900[co];[d]crop=1440:1080,scale=1280:960[do]" \
      -map "[a]"  -frames:v $MAX_FRAMES -q:v 3 -pix_fmt yuvj420p "$OUT/a_%04d.jpg" \
      -map "[bo]" -frames:v $MAX_FRAMES -q:v 3 -pix_fmt yuvj420p "$OUT/b_%04d.jpg" \
      -map "[co]" -frames:v $MAX_FRAMES -q:v 3 -pix_fmt yuvj420p "$OUT/c_%04d.jpg" \
      -map "[do]" -frames:v $MAX_FRAMES -q:v 3 -pix_fmt yuvj420p "$OUT/d_%04d.jpg"
    ;;
  synthetic:*)
    if [ ! -f "$CLIP" ]; then
      echo "photos: NOTE: camera clip $CLIP not found;"
    else
      echo "photos: NOTE: ffmpeg not available;"
    fi
    echo "photos: NOTE: synthesising photo-like images with Pillow instead (not real photos)"
    "$PYTHON" "$HERE/synth_photos.py" "$OUT" 216
    ;;
esac

n=$(count_jpegs "$OUT")
if [ "$n" -lt "$MIN_PHOTOS" ]; then
  echo "photos: only $n JPEGs were produced in $OUT (need $MIN_PHOTOS)" >&2
  exit 1
fi
echo "$want" > "$OUT/.complete"
echo "photos: $n JPEGs in $OUT ($want), $(du -sh "$OUT" | cut -f1), $(( $(date +%s) - t0 )) s"
