"""pixcodec: decode and encode images on all CPU cores (and GPUs where there are).

The image API follows the nvImageCodec Python API, so code written for it runs
with ``import pixcodec as nvimgcodecs``. Images are numpy-compatible without
copies (buffer protocol, ``__array_interface__``, DLPack). See docs/PYTHON.md.
"""
import enum as _enum
import os as _os
import warnings as _warnings

from . import _pixcodec
from ._pixcodec import Error, Image

__version__ = "0.1.0"
library_version = _pixcodec.library_version
gpu_device_count = _pixcodec.gpu_device_count
gpu_unavailable_reason = _pixcodec.gpu_unavailable_reason

__all__ = [
    "Backend", "BackendKind", "BackendParams", "ChromaSubsampling", "DecodeParams", "Decoder",
    "DecodeWarning", "EncodeParams", "Encoder", "EncodeWarning", "Error", "Image", "ImageBufferKind",
    "Jpeg2kBitstreamType", "Jpeg2kProgOrder", "MctMode", "as_image", "gpu_device_count",
    "gpu_unavailable_reason",
]


class BackendKind(_enum.IntEnum):
    """Backend kind for decoding or encoding."""
    CPU_ONLY = 1
    GPU_ONLY = 2
    HYBRID_CPU_GPU = 3
    HW_GPU_ONLY = 4


class ChromaSubsampling(_enum.IntEnum):
    """Chroma subsampling."""
    CSS_444 = 0
    CSS_422 = 1
    CSS_420 = 2
    CSS_440 = 3
    CSS_411 = 4
    CSS_410 = 5
    CSS_GRAY = 6
    CSS_410V = 7


class MctMode(_enum.IntEnum):
    """Multi-Color transform mode."""
    YCC = 0
    RGB = 1


class Jpeg2kBitstreamType(_enum.IntEnum):
    """Jpeg2000 bitstream type."""
    J2K = 0
    JP2 = 1


class Jpeg2kProgOrder(_enum.IntEnum):
    """Jpeg2000 progression order."""
    LRCP = 0
    RLCP = 1
    RPCL = 2
    PCRL = 3
    CPRL = 4


class ImageBufferKind(_enum.IntEnum):
    """Where an image's pixels live."""
    STRIDED_DEVICE = 1
    STRIDED_HOST = 2


# module-level names for the enum members, as the reference library exports them
CPU_ONLY, GPU_ONLY, HYBRID_CPU_GPU, HW_GPU_ONLY = tuple(BackendKind)
CSS_444, CSS_422, CSS_420, CSS_440, CSS_411, CSS_410, CSS_GRAY, CSS_410V = tuple(ChromaSubsampling)
YCC, RGB = tuple(MctMode)
J2K, JP2 = tuple(Jpeg2kBitstreamType)
LRCP, RLCP, RPCL, PCRL, CPRL = tuple(Jpeg2kProgOrder)
STRIDED_DEVICE, STRIDED_HOST = tuple(ImageBufferKind)


class DecodeWarning(UserWarning):
    """A sample of a batch decode failed; its place in the result is None."""


class EncodeWarning(UserWarning):
    """A sample of a batch encode or write failed; its place in the result is None."""


def _check_hint(load_hint):
    hint = float(load_hint)
    if not 0.0 <= hint <= 1.0:
        raise ValueError(f"load_hint must be within [0, 1], got {load_hint!r}")
    return hint


class BackendParams:
    """Backend parameters.

    BackendParams(load_hint=1.0): load_hint is the fraction of the batch samples
    that will be picked by this backend; the remaining samples will be picked by
    the next lower priority backend.
    """

    def __init__(self, load_hint: float = 1.0):
        """BackendParams(load_hint=1.0): load_hint within [0, 1]."""
        self.load_hint = _check_hint(load_hint)

    def __repr__(self):
        return f"BackendParams(load_hint={self.load_hint})"


