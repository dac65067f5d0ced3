"""pixcodec.video: the seed decoder's API (names, arguments, packet fields, enums), mem_type and
backend handling, array views (numpy, buffer protocol, DLPack), file output, resize and crop, and
clear errors for bad input."""
import gc
import inspect
import os
import threading

import numpy as np
import pytest

import videohelpers as V
from videohelpers import clip

import pixcodec  # noqa: E402
import pixcodec.video as video  # noqa: E402


def decoded_packet(path, separate_planes=False, rgb_format=None, **kw):
    """(demuxer, decoder, packet) with the first frame taken onto the packet."""
    d = video.demuxer(path)
    kw.setdefault("mem_type", 2)
    kw.setdefault("backend", "cpu")
    dec = video.decoder(d.GetCodecId(), **kw)
    while True:
        p = d.DemuxFrame()
        if dec.DecodeFrame(p):
            if rgb_format is None:
                dec.GetFrameYuv(p, separate_planes)
            else:
                dec.GetFrameRgb(p, rgb_format)
            return d, dec, p
        assert p.bitstream_size, "no frame decoded"


# ------------------------------------------------------------------------------ names and enums

def test_seed_method_names_and_signatures():
    for name in ("GetCodecId", "GetBitDepth", "DemuxFrame", "SeekFrame"):
        assert callable(getattr(video.demuxer, name))
    assert list(inspect.signature(video.demuxer.SeekFrame).parameters)[1:] == ["frame_number", "seek_mode",
                                                                               "seek_criteria"]
    params = inspect.signature(video.decoder.__init__).parameters
    assert list(params)[1:9] == ["codec", "device_id", "mem_type", "b_force_zero_latency", "crop_rect",
                                 "max_width", "max_height", "clk_rate"]
    assert [params[k].default for k in list(params)[2:9]] == [0, 0, False, None, 0, 0, 1000]
    assert params["backend"].kind == inspect.Parameter.KEYWORD_ONLY and params["backend"].default == "auto"
    for name in ("DecodeFrame", "GetFrameYuv", "GetFrameRgb", "ResizeFrame", "ReleaseFrame", "GetWidth",
                 "GetHeight", "GetStride", "GetFrameSize", "GetBitDepth", "GetOutputSurfaceInfo",
                 "SaveFrameToFile", "GetNumOfFlushedFrames", "SetReconfigParams", "IsCodecSupported"):
        assert callable(getattr(video.decoder, name)), name
    sig = inspect.signature(video.decoder.GetFrameYuv)
    assert sig.parameters["separate_planes"].default is False
    assert list(inspect.signature(video.decoder.GetFrameRgb).parameters)[1:] == ["packet", "rgb_format"]
    assert list(inspect.signature(video.decoder.ResizeFrame).parameters)[1:3] == ["packet", "resize_dim"]
    sig = inspect.signature(video.decoder.SaveFrameToFile)
    assert list(sig.parameters)[1:] == ["output_file_path", "frame_adrs", "surface_info", "output_format"]
    assert sig.parameters["surface_info"].default == 0
    assert sig.parameters["output_format"].default == video.OutputFormatEnum.native
    assert list(inspect.signature(video.decoder.IsCodecSupported).parameters)[1:] == ["device_id", "codec_id",
                                                                                       "bit_depth"]
    assert list(inspect.signature(video.decoder.SetReconfigParams).parameters)[1:] == ["flush_mode",
                                                                                        "out_file_name"]


