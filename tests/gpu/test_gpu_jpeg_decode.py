"""The hybrid GPU JPEG decoder (entropy decoding on the CPU, IDCT, upsampling and colour conversion
on the GPU) gives exactly the CPU decoder's samples (libjpeg-turbo, JDCT_ISLOW) in both upsampling
modes: the kernels run the arithmetic of decode_math.h, whose CPU reference
(tests/c/test_ref_jpeg_decode) equals libjpeg-turbo sample for sample."""
import io

import numpy as np
import pytest
from PIL import Image as PILImage

import pyhelpers as H
import pixcodec

GPU = [pixcodec.Backend(pixcodec.BackendKind.HYBRID_CPU_GPU)]
CPU = [pixcodec.Backend(pixcodec.BackendKind.CPU_ONLY)]


def both(data, options=":fancy_upsampling=0", **params):
    p = pixcodec.DecodeParams(**params)
    g = pixcodec.Decoder(backends=GPU, options=options).decode(data, p)
    c = pixcodec.Decoder(backends=CPU, options=options).decode(data, p)
    return np.asarray(g.cpu()), np.asarray(c)


@pytest.mark.parametrize("fancy", [0, 1])
@pytest.mark.parametrize("sub", [0, 1, 2])           # Pillow: 4:4:4, 4:2:2, 4:2:0
@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (17, 9), (481, 640), (1080, 1920)])
@pytest.mark.parametrize("progressive", [False, True])
def test_gpu_decode_equals_cpu(fancy, sub, shape, progressive):
    data = H.jpeg(shape[0], shape[1], seed=shape[0], quality=92, subsampling=sub, progressive=progressive)
    g, c = both(data, options=f":fancy_upsampling={fancy}")
    assert g.shape == c.shape and np.array_equal(g, c)


@pytest.mark.parametrize("fancy", [0, 1])
def test_gpu_decode_gray_cmyk_and_restart_markers(fancy):
    gray = H.pil_encode(H.photo(33, 47, channels=1), "JPEG", quality=90)
    cmyk_img = PILImage.fromarray(H.photo(40, 56, channels=4), "CMYK")
    buf = io.BytesIO()
    cmyk_img.save(buf, "JPEG", quality=90)
    import cv2
    ok, rst = cv2.imencode(".jpg", H.photo(120, 200)[:, :, ::-1], [cv2.IMWRITE_JPEG_RST_INTERVAL, 3])
    assert ok
    for data in (gray, buf.getvalue(), rst.tobytes()):
        g, c = both(data, options=f":fancy_upsampling={fancy}")
        assert np.array_equal(g, c)


def test_gpu_decode_batch_and_corpus(corpus_jpegs):
    # files the hybrid decoder declines (12-bit, progressive scans leaving coefficients unrefined)
    # go to the CPU decoder after it
    dec_g = pixcodec.Decoder(backends=GPU + CPU)
    dec_c = pixcodec.Decoder(backends=CPU)
    datas = [H.jpeg(64 + i, 80 + 2 * i, seed=i) for i in range(32)] + corpus_jpegs
    for g, c in zip(dec_g.decode(datas), dec_c.decode(datas)):
        assert np.array_equal(np.asarray(g.cpu()), np.asarray(c))


@pytest.fixture
def corpus_jpegs():
    import glob
    import os
    files = sorted(glob.glob(os.path.join(H.CORPUS, "**", "*.jpg"), recursive=True))[:20]
    return [open(f, "rb").read() for f in files]
