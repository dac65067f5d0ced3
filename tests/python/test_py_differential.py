"""The pixcodec package against Pillow 9.4 and OpenCV 4.6, format by format.

Inputs are written here by Pillow and, where OpenCV can write the format, by cv2.imencode.
References and tolerances:
- PNG, BMP, PNM: exact (tolerance 0) against Pillow and OpenCV, 8 and 16 bits.
  One stated exception: 16-bit PNM decoded to 8 bits is round(v * 255 / maxval) in pixcodec
  and Pillow (exact), while OpenCV keeps the high byte (v >> 8): at most 1 apart.
- JPEG: pixcodec with options ':fancy_upsampling=1' is exact against Pillow and against
  OpenCV (cv2.IMREAD_COLOR, reordered from BGR). This machine's OpenCV links the system
  libjpeg-turbo, and its output was measured identical to Pillow's (max abs diff 0) for
  4:4:4, 4:2:2 and 4:2:0, baseline and progressive, gray, and all EXIF orientations; the
  tolerance is therefore 0. With the default ':fancy_upsampling=0', 4:4:4 and gray files
  (no chroma upsampling) are exact as well.
- Round trips through pixcodec's Encoder: PNG, BMP and PNM exact; JPEG at quality 95 on the
  test photo (gradients plus noise of sigma 10): mean abs error below 4.0 with 4:4:4
  (measured 3.25) and below 8.0 with 4:2:0 (measured 6.6), max below 64 (measured 21 and
  42); pixcodec, Pillow and OpenCV decode the file to the same pixels (exact), and those
  equal the decoded pixels of Pillow's own file at the same quality and subsampling.
"""
import io

import cv2
import numpy as np
import pytest
from PIL import Image, ImageOps

import pyhelpers as H

import pixcodec  # noqa: E402

DEC = pixcodec.Decoder()
FANCY = pixcodec.Decoder(options=":fancy_upsampling=1")
ENC = pixcodec.Encoder()
RAW = pixcodec.DecodeParams(enable_color_conversion=False)
DEEP = pixcodec.DecodeParams(allow_any_depth=True)
DEEP_RAW = pixcodec.DecodeParams(enable_color_conversion=False, allow_any_depth=True)
NO_EXIF = pixcodec.DecodeParams(apply_exif_orientation=False)

SIZES = [(1, 1), (7, 5), (33, 17), (61, 83)]


def px(img):
    """The decoded pixels as a numpy array (checking the Image agrees with them)."""
    a = np.asarray(img)
    assert tuple(img.shape) == a.shape and img.dtype == a.dtype
    return a


def same(got, want, msg=""):
    got, want = H.hwc(got), H.hwc(want)
    assert got.shape == want.shape, (msg, got.shape, want.shape)
    assert got.dtype == want.dtype, (msg, got.dtype, want.dtype)
    if not np.array_equal(got, want):
        d = np.abs(got.astype(np.int64) - want.astype(np.int64))
        pytest.fail("%s: max abs diff %d, %d pixels differ" % (msg, d.max(), int((d > 0).sum())))


# ------------------------------------------------------------------------------------ JPEG

@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("subsampling", [0, 1, 2])
@pytest.mark.parametrize("progressive", [False, True])
def test_jpeg_written_by_pillow(size, subsampling, progressive):
    h, w = size
    data = H.jpeg(h, w, seed=h, quality=88, subsampling=subsampling, progressive=progressive)
    pil = H.pil_decode(data, "RGB")
    same(px(FANCY.decode(data)), pil, "fancy vs Pillow")
    same(px(FANCY.decode(data)), H.cv_decode(data), "fancy vs OpenCV")
    if subsampling == 0:
        same(px(DEC.decode(data)), pil, "4:4:4 default vs Pillow")


