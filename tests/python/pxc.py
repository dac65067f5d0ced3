"""ctypes view of libpixcodec for the tests.

This is test scaffolding that calls the C API directly, so Python tests can
compare pixcodec's output with independent decoders (Pillow, djpeg). It is not
the pixcodec Python package.
"""
import ctypes as C
import os
import pathlib

import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
BUILD = pathlib.Path(os.environ.get("PXC_BUILD_DIR", ROOT / "build")).resolve()
LIB_PATH = os.environ.get("PXC_LIB", str(BUILD / "lib" / "libpixcodec.so"))
TOOL = os.environ.get("PXC_TOOL", str(BUILD / "bin" / "pixcodec"))
CORPUS = pathlib.Path(os.environ.get("PXC_CORPUS", ROOT.parent / "shared" / "corpus"))

lib = C.CDLL(LIB_PATH)

DETAIL_MAX = 256
CODEC_NAME_MAX = 16

COLOR = {"unknown": 0, "gray": 1, "gray_alpha": 2, "rgb": 3, "bgr": 4, "rgba": 5, "bgra": 6,
         "ycbcr": 7, "cmyk": 8, "ycck": 9, "palette": 10}
COLOR_NAME = {v: k for k, v in COLOR.items()}
CSS = {"444": 0, "422": 1, "420": 2, "440": 3, "411": 4, "410": 5, "gray": 6, "410v": 7, "unknown": 8}
CSS_NAME = {v: k for k, v in CSS.items()}
BACKEND = {"cpu": 0, "gpu": 1, "hybrid": 2, "hw": 3}
STATUS = {0: "OK", -1: "INVALID_ARGUMENT", -2: "OUT_OF_MEMORY", -3: "UNSUPPORTED_FORMAT",
          -4: "UNSUPPORTED_FEATURE", -5: "CORRUPT_DATA", -6: "TRUNCATED_DATA",
          -7: "LIMIT_EXCEEDED", -8: "BACKEND_UNAVAILABLE", -9: "IO", -10: "INVALID_OPTION",
          -11: "INTERNAL", -12: "EMPTY_INPUT", -13: "NOT_PROCESSED"}


class ContextSettings(C.Structure):
    _fields_ = [("struct_size", C.c_size_t), ("num_threads", C.c_int),
                ("max_pixels", C.c_uint64), ("max_bytes_per_image", C.c_uint64),
                ("log_callback", C.c_void_p), ("log_user_data", C.c_void_p),
                ("log_level", C.c_int), ("image_cache_bytes", C.c_uint64)]


class ImageInfo(C.Structure):
    _fields_ = [("struct_size", C.c_size_t), ("codec", C.c_char * CODEC_NAME_MAX),
                ("width", C.c_uint32), ("height", C.c_uint32), ("num_channels", C.c_uint32),
                ("sample_type", C.c_int), ("precision", C.c_uint32),
                ("chroma_subsampling", C.c_int), ("color_spec", C.c_int),
                ("orientation", C.c_int), ("num_images", C.c_uint32), ("progressive", C.c_int)]


class ImageDesc(C.Structure):
    _fields_ = [("struct_size", C.c_size_t), ("width", C.c_uint32), ("height", C.c_uint32),
                ("num_channels", C.c_uint32), ("sample_type", C.c_int), ("layout", C.c_int),
                ("color_spec", C.c_int), ("row_stride", C.c_size_t),
                ("plane_stride", C.c_size_t), ("buffer_kind", C.c_int), ("device_id", C.c_int),
                ("precision", C.c_uint32)]


class Backend(C.Structure):
    _fields_ = [("kind", C.c_int), ("load_hint", C.c_float)]


class CoderSettings(C.Structure):  # pxc_decoder_settings and pxc_encoder_settings
    _fields_ = [("struct_size", C.c_size_t), ("device_id", C.c_int),
                ("backends", C.POINTER(Backend)), ("num_backends", C.c_size_t),
                ("options", C.c_char_p)]