def test_enums():
    names = ["native", "bgr", "bgr48", "rgb", "rgb48", "bgra", "bgra64", "rgba", "rgba64"]
    assert [m.name for m in video.OutputFormatEnum] == names
    assert [int(m) for m in video.OutputFormatEnum] == list(range(9))
    for n in names:
        assert getattr(video, n) == getattr(video.OutputFormatEnum, n)
    assert video.VideoCodec.AVC == 3 and video.VideoCodec.HEVC == 4 and video.VideoCodec.AV1 == 5
    assert video.VideoCodec.VP9 == 7 and video.VideoCodec.H264 == video.VideoCodec.AVC
    assert video.rocDecVideoCodec_AVC == 3 and video.rocDecVideoCodec_HEVC == 4
    assert [int(m) for m in video.SurfaceFormat] == [0, 1, 2, 3]
    assert video.rocDecVideoSurfaceFormat_P016 == video.SurfaceFormat.P016
    assert [int(m) for m in video.MemType] == [0, 1, 2, 3]
    assert video.OUT_SURFACE_MEM_HOST_COPIED == 2
    assert video.SEEK_MODE_EXACT_FRAME == 0 and video.SEEK_MODE_PREV_KEY_FRAME == 1
    assert video.SEEK_CRITERIA_FRAME_NUM == 0 and video.SEEK_CRITERIA_TIME_STAMP == 1
    assert video.ROCDEC_PKT_ENDOFSTREAM == 1 and video.ROCDEC_PKT_DISCONTINUITY == 4
    assert video.GetRocDecCodecID("h264") == video.VideoCodec.AVC
    assert video.GetRocDecCodecID(4) == video.VideoCodec.HEVC
    assert video.GetOutputFormat(4) == video.OutputFormatEnum.rgb48


def test_importable_as_attribute_and_typed():
    import importlib
    m = importlib.import_module("pixcodec.video")
    assert m is video
    stub = os.path.join(os.path.dirname(video.__file__), "video.pyi")
    assert os.path.isfile(stub)
    import ast
    tree = ast.parse(open(stub).read())
    classes = {n.name for n in tree.body if isinstance(n, ast.ClassDef)}
    assert {"demuxer", "decoder", "VideoReader", "PyPacketData", "OutputFormatEnum", "OutputSurfaceInfo"} <= classes


# ------------------------------------------------------------------------------ demuxer and packets

def test_demuxer_facts_and_packet_fields():
    path = clip("h264_8")
    d = video.demuxer(path)
    assert d.GetCodecId() == video.VideoCodec.AVC and d.GetBitDepth() == 8
    info = d.info
    assert (info["width"], info["height"], info["num_frames"]) == (160, 96, 36)
    p = d.DemuxFrame()
    for field in ("end_of_stream", "pkt_flags", "frame_pts", "frame_size", "frame_adrs", "bitstream_size",
                  "bitstream_adrs", "frame_adrs_rgb", "frame_adrs_resized", "ext_buf"):
        assert hasattr(p, field), field
    assert p.bitstream_size > 0 and p.bitstream_adrs != 0 and not p.end_of_stream
    assert p.pkt_flags & video.PacketFlags.KEY_FRAME and p.key_frame
    assert p.ext_buf == [] and p.frame_adrs == 0
    assert d.DemuxFrame() is p  # refilled, not a new object
    n = 2
    while d.DemuxFrame().bitstream_size:
        n += 1
    assert n == 36 and p.end_of_stream and p.pkt_flags & video.PacketFlags.ROCDEC_PKT_ENDOFSTREAM


def test_demuxer_sources(tmp_path):
    path = clip("h264_8")
    data = open(path, "rb").read()
    import pathlib
    for src in (path, pathlib.Path(path), data, bytearray(data), memoryview(data), open(path, "rb")):
        d = video.demuxer(src)
        assert d.GetCodecId() == video.VideoCodec.AVC and d.info["num_frames"] == 36


def test_decoder_send_receive_counts():
    frames, info = V.decode_all(clip("h264_8"))
    assert len(frames) == 36
    assert [f[0] for f in frames] == sorted(f[0] for f in frames)  # presentation order
    assert info.surface_format == video.SurfaceFormat.NV12 and info.bit_depth == 8
    assert info.num_chroma_planes == 1 and info.bytes_per_pixel == 1 and info.mem_type == 2
    assert info.output_width == 160 and info.output_height == 96