@pytest.mark.parametrize("quality", [50, 95])
def test_jpeg_written_by_opencv(quality):
    rgb = H.photo(45, 70, seed=quality)
    data = H.cv_encode(rgb, ".jpg", [cv2.IMWRITE_JPEG_QUALITY, quality])
    same(px(FANCY.decode(data)), H.cv_decode(data), "fancy vs OpenCV")
    same(px(FANCY.decode(data)), H.pil_decode(data, "RGB"), "fancy vs Pillow")
    data = H.cv_encode(rgb, ".jpg", [cv2.IMWRITE_JPEG_QUALITY, quality, cv2.IMWRITE_JPEG_PROGRESSIVE, 1])
    same(px(FANCY.decode(data)), H.cv_decode(data), "progressive fancy vs OpenCV")


@pytest.mark.parametrize("writer", ["pillow", "opencv"])
def test_jpeg_gray(writer):
    g = H.photo(29, 41, seed=3, channels=1)
    data = H.pil_encode(g, "JPEG", quality=90) if writer == "pillow" else H.cv_encode(g, ".jpg")
    ref = H.pil_decode(data)
    assert ref.ndim == 2
    same(H.cv_decode(data, cv2.IMREAD_GRAYSCALE), ref, "OpenCV vs Pillow (sanity)")
    for dec in (DEC, FANCY):
        same(px(dec.decode(data, params=RAW)), ref, "gray kept as 1 channel")
        same(px(dec.decode(data)), np.dstack([ref] * 3), "gray to RGB")
    same(px(DEC.decode(data)), H.cv_decode(data), "gray to RGB vs OpenCV")


