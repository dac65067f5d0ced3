"""The seed Python API (shared/seeds/nvimgcodecs-python-api.rst), item by item.

Every call below is written as the seed document writes it; only the import line differs
(`import pixcodec as nvimgcodecs`). pixcodec's own extras (docs/PYTHON.md) are tested after
the seed items: more input types, Image.strides/buffer_kind/precision, DLPack, as_image
sources, docstrings and the typing files.
"""
import ast
import os
import pathlib
import pydoc

import numpy as np
import pytest

import pyhelpers as H

import pixcodec  # noqa: E402  (pyhelpers put the build's package on sys.path)
import pixcodec as nvimgcodecs  # noqa: E402

KINDS = ["CPU_ONLY", "GPU_ONLY", "HYBRID_CPU_GPU", "HW_GPU_ONLY"]
CSS = ["CSS_444", "CSS_422", "CSS_420", "CSS_440", "CSS_411", "CSS_410", "CSS_GRAY", "CSS_410V"]
PROG_ORDERS = ["LRCP", "RLCP", "RPCL", "PCRL", "CPRL"]


@pytest.fixture(scope="module")
def jpeg420():
    return H.jpeg(37, 53, seed=1, subsampling=2)


@pytest.fixture(scope="module")
def decoder():
    return nvimgcodecs.Decoder()


@pytest.fixture(scope="module")
def encoder():
    return nvimgcodecs.Encoder()


def pil_rgb(data):
    return H.pil_decode(data, "RGB")


# ------------------------------------------------------------------ Backend / BackendParams

def test_backend_default_constructor():
    b = nvimgcodecs.Backend()
    assert isinstance(b.backend_kind, nvimgcodecs.BackendKind)
    assert isinstance(b.backend_params, nvimgcodecs.BackendParams)
    assert b.load_hint == pytest.approx(1.0)
    assert b.backend_params.load_hint == pytest.approx(1.0)


@pytest.mark.parametrize("kind", KINDS)
def test_backend_kind_and_load_hint(kind):
    k = getattr(nvimgcodecs.BackendKind, kind)
    b = nvimgcodecs.Backend(k)
    assert b.backend_kind == k and b.load_hint == pytest.approx(1.0)
    b = nvimgcodecs.Backend(k, load_hint=0.25)
    assert b.backend_kind == k and b.load_hint == pytest.approx(0.25)
    b = nvimgcodecs.Backend(k, 0.5)
    assert b.load_hint == pytest.approx(0.5)
    b = nvimgcodecs.Backend(backend_kind=k, load_hint=0.75)
    assert b.backend_kind == k and b.load_hint == pytest.approx(0.75)
    assert b.backend_params.load_hint == pytest.approx(0.75)


def test_backend_kind_and_backend_params():
    p = nvimgcodecs.BackendParams(load_hint=0.3)
    b = nvimgcodecs.Backend(nvimgcodecs.BackendKind.CPU_ONLY, p)
    assert b.backend_kind == nvimgcodecs.BackendKind.CPU_ONLY
    assert b.load_hint == pytest.approx(0.3)
    assert isinstance(b.backend_params, nvimgcodecs.BackendParams)
    assert b.backend_params.load_hint == pytest.approx(0.3)
    b = nvimgcodecs.Backend(nvimgcodecs.BackendKind.GPU_ONLY, backend_params=nvimgcodecs.BackendParams(0.6))
    assert b.backend_kind == nvimgcodecs.BackendKind.GPU_ONLY
    assert b.load_hint == pytest.approx(0.6)


def test_backend_attributes_are_settable():
    b = nvimgcodecs.Backend()
    b.backend_kind = nvimgcodecs.BackendKind.HYBRID_CPU_GPU
    assert b.backend_kind == nvimgcodecs.BackendKind.HYBRID_CPU_GPU
    b.load_hint = 0.5
    assert b.load_hint == pytest.approx(0.5)
    assert b.backend_params.load_hint == pytest.approx(0.5)
    b.backend_params = nvimgcodecs.BackendParams(load_hint=0.125)
    assert b.backend_params.load_hint == pytest.approx(0.125)
    assert b.load_hint == pytest.approx(0.125)


def test_backend_params():
    assert nvimgcodecs.BackendParams().load_hint == pytest.approx(1.0)
    assert nvimgcodecs.BackendParams(load_hint=0.4).load_hint == pytest.approx(0.4)
    assert nvimgcodecs.BackendParams(0.2).load_hint == pytest.approx(0.2)
    p = nvimgcodecs.BackendParams()
    p.load_hint = 0.9
    assert p.load_hint == pytest.approx(0.9)


# ------------------------------------------------------------------------------ enums

def test_backend_kind_members():
    names = [m.name for m in nvimgcodecs.BackendKind]
    assert sorted(names) == sorted(KINDS)
    assert [int(getattr(nvimgcodecs.BackendKind, n)) for n in KINDS] == [1, 2, 3, 4]


def test_chroma_subsampling_members():
    assert sorted(m.name for m in nvimgcodecs.ChromaSubsampling) == sorted(CSS)
    assert [int(getattr(nvimgcodecs.ChromaSubsampling, n)) for n in CSS] == list(range(8))


