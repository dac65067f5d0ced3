"""Video test inputs and references for the tests of pixcodec.video.

Clips are made on first use with Debian's ffmpeg CLI (libx264, libx265, libaom / SVT-AV1,
libvpx-vp9) into one temporary folder per test session; references come from ffmpeg's own
decode of the same file (raw planar YUV, RGB through its scaler, framemd5) and PyAV.
Tests that need ffmpeg skip when it is missing.
"""
import atexit
import hashlib
import os
import shutil
import subprocess
import tempfile

import numpy as np
import pytest

import pyhelpers  # noqa: F401  (puts the build's package first on sys.path)

FFMPEG = shutil.which("ffmpeg")
need_ffmpeg = pytest.mark.skipif(FFMPEG is None, reason="ffmpeg is not installed")

_DIR = None
_CACHE = {}

# name -> (file name, ffmpeg arguments between the input and the output file, frames)
_LAVFI = "testsrc2=size={w}x{h}:rate={rate}"
_X264 = ["-c:v", "libx264", "-preset", "ultrafast", "-g", "12", "-bf", "2", "-x264-params", "b-pyramid=0"]
_X264_BF = ["-c:v", "libx264", "-preset", "veryfast", "-g", "12", "-bf", "3"]
_X265 = ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "keyint=12:min-keyint=12:bframes=2:log-level=0"]

CLIPS = {
    # name: (size, frames, output args, extension, extra input filter)
    "h264_8": ((160, 96), 36, _X264_BF + ["-pix_fmt", "yuv420p"], "mp4", None),
    "h264_10": ((128, 80), 24, _X264 + ["-pix_fmt", "yuv420p10le"], "mkv", None),
    "h264_444": ((96, 64), 12, _X264 + ["-pix_fmt", "yuv444p"], "mkv", None),
    "h264_422": ((96, 64), 12, _X264 + ["-pix_fmt", "yuv422p"], "mkv", None),
    "h264_odd": ((642, 362), 8, _X264 + ["-pix_fmt", "yuv420p"], "mp4", None),
    "h264_ts": ((128, 72), 24, _X264_BF + ["-pix_fmt", "yuv420p"], "ts", None),
    "h264_raw": ((128, 72), 24, _X264_BF + ["-pix_fmt", "yuv420p"], "264", None),
    "hevc_8": ((128, 80), 24, _X265 + ["-pix_fmt", "yuv420p"], "mkv", None),
    "hevc_10": ((128, 80), 24, _X265 + ["-pix_fmt", "yuv420p10le"], "mp4", None),
    "hevc_raw": ((128, 72), 16, _X265 + ["-pix_fmt", "yuv420p"], "hevc", None),
    "av1": ((128, 72), 12, ["-c:v", "libaom-av1", "-cpu-used", "8", "-row-mt", "1", "-g", "6", "-b:v", "200k",
                            "-pix_fmt", "yuv420p"], "mkv", None),
    "vp9": ((128, 72), 16, ["-c:v", "libvpx-vp9", "-deadline", "realtime", "-cpu-used", "8", "-g", "8",
                            "-b:v", "200k", "-pix_fmt", "yuv420p"], "webm", None),
    "vfr": ((128, 72), 20, _X264 + ["-pix_fmt", "yuv420p", "-fps_mode", "passthrough"], "mkv",
            "setpts='(N+if(gte(N,8),N-8,0)*2)/25/TB'"),
    "rotated": ((96, 64), 8, _X264 + ["-pix_fmt", "yuv420p"], "mp4", None),  # remuxed with rotate=90
    "bt601_full": ((128, 72), 8, _X264 + ["-pix_fmt", "yuv420p", "-color_range", "pc", "-colorspace", "smpte170m",
                                          "-color_primaries", "smpte170m", "-color_trc", "smpte170m"], "mp4", None),
    "bt709_limited": ((128, 72), 8, _X264 + ["-pix_fmt", "yuv420p", "-color_range", "tv", "-colorspace", "bt709",
                                             "-color_primaries", "bt709", "-color_trc", "bt709"], "mkv", None),
    "long_gop": ((96, 64), 60, _X264 + ["-pix_fmt", "yuv420p"], "mp4", None),
}
YUV_CLIPS = [c for c in CLIPS if c not in ("long_gop",)]


def _dir():
    global _DIR
    if _DIR is None:
        _DIR = tempfile.mkdtemp(prefix="pxc-video-")
        atexit.register(shutil.rmtree, _DIR, True)
    return _DIR


def run_ffmpeg(args, **kw):
    r = subprocess.run([FFMPEG, "-hide_banner", "-nostdin", "-loglevel", "error", *args], capture_output=True,
                       timeout=120, **kw)
    if r.returncode != 0:
        raise RuntimeError(f"ffmpeg {' '.join(args)} failed: {r.stderr.decode(errors='replace')[-800:]}")
    return r.stdout


def clip(name):
    """Path of the clip `name` (made on first use; skips the test without ffmpeg)."""
    if FFMPEG is None:
        pytest.skip("ffmpeg is not installed")
    if name in _CACHE:
        return _CACHE[name]
    (w, h), frames, args, ext, vf = CLIPS[name]
    out = os.path.join(_dir(), f"{name}.{ext}")
    src = _LAVFI.format(w=w, h=h, rate=25)
    filt = ["-vf", vf] if vf else []
    fmt = ["-f", "hevc"] if ext == "hevc" else (["-f", "h264"] if ext == "264" else [])
    try:
        if name == "rotated":  # the display matrix is written when remuxing with stream copy
            tmp = os.path.join(_dir(), f"{name}-unrotated.{ext}")
            run_ffmpeg(["-f", "lavfi", "-i", src, "-frames:v", str(frames), *args, "-y", tmp])
            run_ffmpeg(["-i", tmp, "-c", "copy", "-metadata:s:v:0", "rotate=90", "-y", out])
        else:
            run_ffmpeg(["-f", "lavfi", "-i", src, "-frames:v", str(frames), *filt, *args, *fmt, "-y", out])
    except RuntimeError as e:
        pytest.skip(f"cannot make clip {name}: {e}")
    _CACHE[name] = out
    return out