@pytest.mark.parametrize("orientation", range(1, 9))
def test_jpeg_exif_orientation(orientation):
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = H.pil_encode(H.photo(30, 47, seed=orientation), "JPEG", quality=90, exif=exif.tobytes())
    upright = np.asarray(ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB"))
    raw = H.pil_decode(data, "RGB")
    if orientation >= 5:
        assert upright.shape[:2] == (47, 30)
    got = px(FANCY.decode(data))
    same(got, upright, "orientation applied (Pillow)")
    same(got, H.cv_decode(data, cv2.IMREAD_COLOR), "orientation applied (OpenCV)")
    same(px(FANCY.decode(data, params=pixcodec.DecodeParams(apply_exif_orientation=True))), upright)
    got_raw = px(FANCY.decode(data, params=NO_EXIF))
    same(got_raw, raw, "orientation ignored (Pillow)")
    same(got_raw, H.cv_decode(data, cv2.IMREAD_COLOR | cv2.IMREAD_IGNORE_ORIENTATION), "ignored (OpenCV)")
    batch = FANCY.decode([data, data], params=NO_EXIF)
    same(px(batch[1]), raw, "batch with params")


def test_jpeg_cmyk_channels():
    cmyk = H.noise(12, 20, 4, seed=5)
    data = H.pil_encode(Image.fromarray(cmyk, "CMYK"), "JPEG", quality=95)
    assert px(DEC.decode(data, params=RAW)).shape == (12, 20, 4)
    same(px(FANCY.decode(data)), H.pil_decode(data, "RGB"), "CMYK to RGB vs Pillow")


# ------------------------------------------------------------------------------------- PNG

@pytest.mark.parametrize("mode", ["1", "L", "LA", "P", "RGB", "RGBA"])
@pytest.mark.parametrize("size", SIZES[:3])
def test_png_written_by_pillow(mode, size):
    h, w = size
    src = {"1": 1, "L": 1, "LA": 2, "P": 3, "RGB": 3, "RGBA": 4}[mode]
    arr = H.noise(h, w, src, seed=h * w)
    img = Image.fromarray(arr, {1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[src]).convert(mode)
    data = H.pil_encode(img, "PNG")
    same(px(DEC.decode(data)), H.pil_decode(data, "RGB"), "to RGB vs Pillow")
    same(px(DEC.decode(data)), H.cv_decode(data), "to RGB vs OpenCV")
    if mode in ("L", "LA", "RGB", "RGBA"):
        native = H.pil_decode(data)
        same(px(DEC.decode(data, params=RAW)), native, "native channels vs Pillow")
        if mode != "LA":  # OpenCV turns gray+alpha into BGRA
            same(px(DEC.decode(data, params=RAW)), H.cv_decode(data, cv2.IMREAD_UNCHANGED), "native vs OpenCV")


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_png_written_by_opencv(channels):
    arr = H.noise(19, 26, channels, seed=channels)
    data = H.cv_encode(arr, ".png")
    same(px(DEC.decode(data, params=RAW)), arr, "native vs source")
    same(px(DEC.decode(data, params=RAW)), H.cv_decode(data, cv2.IMREAD_UNCHANGED), "native vs OpenCV")
    same(px(DEC.decode(data)), H.cv_decode(data, cv2.IMREAD_COLOR), "RGB vs OpenCV")
    same(px(DEC.decode(data)), H.pil_decode(data, "RGB"), "RGB vs Pillow")


@pytest.mark.parametrize("channels", [1, 3, 4])
def test_png_16bit(channels):
    arr = H.noise(11, 13, channels, seed=16 + channels, dtype=np.uint16)
    data = H.cv_encode(arr, ".png")
    img = DEC.decode(data, params=DEEP_RAW)
    assert img.dtype == np.uint16 and img.precision == 16
    deep = px(img)
    same(deep, arr, "uint16 vs source")
    same(deep, H.cv_decode(data, cv2.IMREAD_UNCHANGED), "uint16 vs OpenCV IMREAD_UNCHANGED")
    if channels == 1:
        same(deep[:, :, 0].astype(np.int64), H.pil_decode(data).astype(np.int64), "uint16 vs Pillow mode I")
    # colour conversion on: RGB, still 16 bits
    rgb16 = px(DEC.decode(data, params=DEEP))
    assert rgb16.dtype == np.uint16 and rgb16.shape == (11, 13, 3)
    same(rgb16, np.dstack([arr] * 3) if channels == 1 else arr[:, :, :3], "uint16 RGB")
    # without allow_any_depth: 8 bits, the high byte (as libpng, Pillow and OpenCV do)
    eight = px(DEC.decode(data))
    assert eight.dtype == np.uint8
    same(eight, H.cv_decode(data, cv2.IMREAD_COLOR), "8-bit vs OpenCV")
    same(eight, H.hwc(arr >> 8).astype(np.uint8)[:, :, [0, 0, 0] if channels == 1 else [0, 1, 2]], "high byte")
    if channels != 1:
        same(eight, H.pil_decode(data, "RGB"), "8-bit vs Pillow")


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "BMP", "PPM"])
def test_allow_any_depth_keeps_8bit_sources_8bit(fmt):
    data = H.pil_encode(H.photo(9, 10, seed=8), fmt)
    img = DEC.decode(data, params=DEEP)
    assert img.dtype == np.uint8 and img.precision == 8
    same(px(img), px(DEC.decode(data)), "allow_any_depth on an 8-bit file")


def test_png_16bit_gray_written_by_pillow():
    g = H.noise(9, 14, 1, seed=77, dtype=np.uint16)
    data = H.pil_encode(Image.fromarray(g), "PNG")
    deep = px(DEC.decode(data, params=DEEP_RAW))
    same(deep, g, "uint16 vs source")
    same(deep[:, :, 0].astype(np.int64), H.pil_decode(data).astype(np.int64), "vs Pillow")
    same(deep, H.cv_decode(data, cv2.IMREAD_UNCHANGED), "vs OpenCV")


# ------------------------------------------------------------------------------------- BMP

