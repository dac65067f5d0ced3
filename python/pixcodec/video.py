"""pixcodec.video: demux and decode video (H.264, HEVC 8/10-bit, AV1, VP9, ...).

Two levels:

- The seed decoder's API (rocPyDecode, ``pyRocVideoDecode/demuxer.py`` and ``decoder.py``):
  ``demuxer(path_or_stream)`` and ``decoder(codec, device_id=0, mem_type=0, ...)`` with the
  same method names, arguments and packet fields, so code written for it runs with
  ``import pixcodec.video as dmx`` / ``as dec``.
- ``VideoReader(source, device='cpu', output='rgb')``: frames by number (indexing, slicing,
  ``get_frames_at``) or by time (``get_frames_played_at``), decoded in file order with
  frame-accurate seeks, as numpy arrays without copies.

Frames and planes are exported without copies through the buffer protocol,
``__array_interface__`` and DLPack (kDLCPU for host memory, kDLCUDA with the real device id
for GPU surfaces); 16-bit data is typed uint16. See docs/PYTHON.md.
"""
import bisect as _bisect
import collections as _collections
import ctypes as _ctypes
import enum as _enum
import math as _math
import operator as _operator
import os as _os
import weakref as _weakref

from . import _pixcodec
from ._pixcodec import ArrayView, Error, Image

__all__ = [
    "ArrayView", "Error", "MemType", "OutputFormatEnum", "OutputSurfaceInfo", "PacketFlags", "PyPacketData",
    "SeekCriteria", "SeekMode", "SurfaceFormat", "VideoCodec", "VideoReader", "decoder", "demuxer",
    "GetOutputFormat", "GetRocDecCodecID", "GetRocPyDecPacket",
]

_NOPTS = -(1 << 63)


# ----------------------------------------------------------------------------------------- enums

class VideoCodec(_enum.IntEnum):
    """Video codec ids (the seed decoder's rocDecVideoCodec values)."""
    MPEG1 = 0
    MPEG2 = 1
    MPEG4 = 2
    AVC = 3
    HEVC = 4
    AV1 = 5
    VP8 = 6
    VP9 = 7
    JPEG = 8
    UNKNOWN = 255
    H264 = 3  # alias of AVC


class SurfaceFormat(_enum.IntEnum):
    """Decoded surface formats (rocDecVideoSurfaceFormat)."""
    NV12 = 0          # 8-bit 4:2:0: Y plane, then interleaved CbCr at half height
    P016 = 1          # 16-bit 4:2:0; 10/12-bit samples in the high bits
    YUV444 = 2        # 8-bit 4:4:4 planes
    YUV444_16Bit = 3  # 16-bit 4:4:4 planes; samples in the high bits


class OutputFormatEnum(_enum.IntEnum):
    """Output formats of GetFrameRgb / SaveFrameToFile (the seed's OutputFormatEnum)."""
    native = 0
    bgr = 1
    bgr48 = 2
    rgb = 3
    rgb48 = 4
    bgra = 5
    bgra64 = 6
    rgba = 7
    rgba64 = 8


class MemType(_enum.IntEnum):
    """Where decoded surfaces are exposed (the decoder's mem_type)."""
    OUT_SURFACE_MEM_DEV_INTERNAL = 0  # device memory owned by the decoder (GPU decoder)
    OUT_SURFACE_MEM_DEV_COPIED = 1    # device memory handed out (GPU decoder)
    OUT_SURFACE_MEM_HOST_COPIED = 2   # host memory (the CPU decoder's natural mode)
    OUT_SURFACE_MEM_NOT_MAPPED = 3    # decode only: frames are not mapped (timing)


class SeekMode(_enum.IntEnum):
    """seek_mode of demuxer.SeekFrame."""
    SEEK_MODE_EXACT_FRAME = 0
    SEEK_MODE_PREV_KEY_FRAME = 1


class SeekCriteria(_enum.IntEnum):
    """seek_criteria of demuxer.SeekFrame."""
    SEEK_CRITERIA_FRAME_NUM = 0
    SEEK_CRITERIA_TIME_STAMP = 1  # the target is a time in seconds on the stream's timeline


class PacketFlags(_enum.IntFlag):
    """Bits of PyPacketData.pkt_flags (the seed's RocdecVideoPacketFlags, plus KEY_FRAME)."""
    ROCDEC_PKT_ENDOFSTREAM = 0x01
    ROCDEC_PKT_TIMESTAMP = 0x02
    ROCDEC_PKT_DISCONTINUITY = 0x04
    ROCDEC_PKT_ENDOFPICTURE = 0x08
    ROCDEC_PKT_NOTIFY_EOS = 0x10
    KEY_FRAME = 0x100  # pixcodec: the packet starts a key frame


# module-level names, as the seed's decTypes / types modules export them
native, bgr, bgr48, rgb, rgb48, bgra, bgra64, rgba, rgba64 = tuple(OutputFormatEnum)
rocDecVideoSurfaceFormat_NV12, rocDecVideoSurfaceFormat_P016, rocDecVideoSurfaceFormat_YUV444, \
    rocDecVideoSurfaceFormat_YUV444_16Bit = tuple(SurfaceFormat)
rocDecVideoCodec_MPEG1, rocDecVideoCodec_MPEG2, rocDecVideoCodec_MPEG4, rocDecVideoCodec_AVC, \
    rocDecVideoCodec_HEVC, rocDecVideoCodec_AV1, rocDecVideoCodec_VP8, rocDecVideoCodec_VP9, \
    rocDecVideoCodec_JPEG = (VideoCodec(i) for i in range(9))
OUT_SURFACE_MEM_DEV_INTERNAL, OUT_SURFACE_MEM_DEV_COPIED, OUT_SURFACE_MEM_HOST_COPIED, \
    OUT_SURFACE_MEM_NOT_MAPPED = tuple(MemType)
SEEK_MODE_EXACT_FRAME, SEEK_MODE_PREV_KEY_FRAME = tuple(SeekMode)
SEEK_CRITERIA_FRAME_NUM, SEEK_CRITERIA_TIME_STAMP = tuple(SeekCriteria)
ROCDEC_PKT_ENDOFSTREAM, ROCDEC_PKT_TIMESTAMP, ROCDEC_PKT_DISCONTINUITY, ROCDEC_PKT_ENDOFPICTURE, \
    ROCDEC_PKT_NOTIFY_EOS = (PacketFlags(1 << i) for i in range(5))