def test_jpeg2k_and_mct_enums():
    assert sorted(m.name for m in nvimgcodecs.Jpeg2kBitstreamType) == ["J2K", "JP2"]
    assert int(nvimgcodecs.Jpeg2kBitstreamType.J2K) == 0 and int(nvimgcodecs.Jpeg2kBitstreamType.JP2) == 1
    assert sorted(m.name for m in nvimgcodecs.Jpeg2kProgOrder) == sorted(PROG_ORDERS)
    assert [int(getattr(nvimgcodecs.Jpeg2kProgOrder, n)) for n in PROG_ORDERS] == list(range(5))
    assert sorted(m.name for m in nvimgcodecs.MctMode) == ["RGB", "YCC"]
    assert int(nvimgcodecs.MctMode.YCC) == 0 and int(nvimgcodecs.MctMode.RGB) == 1


def test_image_buffer_kind_enum():
    assert int(pixcodec.ImageBufferKind.STRIDED_DEVICE) == 1
    assert int(pixcodec.ImageBufferKind.STRIDED_HOST) == 2


# ----------------------------------------------------------------------- DecodeParams

def test_decode_params():
    p = nvimgcodecs.DecodeParams()
    assert p.apply_exif_orientation is True or p.apply_exif_orientation == 1
    assert p.enable_color_conversion is True or p.enable_color_conversion == 1
    assert not p.allow_any_depth
    p = nvimgcodecs.DecodeParams(apply_exif_orientation=False, enable_color_conversion=True)
    assert not p.apply_exif_orientation and p.enable_color_conversion
    p = nvimgcodecs.DecodeParams(apply_exif_orientation=True, enable_color_conversion=False)
    assert p.apply_exif_orientation and not p.enable_color_conversion
    p = nvimgcodecs.DecodeParams(False, False)
    assert not p.apply_exif_orientation and not p.enable_color_conversion
    p.apply_exif_orientation = True
    p.enable_color_conversion = True
    p.allow_any_depth = True
    assert p.apply_exif_orientation and p.enable_color_conversion and p.allow_any_depth
    assert pixcodec.DecodeParams(allow_any_depth=True).allow_any_depth


# ------------------------------------------------------------------------------ Decoder

def test_decoder_constructor_forms(jpeg420):
    want_fast = np.asarray(nvimgcodecs.Decoder().decode(jpeg420))
    want_fancy = pil_rgb(jpeg420)
    cpu = nvimgcodecs.BackendKind.CPU_ONLY
    forms = [
        (nvimgcodecs.Decoder(device_id=-1, backends=[], options=":fancy_upsampling=0"), want_fast),
        (nvimgcodecs.Decoder(device_id=-1, backends=[nvimgcodecs.Backend(cpu)], options=":fancy_upsampling=1"),
         want_fancy),
        (nvimgcodecs.Decoder(device_id=-1, backend_kinds=[cpu], options=":fancy_upsampling=1"), want_fancy),
        (nvimgcodecs.Decoder(device_id=-1, backend_kinds=[], options=":fancy_upsampling=0"), want_fast),
        (nvimgcodecs.Decoder(backend_kinds=None), want_fast),
        (nvimgcodecs.Decoder(backends=[nvimgcodecs.Backend(cpu, load_hint=1.0)]), want_fast),
        (nvimgcodecs.Decoder(-1, [nvimgcodecs.Backend(cpu, 1.0)], ":fancy_upsampling=1"), want_fancy),
        (nvimgcodecs.Decoder(-1, [cpu], ":fancy_upsampling=1"), want_fancy),
        (nvimgcodecs.Decoder(-1, []), want_fast),
        (nvimgcodecs.Decoder(options="nvjpeg:fancy_upsampling=1"), want_fancy),
    ]
    for i, (dec, want) in enumerate(forms):
        np.testing.assert_array_equal(np.asarray(dec.decode(jpeg420)), want, err_msg="form %d" % i)
    # the two upsampling modes really differ on this 4:2:0 file, so the options took effect
    assert not np.array_equal(want_fast, want_fancy)


def test_decode_single(decoder, jpeg420):
    img = decoder.decode(jpeg420)
    assert isinstance(img, nvimgcodecs.Image)
    assert img.shape == (37, 53, 3)
    ref = np.asarray(img)
    for call in (lambda: decoder.decode(jpeg420, params=nvimgcodecs.DecodeParams()),
                 lambda: decoder.decode(jpeg420, params=nvimgcodecs.DecodeParams(), cuda_stream=0),
                 lambda: decoder.decode(jpeg420, nvimgcodecs.DecodeParams(), 0),
                 lambda: decoder.decode(data=jpeg420, cuda_stream=0)):
        np.testing.assert_array_equal(np.asarray(call()), ref)


def test_decode_batch(decoder):
    datas = [H.jpeg(20 + i, 30 + 2 * i, seed=i) for i in range(5)] + [H.png(9, 7, seed=3)]
    imgs = decoder.decode(datas)
    assert isinstance(imgs, list) and len(imgs) == len(datas)
    for d, img in zip(datas, imgs):
        assert isinstance(img, nvimgcodecs.Image)
        np.testing.assert_array_equal(np.asarray(img), np.asarray(decoder.decode(d)))
    imgs2 = decoder.decode(datas, params=nvimgcodecs.DecodeParams(enable_color_conversion=True), cuda_stream=0)
    assert [i.shape for i in imgs2] == [i.shape for i in imgs]
    assert decoder.decode([]) == []


