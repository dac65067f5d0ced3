"""WebP decoding and encoding checked against libwebp's tools (dwebp, cwebp, img2webp) and Pillow.

References and tolerances:
- Conformance corpus (libwebp's test files): for every file with an entry in
  libwebp_tests.md5, the PPM, PAM, BMP and TIFF files written from pixcodec's output exactly as
  dwebp writes them must have the listed md5 (tolerance 0). Files without an entry are
  compared with dwebp's own PAM output (tolerance 0). The .pgm entries (dwebp's raw YUV
  planes) are not checked: pixcodec does not output YUV.
- Files written by cwebp and by Pillow: pixcodec's RGB/RGBA output equals dwebp's and
  Pillow's exactly (tolerance 0); both use libwebp with fancy upsampling, as pixcodec does.
- Animations (img2webp): frame count, and every composited frame equals Pillow's frame
  (Pillow also composites with libwebp's WebPAnimDecoder), exactly.
- Files pixcodec writes: lossless ones decode (dwebp, Pillow) to the source exactly; lossy
  ones decode in dwebp and Pillow to exactly pixcodec's own decode, and within PSNR 30 dB of
  the smooth source.
"""
import ctypes as C
import hashlib
import io
import shutil
import struct
import subprocess

import numpy as np
import pytest
from PIL import Image

import pxc

WEBP_DIR = pxc.CORPUS / "webp"
SUITE = sorted(WEBP_DIR.glob("*.webp")) if WEBP_DIR.is_dir() else []
HAVE_TOOLS = all(shutil.which(t) for t in ("dwebp", "cwebp", "img2webp"))


@pytest.fixture(scope="module")
def ctx():
    c = pxc.Context(num_threads=2)
    yield c
    c.close()


@pytest.fixture(scope="module")
def ctx_lossless():
    c = pxc.Context(num_threads=2, enc_options="webp:lossless=1")
    yield c
    c.close()


def md5_table():
    table = {}
    path = WEBP_DIR / "libwebp_tests.md5"
    if path.is_file():
        for line in path.read_text().splitlines():
            parts = line.split()
            if len(parts) == 2:
                table[parts[1]] = parts[0]
    return table


# ---- writers that reproduce dwebp's output files byte for byte -----------------------

def ppm_bytes(rgb):
    h, w, _ = rgb.shape
    return b"P6\n%d %d\n255\n" % (w, h) + rgb.tobytes()


def pam_bytes(rgba):
    h, w, _ = rgba.shape
    return (b"P7\nWIDTH %d\nHEIGHT %d\nDEPTH 4\nMAXVAL 255\nTUPLTYPE RGB_ALPHA\nENDHDR\n" % (w, h)
            + rgba.tobytes())


def bmp_bytes(bgr_or_bgra):
    """dwebp -bmp: bottom-up rows padded to 4 bytes; 24-bit BGR, or 32-bit BGRA with a
    56-byte info header holding the channel masks (BI_BITFIELDS) when there is alpha."""
    h, w, c = bgr_or_bgra.shape
    alpha = c == 4
    header_size = 14 + (56 if alpha else 40)
    stride = (w * c + 3) & ~3
    image_size = stride * h
    head = struct.pack("<2sIIII", b"BM", header_size + image_size, 0, header_size,
                       56 if alpha else 40)
    head += struct.pack("<iiHHIIiiII", w, h, 1, 8 * c, 3 if alpha else 0, image_size, 2400,
                        2400, 0, 0)
    if alpha:
        head += struct.pack("<IIII", 0x00FF0000, 0x0000FF00, 0x000000FF, 0xFF000000)
    pad = b"\0" * (stride - w * c)
    rows = [bgr_or_bgra[y].tobytes() + pad for y in range(h - 1, -1, -1)]
    return head + b"".join(rows)


