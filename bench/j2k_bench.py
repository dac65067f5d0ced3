#!/usr/bin/env python3
"""JPEG 2000 decode benchmark: pixcodec (all cores, batch) vs opj_decompress
(-threads 1, whole runs) vs Pillow, on 4-megapixel lossless and lossy files.

    PXC_BUILD_DIR=build /usr/bin/python3 bench/j2k_bench.py [PHOTO_DIR]

Test images: 2304 x 1728 RGB (4.0 MP) built from the photos in PHOTO_DIR
(default BUILD/bench-photos, from bench/make_photos.sh: two 1920 x 1080 frames
side by side, cropped) or, when absent, synthesised (smooth gradients, edges
and noise). pixcodec writes them as JP2: lossless (5/3) and lossy (9/7,
target PSNR 40 dB), default code blocks, 5 resolutions, RPCL.

Rows (images/s; best and median of REPS passes over IMAGES files each):
  pixcodec  pxc_decode_batch on a context with all online cores (OpenJPEG's
            own threads follow the context too), decoded to RGB u8
  opj       opj_decompress -threads 1 -o file.ppm, one process per file, whole
            run timed (process start and PPM writing included)
  Pillow    Image.open + load (libopenjp2 underneath, one thread)
Knobs: J2K_IMAGES (default 6), J2K_REPS (default 3).
"""
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "python"))
import pxc  # noqa: E402

W, H = 2304, 1728
N = int(os.environ.get("J2K_IMAGES", "6"))
REPS = int(os.environ.get("J2K_REPS", "3"))


def photos(n):
    d = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else pxc.BUILD / "bench-photos"
    files = sorted(d.glob("*.jpg")) if d.is_dir() else []
    out = []
    try:
        from PIL import Image
    except ImportError:
        Image = None
    if Image is not None and len(files) >= 2:
        for i in range(n):
            a = Image.open(files[(2 * i) % len(files)]).convert("RGB").resize((W // 2 + 1, H))
            b = Image.open(files[(2 * i + 1) % len(files)]).convert("RGB").resize((W // 2 + 1, H))
            out.append(np.concatenate([np.asarray(a), np.asarray(b)], axis=1)[:, :W].copy())
        return out, str(d)
    rng = np.random.default_rng(7)
    y, x = np.mgrid[0:H, 0:W]
    for i in range(n):
        base = 128 + 60 * np.sin(x / (90.0 + 7 * i)) * np.cos(y / 70.0) + 40 * ((x // 300 + y // 200) % 2)
        img = np.stack([base, base * 0.8 + 30, 255 - base], axis=2) + rng.normal(0, 6, (H, W, 3))
        out.append(np.clip(img, 0, 255).astype(np.uint8))
    return out, "synthesised"


def timed(fn):
    runs = []
    for _ in range(REPS):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return N / min(runs), N / statistics.median(runs)


def main():
    imgs, src = photos(N)
    ctx = pxc.Context(num_threads=0)
    tmp = pathlib.Path(tempfile.mkdtemp(prefix="j2k_bench_"))
    opj = shutil.which("opj_decompress")
    try:
        from PIL import Image, features
        have_pil = bool(features.check_codec("jpg_2000"))
    except ImportError:
        have_pil = False
    print(f"JPEG 2000 decode, {N} images of {W} x {H} RGB ({W * H / 1e6:.1f} MP) from {src}, "
          f"{os.cpu_count()} CPUs online, best/median of {REPS} passes")
    results = {}
    for kind, params in (("lossless", dict(jpeg2k_reversible=1)),
                         ("lossy", dict(jpeg2k_reversible=0, target_psnr=40.0))):
        files = []
        for i, a in enumerate(imgs):
            data = ctx.encode(a, "jpeg2k", jpeg2k_bitstream_type=1, **params)
            p = tmp / f"{kind}_{i}.jp2"
            p.write_bytes(data)
            files.append(p)
        blobs = [p.read_bytes() for p in files]
        mb = sum(len(b) for b in blobs) / len(blobs) / 1e6
        # correctness first: pixcodec == Pillow on every file
        check = "not checked (no Pillow JPEG 2000)"
        if have_pil:
            same = all(np.array_equal(ctx.decode(b, color_spec="rgb"), np.asarray(Image.open(p)))
                       for b, p in zip(blobs, files))
            check = "pixcodec == Pillow" if same else "MISMATCH with Pillow"
        row = {}

        def run_pxc():
            for r in ctx.decode_batch(blobs, color_spec="rgb"):
                if isinstance(r, Exception):
                    raise r
        row["pixcodec"] = timed(run_pxc)
        if opj:
            def run_opj():
                for p in files:
                    subprocess.run([opj, "-i", str(p), "-o", str(tmp / "out.ppm"), "-threads", "1",
                                    "-quiet"], check=True, capture_output=True)
            row["opj"] = timed(run_opj)
        if have_pil:
            def run_pil():
                for p in files:
                    with Image.open(p) as im:
                        im.load()
            row["pillow"] = timed(run_pil)
        results[kind] = row
        print(f"\n  {kind}: {mb:.2f} MB per file; {check}")
        print(f"  {'':44s} {'images/s':>10s} {'(median)':>10s}")
        names = {"pixcodec": "pixcodec batch, all cores", "opj": "opj_decompress -threads 1 (whole runs)",
                 "pillow": "Pillow open+load, 1 thread"}
        for k, (best, med) in row.items():
            print(f"  {names[k]:44s} {best:10.2f} {med:10.2f}")
        for k in ("opj", "pillow"):
            if k in row:
                r = row["pixcodec"][0] / row[k][0]
                tgt = "   target 1.70  " + ("PASS" if r >= 1.7 else "MISS") if k == "opj" else ""
                print(f"  ratio pixcodec / {k:10s} {r:26.2f}{tgt}")
    shutil.rmtree(tmp, ignore_errors=True)
    print("\n  Timings taken while other work runs on the machine are not representative.")


if __name__ == "__main__":
    main()