def test_decode_buffer_types(decoder, jpeg420):
    ref = np.asarray(decoder.decode(jpeg420))
    sources = [bytearray(jpeg420), memoryview(jpeg420), np.frombuffer(jpeg420, np.uint8),
               memoryview(b"xyz" + jpeg420)[3:], np.frombuffer(jpeg420, np.uint8).copy()]
    for s in sources:
        np.testing.assert_array_equal(np.asarray(decoder.decode(s)), ref, err_msg=type(s).__name__)
    out = decoder.decode(sources)
    assert len(out) == len(sources)
    for img in out:
        np.testing.assert_array_equal(np.asarray(img), ref)


def test_read_single_and_list(decoder, tmp_path, jpeg420):
    paths = []
    for i, (name, data) in enumerate([("a.jpg", jpeg420), ("b.png", H.png(5, 6, seed=2)),
                                      ("c.bmp", H.pil_encode(H.noise(4, 3, seed=3), "BMP")),
                                      ("d.ppm", H.pil_encode(H.noise(3, 8, seed=4), "PPM"))]):
        p = tmp_path / name
        p.write_bytes(data)
        paths.append(p)
    want = [np.asarray(decoder.decode(p.read_bytes())) for p in paths]
    img = decoder.read(str(paths[0]))
    assert isinstance(img, nvimgcodecs.Image)
    np.testing.assert_array_equal(np.asarray(img), want[0])
    img = decoder.read(str(paths[1]), params=nvimgcodecs.DecodeParams(), cuda_stream=0)
    np.testing.assert_array_equal(np.asarray(img), want[1])
    img = decoder.read(str(paths[2]), nvimgcodecs.DecodeParams(), 0)
    np.testing.assert_array_equal(np.asarray(img), want[2])
    imgs = decoder.read([str(p) for p in paths])
    assert isinstance(imgs, list) and len(imgs) == 4
    for got, w in zip(imgs, want):
        np.testing.assert_array_equal(np.asarray(got), w)
    imgs = decoder.read([str(p) for p in paths], params=nvimgcodecs.DecodeParams(), cuda_stream=0)
    assert len(imgs) == 4
    # os.PathLike and bytes paths
    np.testing.assert_array_equal(np.asarray(decoder.read(paths[3])), want[3])
    np.testing.assert_array_equal(np.asarray(decoder.read(os.fsencode(paths[3]))), want[3])
    mixed = decoder.read([paths[0], str(paths[1]), os.fsencode(paths[2])])
    for got, w in zip(mixed, want):
        np.testing.assert_array_equal(np.asarray(got), w)


@pytest.mark.parametrize("overload", ["decode(data=)", "decode(file_names=)", "read(file_name=)",
                                      "read(data_list=)"])
def test_decoder_seed_keyword_names(decoder, tmp_path, jpeg420, overload):
    """Each overload's parameters by the names the seed gives them."""
    p = tmp_path / "k.jpg"
    p.write_bytes(jpeg420)
    want = np.asarray(decoder.decode(jpeg420))
    params = nvimgcodecs.DecodeParams()
    if overload == "decode(data=)":
        out = [decoder.decode(data=jpeg420, params=params, cuda_stream=0)]
    elif overload == "decode(file_names=)":
        out = decoder.decode(file_names=[jpeg420, jpeg420], params=params, cuda_stream=0)
    elif overload == "read(file_name=)":
        out = [decoder.read(file_name=str(p), params=params, cuda_stream=0)]
    else:
        out = decoder.read(data_list=[str(p), str(p)], params=params, cuda_stream=0)
    for img in out:
        np.testing.assert_array_equal(np.asarray(img), want)


# --------------------------------------------------------------------------- EncodeParams

def test_encode_params_defaults():
    p = nvimgcodecs.EncodeParams()
    assert p.quality == 95
    assert p.target_psnr == 50
    assert p.mct_mode == nvimgcodecs.MctMode.RGB
    assert p.chroma_subsampling == nvimgcodecs.ChromaSubsampling.CSS_444
    assert not p.jpeg_progressive
    assert not p.jpeg_optimized_huffman
    assert not p.jpeg2k_reversible
    assert tuple(p.jpeg2k_code_block_size) == (64, 64)
    assert p.jpeg2k_num_resolutions == 5
    assert p.jpeg2k_bitstream_type == nvimgcodecs.Jpeg2kBitstreamType.JP2
    assert p.jpeg2k_prog_order == nvimgcodecs.Jpeg2kProgOrder.RPCL