def test_decoder_facts_after_frame():
    d, dec, p = decoded_packet(clip("hevc_10"))
    assert dec.GetWidth() == 128 and dec.GetHeight() == 80 and dec.GetBitDepth() == 10
    assert dec.GetStride() >= 128 * 2
    assert dec.GetFrameSize() == 128 * (80 + 40) * 2
    assert p.frame_size == dec.GetFrameSize()
    info = dec.GetOutputSurfaceInfo()
    assert info.surface_format == video.SurfaceFormat.P016 and info.bytes_per_pixel == 2
    assert dec.GetNumOfFlushedFrames() == 0
    assert dec.SetReconfigParams(0, "") is None
    assert dec.IsCodecSupported(0, video.VideoCodec.HEVC, 10) is True
    assert dec.IsCodecSupported(0, video.VideoCodec.AVC, 8) is True


def test_decoder_before_first_frame():
    dec = video.decoder(video.VideoCodec.AVC, mem_type=2, backend="cpu")
    assert (dec.GetWidth(), dec.GetHeight(), dec.GetFrameSize(), dec.GetBitDepth()) == (0, 0, 0, 0)
    with pytest.raises(pixcodec.Error):
        dec.GetOutputSurfaceInfo()
    p = video.PyPacketData()
    assert dec.GetFrameYuv(p) == -1 and p.frame_adrs == 0


# ------------------------------------------------------------------------------ mem_type and backend

@pytest.mark.parametrize("mem_type", [0, 1])
def test_device_mem_types_need_the_gpu_decoder(mem_type):
    with pytest.raises(pixcodec.Error, match="GPU decoder") as e:
        video.decoder(video.VideoCodec.AVC, mem_type=mem_type, backend="cpu")
    assert e.value.status_name == "BACKEND_UNAVAILABLE"
    dec = None
    try:
        dec = video.decoder(video.VideoCodec.AVC, mem_type=mem_type)  # auto
    except pixcodec.Error as err:
        assert "GPU decoder" in str(err)
    if dec is not None:
        assert dec.backend == "gpu"


def test_backend_keyword():
    assert video.decoder(video.VideoCodec.AVC, mem_type=2, backend="cpu").backend == "cpu"
    auto = video.decoder(video.VideoCodec.AVC, mem_type=2, backend="auto")
    assert auto.backend in ("cpu", "gpu")
    with pytest.raises(ValueError, match="backend"):
        video.decoder(video.VideoCodec.AVC, mem_type=2, backend="tpu")
    try:
        g = video.decoder(video.VideoCodec.AVC, mem_type=0, backend="gpu")
    except pixcodec.Error as e:
        assert e.status_name in ("BACKEND_UNAVAILABLE", "UNSUPPORTED_FEATURE")
    else:
        assert g.backend == "gpu"


def test_mem_type_3_decodes_without_mapping():
    path = clip("h264_8")
    d = video.demuxer(path)
    dec = video.decoder(d.GetCodecId(), mem_type=3, backend="cpu")
    n, pts = 0, []
    while True:
        p = d.DemuxFrame()
        for _ in range(dec.DecodeFrame(p)):
            pts.append(dec.GetFrameYuv(p))
            assert p.frame_adrs == 0 and p.ext_buf == []
            n, last = n + 1, p
        if p.bitstream_size == 0:
            break
    assert n == 36 and pts == sorted(pts)
    # the last frame's facts are those of a decode that maps its frames; its pixels do not exist
    assert (dec.GetWidth(), dec.GetHeight(), dec.GetBitDepth()) == (160, 96, 8)
    assert dec.GetFrameSize() == 160 * 96 * 3 // 2
    info = dec.GetOutputSurfaceInfo()
    assert info.mem_type == video.MemType.OUT_SURFACE_MEM_NOT_MAPPED and info.surface_format == video.SurfaceFormat.NV12
    frame = last._frame
    assert frame.surface()["planes"][0] == 0
    for use in (lambda: frame.yuv(), lambda: frame.plane(0), lambda: frame.convert(int(video.OutputFormatEnum.rgb)),
                lambda: frame.copy("cpu")):
        with pytest.raises(pixcodec.Error) as e:
            use()
        assert e.value.status_name == "INVALID_ARGUMENT"
    with pytest.raises(ValueError):
        video.decoder(video.VideoCodec.AVC, mem_type=7)


