"""Batch JPEG decode and encode on the GPU: pixcodec's GPU_ONLY, HYBRID_CPU_GPU and CPU backends
against torchvision.io.decode_jpeg / encode_jpeg on CUDA (nvJPEG), side by side in one run.

    PYTHONPATH=BUILD_DIR/python /usr/bin/python3 bench/gpu_jpeg_bench.py [--reps N] [--batch N]
        [--scale F] [--sets LIST] [--no-encode]

Sets (photo-like images from bench/synth_photos.py, baseline, quality 90, 4:2:0):
  hd256       256 images of 1920x1080 without restart markers
  hd256_rst   the same images re-encoded by OpenCV with a restart marker every 8 MCUs
  hd1024      1,024 images of 1920x1080 (the 256 images, each four times)
  hd1024_rst  likewise with restart markers
  small2000   2,000 images of 500x375 (200 images, each ten times)
Distinct images are fewer than the set sizes to keep generation short; no decoder keeps anything
between images, so repeats cost what new images of the same kind cost. --scale shrinks every set
(e.g. 0.05 for a quick run).

Rows, each one pass over the set as "JPEG bytes in host memory -> decoded RGB pixels", --batch
images per call, best of --reps passes:
  pxc_gpu      pixcodec.Decoder(backend_kinds=[GPU_ONLY]).decode(list)
  pxc_hybrid   pixcodec.Decoder(backend_kinds=[HYBRID_CPU_GPU]).decode(list)
  pxc_cpu      pixcodec.Decoder(backend_kinds=[CPU_ONLY]).decode(list)
  torch_nvjpeg torchvision.io.decode_jpeg(list of uint8 tensors, device='cuda'), then
               torch.cuda.synchronize()
pixcodec's decoders return host images here; torchvision's return device tensors (it does less:
no copy back). Encode rows (1080p set): Encoder(backend_kinds=[HYBRID_CPU_GPU] / [CPU_ONLY])
.encode(list, 'jpeg') against torchvision.io.encode_jpeg(list of CUDA tensors, quality=90).

Before timing, the GPU rows' first images are compared with the CPU decoder's (they must be equal:
same IDCT, same upsampling). Rows that cannot run (no GPU, no torch) say why and are left out.
Prints images/s per row and the ratio to torch_nvjpeg (and to pxc_cpu); never fails on a timing.
"""
import argparse
import io
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def _photo(args):
    import synth_photos
    index, w, h = args
    img = synth_photos.make_photo(index, (1920, 1080)) if (w, h) == (1920, 1080) else \
        synth_photos.make_photo(index, (w, h))
    buf = io.BytesIO()
    img.save(buf, "JPEG", quality=90, subsampling=2)
    return buf.getvalue()


def _with_restarts(data):
    import cv2
    arr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
    ok, enc = cv2.imencode(".jpg", arr, [cv2.IMWRITE_JPEG_QUALITY, 90, cv2.IMWRITE_JPEG_RST_INTERVAL, 8])
    if not ok:
        raise RuntimeError("OpenCV could not encode with restart markers")
    return enc.tobytes()


def make_sets(names, scale):
    n_hd = max(1, int(256 * scale))
    n_small = max(1, int(200 * scale))
    with ProcessPoolExecutor() as pool:
        hd = list(pool.map(_photo, [(i, 1920, 1080) for i in range(n_hd)])) if any(
            n.startswith("hd") for n in names) else []
        small = list(pool.map(_photo, [(10000 + i, 500, 375) for i in range(n_small)])) if \
            "small2000" in names else []
        hd_rst = list(pool.map(_with_restarts, hd)) if any(n.endswith("_rst") for n in names) else []
    sets = {"hd256": hd, "hd256_rst": hd_rst, "hd1024": hd * 4, "hd1024_rst": hd_rst * 4,
            "small2000": small * 10}
    return {n: sets[n] for n in names}


