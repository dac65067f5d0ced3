"""Seeking with the seed API (demuxer.SeekFrame + decoder): an exact seek to a frame number or
a timestamp returns the same frame as sequential decoding, for random targets, in every
container; a seek to the previous key frame lands on a key frame at or before the target."""
import random

import numpy as np
import pytest

import videohelpers as V
from videohelpers import clip

import pixcodec.video as video  # noqa: E402

SEEK_CLIPS = ["h264_8", "h264_10", "hevc_8", "hevc_10", "h264_ts", "h264_raw", "hevc_raw", "av1", "vp9", "vfr",
              "long_gop"]

_SEQ = {}


def sequential(name):
    if name not in _SEQ:
        _SEQ[name] = V.decode_all(clip(name))[0]
    return _SEQ[name]


def first_frame_after_seek(d, dec, target, mode, criteria):
    p = d.SeekFrame(target, mode, criteria)
    assert p.pkt_flags & video.PacketFlags.ROCDEC_PKT_DISCONTINUITY
    while True:
        if dec.DecodeFrame(p):
            pts = dec.GetFrameYuv(p)
            return pts, np.array(p.ext_buf[0])
        assert p.bitstream_size, "no frame after the seek"
        p = d.DemuxFrame()


def seek_setup(name, salt):
    """(sequentially decoded frames, demuxer, decoder, random generator) for a clip."""
    d = video.demuxer(clip(name))
    return (sequential(name), d, video.decoder(d.GetCodecId(), mem_type=2, backend="cpu"),
            random.Random(name + salt))


@V.need_ffmpeg
@pytest.mark.parametrize("name", SEEK_CLIPS)
def test_exact_seek_by_frame_number(name):
    seq, d, dec, rng = seek_setup(name, "n")
    targets = [rng.randrange(len(seq)) for _ in range(6)] + [0, len(seq) - 1]
    for t in targets:
        pts, a = first_frame_after_seek(d, dec, t, video.SEEK_MODE_EXACT_FRAME, video.SEEK_CRITERIA_FRAME_NUM)
        assert pts == seq[t][0], f"seek to frame {t}: got pts {pts}, sequential decoding has {seq[t][0]}"
        assert np.array_equal(a, seq[t][1]), f"seek to frame {t}: pixels differ from sequential decoding"


@V.need_ffmpeg
@pytest.mark.parametrize("name", SEEK_CLIPS)
def test_exact_seek_by_timestamp(name):
    seq, d, dec, rng = seek_setup(name, "t")
    num, den = d.GetTimeBase()
    for t in [rng.randrange(len(seq)) for _ in range(5)]:
        start = seq[t][0] * num / den
        end = seq[t + 1][0] * num / den if t + 1 < len(seq) else start + 0.02
        for secs in (start, (start + end) / 2):  # the frame's own time, and halfway to the next
            pts, a = first_frame_after_seek(d, dec, secs, video.SEEK_MODE_EXACT_FRAME,
                                            video.SEEK_CRITERIA_TIME_STAMP)
            assert pts == seq[t][0], f"seek to {secs:.4f} s: got pts {pts}, expected frame {t} ({seq[t][0]})"
            assert np.array_equal(a, seq[t][1])


@V.need_ffmpeg
def test_decoding_goes_on_after_an_exact_seek():
    seq = sequential("h264_8")
    d = video.demuxer(clip("h264_8"))
    dec = video.decoder(d.GetCodecId(), mem_type=2, backend="cpu")
    got = []
    p = d.SeekFrame(17, 0, 0)
    while True:
        for _ in range(dec.DecodeFrame(p)):
            dec.GetFrameYuv(p)
            got.append((p.frame_pts, np.array(p.ext_buf[0])))
        if p.bitstream_size == 0:
            break
        p = d.DemuxFrame()
    assert [g[0] for g in got] == [s[0] for s in seq[17:]]
    assert all(np.array_equal(a, b[1]) for (_, a), b in zip(got, seq[17:]))
    # after draining, a new seek decodes again
    pts, a = first_frame_after_seek(d, dec, 3, 0, 0)
    assert pts == seq[3][0] and np.array_equal(a, seq[3][1])


@V.need_ffmpeg
def test_seek_to_previous_key_frame():
    seq = sequential("long_gop")  # key frames every 12 frames
    d = video.demuxer(clip("long_gop"))
    dec = video.decoder(d.GetCodecId(), mem_type=2, backend="cpu")
    for t in (0, 5, 12, 30, 59):
        pts, a = first_frame_after_seek(d, dec, t, video.SEEK_MODE_PREV_KEY_FRAME, video.SEEK_CRITERIA_FRAME_NUM)
        n = [s[0] for s in seq].index(pts)
        assert n <= t and n == (t // 12) * 12, (t, n)
        assert np.array_equal(a, seq[n][1])


@V.need_ffmpeg
def test_seek_out_of_range_raises():
    import pixcodec
    d = video.demuxer(clip("h264_8"))
    for bad in (36, 1000, -1):
        with pytest.raises(pixcodec.Error) as e:
            d.SeekFrame(bad, 0, 0)
        assert e.value.status_name == "INVALID_ARGUMENT"
    with pytest.raises(pixcodec.Error):
        d.SeekFrame(100.0, 0, 1)
    # the demuxer still works
    assert d.SeekFrame(0, 0, 0).bitstream_size > 0