def test_encode_params_full_keyword_constructor():
    p = nvimgcodecs.EncodeParams(quality=95, target_psnr=50, mct_mode=nvimgcodecs.MctMode.RGB,
                                 chroma_subsampling=nvimgcodecs.ChromaSubsampling.CSS_444,
                                 jpeg_progressive=False, jpeg_optimized_huffman=False, jpeg2k_reversible=False,
                                 jpeg2k_code_block_size=(64, 64), jpeg2k_num_resolutions=5,
                                 jpeg2k_bitstream_type=nvimgcodecs.Jpeg2kBitstreamType.JP2,
                                 jpeg2k_prog_order=nvimgcodecs.Jpeg2kProgOrder.RPCL)
    assert p.quality == 95 and p.jpeg2k_prog_order == nvimgcodecs.Jpeg2kProgOrder.RPCL
    p = nvimgcodecs.EncodeParams(quality=70, target_psnr=35, mct_mode=nvimgcodecs.MctMode.YCC,
                                 chroma_subsampling=nvimgcodecs.ChromaSubsampling.CSS_420,
                                 jpeg_progressive=True, jpeg_optimized_huffman=True, jpeg2k_reversible=True,
                                 jpeg2k_code_block_size=(32, 16), jpeg2k_num_resolutions=3,
                                 jpeg2k_bitstream_type=nvimgcodecs.Jpeg2kBitstreamType.J2K,
                                 jpeg2k_prog_order=nvimgcodecs.Jpeg2kProgOrder.LRCP)
    assert p.quality == 70
    assert p.target_psnr == 35
    assert p.mct_mode == nvimgcodecs.MctMode.YCC
    assert p.chroma_subsampling == nvimgcodecs.ChromaSubsampling.CSS_420
    assert p.jpeg_progressive and p.jpeg_optimized_huffman and p.jpeg2k_reversible
    assert tuple(p.jpeg2k_code_block_size) == (32, 16)
    assert p.jpeg2k_num_resolutions == 3
    assert p.jpeg2k_bitstream_type == nvimgcodecs.Jpeg2kBitstreamType.J2K
    assert p.jpeg2k_prog_order == nvimgcodecs.Jpeg2kProgOrder.LRCP
    # positional, in the seed's order
    q = nvimgcodecs.EncodeParams(80, 40, nvimgcodecs.MctMode.YCC, nvimgcodecs.ChromaSubsampling.CSS_422, True,
                                 False, True, (16, 32), 2, nvimgcodecs.Jpeg2kBitstreamType.J2K,
                                 nvimgcodecs.Jpeg2kProgOrder.CPRL)
    assert (q.quality, q.target_psnr, q.jpeg2k_num_resolutions) == (80, 40, 2)
    assert q.chroma_subsampling == nvimgcodecs.ChromaSubsampling.CSS_422
    assert q.jpeg_progressive and not q.jpeg_optimized_huffman and q.jpeg2k_reversible
    assert tuple(q.jpeg2k_code_block_size) == (16, 32)
    assert q.jpeg2k_prog_order == nvimgcodecs.Jpeg2kProgOrder.CPRL


def test_encode_params_attributes_settable():
    p = nvimgcodecs.EncodeParams()
    values = dict(quality=42, target_psnr=30, mct_mode=nvimgcodecs.MctMode.YCC,
                  chroma_subsampling=nvimgcodecs.ChromaSubsampling.CSS_GRAY, jpeg_progressive=True,
                  jpeg_optimized_huffman=True, jpeg2k_reversible=True, jpeg2k_code_block_size=(128, 32),
                  jpeg2k_num_resolutions=7, jpeg2k_bitstream_type=nvimgcodecs.Jpeg2kBitstreamType.J2K,
                  jpeg2k_prog_order=nvimgcodecs.Jpeg2kProgOrder.PCRL)
    for k, v in values.items():
        setattr(p, k, v)
    for k, v in values.items():
        got = getattr(p, k)
        assert (tuple(got) if k == "jpeg2k_code_block_size" else got) == v, k


# ------------------------------------------------------------------------------ Encoder

def test_encoder_constructor_forms():
    arr = H.photo(16, 24)
    want = nvimgcodecs.Encoder().encode(arr, "png")
    cpu = nvimgcodecs.BackendKind.CPU_ONLY
    encs = [nvimgcodecs.Encoder(device_id=-1, backends=[], options=""),
            nvimgcodecs.Encoder(device_id=-1, backends=[nvimgcodecs.Backend(cpu)], options=""),
            nvimgcodecs.Encoder(device_id=-1, backend_kinds=[cpu]),
            nvimgcodecs.Encoder(device_id=-1, backend_kinds=[], options=""),
            nvimgcodecs.Encoder(-1, [nvimgcodecs.Backend(cpu, 1.0)], ""),
            nvimgcodecs.Encoder(-1, [cpu]),
            nvimgcodecs.Encoder(backend_kinds=None)]
    for i, enc in enumerate(encs):
        assert enc.encode(arr, "png") == want, i


def test_encoder_accepts_seed_default_options_of_backend_kinds_form():
    """The seed's second Encoder form has options=':fancy_upsampling=0' as its default."""
    enc = nvimgcodecs.Encoder(device_id=-1, backend_kinds=[nvimgcodecs.BackendKind.CPU_ONLY],
                              options=":fancy_upsampling=0")
    assert enc.encode(H.photo(8, 8), "jpeg")[:2] == b"\xff\xd8"


