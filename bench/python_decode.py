"""Python batch JPEG decode: pixcodec's Python package against Pillow, OpenCV
and pixcodec's own command-line tool, on the benchmark's photo set.

    PYTHONPATH=BUILD_DIR/python /usr/bin/python3 bench/python_decode.py \\
        [--reps N] [--batch N] [--tool BUILD_DIR/bin/pixcodec] [--tool-repeat R] \\
        [--check N] [--limit N] PATH...

PATH is a JPEG file or a folder (every *.jpg / *.jpeg in it, sorted). All files
are read into memory first. Every row measures the same thing, "JPEG bytes in
memory -> numpy array of 8-bit pixels", over the whole set (one pass):

  (e)  pixcodec.Decoder().decode(list of bytes), --batch images per call,
       numpy.asarray(img) on every result (zero-copy), default options
       (fast chroma upsampling, as the C library and the tool)
  (e') the same with Decoder(options=':fancy_upsampling=1'): smooth chroma
       upsampling, as Pillow and OpenCV do (like for like: the same pixels)
  (f)  as (e), the whole list in one decode() call
  (g)  as (e), one image per call: decoder.decode(bytes)
  (q)  Pillow: numpy.asarray(Image.open(BytesIO(data)).convert('RGB'))
  (o)  OpenCV: cv2.imdecode(numpy.frombuffer(data, uint8), cv2.IMREAD_COLOR);
       the result is BGR, not RGB, and is left so (no conversion is timed).
       imdecode runs on the calling thread; cv2.setNumThreads does not apply.

and, to measure what the Python layer costs, a pair of fresh processes:

  (t)  the C tool `pixcodec decode --threads 0 --batch N --repeat R FILES`
       (R = --tool-repeat, default 3): it reads the files into memory, then
       times R passes in batches of N, the first (cold) pass included;
  (t') the same in Python: a fresh `python3 python_decode.py --twin`
       process reads the files, then times R passes of (e), the first
       included, exactly as the tool does.

The tool cannot leave its cold first pass out, and on a virtual machine that
pass varies a lot (fresh memory is faulted in), so (t) is compared with its
twin (t') run the same way rather than with the warm passes of (e); (e)/(t)
is printed as well. The two runs of a round take turns going first, and an
untimed `pixcodec decode --repeat 1` runs before them: on the 2-core virtual
machine, the first process started after the in-process rows ran 10-25%
slower than the next one, whichever of the two it was.

pixcodec decodes a batch on all online cores (the package's default; the tool
gets --threads 0 to match). Pillow and OpenCV decode on one thread.

Before timing, a check (outside any timing): every pixcodec result must be an
(H, W, 3) uint8 array of the file's size, viewed without a copy, and on the
first --check images pixcodec with smooth upsampling must give Pillow's pixels
and OpenCV the same pixels in BGR order (all three use libjpeg-turbo's integer
slow DCT here). The check prints PASS or FAIL ("@@ py_check"); a file that
pixcodec cannot decode stops the script (exit 1). Then one warm-up pass of every row (e) to (o), then --reps
timed rounds; a round runs one pass of every row in turn (the pair (t), (t')
counts as one row, its order alternating), so that a change in machine load
hits every row alike. The best and the median pass are reported, with the
process's minor page faults per image. A few small timings of the per-call
cost of the package follow.

If `import pixcodec` fails, a line says so and the script exits 0 (the bench
goes on without its Python section). Timings never make it fail.

Lines starting with "@@ " are for bench/run.sh: "@@ key value".
"""
import argparse
import gc
import io
import os
import re
import resource
import statistics
import subprocess
import sys
import time

from pillow_decode import collect  # same file selection as the Pillow benchmark


def read_all(files):
    blobs = []
    for f in files:
        with open(f, "rb") as fh:
            blobs.append(fh.read())
    return blobs


def decode_batches(np, decoder, blobs, size):
    """One pass of row (e): bytes -> numpy arrays, `size` images per call."""
    sink = 0
    for i in range(0, len(blobs), size):
        images = decoder.decode(blobs[i:i + size])
        arrays = [np.asarray(img) for img in images]
        for a in arrays:
            sink ^= a.shape[1]
        del images, arrays
    return sink


def twin(files, repeat, batch):
    """Row (t'): what `pixcodec decode --repeat R --batch N` does, in Python."""
    import numpy as np
    import pixcodec
    blobs = read_all(files)
    dec = pixcodec.Decoder()
    t0 = time.perf_counter()
    for _ in range(repeat):
        decode_batches(np, dec, blobs, batch)
    seconds = time.perf_counter() - t0
    print("decoded %d images in %.6f s" % (len(blobs) * repeat, seconds))


