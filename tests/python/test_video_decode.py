"""pixcodec.video decodes what ffmpeg decodes: every frame of generated clips (H.264 8/10-bit,
4:4:4 and 4:2:2, HEVC 8/10-bit, AV1, VP9; MP4, MKV, WebM, TS, raw; B-frames, odd sizes, variable
frame rate, rotation, colour tags) equals ffmpeg's own decode of the same file; RGB conversion
matches ffmpeg's scaler for the same matrix and range; the shared H.264 conformance corpus
decodes to ffmpeg's framemd5; PyAV agrees as a second reference."""
import glob
import os

import numpy as np
import pytest

import videohelpers as V
from videohelpers import clip

import pixcodec.video as video  # noqa: E402

# the stream's own planar format as ffmpeg names it (full-range "j" formats keep their samples)
_REF_FMT = {"yuv420p": "yuv420p", "yuvj420p": "yuvj420p", "yuv420p10le": "yuv420p10le", "yuv444p": "yuv444p",
            "yuv422p": "yuv422p", "yuvj422p": "yuvj422p", "yuvj444p": "yuvj444p", "yuv422p10le": "yuv422p10le",
            "yuv444p10le": "yuv444p10le"}


def compare_with_ffmpeg(path):
    frames, info = V.decode_all(path)
    w, h = info.output_width, info.output_height
    pix_fmt = V.probe_pix_fmt(path)
    ref = V.ffmpeg_frames(path, _REF_FMT[pix_fmt], w, h)
    assert len(frames) == len(ref), f"{len(frames)} frames decoded, ffmpeg gives {len(ref)}"
    for i, ((_pts, arr), (ry, ru, rv)) in enumerate(zip(frames, ref)):
        y, u, v = V.planes_of(arr, int(info.surface_format), w, h, info.bit_depth)
        if pix_fmt.startswith(("yuv422", "yuvj422")):  # 4:2:2 comes out as 4:4:4, chroma repeated
            ru, rv = np.repeat(ru, 2, axis=1)[:, :w], np.repeat(rv, 2, axis=1)[:, :w]
        assert np.array_equal(y, ry), f"frame {i}: luma differs"
        assert np.array_equal(u, ru) and np.array_equal(v, rv), f"frame {i}: chroma differs"
    return frames, info


@V.need_ffmpeg
@pytest.mark.parametrize("name", V.YUV_CLIPS)
def test_every_frame_equals_ffmpeg(name):
    frames, info = compare_with_ffmpeg(clip(name))
    (w, h), n = V.CLIPS[name][:2]
    assert len(frames) == n
    assert (info.output_width, info.output_height) == (w, h)
    expect_fmt = {"h264_10": 1, "hevc_10": 1, "h264_444": 2, "h264_422": 2}.get(name, 0)
    assert int(info.surface_format) == expect_fmt
    assert info.bit_depth == (10 if name.endswith("_10") else 8)
    pts = [p for p, _ in frames]
    assert pts == sorted(pts) and len(set(pts)) == len(pts)


@V.need_ffmpeg
@pytest.mark.parametrize("accurate", [False, True], ids=["fast", "accurate"])
@pytest.mark.parametrize("name,matrix,full", [("bt709_limited", "bt709", False), ("bt601_full", "bt601", True),
                                              ("h264_8", "bt601", False),  # untagged, under 720 lines: BT.601
                                              ("h264_odd", "bt601", False), ("hevc_8", "bt601", False),
                                              ("h264_10", "bt601", False), ("h264_444", "bt601", False),
                                              ("h264_422", "bt601", False)])
def test_rgb_within_one_of_ffmpeg(name, matrix, full, accurate):
    path = clip(name)
    frames, info = V.decode_all(path, rgb_format=video.rgb, accurate=accurate)
    w, h = info.output_width, info.output_height
    ref = V.ffmpeg_rgb(path, w, h, matrix, full, accurate=accurate)
    assert len(frames) == len(ref)
    for i, ((_p, a), r) in enumerate(zip(frames, ref)):
        assert a.shape == (h, w, 3) and a.dtype == np.uint8
        d = np.abs(a.astype(int) - r.astype(int)).max()
        assert d <= 1, f"frame {i}: RGB differs from ffmpeg's by {d}"


