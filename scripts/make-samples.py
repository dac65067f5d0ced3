#!/usr/bin/env python3
"""Writes a small set of sample images (JPEG, PNG, BMP, PNM) for the demo.

Photo-like content is synthesised (smooth colour fields, edges and noise), so
nothing is downloaded. Usage: make-samples.py OUT_DIR [COUNT]
"""
import pathlib
import sys

import numpy as np
from PIL import Image


def photo(h, w, seed):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w].astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    for c in range(3):
        fx, fy, ph = rng.uniform(0.002, 0.02, 2).tolist() + [rng.uniform(0, 6.28)]
        img[..., c] = 128 + 90 * np.sin(x * fx + ph) * np.cos(y * fy - ph)
    for _ in range(12):  # a few flat shapes with hard edges
        cx, cy, r = rng.integers(0, w), rng.integers(0, h), rng.integers(10, max(11, min(h, w) // 4))
        mask = (x - cx) ** 2 + (y - cy) ** 2 < r * r
        img[mask] = rng.integers(0, 255, 3)
    img += rng.normal(0, 6, img.shape)
    return np.clip(img, 0, 255).astype(np.uint8)


def main():
    out = pathlib.Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 24
    out.mkdir(parents=True, exist_ok=True)
    for i in range(count):
        h, w = (720, 960) if i % 2 else (600, 800)
        img = Image.fromarray(photo(h, w, i))
        kw = {"quality": 85 + i % 10, "subsampling": i % 3, "progressive": i % 4 == 3}
        if i % 5 == 4:  # camera-style EXIF orientation: rotated 90 degrees
            exif = Image.Exif()
            exif[0x0112] = 6
            kw["exif"] = exif.tobytes()
        img.save(out / f"photo_{i:03d}.jpg", "JPEG", **kw)
    base = photo(240, 320, 99)
    alpha = np.linspace(0, 255, 320, dtype=np.uint8)[None, :].repeat(240, 0)
    Image.fromarray(np.dstack([base, alpha]), "RGBA").save(out / "logo_rgba.png")
    Image.fromarray(base[..., 1]).save(out / "gray.png")
    Image.fromarray(base).save(out / "drawing.bmp")
    Image.fromarray(base).save(out / "scan.ppm")
    print(f"wrote {count} JPEGs and 4 other images to {out}")


if __name__ == "__main__":
    main()
