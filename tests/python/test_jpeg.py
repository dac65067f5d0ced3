"""JPEG decode and encode compared with independent tools.

Reference decoders: Pillow 9.4 and djpeg, both built on the same
libjpeg-turbo as pixcodec, so with the same settings (ISLOW IDCT, the same
upsampling) results must be bit-exact:
- pixcodec with fancy_upsampling=1  == Pillow (fancy upsampling is its default)
- pixcodec with fancy_upsampling=0  == djpeg -nosmooth
Inputs are generated with cjpeg (every subsampling, progressive, gray,
restart intervals, arithmetic coding) and Pillow (CMYK, EXIF orientation).
"""
import io
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image, ImageOps

import pxc

CJPEG = shutil.which("cjpeg")
DJPEG = shutil.which("djpeg")
need_tools = pytest.mark.skipif(not (CJPEG and DJPEG), reason="cjpeg/djpeg (libjpeg-turbo-progs) missing")


def photo(h=61, w=83, seed=0, gray=False):
    """Smooth image with texture: exercises upsampling and the IDCT like a photo."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([128 + 100 * np.sin(x / 7.0 + c) * np.cos(y / 9.0 - c) for c in range(3)], -1)
    img = np.clip(base + rng.normal(0, 12, base.shape), 0, 255).astype(np.uint8)
    return img[:, :, 0] if gray else img


def to_ppm(arr):
    if arr.ndim == 2:
        return b"P5\n%d %d\n255\n" % (arr.shape[1], arr.shape[0]) + arr.tobytes()
    return b"P6\n%d %d\n255\n" % (arr.shape[1], arr.shape[0]) + arr.tobytes()


def cjpeg(arr, *args):
    return subprocess.run([CJPEG, *args], input=to_ppm(arr), capture_output=True, check=True).stdout


def djpeg(data, *args):
    out = subprocess.run([DJPEG, "-pnm", *args], input=data, capture_output=True, check=True).stdout
    img = Image.open(io.BytesIO(out))
    return np.asarray(img)


@pytest.fixture(scope="module")
def fancy():
    c = pxc.Context(dec_options=":fancy_upsampling=1")
    yield c
    c.close()


SAMPLINGS = {"444": "1x1", "422": "2x1", "420": "2x2", "440": "1x2", "411": "4x1", "410": "4x2"}


@need_tools
@pytest.mark.parametrize("css", sorted(SAMPLINGS))
@pytest.mark.parametrize("variant", ["baseline", "progressive", "restart", "arithmetic", "optimize"])
@pytest.mark.parametrize("size", [(61, 83), (16, 16), (1, 1), (33, 7)])
def test_cjpeg_streams_match_references(ctx, fancy, css, variant, size):
    args = ["-quality", "85", "-sample", SAMPLINGS[css]]
    if variant == "progressive":
        args.append("-progressive")
    elif variant == "restart":
        args += ["-restart", "1B"]
    elif variant == "arithmetic":
        args.append("-arithmetic")
    elif variant == "optimize":
        args.append("-optimize")
    data = cjpeg(photo(*size), *args)
    info = ctx.info(data)
    assert (info["width"], info["height"], info["channels"]) == (size[1], size[0], 3)
    assert info["subsampling"] == css
    assert info["progressive"] == (variant == "progressive")
    got = ctx.decode(data)
    np.testing.assert_array_equal(got, djpeg(data, "-nosmooth"))
    got_fancy = fancy.decode(data)
    np.testing.assert_array_equal(got_fancy, np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))


@need_tools
def test_extended_sequential_sof1(ctx):
    """A baseline stream relabelled SOF1 (extended sequential, Huffman) is a valid extended JPEG."""
    data = cjpeg(photo(), "-quality", "85", "-sample", "2x2")
    sof = data.index(b"\xff\xc0")
    ext = data[:sof] + b"\xff\xc1" + data[sof + 2:]
    np.testing.assert_array_equal(ctx.decode(ext), djpeg(ext, "-nosmooth"))
    np.testing.assert_array_equal(ctx.decode(ext), ctx.decode(data))


@need_tools
@pytest.mark.parametrize("progressive", [False, True])
def test_gray(ctx, progressive):
    args = ["-quality", "90", "-grayscale"] + (["-progressive"] if progressive else [])
    data = cjpeg(photo(40, 50), *args)
    info = ctx.info(data)
    assert info["channels"] == 1 and info["color"] == "gray" and info["subsampling"] == "gray"
    ref = djpeg(data)
    np.testing.assert_array_equal(ctx.decode(data, color=False)[:, :, 0], ref)
    np.testing.assert_array_equal(ctx.decode(data, color_spec="gray")[:, :, 0], ref)
    rgb = ctx.decode(data)
    assert rgb.shape == (40, 50, 3)
    for c in range(3):
        np.testing.assert_array_equal(rgb[:, :, c], ref)


@need_tools
def test_rgb_jpeg_and_output_colour_specs(ctx):
    data = cjpeg(photo(), "-rgb", "-quality", "90")
    assert ctx.info(data)["color"] == "rgb"
    ref = djpeg(data)
    np.testing.assert_array_equal(ctx.decode(data), ref)
    np.testing.assert_array_equal(ctx.decode(data, color_spec="bgr"), ref[:, :, ::-1])
    rgba = ctx.decode(data, color_spec="rgba")
    np.testing.assert_array_equal(rgba[:, :, :3], ref)
    assert (rgba[:, :, 3] == 255).all()
    bgra = ctx.decode(data, color_spec="bgra")
    np.testing.assert_array_equal(bgra[:, :, :3], ref[:, :, ::-1])


@need_tools
def test_ycbcr_native_output(ctx):
    data = cjpeg(photo(), "-quality", "90", "-sample", "1x1")
    ycc = ctx.decode(data, color=False)
    assert ycc.shape[2] == 3
    # djpeg cannot write raw YCbCr; check against the JFIF conversion of our own RGB output
    rgb = ctx.decode(data).astype(np.float64)
    y = 0.299 * rgb[..., 0] + 0.587 * rgb[..., 1] + 0.114 * rgb[..., 2]
    cb = 128 - 0.168736 * rgb[..., 0] - 0.331264 * rgb[..., 1] + 0.5 * rgb[..., 2]
    cr = 128 + 0.5 * rgb[..., 0] - 0.418688 * rgb[..., 1] - 0.081312 * rgb[..., 2]
    # where no RGB channel was clamped, the JFIF transform of the RGB output gives the
    # YCbCr output back within 1.5 (RGB was rounded once, the reverse transform adds rounding)
    unclamped = ((rgb > 0) & (rgb < 255)).all(-1)
    assert unclamped.mean() > 0.5
    for got, want in ((ycc[..., 0], y), (ycc[..., 1], cb), (ycc[..., 2], cr)):
        assert np.abs(got - want)[unclamped].max() <= 1.5


def test_16bit_output_scales_8bit_source(ctx):
    img = photo()
    b = io.BytesIO()
    Image.fromarray(img).save(b, "JPEG", quality=92)
    data = b.getvalue()
    eight = ctx.decode(data)
    sixteen = ctx.decode(data, u16=True)
    assert sixteen.dtype == np.uint16
    np.testing.assert_array_equal(sixteen, eight.astype(np.uint16) * 257)


def test_planar_layout(ctx):
    b = io.BytesIO()
    Image.fromarray(photo()).save(b, "JPEG", quality=92)
    hwc = ctx.decode(b.getvalue())
    chw = ctx.decode(b.getvalue(), planar=True)
    np.testing.assert_array_equal(chw, hwc.transpose(2, 0, 1))


@pytest.mark.parametrize("orientation", range(1, 9))
def test_exif_orientation(ctx, fancy, orientation):
    img = Image.fromarray(photo(30, 47))
    exif = Image.Exif()
    exif[0x0112] = orientation
    b = io.BytesIO()
    img.save(b, "JPEG", quality=90, exif=exif.tobytes())
    data = b.getvalue()
    assert ctx.info(data)["orientation"] == orientation
    ref = ImageOps.exif_transpose(Image.open(io.BytesIO(data))).convert("RGB")
    np.testing.assert_array_equal(fancy.decode(data), np.asarray(ref))
    raw = fancy.decode(data, exif=False)
    np.testing.assert_array_equal(raw, np.asarray(Image.open(io.BytesIO(data)).convert("RGB")))
    planar = fancy.decode(data, planar=True)
    np.testing.assert_array_equal(planar, np.asarray(ref).transpose(2, 0, 1))


@pytest.mark.parametrize("progressive", [False, True])
def test_cmyk(ctx, fancy, progressive):
    rng = np.random.default_rng(3)
    cmyk = rng.integers(0, 256, (24, 40, 4), dtype=np.uint8)
    b = io.BytesIO()
    Image.fromarray(cmyk, "CMYK").save(b, "JPEG", quality=95, progressive=progressive)
    data = b.getvalue()
    info = ctx.info(data)
    assert info["channels"] == 4 and info["color"] == "cmyk"
    pil = Image.open(io.BytesIO(data))
    assert pil.mode == "CMYK"
    # colour conversion off: the 4 channels as stored in the file (Adobe: inverted)
    raw = ctx.decode(data, color=False)
    assert raw.shape == (24, 40, 4)
    np.testing.assert_array_equal(255 - raw, np.asarray(pil))
    # converted: the same rule as Pillow's CMYK -> RGB, exact
    np.testing.assert_array_equal(fancy.decode(data), np.asarray(pil.convert("RGB")))


@need_tools
def test_encode_matches_cjpeg(ctx):
    """Same library and settings as cjpeg: the decoded pixels of both files are identical."""
    img = photo(64, 96)
    for css in ("444", "422", "420", "440", "411", "410"):
        for prog in (0, 1):
            for opt in (0, 1):
                for q in (95, 50):
                    data = ctx.encode(img, "jpeg", quality=q, chroma_subsampling=css, jpeg_progressive=prog,
                                      jpeg_optimized_huffman=opt)
                    args = ["-quality", str(q), "-sample", SAMPLINGS[css]]
                    args += ["-progressive"] if prog else []
                    args += ["-optimize"] if opt else []
                    ref = cjpeg(img, *args)
                    info = ctx.info(data)
                    assert info["subsampling"] == css and info["progressive"] == prog
                    np.testing.assert_array_equal(djpeg(data), djpeg(ref), err_msg=str((css, prog, opt, q)))
                    if opt or prog:
                        assert len(data) < len(ctx.encode(img, "jpeg", quality=q, chroma_subsampling=css))


def test_encode_round_trip_and_params(ctx):
    img = photo(64, 96)
    data = ctx.encode(img, "jpeg", quality=95)
    back = np.asarray(Image.open(io.BytesIO(data)).convert("RGB")).astype(int)
    # lossy at quality 95 with 4:4:4: mean absolute error below 4 on this image, whose
    # per-pixel noise (sigma 12) is the hardest case for the DCT (measured: 3.2)
    assert np.abs(back - img).mean() < 4.0
    gray = ctx.encode(img, "jpeg", chroma_subsampling="gray")
    assert Image.open(io.BytesIO(gray)).mode == "L"
    low = ctx.encode(img, "jpeg", quality=10)
    high = ctx.encode(img, "jpeg", quality=100)
    assert len(low) < len(high)


def test_encode_inputs(ctx):
    img = photo(20, 30)
    ref = np.asarray(Image.open(io.BytesIO(ctx.encode(img, "jpeg"))).convert("RGB")).astype(int)
    bgr = np.asarray(Image.open(io.BytesIO(ctx.encode(img[:, :, ::-1], ".jpg", color_spec="bgr"))).convert("RGB"))
    np.testing.assert_array_equal(bgr, ref)
    rgba = np.dstack([img, np.full(img.shape[:2], 7, np.uint8)])
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(ctx.encode(rgba, "jpeg"))).convert("RGB")), ref)
    wide = img.astype(np.uint16) * 257
    np.testing.assert_array_equal(np.asarray(Image.open(io.BytesIO(ctx.encode(wide, "jpeg"))).convert("RGB")), ref)
    g = ctx.encode(img[:, :, 0], "jpeg")
    assert Image.open(io.BytesIO(g)).mode == "L"


def test_truncated_and_corrupt_are_errors(ctx):
    b = io.BytesIO()
    Image.fromarray(photo(64, 64)).save(b, "JPEG", quality=90)
    data = b.getvalue()
    with pytest.raises(pxc.PxcError) as e:
        ctx.decode(data[: len(data) // 2])
    assert e.value.name == "TRUNCATED_DATA"
    bad = bytearray(data)
    sos = data.index(b"\xff\xda")
    start = sos + 40
    # a run of one-bits (stuffed 0xFF bytes) is no valid Huffman code: libjpeg warns
    # "bad Huffman code" and fills in; strict mode (the default) makes that an error.
    # (libjpeg-turbo checks codes on its careful path, which covers the last few KB of a
    # stream, so the whole of this small file; see docs/ARCHITECTURE.md.)
    bad[start:start + 64] = b"\xff\x00" * 32
    with pytest.raises(pxc.PxcError) as e:
        ctx.decode(bytes(bad))
    assert e.value.name == "CORRUPT_DATA" and "Huffman" in e.value.detail
    lenient = pxc.Context(dec_options="jpeg:strict=0")
    assert lenient.decode(bytes(bad)).shape == (64, 64, 3)


def test_options_are_validated():
    for bad in ("jpeg:nonsense=1", "nosuchcodec:fancy_upsampling=1", ":fancy_upsampling=7", "fancy_upsampling"):
        with pytest.raises(pxc.PxcError) as e:
            pxc.Context(dec_options=bad)
        assert e.value.name == "INVALID_OPTION"
    # the seed API's module name for its JPEG decoder is accepted
    pxc.Context(dec_options="nvjpeg:fancy_upsampling=1").close()


def test_gpu_backends_report_unavailable():
    with pytest.raises(pxc.PxcError) as e:
        pxc.Context(backends=["gpu"])
    assert e.value.name == "BACKEND_UNAVAILABLE"
    assert "gpu_only" in e.value.detail
    # a GPU backend first, the CPU as fallback: works
    c = pxc.Context(backends=[("gpu", 0.5), "cpu"])
    b = io.BytesIO()
    Image.fromarray(photo()).save(b, "JPEG")
    out = c.decode_batch([b.getvalue()] * 4)
    assert all(isinstance(o, np.ndarray) for o in out)