class Backend:
    """Backend for decoding or encoding.

    Backend() -> GPU_ONLY with load_hint 1.0
    Backend(backend_kind, load_hint=1.0)
    Backend(backend_kind, backend_params)
    """

    def __init__(self, backend_kind: BackendKind = BackendKind.GPU_ONLY, load_hint=1.0, *,
                 backend_params: "BackendParams | None" = None):
        """Backend(), Backend(backend_kind, load_hint=1.0) or Backend(backend_kind, backend_params)."""
        self.backend_kind = BackendKind(backend_kind)
        if isinstance(load_hint, BackendParams):
            backend_params = load_hint
        if backend_params is None:
            backend_params = BackendParams(load_hint)
        if not isinstance(backend_params, BackendParams):
            raise TypeError(f"backend_params must be a BackendParams, got {type(backend_params).__name__}")
        self.backend_params = backend_params

    @property
    def load_hint(self) -> float:
        """Fraction of the batch samples that will be picked by this backend."""
        return self.backend_params.load_hint

    @load_hint.setter
    def load_hint(self, value: float):
        self.backend_params.load_hint = _check_hint(value)

    def __repr__(self):
        return f"Backend({self.backend_kind!r}, load_hint={self.load_hint})"


class DecodeParams:
    """Decode parameters.

    DecodeParams(apply_exif_orientation=True, enable_color_conversion=True, *, allow_any_depth=False,
                 image_index=0)

    enable_color_conversion: convert to RGB (True) or return the file's own channels
    (gray, gray+alpha, RGB, RGBA, YCbCr, CMYK). allow_any_depth: keep sources deeper than
    8 bits as uint16 instead of reducing them to uint8. image_index: which page or frame of
    a multi-image file to decode.
    """

    def __init__(self, apply_exif_orientation: bool = True, enable_color_conversion: bool = True, *,
                 allow_any_depth: bool = False, image_index: int = 0):
        """DecodeParams(apply_exif_orientation=True, enable_color_conversion=True, *, allow_any_depth=False,
        image_index=0)."""
        self.apply_exif_orientation = bool(apply_exif_orientation)
        self.enable_color_conversion = bool(enable_color_conversion)
        self.allow_any_depth = bool(allow_any_depth)
        if int(image_index) < 0:
            raise ValueError(f"image_index must be >= 0, got {image_index!r}")
        self.image_index = int(image_index)

    def __repr__(self):
        return (f"DecodeParams(apply_exif_orientation={self.apply_exif_orientation}, "
                f"enable_color_conversion={self.enable_color_conversion}, "
                f"allow_any_depth={self.allow_any_depth}, image_index={self.image_index})")


class EncodeParams:
    """Encode parameters (every argument is also an attribute).

    quality (0-100, default 95), target_psnr (default 50), mct_mode (MctMode.RGB),
    chroma_subsampling (CSS_444), jpeg_progressive (False), jpeg_optimized_huffman (False),
    jpeg2k_reversible (False), jpeg2k_code_block_size ((64, 64)), jpeg2k_num_resolutions (5),
    jpeg2k_bitstream_type (JP2), jpeg2k_prog_order (RPCL).
    """

    def __init__(self, quality: float = 95, target_psnr: float = 50, mct_mode: MctMode = MctMode.RGB,
                 chroma_subsampling: ChromaSubsampling = ChromaSubsampling.CSS_444,
                 jpeg_progressive: bool = False, jpeg_optimized_huffman: bool = False,
                 jpeg2k_reversible: bool = False, jpeg2k_code_block_size=(64, 64),
                 jpeg2k_num_resolutions: int = 5,
                 jpeg2k_bitstream_type: Jpeg2kBitstreamType = Jpeg2kBitstreamType.JP2,
                 jpeg2k_prog_order: Jpeg2kProgOrder = Jpeg2kProgOrder.RPCL):
        """EncodeParams(quality=95, target_psnr=50, mct_mode=MctMode.RGB, chroma_subsampling=CSS_444, ...):
        every field of the class docstring, as keywords or in that order."""
        self.quality = quality
        self.target_psnr = target_psnr
        self.mct_mode = mct_mode
        self.chroma_subsampling = chroma_subsampling
        self.jpeg_progressive = jpeg_progressive
        self.jpeg_optimized_huffman = jpeg_optimized_huffman
        self.jpeg2k_reversible = jpeg2k_reversible
        self.jpeg2k_code_block_size = jpeg2k_code_block_size
        self.jpeg2k_num_resolutions = jpeg2k_num_resolutions
        self.jpeg2k_bitstream_type = jpeg2k_bitstream_type
        self.jpeg2k_prog_order = jpeg2k_prog_order

    def _as_tuple(self):
        q = float(self.quality)
        if not 0.0 <= q <= 100.0:
            raise ValueError(f"quality must be within [0, 100], got {self.quality!r}")
        cb = tuple(int(v) for v in self.jpeg2k_code_block_size)
        if len(cb) != 2:
            raise ValueError(f"jpeg2k_code_block_size must be (width, height), got {self.jpeg2k_code_block_size!r}")
        return (q, float(self.target_psnr), int(MctMode(self.mct_mode)),
                int(ChromaSubsampling(self.chroma_subsampling)), int(bool(self.jpeg_progressive)),
                int(bool(self.jpeg_optimized_huffman)), int(bool(self.jpeg2k_reversible)), cb[0], cb[1],
                int(self.jpeg2k_num_resolutions), int(Jpeg2kBitstreamType(self.jpeg2k_bitstream_type)),
                int(Jpeg2kProgOrder(self.jpeg2k_prog_order)))

    def __repr__(self):
        fields = ", ".join(f"{k}={v!r}" for k, v in vars(self).items())
        return f"EncodeParams({fields})"


