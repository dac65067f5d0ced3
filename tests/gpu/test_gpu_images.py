"""Device images: copies between host and device keep every sample, device ids are real,
and the CUDA array interface / DLPack exports are zero-copy views of the same memory."""
import numpy as np
import pytest

import pyhelpers as H
import pixcodec


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16])
@pytest.mark.parametrize("channels", [1, 3, 4])
def test_host_device_round_trip(dtype, channels):
    a = H.photo(37, 53, channels=channels, dtype=dtype)
    img = pixcodec.as_image(a)
    d = img.cuda()
    assert d.buffer_kind == pixcodec.ImageBufferKind.STRIDED_DEVICE
    assert d.__dlpack_device__()[0] == 2 and d.__dlpack_device__()[1] >= 0
    assert d.cuda() is d
    back = d.cpu()
    assert back.buffer_kind == pixcodec.ImageBufferKind.STRIDED_HOST
    np.testing.assert_array_equal(np.asarray(back).reshape(a.shape), a)


def test_cuda_array_interface_is_the_device_buffer():
    a = H.photo(16, 24)
    d = pixcodec.as_image(a).cuda()
    cai = d.__cuda_array_interface__
    assert tuple(cai["shape"]) == (16, 24, 3) and cai["typestr"] == "|u1"
    again = pixcodec.as_image(d)
    assert again is d
    class Wrap:
        __cuda_array_interface__ = cai
    w = pixcodec.as_image(Wrap())
    assert w.__cuda_array_interface__["data"][0] == cai["data"][0]
    assert w.__dlpack_device__() == d.__dlpack_device__()
    np.testing.assert_array_equal(np.asarray(w.cpu()), a)


def test_torch_and_cupy_interop():
    a = H.photo(20, 30)
    d = pixcodec.as_image(a).cuda()
    try:
        import torch
    except ImportError:
        torch = None
    if torch is not None and torch.cuda.is_available():
        t = torch.from_dlpack(d)
        assert t.is_cuda and tuple(t.shape) == (20, 30, 3)
        assert t.data_ptr() == d.__cuda_array_interface__["data"][0]
        np.testing.assert_array_equal(t.cpu().numpy(), a)
        back = pixcodec.as_image(t)
        assert back.__cuda_array_interface__["data"][0] == t.data_ptr()
    try:
        import cupy
    except ImportError:
        cupy = None
    if cupy is not None:
        c = cupy.asarray(d)
        assert c.data.ptr == d.__cuda_array_interface__["data"][0]
        np.testing.assert_array_equal(cupy.asnumpy(c), a)
    if torch is None and cupy is None:
        pytest.skip("neither PyTorch nor CuPy is installed")