# ------------------------------------------------------------------------------ views

def test_yuv_view_zero_copy_numpy_buffer_dlpack():
    d, dec, p = decoded_packet(clip("h264_8"))
    view = p.ext_buf[0]
    assert isinstance(view, video.ArrayView)
    assert p.shape == view.shape == (144, 160) and p.dtype == np.uint8
    assert p.strides == view.strides and view.strides[1] == 1
    a = np.asarray(view)
    assert a.shape == (144, 160) and a.ctypes.data == view.ptr == p.frame_adrs
    m = memoryview(view)
    assert m.shape == (144, 160) and m.format == "B" and m.readonly
    t = np.from_dlpack(view)
    assert t.ctypes.data == view.ptr and np.array_equal(t, a)
    assert view.__dlpack_device__() == (1, 0) and p.__dlpack_device__() == (1, 0)
    assert np.array_equal(np.from_dlpack(p), a)
    iface = view.__array_interface__
    assert iface["typestr"] == "|u1" and iface["shape"] == (144, 160)


def test_16bit_views_are_uint16():
    d, dec, p = decoded_packet(clip("h264_10"))
    assert p.dtype == np.uint16
    a = np.asarray(p.ext_buf[0])
    assert a.dtype == np.uint16 and a.shape == (120, 128)
    assert (a[:80] & 0x3F == 0).all()  # P016: 10-bit samples in the high bits
    t = np.from_dlpack(p.ext_buf[0])
    assert t.dtype == np.uint16
    assert memoryview(p.ext_buf[0]).format == "H"


@pytest.mark.parametrize("fmt,channels,dtype", [("rgb", 3, np.uint8), ("bgr", 3, np.uint8), ("rgba", 4, np.uint8),
                                                ("bgra", 4, np.uint8), ("rgb48", 3, np.uint16),
                                                ("bgr48", 3, np.uint16), ("rgba64", 4, np.uint16),
                                                ("bgra64", 4, np.uint16)])
def test_rgb_views_typed_by_format(fmt, channels, dtype):
    f = getattr(video.OutputFormatEnum, fmt)
    d, dec, p = decoded_packet(clip("h264_8"), rgb_format=f)
    img = p.ext_buf[0]
    assert p.shape == (96, 160, channels) and p.dtype == dtype
    a = np.asarray(img)
    assert a.dtype == dtype and a.ctypes.data == p.frame_adrs_rgb
    t = np.from_dlpack(p)
    assert t.dtype == dtype and t.shape == (96, 160, channels)
    assert p.frame_adrs != 0


def test_rgb_channel_orders_agree():
    out = {}
    for fmt in ("rgb", "bgr", "rgba", "bgra", "rgb48", "rgba64"):
        d, dec, p = decoded_packet(clip("h264_8"), rgb_format=getattr(video.OutputFormatEnum, fmt))
        out[fmt] = np.array(p.ext_buf[0])
    assert np.array_equal(out["bgr"], out["rgb"][..., ::-1])
    assert np.array_equal(out["rgba"][..., :3], out["rgb"]) and (out["rgba"][..., 3] == 255).all()
    assert np.array_equal(out["bgra"][..., :3], out["rgb"][..., ::-1])
    assert (out["rgba64"][..., 3] == 65535).all()
    # libswscale's 8- and 16-bit output paths round differently: a few levels at most
    assert np.abs(np.round(out["rgb48"] / 257.0) - out["rgb"]).max() <= 3


def test_separate_planes():
    d, dec, p = decoded_packet(clip("h264_8"), separate_planes=True)
    assert len(p.ext_buf) == 2 and p.shapeY == (96, 160) and p.shapeUV == (48, 160)
    whole = decoded_packet(clip("h264_8"))[2]
    a = np.asarray(whole.ext_buf[0])
    assert np.array_equal(np.asarray(p.ext_buf[0]), a[:96]) and np.array_equal(np.asarray(p.ext_buf[1]), a[96:])
    d, dec, p = decoded_packet(clip("h264_444"), separate_planes=True)
    assert len(p.ext_buf) == 3 and p.shapeU == p.shapeV == p.shapeY == (64, 96)