class DecodeParams(C.Structure):
    _fields_ = [("struct_size", C.c_size_t), ("apply_exif_orientation", C.c_int),
                ("enable_color_conversion", C.c_int), ("color_spec", C.c_int),
                ("sample_type", C.c_int), ("layout", C.c_int), ("allow_any_depth", C.c_int),
                ("image_index", C.c_uint32)]


class EncodeParams(C.Structure):
    _fields_ = [("struct_size", C.c_size_t), ("quality", C.c_float), ("target_psnr", C.c_float),
                ("mct_mode", C.c_int), ("chroma_subsampling", C.c_int),
                ("jpeg_progressive", C.c_int), ("jpeg_optimized_huffman", C.c_int),
                ("jpeg2k_reversible", C.c_int), ("jpeg2k_code_block_width", C.c_int),
                ("jpeg2k_code_block_height", C.c_int), ("jpeg2k_num_resolutions", C.c_int),
                ("jpeg2k_bitstream_type", C.c_int), ("jpeg2k_prog_order", C.c_int)]


class SampleStatus(C.Structure):
    _fields_ = [("status", C.c_int), ("backend", C.c_int), ("detail", C.c_char * DETAIL_MAX)]


P = C.c_void_p
_sigs = {
    "pxc_strerror": (C.c_char_p, [C.c_int]),
    "pxc_context_default_settings": (None, [C.POINTER(ContextSettings)]),
    "pxc_context_create": (C.c_int, [C.POINTER(ContextSettings), C.POINTER(P)]),
    "pxc_context_destroy": (None, [P]),
    "pxc_context_last_error": (C.c_char_p, [P]),
    "pxc_code_stream_from_memory": (C.c_int, [P, C.c_void_p, C.c_size_t, C.c_int, C.POINTER(P)]),
    "pxc_code_stream_from_file": (C.c_int, [P, C.c_char_p, C.POINTER(P)]),
    "pxc_code_stream_destroy": (None, [P]),
    "pxc_code_stream_get_info": (C.c_int, [P, C.POINTER(ImageInfo)]),
    "pxc_code_stream_last_error": (C.c_char_p, [P]),
    "pxc_decoder_default_settings": (None, [C.POINTER(CoderSettings)]),
    "pxc_decoder_create": (C.c_int, [P, C.POINTER(CoderSettings), C.POINTER(P)]),
    "pxc_decoder_destroy": (None, [P]),
    "pxc_decoder_last_error": (C.c_char_p, [P]),
    "pxc_decode_params_default": (None, [C.POINTER(DecodeParams)]),
    "pxc_decode": (C.c_int, [P, P, C.POINTER(DecodeParams), C.POINTER(P)]),
    "pxc_decode_batch": (C.c_int, [P, C.c_size_t, C.POINTER(P), C.POINTER(DecodeParams),
                                   C.POINTER(P), C.POINTER(SampleStatus)]),
    "pxc_image_desc_init": (None, [C.POINTER(ImageDesc)]),
    "pxc_image_create": (C.c_int, [P, C.POINTER(ImageDesc), C.c_void_p, C.POINTER(P)]),
    "pxc_image_destroy": (None, [P]),
    "pxc_image_get_desc": (C.POINTER(ImageDesc), [P]),
    "pxc_image_data": (C.c_void_p, [P]),
    "pxc_image_size_bytes": (C.c_size_t, [P]),
    "pxc_encoder_default_settings": (None, [C.POINTER(CoderSettings)]),
    "pxc_encoder_create": (C.c_int, [P, C.POINTER(CoderSettings), C.POINTER(P)]),
    "pxc_encoder_destroy": (None, [P]),
    "pxc_encoder_last_error": (C.c_char_p, [P]),
    "pxc_encode_params_default": (None, [C.POINTER(EncodeParams)]),
    "pxc_encode": (C.c_int, [P, P, C.c_char_p, C.POINTER(EncodeParams), C.POINTER(C.c_void_p),
                             C.POINTER(C.c_size_t)]),
    "pxc_free": (None, [C.c_void_p]),
}
for _name, (_res, _args) in _sigs.items():
    _f = getattr(lib, _name)
    _f.restype = _res
    _f.argtypes = _args


