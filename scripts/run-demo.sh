#!/usr/bin/env bash
# `make run`: generates sample images and a sample video, then shows pixcodec's
# main jobs on them: inspecting, batch-converting on all cores, decode
# throughput, and video frames to images.
set -euo pipefail
BUILD=${1:-build}
TOOL="$BUILD/bin/pixcodec"
SAMPLES="$BUILD/samples"
OUT="$BUILD/demo-out"

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ ! -f "$SAMPLES/photo_000.jpg" ]; then
  say "Generating sample images in $SAMPLES"
  /usr/bin/python3 scripts/make-samples.py "$SAMPLES" 24
fi

say "pixcodec --version"
"$TOOL" --version

say "What this build can do: pixcodec codecs"
"$TOOL" codecs

say "Inspect: pixcodec info (headers only, no pixel decoding)"
"$TOOL" info "$SAMPLES/photo_000.jpg" "$SAMPLES/photo_004.jpg" "$SAMPLES/logo_rgba.png" \
  "$SAMPLES/drawing.bmp" "$SAMPLES/scan.ppm"

say "Batch convert every sample to PNG on all cores: pixcodec convert ... -o $OUT/png"
rm -rf "$OUT"
"$TOOL" convert "$SAMPLES"/* -o "$OUT/png" --format png
ls -l "$OUT/png" | head -8
echo "... $(ls "$OUT/png" | wc -l) files"

say "Re-encode the JPEGs at quality 80, 4:2:0, progressive: pixcodec convert ... -o $OUT/jpeg"
"$TOOL" convert "$SAMPLES"/photo_*.jpg -o "$OUT/jpeg" --format jpeg --quality 80 --subsampling 420 --progressive
du -sh "$SAMPLES" "$OUT/jpeg" | sed 's/^/  /'

say "A bad input among good ones: the others are still converted, the bad one is reported"
printf 'not an image' > "$OUT/broken.jpg"
head -c 2000 "$SAMPLES/photo_001.jpg" > "$OUT/truncated.jpg"
if "$TOOL" convert "$SAMPLES/photo_000.jpg" "$OUT/broken.jpg" "$OUT/truncated.jpg" -o "$OUT/mixed" --format png; then
  echo "unexpected: no failure reported" >&2
  exit 1
else
  echo "(exit status $? as expected; converted: $(ls "$OUT/mixed" | tr '\n' ' '))"
fi

say "Decode throughput (decode and discard, like ffmpeg -f null): pixcodec decode --repeat 3"
"$TOOL" decode "$SAMPLES"/photo_*.jpg --repeat 3 --threads 1
"$TOOL" decode "$SAMPLES"/photo_*.jpg --repeat 3

if command -v ffmpeg >/dev/null 2>&1; then
  CLIP="$SAMPLES/clip_h264.mp4"
  if [ ! -f "$CLIP" ]; then
    say "Generating a sample video with ffmpeg: $CLIP (4 s, 640x360, H.264 with B-frames)"
    ffmpeg -nostdin -v error -y -f lavfi -i testsrc2=size=640x360:rate=25:duration=4 \
      -c:v libx264 -bf 2 -g 25 -pix_fmt yuv420p "$CLIP.tmp.mp4" && mv "$CLIP.tmp.mp4" "$CLIP"
  fi
  say "Video: pixcodec video info (frame count from the packets, colour, rotation)"
  "$TOOL" video info "$CLIP"
  say "Video: every 25th frame as PNG, and frames 40..42 from an exact seek: pixcodec video frames"
  "$TOOL" video frames "$CLIP" -o "$OUT/frames" --every 25
  "$TOOL" video frames "$CLIP" -o "$OUT/frames" --start 40 --count 3
  ls "$OUT/frames" | tr '\n' ' '; echo
  say "Video decode throughput, YUV only and with RGB conversion: pixcodec video decode"
  "$TOOL" video decode "$CLIP" --repeat 2
  "$TOOL" video decode "$CLIP" --rgb --repeat 2
else
  say "Video: skipped (ffmpeg, which makes the sample clip, is not installed)"
fi

say "Done. Outputs are in $OUT"
