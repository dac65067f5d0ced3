"""The hybrid GPU JPEG encoder (colour conversion, downsampling, DCT and quantisation on the GPU,
Huffman coding on the CPU) writes exactly the bytes the CPU encoder (libjpeg-turbo) writes for the
same image and parameters: both follow libjpeg-turbo's arithmetic (tests/c/test_ref_jpeg_encode
checks the shared CPU reference bit for bit)."""
import pytest

import pyhelpers as H
import pixcodec

GPU = [pixcodec.Backend(pixcodec.BackendKind.HYBRID_CPU_GPU)]
CPU = [pixcodec.Backend(pixcodec.BackendKind.CPU_ONLY)]


@pytest.mark.parametrize("css", ["CSS_444", "CSS_422", "CSS_420", "CSS_440", "CSS_411", "CSS_GRAY"])
@pytest.mark.parametrize("shape", [(1, 1), (7, 5), (33, 31), (481, 640), (1080, 1920)])
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_gpu_encode_equals_cpu_encode(css, shape, channels):
    img = H.photo(shape[0], shape[1], channels=channels, seed=shape[1])
    for q, opt, prog in ((75, False, False), (95, True, False), (50, True, True)):
        p = pixcodec.EncodeParams(quality=q, chroma_subsampling=getattr(pixcodec.ChromaSubsampling, css),
                                  jpeg_optimized_huffman=opt, jpeg_progressive=prog)
        g = pixcodec.Encoder(backends=GPU).encode(img, "jpeg", p)
        c = pixcodec.Encoder(backends=CPU).encode(img, "jpeg", p)
        assert g == c, (css, shape, channels, q, opt, prog)


def test_gpu_encode_batch():
    imgs = [H.photo(100 + i, 150 + 3 * i, seed=i) for i in range(16)]
    g = pixcodec.Encoder(backends=GPU).encode(imgs, "jpeg")
    c = pixcodec.Encoder(backends=CPU).encode(imgs, "jpeg")
    assert g == c
