"""BMP and PNM against Pillow.

Files written by Pillow (or built here byte by byte where Pillow cannot write
the variant) must decode in pixcodec exactly as Pillow decodes them, and files
pixcodec writes must decode in Pillow to the pixels that went in.

Known differences, tested against their own expectations instead of Pillow:
- 16-bit BMP bit fields: pixcodec rounds v * 255 / max, Pillow truncates.
- RLE deltas: Pillow 9.4 reads two bytes too many after a delta escape.
- RLE4 absolute runs of odd length: Pillow 9.4 reads one byte too few.
- PNM maxvals with exact halves (even maxvals): Python's round() goes to even.
"""
import io
import struct

import numpy as np
import pytest
from PIL import Image

import pxc


@pytest.fixture(scope="module")
def ctx():
    c = pxc.Context(num_threads=1)
    yield c
    c.close()


RNG = np.random.default_rng(20240607)


def pil_save(img, fmt, **kw):
    b = io.BytesIO()
    img.save(b, fmt, **kw)
    return b.getvalue()


def pil_rgb(data, mode="RGB"):
    return np.asarray(Image.open(io.BytesIO(data)).convert(mode))


def random_rgb(h, w, c=3):
    return RNG.integers(0, 256, (h, w, c), dtype=np.uint8)


# ---------------------------------------------------------------- BMP helpers

def bmp_file(info, pixels, palette=b"", masks_after=b""):
    """BITMAPFILEHEADER + info header + masks + palette + pixels."""
    offset = 14 + len(info) + len(masks_after) + len(palette)
    head = b"BM" + struct.pack("<IHHI", offset + len(pixels), 0, 0, offset)
    return head + info + masks_after + palette + pixels


def info_header(w, h, bpp, compression=0, size=40, colors=0, masks=None, image_size=0):
    hdr = struct.pack("<IiiHHIIiiII", size, w, h, 1, bpp, compression, image_size, 2835, 2835, colors, 0)
    if size > 40:
        m = list(masks or (0, 0, 0, 0)) + [0] * 4
        hdr += struct.pack("<IIII", *m[:4])
        if size > 56:
            hdr += struct.pack("<I", 0x73524742) + b"\0" * (size - 60)
        hdr = hdr[:size]
    return hdr


