"""PNG decoding and encoding checked against Pillow.

References and tolerances:
- 8-bit and lower-depth files: pixcodec's RGBA/RGB/BGR/BGRA/gray output must equal
  Pillow's exactly (tolerance 0). Gray output of colour files goes through the
  core's BT.601 luma and must equal Pillow's RGB -> L exactly as well.
- 16-bit gray files (Pillow mode "I" keeps all 16 bits): u16 output must equal
  Pillow exactly (tolerance 0); u8 output is the high byte, exactly.
- 16-bit colour and gray+alpha files (Pillow reduces them to 8 bits): u8 output
  and the high byte of u16 output must equal Pillow exactly (tolerance 0). The
  full 16-bit values are checked exactly against the samples written into
  generated files, and against a small zlib + unfilter reader below for PngSuite.
- Where Pillow is known to be wrong, the reference is fixed and says why: a tRNS
  key of a 1/2/4-bit gray file is compared by Pillow with the scaled 8-bit
  sample, and a 16-bit tRNS key with the 8-bit sample.
"""
import io
import struct
import zlib

import numpy as np
import pytest
from PIL import Image

import pxc

PNG_DIR = pxc.CORPUS / "png"
SUITE = sorted(PNG_DIR.glob("*.png")) if PNG_DIR.is_dir() else []
VALID = [p for p in SUITE if not p.name.startswith("x")]
CORRUPT = [p for p in SUITE if p.name.startswith("x")]

CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}
# Adam7 passes: x start, y start, x step, y step
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2),
         (0, 1, 1, 2)]


@pytest.fixture(scope="module")
def ctx():
    c = pxc.Context(num_threads=2)
    yield c
    c.close()


# ---- a small independent PNG reader and writer ---------------------------------------

def chunks(data):
    pos = 8
    while pos + 8 <= len(data):
        n, t = struct.unpack(">I4s", data[pos:pos + 8])
        yield t, data[pos + 8:pos + 8 + n]
        pos += 12 + n


def ihdr(data):
    """(width, height, bit depth, colour type, interlace) from IHDR."""
    w, h, depth, ct, _, _, il = struct.unpack(">IIBBBBB", data[16:29])
    return w, h, depth, ct, il