@V.need_ffmpeg
def test_color_tags_reach_the_metadata():
    m = video.VideoReader(clip("bt709_limited")).metadata["color"]
    assert m["matrix"] == 1 and not m["full_range"] and m["matrix_name"] == "bt709"
    m = video.VideoReader(clip("bt601_full")).metadata["color"]
    assert m["matrix"] == 6 and m["full_range"]


@V.need_ffmpeg
def test_bgr_matches_ffmpeg_bgr24():
    path = clip("bt709_limited")
    frames, info = V.decode_all(path, rgb_format=video.bgr)
    ref = V.ffmpeg_rgb(path, info.output_width, info.output_height, "bt709", False, fmt="bgr24")
    for (_p, a), r in zip(frames, ref):
        assert np.abs(a.astype(int) - r.astype(int)).max() <= 1


@V.need_ffmpeg
def test_10bit_to_rgb48_against_ffmpeg():
    path = clip("hevc_10")
    frames, info = V.decode_all(path, rgb_format=video.rgb48)
    w, h = info.output_width, info.output_height
    ref = V.ffmpeg_rgb(path, w, h, "bt601", False, fmt="rgb48le")
    assert len(frames) == len(ref)
    worst = 0
    for (_p, a), r in zip(frames, ref):
        assert a.dtype == np.uint16 and a.shape == (h, w, 3)
        worst = max(worst, int(np.abs(a.astype(int) - r.astype(int)).max()))
    assert worst <= 1, worst


@V.need_ffmpeg
def test_pyav_second_reference():
    import av
    path = clip("hevc_8")
    frames, info = V.decode_all(path)
    with av.open(path) as c:
        ref = [f.to_ndarray(format="yuv420p") for f in c.decode(video=0)]
    w, h = info.output_width, info.output_height
    assert len(ref) == len(frames)
    for (_p, a), r in zip(frames, ref):
        y, u, v = V.planes_of(a, 0, w, h, 8)
        assert np.array_equal(y, r[:h]) and np.array_equal(u.reshape(-1), r[h:h + h // 4].reshape(-1))


@V.need_ffmpeg
def test_rotation_in_metadata():
    m = video.VideoReader(clip("rotated")).metadata
    assert m["rotation"] in (90, 270) and (m["width"], m["height"]) == (96, 64)


# ------------------------------------------------------------------------------ conformance corpus

_CORPUS_H264 = os.path.join(V.pyhelpers.CORPUS, "h264")
_CORPUS_FILES = sorted(glob.glob(os.path.join(_CORPUS_H264, "*"))) if os.path.isdir(_CORPUS_H264) else []


def _corpus_param(path):
    name = os.path.basename(path)
    return pytest.param(path, id=name)


@V.need_ffmpeg
@pytest.mark.skipif(not _CORPUS_FILES, reason="the shared corpus (h264/) is absent")
@pytest.mark.parametrize("path", [_corpus_param(p) for p in _CORPUS_FILES])
def test_corpus_h264_framemd5(path):
    frames, info = V.decode_all(path)
    pix_fmt = V.probe_pix_fmt(path)
    # full-range streams are compared in their own format (a conversion to yuv420p would rescale them)
    fmt = "yuvj420p" if pix_fmt == "yuvj420p" else "yuv420p"
    out = V.run_ffmpeg(["-noautorotate", "-i", path, "-fps_mode", "passthrough", "-f", "framemd5", "-pix_fmt", fmt, "-"])
    ref = [ln.split(",")[-1].strip() for ln in out.decode().splitlines() if ln.strip() and not ln.startswith("#")]
    w, h = info.output_width, info.output_height
    ours = [V.md5_of_planes(*V.planes_of(a, int(info.surface_format), w, h, info.bit_depth)) for _p, a in frames]
    assert len(ours) == len(ref), f"{len(ours)} frames decoded, ffmpeg's framemd5 lists {len(ref)}"
    bad = [i for i, (a, b) in enumerate(zip(ours, ref)) if a != b]
    assert not bad, f"frames {bad[:10]} differ from ffmpeg's framemd5"