def tiff_bytes(rgb_or_rgba):
    """dwebp -tiff: one uncompressed strip after a fixed 210-byte header (15 IFD entries with
    alpha; without alpha the ExtraSamples entry is left in place with its tag and type zeroed
    and the entry count is 14)."""
    h, w, c = rgb_or_rgba.shape
    alpha = c == 4
    entries = [(0x100, 3, 1, w), (0x101, 3, 1, h), (0x102, 3, c, 194), (0x103, 3, 1, 1),
               (0x106, 3, 1, 2), (0x111, 4, 1, 210), (0x112, 3, 1, 1), (0x115, 3, 1, c),
               (0x116, 3, 1, h), (0x117, 4, 1, w * h * c), (0x11A, 5, 1, 202),
               (0x11B, 5, 1, 202), (0x11C, 3, 1, 1), (0x128, 3, 1, 2),
               (0x152 if alpha else 0, 3 if alpha else 0, 1, 2)]
    head = struct.pack("<2sHIH", b"II", 42, 8, 15 if alpha else 14)
    head += b"".join(struct.pack("<HHII", *e) for e in entries)
    head += struct.pack("<I4HII", 0, 8, 8, 8, 8, 72, 1)
    assert len(head) == 210
    return head + rgb_or_rgba.tobytes()


def dwebp(path, fmt, tmp_path):
    out = tmp_path / ("out." + fmt)
    r = subprocess.run(["dwebp", "-quiet", str(path), "-" + fmt, "-o", str(out)],
                       capture_output=True)
    return out.read_bytes() if r.returncode == 0 and out.exists() else None


def decode_frame(ctx, data, index, color_spec="rgba"):
    """Decodes frame @index (pxc_decode_params.image_index) into an array."""
    st = ctx._stream(data)
    try:
        p = ctx._params(color_spec=color_spec)
        p.image_index = index
        img = pxc.P()
        pxc._check(pxc.lib.pxc_decode(ctx.dec, st, C.byref(p), C.byref(img)),
                   lambda: pxc.lib.pxc_decoder_last_error(ctx.dec))
        try:
            return ctx.to_array(img)
        finally:
            pxc.lib.pxc_image_destroy(img)
    finally:
        pxc.lib.pxc_code_stream_destroy(st)


# ---- conformance corpus ------------------------------------------------------------------

@pytest.mark.skipif(not SUITE, reason="conformance corpus not present")
@pytest.mark.skipif(not HAVE_TOOLS, reason="libwebp tools not installed")
def test_corpus_md5(ctx, tmp_path):
    table = md5_table()
    matched = {"ppm": 0, "pam": 0, "bmp": 0, "tiff": 0}
    against_dwebp = refused = 0
    failures = []
    for path in SUITE:
        name = path.name
        try:
            info = ctx.info(path)
            rgba = ctx.decode(path, color_spec="rgba")
            rgb = ctx.decode(path, color_spec="rgb")
            bgr = ctx.decode(path, color_spec="bgra" if info["channels"] == 4 else "bgr")
        except pxc.PxcError as e:
            # only files dwebp refuses too may fail
            if dwebp(path, "pam", tmp_path) is not None:
                failures.append(f"{name}: pixcodec fails ({e}) where dwebp decodes")
            else:
                refused += 1
            continue
        assert info["codec"] == "webp" and info["num_images"] >= 1
        assert (info["width"], info["height"]) == rgba.shape[1::-1]
        ours = {"ppm": ppm_bytes(rgb), "pam": pam_bytes(rgba), "bmp": bmp_bytes(bgr),
                "tiff": tiff_bytes(rgba if info["channels"] == 4 else rgb)}
        listed = [f for f in ours if name + "." + f in table]
        if listed:
            for f in listed:
                got = hashlib.md5(ours[f]).hexdigest()
                if got == table[name + "." + f]:
                    matched[f] += 1
                else:
                    failures.append(f"{name}.{f}: md5 {got}, expected {table[name + '.' + f]}")
        elif info["num_images"] == 1:
            ref = dwebp(path, "pam", tmp_path)
            if ref != ours["pam"]:
                failures.append(f"{name}: differs from dwebp -pam")
            else:
                against_dwebp += 1
    print(f"webp corpus: {len(SUITE)} files; md5 matched ppm {matched['ppm']}, pam "
          f"{matched['pam']}, bmp {matched['bmp']}, tiff {matched['tiff']}; {against_dwebp} equal to dwebp; "
          f"{refused} refused by both")
    assert not failures, "\n".join(failures)
    assert sum(matched.values()) > 0


@pytest.mark.skipif(not SUITE, reason="conformance corpus not present")
def test_corpus_against_pillow(ctx):
    bad = []
    for path in SUITE:
        try:
            ref = Image.open(path)
            ref.load()
        except Exception:
            continue
        mode = "RGBA" if ref.mode == "RGBA" else "RGB"
        ours = ctx.decode(path, color_spec=mode.lower())
        if not np.array_equal(ours, np.asarray(ref.convert(mode))):
            bad.append(path.name)
    assert not bad, bad