def test_view_keeps_frame_alive_after_release():
    d, dec, p = decoded_packet(clip("h264_8"))
    view = p.ext_buf[0]
    a = np.asarray(view)
    ref = a.copy()
    dec.ReleaseFrame(p)
    assert p.ext_buf == [] and p.frame_adrs == 0
    del view, dec, d
    gc.collect()
    # decode other things to reuse memory; the array still holds its frame
    V.decode_all(clip("hevc_8"))
    assert np.array_equal(a, ref)
    cap_src = decoded_packet(clip("h264_8"))[2].ext_buf[0]
    t = np.from_dlpack(cap_src)
    del cap_src
    gc.collect()
    assert t.sum() > 0


def test_odd_size_views():
    d, dec, p = decoded_packet(clip("h264_odd"), separate_planes=True)
    assert p.shapeY == (362, 642) and p.shapeUV == (181, 642)
    d, dec, p = decoded_packet(clip("h264_odd"), rgb_format=video.rgb)
    assert p.shape == (362, 642, 3)


# ------------------------------------------------------------------------------ crop, resize, files

def test_crop_rect():
    full = np.asarray(decoded_packet(clip("h264_8"))[2].ext_buf[0])
    d, dec, p = decoded_packet(clip("h264_8"), crop_rect=(16, 8, 112, 72))
    a = np.asarray(p.ext_buf[0])
    assert dec.GetWidth() == 96 and dec.GetHeight() == 64
    assert np.array_equal(a[:64, :96], full[8:72, 16:112])
    assert np.array_equal(a[64:96, :96], full[96 + 4:96 + 36, 16:112])
    d, dec, p = decoded_packet(clip("h264_8"), crop_rect=(16, 8, 112, 72), rgb_format=video.rgb)
    rgb_full = np.asarray(decoded_packet(clip("h264_8"), rgb_format=video.rgb)[2].ext_buf[0])
    assert p.shape == (64, 96, 3)
    assert np.abs(np.asarray(p.ext_buf[0]).astype(int) - rgb_full[8:72, 16:112]).max() <= 1
    with pytest.raises(ValueError):
        video.decoder(video.VideoCodec.AVC, mem_type=2, crop_rect=(10, 10, 5, 5))


def test_resize_frame():
    d, dec, p = decoded_packet(clip("h264_8"))
    info = dec.GetOutputSurfaceInfo()
    assert dec.ResizeFrame(p, (160, 96), info) == 0  # same size: nothing to do
    adrs = dec.ResizeFrame(p, (80, 48), info)
    assert adrs != 0 and adrs == p.frame_adrs_resized
    r = np.asarray(p.ext_buf[-1])
    assert r.shape == (72, 80) and r.ctypes.data == adrs
    rinfo = dec.GetResizedOutputSurfaceInfo()
    assert (rinfo.output_width, rinfo.output_height) == (80, 48)
    # the same resize by ffmpeg's scale filter (libswscale, bilinear) of its own decode of the first frame:
    # luma and chroma planes within 1
    import subprocess
    ref = subprocess.run(["ffmpeg", "-v", "error", "-i", clip("h264_8"), "-frames:v", "1", "-vf",
                          "scale=80:48:flags=bilinear", "-pix_fmt", "yuv420p", "-f", "rawvideo", "-"],
                         check=True, capture_output=True).stdout
    ref_y = np.frombuffer(ref[:80 * 48], np.uint8).reshape(48, 80).astype(int)
    ref_u = np.frombuffer(ref[80 * 48:80 * 48 + 40 * 24], np.uint8).reshape(24, 40).astype(int)
    assert np.abs(r[:48].astype(int) - ref_y).max() <= 1
    assert np.abs(r[48:, 0::2].astype(int) - ref_u).max() <= 1   # NV12: Cb at even positions