_BACKENDS = {"auto": 0, "cpu": 1, "gpu": 2}
_CODEC_NAMES = {"mpeg1video": VideoCodec.MPEG1, "mpeg2video": VideoCodec.MPEG2, "mpeg4": VideoCodec.MPEG4,
                "h264": VideoCodec.AVC, "avc": VideoCodec.AVC, "hevc": VideoCodec.HEVC, "h265": VideoCodec.HEVC,
                "av1": VideoCodec.AV1, "vp8": VideoCodec.VP8, "vp9": VideoCodec.VP9, "mjpeg": VideoCodec.JPEG}
# (channels, 16-bit) of each RGB-family output format
_FORMAT_SHAPE = {OutputFormatEnum.bgr: (3, False), OutputFormatEnum.bgr48: (3, True),
                 OutputFormatEnum.rgb: (3, False), OutputFormatEnum.rgb48: (3, True),
                 OutputFormatEnum.bgra: (4, False), OutputFormatEnum.bgra64: (4, True),
                 OutputFormatEnum.rgba: (4, False), OutputFormatEnum.rgba64: (4, True)}


# pixcodec's status codes (pixcodec/status.h) of the errors raised from this module
_STATUS = {"INVALID_ARGUMENT": -1, "UNSUPPORTED_FEATURE": -4, "CORRUPT_DATA": -5, "BACKEND_UNAVAILABLE": -8,
           "INTERNAL": -11}


def _error(status_name, detail):
    """A pixcodec.Error like the C layer raises, for misuse found in Python."""
    err = Error(f"{status_name.lower().replace('_', ' ')}: {detail}")
    err.status, err.status_name, err.detail = _STATUS[status_name], status_name, detail
    return err


def _int_arg(name, value):
    if isinstance(value, bool) or not isinstance(value, (int, _enum.IntEnum)):
        try:
            return _operator.index(value)
        except TypeError:
            raise TypeError(f"{name} must be an int, got {type(value).__name__}") from None
    return int(value)


def GetRocDecCodecID(codec_id):
    """The VideoCodec for a codec id (VideoCodec or int) or an FFmpeg codec name ('h264', 'hevc', ...)."""
    if isinstance(codec_id, str):
        try:
            return _CODEC_NAMES[codec_id.lower()]
        except KeyError:
            raise ValueError(f"unknown codec name {codec_id!r}") from None
    return VideoCodec(_int_arg("codec_id", codec_id))


def GetOutputFormat(rgb_format):
    """The OutputFormatEnum member for a value."""
    return OutputFormatEnum(_int_arg("rgb_format", rgb_format))


# ----------------------------------------------------------------------------------------- packets

class OutputSurfaceInfo:
    """Facts of the decoder's output surface (what GetOutputSurfaceInfo returns).

    output_width, output_height: visible size (after crop_rect); output_pitch: bytes between
    rows; output_vstride: rows of the luma plane; bytes_per_pixel: 1 or 2; bit_depth;
    num_chroma_planes: 1 (NV12, P016) or 2 (YUV444); output_surface_size_in_bytes;
    surface_format (SurfaceFormat); mem_type (MemType).
    """
    __slots__ = ("output_width", "output_height", "output_pitch", "output_vstride", "bytes_per_pixel",
                 "bit_depth", "num_chroma_planes", "output_surface_size_in_bytes", "surface_format", "mem_type")

    def __init__(self, **fields):
        for k in self.__slots__:
            setattr(self, k, fields.get(k, 0))

    def __repr__(self):
        return "OutputSurfaceInfo(" + ", ".join(f"{k}={getattr(self, k)!r}" for k in self.__slots__) + ")"


class PyPacketData:
    """A packet: compressed data going in (filled by demuxer.DemuxFrame / SeekFrame or
    GetRocPyDecPacket) and the frame coming out (filled by GetFrameYuv / GetFrameRgb /
    ResizeFrame). The demuxer refills the same object on each call.

    Fields: end_of_stream, pkt_flags (PacketFlags), frame_pts, frame_size, frame_adrs,
    bitstream_size, bitstream_adrs, frame_adrs_rgb, frame_adrs_resized, ext_buf (a list of
    array views: the frame's planes or the converted image; each has shape, strides, dtype,
    __dlpack__, __dlpack_device__ and the buffer protocol). shape, strides, dtype,
    __dlpack__ and __dlpack_device__ of the packet itself are those of ext_buf[0];
    shapeY / shapeUV / shapeU / shapeV those of the separate planes.
    """

    def __init__(self):
        self.end_of_stream = False
        self.pkt_flags = PacketFlags(0)
        self.frame_pts = -1
        self.frame_size = 0
        self.frame_adrs = 0
        self.bitstream_size = 0
        self.bitstream_adrs = 0
        self.frame_adrs_rgb = 0
        self.frame_adrs_resized = 0
        self.ext_buf = []
        self.pts = None          # pixcodec: packet timestamps in the stream time base (None: unknown)
        self.dts = None
        self.duration = 0
        self.key_frame = False
        self._data = b""
        self._skip_before_pts = _NOPTS
        self._c_flags = 0
        self._demuxer = None
        self._frame = None
        self._rgb = None
        self._resized = None
        self._separate = False

    def _first(self, what):
        if not self.ext_buf:
            raise AttributeError(f"{what}: the packet holds no frame (call GetFrameYuv or GetFrameRgb first)")
        return self.ext_buf[0]

    def _plane(self, i, what):
        if len(self.ext_buf) <= i:
            raise AttributeError(f"{what}: the packet holds no such plane (GetFrameYuv(packet, True) gives them)")
        return self.ext_buf[i].shape

    @property
    def shape(self):
        return self._first("shape").shape

    @property
    def strides(self):
        return self._first("strides").strides

    @property
    def dtype(self):
        return self._first("dtype").dtype

    @property
    def shapeY(self):
        return self._plane(0, "shapeY")

    @property
    def shapeUV(self):
        return self._plane(1, "shapeUV")

    @property
    def shapeU(self):
        return self._plane(1, "shapeU")

    @property
    def shapeV(self):
        return self._plane(2, "shapeV")

    def __dlpack__(self, stream=None, **kwargs):
        return self._first("__dlpack__").__dlpack__(stream, **kwargs)

    def __dlpack_device__(self):
        return self._first("__dlpack_device__").__dlpack_device__()

    def _set_input(self, data, pts, dts, duration, c_flags, skip, demuxer):
        self._data = data
        self._skip_before_pts = skip
        self._c_flags = c_flags
        self._demuxer = demuxer
        self.bitstream_size = len(data)
        self.bitstream_adrs = _pixcodec.buffer_address(data) if len(data) else 0
        self.end_of_stream = len(data) == 0
        self.pts = None if pts == _NOPTS else pts
        self.dts = None if dts == _NOPTS else dts
        self.duration = duration
        self.key_frame = bool(c_flags & _pixcodec.PACKET_KEY)
        flags = PacketFlags(0)
        if self.end_of_stream:
            flags |= PacketFlags.ROCDEC_PKT_ENDOFSTREAM
        if self.pts is not None:
            flags |= PacketFlags.ROCDEC_PKT_TIMESTAMP
        if c_flags & _pixcodec.PACKET_DISCONTINUITY:
            flags |= PacketFlags.ROCDEC_PKT_DISCONTINUITY
        if self.key_frame:
            flags |= PacketFlags.KEY_FRAME
        self.pkt_flags = flags
        self.frame_pts = self.pts if self.pts is not None else -1

    def _clear_output(self):
        self.frame_adrs = self.frame_adrs_rgb = self.frame_adrs_resized = 0
        self.frame_size = 0
        self.ext_buf = []
        self._frame = self._rgb = self._resized = None
        self._separate = False

    def __repr__(self):
        return (f"<pixcodec.video.PyPacketData bitstream_size={self.bitstream_size} frame_pts={self.frame_pts} "
                f"pkt_flags={int(self.pkt_flags):#x} end_of_stream={self.end_of_stream}>")