def _paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def _unfilter(line, prev, ft, bpp):
    for i in range(len(line)):
        a = line[i - bpp] if i >= bpp else 0
        b = prev[i]
        c = prev[i - bpp] if i >= bpp else 0
        if ft == 1:
            line[i] = (line[i] + a) & 255
        elif ft == 2:
            line[i] = (line[i] + b) & 255
        elif ft == 3:
            line[i] = (line[i] + (a + b) // 2) & 255
        elif ft == 4:
            line[i] = (line[i] + _paeth(a, b, c)) & 255


def _unpack(line, depth, count):
    if depth == 16:
        return np.frombuffer(bytes(line), ">u2")[:count].astype(np.uint16)
    if depth == 8:
        return np.frombuffer(bytes(line), np.uint8)[:count].astype(np.uint16)
    bits = np.unpackbits(np.frombuffer(bytes(line), np.uint8))
    bits = bits[:count * depth].reshape(count, depth)
    weights = 1 << np.arange(depth - 1, -1, -1)
    return (bits * weights).sum(axis=1).astype(np.uint16)


def raw_samples(data):
    """Stored samples (H x W x C, uint16, palette indices for colour type 3)."""
    w, h, depth, ct, il = ihdr(data)
    c = CHANNELS[ct]
    idat = b"".join(body for t, body in chunks(data) if t == b"IDAT")
    raw = zlib.decompress(idat)
    bpp = max(1, c * depth // 8)
    out = np.zeros((h, w, c), np.uint16)
    pos = 0
    for x0, y0, dx, dy in (ADAM7 if il else [(0, 0, 1, 1)]):
        pw = (w - x0 + dx - 1) // dx if w > x0 else 0
        ph = (h - y0 + dy - 1) // dy if h > y0 else 0
        if pw == 0 or ph == 0:
            continue
        stride = (pw * c * depth + 7) // 8
        prev = bytearray(stride)
        for r in range(ph):
            ft = raw[pos]
            line = bytearray(raw[pos + 1:pos + 1 + stride])
            pos += 1 + stride
            _unfilter(line, prev, ft, bpp)
            out[y0 + r * dy, x0::dx][:pw] = _unpack(line, depth, pw * c).reshape(pw, c)
            prev = line
    return out


def trns_key(data):
    for t, body in chunks(data):
        if t == b"tRNS":
            return body
    return None


def _chunk(t, body):
    return struct.pack(">I", len(body)) + t + body + struct.pack(">I", zlib.crc32(t + body))


def _pack_line(samples, depth):
    """One line of samples (1-D) to bytes."""
    if depth == 16:
        return samples.astype(">u2").tobytes()
    if depth == 8:
        return samples.astype(np.uint8).tobytes()
    bits = ((samples[:, None] >> np.arange(depth - 1, -1, -1)) & 1).astype(np.uint8)
    return np.packbits(bits.reshape(-1)).tobytes()


def _filter(line, prev, ft, bpp):
    x = np.frombuffer(line, np.uint8).astype(np.int32)
    b = np.frombuffer(prev, np.uint8).astype(np.int32)
    a = np.concatenate([np.zeros(bpp, np.int32), x[:-bpp]]) if len(x) > bpp else np.zeros_like(x)
    c = np.concatenate([np.zeros(bpp, np.int32), b[:-bpp]]) if len(x) > bpp else np.zeros_like(x)
    if ft == 0:
        pred = np.zeros_like(x)
    elif ft == 1:
        pred = a
    elif ft == 2:
        pred = b
    elif ft == 3:
        pred = (a + b) // 2
    else:
        p = a + b - c
        pa, pb, pc = np.abs(p - a), np.abs(p - b), np.abs(p - c)
        pred = np.where((pa <= pb) & (pa <= pc), a, np.where(pb <= pc, b, c))
    return ((x - pred) & 255).astype(np.uint8).tobytes()


def write_png(samples, ct, depth, interlace=False, plte=None, trns=None, seed=0):
    """A PNG of stored samples (H x W x C) with random filter types per line."""
    rng = np.random.default_rng(seed)
    h, w, c = samples.shape
    bpp = max(1, c * depth // 8)
    raw = bytearray()
    for x0, y0, dx, dy in (ADAM7 if interlace else [(0, 0, 1, 1)]):
        sub = samples[y0::dy, x0::dx]
        if sub.size == 0:
            continue
        prev = bytes(len(_pack_line(sub[0].reshape(-1), depth)))
        for row in sub:
            line = _pack_line(row.reshape(-1), depth)
            ft = int(rng.integers(0, 5))
            raw.append(ft)
            raw += _filter(line, prev, ft, bpp)
            prev = line
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, depth, ct, 0, 0,
                                                               1 if interlace else 0))
    if plte is not None:
        out += _chunk(b"PLTE", bytes(np.asarray(plte, np.uint8).reshape(-1)))
    if trns is not None:
        out += _chunk(b"tRNS", trns)
    comp = zlib.compress(bytes(raw), 9)
    # split the data over several IDAT chunks
    for i in range(0, len(comp), 97):
        out += _chunk(b"IDAT", comp[i:i + 97])
    return out + _chunk(b"IEND", b"")


# ---- references ------------------------------------------------------------------

def pillow_open(data):
    im = Image.open(io.BytesIO(data))
    im.load()
    return im


def reference_rgba8(data):
    """The image as 8-bit RGBA, from Pillow with its two known tRNS mistakes fixed."""
    im = pillow_open(data)
    w, h, depth, ct, il = ihdr(data)
    key = trns_key(data)
    if im.mode in ("I", "I;16", "I;16B"):
        g = np.asarray(im).astype(np.uint32)
        g8 = (g >> 8).astype(np.uint8)
        a = np.full(g8.shape, 255, np.uint8)
        if key is not None and len(key) == 2:
            a[g == struct.unpack(">H", key)[0]] = 0
        return np.dstack([g8, g8, g8, a])
    if ct == 0 and depth < 8 and key is not None and len(key) == 2:
        # Pillow compares the key with the scaled 8-bit value; PNG means the stored sample.
        g = np.asarray(im.convert("L"))
        k = (struct.unpack(">H", key)[0] & ((1 << depth) - 1)) * 255 // ((1 << depth) - 1)
        a = np.where(g == k, 0, 255).astype(np.uint8)
        return np.dstack([g, g, g, a])
    if ct == 2 and depth == 16 and key is not None and len(key) == 6:
        # Pillow compares a 16-bit key with 8-bit samples; take alpha from the stored samples.
        rgb = np.asarray(im.convert("RGB"))
        k = np.array(struct.unpack(">HHH", key), np.uint16)
        a = np.where((raw_samples(data) == k).all(axis=2), 0, 255).astype(np.uint8)
        return np.dstack([rgb, a])
    return np.asarray(im.convert("RGBA"))


def luma8(rgb):
    """Pillow's RGB -> L."""
    rgb = rgb.astype(np.uint32)
    return ((rgb[..., 0] * 19595 + rgb[..., 1] * 38470 + rgb[..., 2] * 7471 + 0x8000) >> 16
            ).astype(np.uint8)


def check_outputs(ctx, data, label):
    """Decodes @p data to every colour and sample type and compares with the references."""
    w, h, depth, ct, il = ihdr(data)
    ref = reference_rgba8(data)
    assert ref.shape == (h, w, 4), label

    rgba = ctx.decode(data, color_spec="rgba", exif=False)
    np.testing.assert_array_equal(rgba, ref, err_msg=f"{label}: rgba u8")
    np.testing.assert_array_equal(ctx.decode(data, color_spec="bgra", exif=False),
                                  ref[..., [2, 1, 0, 3]], err_msg=f"{label}: bgra u8")
    np.testing.assert_array_equal(ctx.decode(data, color_spec="rgb", exif=False), ref[..., :3],
                                  err_msg=f"{label}: rgb u8")
    np.testing.assert_array_equal(ctx.decode(data, color_spec="bgr", exif=False),
                                  ref[..., 2::-1], err_msg=f"{label}: bgr u8")
    gray = ctx.decode(data, color_spec="gray", exif=False)[..., 0]
    ga = ctx.decode(data, color_spec="gray_alpha", exif=False)
    np.testing.assert_array_equal(ga[..., 1], ref[..., 3], err_msg=f"{label}: gray_alpha alpha")
    np.testing.assert_array_equal(ga[..., 0], gray, err_msg=f"{label}: gray_alpha gray")
    if ct in (0, 4):
        np.testing.assert_array_equal(gray, ref[..., 0], err_msg=f"{label}: gray u8")
    else:
        np.testing.assert_array_equal(gray, luma8(ref[..., :3]), err_msg=f"{label}: gray u8 luma")

    # 16-bit output
    rgba16 = ctx.decode(data, color_spec="rgba", u16=True, exif=False)
    assert rgba16.dtype == np.uint16
    if depth < 16:
        np.testing.assert_array_equal(rgba16, ref.astype(np.uint16) * 257,
                                      err_msg=f"{label}: rgba u16 of an 8-bit file")
    else:
        np.testing.assert_array_equal(rgba16 >> 8, ref, err_msg=f"{label}: rgba u16 high byte")
        stored = raw_samples(data)
        if ct in (0, 4):
            np.testing.assert_array_equal(rgba16[..., 0], stored[..., 0], err_msg=f"{label}: gray16")
        else:
            np.testing.assert_array_equal(rgba16[..., :3], stored[..., :3], err_msg=f"{label}: rgb16")
        if ct in (4, 6):
            np.testing.assert_array_equal(rgba16[..., 3], stored[..., -1], err_msg=f"{label}: a16")
        im = pillow_open(data)
        if im.mode in ("I", "I;16", "I;16B"):
            np.testing.assert_array_equal(rgba16[..., 0], np.asarray(im).astype(np.uint16),
                                          err_msg=f"{label}: gray u16 vs Pillow")
    rgb16 = ctx.decode(data, color_spec="bgr", u16=True, exif=False)
    np.testing.assert_array_equal(rgb16, rgba16[..., 2::-1], err_msg=f"{label}: bgr u16")
    ga16 = ctx.decode(data, color_spec="gray_alpha", u16=True, exif=False)
    np.testing.assert_array_equal(ga16[..., 1], rgba16[..., 3], err_msg=f"{label}: ga u16 alpha")
    g16 = ctx.decode(data, color_spec="gray", u16=True, exif=False)[..., 0]
    np.testing.assert_array_equal(g16, ga16[..., 0], err_msg=f"{label}: gray u16")
    if ct in (0, 4):
        np.testing.assert_array_equal(g16, rgba16[..., 0], err_msg=f"{label}: gray u16")

    # native output: channels as the info says
    info = ctx.info(data)
    native = ctx.decode(data, color=False, exif=False, u16=depth == 16)
    assert native.shape == (h, w, info["channels"]), label
    assert native.dtype == (np.uint16 if depth == 16 else np.uint8), label
    expect = {1: ref[..., :1], 2: ref[..., [0, 3]], 3: ref[..., :3], 4: ref}[info["channels"]]
    if depth == 16:
        native = native >> 8
    np.testing.assert_array_equal(native, expect, err_msg=f"{label}: native")


def expected_info(data):
    w, h, depth, ct, il = ihdr(data)
    key = trns_key(data)
    has_trns = key is not None and ((ct == 0 and len(key) == 2) or (ct == 2 and len(key) == 6)
                                    or ct == 3)
    channels = {0: 1, 2: 3, 3: 3, 4: 2, 6: 4}[ct] + (1 if has_trns else 0)
    color = {0: "gray", 2: "rgb", 3: "palette", 4: "gray_alpha", 6: "rgba"}[ct]
    return {"codec": "png", "width": w, "height": h, "channels": channels,
            "sample_type": 1 if depth == 16 else 0, "precision": 8 if ct == 3 else depth,
            "subsampling": "gray" if ct in (0, 4) else "444", "color": color,
            "num_images": 1, "progressive": il}


# ---- PngSuite ----------------------------------------------------------------------

@pytest.mark.parametrize("path", VALID, ids=[p.name for p in VALID])
def test_pngsuite_decodes_like_pillow(ctx, path):
    data = path.read_bytes()
    info = ctx.info(data)
    exp = expected_info(data)
    for k, v in exp.items():
        assert info[k] == v, f"{path.name}: info {k} = {info[k]}, expected {v}"
    assert info["orientation"] == (pillow_open(data).getexif().get(0x0112) or 1)
    check_outputs(ctx, data, path.name)
    # the file path route gives the same pixels
    np.testing.assert_array_equal(ctx.decode(path, color_spec="rgba", exif=False),
                                  ctx.decode(data, color_spec="rgba", exif=False))


@pytest.mark.parametrize("path", CORRUPT, ids=[p.name for p in CORRUPT])
def test_pngsuite_corrupt_files_are_rejected(ctx, path):
    with pytest.raises(pxc.PxcError) as e:
        ctx.decode(path, color_spec="rgba")
    assert e.value.name in ("CORRUPT_DATA", "UNSUPPORTED_FORMAT", "TRUNCATED_DATA"), e.value
    assert e.value.detail, "no detail text"
    if path.name.startswith(("xc", "xd", "xh", "xcs")):
        assert "PNG" in e.value.detail, e.value.detail


def test_pngsuite_batch(ctx):
    if not SUITE:
        pytest.skip("PngSuite corpus (shared/corpus/png) not present")
    res = ctx.decode_batch([p.read_bytes() for p in SUITE], color_spec="rgba")
    for p, r in zip(SUITE, res):
        if p.name.startswith("x"):
            assert isinstance(r, pxc.PxcError), p.name
        else:
            assert not isinstance(r, pxc.PxcError), f"{p.name}: {r}"
            np.testing.assert_array_equal(r, reference_rgba8(p.read_bytes()), err_msg=p.name)


# ---- generated files ---------------------------------------------------------------

def _pillow_bytes(im, **kw):
    buf = io.BytesIO()
    im.save(buf, format="PNG", **kw)
    return buf.getvalue()


def _pillow_cases():
    rng = np.random.default_rng(7)
    h, w = 19, 23
    u8 = lambda *s: rng.integers(0, 256, s, dtype=np.uint8)  # noqa: E731
    cases = [
        ("1", Image.fromarray(u8(h, w) > 127).convert("1"), {}),
        ("L", Image.fromarray(u8(h, w), "L"), {}),
        ("L-trns", Image.fromarray(u8(h, w) // 32 * 32, "L"), {"transparency": 64}),
        ("LA", Image.fromarray(u8(h, w, 2), "LA"), {}),
        ("RGB", Image.fromarray(u8(h, w, 3), "RGB"), {}),
        ("RGB-trns", Image.fromarray(u8(h, w, 3) // 128 * 128, "RGB"),
         {"transparency": (128, 0, 128)}),
        ("RGBA", Image.fromarray(u8(h, w, 4), "RGBA"), {}),
        ("I16", Image.fromarray(rng.integers(0, 65536, (h, w), dtype=np.uint16), "I;16"), {}),
    ]
    for bits in (1, 2, 4, 8):
        idx = rng.integers(0, 1 << bits, (h, w), dtype=np.uint8)
        p = Image.fromarray(idx, "P")
        p.putpalette(list(u8((1 << bits) * 3)))
        cases.append((f"P{bits}", p, {"bits": bits}))
        cases.append((f"P{bits}-trns", p, {"bits": bits,
                                             "transparency": bytes(u8(1 << bits))}))
    return cases


PILLOW_CASES = _pillow_cases()


@pytest.mark.parametrize("case", PILLOW_CASES, ids=[c[0] for c in PILLOW_CASES])
def test_pillow_written_files(ctx, case):
    name, im, kw = case
    data = _pillow_bytes(im, **kw)
    check_outputs(ctx, data, name)
    info = ctx.info(data)
    for k, v in expected_info(data).items():
        assert info[k] == v, f"{name}: info {k}"


def _generated(ct, depth, interlace, trns, w=37, h=21, seed=1):
    rng = np.random.default_rng(seed + 31 * ct + depth + (100 if interlace else 0))
    c = CHANNELS[ct]
    top = (1 << depth) - 1
    samples = rng.integers(0, top + 1, (h, w, c), dtype=np.uint32).astype(np.uint16)
    plte = key = None
    if ct == 3:
        n = 1 << depth
        plte = rng.integers(0, 256, (n, 3), dtype=np.uint8)
        if trns:
            key = bytes(rng.integers(0, 256, max(1, n - 1), dtype=np.uint8))
    elif trns and ct in (0, 2):
        # a key that occurs: the first pixel
        key = b"".join(struct.pack(">H", int(v)) for v in samples[0, 0])
    return samples, write_png(samples, ct, depth, interlace, plte, key, seed), plte, key


GEN_CASES = [(ct, d, il, t)
             for ct, depths in ((0, (1, 2, 4, 8, 16)), (2, (8, 16)), (3, (1, 2, 4, 8)),
                                (4, (8, 16)), (6, (8, 16)))
             for d in depths for il in (False, True)
             for t in ((False, True) if ct in (0, 2, 3) else (False,))]


@pytest.mark.parametrize("case", GEN_CASES,
                         ids=[f"ct{c}-{d}bit{'-adam7' if i else ''}{'-trns' if t else ''}"
                              for c, d, i, t in GEN_CASES])
def test_generated_files(ctx, case):
    ct, depth, interlace, trns = case
    samples, data, plte, key = _generated(ct, depth, interlace, trns)
    label = f"ct{ct} {depth}-bit{' adam7' if interlace else ''}{' trns' if trns else ''}"
    # the independent reader agrees with the samples written
    np.testing.assert_array_equal(raw_samples(data), samples)
    check_outputs(ctx, data, label)
    info = ctx.info(data)
    assert info["progressive"] == (1 if interlace else 0)
    # exact comparison with the samples written, in the file's own form
    native = ctx.decode(data, color=False, exif=False, u16=depth == 16)
    top = (1 << depth) - 1
    if ct == 3:
        exp = plte[samples[..., 0]]
        if key is not None:
            alpha = np.full(len(plte), 255, np.uint8)
            alpha[:len(key)] = np.frombuffer(key, np.uint8)
            exp = np.dstack([exp, alpha[samples[..., 0]]])
    else:
        scale = 65535 // top if depth == 16 else 255 // top
        exp = samples.astype(np.uint32) * scale
        if key is not None:
            k = np.array(struct.unpack(f">{len(key) // 2}H", key))
            alpha = np.where((samples == k).all(axis=2), 0, 65535 if depth == 16 else 255)
            exp = np.dstack([exp, alpha])
    np.testing.assert_array_equal(native, exp.astype(native.dtype), err_msg=label)


def test_large_interlaced_and_odd_sizes(ctx):
    for w, h in ((1, 1), (1, 9), (9, 1), (3, 5), (8, 8), (257, 3)):
        for il in (False, True):
            samples, data, _, _ = _generated(6, 8, il, False, w=w, h=h)
            out = ctx.decode(data, color_spec="rgba", exif=False)
            np.testing.assert_array_equal(out, samples.astype(np.uint8), err_msg=f"{w}x{h} {il}")


# ---- encoding ----------------------------------------------------------------------

ENC_CASES = [(color, dt) for color in ("gray", "gray_alpha", "rgb", "bgr", "rgba", "bgra")
             for dt in (np.uint8, np.uint16)]


@pytest.mark.parametrize("case", ENC_CASES,
                         ids=[f"{c}-{np.dtype(d).name}" for c, d in ENC_CASES])
def test_encoded_files_decode_in_pillow(ctx, case):
    color, dt = case
    c = {"gray": 1, "gray_alpha": 2, "rgb": 3, "bgr": 3, "rgba": 4, "bgra": 4}[color]
    rng = np.random.default_rng(3)
    top = 255 if dt == np.uint8 else 65535
    arr = rng.integers(0, top + 1, (29, 31, c), dtype=np.uint32).astype(dt)
    arr[:8] = arr[0, 0]  # some flat area
    data = ctx.encode(arr, "png", color_spec=color)
    w, h, depth, ct, il = ihdr(data)
    assert (w, h, depth, il) == (31, 29, 16 if dt == np.uint16 else 8, 0)
    assert ct == {1: 0, 2: 4, 3: 2, 4: 6}[c]
    stored = arr[..., [2, 1, 0, 3][:c]] if color.startswith("bgr") else arr
    if c == 1:
        stored = stored[..., :1]
    # the stored samples are exactly the input
    np.testing.assert_array_equal(raw_samples(data), stored.astype(np.uint16))
    im = pillow_open(data)
    if dt == np.uint16 and c == 1:
        np.testing.assert_array_equal(np.asarray(im).astype(np.uint16), arr[..., 0])
    else:
        ref = np.asarray(im.convert({1: "L", 2: "LA", 3: "RGB", 4: "RGBA"}[c]))
        exp = stored if dt == np.uint8 else (stored >> 8).astype(np.uint8)
        if c == 1:
            exp = exp[..., 0]
        np.testing.assert_array_equal(ref, exp)
    # and pixcodec reads back what it wrote
    back = ctx.decode(data, color_spec=color if c > 2 else "rgba", u16=dt == np.uint16)
    if c > 2:
        np.testing.assert_array_equal(back, arr)


def test_compression_level_option():
    arr = np.tile(np.arange(64, dtype=np.uint8), (64, 3)).reshape(64, 64, 3)
    sizes = {}
    for level in (0, 1, 6, 9):
        c = pxc.Context(num_threads=1, enc_options=f"png:compression_level={level}")
        data = c.encode(arr, "png")
        np.testing.assert_array_equal(c.decode(data, color_spec="rgb"), arr)
        sizes[level] = len(data)
        c.close()
    assert sizes[0] > sizes[1] >= sizes[9], sizes
    assert sizes[0] >= arr.size  # stored, not compressed
    with pytest.raises(pxc.PxcError) as e:
        pxc.Context(num_threads=1, enc_options="png:compression_level=10")
    assert e.value.name == "INVALID_OPTION"
    # an encode option given to a decoder is accepted without effect, but still validated
    pxc.Context(num_threads=1, dec_options="png:compression_level=3").close()
    with pytest.raises(pxc.PxcError) as e:
        pxc.Context(num_threads=1, dec_options="png:compression_level=30")
    assert e.value.name == "INVALID_OPTION"


def test_truncated_and_damaged(ctx):
    samples, data, _, _ = _generated(2, 8, False, False, w=9, h=7)
    ctx.decode(data)
    for n in range(len(data)):
        with pytest.raises(pxc.PxcError) as e:
            ctx.decode(data[:n])
        assert e.value.name in ("EMPTY_INPUT", "UNSUPPORTED_FORMAT", "TRUNCATED_DATA"), (n, e.value)
        if n >= 8:
            assert e.value.name == "TRUNCATED_DATA", (n, e.value)
    # every single-byte change after the signature is caught by a CRC or a check
    for pos in range(8, len(data)):
        bad = bytearray(data)
        bad[pos] ^= 0x10
        with pytest.raises(pxc.PxcError):
            ctx.decode(bytes(bad))


# ---- hostile files, limits, metadata -----------------------------------------------

def _tiny_png(extra=b"", size=(1, 1)):
    w, h = size
    out = b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 0, 0, 0, 0))
    return out + extra + _chunk(b"IDAT", zlib.compress(b"\0\0")) + _chunk(b"IEND", b"")


def test_huge_ancillary_chunks_are_refused(ctx):
    bomb = zlib.compress(bytes(40 << 20), 9)  # 40 MiB of zeros in about 40 KB
    for name, body in ((b"zTXt", b"Comment\0\0" + bomb), (b"iCCP", b"profile\0\0" + bomb),
                       (b"iTXt", b"Comment\0\1\0\0\0" + bomb)):
        with pytest.raises(pxc.PxcError) as e:
            ctx.decode(_tiny_png(_chunk(name, body)))
        assert e.value.name == "LIMIT_EXCEEDED", (name, e.value)
        assert "PNG" in e.value.detail
    # several large chunks together exceed the chunk cache
    mid = _chunk(b"zTXt", b"Comment\0\0" + zlib.compress(bytes(12 << 20), 9))
    with pytest.raises(pxc.PxcError) as e:
        ctx.decode(_tiny_png(mid * 4))
    assert e.value.name == "LIMIT_EXCEEDED", e.value
    # ordinary metadata is fine
    ok = _tiny_png(_chunk(b"zTXt", b"Comment\0\0" + zlib.compress(bytes(1 << 20)))
                   + _chunk(b"tEXt", b"Title\0hello"))
    assert ctx.decode(ok, color_spec="gray").shape == (1, 1, 1)


def test_absurd_sizes(ctx):
    for size in ((100000, 100000), (0x7FFFFFFF, 1), (1, 0x7FFFFFFF)):
        data = _tiny_png(size=size)
        with pytest.raises(pxc.PxcError) as e:
            ctx.decode(data)
        assert e.value.name == "LIMIT_EXCEEDED", (size, e.value)
    for size in ((0x80000000, 1), (1, 0x80000000), (0, 5), (5, 0)):
        with pytest.raises(pxc.PxcError) as e:
            ctx.info(_tiny_png(size=size))
        assert e.value.name == "CORRUPT_DATA", (size, e.value)
    # without a pixel limit the byte limit still refuses 100000 x 100000
    c = pxc.Context(num_threads=1, max_pixels=0)
    with pytest.raises(pxc.PxcError) as e:
        c.decode(_tiny_png(size=(100000, 100000)))
    assert e.value.name == "LIMIT_EXCEEDED", e.value
    c.close()


def test_working_memory_is_budgeted():
    _, data, _, _ = _generated(2, 16, True, False, w=200, h=200)
    # RGB u8 is decoded straight into the output (120000 bytes); gray u16 of an
    # interlaced 16-bit file needs a whole-image RGBA16 scratch (320000 bytes) too.
    c = pxc.Context(num_threads=1, max_bytes=280_000)
    assert c.decode(data, color_spec="rgb").shape == (200, 200, 3)
    with pytest.raises(pxc.PxcError) as e:
        c.decode(data, color_spec="gray", u16=True)
    assert e.value.name == "LIMIT_EXCEEDED", e.value
    c.close()
    # libspng's own memory (zlib state, line buffers) is charged as well
    c = pxc.Context(num_threads=1, max_bytes=120_000 + 1000)
    with pytest.raises(pxc.PxcError) as e:
        c.decode(data, color_spec="rgb")
    assert e.value.name == "LIMIT_EXCEEDED", e.value
    c.close()


def _exif(orientation):
    ifd = struct.pack(">HHHIHH", 1, 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    return b"MM\0*" + struct.pack(">I", 8) + ifd


def test_exif_orientation(ctx):
    samples, data, _, _ = _generated(2, 8, False, False, w=7, h=3)
    pos = 33  # after IHDR
    tagged = data[:pos] + _chunk(b"eXIf", _exif(6)) + data[pos:]
    assert ctx.info(tagged)["orientation"] == 6
    assert ctx.decode(tagged, exif=False).shape == (3, 7, 3)
    rotated = ctx.decode(tagged, color_spec="rgb")
    assert rotated.shape == (7, 3, 3)
    np.testing.assert_array_equal(rotated, np.rot90(samples.astype(np.uint8), k=-1))
    assert ctx.info(data)["orientation"] == 1
    # a damaged eXIf chunk is an error like any other CRC mismatch
    bad = bytearray(tagged)
    bad[pos + 8 + 4] ^= 1
    with pytest.raises(pxc.PxcError) as e:
        ctx.decode(bytes(bad))
    assert e.value.name == "CORRUPT_DATA"


def test_unknown_critical_chunk(ctx):
    with pytest.raises(pxc.PxcError) as e:
        ctx.info(_tiny_png(_chunk(b"ABCD", b"x")))
    assert e.value.name == "UNSUPPORTED_FEATURE" and "ABCD" in e.value.detail
    # unknown ancillary chunks are skipped
    assert ctx.decode(_tiny_png(_chunk(b"abCD", b"x")), color_spec="gray").shape == (1, 1, 1)