def test_save_frame_to_file(tmp_path):
    path = clip("h264_8")
    out_yuv, out_rgb = str(tmp_path / "o.yuv"), str(tmp_path / "o.rgb")
    d = video.demuxer(path)
    dec = video.decoder(d.GetCodecId(), mem_type=2, backend="cpu")
    n = 0
    while True:
        p = d.DemuxFrame()
        for _ in range(dec.DecodeFrame(p)):
            dec.GetFrameYuv(p)
            dec.SaveFrameToFile(out_yuv, p.frame_adrs)
            n += 1
        if p.bitstream_size == 0:
            break
    assert os.path.getsize(out_yuv) == n * 160 * 96 * 3 // 2
    raw = V.run_ffmpeg(["-i", path, "-f", "rawvideo", "-pix_fmt", "nv12", "-"])
    assert open(out_yuv, "rb").read() == raw
    d, dec, p = decoded_packet(path, rgb_format=video.rgb)
    dec.SaveFrameToFile(out_rgb, p.frame_adrs_rgb, dec.GetOutputSurfaceInfo(), video.rgb)
    assert open(out_rgb, "rb").read() == np.asarray(p.ext_buf[0]).tobytes()
    with pytest.raises(ValueError):
        dec.SaveFrameToFile(out_rgb, 12345)


# ------------------------------------------------------------------------------ bad input

def test_nonexistent_file():
    with pytest.raises(pixcodec.Error) as e:
        video.demuxer("/nonexistent/clip.mp4")
    assert e.value.status_name == "IO" and "clip.mp4" in str(e.value)


def test_wrong_argument_types():
    with pytest.raises(TypeError):
        video.demuxer(12345)
    with pytest.raises(TypeError):
        video.decoder(video.VideoCodec.AVC, mem_type="host")
    with pytest.raises((TypeError, ValueError)):
        video.decoder("not-a-codec", mem_type=2, backend="cpu")
    dec = video.decoder(video.VideoCodec.AVC, mem_type=2, backend="cpu")
    with pytest.raises(TypeError):
        dec.DecodeFrame(b"\x00\x00\x01")
    d = video.demuxer(clip("h264_8"))
    with pytest.raises(TypeError):
        d.SeekFrame("3", 0, 0)
    with pytest.raises(ValueError):
        d.SeekFrame(3, 5, 0)
    with pytest.raises(pixcodec.Error):
        d.SeekFrame(10_000, 0, 0)
    with pytest.raises(pixcodec.Error):
        d.SeekFrame(-1, 0, 0)


def test_audio_only_and_garbage(tmp_path):
    if V.FFMPEG is None:
        pytest.skip("ffmpeg is not installed")
    audio = str(tmp_path / "a.m4a")
    V.run_ffmpeg(["-f", "lavfi", "-i", "sine=frequency=440:duration=0.3", "-c:a", "aac", "-y", audio])
    with pytest.raises(pixcodec.Error) as e:
        video.demuxer(audio)
    assert e.value.status_name in ("UNSUPPORTED_FEATURE", "UNSUPPORTED_FORMAT")
    with pytest.raises(pixcodec.Error):
        video.demuxer(b"this is not a video at all" * 10)
    with pytest.raises(pixcodec.Error):
        video.demuxer(b"")


def decode_tolerant(src):
    """Decodes what can be decoded; returns (frames, errors) and never crashes."""
    try:
        d = video.demuxer(src)
    except pixcodec.Error:
        return 0, 1
    dec = video.decoder(d.GetCodecId(), mem_type=2, backend="cpu")
    frames = errors = 0
    for _ in range(1000):
        try:
            p = d.DemuxFrame()
            n = dec.DecodeFrame(p)
            for _ in range(n):
                dec.GetFrameRgb(p, video.rgb)
                frames += 1
        except pixcodec.Error:
            errors += 1
            continue
        if p.bitstream_size == 0:
            break
    return frames, errors