class PxcError(Exception):
    def __init__(self, status, detail):
        self.status = status
        self.name = STATUS.get(status, str(status))
        self.detail = detail
        super().__init__(f"{self.name}: {detail}")


def _check(status, detail_fn):
    if status != 0:
        raise PxcError(status, (detail_fn() or b"").decode("utf-8", "replace"))


class Context:
    """A pixcodec context with one decoder and one encoder."""

    def __init__(self, num_threads=0, max_pixels=None, max_bytes=None, dec_options=None,
                 enc_options=None, backends=None):
        s = ContextSettings()
        lib.pxc_context_default_settings(C.byref(s))
        s.num_threads = num_threads
        if max_pixels is not None:
            s.max_pixels = max_pixels
        if max_bytes is not None:
            s.max_bytes_per_image = max_bytes
        self.ctx = P()
        _check(lib.pxc_context_create(C.byref(s), C.byref(self.ctx)), lambda: b"context")
        self.dec = P()
        self.enc = P()
        ds = CoderSettings()
        lib.pxc_decoder_default_settings(C.byref(ds))
        self._backends = None
        if backends is not None:
            arr = (Backend * len(backends))()
            for i, b in enumerate(backends):
                kind, hint = (b, 1.0) if isinstance(b, str) else b
                arr[i].kind = BACKEND[kind]
                arr[i].load_hint = hint
            self._backends = arr
            ds.backends = arr
            ds.num_backends = len(backends)
        if dec_options is not None:
            ds.options = dec_options.encode()
        _check(lib.pxc_decoder_create(self.ctx, C.byref(ds), C.byref(self.dec)),
               lambda: lib.pxc_context_last_error(self.ctx))
        es = CoderSettings()
        lib.pxc_encoder_default_settings(C.byref(es))
        if enc_options is not None:
            es.options = enc_options.encode()
        if self._backends is not None:
            es.backends = self._backends
            es.num_backends = len(self._backends)
        _check(lib.pxc_encoder_create(self.ctx, C.byref(es), C.byref(self.enc)),
               lambda: lib.pxc_context_last_error(self.ctx))

    def close(self):
        if self.ctx:
            lib.pxc_decoder_destroy(self.dec)
            lib.pxc_encoder_destroy(self.enc)
            lib.pxc_context_destroy(self.ctx)
            self.ctx = None

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass

    # -- code streams --
    def _stream(self, data):
        st = P()
        if isinstance(data, (str, os.PathLike)):
            _check(lib.pxc_code_stream_from_file(self.ctx, os.fsencode(data), C.byref(st)),
                   lambda: lib.pxc_context_last_error(self.ctx))
        else:
            data = bytes(data)
            _check(lib.pxc_code_stream_from_memory(self.ctx, data, len(data), 1, C.byref(st)),
                   lambda: lib.pxc_context_last_error(self.ctx))
        return st

    def info(self, data):
        st = self._stream(data)
        try:
            inf = ImageInfo()
            inf.struct_size = C.sizeof(ImageInfo)
            _check(lib.pxc_code_stream_get_info(st, C.byref(inf)),
                   lambda: lib.pxc_code_stream_last_error(st))
            return {"codec": inf.codec.decode(), "width": inf.width, "height": inf.height,
                    "channels": inf.num_channels, "sample_type": inf.sample_type,
                    "precision": inf.precision,
                    "subsampling": CSS_NAME.get(inf.chroma_subsampling),
                    "color": COLOR_NAME.get(inf.color_spec), "orientation": inf.orientation,
                    "num_images": inf.num_images, "progressive": inf.progressive}
        finally:
            lib.pxc_code_stream_destroy(st)

    @staticmethod
    def _params(color=True, color_spec="rgb", u16=False, planar=False, exif=True):
        p = DecodeParams()
        lib.pxc_decode_params_default(C.byref(p))
        p.enable_color_conversion = 1 if color else 0
        p.color_spec = COLOR[color_spec]
        p.sample_type = 1 if u16 else 0
        p.layout = 1 if planar else 0
        p.apply_exif_orientation = 1 if exif else 0
        return p

    @staticmethod
    def to_array(img):
        """Copies a pxc_image into a numpy array (HWC or CHW, squeezed to HW for 1 channel)."""
        d = lib.pxc_image_get_desc(img).contents
        n = lib.pxc_image_size_bytes(img)
        raw = C.string_at(lib.pxc_image_data(img), n)
        dt = np.uint16 if d.sample_type == 1 else np.uint8
        es = np.dtype(dt).itemsize
        buf = np.frombuffer(raw, dtype=np.uint8)
        if d.layout == 0:
            rows = np.lib.stride_tricks.as_strided(
                buf, shape=(d.height, d.width * d.num_channels * es), strides=(d.row_stride, 1))
            arr = np.ascontiguousarray(rows).view(dt).reshape(d.height, d.width, d.num_channels)
        else:
            planes = []
            for c in range(d.num_channels):
                pl = np.lib.stride_tricks.as_strided(
                    buf[c * d.plane_stride:], shape=(d.height, d.width * es),
                    strides=(d.row_stride, 1))
                planes.append(np.ascontiguousarray(pl).view(dt).reshape(d.height, d.width))
            arr = np.stack(planes)
        return arr

    def decode(self, data, **kw):
        """Decodes bytes or a path into a numpy array (HWC by default)."""
        st = self._stream(data)
        try:
            p = self._params(**kw)
            img = P()
            _check(lib.pxc_decode(self.dec, st, C.byref(p), C.byref(img)),
                   lambda: lib.pxc_decoder_last_error(self.dec))
            try:
                return self.to_array(img)
            finally:
                lib.pxc_image_destroy(img)
        finally:
            lib.pxc_code_stream_destroy(st)

    def decode_batch(self, items, **kw):
        """Returns a list with an array or a PxcError per item."""
        n = len(items)
        streams = (P * n)()
        errs = {}
        for i, d in enumerate(items):
            try:
                streams[i] = self._stream(d)
            except PxcError as e:
                errs[i] = e
                streams[i] = None
        p = self._params(**kw)
        imgs = (P * n)()
        stats = (SampleStatus * n)()
        lib.pxc_decode_batch(self.dec, n, streams, C.byref(p), imgs, stats)
        out = []
        for i in range(n):
            if i in errs:
                out.append(errs[i])
            elif stats[i].status == 0:
                out.append(self.to_array(imgs[i]))
            else:
                out.append(PxcError(stats[i].status, stats[i].detail.decode("utf-8", "replace")))
            if imgs[i]:
                lib.pxc_image_destroy(imgs[i])
            if streams[i]:
                lib.pxc_code_stream_destroy(streams[i])
        return out

    def encode(self, arr, codec, color_spec=None, **params):
        """Encodes a HWC (or HW) uint8/uint16 numpy array. params: EncodeParams fields."""
        arr = np.ascontiguousarray(arr)
        if arr.ndim == 2:
            arr = arr[:, :, None]
        h, w, c = arr.shape
        d = ImageDesc()
        lib.pxc_image_desc_init(C.byref(d))
        d.width, d.height, d.num_channels = w, h, c
        d.sample_type = 1 if arr.dtype == np.uint16 else 0
        if color_spec is None:
            color_spec = {1: "gray", 2: "gray_alpha", 3: "rgb", 4: "rgba"}[c]
        d.color_spec = COLOR[color_spec]
        img = P()
        _check(lib.pxc_image_create(self.ctx, C.byref(d), arr.ctypes.data_as(C.c_void_p),
                                    C.byref(img)), lambda: lib.pxc_context_last_error(self.ctx))
        try:
            ep = EncodeParams()
            lib.pxc_encode_params_default(C.byref(ep))
            for k, v in params.items():
                if k == "chroma_subsampling" and isinstance(v, str):
                    v = CSS[v]
                setattr(ep, k, v)
            out = C.c_void_p()
            size = C.c_size_t()
            _check(lib.pxc_encode(self.enc, img, codec.encode(), C.byref(ep), C.byref(out),
                                  C.byref(size)), lambda: lib.pxc_encoder_last_error(self.enc))
            try:
                return C.string_at(out, size.value)
            finally:
                lib.pxc_free(out)
        finally:
            lib.pxc_image_destroy(img)
