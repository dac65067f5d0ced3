"""Tests of the pixcodec command-line tool (build/bin/pixcodec).

Inputs are generated with Pillow in tmp_path; outputs are read back with
Pillow and compared with Pillow's decode of the input: exactly for lossless
targets (PNG, BMP, PNM), and for JPEG targets written at quality 95 with a
mean absolute error below 3 (8-bit samples).
"""
import json
import os
import pty
import shutil
import subprocess

import numpy as np
import pytest
from PIL import Image, JpegImagePlugin

import pxc

TOOL = pxc.TOOL

EXT = {"jpeg": "jpg", "png": "png", "bmp": "bmp", "pnm": "ppm"}
LOSSLESS = {"png", "bmp", "pnm"}
PIL_FORMAT = {"jpeg": "JPEG", "png": "PNG", "bmp": "BMP", "pnm": "PPM"}
JPEG_MAE = 3.0   # JPEG targets at quality 95


def run(*args, check=None):
    r = subprocess.run([TOOL, *map(str, args)], capture_output=True, text=True, timeout=120)
    if check is not None:
        assert r.returncode == check, f"exit {r.returncode}\nstdout: {r.stdout}\nstderr: {r.stderr}"
    return r


def error_lines(stderr):
    return [l for l in stderr.splitlines() if l.startswith("pixcodec: ")]


