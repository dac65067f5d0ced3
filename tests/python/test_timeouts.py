"""Decode time is bounded by what an input declares.

Hostile inputs built to make a decoder work far beyond their size (thousands of
repeated progressive scans, animations of thousands of tiny frames on a large
canvas, hundreds of thousands of strips, chunks or pages, tiled JPEG 2000 with no
tile data, huge images declared by a few bytes) must each end, in success or in a
clear error, within a few seconds per megapixel they declare.

The bound is (3 s + 1 s per declared megapixel), times 5 in sanitizer builds: an
order of magnitude above what any of these takes on a 2-core machine, so it only
catches decodes that run away (a hang or quadratic work), never a slow machine.
"""
import io
import os
import shutil
import struct
import subprocess
import time

import numpy as np
import pytest
from PIL import Image

import pyhelpers  # noqa: F401  (puts the build's pixcodec first on sys.path)
import pixcodec  # noqa: E402

SLOW = 5.0 if os.environ.get("PXC_SANITIZED") else 1.0


def timed_decode(data, declared_pixels, options=None, **params):
    dec = pixcodec.Decoder(backends=[pixcodec.Backend(pixcodec.BackendKind.CPU_ONLY)], options=options or "")
    t = time.perf_counter()
    try:
        dec.decode(data, params=pixcodec.DecodeParams(**params))
        outcome = "decoded"
    except pixcodec.Error as e:
        outcome = f"{e.status_name}: {e.detail}"
        assert e.detail, "an error must say why"
    elapsed = time.perf_counter() - t
    bound = (3.0 + declared_pixels / 1e6) * SLOW
    assert elapsed < bound, f"took {elapsed:.1f} s (bound {bound:.1f} s for {declared_pixels} pixels): {outcome}"
    return outcome


def segments(jpeg):
    """Splits a JPEG into (marker, bytes) pieces; an SOS piece includes its entropy-coded data."""
    out, i = [], 2
    while i < len(jpeg):
        assert jpeg[i] == 0xFF
        m = jpeg[i + 1]
        if m == 0xD9:
            out.append((m, jpeg[i:i + 2]))
            break
        ln = struct.unpack(">H", jpeg[i + 2:i + 4])[0]
        end = i + 2 + ln
        if m == 0xDA:
            while not (jpeg[end] == 0xFF and jpeg[end + 1] not in (0x00,) and not 0xD0 <= jpeg[end + 1] <= 0xD7):
                end += 1
        out.append((m, jpeg[i:end]))
        i = end
    return out


def test_jpeg_thousands_of_repeated_scans():
    rng = np.random.default_rng(1)
    buf = io.BytesIO()
    Image.fromarray(rng.integers(0, 256, (512, 512, 3), dtype=np.uint8)).save(buf, "JPEG", progressive=True)
    segs = segments(buf.getvalue())
    first_sos = next(i for i, (m, _) in enumerate(segs) if m == 0xDA)
    head = b"\xff\xd8" + b"".join(s for _, s in segs[:first_sos])
    scans = b"".join(s for m, s in segs[first_sos:] if m != 0xD9)   # scans and the tables between them
    data = head + scans * 600 + b"\xff\xd9"   # ~6000 scans
    out = timed_decode(data, 512 * 512, options="jpeg:strict=0")
    assert "LIMIT_EXCEEDED" in out and "scans" in out
    # strict mode stops at the first repeated scan
    timed_decode(data, 512 * 512)


def test_jpeg_huge_declared_size_without_data():
    buf = io.BytesIO()
    Image.new("RGB", (16, 16)).save(buf, "JPEG")
    segs = segments(buf.getvalue())
    out = b"\xff\xd8"
    for m, s in segs:
        if m == 0xC0:   # SOF0: set 12000 x 12000
            s = s[:5] + struct.pack(">HH", 12000, 12000) + s[9:]
        if m == 0xDA:
            s = s + b"\x00" * 16
        out += s
    timed_decode(out, 12000 * 12000)
    timed_decode(out, 12000 * 12000, options="jpeg:strict=0")


