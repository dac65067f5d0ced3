"""Python threads and the pixcodec package.

- 8 threads share one Decoder (and one Encoder); each decodes batches and single images
  (and encodes, and reads files) and every result equals the sequential one.
- The GIL is released while the library works: while one thread is inside a long decode
  or encode call, another thread keeps running Python code. The check is loose: the other
  thread ran at some point well inside the call (no speed assertions).
"""
import sys
import threading
import time

import numpy as np
import pytest

import pyhelpers as H

import pixcodec  # noqa: E402

NTHREADS = 8


def inputs():
    datas = []
    for i in range(6):
        datas.append(H.jpeg(24 + 5 * i, 40 - 3 * i, seed=i, subsampling=i % 3, progressive=i == 4))
    for i in range(3):
        datas.append(H.png(17 + i, 23, seed=i, channels=(1, 3, 4)[i]))
    datas.append(H.pil_encode(H.noise(13, 9, 3, seed=5), "BMP"))
    datas.append(H.pil_encode(H.noise(11, 12, 3, seed=6), "PPM"))
    return datas


def run_threads(fn, n=NTHREADS):
    barrier = threading.Barrier(n)
    errors = []

    def body(t):
        try:
            barrier.wait()
            fn(t)
        except BaseException as e:  # noqa: BLE001 - reported below
            errors.append((t, repr(e)))

    threads = [threading.Thread(target=body, args=(t,)) for t in range(n)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    assert not any(th.is_alive() for th in threads), "a thread hung"
    assert not errors, errors[:3]


def test_shared_decoder():
    datas = inputs()
    dec = pixcodec.Decoder()
    raw = pixcodec.DecodeParams(enable_color_conversion=False)
    want = [np.asarray(dec.decode(d)).copy() for d in datas]
    want_raw = [np.asarray(dec.decode(d, params=raw)).copy() for d in datas]

    def work(t):
        for rep in range(6):
            if (rep + t) % 2:
                got = dec.decode(datas, params=raw if rep % 3 == 0 else pixcodec.DecodeParams())
            else:
                got = [dec.decode(d, params=raw if rep % 3 == 0 else pixcodec.DecodeParams()) for d in datas]
            ref = want_raw if rep % 3 == 0 else want
            for i, (g, w) in enumerate(zip(got, ref)):
                assert g is not None and np.array_equal(np.asarray(g), w), (t, rep, i)

    run_threads(work)


def test_shared_decoder_read(tmp_path):
    datas = inputs()
    paths = []
    for i, d in enumerate(datas):
        p = tmp_path / ("f%d" % i)
        p.write_bytes(d)
        paths.append(str(p))
    dec = pixcodec.Decoder()
    want = [np.asarray(dec.decode(d)).copy() for d in datas]

    def work(t):
        for rep in range(3):
            got = dec.read(paths) if (rep + t) % 2 else [dec.read(p) for p in paths]
            for i, (g, w) in enumerate(zip(got, want)):
                assert np.array_equal(np.asarray(g), w), (t, rep, i)

    run_threads(work)


def test_shared_encoder(tmp_path):
    arrs = [H.photo(20 + i, 30, seed=i, channels=(1, 3, 4, 3)[i % 4]) for i in range(8)]
    codecs = ["jpeg", "png", "bmp", "pnm"]
    enc = pixcodec.Encoder()
    params = pixcodec.EncodeParams(quality=85, chroma_subsampling=pixcodec.ChromaSubsampling.CSS_420)
    want = {c: [enc.encode(a, c, params) for a in arrs] for c in codecs}

    def work(t):
        for rep in range(4):
            c = codecs[(rep + t) % 4]
            if rep % 2:
                got = enc.encode(arrs, c, params)
            else:
                got = [enc.encode(pixcodec.as_image(a), c, params) for a in arrs]
            assert got == want[c], (t, rep, c)
        names = [str(tmp_path / ("t%d_%d.png" % (t, i))) for i in range(len(arrs))]
        enc.write(names, arrs)
        for n, w in zip(names, want["png"]):
            with open(n, "rb") as f:
                assert f.read() == w

    run_threads(work)


def test_shared_decoder_and_encoder_mixed():
    """Threads decode what other threads encode with the same shared objects."""
    dec = pixcodec.Decoder()
    enc = pixcodec.Encoder()
    arrs = [H.noise(15 + t, 21, 3, seed=t) for t in range(NTHREADS)]

    def work(t):
        for rep in range(10):
            data = enc.encode(arrs[t], ("png", "bmp", "pnm")[rep % 3])
            img = dec.decode(data)
            assert np.array_equal(np.asarray(img), arrs[t]), (t, rep)
            back = enc.encode(img, "png")
            assert np.array_equal(np.asarray(dec.decode([back])[0]), arrs[t]), (t, rep)

    run_threads(work)


# ------------------------------------------------------------------------------ the GIL

def other_thread_ran_during(call):
    """Run call() in a thread while this thread spins in Python.

    Returns (duration of the call, number of spin-loop samples taken well inside the call).
    The margins exclude the moments around entering and leaving the call, where an
    interpreter switch can happen even when the call itself holds the GIL.
    """
    stamps = []
    span = {}
    done = threading.Event()

    def worker():
        span["t0"] = time.perf_counter()
        call()
        span["t1"] = time.perf_counter()
        done.set()

    th = threading.Thread(target=worker)
    th.start()
    n = 0
    while not done.is_set():
        n += 1
        if n % 200 == 0:
            stamps.append(time.perf_counter())
    th.join()
    margin = 4 * sys.getswitchinterval() + 0.005
    inside = [s for s in stamps if span["t0"] + margin < s < span["t1"] - margin]
    return span["t1"] - span["t0"], len(inside)


def long_enough(call, minimum=0.12):
    t = time.perf_counter()
    call()
    return time.perf_counter() - t >= minimum


def test_gil_released_during_batch_decode():
    dec = pixcodec.Decoder()
    photos = [H.pil_encode(H.photo(512, 512, seed=s), "JPEG", quality=90) for s in range(4)]
    batch = photos * 8
    while not long_enough(lambda: dec.decode(batch)) and len(batch) < 1024:
        batch = batch * 2
    duration, inside = other_thread_ran_during(lambda: dec.decode(batch))
    if duration < 0.08:
        pytest.skip("decode too fast on this machine to observe (%.3f s)" % duration)
    assert inside > 0, "no Python ran in another thread during a %.3f s batch decode" % duration


def test_gil_released_during_single_decode_and_encode():
    dec = pixcodec.Decoder()
    enc = pixcodec.Encoder()
    big = H.noise(1200, 1200, 3, seed=1)
    png = enc.encode(big, "png")
    checked = 0
    for what, call in (("decode", lambda: dec.decode(png)), ("encode", lambda: enc.encode(big, "png"))):
        if not long_enough(call, 0.06):
            continue
        duration, inside = other_thread_ran_during(call)
        assert inside > 0, "no Python ran in another thread during a %.3f s single %s" % (duration, what)
        checked += 1
    if not checked:
        pytest.skip("single decode and encode too fast on this machine to observe")