def pattern(w=67, h=45, mode="RGB", seed=0):
    """Smooth gradients plus mild noise: realistic for JPEG, exact checks for the rest."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    r = (x * 255 // max(w - 1, 1))
    g = (y * 255 // max(h - 1, 1))
    b = ((x + y) * 4) % 256
    rgb = np.stack([r, g, b], axis=-1).astype(np.int32)
    rgb = np.clip(rgb + rng.integers(-6, 7, rgb.shape), 0, 255).astype(np.uint8)
    im = Image.fromarray(rgb, "RGB")
    if mode == "RGB":
        return im
    if mode == "L":
        return im.convert("L")
    if mode == "RGBA":
        a = ((x * 7 + y * 3) % 256).astype(np.uint8)
        return Image.fromarray(np.dstack([rgb, a]), "RGBA")
    raise ValueError(mode)


def save(im, path, fmt, **kw):
    if fmt == "jpeg":
        kw.setdefault("quality", 92)
    im.save(path, PIL_FORMAT[fmt], **kw)
    return path


def pixels(path, mode=None):
    with Image.open(path) as im:
        im.load()
        if mode:
            im = im.convert(mode)
        return np.asarray(im)


def mae(a, b):
    return float(np.mean(np.abs(a.astype(np.int32) - b.astype(np.int32))))


# ---- help, version, codecs --------------------------------------------------

def test_version_and_help():
    r = run("--version", check=0)
    assert r.stdout.startswith("pixcodec ")
    r = run("--help", check=0)
    for cmd in ("info", "convert", "decode", "codecs"):
        assert cmd in r.stdout
    for cmd in ("info", "convert", "decode", "codecs"):
        r = run(cmd, "--help", check=0)
        assert r.stdout.startswith(f"Usage: pixcodec {cmd}")


def test_codecs_lists_formats():
    r = run("codecs", check=0)
    for name in ("jpeg", "png", "bmp", "pnm"):
        assert any(l.split()[0] == name for l in r.stdout.splitlines()[1:]), r.stdout
    assert run("--list-codecs", check=0).stdout == r.stdout
    data = json.loads(run("codecs", "--json", check=0).stdout)
    names = {c["codec"] for c in data}
    assert {"jpeg", "png", "bmp", "pnm"} <= names
    for c in data:
        for impl in c["implementations"]:
            assert impl["available"] or impl["reason"]


# ---- info ----------------------------------------------------------------------

def make_inputs(tmp_path):
    files = {}
    files["rgb.jpg"] = save(pattern(), tmp_path / "rgb.jpg", "jpeg")
    files["gray.jpg"] = save(pattern(mode="L"), tmp_path / "gray.jpg", "jpeg")
    files["rgb.png"] = save(pattern(40, 30), tmp_path / "rgb.png", "png")
    files["rgba.png"] = save(pattern(33, 21, "RGBA"), tmp_path / "rgba.png", "png")
    files["gray.png"] = save(pattern(mode="L"), tmp_path / "gray.png", "png")
    files["rgb.bmp"] = save(pattern(19, 7), tmp_path / "rgb.bmp", "bmp")
    files["rgb.ppm"] = save(pattern(64, 3), tmp_path / "rgb.ppm", "pnm")
    files["gray.pgm"] = save(pattern(5, 9, "L"), tmp_path / "gray.pgm", "pnm")
    return files


def test_info_text(tmp_path):
    files = make_inputs(tmp_path)
    r = run("info", *files.values(), check=0)
    lines = r.stdout.splitlines()
    assert len(lines) == len(files)
    for (name, path), line in zip(files.items(), lines):
        with Image.open(path) as im:
            w, h, ch = im.width, im.height, len(im.getbands())
        assert line.startswith(f"{path}: ")
        assert f" {w}x{h}," in line
        assert f" {ch} channel" in line
        codec = {"jpg": "jpeg", "png": "png", "bmp": "bmp", "ppm": "pnm", "pgm": "pnm"}[
            name.rsplit(".", 1)[1]]
        assert line.split(": ", 1)[1].startswith(codec + ",")


def test_info_json(tmp_path):
    files = make_inputs(tmp_path)
    bad = tmp_path / "bad.png"
    bad.write_bytes(b"this is not an image at all")
    missing = tmp_path / "missing.jpg"
    args = [*files.values(), bad, missing]
    r = run("info", "--json", *args, check=1)
    data = json.loads(r.stdout)
    assert [d["file"] for d in data] == [str(a) for a in args]
    for d, path in zip(data, files.values()):
        with Image.open(path) as im:
            assert (d["width"], d["height"]) == im.size
            assert d["channels"] == len(im.getbands())
        assert d["sample_type"] == "u8" and d["precision"] == 8
        assert d["num_images"] == 1 and d["orientation"] == 1
        assert "error" not in d
    assert data[0]["codec"] == "jpeg" and data[0]["color_spec"] == "ycbcr"
    assert data[1]["chroma_subsampling"] == "gray"
    for d in data[-2:]:
        assert set(d) >= {"file", "error"} and d["error"]


def test_info_json_escapes_names(tmp_path):
    name = tmp_path / 'odd "name"\\\n\t.png'
    save(pattern(8, 8), name, "png")
    data = json.loads(run("info", "--json", name, check=0).stdout)
    assert data[0]["file"] == str(name)
    assert data[0]["width"] == 8


def test_info_progressive_and_exif(tmp_path):
    p = save(pattern(), tmp_path / "p.jpg", "jpeg", progressive=True)
    exif = Image.Exif()
    exif[0x0112] = 6
    e = save(pattern(), tmp_path / "e.jpg", "jpeg", exif=exif.tobytes())
    data = json.loads(run("info", "--json", p, e, check=0).stdout)
    assert data[0]["progressive"] is True
    assert data[1]["progressive"] is False
    assert data[1]["orientation"] == 6


# ---- convert: every pair of formats -------------------------------------------------

@pytest.mark.parametrize("src", ["jpeg", "png", "bmp", "pnm"])
@pytest.mark.parametrize("dst", ["jpeg", "png", "bmp", "pnm"])
def test_convert_pairs(tmp_path, src, dst):
    inp = save(pattern(), tmp_path / f"in.{EXT[src]}", src)
    out = tmp_path / f"out.{EXT[dst]}"
    run("convert", inp, "-o", out, "--quality", "95", check=0)
    want = pixels(inp, "RGB")
    got = pixels(out, "RGB")
    assert got.shape == want.shape
    if dst in LOSSLESS:
        np.testing.assert_array_equal(got, want)
    else:
        assert mae(got, want) < JPEG_MAE


@pytest.mark.parametrize("dst", ["jpeg", "png", "bmp", "pnm"])
def test_convert_gray(tmp_path, dst):
    inp = save(pattern(mode="L"), tmp_path / "in.png", "png")
    out = tmp_path / f"out.{EXT[dst]}"
    run("convert", inp, "-o", out, check=0)
    want = pixels(inp, "L")
    got = pixels(out, "L")
    if dst in ("jpeg", "png", "pnm"):
        with Image.open(out) as im:
            assert im.mode == "L"   # gray stays gray where the format stores gray
    if dst in LOSSLESS:
        np.testing.assert_array_equal(got, want)
    else:
        assert mae(got, want) < JPEG_MAE


@pytest.mark.parametrize("dst,mode", [("png", "RGBA"), ("bmp", "RGBA"), ("jpeg", "RGB"),
                                      ("pnm", "RGB")])
def test_convert_alpha_rule(tmp_path, dst, mode):
    src = pattern(mode="RGBA")
    inp = save(src, tmp_path / "in.png", "png")
    out = tmp_path / f"out.{EXT[dst]}"
    run("convert", inp, "-o", out, check=0)
    with Image.open(out) as im:
        assert im.mode == mode   # alpha kept where the format stores it, else dropped
    got = pixels(out, mode)
    want = np.asarray(src)[:, :, :len(mode)]
    if dst in LOSSLESS:
        np.testing.assert_array_equal(got, want)
    else:
        assert mae(got, want) < JPEG_MAE


def test_convert_jpeg_options(tmp_path):
    inp = save(pattern(64, 48), tmp_path / "in.png", "png")
    out = tmp_path / "o.jpg"
    run("convert", inp, "-o", out, "--progressive", "--optimize", "--subsampling", "420",
        "-q", "90", check=0)
    with Image.open(out) as im:
        assert im.info.get("progressive") or im.info.get("progression")
        assert JpegImagePlugin.get_sampling(im) == 2   # 4:2:0
    run("convert", inp, "-o", out, "--subsampling", "444", check=0)
    with Image.open(out) as im:
        assert JpegImagePlugin.get_sampling(im) == 0
        assert not im.info.get("progressive")
    run("convert", inp, "-o", out, "--subsampling", "gray", check=0)
    with Image.open(out) as im:
        assert im.mode == "L"
    low, high = tmp_path / "low.jpg", tmp_path / "high.jpg"
    run("convert", inp, "-o", low, "-q", "10", check=0)
    run("convert", inp, "-o", high, "-q", "98", check=0)
    want = pixels(inp, "RGB")
    assert low.stat().st_size < high.stat().st_size
    assert mae(pixels(low, "RGB"), want) > mae(pixels(high, "RGB"), want)


def test_convert_format_option(tmp_path):
    inp = save(pattern(), tmp_path / "in.png", "png")
    out = tmp_path / "noext"
    run("convert", inp, "-o", out, "--format", "bmp", check=0)
    with Image.open(out) as im:
        assert im.format == "BMP"
    run("convert", inp, "-o", tmp_path / "x.png", "-f", "ppm", check=0)
    with Image.open(tmp_path / "x.png") as im:
        assert im.format == "PPM"


def test_convert_exif_orientation(tmp_path):
    src = pattern(40, 20)
    exif = Image.Exif()
    exif[0x0112] = 6   # rotate 90 degrees clockwise to display
    inp = save(src, tmp_path / "e.jpg", "jpeg", exif=exif.tobytes(), quality=95)
    run("convert", inp, "-o", tmp_path / "a.png", check=0)
    run("convert", inp, "-o", tmp_path / "b.png", "--no-exif", check=0)
    a = pixels(tmp_path / "a.png", "RGB")
    b = pixels(tmp_path / "b.png", "RGB")
    assert a.shape == (40, 20, 3)
    assert b.shape == (20, 40, 3)
    np.testing.assert_array_equal(a, np.rot90(b, k=-1))


def test_convert_16bit(tmp_path):
    rng = np.random.default_rng(3)
    arr = rng.integers(0, 65536, (13, 17), dtype=np.uint16)
    inp = tmp_path / "deep.png"
    Image.fromarray(arr, "I;16").save(inp)
    run("convert", inp, "-o", tmp_path / "keep.png", "--16bit", check=0)
    run("convert", inp, "-o", tmp_path / "keep.pgm", "--16bit", check=0)
    run("convert", inp, "-o", tmp_path / "low.png", check=0)
    for name in ("keep.png", "keep.pgm"):
        with Image.open(tmp_path / name) as im:
            np.testing.assert_array_equal(np.asarray(im).astype(np.uint16), arr)
    with Image.open(tmp_path / "low.png") as im:
        assert im.mode == "L"
        np.testing.assert_array_equal(np.asarray(im), (arr >> 8).astype(np.uint8))


def test_convert_into_existing_directory(tmp_path):
    inp = save(pattern(), tmp_path / "one.bmp", "bmp")
    outdir = tmp_path / "out"
    outdir.mkdir()
    run("convert", inp, "-o", outdir, "--format", "png", check=0)
    assert sorted(os.listdir(outdir)) == ["one.png"]
    np.testing.assert_array_equal(pixels(outdir / "one.png"), pixels(inp))


def test_convert_refuses_to_overwrite_input(tmp_path):
    inp = save(pattern(), tmp_path / "same.png", "png")
    before = inp.read_bytes()
    r = run("convert", inp, "-o", inp, check=1)
    assert len(error_lines(r.stderr)) == 1 and str(inp) in r.stderr
    assert inp.read_bytes() == before
    r = run("convert", tmp_path, "-o", tmp_path, "--format", "png", check=1)
    assert inp.read_bytes() == before
    # two inputs that would share one output name: the first wins, the second is refused
    other = save(pattern(seed=5), tmp_path / "same.bmp", "bmp")
    r = run("convert", inp, other, "-o", tmp_path / "out", "-f", "ppm", check=1)
    errs = error_lines(r.stderr)
    assert len(errs) == 1 and str(other) in errs[0]
    assert os.listdir(tmp_path / "out") == ["same.ppm"]
    np.testing.assert_array_equal(pixels(tmp_path / "out" / "same.ppm"), pixels(inp))


def _bad_inputs_dir(tmp_path):
    indir = tmp_path / "in"
    indir.mkdir()
    good = []
    for i, fmt in enumerate(["jpeg", "png", "bmp", "pnm", "png", "jpeg", "bmp"]):
        mode = "L" if i == 4 else "RGB"
        good.append(save(pattern(30 + i, 20 + i, mode, seed=i), indir / f"g{i}.{EXT[fmt]}", fmt))
    corrupt = indir / "corrupt.jpg"
    data = bytearray(good[0].read_bytes())
    corrupt.write_bytes(bytes(data[:2]) + b"\xff\xc0\x00\x05garbage" + bytes(200))
    empty = indir / "empty.png"
    empty.write_bytes(b"")
    return indir, good, [corrupt, empty]


@pytest.mark.parametrize("as_dir", [True, False])
def test_convert_directory_with_bad_files(tmp_path, as_dir):
    indir, good, bad = _bad_inputs_dir(tmp_path)
    outdir = tmp_path / "out" / "nested"
    inputs = [indir] if as_dir else sorted(indir.iterdir())
    r = run("convert", *inputs, "-o", outdir, "--format", "png", "--threads", "2",
            "--batch", "3", check=1)
    errs = error_lines(r.stderr)
    assert len(errs) == 2, r.stderr
    for b in bad:
        assert sum(str(b) in l for l in errs) == 1, r.stderr
    assert sorted(os.listdir(outdir)) == sorted(p.stem + ".png" for p in good)
    for p in good:
        np.testing.assert_array_equal(pixels(outdir / (p.stem + ".png"), "RGB"),
                                      pixels(p, "RGB"))
    assert r.stdout == ""


def test_convert_many_in_batches(tmp_path):
    indir = tmp_path / "in"
    indir.mkdir()
    for i in range(23):
        save(pattern(16 + i, 9, seed=i), indir / f"f{i:02d}.png", "png")
    outdir = tmp_path / "out"
    r = run("convert", indir, "-o", outdir, "-f", "jpg", "-j", "2", "--batch", "5", "-v",
            check=0)
    assert len(os.listdir(outdir)) == 23
    assert all(n.endswith(".jpg") for n in os.listdir(outdir))
    assert len([l for l in r.stdout.splitlines() if " -> " in l]) == 23


def test_convert_backend_cpu_and_gpu(tmp_path):
    inp = save(pattern(), tmp_path / "in.png", "png")
    run("convert", inp, "-o", tmp_path / "cpu.bmp", "--backend", "cpu", check=0)
    codecs = json.loads(run("codecs", "--json", check=0).stdout)
    gpu = any(i["available"] and i["backend"] != "cpu_only"
              for c in codecs for i in c["implementations"])
    if gpu:
        pytest.skip("this build has a usable GPU backend")
    r = run("convert", inp, "-o", tmp_path / "gpu.bmp", "--backend", "gpu", check=1)
    assert error_lines(r.stderr), r.stderr
    assert not (tmp_path / "gpu.bmp").exists()
    run("convert", inp, "-o", tmp_path / "mixed.bmp", "--backend", "gpu,cpu", check=0)


def test_convert_bad_decoder_options(tmp_path):
    inp = save(pattern(), tmp_path / "in.png", "png")
    r = run("convert", inp, "-o", tmp_path / "o.png", "--options", ":no_such_key=1", check=2)
    assert "no_such_key" in r.stderr
    r = run("convert", inp, "-o", tmp_path / "o.png", "--encoder-options",
            "png:compression_level=30", check=2)
    assert "compression_level" in r.stderr
    assert not (tmp_path / "o.png").exists()
    run("convert", inp, "-o", tmp_path / "o.png", "--encoder-options", "png:compression_level=1",
        check=0)
    run("convert", inp, "-o", tmp_path / "o.png", "--options", "jpeg:fancy_upsampling=0",
        check=0)


def test_convert_trailing_slash_makes_directory(tmp_path):
    inp = save(pattern(), tmp_path / "in.pgm", "pnm")
    out = tmp_path / "made" / "here"
    run("convert", inp, "-o", str(out) + "/", "-f", "png", check=0)
    assert sorted(os.listdir(out)) == ["in.png"]


def test_convert_write_failure_is_reported(tmp_path):
    inp = save(pattern(), tmp_path / "in.png", "png")
    r = run("convert", inp, "-o", tmp_path / "no" / "such" / "dir.png", check=1)
    errs = error_lines(r.stderr)
    assert len(errs) == 1 and errs[0].startswith(f"pixcodec: {inp}: ")


def test_progress_bar_only_on_a_terminal(tmp_path):
    indir = tmp_path / "in"
    indir.mkdir()
    for i in range(5):
        save(pattern(10, 10, seed=i), indir / f"{i}.png", "png")
    r = run("convert", indir, "-o", tmp_path / "plain", "-f", "bmp", check=0)
    assert r.stderr == "" and r.stdout == ""
    master, slave = pty.openpty()
    try:
        p = subprocess.run([TOOL, "convert", str(indir), "-o", str(tmp_path / "tty"), "-f", "bmp",
                            "--batch", "2"], stdout=subprocess.PIPE, stderr=slave, timeout=60)
        os.close(slave)
        slave = None
        seen = b""
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:
                break
            if not chunk:
                break
            seen += chunk
    finally:
        if slave is not None:
            os.close(slave)
        os.close(master)
    assert p.returncode == 0 and p.stdout == b""
    assert b"] 5/5 images" in seen and b"[#" in seen


@pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed")
def test_convert_valgrind_clean(tmp_path):
    with open(TOOL, "rb") as f:
        if b"__asan_init" in f.read():
            pytest.skip("sanitizer build")
    indir, good, bad = _bad_inputs_dir(tmp_path)
    # every leak kind is an error, still-reachable blocks included, except those that
    # libraries loaded with the tool (glib and others, through FFmpeg's libraries)
    # allocate in their constructors: tests/valgrind.supp
    supp = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "valgrind.supp")
    cmd = ["valgrind", "-q", "--num-callers=50", "--leak-check=full", "--show-leak-kinds=all",
           "--errors-for-leak-kinds=all", "--error-exitcode=99", f"--suppressions={supp}", TOOL, "convert", str(indir),
           "-o", str(tmp_path / "out"), "-f", "jpg", "-j", "2", "--batch", "3"]
    # libjpeg-turbo's SIMD chroma upsampling reads padding that valgrind takes for
    # uninitialised memory (plain djpeg shows the same reports); the C paths do not.
    env = dict(os.environ, JSIMD_FORCENONE="1")
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env)
    assert r.returncode == 1, r.stderr   # 1: the two bad inputs; 99 would be a valgrind error
    assert "==" not in r.stderr, r.stderr


# ---- decode (benchmark) ------------------------------------------------------

def test_decode_repeat(tmp_path):
    files = list(make_inputs(tmp_path).values())
    r = run("decode", *files, "--repeat", "3", "--threads", "2", check=0)
    assert "images/s" in r.stdout and "megapixels/s" in r.stdout
    assert r.stdout.startswith(f"decoded {3 * len(files)} images")


def test_decode_reports_failures(tmp_path):
    indir, good, bad = _bad_inputs_dir(tmp_path)
    r = run("decode", indir, "-r", "2", check=1)
    assert r.stdout.startswith(f"decoded {2 * len(good)} images")
    errs = [l for l in error_lines(r.stderr) if any(str(b) in l for b in bad)]
    assert len(errs) == 2, r.stderr


# ---- usage errors -------------------------------------------------------------

@pytest.mark.parametrize("args,needle", [
    ([], "Usage"),
    (["bogus"], "unknown command"),
    (["--bogus"], "unknown option"),
    (["info"], "no input"),
    (["info", "--wat", "x"], "unknown option"),
    (["convert", "IN"], "-o"),
    (["convert", "-o", "x.png"], "no input"),
    (["convert", "IN", "-o"], "needs a value"),
    (["convert", "IN", "-o", "x.png", "--quality", "abc"], "--quality"),
    (["convert", "IN", "-o", "x.png", "--quality", "101"], "--quality"),
    (["convert", "IN", "-o", "x.png", "--subsampling", "423"], "--subsampling"),
    (["convert", "IN", "-o", "x.png", "--backend", "tpu"], "tpu"),
    (["convert", "IN", "-o", "x.png", "--threads", "-1"], "--threads"),
    (["convert", "IN", "-o", "x.unknownext"], "extension"),
    (["convert", "IN", "-o", "noext"], "--format"),
    (["convert", "IN", "-o", "x.png", "--format", "gif9"], "gif9"),
    (["convert", "IN", "IN", "-o", "outdir"], "--format"),
    (["decode", "IN", "--repeat", "0"], "--repeat"),
    (["decode"], "no input"),
    (["codecs", "extra"], "unexpected"),
])
def test_bad_usage(tmp_path, args, needle):
    inp = save(pattern(8, 8), tmp_path / "in.png", "png")
    args = [str(inp) if a == "IN" else a for a in args]
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    r = subprocess.run([TOOL, *args], capture_output=True, text=True, cwd=cwd, timeout=60)
    assert r.returncode == 2, r.stderr
    assert needle in r.stderr
    assert "pixcodec" in r.stderr
    assert os.listdir(cwd) == []   # nothing written


# ---- video -------------------------------------------------------------------

need_ffmpeg = pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg (which makes the clip) is missing")


def _clip(tmp_path):
    """50 frames of 642x362 H.264 with B-frames, untagged colour (BT.601 for this size)."""
    path = tmp_path / "clip.mp4"
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=642x362:rate=25",
                    "-frames:v", "50", "-c:v", "libx264", "-bf", "3", "-g", "12", "-pix_fmt", "yuv420p", str(path)],
                   check=True)
    return path


def _ffmpeg_rgb(path, w=642, h=362):
    raw = subprocess.run(["ffmpeg", "-v", "error", "-i", str(path), "-pix_fmt", "rgb24", "-f", "rawvideo", "-"],
                         check=True, capture_output=True).stdout
    return np.frombuffer(raw, np.uint8).reshape(-1, h, w, 3).astype(int)


@need_ffmpeg
def test_video_info_json(tmp_path):
    r = run("video", "info", "--json", _clip(tmp_path), check=0)
    (v,) = json.loads(r.stdout)
    assert (v["codec"], v["width"], v["height"], v["num_frames"], v["bit_depth"], v["chroma"]) == \
        ("h264", 642, 362, 50, 8, "4:2:0")
    assert abs(v["frame_rate"] - 25) < 1e-6 and abs(v["duration"] - 2.0) < 1e-6


@need_ffmpeg
def test_video_frames_equal_ffmpeg(tmp_path):
    clip = _clip(tmp_path)
    ref = _ffmpeg_rgb(clip)
    r = run("video", "frames", clip, "-o", tmp_path / "every", "--every", "12", check=0)
    assert "wrote 5 frames" in r.stdout
    # an exact seek to frame 17 (between key frames, B-frames around it), then 3 frames
    run("video", "frames", clip, "-o", tmp_path / "seek", "--start", "17", "--count", "3", check=0)
    for d, frames in ((tmp_path / "every", (0, 12, 24, 36, 48)), (tmp_path / "seek", (17, 18, 19))):
        assert sorted(os.listdir(d)) == [f"frame_{n:06d}.png" for n in frames]
        for n in frames:   # PNG is lossless; the same libswscale conversion: exact
            got = np.asarray(Image.open(d / f"frame_{n:06d}.png")).astype(int)
            assert np.array_equal(got, ref[n]), n


@need_ffmpeg
def test_video_decode_and_errors(tmp_path):
    clip = _clip(tmp_path)
    r = run("video", "decode", "--rgb", "--repeat", "2", clip, check=0)
    assert r.stdout.count("50 frames") == 2
    trunc = tmp_path / "trunc.mp4"
    trunc.write_bytes(clip.read_bytes()[:5000])
    r = run("video", "decode", trunc, check=1)
    assert "trunc.mp4" in r.stderr and "truncated" in r.stderr
    r = run("video", "frames", clip, "-o", tmp_path / "x", "--start", "50", check=1)
    assert "50 frames" in r.stderr
    run("video", "frames", clip, check=2)   # no -o
    run("video", "nonsense", check=2)