def _backend_list(backends, backend_kinds):
    """(kind, load_hint) pairs for the C layer, kinds numbered from 0."""
    if backends and backend_kinds:
        raise TypeError("give either backends or backend_kinds, not both")
    out = []
    for b in backends or ():
        if not isinstance(b, Backend):
            raise TypeError(f"backends must hold Backend objects, got {type(b).__name__}")
        out.append((int(b.backend_kind) - 1, b.load_hint))
    for k in backend_kinds or ():
        out.append((int(BackendKind(k)) - 1, 1.0))
    return out


def _is_sequence(x):
    return isinstance(x, (list, tuple))


def _warn_failures(failures, category, what):
    for index, _status, name, detail in failures:
        _warnings.warn(f"pixcodec: {what} of sample {index} failed: {name}: {detail}", category, stacklevel=3)


def _raise_first(failures):
    _index, status, name, detail = failures[0]
    err = Error(f"{name.lower().replace('_', ' ')}: {detail}")
    err.status, err.status_name, err.detail = status, name, detail
    raise err


_MISSING = object()


def _pick(name, value, alias, alias_value):
    """One argument given under its own name or under the seed's name for the list form."""
    if value is not _MISSING and alias_value is not _MISSING:
        raise TypeError(f"give {name} or {alias}, not both")
    if value is _MISSING and alias_value is _MISSING:
        raise TypeError(f"missing argument: {name}")
    return value if value is not _MISSING else alias_value


def _check_stream(cuda_stream):
    if not isinstance(cuda_stream, int):
        raise TypeError(f"cuda_stream must be an int (a cudaStream_t), got {type(cuda_stream).__name__}")


