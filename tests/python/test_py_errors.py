"""Errors of the pixcodec package: every mistake is a clear exception, never a crash.

- Argument mistakes (wrong types, wrong array layouts) raise TypeError or ValueError (or
  pixcodec.Error), with a message naming the problem.
- Bad data raises pixcodec.Error (a RuntimeError) with .status (the library's negative status
  code), .status_name and .detail; in a batch the failed sample is None, a
  pixcodec.DecodeWarning names its index and the reason, and the other samples are unaffected.
- Codecs: unknown names and codecs this build does not have raise pixcodec.Error naming them.
- Backends: a list with only GPU kinds raises pixcodec.Error (BACKEND_UNAVAILABLE) on a machine
  or build without a GPU; a GPU kind followed by CPU_ONLY falls back to the CPU.
"""
import re
import warnings

import numpy as np
import pytest

import pyhelpers as H

import pixcodec  # noqa: E402

STATUS = {"INVALID_ARGUMENT": -1, "OUT_OF_MEMORY": -2, "UNSUPPORTED_FORMAT": -3, "UNSUPPORTED_FEATURE": -4,
          "CORRUPT_DATA": -5, "TRUNCATED_DATA": -6, "LIMIT_EXCEEDED": -7, "BACKEND_UNAVAILABLE": -8, "IO": -9,
          "INVALID_OPTION": -10, "INTERNAL": -11, "EMPTY_INPUT": -12, "NOT_PROCESSED": -13}

JPEG = H.jpeg(64, 64, seed=1, quality=90)
PNG = H.png(20, 20, seed=2)
BMP = H.pil_encode(H.noise(9, 7, 3, seed=3), "BMP")


def corrupt_jpeg():
    """Stuffed 0xFF bytes in the scan: no valid Huffman code (see tests/python/test_jpeg.py)."""
    bad = bytearray(JPEG)
    start = JPEG.index(b"\xff\xda") + 40
    bad[start:start + 64] = b"\xff\x00" * 32
    return bytes(bad)


def corrupt_png():
    """IDAT chunk with a broken CRC."""
    bad = bytearray(PNG)
    i = PNG.index(b"IDAT")
    n = int.from_bytes(PNG[i - 4:i], "big")
    bad[i + 4 + n] ^= 0xFF
    return bytes(bad)