def make_file(name, data):
    path = os.path.join(_dir(), name)
    with open(path, "wb") as f:
        f.write(data)
    return path


# ---------------------------------------------------------------------------------- references

def probe_pix_fmt(path):
    import av
    with av.open(path) as c:
        return c.streams.video[0].codec_context.pix_fmt


def ffmpeg_frames(path, pix_fmt, w, h, extra=()):
    """ffmpeg's decode as a list of planar frames: [(Y, U, V)] of numpy arrays (uint16 for 16-bit
    formats), every frame in presentation order (no frame dropped or repeated)."""
    raw = run_ffmpeg(["-noautorotate", "-i", path, "-fps_mode", "passthrough", *extra, "-f", "rawvideo", "-pix_fmt", pix_fmt, "-"])
    dt = np.uint16 if pix_fmt.endswith(("10le", "12le", "16le")) else np.uint8
    plain = pix_fmt.replace("yuvj", "yuv")
    if plain.startswith("yuv420"):
        cw, ch = (w + 1) // 2, (h + 1) // 2
    elif plain.startswith("yuv422"):
        cw, ch = (w + 1) // 2, h
    else:
        cw, ch = w, h
    n = w * h + 2 * cw * ch
    a = np.frombuffer(raw, dt)
    assert a.size % n == 0, (a.size, n)
    out = []
    for f in a.reshape(-1, n):
        out.append((f[:w * h].reshape(h, w), f[w * h:w * h + cw * ch].reshape(ch, cw),
                    f[w * h + cw * ch:].reshape(ch, cw)))
    return out


def ffmpeg_rgb(path, w, h, matrix, full_range, fmt="rgb24", accurate=False):
    """ffmpeg's RGB for the given input matrix ('bt709', 'bt601', ...) and range:
    -vf scale=in_color_matrix=M:in_range=R:flags=F,format=rgb24 with pixcodec's filter (bilinear)
    and, for accurate, accurate rounding and full chroma interpolation."""
    rng = "pc" if full_range else "tv"
    flags = "bilinear+accurate_rnd+full_chroma_int" if accurate else "bilinear"
    vf = f"scale=in_color_matrix={matrix}:in_range={rng}:flags={flags},format={fmt}"
    raw = run_ffmpeg(["-noautorotate", "-i", path, "-fps_mode", "passthrough", "-vf", vf, "-f", "rawvideo", "-"])
    c = 4 if fmt.startswith(("rgba", "bgra")) else 3
    dt = np.uint16 if fmt.endswith(("48le", "64le")) else np.uint8
    return np.frombuffer(raw, dt).reshape(-1, h, w, c)


def framemd5(path):
    """ffmpeg -f framemd5 -pix_fmt yuv420p: the md5 of each frame, in order."""
    out = run_ffmpeg(["-noautorotate", "-i", path, "-fps_mode", "passthrough", "-f", "framemd5", "-pix_fmt", "yuv420p", "-"])
    sums = []
    for line in out.decode().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        sums.append(line.split(",")[-1].strip())
    return sums


# ---------------------------------------------------------------------------------- pixcodec side

def planes_of(surface_arr, fmt, w, h, bit_depth):
    """(Y, U, V) planar arrays from a GetFrameYuv ext_buf[0] array (planes one under the
    other), undoing the NV12 / P016 interleave and P016's shift."""
    a = np.asarray(surface_arr)
    if fmt in (0, 1):  # NV12, P016
        ch, cw = (h + 1) // 2, (w + 1) // 2
        y = a[:h, :w]
        uv = a[h:h + ch, :2 * cw]
        u, v = uv[:, 0::2], uv[:, 1::2]
    else:
        y, u, v = a[:h, :w], a[h:2 * h, :w], a[2 * h:3 * h, :w]
    if a.dtype == np.uint16:
        shift = 16 - bit_depth
        y, u, v = y >> shift, u >> shift, v >> shift
    return y, u, v


def decode_all(path, rgb_format=None, **dec_kw):
    """Every frame of a file through the seed API: a list of (pts, array) where array is a numpy copy
    of ext_buf[0] (the surface, or the RGB image), plus the surface info of the last frame."""
    import pixcodec.video as v
    d = v.demuxer(path)
    dec_kw.setdefault("mem_type", 2)
    dec_kw.setdefault("backend", "cpu")  # the CPU decoder's tests (tests/gpu covers the GPU decoder)
    dec = v.decoder(d.GetCodecId(), **dec_kw)
    out = []
    info = None
    while True:
        p = d.DemuxFrame()
        n = dec.DecodeFrame(p)
        for _ in range(n):
            pts = dec.GetFrameYuv(p) if rgb_format is None else dec.GetFrameRgb(p, rgb_format)
            out.append((pts, np.array(p.ext_buf[0])))
            info = dec.GetOutputSurfaceInfo()
            dec.ReleaseFrame(p)
        if p.bitstream_size == 0:
            break
    return out, info


def md5_of_planes(y, u, v):
    h = hashlib.md5()
    for p in (y, u, v):
        h.update(np.ascontiguousarray(p).tobytes())
    return h.hexdigest()
