# Type stubs of the pixcodec package.
import enum
import os
from typing import Any, List, Optional, Sequence, Tuple, Union, overload

from . import video as video

__version__: str
library_version: str
def gpu_device_count() -> int: ...
def gpu_unavailable_reason() -> Optional[str]: ...

_Bytes = Union[bytes, bytearray, memoryview, Any]  # any object with the buffer protocol
_Path = Union[str, bytes, os.PathLike]

class Error(RuntimeError):
    status: int
    status_name: str
    detail: str

class DecodeWarning(UserWarning): ...
class EncodeWarning(UserWarning): ...

class BackendKind(enum.IntEnum):
    CPU_ONLY = 1
    GPU_ONLY = 2
    HYBRID_CPU_GPU = 3
    HW_GPU_ONLY = 4

class ChromaSubsampling(enum.IntEnum):
    CSS_444 = 0
    CSS_422 = 1
    CSS_420 = 2
    CSS_440 = 3
    CSS_411 = 4
    CSS_410 = 5
    CSS_GRAY = 6
    CSS_410V = 7

class MctMode(enum.IntEnum):
    YCC = 0
    RGB = 1

class Jpeg2kBitstreamType(enum.IntEnum):
    J2K = 0
    JP2 = 1

class Jpeg2kProgOrder(enum.IntEnum):
    LRCP = 0
    RLCP = 1
    RPCL = 2
    PCRL = 3
    CPRL = 4

class ImageBufferKind(enum.IntEnum):
    STRIDED_DEVICE = 1
    STRIDED_HOST = 2

CPU_ONLY: BackendKind
GPU_ONLY: BackendKind
HYBRID_CPU_GPU: BackendKind
HW_GPU_ONLY: BackendKind
CSS_444: ChromaSubsampling
CSS_422: ChromaSubsampling
CSS_420: ChromaSubsampling
CSS_440: ChromaSubsampling
CSS_411: ChromaSubsampling
CSS_410: ChromaSubsampling
CSS_GRAY: ChromaSubsampling
CSS_410V: ChromaSubsampling
YCC: MctMode
RGB: MctMode
J2K: Jpeg2kBitstreamType
JP2: Jpeg2kBitstreamType
LRCP: Jpeg2kProgOrder
RLCP: Jpeg2kProgOrder
RPCL: Jpeg2kProgOrder
PCRL: Jpeg2kProgOrder
CPRL: Jpeg2kProgOrder
STRIDED_DEVICE: ImageBufferKind
STRIDED_HOST: ImageBufferKind

class BackendParams:
    load_hint: float
    def __init__(self, load_hint: float = 1.0) -> None: ...

class Backend:
    backend_kind: BackendKind
    backend_params: BackendParams
    load_hint: float
    @overload
    def __init__(self) -> None: ...
    @overload
    def __init__(self, backend_kind: BackendKind, load_hint: float = 1.0) -> None: ...
    @overload
    def __init__(self, backend_kind: BackendKind, backend_params: BackendParams) -> None: ...

class DecodeParams:
    apply_exif_orientation: bool
    enable_color_conversion: bool
    allow_any_depth: bool
    image_index: int
    def __init__(self, apply_exif_orientation: bool = True, enable_color_conversion: bool = True, *,
                 allow_any_depth: bool = False, image_index: int = 0) -> None: ...

class EncodeParams:
    quality: float
    target_psnr: float
    mct_mode: MctMode
    chroma_subsampling: ChromaSubsampling
    jpeg_progressive: bool
    jpeg_optimized_huffman: bool
    jpeg2k_reversible: bool
    jpeg2k_code_block_size: Tuple[int, int]
    jpeg2k_num_resolutions: int
    jpeg2k_bitstream_type: Jpeg2kBitstreamType
    jpeg2k_prog_order: Jpeg2kProgOrder
    def __init__(self, quality: float = 95, target_psnr: float = 50, mct_mode: MctMode = ...,
                 chroma_subsampling: ChromaSubsampling = ..., jpeg_progressive: bool = False,
                 jpeg_optimized_huffman: bool = False, jpeg2k_reversible: bool = False,
                 jpeg2k_code_block_size: Tuple[int, int] = (64, 64), jpeg2k_num_resolutions: int = 5,
                 jpeg2k_bitstream_type: Jpeg2kBitstreamType = ...,
                 jpeg2k_prog_order: Jpeg2kProgOrder = ...) -> None: ...