MAGIC = {"jpeg": b"\xff\xd8\xff", ".jpg": b"\xff\xd8\xff", ".jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n",
         ".png": b"\x89PNG\r\n\x1a\n", "bmp": b"BM", ".bmp": b"BM", "pnm": b"P6", ".ppm": b"P6", ".pnm": b"P6"}


@pytest.mark.parametrize("codec", sorted(MAGIC))
def test_encode_codec_names_and_extensions(encoder, codec):
    arr = H.photo(12, 20, seed=5)
    img = nvimgcodecs.as_image(arr)
    data = encoder.encode(img, codec)
    assert isinstance(data, bytes)
    assert data.startswith(MAGIC[codec])
    back = H.pil_decode(data, "RGB")
    assert back.shape == (12, 20, 3)
    if "jp" not in codec:
        np.testing.assert_array_equal(back, arr)


def test_encode_single_and_batch(encoder, decoder):
    arrs = [H.photo(10 + i, 14 + i, seed=i) for i in range(4)]
    imgs = [nvimgcodecs.as_image(a) for a in arrs]
    data = encoder.encode(imgs[0], "jpeg", params=nvimgcodecs.EncodeParams(quality=80), cuda_stream=0)
    assert data[:2] == b"\xff\xd8"
    data2 = encoder.encode(imgs[0], "jpeg", nvimgcodecs.EncodeParams(quality=80), 0)
    assert data2 == data
    out = encoder.encode(imgs, "png")
    assert isinstance(out, list) and len(out) == 4
    for a, d in zip(arrs, out):
        assert isinstance(d, bytes)
        np.testing.assert_array_equal(H.pil_decode(d), a)
    out = encoder.encode(imgs, ".bmp", params=nvimgcodecs.EncodeParams(), cuda_stream=0)
    for a, d in zip(arrs, out):
        np.testing.assert_array_equal(np.asarray(decoder.decode(d)), a)
    # a decoded Image goes straight back into the encoder
    dec_img = decoder.decode(out[1])
    np.testing.assert_array_equal(H.pil_decode(encoder.encode(dec_img, "png")), arrs[1])
    # numpy arrays are accepted wherever an Image is
    np.testing.assert_array_equal(H.pil_decode(encoder.encode(arrs[2], ".png")), arrs[2])
    assert encoder.encode([], "png") == []


@pytest.mark.parametrize("overload", ["encode(image=)", "encode(images=)", "write(file_name=)",
                                      "write(file_names=)"])
def test_encoder_seed_keyword_names(encoder, tmp_path, overload):
    """Each overload's parameters by the names the seed gives them."""
    arr = H.photo(6, 7, seed=1)
    img = nvimgcodecs.as_image(arr)
    params = nvimgcodecs.EncodeParams()
    if overload == "encode(image=)":
        blobs = [encoder.encode(image=img, codec="png", params=params, cuda_stream=0)]
    elif overload == "encode(images=)":
        blobs = encoder.encode(images=[img, img], codec="png", params=params, cuda_stream=0)
    elif overload == "write(file_name=)":
        encoder.write(file_name=str(tmp_path / "a.png"), image=img, codec="", params=params, cuda_stream=0)
        blobs = [(tmp_path / "a.png").read_bytes()]
    else:
        names = [str(tmp_path / "b.png"), str(tmp_path / "c.png")]
        encoder.write(file_names=names, images=[img, img], codec="png", params=params, cuda_stream=0)
        blobs = [pathlib.Path(n).read_bytes() for n in names]
    for b in blobs:
        np.testing.assert_array_equal(H.pil_decode(b), arr)


@pytest.mark.parametrize("name,magic", [("out.jpg", b"\xff\xd8\xff"), ("out.jpeg", b"\xff\xd8\xff"),
                                        ("out.png", b"\x89PNG"), ("out.bmp", b"BM"), ("out.ppm", b"P6"),
                                        ("noext", b"\xff\xd8\xff"), ("dir.d/noext", b"\xff\xd8\xff")])
def test_write_codec_from_extension(encoder, tmp_path, name, magic):
    arr = H.photo(9, 11, seed=2)
    path = tmp_path / name
    path.parent.mkdir(exist_ok=True)
    assert encoder.write(str(path), nvimgcodecs.as_image(arr)) is None
    data = path.read_bytes()
    assert data.startswith(magic)
    assert H.pil_decode(data, "RGB").shape == (9, 11, 3)
    # nothing but the written file is left in the folder (the write is atomic)
    assert sorted(p.name for p in path.parent.iterdir() if p.is_file()) == [path.name]


def test_write_explicit_codec_params_and_pathlike(encoder, tmp_path):
    arr = H.photo(9, 11, seed=3)
    img = nvimgcodecs.as_image(arr)
    p = tmp_path / "a.bin"
    encoder.write(str(p), img, codec="png")
    assert p.read_bytes().startswith(b"\x89PNG")
    encoder.write(str(p), img, "bmp", nvimgcodecs.EncodeParams(), 0)
    assert p.read_bytes().startswith(b"BM")
    encoder.write(str(p), img, codec=".jpg", params=nvimgcodecs.EncodeParams(quality=50), cuda_stream=0)
    assert p.read_bytes().startswith(b"\xff\xd8")
    q = tmp_path / "b.png"
    encoder.write(q, img)
    np.testing.assert_array_equal(H.pil_decode(q.read_bytes()), arr)