def webp_animation(canvas, frames):
    tiny = io.BytesIO()
    Image.new("RGBA", (1, 1), (10, 20, 30, 255)).save(tiny, "WEBP", lossless=True)
    vp8l = tiny.getvalue()[12:]   # the VP8L chunk, header included

    def chunk(tag, payload):
        return tag + struct.pack("<I", len(payload)) + payload + (b"\0" if len(payload) % 2 else b"")

    def u24(v):
        return struct.pack("<I", v)[:3]

    anmf = chunk(b"ANMF", u24(0) * 4 + u24(1) + b"\x00" + vp8l)
    body = (b"WEBP" + chunk(b"VP8X", bytes([0x12, 0, 0, 0]) + u24(canvas - 1) + u24(canvas - 1))
            + chunk(b"ANIM", b"\0" * 6) + anmf * frames)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def test_webp_animation_of_many_tiny_frames_on_a_large_canvas():
    data = webp_animation(2048, 20000)
    # every frame is composited on the whole canvas: the work is bounded, not the canvas
    for index in (0, 300, 19999):
        out = timed_decode(data, 2048 * 2048 * (index + 1) // 64, image_index=index)
        if index == 19999:
            assert "LIMIT_EXCEEDED" in out and "max_pixels" in out


def png_chunk(tag, payload):
    import zlib
    return struct.pack(">I", len(payload)) + tag + payload + struct.pack(">I", zlib.crc32(tag + payload))


def test_png_hundreds_of_thousands_of_chunks():
    import zlib
    ihdr = png_chunk(b"IHDR", struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0))
    idat = zlib.compress(b"\x00\x7f")
    empty_idat = png_chunk(b"IDAT", b"")
    text = png_chunk(b"tEXt", b"k\x00v")
    sig = b"\x89PNG\r\n\x1a\n"
    many_idat = sig + ihdr + empty_idat * 300000 + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    many_text = sig + ihdr + text * 300000 + png_chunk(b"IDAT", idat) + png_chunk(b"IEND", b"")
    timed_decode(many_idat, 1)
    timed_decode(many_text, 1)


@pytest.mark.skipif(shutil.which("tiffcp") is None, reason="tiffcp (libtiff-tools) not installed")
def test_tiff_one_row_per_strip(tmp_path):
    src, dst = tmp_path / "tall.tif", tmp_path / "strips.tif"
    Image.fromarray(np.arange(400000, dtype=np.uint32).astype(np.uint8).reshape(400000, 1)).save(src)
    subprocess.run(["tiffcp", "-r", "1", "-c", "none", str(src), str(dst)], check=True)
    timed_decode(dst.read_bytes(), 400000)


def tiff_pages(n):
    """n pages of 1 x 1 gray, little-endian, each IFD followed by its one pixel."""
    out = bytearray(b"II*\x00" + struct.pack("<I", 8))
    for i in range(n):
        ifd_at = len(out)
        entries = [(256, 3, 1, 1), (257, 3, 1, 1), (258, 3, 1, 8), (259, 3, 1, 1), (262, 3, 1, 1),
                   (273, 4, 1, ifd_at + 2 + 8 * 12 + 4), (278, 3, 1, 1), (279, 4, 1, 1)]
        out += struct.pack("<H", len(entries))
        for tag, typ, cnt, val in entries:
            out += struct.pack("<HHI", tag, typ, cnt) + (struct.pack("<HH", val, 0) if typ == 3 else struct.pack("<I", val))
        nxt = ifd_at + 2 + 8 * 12 + 4 + 2 if i + 1 < n else 0
        out += struct.pack("<I", nxt) + bytes([i & 0xFF, 0])
    return bytes(out)


def test_tiff_many_pages():
    data = tiff_pages(100000)
    out = timed_decode(data, 100000)
    assert out == "decoded" or "pages" in out
    timed_decode(tiff_pages(60000), 60000, image_index=59999)


@pytest.mark.skipif(shutil.which("opj_compress") is None, reason="opj_compress (libopenjp2-tools) not installed")
def test_jpeg2k_thousands_of_empty_tiles(tmp_path):
    src, dst = tmp_path / "in.pgm", tmp_path / "tiles.j2k"
    rng = np.random.default_rng(3)
    Image.fromarray(rng.integers(0, 256, (1024, 1024), dtype=np.uint8)).save(src)
    subprocess.run(["opj_compress", "-i", str(src), "-o", str(dst), "-t", "16,16", "-n", "3"], check=True,
                   stdout=subprocess.DEVNULL)
    data = dst.read_bytes()
    # keep the main header and a little: 4096 tiles declared, almost none present
    sot = data.index(b"\xff\x90")
    timed_decode(data[:sot + 200], 1024 * 1024)
    timed_decode(data[:sot] + b"\xff\xd9", 1024 * 1024)   # no tile at all


def test_bmp_rle_huge_declared_size_without_data():
    w = h = 8000
    header = struct.pack("<2sIHHI", b"BM", 0, 0, 0, 14 + 40 + 1024)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 8, 1, 4, 2835, 2835, 256, 0)
    palette = bytes(range(256)) * 4
    data = header + info + palette + b"\x00\x01"   # end of bitmap at once
    timed_decode(data, w * h)


def test_pnm_ascii_declared_large_with_little_data():
    data = b"P2\n4000 4000\n65535\n" + b"1 2 3 " * 1000
    timed_decode(data, 4000 * 4000)
