"""The GPU video decoder (NVDEC) against the CPU decoder, on the clips the video tests make and on
../shared/corpus/h264.

Tolerances:
- surfaces (YUV): bit-exact with the CPU decoder (libavcodec) for conformant streams, frame by
  frame in presentation order, with the same pts;
- RGB conversions and resizing on the GPU: within 1 per sample (8-bit outputs; 48 for 16-bit
  outputs, where libswscale itself is up to 46 from exact) of the CPU conversion with accurate=1
  (libswscale with accurate rounding and full chroma interpolation; the GPU kernels compute that
  arithmetic exactly, see tests/c/test_ref_video_convert.c);
- streams the GPU cannot decode (codec, chroma, depth, size per the decoder's caps): backend 'gpu'
  fails naming the reason; 'auto' gives the CPU decoder's frames.
Run only where pixcodec can use a CUDA device (conftest.py skips them otherwise).
"""
import glob
import os
import threading

import numpy as np
import pytest

import pixcodec
import pixcodec.video as video
from videohelpers import CLIPS, clip, make_file, run_ffmpeg

CORPUS = os.path.join(os.path.dirname(__file__), "..", "..", "..", "shared", "corpus", "h264")


def gpu_codecs():
    """What this GPU's decoder takes (written to the test log for the record)."""
    dec = video.decoder(video.VideoCodec.AVC, mem_type=0, backend="gpu")
    out = {}
    for codec in (video.VideoCodec.AVC, video.VideoCodec.HEVC, video.VideoCodec.AV1, video.VideoCodec.VP9,
                  video.VideoCodec.VP8, video.VideoCodec.MPEG2):
        for depth in (8, 10, 12):
            out[(codec.name, depth)] = dec.IsCodecSupported(0, codec, depth)
    return out


def test_what_the_gpu_decodes(capsys):
    caps = gpu_codecs()
    with capsys.disabled():
        print("\nGPU video decoder caps (codec, bit depth -> supported):")
        for k, v in sorted(caps.items()):
            print(f"  {k[0]:6s} {k[1]:2d}-bit: {'yes' if v else 'no'}")
    assert caps[("AVC", 8)], "every NVDEC generation decodes 8-bit H.264"


def frames(path, backend, mem_type=2, rgb_format=None, **kw):
    """[(pts, numpy copy of ext_buf[0])] of every frame, and the decoder's backend."""
    d = video.demuxer(path)
    dec = video.decoder(d.GetCodecId(), mem_type=mem_type, backend=backend, **kw)
    out = []
    while True:
        p = d.DemuxFrame()
        n = dec.DecodeFrame(p)
        for _ in range(n):
            pts = dec.GetFrameYuv(p) if rgb_format is None else dec.GetFrameRgb(p, rgb_format)
            a = p.ext_buf[0]
            out.append((pts, np.array(a) if mem_type == 2 else _host(a)))
            dec.ReleaseFrame(p)
        if p.bitstream_size == 0:
            break
    return out, dec.backend


def _host(arr):
    """A host copy of a device array (through the library's own copy)."""
    img = pixcodec.as_image(arr)
    return np.array(img.cpu())


def assert_same_frames(got, want, tol=0):
    assert len(got) == len(want), f"{len(got)} frames, the CPU decoder gives {len(want)}"
    for i, ((pg, ag), (pw, aw)) in enumerate(zip(got, want)):
        assert pg == pw, f"frame {i}: pts {pg}, the CPU decoder's {pw}"
        assert ag.shape == aw.shape and ag.dtype == aw.dtype, f"frame {i}: {ag.shape} {ag.dtype} vs {aw.shape} {aw.dtype}"
        if tol == 0:
            if not np.array_equal(ag, aw):
                diff = np.argwhere(ag != aw)
                raise AssertionError(f"frame {i}: {len(diff)} samples differ, first at {tuple(diff[0])}")
        else:
            d = np.abs(ag.astype(np.int32) - aw.astype(np.int32))
            assert d.max() <= tol, f"frame {i}: max difference {d.max()} (tolerance {tol})"


def gpu_or_reason(path):
    """Frames decoded with backend 'gpu', or the error that says why the GPU cannot decode it."""
    try:
        return frames(path, "gpu")
    except pixcodec.Error as e:
        assert e.status_name in ("UNSUPPORTED_FEATURE", "BACKEND_UNAVAILABLE"), str(e)
        assert "GPU" in str(e)
        return e, None


