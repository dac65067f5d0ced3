"""Synthesises photo-like JPEGs for the decode benchmark when the camera clip
is not available: smooth gradients, soft shapes, fine detail and sensor-like
noise, saved as baseline JPEG quality 90 with 4:2:0 chroma subsampling.

    python3 bench/synth_photos.py OUT_DIR [COUNT]

Sizes cycle through 1920x1080, 1440x1080, 1600x900 and 1280x960 (1.2 to 2.1
megapixels), matching the clip-based set. Deterministic (fixed seeds).
"""
import os
import random
import sys

from PIL import Image, ImageChops, ImageDraw, ImageFilter

SIZES = [(1920, 1080), (1440, 1080), (1600, 900), (1280, 960)]


def gradient_rgb(rng, size):
    """Three independently rotated linear/radial gradients as R, G, B."""
    chans = []
    for _ in range(3):
        g = Image.linear_gradient("L") if rng.random() < 0.6 else Image.radial_gradient("L")
        g = g.rotate(rng.uniform(0, 360), resample=Image.BILINEAR, expand=False, fillcolor=rng.randrange(256))
        lo, hi = sorted((rng.randrange(0, 160), rng.randrange(96, 256)))
        g = g.point(lambda v, lo=lo, hi=hi: lo + (hi - lo) * v // 255)
        chans.append(g.resize(size, Image.BILINEAR))
    return Image.merge("RGB", chans)


def make_photo(index, size):
    rng = random.Random(1000 + index)
    w, h = size
    img = gradient_rgb(rng, size)

    # soft shapes: blurred so that edges look like out-of-focus objects
    layer = Image.new("RGB", size)
    mask = Image.new("L", size, 0)
    d_layer, d_mask = ImageDraw.Draw(layer), ImageDraw.Draw(mask)
    for _ in range(rng.randint(12, 30)):
        x0, y0 = rng.randrange(-w // 4, w), rng.randrange(-h // 4, h)
        x1, y1 = x0 + rng.randrange(w // 20, w // 2), y0 + rng.randrange(h // 20, h // 2)
        color = tuple(rng.randrange(256) for _ in range(3))
        alpha = rng.randrange(120, 256)
        kind = rng.random()
        if kind < 0.4:
            d_layer.ellipse((x0, y0, x1, y1), fill=color)
            d_mask.ellipse((x0, y0, x1, y1), fill=alpha)
        elif kind < 0.75:
            d_layer.rectangle((x0, y0, x1, y1), fill=color)
            d_mask.rectangle((x0, y0, x1, y1), fill=alpha)
        else:
            pts = [(rng.randrange(x0, x1 + 1), rng.randrange(y0, y1 + 1)) for _ in range(rng.randint(3, 6))]
            d_layer.polygon(pts, fill=color)
            d_mask.polygon(pts, fill=alpha)
    mask = mask.filter(ImageFilter.GaussianBlur(rng.uniform(1.0, 4.0)))
    img = Image.composite(layer, img, mask)

    # fine detail ("texture"): thin lines, kept sharp
    d_img = ImageDraw.Draw(img)
    for _ in range(rng.randint(40, 120)):
        x0, y0 = rng.randrange(w), rng.randrange(h)
        x1, y1 = x0 + rng.randrange(-w // 8, w // 8), y0 + rng.randrange(-h // 8, h // 8)
        d_img.line((x0, y0, x1, y1), fill=tuple(rng.randrange(256) for _ in range(3)), width=rng.randint(1, 3))

    # sensor-like noise: luminance noise plus weaker, coarser chroma noise
    sigma = rng.uniform(6.0, 14.0)
    luma = Image.effect_noise(size, sigma)  # mean 128
    chroma = [Image.effect_noise((w // 2, h // 2), sigma / 2).resize(size, Image.BILINEAR) for _ in range(3)]
    noise = Image.merge("RGB", [ImageChops.add(luma, c, scale=2.0, offset=0) for c in chroma])
    img = ImageChops.add(img, noise, scale=1.0, offset=-128)
    return img


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: synth_photos.py OUT_DIR [COUNT]")
    out = sys.argv[1]
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 216
    os.makedirs(out, exist_ok=True)
    for i in range(count):
        size = SIZES[i % len(SIZES)]
        make_photo(i, size).save(os.path.join(out, "s_%04d.jpg" % i), "JPEG", quality=90, subsampling=2)
        if (i + 1) % 50 == 0:
            print("photos: synthesised %d/%d" % (i + 1, count), flush=True)


if __name__ == "__main__":
    main()