@pytest.mark.parametrize("mode", ["1", "L", "P", "RGB", "RGBA"])
@pytest.mark.parametrize("size", SIZES[:3])
def test_bmp_written_by_pillow(mode, size):
    h, w = size
    img = Image.fromarray(H.noise(h, w, 3, seed=w)).convert(mode)
    data = H.pil_encode(img, "BMP")
    same(px(DEC.decode(data)), H.pil_decode(data, "RGB"), "vs Pillow")
    same(px(DEC.decode(data)), H.cv_decode(data), "vs OpenCV")
    if mode == "L":
        same(px(DEC.decode(data, params=RAW)), H.pil_decode(data, "L"), "gray kept as 1 channel")


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("size", SIZES[:3])
def test_bmp_written_by_opencv(channels, size):
    arr = H.noise(*size, channels, seed=channels)
    data = H.cv_encode(arr, ".bmp")
    want = np.dstack([arr] * 3) if channels == 1 else arr
    same(px(DEC.decode(data)), want, "vs source")
    same(px(DEC.decode(data)), H.cv_decode(data), "vs OpenCV")
    same(px(DEC.decode(data)), H.pil_decode(data, "RGB"), "vs Pillow")


# ------------------------------------------------------------------------------------- PNM

@pytest.mark.parametrize("mode", ["1", "L", "RGB", "I"])
@pytest.mark.parametrize("size", SIZES[:3])
def test_pnm_written_by_pillow(mode, size):
    h, w = size
    if mode == "I":
        img = Image.fromarray(H.noise(h, w, 1, seed=h, dtype=np.uint16).astype(np.int32))
    else:
        img = Image.fromarray(H.noise(h, w, 3, seed=h)).convert(mode)
    data = H.pil_encode(img, "PPM")
    ref = Image.open(io.BytesIO(data))
    if mode == "I":
        deep = px(DEC.decode(data, params=DEEP_RAW))
        assert deep.dtype == np.uint16
        same(deep[:, :, 0].astype(np.int64), np.asarray(ref).astype(np.int64), "16-bit vs Pillow")
        same(deep, H.cv_decode(data, cv2.IMREAD_UNCHANGED), "16-bit vs OpenCV")
        return
    same(px(DEC.decode(data)), np.asarray(ref.convert("RGB")), "vs Pillow")
    same(px(DEC.decode(data)), H.cv_decode(data), "vs OpenCV")
    if mode == "L":
        same(px(DEC.decode(data, params=RAW)), np.asarray(ref), "gray kept as 1 channel")