def GetRocPyDecPacket(pts, size, buffer):
    """A packet over caller data: the first size bytes of a bytes-like buffer, with pts
    (None: unknown) in the stream time base. size 0 makes an end-of-stream packet."""
    size = _int_arg("size", size)
    data = memoryview(buffer).cast("B")[:size] if size else b""
    p = PyPacketData()
    p._set_input(bytes(data) if not isinstance(buffer, bytes) else buffer[:size], _NOPTS if pts is None else
                 int(pts), _NOPTS, 0, 0, _NOPTS, None)
    return p


# ----------------------------------------------------------------------------------------- demuxer

def _usable_cores():
    try:
        return len(_os.sched_getaffinity(0)) or 1
    except (AttributeError, OSError):
        return _os.cpu_count() or 1


def _open_demuxer(path_or_stream):
    """A C demuxer over a path (str or os.PathLike), bytes-like data, or a binary file object."""
    src = path_or_stream
    if isinstance(src, (str, _os.PathLike)):
        return _pixcodec._Demuxer(src, True), src
    if isinstance(src, (bytes, bytearray, memoryview)):
        data = bytes(src)
        return _pixcodec._Demuxer(data, False), data
    if hasattr(src, "read"):
        data = src.read()
        if not isinstance(data, (bytes, bytearray)):
            raise TypeError("the stream's read() must return bytes (open it in binary mode)")
        data = bytes(data)
        return _pixcodec._Demuxer(data, False), data
    try:
        data = bytes(memoryview(src))
    except TypeError:
        raise TypeError(f"demuxer: expected a path (str or os.PathLike), bytes-like data or a binary file object, "
                        f"got {type(src).__name__}") from None
    return _pixcodec._Demuxer(data, False), data


class demuxer:
    """Demuxer of a container or raw stream (MP4/MOV, MKV/WebM, AVI, MPEG-TS, IVF, raw H.264/HEVC).

    demuxer(path_or_stream): a path (str or os.PathLike), bytes-like data, or a binary file
    object (read whole). Picks the best video stream; raises pixcodec.Error when the input
    cannot be opened or holds no video stream.
    """

    def __init__(self, path_or_stream):
        """demuxer(path_or_stream)."""
        self._dmx, self._source = _open_demuxer(path_or_stream)
        self._info = self._dmx.info()
        self._packet = PyPacketData()

    # -- the seed's methods
    def GetCodecId(self) -> VideoCodec:
        """Codec of the video stream (VideoCodec.UNKNOWN for one pixcodec does not decode)."""
        try:
            return VideoCodec(self._info["codec"])
        except ValueError:
            return VideoCodec.UNKNOWN

    def GetBitDepth(self) -> int:
        """Bit depth of the video stream (8, 10, 12)."""
        return self._info["bit_depth"]

    def DemuxFrame(self) -> PyPacketData:
        """The next packet in decode order (the same packet object, refilled). At the end of the
        stream its bitstream_size is 0 and end_of_stream is set."""
        data, pts, dts, duration, flags, skip = self._dmx.read()
        self._packet._set_input(data, pts, dts, duration, flags, skip, self)
        return self._packet

    def SeekFrame(self, frame_number, seek_mode=SeekMode.SEEK_MODE_EXACT_FRAME,
                  seek_criteria=SeekCriteria.SEEK_CRITERIA_FRAME_NUM) -> PyPacketData:
        """Seeks and returns the packet to decode from.

        seek_mode 0 (exact): decoding from the returned packet yields the asked frame first
        (the decoder decodes and skips the frames before it); 1: the key frame at or before it.
        seek_criteria 0: frame_number is a frame number (0-based, presentation order);
        1: it is a time in seconds on the stream's timeline (the frame presented then).
        Raises pixcodec.Error for a target out of range.
        """
        mode = int(SeekMode(_int_arg("seek_mode", seek_mode)))
        crit = int(SeekCriteria(_int_arg("seek_criteria", seek_criteria)))
        if crit == SeekCriteria.SEEK_CRITERIA_FRAME_NUM:
            target = _int_arg("frame_number", frame_number)
        else:
            if isinstance(frame_number, bool) or not isinstance(frame_number, (int, float)):
                raise TypeError(f"a timestamp must be a number of seconds, got {type(frame_number).__name__}")
            target = self._seconds_to_pts(frame_number)
        self._dmx.seek(target, crit, mode)
        return self.DemuxFrame()

    # -- pixcodec's extras
    @property
    def info(self) -> dict:
        """The stream's facts: codec, codec_name, container, width, height, bit_depth, chroma,
        color (matrix, primaries, transfer, full_range), frame_rate, time_base, start_pts,
        duration, num_frames, rotation, stream_index."""
        return dict(self._info)

    def GetNumFrames(self) -> int:
        """Frames in the stream, counted from its packets."""
        return self._info["num_frames"]

    def GetFrameRate(self) -> float:
        """Average frames per second (0 when unknown)."""
        return self._info["frame_rate"]

    def GetTimeBase(self):
        """(numerator, denominator): timestamps count numerator/denominator seconds."""
        return tuple(self._info["time_base"])

    def GetFramePts(self, frame_number) -> int:
        """pts of a frame (presentation order) from the demuxer's index."""
        return self._dmx.frame_pts(_int_arg("frame_number", frame_number))

    def GetFrameAt(self, pts) -> int:
        """Number of the frame presented at pts (the last one at or before it)."""
        return self._dmx.frame_at(_int_arg("pts", pts))

    def _seconds_to_pts(self, seconds):
        num, den = self._info["time_base"]
        return _math.floor(float(seconds) * den / num + 1e-6)