def best_of(reps, fn):
    fn()  # warm-up (and first-use costs: CUDA context, kernels, allocations)
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def batches(items, n):
    return [items[i:i + n] for i in range(0, len(items), n)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--sets", default="hd256,hd256_rst,hd1024,hd1024_rst,small2000")
    ap.add_argument("--no-encode", action="store_true")
    a = ap.parse_args()

    import pixcodec
    BK = pixcodec.BackendKind
    gpu_reason = None if pixcodec.gpu_device_count() > 0 else pixcodec.gpu_unavailable_reason()
    try:
        import torch
        import torchvision
        from torchvision.io import decode_jpeg, encode_jpeg
        torch_reason = None if torch.cuda.is_available() else "torch sees no CUDA device"
    except ImportError as e:
        torch, torchvision, torch_reason = None, None, f"torchvision is not installed ({e})"
    print(f"GPU: {gpu_reason or 'available'}", end="")
    if torch is not None and torch_reason is None:
        print(f" ({torch.cuda.get_device_name(0)}; torch {torch.__version__}, torchvision {torchvision.__version__})")
    else:
        print(f"; torch rows: {torch_reason}")

    sets = make_sets([s for s in a.sets.split(",") if s], a.scale)
    decoders = {"pxc_cpu": pixcodec.Decoder(backend_kinds=[BK.CPU_ONLY])}
    if gpu_reason is None:
        decoders["pxc_gpu"] = pixcodec.Decoder(backend_kinds=[BK.GPU_ONLY])
        decoders["pxc_hybrid"] = pixcodec.Decoder(backend_kinds=[BK.HYBRID_CPU_GPU])
    else:
        print(f"pxc_gpu, pxc_hybrid: left out: {gpu_reason}")

    for name, datas in sets.items():
        print(f"\n== {name}: {len(datas)} images, {sum(map(len, datas)) / len(datas) / 1024:.0f} KiB each on average")
        ref = [np.asarray(im) for im in decoders["pxc_cpu"].decode(datas[:8])]
        for row, dec in decoders.items():
            got = dec.decode(datas[:8])
            for r, g in zip(ref, got):
                if g is None or not np.array_equal(r, np.asarray(g)):
                    raise SystemExit(f"{row}: pixels differ from the CPU decoder's on {name}")
        rates = {}
        for row, dec in decoders.items():
            parts = batches(datas, a.batch)
            t = best_of(a.reps, lambda dec=dec, parts=parts: [dec.decode(p) for p in parts])
            rates[row] = len(datas) / t
        if torch is not None and torch_reason is None:
            tensors = [torch.frombuffer(bytearray(d), dtype=torch.uint8) for d in datas]
            parts = batches(tensors, a.batch)

            def tv():
                for p in parts:
                    decode_jpeg(p, device="cuda")
                torch.cuda.synchronize()
            rates["torch_nvjpeg"] = len(datas) / best_of(a.reps, tv)
        for row, r in rates.items():
            extra = ""
            if "torch_nvjpeg" in rates and row != "torch_nvjpeg":
                extra += f"  {r / rates['torch_nvjpeg']:.2f}x torch_nvjpeg"
            if row != "pxc_cpu":
                extra += f"  {r / rates['pxc_cpu']:.2f}x pxc_cpu"
            print(f"  {row:13s} {r:9.1f} images/s{extra}")

    hd = sets.get("hd256") or next(iter(sets.values()))
    if a.no_encode or not hd:
        return
    pixels = [np.asarray(im) for im in decoders["pxc_cpu"].decode(hd)]
    print(f"\n== encode: {len(pixels)} images of {pixels[0].shape[1]}x{pixels[0].shape[0]}, quality 90, 4:2:0")
    params = pixcodec.EncodeParams(quality=90, chroma_subsampling=pixcodec.CSS_420)
    encoders = {"pxc_cpu": pixcodec.Encoder(backend_kinds=[BK.CPU_ONLY])}
    if gpu_reason is None:
        encoders["pxc_hybrid"] = pixcodec.Encoder(backend_kinds=[BK.HYBRID_CPU_GPU])
        if encoders["pxc_hybrid"].encode(pixels[:4], "jpeg", params) != encoders["pxc_cpu"].encode(
                pixels[:4], "jpeg", params):
            raise SystemExit("pxc_hybrid: encoded bytes differ from the CPU encoder's")
    rates = {}
    for row, enc in encoders.items():
        parts = batches(pixels, a.batch)
        rates[row] = len(pixels) / best_of(a.reps, lambda enc=enc, parts=parts: [enc.encode(p, "jpeg", params)
                                                                                 for p in parts])
    if torch is not None and torch_reason is None:
        dev = [torch.from_numpy(p).permute(2, 0, 1).contiguous().cuda() for p in pixels]
        parts = batches(dev, a.batch)

        def tv_enc():
            for p in parts:
                encode_jpeg(p, quality=90)
            torch.cuda.synchronize()
        rates["torch_nvjpeg"] = len(pixels) / best_of(a.reps, tv_enc)
    for row, r in rates.items():
        extra = f"  {r / rates['torch_nvjpeg']:.2f}x torch_nvjpeg" if "torch_nvjpeg" in rates and \
            row != "torch_nvjpeg" else ""
        print(f"  {row:13s} {r:9.1f} images/s{extra}")


if __name__ == "__main__":
    main()