@pytest.mark.parametrize("ext,channels", [(".ppm", 3), (".pgm", 1), (".pnm", 3)])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_pnm_written_by_opencv(ext, channels, dtype):
    arr = H.noise(10, 15, channels, seed=channels, dtype=dtype)
    data = H.cv_encode(arr, ext)
    deep = px(DEC.decode(data, params=DEEP_RAW))
    same(deep, arr, "native vs source")
    same(deep, H.cv_decode(data, cv2.IMREAD_UNCHANGED), "native vs OpenCV")
    rgb = px(DEC.decode(data))
    assert rgb.dtype == np.uint8 and rgb.shape == (10, 15, 3)
    pil = H.pil_decode(data, "RGB") if channels == 3 else None
    if dtype == np.uint8:
        same(rgb, H.cv_decode(data), "RGB vs OpenCV")
        same(rgb, pil if pil is not None else np.dstack([arr] * 3), "RGB vs Pillow / source")
    else:
        scaled = ((arr.astype(np.int64) * 255 * 2 + 65535) // (2 * 65535)).astype(np.uint8)
        same(rgb, np.dstack([scaled] * 3) if channels == 1 else scaled, "round(v * 255 / 65535)")
        if pil is not None:
            same(rgb, pil, "RGB vs Pillow")
        d = np.abs(rgb.astype(int) - H.cv_decode(data).astype(int))
        assert d.max() <= 1  # OpenCV keeps the high byte


# ------------------------------------------------------------------ round trips via Encoder

LOSSLESS = [("png", 1), ("png", 2), ("png", 3), ("png", 4), ("bmp", 1), ("bmp", 3), ("bmp", 4),
            ("pnm", 1), ("pnm", 3)]


@pytest.mark.parametrize("codec,channels", LOSSLESS)
@pytest.mark.parametrize("size", [(1, 1), (17, 31)])
def test_lossless_round_trip(codec, channels, size):
    arr = H.noise(*size, channels, seed=channels * 7)
    data = ENC.encode(arr, codec)
    native = px(DEC.decode(data, params=RAW))
    rgb = px(DEC.decode(data))
    want_rgb = np.dstack([H.hwc(arr)[:, :, :1]] * 3) if channels <= 2 else arr[:, :, :3]
    same(rgb, want_rgb, "pixcodec RGB")
    same(rgb, H.pil_decode(data, "RGB"), "Pillow RGB")
    same(rgb, H.cv_decode(data), "OpenCV RGB")
    if codec == "bmp" and channels == 1:
        # BMP has no 8-bit gray without a palette: written as 24-bit
        same(native, want_rgb, "BMP gray written as RGB")
        return
    if codec == "bmp" and channels == 4:
        same(native, arr, "BMP RGBA")
        same(H.pil_decode(data), arr, "Pillow RGBA")
        return
    same(native, arr, "pixcodec native")
    same(H.pil_decode(data), arr, "Pillow native")
    if channels != 2:
        same(H.cv_decode(data, cv2.IMREAD_UNCHANGED), arr, "OpenCV native")


@pytest.mark.parametrize("codec,channels", [("png", 1), ("png", 3), ("png", 4), ("pnm", 1), ("pnm", 3)])
def test_lossless_round_trip_16bit(codec, channels):
    arr = H.noise(12, 9, channels, seed=channels, dtype=np.uint16)
    data = ENC.encode(pixcodec.as_image(arr), codec)
    same(px(DEC.decode(data, params=DEEP_RAW)), arr, "pixcodec")
    same(H.cv_decode(data, cv2.IMREAD_UNCHANGED), arr, "OpenCV")
    if channels == 1:
        same(H.pil_decode(data).astype(np.int64), arr.astype(np.int64), "Pillow mode I")


@pytest.mark.parametrize("css,subsampling,mean_max", [("CSS_444", 0, 4.0), ("CSS_420", 2, 8.0)])
def test_jpeg_round_trip(css, subsampling, mean_max):
    arr = H.photo(64, 96, seed=11)
    params = pixcodec.EncodeParams(quality=95, chroma_subsampling=getattr(pixcodec.ChromaSubsampling, css))
    data = ENC.encode(arr, "jpeg", params)
    pil = H.pil_decode(data, "RGB")
    same(px(FANCY.decode(data)), pil, "pixcodec vs Pillow")
    same(H.cv_decode(data), pil, "OpenCV vs Pillow")
    # the same libjpeg-turbo settings as Pillow's encoder: the same pixels after decoding
    same(pil, H.pil_decode(H.pil_encode(arr, "JPEG", quality=95, subsampling=subsampling), "RGB"),
         "decoded pixcodec file vs decoded Pillow file")
    # noise of sigma 10 is the DCT's hard case: measured mean 3.25 (4:4:4), 6.6 (4:2:0)
    err = np.abs(pil.astype(int) - arr.astype(int))
    assert err.mean() < mean_max and err.max() < 64, (err.mean(), err.max())


def test_jpeg_gray_round_trip():
    g = H.photo(40, 50, seed=2, channels=1)
    data = ENC.encode(g, ".jpg")
    assert Image.open(io.BytesIO(data)).mode == "L"
    back = px(DEC.decode(data, params=RAW))
    same(back, H.pil_decode(data), "vs Pillow")
    assert np.abs(back[:, :, 0].astype(int) - g).mean() < 3.0


# ------------------------------------------------------------- EncodeParams in the output

@pytest.mark.parametrize("quality", [20, 75, 95])
def test_jpeg_quality_sets_quant_tables(quality):
    arr = H.photo(32, 32, seed=quality)
    data = ENC.encode(arr, "jpeg", pixcodec.EncodeParams(quality=quality))
    ref = H.pil_encode(arr, "JPEG", quality=quality, subsampling=0)
    got_q = Image.open(io.BytesIO(data)).quantization
    ref_q = Image.open(io.BytesIO(ref)).quantization
    assert {k: list(v) for k, v in got_q.items()} == {k: list(v) for k, v in ref_q.items()}
    same(FANCY.decode(data), H.pil_decode(ref, "RGB"), "same pixels as Pillow's file at this quality")


@pytest.mark.parametrize("css", sorted(H.SAMPLING_FACTORS) + ["CSS_GRAY"])
def test_jpeg_chroma_subsampling_in_output(css):
    arr = H.photo(40, 56, seed=1)
    data = ENC.encode(arr, "jpeg", pixcodec.EncodeParams(chroma_subsampling=getattr(pixcodec.ChromaSubsampling, css)))
    im = Image.open(io.BytesIO(data))
    if css == "CSS_GRAY":
        assert im.mode == "L"
        return
    assert im.mode == "RGB"
    luma = im.layer[0][1:3]
    assert tuple(luma) == H.SAMPLING_FACTORS[css]
    assert all(tuple(c[1:3]) == (1, 1) for c in im.layer[1:])
    same(px(FANCY.decode(data)), H.pil_decode(data, "RGB"), "decode vs Pillow")


def test_jpeg_progressive_and_optimized_huffman_in_output(tmp_path):
    arr = H.photo(64, 80, seed=4)
    base = ENC.encode(arr, "jpeg")
    assert not Image.open(io.BytesIO(base)).info.get("progressive")
    prog = ENC.encode(arr, "jpeg", pixcodec.EncodeParams(jpeg_progressive=True))
    info = Image.open(io.BytesIO(prog)).info
    assert info.get("progressive") or info.get("progression")
    assert b"\xff\xc2" in prog  # SOF2
    opt = ENC.encode(arr, "jpeg", pixcodec.EncodeParams(jpeg_optimized_huffman=True))
    assert len(opt) < len(base)
    # entropy coding changes, pixels do not
    same(px(FANCY.decode(prog)), H.pil_decode(base, "RGB"), "progressive pixels")
    same(px(FANCY.decode(opt)), H.pil_decode(base, "RGB"), "optimized pixels")
    # the same parameters through write()
    p = tmp_path / "p.jpg"
    ENC.write(str(p), pixcodec.as_image(arr), params=pixcodec.EncodeParams(jpeg_progressive=True, quality=60))
    im = Image.open(p)
    assert im.info.get("progressive") or im.info.get("progression")
    assert im.quantization == Image.open(io.BytesIO(H.pil_encode(arr, "JPEG", quality=60))).quantization


# ------------------------------------------------------------------------- real files

def test_pngsuite_corpus():
    import pathlib
    d = pathlib.Path(H.CORPUS) / "png"
    files = sorted(p for p in d.glob("*.png") if not p.name.startswith("x")) if d.is_dir() else []
    if not files:
        pytest.skip("PngSuite corpus absent")
    # 8-bit files and lower depths; the RGB output must equal Pillow's RGB conversion
    checked = 0
    for p in files:
        ref = Image.open(p)
        if "16" in p.name or ref.mode in ("I", "I;16") or "tRNS" in ref.info or "transparency" in ref.info:
            continue
        if ref.info.get("gamma") is not None and p.name.startswith("g"):
            continue
        got = px(DEC.read(str(p)))
        same(got, np.asarray(ref.convert("RGB")), p.name)
        checked += 1
    assert checked > 20