def pack_rows(values, bpp, top_down=False):
    """values: HxW array of pixel values (indices or packed ints)."""
    h, w = values.shape
    stride = (w * bpp + 31) // 32 * 4
    rows = []
    for y in range(h):
        row = bytearray(stride)
        for x in range(w):
            v = int(values[y, x])
            if bpp < 8:
                bit = x * bpp
                row[bit // 8] |= v << (8 - bpp - bit % 8)
            else:
                row[x * bpp // 8:(x + 1) * bpp // 8] = v.to_bytes(bpp // 8, "little")
        rows.append(bytes(row))
    if not top_down:
        rows.reverse()
    return b"".join(rows)


def palette_bytes(pal):
    return b"".join(bytes((b, g, r, 0)) for r, g, b in pal)


def scale_field(v, mask):
    if mask == 0:
        return np.zeros_like(v)
    shift = (mask & -mask).bit_length() - 1
    bits = bin(mask).count("1")
    mx = (1 << bits) - 1
    f = (v.astype(np.uint64) & mask) >> shift
    return ((2 * f * 255 + mx) // (2 * mx)).astype(np.uint8)


# --------------------------------------------------------- BMP from Pillow

@pytest.mark.parametrize("mode", ["1", "L", "P", "RGB", "RGBA"])
@pytest.mark.parametrize("size", [(1, 1), (7, 5), (33, 17)])
def test_bmp_written_by_pillow(ctx, mode, size):
    w, h = size
    img = Image.fromarray(random_rgb(h, w)).convert(mode)
    if mode == "RGBA":
        img.putalpha(Image.fromarray(RNG.integers(0, 256, (h, w), dtype=np.uint8)))
    data = pil_save(img, "BMP")
    info = ctx.info(data)
    assert info["codec"] == "bmp" and (info["width"], info["height"]) == (w, h)
    ref = Image.open(io.BytesIO(data))
    if ref.mode in ("1", "L"):
        assert info["color"] == "gray" and info["channels"] == 1
        assert np.array_equal(ctx.decode(data, color_spec="gray")[:, :, 0], np.asarray(ref.convert("L")))
    elif mode == "P":
        assert info["color"] == "palette"
    assert np.array_equal(ctx.decode(data), pil_rgb(data))
    # Pillow writes RGBA as 32-bit BI_RGB and reads it back without alpha; so does pixcodec
    assert np.array_equal(ctx.decode(data, color_spec="rgba"), pil_rgb(data, "RGBA"))
    assert np.array_equal(ctx.decode(data, color_spec="bgr"), pil_rgb(data)[:, :, ::-1])


@pytest.mark.parametrize("bpp", [1, 4, 8])
@pytest.mark.parametrize("top_down", [False, True])
def test_bmp_palette_built(ctx, bpp, top_down):
    w, h = 13, 6
    n = 1 << bpp
    pal = [tuple(int(x) for x in RNG.integers(0, 256, 3)) for _ in range(n)]
    idx = RNG.integers(0, n, (h, w))
    data = bmp_file(info_header(w, -h if top_down else h, bpp, colors=n), pack_rows(idx, bpp, top_down),
                    palette_bytes(pal))
    expect = np.array(pal, dtype=np.uint8)[idx]
    assert np.array_equal(pil_rgb(data), expect)
    assert np.array_equal(ctx.decode(data), expect)


@pytest.mark.parametrize("top_down", [False, True])
def test_bmp_24_and_32_built(ctx, top_down):
    w, h = 9, 4
    rgb = random_rgb(h, w)
    v24 = rgb[:, :, 2].astype(np.uint32) | (rgb[:, :, 1].astype(np.uint32) << 8) | (rgb[:, :, 0].astype(np.uint32) << 16)
    hh = -h if top_down else h
    d24 = bmp_file(info_header(w, hh, 24), pack_rows(v24, 24, top_down))
    assert np.array_equal(ctx.decode(d24), pil_rgb(d24))
    assert np.array_equal(ctx.decode(d24), rgb)
    a = RNG.integers(0, 256, (h, w), dtype=np.uint32)
    v32 = v24 | (a << 24)
    for size, masks in [(108, (0xFF0000, 0xFF00, 0xFF, 0xFF000000)), (124, (0xFF, 0xFF00, 0xFF0000, 0xFF000000))]:
        vv = v32
        if masks[0] == 0xFF:  # RGBA byte order
            vv = rgb[:, :, 0].astype(np.uint32) | (rgb[:, :, 1].astype(np.uint32) << 8) | \
                (rgb[:, :, 2].astype(np.uint32) << 16) | (a << 24)
        d32 = bmp_file(info_header(w, hh, 32, compression=3, size=size, masks=masks), pack_rows(vv, 32, top_down))
        ref = Image.open(io.BytesIO(d32))
        assert ref.mode == "RGBA"
        assert ctx.info(d32)["color"] == "rgba"
        got = ctx.decode(d32, color_spec="rgba")
        assert np.array_equal(got, np.asarray(ref))
        assert np.array_equal(got[:, :, 3], a.astype(np.uint8))


@pytest.mark.parametrize("masks", [(0xF800, 0x7E0, 0x1F), (0x7C00, 0x3E0, 0x1F)])
def test_bmp_16bit(ctx, masks):
    w, h = 11, 3
    v = RNG.integers(0, 1 << 16, (h, w))
    data = bmp_file(info_header(w, h, 16, compression=3), pack_rows(v, 16),
                    masks_after=struct.pack("<III", *masks))
    got = ctx.decode(data)
    expect = np.stack([scale_field(v, m) for m in masks], axis=2)
    assert np.array_equal(got, expect)
    # Pillow truncates v * 255 / max instead of rounding: at most one apart
    diff = np.abs(got.astype(int) - pil_rgb(data).astype(int))
    assert diff.max() <= 1


def test_bmp_32bit_odd_masks(ctx):
    w, h = 5, 2
    v = RNG.integers(0, 1 << 32, (h, w), dtype=np.uint64)
    masks = (0x3FF00000, 0xFFC00, 0x3FF, 0xC0000000)
    data = bmp_file(info_header(w, h, 32, compression=3, size=124, masks=masks), pack_rows(v, 32))
    expect = np.stack([scale_field(v, m) for m in masks], axis=2)
    assert np.array_equal(ctx.decode(data, color_spec="rgba"), expect)


# ------------------------------------------------------------- BMP RLE

def rle8_encode(idx):
    """RLE8 stream with encoded and absolute runs, end of line and end of bitmap (no deltas)."""
    out = bytearray()
    for row in idx[::-1]:
        x, w = 0, len(row)
        while x < w:
            run = 1
            while x + run < w and run < 255 and row[x + run] == row[x]:
                run += 1
            if run >= 2 or w - x < 3:
                out += bytes((run, row[x]))
                x += run
            else:
                n = 3
                while x + n < w and n < 255 and row[x + n] != row[x + n - 1]:
                    n += 1
                out += bytes((0, n)) + bytes(int(i) for i in row[x:x + n])
                if n % 2:
                    out += b"\0"
                x += n
        out += b"\0\0"
    return bytes(out + b"\0\1")


def rle4_encode(idx):
    """RLE4 stream: encoded runs of alternating pairs and even-length absolute runs."""
    out = bytearray()
    for row in idx[::-1]:
        x, w = 0, len(row)
        while x < w:
            if w - x >= 4 and x % 3 == 0:
                n = 4  # absolute run of 4 pixels, 2 bytes
                px = [int(i) for i in row[x:x + 4]]
                out += bytes((0, 4, (px[0] << 4) | px[1], (px[2] << 4) | px[3]))
                x += 4
                continue
            a = int(row[x])
            b = int(row[x + 1]) if x + 1 < w else 0
            n = 1 if x + 1 >= w else 2
            while x + n < w and n < 255 and int(row[x + n]) == (a if n % 2 == 0 else b):
                n += 1
            out += bytes((n, (a << 4) | b))
            x += n
        out += b"\0\0"
    return bytes(out + b"\0\1")


@pytest.mark.parametrize("rle4", [False, True])
def test_bmp_rle_vs_pillow(ctx, rle4):
    w, h = 23, 7
    n = 16 if rle4 else 256
    pal = [tuple(int(x) for x in RNG.integers(0, 256, 3)) for _ in range(n)]
    # runs of equal values mixed with noise
    idx = RNG.integers(0, n, (h, w))
    idx[:, 3:9] = idx[:, 3:4]
    idx[2, :] = 5
    stream = rle4_encode(idx) if rle4 else rle8_encode(idx)
    data = bmp_file(info_header(w, h, 4 if rle4 else 8, compression=2 if rle4 else 1, colors=n,
                                image_size=len(stream)), stream, palette_bytes(pal))
    expect = np.array(pal, dtype=np.uint8)[idx]
    assert np.array_equal(pil_rgb(data), expect)
    assert np.array_equal(ctx.decode(data), expect)


def test_bmp_rle_delta(ctx):
    # Pillow 9.4 mis-reads deltas, so the expected image is written out by hand:
    # skipped pixels are palette index 0, as in Pillow's decoder.
    w, h = 8, 4
    pal = [(10, 20, 30)] + [(i * 15, 255 - i * 15, i) for i in range(1, 16)]
    stream = bytes([
        3, 1, 0, 2, 2, 1,          # row 0: 1 1 1, delta (+2, +1) -> row 1, x = 5
        3, 2,                      # row 1: 2 2 2 at x = 5..7
        0, 0,                      # end of line
        0, 3, 3, 4, 5, 0,          # row 2: absolute 3 4 5 (+ pad)
        0, 1,                      # end of bitmap
    ])
    data = bmp_file(info_header(w, h, 8, compression=1, colors=16), stream, palette_bytes(pal))
    idx = np.zeros((h, w), dtype=int)
    idx[3, 0:3] = 1
    idx[2, 5:8] = 2
    idx[1, 0:3] = [3, 4, 5]
    assert np.array_equal(ctx.decode(data), np.array(pal, dtype=np.uint8)[idx])


def test_bmp_rle_errors(ctx):
    pal = palette_bytes([(0, 0, 0)] * 16)
    bad = bmp_file(info_header(4, 2, 8, compression=1, colors=16), bytes([9, 1, 0, 1]), pal)
    with pytest.raises(pxc.PxcError) as e:
        ctx.decode(bad)
    assert e.value.name == "CORRUPT_DATA" and "RLE8" in e.value.detail and "row 0" in e.value.detail
    cut = bmp_file(info_header(4, 2, 8, compression=1, colors=16), bytes([4, 1, 0, 0]), pal)
    with pytest.raises(pxc.PxcError) as e:
        ctx.decode(cut)
    assert e.value.name == "TRUNCATED_DATA"


# ------------------------------------------------------ BMP written by pixcodec

@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_bmp_encoded_read_by_pillow(ctx, channels):
    a = random_rgb(9, 14, channels)
    data = ctx.encode(a, "bmp")
    ref = Image.open(io.BytesIO(data))
    ref.load()
    if channels == 1:
        assert ref.mode == "RGB"
        assert np.array_equal(np.asarray(ref), np.repeat(a, 3, axis=2))
    elif channels == 2:
        assert ref.mode == "RGBA"
        assert np.array_equal(np.asarray(ref), np.concatenate([np.repeat(a[:, :, :1], 3, axis=2), a[:, :, 1:]], 2))
    elif channels == 3:
        assert ref.mode == "RGB" and np.array_equal(np.asarray(ref), a)
    else:
        assert ref.mode == "RGBA" and np.array_equal(np.asarray(ref), a)


def test_bmp_encode_bgr_and_16bit(ctx):
    a = random_rgb(5, 6)
    data = ctx.encode(a[:, :, ::-1], "bmp", color_spec="bgr")
    assert np.array_equal(pil_rgb(data), a)
    a16 = RNG.integers(0, 65536, (5, 6, 3), dtype=np.uint16)
    data = ctx.encode(a16, "bmp")
    assert np.array_equal(pil_rgb(data), (a16 >> 8).astype(np.uint8))


# --------------------------------------------------------------- PNM

@pytest.mark.parametrize("mode", ["1", "L", "RGB", "I"])
@pytest.mark.parametrize("size", [(1, 1), (9, 4), (31, 7)])
def test_pnm_written_by_pillow(ctx, mode, size):
    w, h = size
    if mode == "I":  # written as 16-bit P5 (maxval 65535)
        img = Image.fromarray(RNG.integers(0, 65536, (h, w)).astype(np.int32))
        assert img.mode == "I"
    else:
        img = Image.fromarray(random_rgb(h, w)).convert(mode)
    data = pil_save(img, "PPM")
    info = ctx.info(data)
    assert info["codec"] == "pnm" and (info["width"], info["height"]) == (w, h)
    ref = Image.open(io.BytesIO(data))
    if mode == "I":
        assert data.startswith(b"P5") and b"65535" in data[:30]
        assert info["sample_type"] == 1 and info["precision"] == 16
        got = ctx.decode(data, color_spec="gray", u16=True)[:, :, 0]
        assert np.array_equal(got.astype(np.int64), np.asarray(ref).astype(np.int64))
    elif mode == "RGB":
        assert info["color"] == "rgb" and info["subsampling"] == "444"
        assert np.array_equal(ctx.decode(data), np.asarray(ref))
    else:
        assert info["color"] == "gray" and info["subsampling"] == "gray"
        assert info["precision"] == (1 if mode == "1" else 8)
        assert np.array_equal(ctx.decode(data, color_spec="gray")[:, :, 0], np.asarray(ref.convert("L")))


def test_pnm_plain_vs_pillow(ctx):
    h, w = 5, 6
    g = RNG.integers(0, 256, (h, w))
    p2 = "P2\n# comment\n%d %d\n255\n" % (w, h) + "\n".join(" ".join(str(v) for v in r) for r in g) + "\n"
    rgb = RNG.integers(0, 1000, (h, w, 3))  # maxval 999: odd, so no exact halves
    p3 = "P3\n%d %d\n999\n" % (w, h) + " ".join(str(v) for v in rgb.ravel()) + "\n"
    bits = RNG.integers(0, 2, (h, w))
    p1 = "P1\n%d %d\n" % (w, h) + "\n".join("".join(str(v) for v in r) for r in bits) + "\n"
    for text, color in [(p2, "gray"), (p3, "rgb"), (p1, "gray")]:
        data = text.encode()
        ref = Image.open(io.BytesIO(data)).convert("L" if color == "gray" else "RGB")
        got = ctx.decode(data, color_spec=color)
        if color == "gray":
            got = got[:, :, 0]
        assert np.array_equal(got, np.asarray(ref)), text[:2]


def test_pnm_16bit_ppm_and_odd_maxval(ctx):
    h, w = 4, 5
    v = RNG.integers(0, 65536, (h, w, 3), dtype=np.uint16)
    data = b"P6\n%d %d\n65535\n" % (w, h) + v.astype(">u2").tobytes()
    # Pillow reads 16-bit PPM as 8-bit round(v * 255 / 65535)
    assert np.array_equal(ctx.decode(data), pil_rgb(data))
    assert np.array_equal(ctx.decode(data, u16=True), v)
    g = RNG.integers(0, 4096, (h, w), dtype=np.uint16)
    data = b"P5\n%d %d\n4095\n" % (w, h) + g.astype(">u2").tobytes()
    ref = np.asarray(Image.open(io.BytesIO(data))).astype(np.int64)  # mode I, scaled to 65535
    assert np.array_equal(ctx.decode(data, color_spec="gray", u16=True)[:, :, 0].astype(np.int64), ref)
    assert ctx.info(data)["precision"] == 12


@pytest.mark.parametrize("channels", [1, 3])
@pytest.mark.parametrize("u16", [False, True])
def test_pnm_encoded_read_by_pillow(ctx, channels, u16):
    a = RNG.integers(0, 65536 if u16 else 256, (6, 7, channels), dtype=np.uint16 if u16 else np.uint8)
    data = ctx.encode(a, "pnm")
    assert data[:2] == (b"P5" if channels == 1 else b"P6")
    ref = np.asarray(Image.open(io.BytesIO(data)))
    if channels == 1:
        assert np.array_equal(ref.astype(np.int64), a[:, :, 0].astype(np.int64))
    elif not u16:
        assert np.array_equal(ref, a)
    else:
        expect = ((a.astype(np.uint64) * 255 * 2 + 65535) // (2 * 65535)).astype(np.uint8)
        assert np.array_equal(ref, expect)
    assert np.array_equal(ctx.decode(data, color_spec="gray" if channels == 1 else "rgb", u16=u16), a)


@pytest.mark.parametrize("channels", [2, 4])
def test_pam_encoded(ctx, channels):
    # Pillow 9.4 has no PAM reader: check the header and read it back
    a = random_rgb(3, 5, channels)
    data = ctx.encode(a, "pam")
    tupl = b"GRAYSCALE_ALPHA" if channels == 2 else b"RGB_ALPHA"
    head = b"P7\nWIDTH 5\nHEIGHT 3\nDEPTH %d\nMAXVAL 255\nTUPLTYPE %s\nENDHDR\n" % (channels, tupl)
    assert data == head + a.tobytes()
    info = ctx.info(data)
    assert info["color"] == ("gray_alpha" if channels == 2 else "rgba") and info["channels"] == channels
    assert np.array_equal(ctx.decode(data, color=False), a)


def test_pnm_errors(ctx):
    for data, name in [(b"P2\n2 1\n255\n3 256\n", "CORRUPT_DATA"),
                       (b"P5\n2 2\n255\n\x01\x02", "TRUNCATED_DATA"),
                       (b"P6\n0 1\n255\n", "CORRUPT_DATA"),
                       (b"P6\n100000 100000\n255\n", "LIMIT_EXCEEDED"),
                       (b"P3\n1 1\n255\n1 2 x\n", "CORRUPT_DATA")]:
        with pytest.raises(pxc.PxcError) as e:
            ctx.decode(data)
        assert e.value.name == name, data
        assert e.value.detail
