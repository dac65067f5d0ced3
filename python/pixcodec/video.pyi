# Type stubs of pixcodec.video.
import enum
import os
from typing import Any, BinaryIO, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple, Union, overload

from . import Error as Error
from . import Image

_Source = Union[str, os.PathLike, bytes, bytearray, memoryview, BinaryIO]
_Array = Any  # numpy.ndarray when numpy is importable, else Image / ArrayView

class VideoCodec(enum.IntEnum):
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
    H264 = 3

class SurfaceFormat(enum.IntEnum):
    NV12 = 0
    P016 = 1
    YUV444 = 2
    YUV444_16Bit = 3

class OutputFormatEnum(enum.IntEnum):
    native = 0
    bgr = 1
    bgr48 = 2
    rgb = 3
    rgb48 = 4
    bgra = 5
    bgra64 = 6
    rgba = 7
    rgba64 = 8

class MemType(enum.IntEnum):
    OUT_SURFACE_MEM_DEV_INTERNAL = 0
    OUT_SURFACE_MEM_DEV_COPIED = 1
    OUT_SURFACE_MEM_HOST_COPIED = 2
    OUT_SURFACE_MEM_NOT_MAPPED = 3

class SeekMode(enum.IntEnum):
    SEEK_MODE_EXACT_FRAME = 0
    SEEK_MODE_PREV_KEY_FRAME = 1

class SeekCriteria(enum.IntEnum):
    SEEK_CRITERIA_FRAME_NUM = 0
    SEEK_CRITERIA_TIME_STAMP = 1

class PacketFlags(enum.IntFlag):
    ROCDEC_PKT_ENDOFSTREAM = 0x01
    ROCDEC_PKT_TIMESTAMP = 0x02
    ROCDEC_PKT_DISCONTINUITY = 0x04
    ROCDEC_PKT_ENDOFPICTURE = 0x08
    ROCDEC_PKT_NOTIFY_EOS = 0x10
    KEY_FRAME = 0x100

native: OutputFormatEnum
bgr: OutputFormatEnum
bgr48: OutputFormatEnum
rgb: OutputFormatEnum
rgb48: OutputFormatEnum
bgra: OutputFormatEnum
bgra64: OutputFormatEnum
rgba: OutputFormatEnum
rgba64: OutputFormatEnum
rocDecVideoSurfaceFormat_NV12: SurfaceFormat
rocDecVideoSurfaceFormat_P016: SurfaceFormat
rocDecVideoSurfaceFormat_YUV444: SurfaceFormat
rocDecVideoSurfaceFormat_YUV444_16Bit: SurfaceFormat
rocDecVideoCodec_MPEG1: VideoCodec
rocDecVideoCodec_MPEG2: VideoCodec
rocDecVideoCodec_MPEG4: VideoCodec
rocDecVideoCodec_AVC: VideoCodec
rocDecVideoCodec_HEVC: VideoCodec
rocDecVideoCodec_AV1: VideoCodec
rocDecVideoCodec_VP8: VideoCodec
rocDecVideoCodec_VP9: VideoCodec
rocDecVideoCodec_JPEG: VideoCodec
OUT_SURFACE_MEM_DEV_INTERNAL: MemType
OUT_SURFACE_MEM_DEV_COPIED: MemType
OUT_SURFACE_MEM_HOST_COPIED: MemType
OUT_SURFACE_MEM_NOT_MAPPED: MemType
SEEK_MODE_EXACT_FRAME: SeekMode
SEEK_MODE_PREV_KEY_FRAME: SeekMode
SEEK_CRITERIA_FRAME_NUM: SeekCriteria
SEEK_CRITERIA_TIME_STAMP: SeekCriteria
ROCDEC_PKT_ENDOFSTREAM: PacketFlags
ROCDEC_PKT_TIMESTAMP: PacketFlags
ROCDEC_PKT_DISCONTINUITY: PacketFlags
ROCDEC_PKT_ENDOFPICTURE: PacketFlags
ROCDEC_PKT_NOTIFY_EOS: PacketFlags

def GetRocDecCodecID(codec_id: Union[int, str]) -> VideoCodec: ...
def GetOutputFormat(rgb_format: int) -> OutputFormatEnum: ...
def GetRocPyDecPacket(pts: Optional[int], size: int, buffer: Any) -> PyPacketData: ...

class ArrayView:
    shape: Tuple[int, ...]
    strides: Tuple[int, ...]
    dtype: Any
    ndim: int
    ptr: int
    device: str
    __array_interface__: Dict[str, Any]
    __cuda_array_interface__: Dict[str, Any]
    def __dlpack__(self, stream: Any = None, *, max_version: Any = None, dl_device: Any = None,
                   copy: Optional[bool] = None) -> Any: ...
    def __dlpack_device__(self) -> Tuple[int, int]: ...