def test_write_batch(encoder, tmp_path):
    arrs = [H.photo(8, 10 + i, seed=i) for i in range(3)]
    imgs = [nvimgcodecs.as_image(a) for a in arrs]
    names = [str(tmp_path / n) for n in ("x.png", "y.bmp", "z.ppm")]
    encoder.write(names, imgs)
    for n, a in zip(names, arrs):
        np.testing.assert_array_equal(H.pil_decode(pathlib.Path(n).read_bytes(), "RGB"), a)
    names2 = [str(tmp_path / n) for n in ("p1", "p2", "p3")]
    encoder.write(names2, imgs, codec="png", params=nvimgcodecs.EncodeParams(), cuda_stream=0)
    for n, a in zip(names2, arrs):
        data = pathlib.Path(n).read_bytes()
        assert data.startswith(b"\x89PNG")
        np.testing.assert_array_equal(H.pil_decode(data), a)
    names3 = [str(tmp_path / n) for n in ("j1", "j2", "j3")]
    encoder.write(names3, imgs)
    assert all(pathlib.Path(n).read_bytes()[:2] == b"\xff\xd8" for n in names3)


# -------------------------------------------------------------------------------- Image

def test_image_attributes(decoder):
    data = H.pil_encode(H.noise(23, 37, 3, seed=9), "PNG")
    img = decoder.decode(data)
    assert img.height == 23 and img.width == 37
    assert img.ndim == 3
    assert tuple(img.shape) == (23, 37, 3)
    assert img.dtype == np.uint8
    s = tuple(img.strides)
    assert len(s) == 3 and s[1:] == (3, 1) and s[0] >= 37 * 3
    assert img.buffer_kind == pixcodec.ImageBufferKind.STRIDED_HOST
    assert img.precision == 8
    assert img.cpu() is img
    ai = img.__array_interface__
    assert tuple(ai["shape"]) == (23, 37, 3) and ai["typestr"] == "|u1"
    m = memoryview(img)
    assert m.shape == (23, 37, 3) and m.format == "B" and m.itemsize == 1
    np.testing.assert_array_equal(np.asarray(m), H.pil_decode(data))


def test_image_uint16_attributes(decoder):
    a = H.noise(6, 5, 3, seed=1, dtype=np.uint16)
    data = H.cv_encode(a, ".png")
    img = decoder.decode(data, params=pixcodec.DecodeParams(allow_any_depth=True))
    assert img.dtype == np.uint16
    assert tuple(img.shape) == (6, 5, 3)
    assert tuple(img.strides)[1:] == (6, 2) and img.strides[0] >= 5 * 6
    assert img.precision == 16
    assert img.__array_interface__["typestr"] in ("<u2", "=u2")
    np.testing.assert_array_equal(np.asarray(img), a)


@pytest.mark.skipif(pixcodec.gpu_device_count() > 0, reason="a GPU is present (tests/gpu covers copies)")
def test_image_cuda_without_gpu_raises_with_the_reason(decoder):
    why = pixcodec.gpu_unavailable_reason()
    assert isinstance(why, str) and why
    img = decoder.decode(H.png(4, 4))
    with pytest.raises(pixcodec.Error) as e:
        img.cuda()
    assert e.value.status_name == "BACKEND_UNAVAILABLE" and why in e.value.detail


def test_asarray_is_zero_copy(decoder, jpeg420):
    img = decoder.decode(jpeg420)
    a = np.asarray(img)
    b = np.asarray(img)
    assert a.shape == (37, 53, 3) and a.dtype == np.uint8
    assert np.shares_memory(a, b)
    assert a.__array_interface__["data"][0] == img.__array_interface__["data"][0]


def test_dlpack(decoder, jpeg420):
    img = decoder.decode(jpeg420)
    assert tuple(img.__dlpack_device__()) == (1, 0)
    cap = img.__dlpack__()
    assert type(cap).__name__ == "PyCapsule"
    img.__dlpack__(stream=None)
    img.__dlpack__(dl_device=(1, 0))  # its own device: fine
    with pytest.raises(BufferError):
        img.__dlpack__(dl_device=(2, 0))  # a host image is not on a CUDA device (no copies in __dlpack__)
    with pytest.raises(TypeError):
        img.__dlpack__(dl_device="cuda")
    if not hasattr(np, "from_dlpack"):
        pytest.skip("numpy without from_dlpack")
    a = np.from_dlpack(img)
    assert a.shape == (37, 53, 3) and a.dtype == np.uint8
    np.testing.assert_array_equal(a, np.asarray(img))
    assert np.shares_memory(a, np.asarray(img))


def test_torch_from_dlpack(decoder, jpeg420):
    torch = pytest.importorskip("torch")
    img = decoder.decode(jpeg420)
    t = torch.from_dlpack(img)
    assert tuple(t.shape) == (37, 53, 3) and t.dtype == torch.uint8
    np.testing.assert_array_equal(t.numpy(), np.asarray(img))
    enc = pixcodec.Encoder()
    np.testing.assert_array_equal(H.pil_decode(enc.encode(pixcodec.as_image(t), "png")), np.asarray(img))