@pytest.mark.parametrize("name", [c for c in CLIPS if c not in ("vfr", "rotated")])
def test_clip_surfaces_equal_the_cpu_decoder(name):
    path = clip(name)
    want, _ = frames(path, "cpu")
    got, backend = gpu_or_reason(path)
    if backend is None:
        # beyond this GPU: 'auto' decodes it on the CPU, with the same frames
        auto, b = frames(path, "auto")
        assert b == "cpu"
        assert_same_frames(auto, want)
        pytest.skip(f"this GPU does not decode {name}: {got}")
    assert backend == "gpu"
    assert_same_frames(got, want)


def corpus_files():
    return sorted(glob.glob(os.path.join(CORPUS, "*"))) if os.path.isdir(CORPUS) else []


@pytest.mark.parametrize("path", corpus_files(), ids=os.path.basename)
def test_corpus_h264_equals_the_cpu_decoder(path):
    try:
        want, _ = frames(path, "cpu")
    except pixcodec.Error as e:
        pytest.skip(f"the CPU decoder does not take it either: {e}")
    got, backend = gpu_or_reason(path)
    if backend is None:
        pytest.skip(f"beyond this GPU: {got}")
    assert_same_frames(got, want)


def test_device_views_are_dlpack_cuda_tensors():
    path = clip("hevc_10")
    d = video.demuxer(path)
    dec = video.decoder(d.GetCodecId(), mem_type=0, backend="gpu", device_id=0)
    got = 0
    while got == 0:
        p = d.DemuxFrame()
        if dec.DecodeFrame(p) and dec.GetFrameYuv(p) >= 0:
            got = 1
    a = p.ext_buf[0]
    assert a.__dlpack_device__() == (2, 0)  # kDLCUDA, device 0
    cai = a.__cuda_array_interface__
    assert cai["typestr"] == "<u2"  # P016: 16-bit samples
    assert cai["data"][0] == p.frame_adrs
    info = dec.GetOutputSurfaceInfo()
    assert info.mem_type == video.MemType.OUT_SURFACE_MEM_DEV_INTERNAL
    torch = pytest.importorskip("torch")
    t = torch.from_dlpack(a)
    assert t.is_cuda and t.dtype in (torch.int16, getattr(torch, "uint16", torch.int16))
    assert t.data_ptr() == p.frame_adrs  # no copy


@pytest.mark.parametrize("mem_type", [0, 1, 2])
def test_mem_types(mem_type):
    path = clip("h264_8")
    want, _ = frames(path, "cpu")
    got, backend = frames(path, "gpu", mem_type=mem_type)
    assert backend == "gpu"
    assert_same_frames(got, want)


@pytest.mark.parametrize("name", ["h264_8", "hevc_10"])
def test_mem_type_3_decodes_every_frame_without_mapping(name):
    """mem_type 3: NVDEC maps nothing; every frame still comes out, with the CPU decoder's pts and size."""
    path = clip(name)
    want, _ = frames(path, "cpu")
    d = video.demuxer(path)
    dec = video.decoder(d.GetCodecId(), mem_type=3, backend="gpu")
    pts = []
    while True:
        p = d.DemuxFrame()
        for _ in range(dec.DecodeFrame(p)):
            pts.append(dec.GetFrameYuv(p))
            assert p.frame_adrs == 0 and p.ext_buf == []
            s = p._frame.surface()
            assert s["on_device"] and s["planes"][0] == 0
            with pytest.raises(pixcodec.Error):
                p._frame.yuv()
            assert (dec.GetWidth(), dec.GetHeight()) == CLIPS[name][0]
        if p.bitstream_size == 0:
            break
    assert dec.backend == "gpu"
    assert pts == [w[0] for w in want]


@pytest.mark.parametrize("fmt", [video.OutputFormatEnum.rgb, video.OutputFormatEnum.bgra,
                                 video.OutputFormatEnum.rgb48, video.OutputFormatEnum.bgra64])
@pytest.mark.parametrize("name", ["h264_8", "hevc_10", "bt601_full", "bt709_limited"])
def test_rgb_on_the_gpu_within_1_of_the_accurate_cpu_conversion(name, fmt):
    path = clip(name)
    want, _ = frames(path, "cpu", rgb_format=fmt, accurate=True)
    got, backend = frames(path, "gpu", mem_type=0, rgb_format=fmt)
    assert backend == "gpu"
    # 16-bit: libswscale's own error (up to 46 from exact; tests/c/test_ref_video_convert.c)
    tol = 1 if fmt in (video.OutputFormatEnum.rgb, video.OutputFormatEnum.bgra) else 48
    assert_same_frames(got, want, tol=tol)