class OutputSurfaceInfo:
    output_width: int
    output_height: int
    output_pitch: int
    output_vstride: int
    bytes_per_pixel: int
    bit_depth: int
    num_chroma_planes: int
    output_surface_size_in_bytes: int
    surface_format: SurfaceFormat
    mem_type: MemType
    def __init__(self, **fields: int) -> None: ...

class PyPacketData:
    end_of_stream: bool
    pkt_flags: PacketFlags
    frame_pts: int
    frame_size: int
    frame_adrs: int
    bitstream_size: int
    bitstream_adrs: int
    frame_adrs_rgb: int
    frame_adrs_resized: int
    ext_buf: List[Union[ArrayView, Image]]
    pts: Optional[int]
    dts: Optional[int]
    duration: int
    key_frame: bool
    def __init__(self) -> None: ...
    @property
    def shape(self) -> Tuple[int, ...]: ...
    @property
    def strides(self) -> Tuple[int, ...]: ...
    @property
    def dtype(self) -> Any: ...
    @property
    def shapeY(self) -> Tuple[int, ...]: ...
    @property
    def shapeUV(self) -> Tuple[int, ...]: ...
    @property
    def shapeU(self) -> Tuple[int, ...]: ...
    @property
    def shapeV(self) -> Tuple[int, ...]: ...
    def __dlpack__(self, stream: Any = None, **kwargs: Any) -> Any: ...
    def __dlpack_device__(self) -> Tuple[int, int]: ...

class demuxer:
    def __init__(self, path_or_stream: _Source) -> None: ...
    def GetCodecId(self) -> VideoCodec: ...
    def GetBitDepth(self) -> int: ...
    def DemuxFrame(self) -> PyPacketData: ...
    def SeekFrame(self, frame_number: Union[int, float], seek_mode: int = ..., seek_criteria: int = ...) -> PyPacketData: ...
    @property
    def info(self) -> Dict[str, Any]: ...
    def GetNumFrames(self) -> int: ...
    def GetFrameRate(self) -> float: ...
    def GetTimeBase(self) -> Tuple[int, int]: ...
    def GetFramePts(self, frame_number: int) -> int: ...
    def GetFrameAt(self, pts: int) -> int: ...

class decoder:
    def __init__(self, codec: Union[int, str], device_id: int = 0, mem_type: int = 0,
                 b_force_zero_latency: bool = False, crop_rect: Optional[Sequence[int]] = None,
                 max_width: int = 0, max_height: int = 0, clk_rate: int = 1000, *, backend: str = "auto",
                 num_threads: int = 0, accurate: bool = False) -> None: ...
    def DecodeFrame(self, packet: PyPacketData) -> int: ...
    def GetFrameYuv(self, packet: PyPacketData, separate_planes: bool = False) -> int: ...
    def GetFrameRgb(self, packet: PyPacketData, rgb_format: int) -> int: ...
    def ResizeFrame(self, packet: PyPacketData, resize_dim: Sequence[int],
                    surface_info: Optional[OutputSurfaceInfo] = None) -> int: ...
    def GetResizedOutputSurfaceInfo(self) -> Optional[OutputSurfaceInfo]: ...
    def ReleaseFrame(self, packet: PyPacketData) -> None: ...
    def GetWidth(self) -> int: ...
    def GetHeight(self) -> int: ...
    def GetStride(self) -> int: ...
    def GetFrameSize(self) -> int: ...
    def GetBitDepth(self) -> int: ...
    def GetOutputSurfaceInfo(self) -> OutputSurfaceInfo: ...
    def GetNumOfFlushedFrames(self) -> int: ...
    def SetReconfigParams(self, flush_mode: int, out_file_name: str) -> None: ...
    def IsCodecSupported(self, device_id: int, codec_id: int, bit_depth: int) -> bool: ...
    def SaveFrameToFile(self, output_file_path: Union[str, os.PathLike], frame_adrs: Any,
                        surface_info: Any = 0, output_format: int = ...) -> None: ...
    @property
    def backend(self) -> str: ...

class VideoReader:
    def __init__(self, source: _Source, device: str = "cpu", output: str = "rgb", *,
                 crop: Optional[Sequence[int]] = None, size: Optional[Sequence[int]] = None,
                 matrix: Optional[str] = None, full_range: Optional[bool] = None, accurate: bool = False,
                 num_threads: int = 0) -> None: ...
    @property
    def metadata(self) -> Dict[str, Any]: ...
    @property
    def backend(self) -> str: ...
    def __len__(self) -> int: ...
    @overload
    def __getitem__(self, key: int) -> _Array: ...
    @overload
    def __getitem__(self, key: slice) -> List[_Array]: ...
    def __iter__(self) -> Iterator[_Array]: ...
    def get_frames_at(self, indices: Iterable[int]) -> List[_Array]: ...
    def get_frame_at(self, index: int) -> _Array: ...
    def get_frames_played_at(self, seconds: Iterable[float]) -> List[_Array]: ...
    def get_frame_played_at(self, seconds: float) -> _Array: ...
    def frame_pts(self, index: int) -> float: ...