# ------------------------------------------------------------------------------ as_image

def test_as_image_numpy():
    arr = H.photo(13, 17, seed=4)
    img = nvimgcodecs.as_image(arr)
    assert isinstance(img, nvimgcodecs.Image)
    assert tuple(img.shape) == (13, 17, 3) and img.height == 13 and img.width == 17 and img.dtype == np.uint8
    view = np.asarray(img)
    np.testing.assert_array_equal(view, arr)
    assert np.shares_memory(view, arr)
    img2 = nvimgcodecs.as_image(arr, cuda_stream=0)
    assert tuple(img2.shape) == (13, 17, 3)
    img3 = nvimgcodecs.as_image(arr, 0)
    assert np.shares_memory(np.asarray(img3), arr)
    assert nvimgcodecs.as_image(source_buffer=arr).shape == (13, 17, 3)


@pytest.mark.parametrize("channels", [1, 2, 3, 4])
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
def test_as_image_channels_and_depth(channels, dtype):
    arr = H.noise(5, 7, channels, seed=channels, dtype=dtype)
    img = pixcodec.as_image(arr)
    assert tuple(img.shape) == (5, 7, channels)
    assert img.dtype == dtype
    np.testing.assert_array_equal(np.asarray(img), H.hwc(arr))
    # and HxWx1 as well as HxW for one channel
    if channels == 1:
        assert tuple(pixcodec.as_image(arr[:, :, None]).shape) == (5, 7, 1)


def test_as_image_padded_rows():
    big = H.photo(10, 20, seed=6)
    part = big[:, :13]
    img = pixcodec.as_image(part)
    assert tuple(img.shape) == (10, 13, 3)
    assert img.strides[0] == big.strides[0]
    assert np.shares_memory(np.asarray(img), big)
    np.testing.assert_array_equal(H.pil_decode(pixcodec.Encoder().encode(img, "png")), part)


class ArrayInterfaceOnly:
    """Exposes pixels through __array_interface__ and nothing else."""

    def __init__(self, arr):
        self._arr = arr
        self.__array_interface__ = {"shape": arr.shape, "typestr": arr.dtype.str,
                                    "data": (arr.__array_interface__["data"][0], False),
                                    "strides": None, "version": 3}


class DLPackOnly:
    def __init__(self, arr):
        self._arr = arr

    def __dlpack__(self, stream=None):
        return self._arr.__dlpack__()

    def __dlpack_device__(self):
        return self._arr.__dlpack_device__()


def test_as_image_array_interface_only():
    arr = H.photo(6, 9, seed=7)
    src = ArrayInterfaceOnly(arr)
    img = pixcodec.as_image(src)
    assert tuple(img.shape) == (6, 9, 3)
    np.testing.assert_array_equal(np.asarray(img), arr)
    np.testing.assert_array_equal(H.pil_decode(pixcodec.Encoder().encode(img, "png")), arr)


def test_as_image_buffer_protocol_only():
    arr = H.photo(6, 9, seed=8)
    mv = memoryview(bytearray(arr.tobytes())).cast("B", (6, 9, 3))
    img = pixcodec.as_image(mv)
    assert tuple(img.shape) == (6, 9, 3)
    np.testing.assert_array_equal(np.asarray(img), arr)
    np.testing.assert_array_equal(H.pil_decode(pixcodec.Encoder().encode(img, "png")), arr)


def test_as_image_dlpack_only():
    arr = H.photo(6, 9, seed=9)
    img = pixcodec.as_image(DLPackOnly(arr))
    assert tuple(img.shape) == (6, 9, 3)
    np.testing.assert_array_equal(np.asarray(img), arr)


class ReadOnlyArrayInterface:
    """A read-only pixel buffer offered through __array_interface__ (data flag True)."""

    def __init__(self, arr):
        self._arr = arr
        self.__array_interface__ = {"shape": arr.shape, "typestr": arr.dtype.str,
                                    "data": (arr.__array_interface__["data"][0], True), "version": 3}


@pytest.mark.parametrize("route", ["buffer", "array_interface"])
def test_as_image_read_only_source_stays_read_only(route):
    """Pixels of an immutable source (here a bytes object) cannot be written through the Image."""
    raw = bytes(range(60))
    ro = np.frombuffer(raw, np.uint8).reshape(4, 5, 3)
    assert not ro.flags.writeable
    img = pixcodec.as_image(ro if route == "buffer" else ReadOnlyArrayInterface(ro))
    np.testing.assert_array_equal(np.asarray(img), ro)
    assert not np.asarray(img).flags.writeable, "a read-only source came back as a writable array"
    assert memoryview(img).readonly
    assert img.__array_interface__["data"][1] is True, "__array_interface__ claims read-only pixels are writable"
    # and it can still be encoded
    np.testing.assert_array_equal(H.pil_decode(pixcodec.Encoder().encode(img, "png")), ro)
    assert raw == bytes(range(60))


def test_decoded_image_is_writable(decoder):
    a = np.asarray(decoder.decode(H.png(4, 4)))
    assert a.flags.writeable
    a[0, 0, 0] = 1