class Image:
    @property
    def dtype(self) -> Any: ...
    @property
    def height(self) -> int: ...
    @property
    def width(self) -> int: ...
    @property
    def ndim(self) -> int: ...
    @property
    def shape(self) -> Tuple[int, int, int]: ...
    @property
    def strides(self) -> Tuple[int, int, int]: ...
    @property
    def precision(self) -> int: ...
    @property
    def buffer_kind(self) -> ImageBufferKind: ...
    @property
    def color_spec(self) -> str: ...
    @property
    def __array_interface__(self) -> dict: ...
    @property
    def __cuda_array_interface__(self) -> dict: ...
    def __array__(self, dtype: Any = None) -> Any: ...
    def __dlpack__(self, stream: Optional[int] = None) -> Any: ...
    def __dlpack_device__(self) -> Tuple[int, int]: ...
    def cpu(self) -> "Image": ...
    def cuda(self) -> "Image": ...

class Decoder:
    device_id: int
    @overload
    def __init__(self, device_id: int = -1, backends: Optional[List[Backend]] = None,
                 options: str = ":fancy_upsampling=0") -> None: ...
    @overload
    def __init__(self, device_id: int = -1, *, backend_kinds: Optional[List[BackendKind]] = None,
                 options: str = ":fancy_upsampling=0") -> None: ...
    @overload
    def decode(self, data: _Bytes, params: Optional[DecodeParams] = None, cuda_stream: int = 0) -> Image: ...
    @overload
    def decode(self, data: Sequence[_Bytes], params: Optional[DecodeParams] = None,
               cuda_stream: int = 0) -> List[Optional[Image]]: ...
    @overload
    def decode(self, *, file_names: Sequence[_Bytes], params: Optional[DecodeParams] = None,
               cuda_stream: int = 0) -> List[Optional[Image]]: ...
    @overload
    def read(self, file_name: _Path, params: Optional[DecodeParams] = None, cuda_stream: int = 0) -> Image: ...
    @overload
    def read(self, file_name: Sequence[_Path], params: Optional[DecodeParams] = None,
             cuda_stream: int = 0) -> List[Optional[Image]]: ...
    @overload
    def read(self, *, data_list: Sequence[_Path], params: Optional[DecodeParams] = None,
             cuda_stream: int = 0) -> List[Optional[Image]]: ...

class Encoder:
    device_id: int
    @overload
    def __init__(self, device_id: int = -1, backends: Optional[List[Backend]] = None, options: str = "") -> None: ...
    @overload
    def __init__(self, device_id: int = -1, *, backend_kinds: Optional[List[BackendKind]] = None,
                 options: str = "") -> None: ...
    @overload
    def encode(self, image: Any, codec: str, params: Optional[EncodeParams] = None, cuda_stream: int = 0) -> bytes: ...
    @overload
    def encode(self, image: Sequence[Any], codec: str, params: Optional[EncodeParams] = None,
               cuda_stream: int = 0) -> List[Optional[bytes]]: ...
    @overload
    def encode(self, *, images: Sequence[Any], codec: str, params: Optional[EncodeParams] = None,
               cuda_stream: int = 0) -> List[Optional[bytes]]: ...
    @overload
    def write(self, file_name: _Path, image: Any, codec: str = "", params: Optional[EncodeParams] = None,
              cuda_stream: int = 0) -> None: ...
    @overload
    def write(self, file_name: Sequence[_Path], image: Sequence[Any], codec: str = "",
              params: Optional[EncodeParams] = None, cuda_stream: int = 0) -> None: ...
    @overload
    def write(self, *, file_names: Sequence[_Path], images: Sequence[Any], codec: str = "",
              params: Optional[EncodeParams] = None, cuda_stream: int = 0) -> None: ...

def as_image(source_buffer: Any, cuda_stream: int = 0) -> Image: ...