# ----------------------------------------------------------------------------------------- decoder

class decoder:
    """Video decoder (the seed's API).

    decoder(codec, device_id=0, mem_type=0, b_force_zero_latency=False, crop_rect=None,
            max_width=0, max_height=0, clk_rate=1000, *, backend='auto', num_threads=0)

    codec: VideoCodec (e.g. demuxer.GetCodecId()). mem_type: 0 device memory owned by the
    decoder, 1 device memory handed out, 2 host memory, 3 decode without mapping frames.
    mem_type 2 is the CPU decoder's natural mode; 0 and 1 need the GPU decoder (pixcodec.Error
    on the CPU). crop_rect: (left, top, right, bottom) of the output. backend: 'auto' (the GPU
    decoder where it exists and a device is present, else the CPU), 'cpu' or 'gpu'.
    clk_rate: accepted for compatibility; timestamps stay in the stream's time base.
    accurate: GetFrameRgb with full chroma interpolation and accurate rounding (smoother colour
    edges, slower) instead of libswscale's fast paths (the pixels ffmpeg gives by default).
    """

    def __init__(self, codec, device_id=0, mem_type=0, b_force_zero_latency=False, crop_rect=None,
                 max_width=0, max_height=0, clk_rate=1000, *, backend="auto", num_threads=0, accurate=False):
        """See the class docstring."""
        codec = GetRocDecCodecID(codec)
        if backend not in _BACKENDS:
            raise ValueError(f"backend must be 'auto', 'cpu' or 'gpu', got {backend!r}")
        self._device_id = _int_arg("device_id", device_id)
        mem = _int_arg("mem_type", mem_type)
        if mem not in (0, 1, 2, 3):
            raise ValueError(f"mem_type must be 0, 1, 2 or 3, got {mem}")
        self._mem_type = MemType(mem)
        if crop_rect is not None:
            crop = tuple(_int_arg("crop_rect", v) for v in crop_rect)
            if len(crop) != 4 or min(crop) < 0 or crop[0] >= crop[2] or crop[1] >= crop[3]:
                raise ValueError(f"crop_rect must be (left, top, right, bottom) with left < right and "
                                 f"top < bottom, got {crop_rect!r}")
            self._crop = crop
        else:
            self._crop = None
        self._codec = codec
        self._backend_arg = backend
        self._settings = dict(codec=int(codec), backend=_BACKENDS[backend], device_id=self._device_id,
                              num_threads=_int_arg("num_threads", num_threads),
                              max_width=_int_arg("max_width", max_width),
                              max_height=_int_arg("max_height", max_height),
                              zero_latency=bool(b_force_zero_latency),
                              decode_only=self._mem_type == MemType.OUT_SURFACE_MEM_NOT_MAPPED)
        self._clk_rate = clk_rate
        self._accurate = bool(accurate)
        self._dec = _pixcodec._VideoDecoder(None, **self._settings)
        if self._dec.backend == "cpu" and self._mem_type in (0, 1):
            raise _error("BACKEND_UNAVAILABLE",
                         f"mem_type {int(self._mem_type)} ({self._mem_type.name}) hands out device memory, which "
                         f"needs the GPU decoder; this decoder runs on the CPU (backend={backend!r}). "
                         f"Use mem_type=2 for frames in host memory")
        self._fed = False            # a packet has reached the C decoder
        self._drained = False        # the C decoder has returned its last frame
        self._ready = _collections.deque()
        self._current = None         # the last frame handed out (_Frame)
        self._surface = None         # its surface() dict
        self._resized_info = None
        self._reconfig = (0, "")
        self._saved = set()
        self._packets = _weakref.WeakSet()   # packets this decoder put frames on

    # -- feeding
    def _bind(self, packet):
        """First packet from a demuxer: recreate the C decoder from the demuxer (codec extradata)."""
        if not self._fed and packet._demuxer is not None:
            self._dec = _pixcodec._VideoDecoder(packet._demuxer._dmx, **self._settings)

    def _pull(self):
        n = 0
        while True:
            r = self._dec.receive()
            if isinstance(r, int):
                if r == _pixcodec.END_OF_STREAM:
                    self._drained = True
                return n
            self._ready.append(r)
            n += 1

    def DecodeFrame(self, packet) -> int:
        """Feeds one packet (bitstream_size 0 drains the decoder) and returns the number of
        frames it made ready; take each with GetFrameYuv or GetFrameRgb."""
        if not isinstance(packet, PyPacketData):
            raise TypeError(f"DecodeFrame: expected a packet (PyPacketData), got {type(packet).__name__}")
        self._bind(packet)
        discontinuity = bool(packet._c_flags & _pixcodec.PACKET_DISCONTINUITY)
        if discontinuity:
            self._ready.clear()
        if self._drained and packet.bitstream_size:
            self._dec.flush()
            self._drained = False
        n = 0 if discontinuity else self._pull()
        self._fed = True
        if packet.bitstream_size == 0:
            if self._drained:
                return 0
            self._dec.send(None)
        else:
            self._dec.send(packet._data, packet.pts if packet.pts is not None else _NOPTS,
                           packet.dts if packet.dts is not None else _NOPTS, packet.duration, packet._c_flags,
                           packet._skip_before_pts)
        return n + self._pull()

    # -- frames out
    def _next_frame(self, packet):
        if not isinstance(packet, PyPacketData):
            raise TypeError(f"expected a packet (PyPacketData), got {type(packet).__name__}")
        packet._clear_output()
        if not self._ready:
            return None
        frame = self._ready.popleft()
        if frame.surface()["on_device"]:
            # mem_type 1: a device copy the caller owns; 2: a host copy
            if self._mem_type == MemType.OUT_SURFACE_MEM_DEV_COPIED:
                frame = frame.copy("cuda")
            elif self._mem_type == MemType.OUT_SURFACE_MEM_HOST_COPIED:
                frame = frame.copy("cpu")
        self._current = frame
        self._surface = frame.surface()
        self._packets.add(packet)
        packet._frame = frame
        pts = frame.info()["pts"]
        packet.frame_pts = pts if pts != _NOPTS else -1
        packet.frame_size = self.GetFrameSize()
        return frame

    def _crop_arg(self):
        return self._crop if self._crop is not None else (0, 0, 0, 0)

    def GetFrameYuv(self, packet, separate_planes=False) -> int:
        """Takes the next decoded frame onto the packet and returns its pts (-1 when none is
        ready). ext_buf[0] is the whole surface as one 2-D array (planes one under the other:
        NV12 / P016 height*3/2 rows, YUV444 3*height rows); with separate_planes, ext_buf holds
        one array per plane (Y and interleaved UV for 4:2:0; Y, U, V for 4:4:4). uint8 for
        8-bit streams, uint16 (samples in the high bits) above. frame_adrs is the address of
        the first plane; with mem_type 3 nothing is mapped (frame_adrs 0, ext_buf empty)."""
        frame = self._next_frame(packet)
        if frame is None:
            return -1
        if self._mem_type == MemType.OUT_SURFACE_MEM_NOT_MAPPED:
            return packet.frame_pts
        if separate_planes:
            crop = self._crop_arg()
            packet.ext_buf = [frame.plane(i, crop) for i in range(self._surface["num_planes"])]
            packet._separate = True
        else:
            packet.ext_buf = [frame.yuv(self._crop_arg()) if self._crop else frame.yuv()]
        packet.frame_adrs = packet.ext_buf[0].ptr
        return packet.frame_pts

    def GetFrameRgb(self, packet, rgb_format) -> int:
        """Takes the next decoded frame onto the packet converted to rgb_format (an
        OutputFormatEnum: bgr, rgb, bgra, rgba with uint8 samples; bgr48, rgb48, bgra64,
        rgba64 with uint16 samples; native gives the surface as GetFrameYuv does) with the
        stream's colour matrix and range; returns its pts (-1 when none is ready).
        ext_buf[0] is the HWC image; frame_adrs_rgb its address."""
        fmt = GetOutputFormat(rgb_format)
        if fmt == OutputFormatEnum.native:
            return self.GetFrameYuv(packet)
        frame = self._next_frame(packet)
        if frame is None:
            return -1
        if self._mem_type == MemType.OUT_SURFACE_MEM_NOT_MAPPED:
            raise _error("INVALID_ARGUMENT", "GetFrameRgb: mem_type 3 decodes without mapping frames")
        img = frame.convert(int(fmt), self._crop_arg(), accurate=self._accurate)
        packet._rgb = img
        packet.ext_buf = [img]
        packet.frame_adrs_rgb = img.__array_interface__["data"][0] if not self._surface["on_device"] else \
            img.__cuda_array_interface__["data"][0]
        if not self._surface["on_device"]:
            packet.frame_adrs = self._surface["planes"][0]
        return packet.frame_pts

    def ResizeFrame(self, packet, resize_dim, surface_info=None) -> int:
        """Resizes the packet's current frame (its surface, after crop_rect) to resize_dim =
        (width, height), bilinear, into a new surface of the same format: returns its
        address (also packet.frame_adrs_resized; the array is the last of packet.ext_buf),
        or 0 when nothing is to be done (no frame, or already that size)."""
        if packet._frame is None or resize_dim is None:
            return 0
        w, h = (_int_arg("resize_dim", v) for v in resize_dim)
        info = self.GetOutputSurfaceInfo()
        if w <= 0 or h <= 0 or (w == info.output_width and h == info.output_height):
            return 0
        view = packet._frame.resize(w, h, self._crop_arg())
        packet._resized = view
        packet.ext_buf = list(packet.ext_buf) + [view]
        packet.frame_adrs_resized = view.ptr
        bpp = info.bytes_per_pixel
        self._resized_info = OutputSurfaceInfo(
            output_width=w, output_height=h, output_pitch=view.strides[0], output_vstride=h, bytes_per_pixel=bpp,
            bit_depth=info.bit_depth, num_chroma_planes=info.num_chroma_planes,
            output_surface_size_in_bytes=view.shape[0] * view.strides[0], surface_format=info.surface_format,
            mem_type=MemType.OUT_SURFACE_MEM_DEV_COPIED if view.device == "cuda" else MemType.OUT_SURFACE_MEM_HOST_COPIED)
        return view.ptr

    def GetResizedOutputSurfaceInfo(self):
        """OutputSurfaceInfo of the last ResizeFrame output (None before one)."""
        return self._resized_info

    def ReleaseFrame(self, packet):
        """Gives the packet's frame back: the packet drops its views (arrays taken from them
        keep the frame alive until they are gone)."""
        if isinstance(packet, PyPacketData):
            packet._clear_output()

    # -- facts of the current output
    def _dims(self):
        s = self._surface
        if s is None:
            return None
        if self._crop:
            left, top, right, bottom = self._crop
            return min(right, s["width"]) - left, min(bottom, s["height"]) - top
        return s["width"], s["height"]

    def GetWidth(self) -> int:
        """Width of the output frames (after crop_rect); 0 before the first frame."""
        d = self._dims()
        return d[0] if d else 0

    def GetHeight(self) -> int:
        """Height of the output frames (after crop_rect); 0 before the first frame."""
        d = self._dims()
        return d[1] if d else 0

    def GetStride(self) -> int:
        """Bytes between rows of the output surface (ext_buf[0] of GetFrameYuv); 0 before the first frame."""
        s = self._surface
        if s is None:
            return 0
        if self._crop:
            return self._yuv_cols() * s["bytes_per_sample"]
        return s["pitch"][0]

    def _yuv_cols(self):
        w = self.GetWidth()
        s = self._surface
        return 2 * ((w + 1) // 2) if s["format"] in (SurfaceFormat.NV12, SurfaceFormat.P016) else w

    def _chroma_rows(self):
        h = self.GetHeight()
        return (h + 1) // 2 if self._surface["format"] in (SurfaceFormat.NV12, SurfaceFormat.P016) else h

    def GetFrameSize(self) -> int:
        """Bytes of one output frame without row padding (width x (height + chroma rows) x bytes per sample)."""
        s = self._surface
        if s is None:
            return 0
        nchroma = 1 if s["format"] in (SurfaceFormat.NV12, SurfaceFormat.P016) else 2
        return self.GetWidth() * (self.GetHeight() + nchroma * self._chroma_rows()) * s["bytes_per_sample"]

    def GetBitDepth(self) -> int:
        """Bit depth of the decoded stream (0 before the first frame)."""
        return self._surface["bit_depth"] if self._surface else 0

    def GetOutputSurfaceInfo(self) -> OutputSurfaceInfo:
        """OutputSurfaceInfo of the current output; raises pixcodec.Error before the first frame."""
        s = self._surface
        if s is None:
            raise _error("INVALID_ARGUMENT", "GetOutputSurfaceInfo: no frame has been decoded yet")
        fmt = SurfaceFormat(s["format"])
        nchroma = 1 if fmt in (SurfaceFormat.NV12, SurfaceFormat.P016) else 2
        pitch = self.GetStride()
        h = self.GetHeight()
        vstride = h if self._crop else s["plane_height"][0]
        return OutputSurfaceInfo(output_width=self.GetWidth(), output_height=h, output_pitch=pitch,
                                 output_vstride=vstride, bytes_per_pixel=s["bytes_per_sample"],
                                 bit_depth=s["bit_depth"], num_chroma_planes=nchroma,
                                 output_surface_size_in_bytes=pitch * (vstride + nchroma * self._chroma_rows()),
                                 surface_format=fmt, mem_type=self._mem_type)

    def GetNumOfFlushedFrames(self) -> int:
        """Frames the decoder flushed by itself at a reconfiguration (a resolution change):
        always 0, since pixcodec hands every frame out at its own size instead."""
        return 0

    def SetReconfigParams(self, flush_mode, out_file_name):
        """What to do with pending frames when the resolution changes mid-stream (flush_mode
        0 drop, 1 write to out_file_name). pixcodec never flushes at a change (frames simply
        come out at the new size), so the setting is kept and has no effect."""
        self._reconfig = (_int_arg("flush_mode", flush_mode), str(out_file_name or ""))

    def IsCodecSupported(self, device_id, codec_id, bit_depth) -> bool:
        """Whether this decoder's backend can decode codec_id at bit_depth (on device_id for the GPU)."""
        backend = {"cpu": 1, "gpu": 2}.get(self._dec.backend, 0)
        return _pixcodec.video_codec_supported(int(GetRocDecCodecID(codec_id)), _int_arg("bit_depth", bit_depth),
                                               backend, _int_arg("device_id", device_id))

    @property
    def backend(self) -> str:
        """'cpu' or 'gpu': where this decoder runs."""
        return self._dec.backend

    # -- files
    def _resolve_frame(self, frame):
        """The array behind a frame_adrs / frame_adrs_rgb / frame_adrs_resized address or an array object."""
        if not isinstance(frame, int) or isinstance(frame, bool):
            return frame
        if frame == 0:
            raise ValueError("SaveFrameToFile: frame address 0 (no frame is mapped)")
        raise ValueError(f"SaveFrameToFile: {frame:#x} is not the address of a frame this decoder handed out")

    def SaveFrameToFile(self, output_file_path, frame_adrs, surface_info=0,
                        output_format=OutputFormatEnum.native):
        """Appends a frame to a raw file (the first call for a path truncates it): native
        surfaces as planar Y then chroma rows without padding, RGB formats as packed rows.
        frame_adrs: packet.frame_adrs, frame_adrs_rgb or frame_adrs_resized (an address this
        decoder handed out with the frame still held by a packet), or an array from ext_buf."""
        arr = self._lookup(frame_adrs)
        fmt = GetOutputFormat(output_format)
        if isinstance(arr, Image) or fmt != OutputFormatEnum.native:
            rows = _rows_of(arr)
        else:
            info = surface_info if isinstance(surface_info, OutputSurfaceInfo) else None
            rows = _surface_rows(arr, info or self.GetOutputSurfaceInfo())
        path = _os.fspath(output_file_path)
        mode = "ab" if path in self._saved else "wb"
        with open(path, mode) as f:
            for r in rows:
                f.write(r)
        self._saved.add(path)

    def _lookup(self, frame_adrs):
        if not isinstance(frame_adrs, int) or isinstance(frame_adrs, bool):
            return frame_adrs
        for p in list(self._packets):
            for arr in list(p.ext_buf) + [p._rgb, p._resized]:
                if arr is not None and _address(arr) == frame_adrs:
                    if p._separate and arr is p.ext_buf[0]:
                        return p._frame.yuv(self._crop_arg())  # the whole surface, not just its Y plane
                    return arr
        return self._resolve_frame(frame_adrs)


def _address(arr):
    if isinstance(arr, ArrayView):
        return arr.ptr
    return arr.__array_interface__["data"][0]


def _rows_of(arr):
    """Rows of a host 2-D or HWC array as bytes, without padding."""
    iface = arr.__array_interface__
    shape, strides, ptr = iface["shape"], iface["strides"], iface["data"][0]
    row = strides[-1] * _math.prod(shape[1:]) if len(shape) > 1 else strides[0] * shape[0]
    return [_ctypes.string_at(ptr + y * strides[0], row) for y in range(shape[0])]


def _surface_rows(view, info):
    """Planar rows of a surface view: luma rows then chroma rows, output_width samples each
    (interleaved 4:2:0 chroma: 2 * ceil(width / 2) samples)."""
    iface = view.__array_interface__
    stride, ptr = iface["strides"][0], iface["data"][0]
    es = info.bytes_per_pixel
    w, h = info.output_width, info.output_height
    sub = info.surface_format in (SurfaceFormat.NV12, SurfaceFormat.P016)
    ch = (h + 1) // 2 if sub else h
    cw = 2 * ((w + 1) // 2) if sub else w
    rows = [_ctypes.string_at(ptr + y * stride, w * es) for y in range(h)]
    for p in range(info.num_chroma_planes):
        base = h + p * ch
        rows += [_ctypes.string_at(ptr + (base + y) * stride, cw * es) for y in range(ch)]
    return rows


# ----------------------------------------------------------------------------------------- VideoReader

_READER_FORMATS = {"rgb": OutputFormatEnum.rgb, "bgr": OutputFormatEnum.bgr, "rgba": OutputFormatEnum.rgba,
                   "bgra": OutputFormatEnum.bgra, "rgb48": OutputFormatEnum.rgb48, "bgr48": OutputFormatEnum.bgr48,
                   "rgba64": OutputFormatEnum.rgba64, "bgra64": OutputFormatEnum.bgra64,
                   "yuv": OutputFormatEnum.native, "native": OutputFormatEnum.native}
_MATRIX_NAMES = {0: "rgb", 1: "bt709", 2: "unspecified", 4: "fcc", 5: "bt470bg", 6: "smpte170m", 7: "smpte240m",
                 9: "bt2020nc", 10: "bt2020c"}
_MATRIX_ARGS = {"bt601": 6, "bt470bg": 5, "smpte170m": 6, "bt709": 1, "bt2020": 9, "bt2020nc": 9}


def _device_backend(device):
    if not isinstance(device, str):
        raise TypeError(f"device must be a str ('cpu', 'cuda', 'cuda:N' or 'auto'), got {type(device).__name__}")
    if device == "cpu":
        return "cpu", 0
    if device == "auto":
        return "auto", 0
    if device == "cuda" or device == "gpu":
        return "gpu", 0
    if device.startswith("cuda:") and device[5:].isdigit():
        return "gpu", int(device[5:])
    raise ValueError(f"device must be 'cpu', 'cuda', 'cuda:N' or 'auto', got {device!r}")


class VideoReader:
    """Frames of a video by number or time.

    VideoReader(source, device='cpu', output='rgb', *, crop=None, size=None, matrix=None,
                full_range=None, accurate=False, num_threads=0)

    source: a path, bytes-like data or a binary file object. device: 'cpu', 'cuda' /
    'cuda:N' (the GPU decoder) or 'auto'. output: 'rgb', 'bgr', 'rgba', 'bgra' (uint8 HWC),
    'rgb48', 'bgr48', 'rgba64', 'bgra64' (uint16 HWC), or 'yuv' (the decoded surface as one
    2-D array, planes one under the other). crop: (left, top, right, bottom); size:
    (width, height) of the output; matrix: 'bt601', 'bt709' or 'bt2020' to override the
    stream's; full_range: True / False to override its range; accurate: full chroma
    interpolation and accurate rounding instead of libswscale's fast paths.

    len(reader), reader[i] (negative i from the end), reader[a:b:c], iteration,
    get_frames_at(indices), get_frames_played_at(seconds) and metadata. Frames are numpy
    arrays (when numpy is importable, else pixcodec.Image / ArrayView objects) that view the
    converted pixels without copies. Frames are decoded in file order: close targets by
    decoding on, far ones (a key frame in between) by an exact seek; on the CPU, groups of
    targets that share no decoding are decoded at once by up to one reader per core.
    """

    def __init__(self, source, device="cpu", output="rgb", *, crop=None, size=None, matrix=None,
                 full_range=None, accurate=False, num_threads=0):
        """See the class docstring."""
        backend, device_id = _device_backend(device)
        if output not in _READER_FORMATS:
            raise ValueError(f"output must be one of {sorted(_READER_FORMATS)}, got {output!r}")
        self._format = _READER_FORMATS[output]
        if size is not None:
            size = tuple(_int_arg("size", v) for v in size)
            if len(size) != 2 or min(size) <= 0:
                raise ValueError(f"size must be (width, height) with positive values, got {size!r}")
        self._size = size
        if matrix is not None and matrix not in _MATRIX_ARGS:
            raise ValueError(f"matrix must be one of {sorted(_MATRIX_ARGS)} or None, got {matrix!r}")
        self._matrix = -1 if matrix is None else _MATRIX_ARGS[matrix]
        self._full_range = -1 if full_range is None else int(bool(full_range))
        self._accurate = bool(accurate)
        self._crop = None if crop is None else tuple(_int_arg("crop", v) for v in crop)
        if self._crop is not None and len(self._crop) != 4:
            raise ValueError(f"crop must be (left, top, right, bottom), got {crop!r}")
        self._demuxer = demuxer(source)
        info = self._demuxer._info
        self._info = info
        codec = self._demuxer.GetCodecId()
        if codec == VideoCodec.UNKNOWN:
            raise _error("UNSUPPORTED_FEATURE", f"the video stream's codec ({info['codec_name']}) is not decodable")
        self._num_threads = _int_arg("num_threads", num_threads)
        self._dec = _pixcodec._VideoDecoder(self._demuxer._dmx, codec=int(codec), backend=_BACKENDS[backend],
                                            device_id=device_id, num_threads=self._num_threads)
        self._helpers = []           # further readers for decoding independent runs at once
        self._num_frames = info["num_frames"]
        self._pts = None             # pts of each frame, presentation order
        self._pts_index = None       # pts -> frame number
        self._pos = 0                # number of the next frame sequential decoding gives (None: unknown)
        self._eof = False
        self._skip = _NOPTS  # frames before this pts are neither decoded for output nor returned
        try:
            import numpy
            self._np = numpy
        except ImportError:
            self._np = None

    # -- metadata
    @property
    def metadata(self) -> dict:
        """codec, width, height, fps, duration (seconds), num_frames, bit_depth, chroma, color
        (matrix, primaries, transfer, full_range, matrix_name), rotation (clockwise degrees),
        container, time_base, start_time (seconds), backend."""
        i = self._info
        num, den = i["time_base"]
        color = dict(i["color"])
        color["matrix_name"] = _MATRIX_NAMES.get(color["matrix"], str(color["matrix"]))
        return {"codec": i["codec_name"], "width": i["width"], "height": i["height"], "fps": i["frame_rate"],
                "duration": i["duration"], "num_frames": i["num_frames"], "bit_depth": i["bit_depth"],
                "chroma": ("4:0:0", "4:2:0", "4:2:2", "4:4:4")[i["chroma"]] if 0 <= i["chroma"] <= 3 else "?",
                "color": color, "rotation": i["rotation"], "container": i["container"], "time_base": (num, den),
                "start_time": i["start_pts"] * num / den if i["start_pts"] != _NOPTS else 0.0,
                "backend": self._dec.backend}

    @property
    def backend(self) -> str:
        """'cpu' or 'gpu'."""
        return self._dec.backend

    def __len__(self):
        return self._num_frames

    def __repr__(self):
        i = self._info
        return (f"<pixcodec.video.VideoReader {i['codec_name']} {i['width']}x{i['height']} "
                f"{self._num_frames} frames on {self._dec.backend}>")

    # -- frames
    def _output(self, frame):
        if self._format == OutputFormatEnum.native:
            arr = frame.yuv(self._crop) if self._crop else frame.yuv()
        else:
            w, h = self._size or (0, 0)
            arr = frame.convert(int(self._format), self._crop or (0, 0, 0, 0), w, h, 0, self._matrix,
                                self._full_range, self._accurate)
        if self._np is not None and not (isinstance(arr, Image) and arr.buffer_kind == 1):
            return self._np.asarray(arr)
        return arr

    def _index(self):
        """Builds the frame index (pts of each frame, key frames) on first random access."""
        if self._pts is not None:
            return
        pts = [self._demuxer._dmx.frame_pts(n) for n in range(self._num_frames)]
        self._pts = pts
        self._pts_index = {p: n for n, p in enumerate(pts)}

    def _key_at_or_before(self, n):
        """The key frame an exact seek to frame n starts decoding from (the demuxer's index)."""
        return self._demuxer._dmx.seek_start(n)[0]

    def _receive(self):
        """The next frame in presentation order, or None at the end."""
        while True:
            r = self._dec.receive()
            if not isinstance(r, int):
                return r
            if r == _pixcodec.END_OF_STREAM:
                return None
            if self._eof:
                return None
            data, pts, dts, dur, flags, skip = self._demuxer._dmx.read()
            if not data:
                self._eof = True
                self._dec.send(None)
            else:
                if self._skip != _NOPTS:
                    skip, self._skip = self._skip, _NOPTS
                self._dec.send(data, pts, dts, dur, flags, skip)

    def _seek(self, n):
        self._demuxer._dmx.seek(n, int(SeekCriteria.SEEK_CRITERIA_FRAME_NUM), int(SeekMode.SEEK_MODE_EXACT_FRAME))
        if self._eof:
            self._dec.flush()
        self._eof = False
        self._skip = _NOPTS
        self._pos = n

    def _decode_sorted(self, targets):
        """Yields (n, frame) for ascending unique frame numbers, decoding in file order."""
        self._index()
        for t in targets:
            if self._pos is None or t < self._pos or self._key_at_or_before(t) > self._pos:
                self._seek(t)
            elif t > self._pos:
                # going on forward: the decoder drops the frames before t, and does not decode
                # those among them that no other picture refers to
                self._skip = self._pts[t]
            while True:
                f = self._receive()
                if f is None:
                    self._pos = None
                    raise _error("CORRUPT_DATA", f"frame {t} could not be decoded (the stream ended before it)")
                p = f.info()["pts"]
                n = self._pts_index.get(p)
                if n is None:
                    self._pos = None
                    raise _error("INTERNAL", f"decoded a frame with pts {p}, which the demuxer's index lacks")
                self._pos = n + 1
                if n == t:
                    yield n, f
                    break
                if n > t:
                    self._pos = None
                    raise _error("CORRUPT_DATA", f"frame {t} was not returned by the decoder (got frame {n})")

    def _check_index(self, i):
        n = _int_arg("index", i)
        if n < 0:
            n += self._num_frames
        if not 0 <= n < self._num_frames:
            raise IndexError(f"frame {i} is out of range (the video has {self._num_frames} frames)")
        return n

    def get_frames_at(self, indices) -> list:
        """Frames at these numbers (any order, repeats allowed; negative from the end),
        returned in the order asked. Decoded in file order with as few seeks as possible."""
        wanted = [self._check_index(i) for i in indices]
        targets = sorted(set(wanted))
        got = {}
        runs = self._independent_runs(targets)
        workers = min(len(runs), _usable_cores()) if self._dec.backend == "cpu" else 1
        if workers > 1:
            self._decode_runs_parallel(runs, workers, got)
        else:
            for n, f in self._decode_sorted(targets):
                got[n] = self._output(f)
        return [got[n] for n in wanted]

    def _independent_runs(self, targets):
        """Splits ascending targets where decoding the next one needs nothing decoded for the
        ones before (its exact seek starts at a key frame after the previous target)."""
        self._index()
        runs = []
        for t in targets:
            if runs and self._key_at_or_before(t) <= runs[-1][-1]:
                runs[-1].append(t)
            else:
                runs.append([t])
        return runs

    # what a helper reader shares with the reader that made it
    _SETTINGS = ("_format", "_size", "_matrix", "_full_range", "_accurate", "_crop", "_info", "_num_frames",
                 "_num_threads", "_pts", "_pts_index", "_np")

    def _helper_readers(self, count):
        """count further readers of the same source and settings (kept for later calls)."""
        while len(self._helpers) < count:
            h = object.__new__(VideoReader)
            for a in self._SETTINGS:
                setattr(h, a, getattr(self, a))
            h._helpers = []
            h._demuxer = demuxer(self._demuxer._source)
            h._dec = _pixcodec._VideoDecoder(h._demuxer._dmx, codec=int(self._demuxer.GetCodecId()),
                                             backend=_BACKENDS["cpu"], device_id=0, num_threads=self._num_threads)
            h._pos, h._eof, h._skip = 0, False, _NOPTS
            self._helpers.append(h)
        return self._helpers[:count]

    def _decode_runs_parallel(self, runs, workers, got):
        """Decodes independent runs of targets on several readers at once, the longest runs
        first. Each run's decoder keeps its frame threads: while several runs go on they share
        the cores, and the last one uses them alone."""
        import threading
        readers = [self] + self._helper_readers(workers - 1)
        cost = lambda r: r[-1] - self._key_at_or_before(r[0])  # noqa: E731
        queue = sorted(range(len(runs)), key=lambda i: -cost(runs[i]))
        lock = threading.Lock()
        errors = {}

        def work(reader):
            while True:
                with lock:
                    if not queue or errors:
                        return
                    i = queue.pop(0)
                try:
                    for n, f in reader._decode_sorted(runs[i]):
                        out = reader._output(f)
                        with lock:
                            got[n] = out
                except BaseException as e:  # re-raised below, the earliest run's first
                    reader._pos = None
                    with lock:
                        errors[i] = e
                    return

        threads = [threading.Thread(target=work, args=(r,), daemon=True) for r in readers[1:]]
        for t in threads:
            t.start()
        work(self)
        for t in threads:
            t.join()
        if errors:
            raise errors[min(errors)]

    def get_frame_at(self, index):
        """The frame at this number."""
        return self.get_frames_at([index])[0]

    def _seconds_to_frame(self, seconds):
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise TypeError(f"a time must be a number of seconds, got {type(seconds).__name__}")
        pts = self._demuxer._seconds_to_pts(seconds)
        self._index()
        if not self._pts or pts < self._pts[0]:
            raise IndexError(f"no frame is presented at {seconds} s (the first one is at "
                             f"{self._pts_seconds(self._pts[0]) if self._pts else 'none'} s)")
        fps = self._info["frame_rate"]
        end = self._pts_seconds(self._pts[-1]) + (1.0 / fps if fps > 0 else 0.0)
        if fps > 0 and seconds >= end:
            raise IndexError(f"no frame is presented at {seconds} s (the video ends at {end:.6f} s)")
        return self._demuxer._dmx.frame_at(pts)

    def _pts_seconds(self, pts):
        num, den = self._info["time_base"]
        return pts * num / den

    def get_frames_played_at(self, seconds) -> list:
        """Frames presented at these times (seconds on the stream's timeline), in the order asked."""
        return self.get_frames_at([self._seconds_to_frame(s) for s in seconds])

    def get_frame_played_at(self, seconds):
        """The frame presented at this time."""
        return self.get_frames_played_at([seconds])[0]

    def frame_pts(self, index) -> float:
        """Presentation time of a frame in seconds."""
        self._index()
        return self._pts_seconds(self._pts[self._check_index(index)])

    def __getitem__(self, key):
        if isinstance(key, slice):
            return self.get_frames_at(range(*key.indices(self._num_frames)))
        return self.get_frames_at([key])[0]

    def __iter__(self):
        """Every frame in order, decoding sequentially from the first."""
        if self._pos != 0:
            self._seek(0)
        while True:
            f = self._receive()
            if f is None:
                self._pos = None
                return
            self._pos = None if self._pts_index is None else self._pts_index.get(f.info()["pts"], -2) + 1
            yield self._output(f)