BAD_DATA = {
    "empty": (b"", ["EMPTY_INPUT"]),
    "garbage": (b"this is not an image at all" * 3, ["UNSUPPORTED_FORMAT"]),
    "jpeg_truncated": (JPEG[: len(JPEG) // 2], ["TRUNCATED_DATA"]),
    "jpeg_header_only": (JPEG[:3], ["TRUNCATED_DATA"]),
    "jpeg_corrupt": (corrupt_jpeg(), ["CORRUPT_DATA"]),
    "png_truncated": (PNG[: len(PNG) - 30], ["TRUNCATED_DATA", "CORRUPT_DATA"]),
    "png_bad_crc": (corrupt_png(), ["CORRUPT_DATA"]),
    "bmp_truncated": (BMP[:60], ["TRUNCATED_DATA"]),
}


@pytest.fixture(scope="module")
def dec():
    return pixcodec.Decoder()


@pytest.fixture(scope="module")
def enc():
    return pixcodec.Encoder()


def check_error(err, names):
    assert isinstance(err, pixcodec.Error) and isinstance(err, RuntimeError)
    assert err.status_name in names, (err.status_name, str(err))
    assert err.status == STATUS[err.status_name] and isinstance(err.status, int)
    assert isinstance(err.detail, str) and err.detail.strip()
    assert err.detail in str(err) or err.status_name in str(err)


# ---------------------------------------------------------------------------- wrong types

@pytest.mark.parametrize("value", [0, 12, None, {}, {"a": b"x"}, 1.5, object()])
def test_decode_wrong_types(dec, value):
    with pytest.raises(TypeError):
        dec.decode(value)


def test_decode_str_is_a_type_error(dec, tmp_path):
    p = tmp_path / "a.png"
    p.write_bytes(PNG)
    with pytest.raises(TypeError):
        dec.decode(str(p))


def test_decode_list_with_non_bytes_member(dec):
    for bad in (None, 3, "x.jpg", {}, [JPEG]):
        with pytest.raises(TypeError) as e:
            dec.decode([JPEG, bad, PNG])
        assert "1" in str(e.value), str(e.value)


@pytest.mark.parametrize("value", [0, None, {}, 1.5])
def test_read_wrong_types(dec, value):
    with pytest.raises(TypeError):
        dec.read(value)
    with pytest.raises(TypeError):
        dec.read(["a.jpg", value])


def test_params_wrong_types(dec, enc):
    with pytest.raises(TypeError):
        dec.decode(JPEG, params="fast")
    with pytest.raises(TypeError):
        dec.decode(JPEG, params=pixcodec.EncodeParams())
    with pytest.raises(TypeError):
        enc.encode(H.photo(4, 4), "jpeg", params=pixcodec.DecodeParams())
    with pytest.raises(TypeError):
        enc.encode(H.photo(4, 4), 5)
    with pytest.raises((TypeError, ValueError)):
        dec.decode(JPEG, cuda_stream="x")
    with pytest.raises((TypeError, ValueError)):
        pixcodec.Decoder(backends=[5])
    with pytest.raises((TypeError, ValueError)):
        pixcodec.Decoder(backend_kinds=["gpu"])
    with pytest.raises(TypeError):
        pixcodec.Decoder(options=5)


def test_encode_wrong_image_types(enc):
    for bad in (None, 5, "img", b"\x00" * 12, {}):
        with pytest.raises((TypeError, ValueError)):
            enc.encode(bad, "png")
    with pytest.raises((TypeError, ValueError)):
        enc.encode([H.photo(4, 4), None], "png")


@pytest.mark.parametrize("value", [-1.0, 101, 1e9])
def test_encode_params_out_of_range(enc, value):
    """Quality outside 0..100: rejected (when set or when used), never silently wrapped."""
    with pytest.raises((ValueError, pixcodec.Error)):
        p = pixcodec.EncodeParams(quality=value)
        enc.encode(H.photo(8, 8), "jpeg", p)


# ------------------------------------------------------------------------- bad data

@pytest.mark.parametrize("case", sorted(BAD_DATA))
def test_single_decode_bad_data(dec, case):
    data, names = BAD_DATA[case]
    with pytest.raises(pixcodec.Error) as e:
        dec.decode(data)
    check_error(e.value, names)
    with pytest.raises(RuntimeError):
        dec.decode(bytearray(data))


def test_corrupt_jpeg_detail_names_the_problem(dec):
    with pytest.raises(pixcodec.Error) as e:
        dec.decode(corrupt_jpeg())
    assert "Huffman" in e.value.detail


def test_lenient_jpeg_option(dec):
    lenient = pixcodec.Decoder(options="jpeg:strict=0")
    assert lenient.decode(corrupt_jpeg()).shape == (64, 64, 3)


@pytest.mark.parametrize("case", sorted(BAD_DATA))
def test_batch_decode_bad_sample(dec, case):
    data, names = BAD_DATA[case]
    good = [JPEG, PNG, BMP]
    want = [np.asarray(dec.decode(d)).copy() for d in good]
    batch = [JPEG, data, PNG, BMP]
    with pytest.warns(pixcodec.DecodeWarning) as rec:
        out = dec.decode(batch)
    assert len(out) == 4
    assert out[1] is None
    for i, w in zip((0, 2, 3), want):
        assert out[i] is not None
        np.testing.assert_array_equal(np.asarray(out[i]), w)
    msgs = [str(r.message) for r in rec if issubclass(r.category, pixcodec.DecodeWarning)]
    assert len(msgs) == 1, msgs
    assert re.search(r"\b1\b", msgs[0]), msgs[0]
    with pytest.raises(pixcodec.Error) as e:
        dec.decode(data)
    reasons = [e.value.status_name, e.value.status_name.lower().replace("_", " "), e.value.detail]
    assert any(r in msgs[0] or r in msgs[0].lower() for r in reasons), (msgs[0], reasons)


def test_batch_several_failures_each_named(dec):
    batch = [BAD_DATA["empty"][0], JPEG, BAD_DATA["jpeg_truncated"][0], PNG, BAD_DATA["garbage"][0]]
    with pytest.warns(pixcodec.DecodeWarning) as rec:
        out = dec.decode(batch)
    assert [o is None for o in out] == [True, False, True, False, True]
    text = " | ".join(str(r.message) for r in rec)
    for idx in ("0", "2", "4"):
        assert re.search(r"\b%s\b" % idx, text), text
    assert issubclass(pixcodec.DecodeWarning, Warning)


def test_batch_warnings_can_be_errors(dec):
    with warnings.catch_warnings():
        warnings.simplefilter("error", pixcodec.DecodeWarning)
        with pytest.raises(pixcodec.DecodeWarning):
            dec.decode([JPEG, b""])


def test_encode_failures_single_and_batch(enc, tmp_path):
    """A sample the codec cannot take (JPEG is at most 65500 pixels wide): an error alone, None in a batch."""
    wide = np.zeros((1, 70000), np.uint8)
    ok = H.photo(4, 4)
    with pytest.raises(pixcodec.Error) as e:
        enc.encode(wide, "jpeg")
    check_error(e.value, ["UNSUPPORTED_FEATURE", "INVALID_ARGUMENT", "LIMIT_EXCEEDED"])
    with pytest.warns(Warning) as rec:
        out = enc.encode([ok, wide, ok], "jpeg")
    assert out[0][:2] == b"\xff\xd8" and out[1] is None and out[2] == out[0]
    text = " | ".join(str(r.message) for r in rec)
    assert re.search(r"\b1\b", text) and e.value.detail in text, text
    names = [str(tmp_path / "a.jpg"), str(tmp_path / "b.jpg"), str(tmp_path / "c.jpg")]
    with pytest.warns(Warning):
        enc.write(names, [ok, wide, ok])
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.jpg", "c.jpg"]
    with pytest.raises(pixcodec.Error):
        enc.write(str(tmp_path / "d.jpg"), wide)
    assert not (tmp_path / "d.jpg").exists()


def test_read_missing_file(dec, tmp_path):
    missing = tmp_path / "no_such_file.jpg"
    with pytest.raises((pixcodec.Error, FileNotFoundError)) as e:
        dec.read(str(missing))
    assert "no_such_file.jpg" in str(e.value)
    if isinstance(e.value, pixcodec.Error):
        check_error(e.value, ["IO"])
    good = tmp_path / "good.png"
    good.write_bytes(PNG)
    with pytest.warns(pixcodec.DecodeWarning) as rec:
        out = dec.read([str(good), str(missing)])
    assert out[0] is not None and out[1] is None
    assert any("no_such_file.jpg" in str(r.message) or re.search(r"\b1\b", str(r.message)) for r in rec)


def test_read_directory_and_empty_file(dec, tmp_path):
    with pytest.raises((pixcodec.Error, OSError)):
        dec.read(str(tmp_path))
    empty = tmp_path / "empty.png"
    empty.write_bytes(b"")
    with pytest.raises(pixcodec.Error) as e:
        dec.read(str(empty))
    check_error(e.value, ["EMPTY_INPUT"])


# ----------------------------------------------------------------------------- codecs

@pytest.mark.parametrize("codec", ["gif", "xyz", ".foo", "."])
def test_unknown_codec(enc, tmp_path, codec):
    with pytest.raises((ValueError, pixcodec.Error)) as e:
        enc.encode(H.photo(8, 8), codec)
    assert codec in str(e.value)
    with pytest.raises((ValueError, pixcodec.Error)):
        enc.encode([H.photo(8, 8)], codec)
    if codec.startswith("."):
        with pytest.raises((ValueError, pixcodec.Error)):
            enc.write(str(tmp_path / ("a" + codec)), H.photo(8, 8))
        assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("codec,ext", [("jpeg2k", ".jp2"), (".jp2", ".jp2"), (".j2k", ".j2k"), ("tiff", ".tif"),
                                       (".tiff", ".tiff"), ("webp", ".webp"), (".webp", ".webp")])
def test_seed_codecs_encode_and_write(enc, tmp_path, codec, ext):
    """The seed's other codec names ('jpeg2k', '.jp2', 'tiff', 'webp') encode and write."""
    img = H.photo(8, 8)
    data = enc.encode(img, codec)
    assert isinstance(data, bytes) and len(data) > 0
    back = pixcodec.Decoder().decode(data)
    assert back.shape == (8, 8, 3)
    out = tmp_path / ("x" + ext)
    enc.write(str(out), img)
    assert pixcodec.Decoder().read(str(out)).shape == (8, 8, 3)
    assert [p.name for p in tmp_path.iterdir()] == [out.name], "a temporary file was left behind"


def test_write_to_missing_directory(enc, tmp_path):
    with pytest.raises((pixcodec.Error, OSError)) as e:
        enc.write(str(tmp_path / "no" / "such" / "dir" / "a.png"), H.photo(8, 8))
    assert "a.png" in str(e.value) or "dir" in str(e.value)


def test_write_list_length_mismatch(enc, tmp_path):
    with pytest.raises((ValueError, TypeError)):
        enc.write([str(tmp_path / "a.png"), str(tmp_path / "b.png")], [H.photo(8, 8)])


# --------------------------------------------------------------------------- as_image

BAD_ARRAYS = {
    "float32": (np.zeros((4, 5, 3), np.float32), ("dtype", "float32", "uint8", "type")),
    "int16": (np.zeros((4, 5, 3), np.int16), ("dtype", "int16", "uint8", "type")),
    "int8": (np.zeros((4, 5, 3), np.int8), ("dtype", "int8", "uint8", "type")),
    "bool": (np.zeros((4, 5, 3), np.bool_), ("dtype", "bool", "uint8", "type")),
    "1d": (np.zeros(12, np.uint8), ("dim", "shape")),
    "4d": (np.zeros((2, 4, 5, 3), np.uint8), ("dim", "shape")),
    "0d": (np.zeros((), np.uint8), ("dim", "shape")),
    "5ch": (np.zeros((4, 5, 5), np.uint8), ("channel",)),
    "0ch": (np.zeros((4, 5, 0), np.uint8), ("channel", "empty", "zero", "size")),
    "empty": (np.zeros((0, 5, 3), np.uint8), ("empty", "zero", "size", "height", "width", "dimension")),
    "transposed": (np.zeros((5, 4, 3), np.uint8).transpose(1, 0, 2), ("contiguous", "stride")),
    "chw_view": (np.zeros((3, 4, 5), np.uint8).transpose(1, 2, 0), ("contiguous", "stride")),
    "pixel_step": (np.zeros((4, 10, 3), np.uint8)[:, ::2], ("contiguous", "stride")),
    "reversed_channels": (np.zeros((4, 5, 3), np.uint8)[:, :, ::-1], ("contiguous", "stride")),
}


@pytest.mark.parametrize("case", sorted(BAD_ARRAYS))
def test_as_image_rejects(case):
    arr, words = BAD_ARRAYS[case]
    with pytest.raises((TypeError, ValueError, pixcodec.Error)) as e:
        pixcodec.as_image(arr)
    msg = str(e.value).lower()
    assert any(w in msg for w in words), msg


@pytest.mark.parametrize("case", ["float32", "int16", "5ch", "transposed", "1d"])
def test_encode_rejects_bad_arrays(enc, case):
    arr, words = BAD_ARRAYS[case]
    with pytest.raises((TypeError, ValueError, pixcodec.Error)) as e:
        enc.encode(arr, "png")
    assert any(w in str(e.value).lower() for w in words), str(e.value)


def test_as_image_rejects_non_buffers():
    for bad in (None, 5, "abc", [1, 2, 3], [[[1, 2, 3]]], object()):
        with pytest.raises((TypeError, ValueError)):
            pixcodec.as_image(bad)


def test_as_image_read_only_source_ok():
    arr = H.photo(4, 5)
    arr.setflags(write=False)
    img = pixcodec.as_image(arr)
    np.testing.assert_array_equal(np.asarray(img), arr)
    np.testing.assert_array_equal(H.pil_decode(pixcodec.Encoder().encode(img, "png")), arr)


# ---------------------------------------------------------------- options and backends

@pytest.mark.parametrize("options", [":no_such_option=1", "jpeg:nonsense=1", "nosuchcodec:fancy_upsampling=1",
                                     ":fancy_upsampling=7", "fancy_upsampling"])
def test_bad_decoder_options(options):
    with pytest.raises(pixcodec.Error) as e:
        pixcodec.Decoder(options=options)
    check_error(e.value, ["INVALID_OPTION"])


def test_bad_encoder_options():
    with pytest.raises(pixcodec.Error) as e:
        pixcodec.Encoder(options="png:compression_level=99")
    check_error(e.value, ["INVALID_OPTION"])
    with pytest.raises(pixcodec.Error):
        pixcodec.Encoder(options=":no_such_option=1")
    pixcodec.Encoder(options="png:compression_level=1").encode(H.photo(8, 8), "png")


GPU_KINDS = ["GPU_ONLY", "HYBRID_CPU_GPU", "HW_GPU_ONLY"]


def use(coder):
    if isinstance(coder, pixcodec.Decoder):
        return coder.decode(JPEG)
    return coder.encode(H.photo(8, 8), "jpeg")


def gpu_available():
    try:
        pixcodec.Decoder(backend_kinds=[pixcodec.BackendKind.GPU_ONLY]).decode(JPEG)
        return True
    except pixcodec.Error:
        return False


@pytest.mark.parametrize("kind", GPU_KINDS)
@pytest.mark.parametrize("cls", ["Decoder", "Encoder"])
def test_gpu_only_backends_unavailable(kind, cls):
    if gpu_available():
        pytest.skip("this machine and build have a GPU backend")
    k = getattr(pixcodec.BackendKind, kind)
    Cls = getattr(pixcodec, cls)
    for make in (lambda: Cls(backend_kinds=[k]), lambda: Cls(backends=[pixcodec.Backend(k)])):
        with pytest.raises(pixcodec.Error) as e:
            use(make())
        check_error(e.value, ["BACKEND_UNAVAILABLE"])
        text = str(e.value).lower()
        assert any(w in text for w in ("unavailable", "not available", "no allowed backend", "no implementation")), text
        assert kind.lower() in text or "gpu" in text or "hw" in text, text


@pytest.mark.parametrize("kind", GPU_KINDS)
def test_gpu_then_cpu_falls_back(kind):
    k = getattr(pixcodec.BackendKind, kind)
    cpu = pixcodec.BackendKind.CPU_ONLY
    want = np.asarray(pixcodec.Decoder().decode(JPEG))
    for dec in (pixcodec.Decoder(backend_kinds=[k, cpu]),
                pixcodec.Decoder(backends=[pixcodec.Backend(k, 0.5), pixcodec.Backend(cpu)])):
        np.testing.assert_array_equal(np.asarray(dec.decode(JPEG)), want)
        out = dec.decode([JPEG] * 4)
        assert all(o is not None for o in out)
    enc = pixcodec.Encoder(backend_kinds=[k, cpu])
    assert enc.encode(H.photo(8, 8), "png")[:4] == b"\x89PNG"


def test_error_is_raisable_and_inspectable():
    assert issubclass(pixcodec.Error, RuntimeError)
    assert issubclass(pixcodec.DecodeWarning, Warning)
    try:
        pixcodec.Decoder().decode(b"")
    except RuntimeError as e:
        assert type(e) is pixcodec.Error or isinstance(e, pixcodec.Error)
        assert repr(e)
    else:
        pytest.fail("no error for empty input")


def test_device_image_is_not_silently_an_object_array():
    """A wrapped device buffer cannot become a numpy array by accident (no GPU build here)."""
    import numpy as np
    import pixcodec

    class FakeDevice:
        __cuda_array_interface__ = {"shape": (4, 5, 3), "typestr": "|u1", "data": (0xDEAD0000, False),
                                    "strides": None, "version": 3}

    img = pixcodec.as_image(FakeDevice(), cuda_stream=7)
    assert img.buffer_kind == pixcodec.ImageBufferKind.STRIDED_DEVICE
    assert img.__dlpack_device__() == (2, 0)
    assert img.__cuda_array_interface__["stream"] == 7
    with pytest.raises(TypeError, match="device memory"):
        np.asarray(img)
    with pytest.raises(AttributeError):
        img.__array_interface__
    with pytest.raises(pixcodec.Error) as e:
        img.cpu()
    assert e.value.status_name == "BACKEND_UNAVAILABLE"
    with pytest.raises(pixcodec.Error):
        pixcodec.Encoder().encode(img, "png")
