"""Memory and object lifetime of the pixcodec package.

- 20,000 small images decoded and dropped (one by one and in batches): Python allocations
  (tracemalloc) and the process RSS (/proc/self/statm, after a warm-up) stay flat.
- Views (numpy.asarray, memoryview, numpy.from_dlpack) outlive the Image they came from,
  also while later decodes reuse released buffers; Images outlive their Decoder.
- as_image keeps its source alive exactly as long as the Image (or a view of it) lives.
- Reference counts of inputs, parameters and results are unchanged by calls, failed ones
  included.
"""
import gc
import sys
import tracemalloc
import warnings
import weakref

import numpy as np
import pytest

import pyhelpers as H

import pixcodec  # noqa: E402

MiB = 1 << 20

SMALL = [H.jpeg(16, 16, seed=i, subsampling=i % 3) for i in range(4)] + \
        [H.png(16, 16, seed=i, channels=3) for i in range(4)]
BAD = SMALL[0][: len(SMALL[0]) // 2]


@pytest.fixture(scope="module")
def dec():
    return pixcodec.Decoder()


@pytest.fixture(scope="module")
def enc():
    return pixcodec.Encoder()


def churn(dec, singles, batches, batch_size=100, view_every=2):
    n = 0
    for i in range(singles):
        img = dec.decode(SMALL[i % len(SMALL)])
        if i % view_every == 0:
            a = np.asarray(img)
            assert a.shape == (16, 16, 3)
        n += 1
    batch = [SMALL[i % len(SMALL)] for i in range(batch_size)]
    for _ in range(batches):
        imgs = dec.decode(batch)
        assert len(imgs) == batch_size and imgs[-1].shape == (16, 16, 3)
        n += batch_size
    return n


def test_rss_flat_over_20000_decodes(dec):
    churn(dec, 2000, 20)  # warm-up: thread pool, image cache, allocator arenas
    gc.collect()
    before = H.rss_bytes()
    n = churn(dec, 10000, 100)
    gc.collect()
    growth = H.rss_bytes() - before
    assert n == 20000
    assert growth < 4 * MiB, "RSS grew by %.1f MiB over %d decodes" % (growth / MiB, n)


def test_python_allocations_flat(dec):
    churn(dec, 500, 5)
    gc.collect()
    tracemalloc.start()
    try:
        churn(dec, 200, 2)
        gc.collect()
        base = tracemalloc.get_traced_memory()[0]
        n = churn(dec, 3000, 20)
        gc.collect()
        growth = tracemalloc.get_traced_memory()[0] - base
    finally:
        tracemalloc.stop()
    # a leaked Image or list per decode would be >= 50 bytes each: >= 250 KB here
    assert growth < 64 * 1024, "Python allocations grew by %d bytes over %d decodes" % (growth, n)


def test_rss_flat_over_encodes_and_failures(enc, dec):
    arr = H.photo(16, 16)
    img = pixcodec.as_image(arr)

    def run(k):
        for i in range(k):
            enc.encode(img if i % 2 else arr, ("jpeg", "png", "bmp", "pnm")[i % 4])
            with pytest.raises(pixcodec.Error):
                dec.decode(BAD)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for _ in range(k // 20):
                out = dec.decode([SMALL[0], BAD, SMALL[1]])
                assert out[1] is None
            enc.encode([arr] * 10, "png")
    run(500)
    gc.collect()
    before = H.rss_bytes()
    run(4000)
    gc.collect()
    growth = H.rss_bytes() - before
    assert growth < 4 * MiB, "RSS grew by %.1f MiB" % (growth / MiB)


def test_decoders_and_encoders_created_and_dropped():
    for _ in range(20):
        pixcodec.Decoder().decode(SMALL[0])
        pixcodec.Encoder().encode(H.photo(8, 8), "png")
    gc.collect()
    before = H.rss_bytes()
    for _ in range(100):
        d = pixcodec.Decoder()
        d.decode(SMALL[1])
        e = pixcodec.Encoder()
        e.encode(H.photo(8, 8), "jpeg")
        del d, e
    gc.collect()
    assert H.rss_bytes() - before < 4 * MiB


# -------------------------------------------------------------------- views and images

def _overwrite_released_buffers(dec, data, n=64):
    """Decode many same-sized images so a buffer released too early would be reused."""
    keep = dec.decode([data] * n)
    keep += [dec.decode(data) for _ in range(n)]
    return keep


@pytest.mark.parametrize("how", ["asarray", "memoryview", "from_dlpack", "slice"])
def test_view_outlives_image(dec, how):
    if how == "from_dlpack" and not hasattr(np, "from_dlpack"):
        pytest.skip("numpy without from_dlpack")
    first = H.pil_encode(H.noise(40, 30, 3, seed=1), "PNG")
    other = H.pil_encode(H.noise(40, 30, 3, seed=2), "PNG")
    expect = H.noise(40, 30, 3, seed=1)
    img = dec.decode(first)
    if how == "asarray":
        view = np.asarray(img)
    elif how == "memoryview":
        view = memoryview(img)
    elif how == "from_dlpack":
        view = np.from_dlpack(img)
    else:
        view = np.asarray(img)[5:, 3:]
        expect = expect[5:, 3:]
    del img
    gc.collect()
    keep = _overwrite_released_buffers(dec, other)
    np.testing.assert_array_equal(np.asarray(view), expect)
    del keep


def test_batch_views_outlive_images(dec):
    datas = [H.pil_encode(H.noise(20, 24, 3, seed=s), "PNG") for s in range(6)]
    views = [np.asarray(i) for i in dec.decode(datas)]
    gc.collect()
    keep = _overwrite_released_buffers(dec, H.pil_encode(H.noise(20, 24, 3, seed=99), "PNG"))
    for s, v in enumerate(views):
        np.testing.assert_array_equal(v, H.noise(20, 24, 3, seed=s))
    del keep


def test_image_outlives_decoder():
    data = H.pil_encode(H.noise(20, 24, 3, seed=5), "PNG")
    img = pixcodec.Decoder().decode(data)
    imgs = pixcodec.Decoder().decode([data, data])
    gc.collect()
    _overwrite_released_buffers(pixcodec.Decoder(), H.pil_encode(H.noise(20, 24, 3, seed=6), "PNG"))
    gc.collect()
    for i in [img] + imgs:
        np.testing.assert_array_equal(np.asarray(i), H.noise(20, 24, 3, seed=5))
    # and can still be encoded
    np.testing.assert_array_equal(H.pil_decode(pixcodec.Encoder().encode(img, "png")), H.noise(20, 24, 3, seed=5))


# ------------------------------------------------------------------ as_image keeps source

class Arr(np.ndarray):
    """ndarray subclass: supports weak references."""


class ArrayInterfaceOnly:
    def __init__(self, arr):
        self._arr = arr
        self.__array_interface__ = {"shape": arr.shape, "typestr": arr.dtype.str,
                                    "data": (arr.__array_interface__["data"][0], False), "version": 3}


@pytest.mark.parametrize("kind", ["ndarray_subclass", "array_interface"])
def test_as_image_keeps_source_alive(kind):
    arr = H.noise(12, 10, 3, seed=3)
    src = arr.copy().view(Arr) if kind == "ndarray_subclass" else ArrayInterfaceOnly(arr.copy())
    ref = weakref.ref(src)
    img = pixcodec.as_image(src)
    del src
    gc.collect()
    alive = ref() is not None
    assert alive, "source collected while the Image lives"
    np.testing.assert_array_equal(np.asarray(img), arr)
    view = np.asarray(img)
    del img
    gc.collect()
    alive = ref() is not None
    assert alive, "source collected while a view of the Image lives"
    np.testing.assert_array_equal(view, arr)
    del view
    gc.collect()
    collected = ref() is None
    assert collected, "source kept alive after the Image and its views are gone"


def test_reference_cycle_through_image_is_collected():
    """source -> Image -> source (the Image stored on its own source) is garbage the collector frees."""
    src = H.noise(8, 8, 3, seed=4).view(Arr)
    src.image = pixcodec.as_image(src)
    ref = weakref.ref(src)
    del src
    gc.collect()
    collected = ref() is None
    assert collected, "a reference cycle through a pixcodec.Image is never collected (Image has no GC support)"


def test_as_image_holds_buffer_export():
    ba = bytearray(H.noise(4, 5, 3, seed=8).tobytes())
    mv = memoryview(ba).cast("B", (4, 5, 3))
    img = pixcodec.as_image(mv)
    with pytest.raises(BufferError):
        mv.release()
    del mv
    gc.collect()
    with pytest.raises(BufferError):
        ba.append(0)  # still exported: the Image holds the buffer
    np.testing.assert_array_equal(np.asarray(img), H.noise(4, 5, 3, seed=8))
    del img
    gc.collect()
    ba.append(0)  # released


def test_as_image_source_refcount():
    arr = H.noise(6, 7, 3, seed=1)
    r0 = sys.getrefcount(arr)
    img = pixcodec.as_image(arr)
    assert sys.getrefcount(arr) > r0
    del img
    gc.collect()
    assert sys.getrefcount(arr) == r0
    for _ in range(100):
        pixcodec.as_image(arr)
    gc.collect()
    assert sys.getrefcount(arr) == r0


# ------------------------------------------------------------------------- refcounts

def test_refcounts_of_inputs_and_results(dec, enc):
    data = SMALL[5]
    params = pixcodec.DecodeParams()
    eparams = pixcodec.EncodeParams(quality=80)
    arr = H.photo(16, 16)
    batch = [data, SMALL[6]]
    counts = lambda: [sys.getrefcount(o) for o in (data, params, eparams, arr, batch)]  # noqa: E731
    before = counts()
    for _ in range(50):
        img = dec.decode(data, params=params)
        assert sys.getrefcount(img) == 2  # only `img` and the argument
        imgs = dec.decode(batch, params)
        assert all(sys.getrefcount(i) == 3 for i in imgs)  # the list, the loop variable, the argument
        out = enc.encode(arr, "jpeg", eparams)
        assert sys.getrefcount(out) == 2
        outs = enc.encode([arr, img], "png", eparams)
        assert all(sys.getrefcount(o) == 3 for o in outs)
        del img, imgs, out, outs
    gc.collect()
    assert counts() == before


def test_refcounts_on_failures(dec, enc):
    bad, good = BAD, SMALL[0]
    params = pixcodec.DecodeParams()
    before = [sys.getrefcount(bad), sys.getrefcount(good), sys.getrefcount(params)]
    for _ in range(50):
        with pytest.raises(pixcodec.Error):
            dec.decode(bad, params)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = dec.decode([good, bad], params)
        assert out[1] is None
        with pytest.raises(TypeError):
            dec.decode([good, 5])
        with pytest.raises(Exception):
            enc.encode(H.photo(4, 4), "xyz")
    del out
    gc.collect()
    assert [sys.getrefcount(bad), sys.getrefcount(good), sys.getrefcount(params)] == before