@pytest.mark.parametrize("name,magic", [("UP.JPG", b"\xff\xd8\xff"), ("UP.PNG", b"\x89PNG"), ("Up.Bmp", b"BM"),
                                        ("x.jpe", b"\xff\xd8\xff")])
def test_write_extension_case_insensitive(encoder, tmp_path, name, magic):
    p = tmp_path / name
    encoder.write(str(p), H.photo(5, 6))
    assert p.read_bytes().startswith(magic)
    assert encoder.encode(H.photo(5, 6), "." + name.split(".")[1])[:len(magic)] == magic


def test_as_image_of_an_image(decoder, jpeg420):
    img = decoder.decode(jpeg420)
    again = pixcodec.as_image(img)
    assert tuple(again.shape) == tuple(img.shape)
    np.testing.assert_array_equal(np.asarray(again), np.asarray(img))


# ------------------------------------------------------------------ docs and typing files

PUBLIC_CLASSES = ["Backend", "BackendKind", "BackendParams", "ChromaSubsampling", "DecodeParams", "Decoder",
                  "EncodeParams", "Encoder", "Image", "Jpeg2kBitstreamType", "Jpeg2kProgOrder", "MctMode",
                  "ImageBufferKind", "Error"]
PUBLIC_METHODS = [("Decoder", "decode"), ("Decoder", "read"), ("Decoder", "__init__"), ("Encoder", "encode"),
                  ("Encoder", "write"), ("Encoder", "__init__"), ("Image", "cpu"), ("Image", "cuda"),
                  ("Image", "__dlpack__"), ("Image", "__dlpack_device__"), ("Backend", "__init__"),
                  ("BackendParams", "__init__"), ("DecodeParams", "__init__"), ("EncodeParams", "__init__")]
PUBLIC_ATTRS = [("Image", a) for a in ("dtype", "height", "width", "ndim", "shape", "strides", "buffer_kind",
                                       "precision")]


def test_help_decoder(capsys):
    help(pixcodec.Decoder)
    out = capsys.readouterr().out
    assert "decode" in out and "read" in out
    doc = pixcodec.Decoder.__doc__
    assert doc and doc.strip().splitlines()[0].strip() in out


@pytest.mark.parametrize("name", PUBLIC_CLASSES + ["as_image"])
def test_public_names_have_docstrings(name):
    obj = getattr(pixcodec, name)
    assert obj.__doc__ and len(obj.__doc__.strip()) > 10, name
    assert len(pydoc.render_doc(obj)) > 0


@pytest.mark.parametrize("cls,meth", PUBLIC_METHODS)
def test_public_methods_have_docstrings(cls, meth):
    fn = getattr(getattr(pixcodec, cls), meth)
    doc = fn.__doc__ or ""
    # a docstring of its own, not object.__init__'s generic one
    assert doc.strip() and "See help(type(self))" not in doc, (cls, meth)


@pytest.mark.parametrize("cls,attr", PUBLIC_ATTRS)
def test_image_attributes_have_docstrings(cls, attr):
    found = [k.__dict__[attr] for k in getattr(pixcodec, cls).__mro__ if attr in k.__dict__]
    assert found and (found[0].__doc__ or "").strip(), (cls, attr)


def test_typing_files_shipped():
    pkg = pathlib.Path(pixcodec.__file__).parent
    assert pathlib.Path(pixcodec.__file__).name == "__init__.py"
    assert (pkg / "py.typed").is_file()
    stub = pkg / "__init__.pyi"
    assert stub.is_file()
    tree = ast.parse(stub.read_text())
    defined = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            defined.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            for t in (node.targets if isinstance(node, ast.Assign) else [node.target]):
                if isinstance(t, ast.Name):
                    defined.add(t.id)
    for name in PUBLIC_CLASSES + ["as_image", "decode", "read", "encode", "write"]:
        assert name in defined, name


def test_stub_parameters_exist_at_runtime():
    """Every parameter the stub declares is accepted by the runtime callable (by name or **kwargs)."""
    import inspect
    stub = ast.parse((pathlib.Path(pixcodec.__file__).parent / "__init__.pyi").read_text())
    checked = 0
    for node in stub.body:
        if isinstance(node, ast.ClassDef) and node.name in ("Decoder", "Encoder", "Backend", "BackendParams",
                                                             "DecodeParams", "EncodeParams"):
            owner = getattr(pixcodec, node.name)
            defs = [(getattr(owner, f.name), f) for f in node.body if isinstance(f, ast.FunctionDef)
                    and not f.name.startswith("__dlpack")]
        elif isinstance(node, ast.FunctionDef) and node.name == "as_image":
            defs = [(pixcodec.as_image, node)]
        else:
            continue
        for fn, f in defs:
            try:
                sig = inspect.signature(fn)
            except (TypeError, ValueError):
                continue
            params = sig.parameters
            if any(p.kind == p.VAR_KEYWORD for p in params.values()):
                continue
            names = [a.arg for a in f.args.args + f.args.kwonlyargs if a.arg != "self"]
            for n in names:
                assert n in params, (node.name, f.name, n, list(params))
            checked += 1
    assert checked >= 8