@pytest.mark.skipif(not SUITE, reason="conformance corpus not present")
def test_corpus_truncated(ctx):
    """Every corpus file cut in half fails with a clean error."""
    for path in SUITE[:40]:
        data = path.read_bytes()
        with pytest.raises(pxc.PxcError) as e:
            ctx.decode(data[:len(data) // 2])
        assert e.value.name in ("TRUNCATED_DATA", "CORRUPT_DATA"), (path.name, e.value)


# ---- files from cwebp and Pillow --------------------------------------------------------

def test_image(w=67, h=45, alpha=False, seed=1):
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    base = np.stack([(x * 3) % 256, (y * 5) % 256, ((x + y) * 2) % 256], axis=-1)
    img = np.clip(base + rng.integers(-20, 20, base.shape), 0, 255).astype(np.uint8)
    if alpha:
        a = ((x * 7 + y * 3) % 256).astype(np.uint8)[..., None]
        img = np.concatenate([img, a], axis=-1)
    return img


test_image.__test__ = False


@pytest.mark.skipif(not HAVE_TOOLS, reason="libwebp tools not installed")
@pytest.mark.parametrize("args", [["-q", "80"], ["-q", "20", "-sharp_yuv"], ["-lossless", "-exact"],
                                  ["-near_lossless", "60"], ["-q", "90", "-alpha_q", "50"]])
@pytest.mark.parametrize("alpha", [False, True])
def test_cwebp_files(ctx, tmp_path, args, alpha):
    src = test_image(alpha=alpha)
    png = tmp_path / "src.png"
    Image.fromarray(src).save(png)
    out = tmp_path / "a.webp"
    subprocess.run(["cwebp", "-quiet", *args, str(png), "-o", str(out)], check=True)
    info = ctx.info(out)
    assert info["channels"] == (4 if alpha else 3)
    assert info["subsampling"] == ("444" if "-lossless" in args or "-near_lossless" in args
                                   else "420")
    rgba = ctx.decode(out, color_spec="rgba")
    rgb = ctx.decode(out, color_spec="rgb")
    assert pam_bytes(rgba) == dwebp(out, "pam", tmp_path)
    assert ppm_bytes(rgb) == dwebp(out, "ppm", tmp_path)
    with Image.open(out) as im:
        ref = np.asarray(im.convert("RGBA" if alpha else "RGB"))
    assert np.array_equal(rgba if alpha else rgb, ref)
    if "-lossless" in args:
        assert np.array_equal(rgba if alpha else rgb, src)
    # gray output is the BT.601 luma of the RGB output, as Pillow computes it
    gray = ctx.decode(out, color_spec="gray")[..., 0]
    assert np.array_equal(gray, np.asarray(Image.fromarray(rgb).convert("L")))


@pytest.mark.parametrize("lossless", [False, True])
@pytest.mark.parametrize("mode", ["RGB", "RGBA"])
def test_pillow_files(ctx, lossless, mode):
    src = test_image(alpha=mode == "RGBA", seed=3)
    buf = io.BytesIO()
    Image.fromarray(src).save(buf, "WEBP", lossless=lossless, quality=70, exact=True)
    data = buf.getvalue()
    ours = ctx.decode(data, color_spec=mode.lower())
    with Image.open(io.BytesIO(data)) as im:
        ref = np.asarray(im.convert(mode))
    assert np.array_equal(ours, ref)
    if lossless:
        assert np.array_equal(ours, src)


@pytest.mark.skipif(not HAVE_TOOLS, reason="libwebp tools not installed")
def test_animation_img2webp(ctx, tmp_path):
    frames = []
    for i in range(4):
        f = test_image(40, 30, alpha=True, seed=10 + i)
        f[..., 3] = np.where(np.arange(40)[None, :] < 10 * (i + 1), 255, 0).astype(np.uint8)
        p = tmp_path / f"f{i}.png"
        Image.fromarray(f).save(p)
        frames.append(str(p))
    out = tmp_path / "anim.webp"
    subprocess.run(["img2webp", "-loop", "0", "-lossy", "-q", "80", frames[0], "-lossless",
                    frames[1], "-lossy", frames[2], frames[3], "-o", str(out)],
                   check=True, capture_output=True)
    data = out.read_bytes()
    info = ctx.info(data)
    assert info["num_images"] == 4
    assert (info["width"], info["height"]) == (40, 30)
    assert info["channels"] == 4
    with Image.open(io.BytesIO(data)) as im:
        assert im.n_frames == 4
        for i in range(4):
            im.seek(i)
            ref = np.asarray(im.convert("RGBA"))
            assert np.array_equal(decode_frame(ctx, data, i), ref), f"frame {i}"
    # default decode = first frame
    assert np.array_equal(ctx.decode(data, color_spec="rgba"), decode_frame(ctx, data, 0))
    with pytest.raises(pxc.PxcError) as e:
        decode_frame(ctx, data, 4)
    assert e.value.name == "INVALID_ARGUMENT"


# ---- files pixcodec writes ---------------------------------------------------------------

@pytest.mark.skipif(not HAVE_TOOLS, reason="libwebp tools not installed")
@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_encoded_lossless(ctx_lossless, tmp_path, channels):
    src = test_image(alpha=True, seed=5)
    if channels <= 2:
        arr = src[..., :1] if channels == 1 else src[..., [0, 3]]
        expect = np.concatenate([arr[..., :1]] * 3 + ([arr[..., 1:]] if channels == 2 else []),
                                axis=-1)
    else:
        arr = src[..., :channels]
        expect = arr
    data = ctx_lossless.encode(arr, "webp")
    path = tmp_path / "p.webp"
    path.write_bytes(data)
    alpha = channels in (2, 4)
    with Image.open(path) as im:
        ref = np.asarray(im.convert("RGBA" if alpha else "RGB"))
    assert np.array_equal(ref, expect)
    ref_d = dwebp(path, "pam", tmp_path)
    exp_rgba = expect if alpha else np.concatenate(
        [expect, np.full(expect.shape[:2] + (1,), 255, np.uint8)], axis=-1)
    assert ref_d == pam_bytes(exp_rgba)


@pytest.mark.skipif(not HAVE_TOOLS, reason="libwebp tools not installed")
@pytest.mark.parametrize("quality", [10, 50, 90])
@pytest.mark.parametrize("alpha", [False, True])
def test_encoded_lossy(ctx, tmp_path, quality, alpha):
    h, w = 48, 64
    y, x = np.mgrid[0:h, 0:w]
    src = np.stack([x * 3, y * 4, (x + y) * 2], axis=-1).clip(0, 255).astype(np.uint8)
    if alpha:
        src = np.concatenate([src, ((x * 4) % 256).astype(np.uint8)[..., None]], axis=-1)
    data = ctx.encode(src, "webp", quality=quality)
    path = tmp_path / "q.webp"
    path.write_bytes(data)
    mode = "rgba" if alpha else "rgb"
    ours = ctx.decode(data, color_spec=mode)
    with Image.open(path) as im:
        assert np.array_equal(np.asarray(im.convert(mode.upper())), ours)
    assert dwebp(path, "pam", tmp_path) == pam_bytes(ctx.decode(data, color_spec="rgba"))
    if alpha:
        assert np.array_equal(ours[..., 3], src[..., 3])  # alpha is coded losslessly
    mse = np.mean((ours[..., :3].astype(float) - src[..., :3]) ** 2)
    psnr = 10 * np.log10(255 ** 2 / max(mse, 1e-9))
    assert psnr > (30 if quality >= 50 else 25), psnr


def test_encoded_quality_changes_size(ctx):
    src = test_image(seed=9)
    sizes = [len(ctx.encode(src, "webp", quality=q)) for q in (5, 50, 95)]
    assert sizes[0] < sizes[1] < sizes[2]


def test_encoded_16bit_keeps_high_byte(ctx_lossless):
    src = (test_image(seed=4).astype(np.uint16) * 257 + 100).astype(np.uint16)
    data = ctx_lossless.encode(src, "webp")
    assert np.array_equal(ctx_lossless.decode(data), (src >> 8).astype(np.uint8))
    assert np.array_equal(ctx_lossless.decode(data, u16=True), (src >> 8) * 257)


def test_too_large_to_encode(ctx):
    with pytest.raises(pxc.PxcError) as e:
        ctx.encode(np.zeros((1, 16384, 3), np.uint8), "webp")
    assert "16383" in e.value.detail


def test_bad_option():
    with pytest.raises(pxc.PxcError):
        pxc.Context(enc_options="webp:lossless=7")