@pytest.mark.parametrize("name", ["h264_8", "hevc_8", "h264_raw", "vp9"])
def test_truncated_and_corrupt(name):
    data = open(clip(name), "rb").read()
    for cut in (len(data) // 3, len(data) * 2 // 3, len(data) - 7):
        decode_tolerant(data[:cut])
    rng = np.random.default_rng(5)
    for _ in range(3):
        b = bytearray(data)
        pos = rng.integers(len(b) // 4, len(b), 24)
        for i in pos:
            b[i] ^= 0x5A
        decode_tolerant(bytes(b))
    # the file is intact after all that; a clean decode still gives every frame
    assert decode_tolerant(data)[0] == V.CLIPS[name][1]


def test_threads_share_nothing_and_release_the_gil():
    path = clip("h264_8")
    results = []

    def work():
        frames, _ = V.decode_all(path)
        results.append(len(frames))

    ts = [threading.Thread(target=work) for _ in range(3)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert results == [36, 36, 36]


def test_one_demuxer_from_two_threads_is_serialised():
    d = video.demuxer(clip("long_gop"))
    counts = []

    def work():
        n = 0
        while True:
            data, *_ = d._dmx.read()
            if not data:
                break
            n += 1
        counts.append(n)

    ts = [threading.Thread(target=work) for _ in range(2)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert sum(counts) == 60


def test_caller_packets_with_get_roc_py_dec_packet():
    """Packets made from caller bytes decode like the demuxer's (raw Annex-B: no extradata needed)."""
    path = clip("h264_raw")
    ref, _ = V.decode_all(path)
    d = video.demuxer(path)
    dec = video.decoder(video.VideoCodec.AVC, mem_type=2, backend="cpu")
    got = []
    while True:
        data, pts, *_ = d._dmx.read()
        p = video.GetRocPyDecPacket(pts, len(data), bytearray(data))
        assert p.bitstream_size == len(data) and p.end_of_stream == (len(data) == 0)
        for _ in range(dec.DecodeFrame(p)):
            dec.GetFrameYuv(p)
            got.append(np.array(p.ext_buf[0]))
        if not data:
            break
    assert len(got) == len(ref)
    assert all(np.array_equal(a, b) for a, (_p, b) in zip(got, ref))


def test_no_leak_over_many_frames():
    path = clip("h264_8")
    V.decode_all(path, rgb_format=video.rgb)
    r0 = V.pyhelpers.rss_bytes()
    for _ in range(8):
        frames, _ = V.decode_all(path, rgb_format=video.rgb)
        reader = video.VideoReader(path)
        reader.get_frames_at([3, 30, 9])
        del frames, reader
    gc.collect()
    assert V.pyhelpers.rss_bytes() - r0 < 24 << 20


def test_submodule_reachable_from_the_package():
    import subprocess
    import sys
    code = "import pixcodec; v = pixcodec.video; print(v.VideoReader.__name__)"
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(pixcodec.__file__)))
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    assert r.returncode == 0 and r.stdout.strip() == "VideoReader", r.stderr


_PUBLIC = ["demuxer", "decoder", "VideoReader", "PyPacketData", "OutputSurfaceInfo", "ArrayView",
           "GetRocPyDecPacket", "GetRocDecCodecID", "GetOutputFormat", "OutputFormatEnum", "VideoCodec"]


@pytest.mark.parametrize("name", _PUBLIC)
def test_public_video_names_documented(name):
    obj = getattr(video, name)
    assert obj.__doc__ and len(obj.__doc__.strip()) > 10, name
    if inspect.isclass(obj):
        for meth, fn in vars(obj).items():
            if callable(fn) and not meth.startswith("_"):
                assert (fn.__doc__ or "").strip(), (name, meth)


def test_video_stub_parameters_exist_at_runtime():
    import ast
    stub = ast.parse(open(os.path.join(os.path.dirname(video.__file__), "video.pyi")).read())
    checked = 0
    for node in stub.body:
        if not (isinstance(node, ast.ClassDef) and node.name in ("demuxer", "decoder", "VideoReader")):
            continue
        owner = getattr(video, node.name)
        for f in node.body:
            if not isinstance(f, ast.FunctionDef) or f.name.startswith("__"):
                if not (isinstance(f, ast.FunctionDef) and f.name == "__init__"):
                    continue
            fn = getattr(owner, f.name)
            if isinstance(fn, property):
                continue
            params = inspect.signature(fn).parameters
            for a in f.args.args + f.args.kwonlyargs:
                if a.arg != "self":
                    assert a.arg in params, (node.name, f.name, a.arg)
            checked += 1
    assert checked >= 30


_DEADLOCK_SCRIPT = r"""
import sys
sys.path.insert(0, sys.argv[1])
import av  # noqa: F401  (installs FFmpeg's log callback, which takes the GIL)
import numpy as np
import pyhelpers  # noqa: F401
from pixcodec import _pixcodec as C
data = bytearray(open(sys.argv[2], 'rb').read())
for i in np.random.default_rng(1).integers(200, len(data), 60):
    data[i] ^= 0x55
data = bytes(data)
for _ in range(200):
    d = C._Demuxer(data, False)
    dec = C._VideoDecoder(d)
    for _ in range(6):
        pkt = d.read()
        if not pkt[0]:
            break
        try:
            dec.send(*pkt)
            dec.receive()
        except Exception:
            pass
    del dec, d  # closing joins frame threads that are logging errors
print("ok")
"""


def test_no_deadlock_closing_a_decoder_while_ffmpeg_logs():
    """FFmpeg's frame threads may log (through a callback that takes the GIL, as PyAV installs)
    while a decoder is closed: the close must not hold the GIL."""
    import subprocess
    import sys
    pytest.importorskip("av")
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        r = subprocess.run([sys.executable, "-c", _DEADLOCK_SCRIPT, here, clip("h264_raw")], capture_output=True,
                           text=True, timeout=60, env=dict(os.environ, PXC_BUILD_DIR=V.pyhelpers.PXC_BUILD_DIR))
    except subprocess.TimeoutExpired:
        pytest.fail("closing decoders deadlocked")
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stderr[-2000:]


# ------------------------------------------------------------------------------ copies and the GPU's absence

def test_frame_copies():
    """A host frame is its own host copy; a device copy needs a GPU (tests/gpu covers that side)."""
    d, dec, p = decoded_packet(clip("h264_8"))
    frame = p._frame
    host = frame.copy("cpu")
    assert np.array_equal(np.asarray(host.yuv()), np.asarray(frame.yuv()))
    assert host.surface()["planes"] == frame.surface()["planes"]  # the same frame, no copy
    with pytest.raises(ValueError, match="device"):
        frame.copy("tpu")
    if pixcodec.gpu_device_count() == 0:
        with pytest.raises(pixcodec.Error) as e:
            frame.copy("cuda")
        assert e.value.status_name == "BACKEND_UNAVAILABLE"
        assert pixcodec.gpu_unavailable_reason() in str(e.value)


@pytest.mark.skipif(pixcodec.gpu_device_count() > 0, reason="a GPU is present (tests/gpu covers it)")
def test_gpu_backend_without_a_gpu_names_the_reason():
    with pytest.raises(pixcodec.Error) as e:
        video.decoder(video.VideoCodec.AVC, mem_type=0, backend="gpu")
    assert e.value.status_name == "BACKEND_UNAVAILABLE"
    assert "GPU video decoder cannot be used" in str(e.value)
    assert pixcodec.gpu_unavailable_reason() in str(e.value)
    d = video.demuxer(clip("hevc_10"))
    auto = video.decoder(d.GetCodecId(), mem_type=2, backend="auto")
    assert auto.backend == "cpu"
    assert not pixcodec._pixcodec.video_codec_supported(int(video.VideoCodec.HEVC), 10, 2, 0)  # backend GPU
    assert pixcodec._pixcodec.video_codec_supported(int(video.VideoCodec.HEVC), 10, 0, 0)  # AUTO: the CPU
    with pytest.raises(pixcodec.Error):
        video.VideoReader(clip("h264_8"), device="cuda")
