"""The GPU_ONLY JPEG decoder (jpeg.cuda): our parser, Huffman decoding in CUDA kernels (parallel,
self-synchronising), then the same decode kernels as the hybrid decoder. Its output must equal the
CPU decoder's samples exactly (libjpeg-turbo, JDCT_ISLOW) in both upsampling modes: the Huffman
kernels' CPU run equals jpeg_read_coefficients and, followed by the decode stages' reference,
libjpeg's pixels (tests/c/test_ref_jpeg_huffman). Streams it does not take (progressive,
arithmetic) are declined with the reason, and a list that also allows HYBRID_CPU_GPU falls back."""
import io

import numpy as np
import pytest
from PIL import Image as PILImage

import pyhelpers as H
import pixcodec

GPU_ONLY = [pixcodec.Backend(pixcodec.BackendKind.GPU_ONLY)]
GPU_THEN_HYBRID = [pixcodec.Backend(pixcodec.BackendKind.GPU_ONLY),
                   pixcodec.Backend(pixcodec.BackendKind.HYBRID_CPU_GPU)]
CPU = [pixcodec.Backend(pixcodec.BackendKind.CPU_ONLY)]


def both(data, backends=GPU_ONLY, options=":fancy_upsampling=0", **params):
    p = pixcodec.DecodeParams(**params)
    g = pixcodec.Decoder(backends=backends, options=options).decode(data, p)
    c = pixcodec.Decoder(backends=CPU, options=options).decode(data, p)
    return np.asarray(g.cpu()), np.asarray(c)


@pytest.mark.parametrize("fancy", [0, 1])
@pytest.mark.parametrize("sub", [0, 1, 2])
@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (17, 9), (481, 640), (1080, 1920), (3000, 4000)])
def test_gpu_only_equals_cpu(fancy, sub, shape):
    data = H.jpeg(shape[0], shape[1], seed=shape[1], quality=92, subsampling=sub)
    g, c = both(data, options=f":fancy_upsampling={fancy}")
    assert g.shape == c.shape and np.array_equal(g, c)


@pytest.mark.parametrize("interval", [1, 3, 64])
def test_gpu_only_restart_markers(interval):
    import cv2
    ok, enc = cv2.imencode(".jpg", H.photo(720, 1280)[:, :, ::-1], [cv2.IMWRITE_JPEG_RST_INTERVAL, interval])
    assert ok
    g, c = both(enc.tobytes())
    assert np.array_equal(g, c)


def test_gpu_only_gray_cmyk_optimized_with_and_without_conversion():
    gray = H.pil_encode(H.photo(333, 470, channels=1), "JPEG", quality=90)
    buf = io.BytesIO()
    PILImage.fromarray(H.photo(400, 560, channels=4), "CMYK").save(buf, "JPEG", quality=90)
    opt = H.pil_encode(H.photo(300, 500), "JPEG", quality=75, optimize=True)
    for data in (gray, buf.getvalue(), opt):
        for convert in (True, False):
            g, c = both(data, enable_color_conversion=convert)
            assert np.array_equal(g, c)


def test_gpu_only_declines_progressive_with_the_reason_and_falls_back():
    data = H.jpeg(200, 300, seed=5, progressive=True)
    with pytest.raises(pixcodec.Error, match="progressive.*HYBRID_CPU_GPU"):
        pixcodec.Decoder(backends=GPU_ONLY).decode(data)
    g, c = both(data, backends=GPU_THEN_HYBRID)
    assert np.array_equal(g, c)


def test_gpu_only_corrupt_and_truncated_fail_alone_in_a_batch():
    good = [H.jpeg(240, 320, seed=i) for i in range(6)]
    truncated = good[0][: len(good[0]) // 2]
    flipped = bytearray(good[1])
    for i in range(len(flipped) // 2, len(flipped) - 2, 97):
        flipped[i] ^= 0x5A
    batch = good + [truncated, bytes(flipped)]
    dec = pixcodec.Decoder(backends=GPU_ONLY)
    with pytest.warns(pixcodec.DecodeWarning):
        out = dec.decode(batch)
    cpu = pixcodec.Decoder(backends=CPU).decode(good)
    for g, c in zip(out[:6], cpu):
        assert np.array_equal(np.asarray(g.cpu()), np.asarray(c))
    assert out[6] is None
    with pytest.raises(pixcodec.Error):
        dec.decode(truncated)


def test_gpu_only_batch_of_many_and_device_id():
    datas = [H.jpeg(64 + 7 * i, 96 + 5 * i, seed=i, subsampling=i % 3) for i in range(64)]
    dec = pixcodec.Decoder(device_id=0, backends=GPU_ONLY)
    cpu = pixcodec.Decoder(backends=CPU).decode(datas)
    for g, c in zip(dec.decode(datas), cpu):
        assert np.array_equal(np.asarray(g.cpu()), np.asarray(c))
    with pytest.raises(pixcodec.Error, match="device_id"):
        pixcodec.Decoder(device_id=pixcodec.gpu_device_count(), backends=GPU_ONLY).decode(datas[0])


def test_batch_split_between_gpu_and_cpu_by_load_hint():
    datas = [H.jpeg(90 + i, 120 + 3 * i, seed=i) for i in range(40)]
    cpu = pixcodec.Decoder(backends=CPU).decode(datas)
    for hint in (0.0, 0.3, 1.0):
        dec = pixcodec.Decoder(backends=[pixcodec.Backend(pixcodec.BackendKind.GPU_ONLY, load_hint=hint),
                                         pixcodec.Backend(pixcodec.BackendKind.CPU_ONLY)])
        for g, c in zip(dec.decode(datas), cpu):
            assert np.array_equal(np.asarray(g.cpu()), np.asarray(c))