class Decoder:
    """Generic image decoder.

    Decoder(device_id=-1, backends=[], options=':fancy_upsampling=0')
    Decoder(device_id=-1, backend_kinds=[], options=':fancy_upsampling=0')

    device_id: device to decode on (-1: the current one). backends / backend_kinds: allowed
    backends in priority order (empty: all available). options: "[module]:key=value ...",
    e.g. "jpeg:fancy_upsampling=1". Batches run on all CPU cores; the GIL is released while
    decoding and one Decoder may be used from many threads at once.
    """

    def __init__(self, device_id: int = -1, backends=None, options: str = ":fancy_upsampling=0", *,
                 backend_kinds=None):
        """Decoder(device_id=-1, backends=[], options=':fancy_upsampling=0') or
        Decoder(device_id=-1, backend_kinds=[], options=...); raises pixcodec.Error when no
        allowed backend can run here or the options name an unknown module or key."""
        if isinstance(backends, (list, tuple)) and backends and not isinstance(backends[0], Backend) \
                and backend_kinds is None:
            backends, backend_kinds = None, backends  # the backend_kinds overload, given positionally
        self._dec = _pixcodec._Decoder(int(device_id), _backend_list(backends, backend_kinds), options)
        self.device_id = int(device_id)

    def _run(self, items, from_files, params, cuda_stream):
        if params is None:
            params = DecodeParams()
        elif not isinstance(params, DecodeParams):
            raise TypeError(f"params must be a DecodeParams, got {type(params).__name__}")
        _check_stream(cuda_stream)
        return self._dec.decode(items, from_files, params.apply_exif_orientation,
                                params.enable_color_conversion, getattr(params, "allow_any_depth", False),
                                getattr(params, "image_index", 0))

    def decode(self, data=_MISSING, params: "DecodeParams | None" = None, cuda_stream: int = 0, *,
               file_names=_MISSING):
        """decode(data, params=DecodeParams(), cuda_stream=0) -> Image or list of Image

        data: bytes, bytearray, memoryview or a uint8 array holding a code stream -> Image
        (raises pixcodec.Error if it cannot be decoded); or a list of them -> list of Image,
        decoded as one batch on all cores, with None where a sample failed (and a
        DecodeWarning naming its index and the reason). The list may also be passed as
        file_names=, the seed API's name for it.
        """
        data = _pick("data", data, "file_names", file_names)
        if _is_sequence(data):
            images, failures = self._run(list(data), False, params, cuda_stream)
            _warn_failures(failures, DecodeWarning, "decode")
            return images
        images, failures = self._run([data], False, params, cuda_stream)
        if failures:
            _raise_first(failures)
        return images[0]

    def read(self, file_name=_MISSING, params: "DecodeParams | None" = None, cuda_stream: int = 0, *,
             data_list=_MISSING):
        """read(file_name, params=DecodeParams(), cuda_stream=0) -> Image or list of Image

        file_name: a path (str, bytes or os.PathLike) -> Image; or a list of paths -> list of
        Image, read and decoded as one batch (None where a file failed, with a DecodeWarning).
        The list may also be passed as data_list=, the seed API's name for it.
        """
        file_name = _pick("file_name", file_name, "data_list", data_list)
        if _is_sequence(file_name):
            names = [_os.fspath(f) for f in file_name]
            images, failures = self._run(names, True, params, cuda_stream)
            _warn_failures(failures, DecodeWarning, "read")
            return images
        images, failures = self._run([_os.fspath(file_name)], True, params, cuda_stream)
        if failures:
            _raise_first(failures)
        return images[0]


def _resolve_codec(codec):
    if not isinstance(codec, str):
        raise TypeError(f"codec must be a str such as 'jpeg' or '.png', got {type(codec).__name__}")
    name = _pixcodec.codec_lookup(codec)
    if name is None:
        raise ValueError(f"unknown codec '{codec}': use a name such as 'jpeg', 'jpeg2k', 'png', 'tiff', "
                         f"'webp', 'bmp', 'pnm' or an extension with its period such as '.jpg'")
    return name


def _codec_for_file(file_name, codec):
    if codec:
        return _resolve_codec(codec)
    name = _pixcodec.codec_for_path(file_name)
    if name is None:
        ext = _os.path.splitext(_os.fsdecode(file_name))[1]
        return _resolve_codec(ext)
    return name


