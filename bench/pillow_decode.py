"""Pillow JPEG decode throughput on the benchmark's photo set (one process,
one thread), for comparison with bench/jpeg_batch.

    /usr/bin/python3 bench/pillow_decode.py [--reps N] [--limit N] PATH...

PATH is a JPEG file or a folder (every *.jpg / *.jpeg in it, sorted). All
files are read into memory first. One pass decodes every image the way a
typical loader does: Image.open(BytesIO(data)).convert("RGB"), then load().
Pillow's defaults are used (libjpeg-turbo underneath, smooth "fancy" chroma
upsampling, integer slow DCT); for an RGB JPEG convert("RGB") returns a copy,
as it does in such loaders. The passes are repeated --reps times and the best
and median pass are reported.

Lines starting with "@@ " are for bench/run.sh: "@@ key value".
"""
import argparse
import io
import os
import statistics
import sys
import time

import PIL
from PIL import Image, features


def collect(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            names = sorted(n for n in os.listdir(p)
                           if not n.startswith(".") and n.lower().endswith((".jpg", ".jpeg")))
            files.extend(os.path.join(p, n) for n in names)
        else:
            files.append(p)
    return files


def decode_pass(blobs):
    sink = 0
    for data in blobs:
        im = Image.open(io.BytesIO(data))
        rgb = im.convert("RGB")
        rgb.load()
        sink ^= rgb.size[0]
    return sink


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--reps", type=int, default=5)
    ap.add_argument("--limit", type=int, default=0)
    args = ap.parse_args()

    files = collect(args.paths)
    if args.limit > 0:
        files = files[:args.limit]
    if not files:
        sys.exit("pillow_decode: no JPEG files given")
    blobs = []
    megapixels = 0.0
    for f in files:
        with open(f, "rb") as fh:
            blobs.append(fh.read())
    for data in blobs:
        with Image.open(io.BytesIO(data)) as im:
            megapixels += im.size[0] * im.size[1] / 1e6

    try:
        turbo = features.version("libjpeg_turbo")
    except Exception:  # older Pillow: no such feature
        turbo = None
    print("Pillow %s, libjpeg %s%s; %d files, %.1f megapixels"
          % (PIL.__version__, features.version("jpg"),
             " (libjpeg-turbo %s)" % turbo if turbo else "", len(files), megapixels))

    decode_pass(blobs)  # warm-up
    times = []
    for _ in range(max(1, args.reps)):
        t0 = time.perf_counter()
        decode_pass(blobs)
        times.append(time.perf_counter() - t0)
    best, med = min(times), statistics.median(times)
    n = len(blobs)
    print("%-48s %9s %9s %8s %8s %9s" % ("row (best of the timed passes, median also)", "images/s", "(median)",
                                         "MP/s", "(median)", "ms/image"))
    print("%-48s %9.1f %9.1f %8.1f %8.1f %9.2f" % ("(p)  Pillow, 1 thread, open+convert('RGB')+load", n / best,
                                                   n / med, megapixels / best, megapixels / med, 1e3 * best / n))
    print("@@ pillow_images %d" % n)
    print("@@ pillow_ips_best %.3f" % (n / best))
    print("@@ pillow_ips_median %.3f" % (n / med))
    print("@@ pillow_mps_best %.3f" % (megapixels / best))
    print("@@ pillow_version %s" % PIL.__version__)


if __name__ == "__main__":
    main()