def test_resize_on_the_gpu():
    path = clip("h264_8")
    for backend, mem in (("cpu", 2), ("gpu", 0)):
        d = video.demuxer(path)
        dec = video.decoder(d.GetCodecId(), mem_type=mem, backend=backend)
        while True:
            p = d.DemuxFrame()
            if dec.DecodeFrame(p) and dec.GetFrameYuv(p) >= 0:
                break
        adr = dec.ResizeFrame(p, (80, 48))
        assert adr
        out = p.ext_buf[-1]
        arr = np.array(out) if backend == "cpu" else _host(out)
        if backend == "cpu":
            cpu = arr
        else:
            assert out.device == "cuda"
            d2 = np.abs(arr.astype(np.int32) - cpu.astype(np.int32))
            assert d2.max() <= 1


def test_reader_on_cuda():
    path = clip("h264_8")
    cpu = video.VideoReader(path, device="cpu", accurate=True)
    gpu = video.VideoReader(path, device="cuda")
    assert gpu.backend == "gpu"
    for i in (0, 5, 17, 3, len(cpu) - 1):
        g, c = gpu[i], cpu[i]
        assert isinstance(g, pixcodec.Image) and g.buffer_kind == 1
        h = np.array(g.cpu())
        assert np.abs(h.astype(np.int32) - np.asarray(c).astype(np.int32)).max() <= 1


def test_several_decoders_at_once():
    names = ["h264_8", "hevc_8", "h264_raw", "hevc_raw"]
    want = {n: frames(clip(n), "cpu")[0] for n in names}
    errors = []

    def run(n):
        try:
            got, backend = frames(clip(n), "gpu")
            assert backend == "gpu"
            assert_same_frames(got, want[n])
        except Exception as e:  # noqa: BLE001 (reported below)
            errors.append(f"{n}: {e}")

    threads = [threading.Thread(target=run, args=(n,)) for n in names * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors


def test_resolution_change_mid_stream():
    """Two raw H.264 streams of different sizes back to back: frames come out at each size."""
    parts = []
    for i, (w, h) in enumerate(((160, 96), (320, 176), (128, 64))):
        out = os.path.join(os.path.dirname(clip("h264_raw")), f"res{i}.264")
        run_ffmpeg(["-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate=25", "-frames:v", "10", "-c:v", "libx264",
                    "-preset", "ultrafast", "-bf", "0", "-f", "h264", "-y", out])
        parts.append(open(out, "rb").read())
    path = make_file("reschange.264", b"".join(parts))
    want, _ = frames(path, "cpu")
    got, backend = frames(path, "gpu")
    assert backend == "gpu"
    assert_same_frames(got, want)


def test_monochrome_hevc_has_neutral_chroma_like_the_cpu_decoder():
    """HEVC 4:0:0 (8 and 10-bit) where the GPU's caps take it: NV12 / P016 with neutral chroma, equal to the
    CPU decoder's surfaces; elsewhere 'gpu' names the reason and 'auto' decodes on the CPU."""
    for depth, pix in ((8, "gray"), (10, "gray10le")):
        out = os.path.join(os.path.dirname(clip("hevc_8")), f"gray{depth}.mkv")
        run_ffmpeg(["-f", "lavfi", "-i", "testsrc2=size=192x112:rate=25", "-frames:v", "8", "-c:v", "libx265",
                    "-preset", "ultrafast", "-x265-params", "log-level=error", "-pix_fmt", pix, "-y", out])
        want, _ = frames(out, "cpu")
        got, backend = gpu_or_reason(out)
        if backend is None:
            auto, b = frames(out, "auto")
            assert b == "cpu"
            assert_same_frames(auto, want)
            continue
        assert_same_frames(got, want)
        chroma = got[0][1][112:]
        assert (chroma == (0x80 if depth == 8 else 0x8000)).all()


def test_unsupported_stream_fails_clearly_on_gpu_and_falls_back_under_auto():
    path = clip("h264_422")  # 4:2:2: no NVDEC output surface for it
    with pytest.raises(pixcodec.Error, match="GPU") as e:
        frames(path, "gpu")
    assert e.value.status_name in ("UNSUPPORTED_FEATURE", "BACKEND_UNAVAILABLE")
    want, _ = frames(path, "cpu")
    got, backend = frames(path, "auto")
    assert backend == "cpu"
    assert_same_frames(got, want)


def test_seeking_on_the_gpu_equals_the_cpu():
    path = clip("long_gop")
    cpu = video.VideoReader(path, device="cpu", output="yuv")
    gpu = video.VideoReader(path, device="cuda", output="yuv")
    for i in (40, 3, 59, 12, 13, 0):
        g = gpu[i]
        assert np.array_equal(_host(g), np.asarray(cpu[i])), f"frame {i}"