class Encoder:
    """Generic image encoder.

    Encoder(device_id=-1, backends=[], options='')
    Encoder(device_id=-1, backend_kinds=[], options='')

    Encodes Images (or anything as_image accepts, e.g. numpy arrays) to bytes or files;
    batches run on all CPU cores with the GIL released.
    """

    def __init__(self, device_id: int = -1, backends=None, options: str = "", *, backend_kinds=None):
        """Encoder(device_id=-1, backends=[], options='') or Encoder(device_id=-1, backend_kinds=[], options=...)."""
        if isinstance(backends, (list, tuple)) and backends and not isinstance(backends[0], Backend) \
                and backend_kinds is None:
            backends, backend_kinds = None, backends
        self._enc = _pixcodec._Encoder(int(device_id), _backend_list(backends, backend_kinds), options or None)
        self.device_id = int(device_id)

    def _encode(self, images, codec, params, cuda_stream):
        if params is None:
            params = EncodeParams()
        elif not isinstance(params, EncodeParams):
            raise TypeError(f"params must be an EncodeParams, got {type(params).__name__}")
        _check_stream(cuda_stream)
        wrapped = [as_image(i) for i in images]
        return self._enc.encode(wrapped, codec, params._as_tuple())

    def encode(self, image=_MISSING, codec: str = _MISSING, params: "EncodeParams | None" = None,
               cuda_stream: int = 0, *, images=_MISSING):
        """encode(image, codec, params=EncodeParams(), cuda_stream=0) -> bytes or list of bytes

        image: an Image (or an array as_image accepts) -> bytes; or a list -> list of bytes,
        encoded as one batch (None where a sample failed, with an EncodeWarning). codec: a name
        ('jpeg', 'jpeg2k', 'png', 'tiff', 'webp', 'bmp', 'pnm') or an extension with its period
        ('.jpg', '.jp2', '.tif', '.ppm').
        The list may also be passed as images=, the seed API's name for it.
        """
        image = _pick("image", image, "images", images)
        if codec is _MISSING:
            raise TypeError("missing argument: codec")
        name = _resolve_codec(codec)
        if _is_sequence(image):
            blobs, failures = self._encode(list(image), name, params, cuda_stream)
            _warn_failures(failures, EncodeWarning, "encode")
            return blobs
        blobs, failures = self._encode([image], name, params, cuda_stream)
        if failures:
            _raise_first(failures)
        return blobs[0]

    def write(self, file_name=_MISSING, image=_MISSING, codec: str = "", params: "EncodeParams | None" = None,
              cuda_stream: int = 0, *, file_names=_MISSING, images=_MISSING):
        """write(file_name, image, codec='', params=EncodeParams(), cuda_stream=0) -> None

        Encodes and writes atomically (temporary file + rename; no partial file is ever left).
        codec: deduced from the file extension when empty ('jpeg' when there is none).
        write(file_names, images, ...) writes a batch; a failed sample is skipped with an
        EncodeWarning and the others are written (file_names= and images= are accepted too).
        """
        file_name = _pick("file_name", file_name, "file_names", file_names)
        image = _pick("image", image, "images", images)
        single = not _is_sequence(file_name)
        names = [_os.fspath(file_name)] if single else [_os.fspath(f) for f in file_name]
        images = [image] if single else list(image)
        if len(names) != len(images):
            raise ValueError(f"write: {len(names)} file names for {len(images)} images")
        groups = {}
        for i, n in enumerate(names):
            groups.setdefault(_codec_for_file(n, codec), []).append(i)
        blobs = [None] * len(names)
        failures = []
        for name, idx in groups.items():
            out, fails = self._encode([images[i] for i in idx], name, params, cuda_stream)
            for j, blob in zip(idx, out):
                blobs[j] = blob
            failures += [(idx[f[0]],) + tuple(f[1:]) for f in fails]
        ok = [i for i, b in enumerate(blobs) if b is not None]
        write_fails = self._enc.write_files([names[i] for i in ok], [blobs[i] for i in ok])
        failures += [(ok[f[0]],) + tuple(f[1:]) for f in write_fails]
        failures.sort()
        if single:
            if failures:
                _raise_first(failures)
            return None
        _warn_failures(failures, EncodeWarning, "write")
        return None


def __getattr__(name):
    """pixcodec.video is imported on first use (``import pixcodec`` alone does not load it)."""
    if name == "video":
        import importlib
        return importlib.import_module(".video", __name__)
    raise AttributeError(f"module 'pixcodec' has no attribute {name!r}")


def as_image(source_buffer, cuda_stream: int = 0) -> Image:
    """as_image(source_buffer, cuda_stream=0) -> Image

    Wraps an external buffer as an Image without copying and ties the buffer's lifetime to
    the Image. Accepts objects with __cuda_array_interface__, the buffer protocol,
    __array_interface__ or __dlpack__; layout HWC (or HW for one channel), uint8 or uint16,
    pixels contiguous within each row.
    """
    _check_stream(cuda_stream)
    return _pixcodec.as_image(source_buffer, cuda_stream)
