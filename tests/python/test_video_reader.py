"""pixcodec.video.VideoReader: len, indexing, slicing, iteration, get_frames_at (file order,
results in the order asked, few seeks), get_frames_played_at (times to frames through the
demuxer's index), metadata, output formats, zero-copy frames; all against sequential decoding."""
import random

import numpy as np
import pytest

import videohelpers as V
from videohelpers import clip

import pixcodec  # noqa: E402
import pixcodec.video as video  # noqa: E402

_SEQ = {}


def sequential_rgb(name):
    if name not in _SEQ:
        _SEQ[name] = V.decode_all(clip(name), rgb_format=video.rgb)[0]
    return _SEQ[name]


@V.need_ffmpeg
@pytest.mark.parametrize("name", ["h264_8", "hevc_10", "h264_ts", "vfr", "vp9"])
def test_len_iteration_indexing(name):
    seq = sequential_rgb(name)
    r = video.VideoReader(clip(name))
    assert len(r) == len(seq) == r.metadata["num_frames"]
    frames = list(r)
    assert len(frames) == len(seq)
    for a, (_p, b) in zip(frames, seq):
        assert a.dtype == np.uint8 and a.shape == b.shape and np.array_equal(a, b)
    for i in (0, len(seq) // 2, len(seq) - 1, -1, -len(seq)):
        assert np.array_equal(r[i], seq[i][1])
    with pytest.raises(IndexError):
        r[len(seq)]
    with pytest.raises(IndexError):
        r[-len(seq) - 1]
    with pytest.raises(TypeError):
        r["1"]


@V.need_ffmpeg
def test_slicing():
    seq = sequential_rgb("long_gop")
    r = video.VideoReader(clip("long_gop"))
    for sl in (slice(0, 5), slice(10, 40, 7), slice(None, None, 13), slice(-5, None), slice(50, 10, -9)):
        got = r[sl]
        idx = range(len(seq))[sl]
        assert len(got) == len(idx)
        for a, i in zip(got, idx):
            assert np.array_equal(a, seq[i][1]), (sl, i)


@V.need_ffmpeg
@pytest.mark.parametrize("name", ["long_gop", "h264_8", "hevc_8", "av1", "h264_raw"])
def test_get_frames_at_random_order(name):
    seq = sequential_rgb(name)
    r = video.VideoReader(clip(name))
    rng = random.Random(7)
    idx = [rng.randrange(len(seq)) for _ in range(10)] + [3, 3, 0, len(seq) - 1]
    got = r.get_frames_at(idx)
    assert len(got) == len(idx)
    for a, i in zip(got, idx):
        assert np.array_equal(a, seq[i][1]), i


@V.need_ffmpeg
def test_get_frames_at_seeks_only_across_key_frames(monkeypatch):
    r = video.VideoReader(clip("long_gop"))  # key frames at 0, 12, 24, 36, 48
    seeks = []
    real = video.VideoReader._seek
    monkeypatch.setattr(video.VideoReader, "_seek", lambda self, n: (seeks.append(n), real(self, n)))
    monkeypatch.setattr(video, "_usable_cores", lambda: 1)  # one reader: every seek in one place
    r.get_frames_at([2, 5, 9, 11])        # one GOP from the start: no seek
    assert seeks == []
    r.get_frames_at([40, 13])             # 13: decoding on through key frame 12 is as cheap as a seek;
    assert seeks == [40]                  # 40: key frames 24 and 36 lie between, so a seek
    seeks.clear()
    r.get_frames_at([41, 42])             # just after the last one: decoding goes on
    assert seeks == []
    r.get_frames_at([1])                  # backwards: a seek
    assert seeks == [1]


@V.need_ffmpeg
def test_get_frames_at_skips_frames_between_targets(monkeypatch):
    """Going on forward to a later target, the frames between are dropped in the decoder (and
    those nothing refers to are not decoded): Python sees the targets only."""
    r = video.VideoReader(clip("long_gop"))
    monkeypatch.setattr(video, "_usable_cores", lambda: 1)
    seq = sequential_rgb("long_gop")
    returned = []
    real = video.VideoReader._receive
    monkeypatch.setattr(video.VideoReader, "_receive", lambda self: (lambda f: (returned.append(f), f)[1])(real(self)))
    got = r.get_frames_at([1, 4, 10])
    assert len(returned) == 3
    for a, i in zip(got, [1, 4, 10]):
        assert np.array_equal(a, seq[i][1])


@V.need_ffmpeg
def test_get_frames_at_independent_runs():
    r = video.VideoReader(clip("long_gop"))  # key frames at 0, 12, 24, 36, 48
    assert r._independent_runs([1, 5, 11, 12, 30, 35, 37]) == [[1, 5, 11], [12], [30, 35], [37]]
    assert r._independent_runs([13]) == [[13]]


@V.need_ffmpeg
@pytest.mark.parametrize("name", ["long_gop", "hevc_8"])
@pytest.mark.parametrize("cores", [2, 3, 8])
def test_get_frames_at_runs_in_parallel(monkeypatch, name, cores):
    """Runs that share nothing are decoded by several readers at once; the frames are the same
    as sequential decoding's, whichever reader decodes them, call after call."""
    monkeypatch.setattr(video, "_usable_cores", lambda: cores)
    seq = sequential_rgb(name)
    r = video.VideoReader(clip(name))
    rng = random.Random(cores)
    for _ in range(3):
        idx = [rng.randrange(len(seq)) for _ in range(12)]
        assert len(r._independent_runs(sorted(set(idx)))) > 1
        got = r.get_frames_at(idx)
        for a, i in zip(got, idx):
            assert np.array_equal(a, seq[i][1]), i
    assert 1 <= len(r._helpers) <= cores - 1


@V.need_ffmpeg
def test_get_frames_at_parallel_error(monkeypatch):
    """A run that fails raises its error once every reader has stopped; the reader still works."""
    monkeypatch.setattr(video, "_usable_cores", lambda: 2)
    r = video.VideoReader(clip("long_gop"))
    real = video.VideoReader._output

    def failing(self, f):
        if f.info()["pts"] == r._pts[30]:
            raise pixcodec.Error("frame 30 failed")
        return real(self, f)
    monkeypatch.setattr(video.VideoReader, "_output", failing)
    with pytest.raises(pixcodec.Error, match="frame 30 failed"):
        r.get_frames_at([2, 30, 50])
    monkeypatch.setattr(video.VideoReader, "_output", real)
    seq = sequential_rgb("long_gop")
    for a, i in zip(r.get_frames_at([2, 30, 50]), [2, 30, 50]):
        assert np.array_equal(a, seq[i][1])


@V.need_ffmpeg
@pytest.mark.parametrize("name", ["h264_8", "vfr", "h264_ts"])
def test_get_frames_played_at(name):
    seq = sequential_rgb(name)
    r = video.VideoReader(clip(name))
    d = video.demuxer(clip(name))
    num, den = d.GetTimeBase()
    times = [p * num / den for p, _ in seq]
    rng = random.Random(3)
    picks = [rng.randrange(len(seq)) for _ in range(6)]
    secs = []
    for i in picks:
        end = times[i + 1] if i + 1 < len(times) else times[i] + 0.04
        secs.append(times[i] + (end - times[i]) * rng.random() * 0.9)
    got = r.get_frames_played_at(secs)
    for a, i in zip(got, picks):
        assert np.array_equal(a, seq[i][1]), i
    assert r.frame_pts(picks[0]) == pytest.approx(times[picks[0]])
    with pytest.raises(IndexError):
        r.get_frames_played_at([times[0] - 1.0])
    with pytest.raises(IndexError):
        r.get_frames_played_at([times[-1] + 10.0])


@V.need_ffmpeg
def test_vfr_times_map_to_the_right_frames():
    r = video.VideoReader(clip("vfr"))
    # frames 0..7 at 25 fps, then spaced 3/25 s apart
    assert r.frame_pts(7) == pytest.approx(7 / 25)
    assert r.frame_pts(9) == pytest.approx((9 + 2) / 25)
    a = r.get_frame_played_at((9 + 2) / 25 + 0.05)
    assert np.array_equal(a, r[9])


def test_metadata():
    r = video.VideoReader(clip("h264_8"))
    m = r.metadata
    for k in ("codec", "width", "height", "fps", "duration", "num_frames", "bit_depth", "color", "rotation"):
        assert k in m, k
    assert (m["codec"], m["width"], m["height"], m["num_frames"], m["bit_depth"]) == ("h264", 160, 96, 36, 8)
    assert m["fps"] == pytest.approx(25.0) and m["duration"] == pytest.approx(36 / 25, abs=0.05)
    assert m["rotation"] == 0 and m["backend"] == "cpu"
    m = video.VideoReader(clip("hevc_10")).metadata
    assert m["codec"] == "hevc" and m["bit_depth"] == 10


def test_frames_are_zero_copy_views():
    r = video.VideoReader(clip("h264_8"))
    a = r[4]
    assert isinstance(a, np.ndarray) and not a.flags.owndata
    base = a.base
    while base is not None and not isinstance(base, pixcodec.Image):
        base = getattr(base, "obj", None) or getattr(base, "base", None)
    assert isinstance(base, pixcodec.Image)
    assert a.ctypes.data == base.__array_interface__["data"][0]


@pytest.mark.parametrize("output,channels,dtype", [("rgb", 3, np.uint8), ("bgra", 4, np.uint8),
                                                   ("rgb48", 3, np.uint16), ("rgba64", 4, np.uint16)])
def test_output_formats(output, channels, dtype):
    r = video.VideoReader(clip("hevc_10"), output=output)
    a = r[3]
    assert a.shape == (80, 128, channels) and a.dtype == dtype


def test_yuv_output_and_options():
    r = video.VideoReader(clip("h264_8"), output="yuv")
    a = r[2]
    assert a.shape == (144, 160) and a.dtype == np.uint8
    r = video.VideoReader(clip("h264_8"), size=(80, 48))
    assert r[0].shape == (48, 80, 3)
    r = video.VideoReader(clip("h264_8"), crop=(16, 8, 112, 72))
    full = video.VideoReader(clip("h264_8"))[5]
    assert np.abs(r[5].astype(int) - full[8:72, 16:112]).max() <= 1
    a709 = video.VideoReader(clip("h264_8"), matrix="bt709")[0]
    a601 = video.VideoReader(clip("h264_8"))[0]
    assert np.abs(a709.astype(int) - a601).max() > 2  # the override takes effect
    with pytest.raises(ValueError):
        video.VideoReader(clip("h264_8"), output="xyz")
    with pytest.raises(ValueError):
        video.VideoReader(clip("h264_8"), device="tpu")
    with pytest.raises(ValueError):
        video.VideoReader(clip("h264_8"), matrix="bt999")


def test_reader_from_bytes_and_file_object():
    data = open(clip("h264_8"), "rb").read()
    a = video.VideoReader(data)[7]
    with open(clip("h264_8"), "rb") as f:
        b = video.VideoReader(f)[7]
    assert np.array_equal(a, b) and np.array_equal(a, sequential_rgb("h264_8")[7][1])


def test_reader_errors():
    with pytest.raises(pixcodec.Error):
        video.VideoReader("/nonexistent.mp4")
    with pytest.raises(TypeError):
        video.VideoReader(None)
    try:
        video.VideoReader(clip("h264_8"), device="cuda")
    except pixcodec.Error as e:
        assert e.status_name in ("BACKEND_UNAVAILABLE", "UNSUPPORTED_FEATURE")