def skip(reason):
    print("Python section skipped: %s" % reason)
    print("@@ py_status skipped")
    sys.exit(0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--reps", type=int, default=5, help="timed passes per row (default 5)")
    ap.add_argument("--batch", type=int, default=32, help="images per decode() call in (e), (e'), (t), (t')")
    ap.add_argument("--tool", default="", help="the pixcodec command-line tool, for rows (t) and (t')")
    ap.add_argument("--tool-repeat", type=int, default=3, help="passes per run of (t) and (t') (default 3)")
    ap.add_argument("--check", type=int, default=16, help="images compared pixel by pixel (default 16)")
    ap.add_argument("--limit", type=int, default=0, help="use only the first N files")
    ap.add_argument("--twin", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    batch = max(1, args.batch)
    repeat = max(1, args.tool_repeat)

    files = collect(args.paths)
    if args.limit > 0:
        files = files[:args.limit]
    if not files:
        sys.exit("python_decode: no JPEG files given")
    if args.twin:
        twin(files, repeat, batch)
        return

    try:
        import numpy as np
    except ImportError as e:
        skip("numpy is not importable by %s (%s)" % (sys.executable, e))
    try:
        import pixcodec
    except Exception as e:  # ImportError, or a broken build raising something else
        skip("`import pixcodec` failed (%s: %s); PYTHONPATH=%s"
             % (type(e).__name__, e, os.environ.get("PYTHONPATH", "")))
    try:
        import PIL
        from PIL import Image
    except ImportError:
        PIL = Image = None
    try:
        import cv2
    except ImportError:
        cv2 = None

    blobs = read_all(files)
    n = len(blobs)
    ext = getattr(pixcodec, "_pixcodec", None)  # the C extension, for its thread count
    threads = getattr(ext, "num_threads", None)
    print("pixcodec Python package %s (%s); decodes batches on %s"
          % (getattr(pixcodec, "__version__", "?"),
             os.path.dirname(getattr(pixcodec, "__file__", "?") or "?"),
             "%d threads" % threads if threads else "all online cores"))
    print("numpy %s; Pillow %s; OpenCV %s; %s"
          % (np.__version__, PIL.__version__ if PIL else "not installed",
             cv2.__version__ if cv2 else "not installed", sys.executable))
    if threads:
        print("@@ py_threads %d" % threads)

    dec = pixcodec.Decoder()
    dec_fancy = pixcodec.Decoder(options=":fancy_upsampling=1")

    # ---- the check, which also gives the sizes (outside any timing) ----
    problems = []
    zero_copy = False
    shapes = []
    for i in range(0, n, batch):
        images = dec.decode(blobs[i:i + batch])
        for j, img in enumerate(images):
            if img is None:
                problems.append("%s: pixcodec returned None" % files[i + j])
                shapes.append(None)
                continue
            a = np.asarray(img)
            shapes.append(tuple(a.shape))
            want = Image.open(io.BytesIO(blobs[i + j])).size[::-1] + (3,) if Image is not None else a.shape
            if a.dtype != np.uint8 or a.ndim != 3 or tuple(a.shape) != tuple(want):
                problems.append("%s: %s %s, want uint8 %s" % (files[i + j], a.dtype, a.shape, want))
            if i + j == 0:
                zero_copy = (not a.flags.owndata) and np.shares_memory(a, np.asarray(img))
        del images
    failed = sum(sh is None for sh in shapes)
    if failed:
        for p in problems[:5]:
            print("check: " + p)
        print("Python section stopped: pixcodec failed on %d of %d files of the set" % (failed, n))
        print("@@ py_check FAIL")
        print("@@ py_status failed")
        sys.exit(1)
    megapixels = sum(h * w for h, w, _ in shapes) / 1e6
    print("%d files, %.1f megapixels (%.2f MP per image)" % (n, megapixels, megapixels / n))

    same = {}
    max_fast_diff = None
    for idx in range(min(max(0, args.check), n)):
        data = blobs[idx]
        fancy = np.asarray(dec_fancy.decode(data))
        fast = np.asarray(dec.decode(data))
        if Image is None:
            break
        ref = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
        same.setdefault("pixcodec fancy == Pillow", []).append(np.array_equal(fancy, ref))
        d = int(np.abs(fast.astype(np.int16) - ref).max())
        max_fast_diff = d if max_fast_diff is None else max(max_fast_diff, d)
        if cv2 is not None:
            bgr = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            same.setdefault("OpenCV BGR == Pillow", []).append(np.array_equal(bgr[..., ::-1], ref))
    bad = len(set(p.split(": ")[0] for p in problems))
    print("check: %d/%d decoded as (H, W, 3) uint8 of the file's size in batches of %d; numpy.asarray(img) %s"
          % (n - bad, n, batch, "is zero-copy" if zero_copy else "COPIES the pixels"))
    for p in problems[:5]:
        print("check: " + p)
    summary = ["%s on %d/%d" % (what, sum(v), len(v)) for what, v in same.items()]
    if max_fast_diff is not None:
        summary.append("pixcodec default (fast upsampling) vs Pillow: max |diff| %d" % max_fast_diff)
    if summary:
        print("check: " + "; ".join(summary))
    check_ok = not problems and zero_copy and all(all(v) for v in same.values())
    print("@@ py_check %s" % ("PASS" if check_ok else "FAIL"))
    print("@@ py_zero_copy %d" % int(bool(zero_copy)))

    # ---- rows: one call = one pass over the set ----
    def pxc_single():
        sink = 0
        for data in blobs:
            a = np.asarray(dec.decode(data))
            sink ^= a.shape[1]
        return sink

    def pillow():
        sink = 0
        for data in blobs:
            a = np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
            sink ^= a.shape[1]
        return sink

    def opencv():
        sink = 0
        for data in blobs:
            a = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_COLOR)
            sink ^= a.shape[1]
        return sink

    tool_re = re.compile(r"decoded (\d+) images .* in ([0-9.]+) s: .*\((\d+) threads?\)")
    twin_re = re.compile(r"decoded (\d+) images in ([0-9.]+) s")
    pair = {"py_tool": [], "py_twin": [], "flip": False}

    def run_timed(cmd, rx, what):
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
        m = rx.search(r.stdout)
        if r.returncode != 0 or not m or int(m.group(1)) != n * repeat:
            raise RuntimeError("%s failed (exit %d): %s"
                               % (what, r.returncode, (r.stderr or r.stdout).strip()[-300:]))
        if m.re is tool_re:
            pair["threads"] = int(m.group(3))
        return float(m.group(2)) / repeat  # seconds per pass, the cold first one included

    def tool_and_twin():
        # untimed primer: the first process started after the in-process rows runs
        # markedly slower than the next one, whichever it is (see the docstring)
        subprocess.run([args.tool, "decode", "--threads", "0", "--batch", str(batch), "--repeat", "1"] + files,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        runs = [("py_tool", [args.tool, "decode", "--threads", "0", "--batch", str(batch),
                             "--repeat", str(repeat)] + files, tool_re, "`%s decode`" % args.tool),
                ("py_twin", [sys.executable, os.path.abspath(__file__), "--twin", "--batch", str(batch),
                             "--tool-repeat", str(repeat)] + files, twin_re, "the Python twin")]
        if pair["flip"]:
            runs.reverse()
        pair["flip"] = not pair["flip"]
        for key, cmd, rx, what in runs:
            pair[key].append(run_timed(cmd, rx, what))

    rows = [  # key, label, function (None: the tool pair, timed by the processes themselves)
        ("py_pxc", "(e)  pixcodec, %d per decode() call, default" % batch,
         lambda: decode_batches(np, dec, blobs, batch)),
        ("py_pxc_fancy", "(e') pixcodec, %d per call, fancy_upsampling=1" % batch,
         lambda: decode_batches(np, dec_fancy, blobs, batch)),
        ("py_pxc_all", "(f)  pixcodec, whole list in one call, default", lambda: decode_batches(np, dec, blobs, n)),
        ("py_pxc_single", "(g)  pixcodec, one image per call, default", pxc_single),
    ]
    notes = []
    if Image is not None:
        rows.append(("py_pillow", "(q)  Pillow, 1 thread, convert('RGB')", pillow))
    else:
        notes.append("Pillow is not installed: row (q) left out")
    if cv2 is not None:
        rows.append(("py_opencv", "(o)  OpenCV imdecode, 1 thread (BGR)", opencv))
    else:
        notes.append("OpenCV (cv2) is not installed: row (o) left out")
    if args.tool and os.access(args.tool, os.X_OK):
        rows.append(("py_pair", None, tool_and_twin))
    else:
        notes.append("the C tool %s is missing: rows (t) and (t') left out" % (args.tool or "(not given)"))

    # ---- warm-up, then the interleaved timed passes ----
    for key, label, fn in rows:
        if key != "py_pair":
            fn()
    times = {key: [] for key, _, _ in rows}
    faults = {key: 0 for key, _, _ in rows}
    t_start = time.perf_counter()
    for _ in range(max(1, args.reps)):
        for key, label, fn in rows:
            gc.collect()
            if key == "py_pair":
                try:
                    fn()
                except Exception as e:
                    notes.append("rows (t), (t'): %s" % e)
                continue
            f0 = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
            t0 = time.perf_counter()
            fn()
            times[key].append(time.perf_counter() - t0)
            faults[key] += resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f0
    elapsed = time.perf_counter() - t_start

    report = [(key, label, times[key], faults[key]) for key, label, _ in rows if key != "py_pair"]
    if any(key == "py_pair" for key, _, _ in rows):
        report.append(("py_tool", "(t)  C tool, %d per call, %d passes per run" % (batch, repeat),
                       pair["py_tool"], None))
        report.append(("py_twin", "(t') Python twin of (t), %d passes per run" % repeat, pair["py_twin"], None))
    print("%-48s %9s %9s %8s %9s %8s" % ("row (best of the timed passes, median also)", "images/s", "(median)",
                                         "MP/s", "ms/image", "faults"))
    for key, label, t, flt in report:
        t = [x for x in t if x > 0]
        if not t:
            print("%-48s %9s" % (label, "-"))
            continue
        best, med = min(t), statistics.median(t)
        fpi = "%8.0f" % (flt / (n * len(t))) if flt is not None else "%8s" % "-"
        print("%-48s %9.1f %9.1f %8.1f %9.2f %s" % (label, n / best, n / med, megapixels / best,
                                                  1e3 * best / n, fpi))
        print("@@ %s_ips_best %.3f" % (key, n / best))
        print("@@ %s_ips_median %.3f" % (key, n / med))
        print("@@ %s_mps_best %.3f" % (key, megapixels / best))
    print("(faults: minor page faults of this process per image over the timed passes)")
    if pair.get("threads"):
        print("(t), (t'): fresh processes, %d threads, each timing %d passes of which the first is cold;"
              " ms per pass, run by run: (t) %s; (t') %s"
              % (pair["threads"], repeat, " ".join("%.0f" % (1e3 * x) for x in pair["py_tool"]),
                 " ".join("%.0f" % (1e3 * x) for x in pair["py_twin"])))
        print("@@ py_tool_threads %d" % pair["threads"])
        print("@@ py_tool_repeat %d" % repeat)
    for note in notes:
        print("note: " + note)
    print("(%d timed rounds, %.1f s)" % (max(1, args.reps), elapsed))

    # ---- per-call cost of the package (small timings, information) ----
    if Image is not None:
        buf = io.BytesIO()
        Image.new("RGB", (16, 16), (200, 120, 40)).save(buf, "JPEG", quality=90)
        tiny = buf.getvalue()
        img = dec.decode(tiny)

        def per(fn, count):
            fn()
            best = float("inf")
            for _ in range(5):
                t0 = time.perf_counter()
                fn()
                best = min(best, time.perf_counter() - t0)
            return 1e6 * best / count

        calls = 200
        many = [tiny] * 256
        us_single = per(lambda: [dec.decode(tiny) for _ in range(calls)], calls)
        us_list1 = per(lambda: [dec.decode([tiny]) for _ in range(calls)], calls)
        us_batch = per(lambda: dec.decode(many), len(many))
        us_asarray = per(lambda: [np.asarray(img) for _ in range(calls)], calls)
        us_pillow = per(lambda: [np.asarray(Image.open(io.BytesIO(tiny)).convert("RGB"))
                                 for _ in range(calls)], calls)
        print("per call, 16x16 JPEG (%d bytes), best of 5: decode(bytes) %.1f us; decode([bytes]) %.1f us;"
              " decode(list of 256) %.1f us per image; numpy.asarray(img) %.2f us; Pillow %.1f us"
              % (len(tiny), us_single, us_list1, us_batch, us_asarray, us_pillow))
        print("@@ py_call_us_single %.2f" % us_single)
        print("@@ py_call_us_list1 %.2f" % us_list1)
        print("@@ py_call_us_batch256 %.2f" % us_batch)
        print("@@ py_call_us_asarray %.3f" % us_asarray)
        print("@@ py_call_us_pillow %.2f" % us_pillow)

    print("@@ py_images %d" % n)
    print("@@ py_megapixels %.3f" % megapixels)
    print("@@ py_batch %d" % batch)
    print("@@ py_status ok")


if __name__ == "__main__":
    main()
