"""Shared input generators and reference decoders for the tests of the pixcodec package.

Importing this module puts the package built in $PXC_BUILD_DIR (default: build/ in the repository)
first on sys.path, so `import pixcodec` finds the build's copy: <build>/python/pixcodec.
"""
import io
import os
import sys

import numpy as np
from PIL import Image

_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PXC_BUILD_DIR = os.path.abspath(os.environ.get("PXC_BUILD_DIR", os.path.join(_ROOT, "build")))
sys.path.insert(0, os.path.join(PXC_BUILD_DIR, "python"))

import cv2  # noqa: E402

# the shared conformance corpus beside the repository (tests using it skip when it is absent)
CORPUS = os.environ.get("PXC_CORPUS", os.path.join(os.path.dirname(_ROOT), "shared", "corpus"))

# libjpeg-turbo's sampling factors of the luma component for each ChromaSubsampling name
SAMPLING_FACTORS = {"CSS_444": (1, 1), "CSS_422": (2, 1), "CSS_420": (2, 2), "CSS_440": (1, 2),
                    "CSS_411": (4, 1), "CSS_410": (4, 2)}


def photo(h=48, w=64, seed=0, channels=3, noise=10.0, dtype=np.uint8):
    """Smooth gradients plus noise: like a photo for the DCT and chroma upsampling.

    channels 1 gives an HxW array; 2 and 4 add a random alpha plane.
    """
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([128 + 100 * np.sin(x / 7.0 + c) * np.cos(y / 9.0 - c) for c in range(3)], -1)
    rgb = np.clip(base + rng.normal(0, noise, base.shape), 0, 255)
    if dtype == np.uint16:
        rgb = rgb * 257 + rng.integers(0, 257, rgb.shape)
        top = 65535
    else:
        top = 255
    rgb = np.clip(rgb, 0, top).astype(dtype)
    gray = rgb[:, :, 1]
    alpha = rng.integers(0, top + 1, (h, w)).astype(dtype)
    if channels == 1:
        return np.ascontiguousarray(gray)
    if channels == 2:
        return np.dstack([gray, alpha])
    if channels == 3:
        return rgb
    if channels == 4:
        return np.dstack([rgb, alpha])
    raise ValueError(channels)


def noise(h, w, c=3, seed=0, dtype=np.uint8):
    rng = np.random.default_rng(seed)
    top = 65536 if dtype == np.uint16 else 256
    shape = (h, w) if c == 1 else (h, w, c)
    return rng.integers(0, top, shape).astype(dtype)


def pil_encode(arr_or_img, fmt, **kw):
    img = arr_or_img if isinstance(arr_or_img, Image.Image) else Image.fromarray(arr_or_img)
    b = io.BytesIO()
    img.save(b, fmt, **kw)
    return b.getvalue()


def pil_decode(data, mode=None):
    img = Image.open(io.BytesIO(data))
    if mode is not None:
        img = img.convert(mode)
    return np.asarray(img)


def jpeg(h=48, w=64, seed=0, quality=90, subsampling=2, channels=3, **kw):
    """A JPEG written by Pillow (subsampling: 0 = 4:4:4, 1 = 4:2:2, 2 = 4:2:0)."""
    arr = photo(h, w, seed, channels=channels)
    if channels == 1:
        return pil_encode(arr, "JPEG", quality=quality, **kw)
    return pil_encode(arr, "JPEG", quality=quality, subsampling=subsampling, **kw)


def png(h=16, w=16, seed=0, channels=3):
    return pil_encode(noise(h, w, channels, seed), "PNG")


def cv_encode(arr, ext, params=()):
    """Encode an RGB(A)/gray array with OpenCV (which wants BGR order)."""
    if arr.ndim == 3 and arr.shape[2] == 3:
        arr = arr[:, :, ::-1]
    elif arr.ndim == 3 and arr.shape[2] == 4:
        arr = arr[:, :, [2, 1, 0, 3]]
    ok, buf = cv2.imencode(ext, np.ascontiguousarray(arr), list(params))
    assert ok, ext
    return buf.tobytes()


def cv_decode(data, flags=cv2.IMREAD_COLOR):
    """OpenCV's decode in RGB(A) order (IMREAD_COLOR gives BGR, IMREAD_UNCHANGED BGR(A))."""
    out = cv2.imdecode(np.frombuffer(data, np.uint8), flags)
    assert out is not None, "OpenCV could not decode"
    if out.ndim == 3 and out.shape[2] == 3:
        out = out[:, :, ::-1]
    elif out.ndim == 3 and out.shape[2] == 4:
        out = out[:, :, [2, 1, 0, 3]]
    return out


def hwc(a):
    """HxW -> HxWx1, for comparing with pixcodec's always-3-D images."""
    a = np.asarray(a)
    return a[:, :, None] if a.ndim == 2 else a


def rss_bytes():
    """Resident memory of this process; skips the calling test under a sanitizer runtime
    (make test-sanitize sets PXC_SANITIZED), whose shadow memory and quarantine make RSS
    growth meaningless."""
    if os.environ.get("PXC_SANITIZED"):
        import pytest
        pytest.skip("RSS growth is not meaningful under AddressSanitizer")
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
