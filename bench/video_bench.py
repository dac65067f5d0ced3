"""Video decode benchmark: pixcodec against PyAV, OpenCV and the ffmpeg CLI, in one run.

    PXC_BUILD_DIR=build /usr/bin/python3 bench/video_bench.py [--reps N] [--seconds S] [--dir DIR]

Clips (made once with Debian's ffmpeg into DIR, default BUILD/bench-video, and
reused): 1080p25 H.264 (libx264 -preset veryfast) and HEVC (libx265 -preset
ultrafast), with the encoders' default key frame interval (250) and B-frames,
S seconds (default 10) for the sequential rows and 30 s for random access. The
picture is real camera footage: the corpus's 1080p H.264 clip looped forwards
and backwards (see make_clip).

Rows, per clip (frames per second over the whole clip, best of --reps passes;
the rows of a round take turns, so a change in machine load hits them alike):

  (r) pixcodec.video.VideoReader(clip, output='rgb'): every frame as an
      (H, W, 3) uint8 numpy array
  (a) PyAV: for frame in container.decode(stream): frame.to_ndarray(format='rgb24'),
      with stream.thread_type = 'AUTO' (frame and slice threads on every core)
  (o) OpenCV: cv2.VideoCapture(clip).read() until the end (BGR arrays)
  (d) decode only, whole processes: `pixcodec video decode clip` against
      `ffmpeg -threads N -i clip -f null -` (N = online cores): wall time of
      each process, start-up included for both
  (s) random access: 10 frames spread evenly over the 30 s clip, as RGB arrays:
      pixcodec VideoReader.get_frames_at(indices) against PyAV seeking to each
      (container.seek(pts, backward=True) to the key frame before it, then
      decoding up to the frame). Both are checked against a sequential decode:
      seeking to the key frame before the target is not enough in open-GOP
      streams (x265's default), whose leading pictures need the GOP before.

Targets (2 cores): (r)/(a) >= 1.2, (d) pixcodec within 5% of ffmpeg
(ratio >= 0.95), (s) >= 2x PyAV. Information only: timings never fail the run.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

import numpy as np

BUILD = os.path.abspath(os.environ.get("PXC_BUILD_DIR", "build"))
sys.path.insert(0, os.path.join(BUILD, "python"))

try:
    import av
except ImportError:   # pragma: no cover
    av = None
try:
    import cv2
except ImportError:   # pragma: no cover
    cv2 = None
import pixcodec.video as pv  # noqa: E402

TOOL = os.path.join(BUILD, "bin", "pixcodec")
CORES = os.cpu_count() or 1


CAMERA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus", "h264",
                      "VID_1920x1080_cabac_temporal_direct.264")


def make_clip(path, codec, seconds):
    """A 1080p25 clip of `seconds`: the corpus camera clip (2.16 s of real footage)
    played forwards and backwards in a loop, so that the motion never cuts, encoded
    with the encoder's own defaults for key frames and B-frames (x264 -preset
    veryfast: keyint 250, 3 B-frames; x265 -preset ultrafast: keyint 250). Without
    the corpus, ffmpeg's testsrc2 pattern."""
    if os.path.exists(path):
        return path
    enc = {"h264": ["-c:v", "libx264", "-preset", "veryfast"],
           "hevc": ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]}
    if os.path.exists(CAMERA):
        src = ["-i", CAMERA, "-filter_complex",
               "[0:v]split[a][b];[b]reverse[r];[a][r]concat=n=2:v=1:a=0,loop=loop=-1:size=108:start=0,"
               "setpts=N/25/TB", "-t", str(seconds), "-r", "25"]
    else:
        src = ["-f", "lavfi", "-i", f"testsrc2=size=1920x1080:rate=25:duration={seconds}"]
    tmp = path + ".tmp.mp4"
    print(f"making {os.path.basename(path)} ({seconds} s of 1080p25 {codec}) ...", flush=True)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *src, "-pix_fmt", "yuv420p", *enc[codec], "-an", tmp],
                   check=True)
    os.replace(tmp, path)
    return path


def run_pixcodec(clip):
    n = 0
    for frame in pv.VideoReader(clip, output="rgb"):
        arr = np.asarray(frame)
        assert arr.ndim == 3 and arr.shape[2] == 3
        n += 1
    return n


def run_pyav(clip):
    n = 0
    with av.open(clip) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        for frame in c.decode(s):
            frame.to_ndarray(format="rgb24")
            n += 1
    return n


def run_opencv(clip):
    cap = cv2.VideoCapture(clip)
    n = 0
    while True:
        ok, _ = cap.read()
        if not ok:
            break
        n += 1
    cap.release()
    return n


def run_tool(clip):
    out = subprocess.run([TOOL, "video", "decode", clip], check=True, capture_output=True, text=True).stdout
    return int(out.split(": pass 1: ")[1].split(" ")[0])


def run_ffmpeg(clip):
    subprocess.run(["ffmpeg", "-v", "error", "-threads", str(CORES), "-i", clip, "-f", "null", "-"], check=True)
    return None


def pyav_frames_at(clip, indices):
    """PyAV: seek to the key frame before each target and decode up to it. The
    clips are untagged 1080p, which pixcodec converts as BT.709 (HD) and
    libswscale's default as BT.601: PyAV is asked for BT.709 so that the frames
    can be compared."""
    out = {}
    with av.open(clip) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        rate = s.average_rate
        for i in sorted(set(indices)):
            target = int(round(i / rate / s.time_base)) + (s.start_time or 0)
            c.seek(target, stream=s, backward=True, any_frame=False)
            for frame in c.decode(s):
                if frame.pts is not None and frame.pts >= target:
                    out[i] = frame.reformat(format="rgb24", src_colorspace="ITU709").to_ndarray()
                    break
    return [out[i] for i in indices]


def sequential_frames(clip, indices):
    """The reference for the random-access check: PyAV decoding every frame from the start."""
    want, out = set(indices), {}
    with av.open(clip) as c:
        s = c.streams.video[0]
        s.thread_type = "AUTO"
        for n, frame in enumerate(c.decode(s)):
            if n in want:
                out[n] = frame.reformat(format="rgb24", src_colorspace="ITU709").to_ndarray()
    return [out[i] for i in indices]


def pixcodec_frames_at(clip, indices):
    r = pv.VideoReader(clip, output="rgb")
    return [np.asarray(f) for f in r.get_frames_at(indices)]


def timed(fn, *args):
    t = time.perf_counter()
    r = fn(*args)
    return time.perf_counter() - t, r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--dir", default=os.path.join(BUILD, "bench-video"))
    a = ap.parse_args()
    if not shutil.which("ffmpeg"):
        print("video bench: ffmpeg not found; skipped")
        return 0
    os.makedirs(a.dir, exist_ok=True)
    print(f"machine: {CORES} online cores; load average at start: {open('/proc/loadavg').read().split()[:3]}")
    results = {}
    for codec in ("h264", "hevc"):
        clip = make_clip(os.path.join(a.dir, f"cam_{codec}_1080p_{a.seconds}s.mp4"), codec, a.seconds)
        nframes = run_pixcodec(clip)   # warm-up and frame count
        rows = {"r": run_pixcodec, "d_pxc": run_tool, "d_ffmpeg": run_ffmpeg}
        if av is not None:
            rows["a"] = run_pyav
        if cv2 is not None:
            rows["o"] = run_opencv
        times = {k: [] for k in rows}
        for rep in range(a.reps):
            keys = list(rows) if rep % 2 == 0 else list(reversed(rows))
            for k in keys:
                dt, n = timed(rows[k], clip)
                if n is not None and n != nframes:
                    print(f"  {codec} {k}: {n} frames, expected {nframes}")
                times[k].append(dt)
        fps = {k: nframes / min(v) for k, v in times.items()}
        med = {k: nframes / statistics.median(v) for k, v in times.items()}
        results[codec] = (nframes, fps, med)

        long_clip = make_clip(os.path.join(a.dir, f"cam_{codec}_1080p_30s.mp4"), codec, 30)
        total = len(pv.VideoReader(long_clip))
        idx = [int(k * (total - 1) / 9) for k in (3, 0, 9, 5, 1, 8, 2, 7, 4, 6)]
        ra = {"s_pxc": [], "s_av": []}
        check = "not run"
        for rep in range(a.reps):
            dt, got = timed(pixcodec_frames_at, long_clip, idx)
            ra["s_pxc"].append(dt)
            if av is not None:
                dt, ref = timed(pyav_frames_at, long_clip, idx)
                ra["s_av"].append(dt)
                if rep == 0:
                    truth = sequential_frames(long_clip, idx)
                    ok_pxc = sum(int(np.abs(g.astype(int) - t.astype(int)).max()) <= 1 for g, t in zip(got, truth))
                    ok_av = sum(int(np.abs(r.astype(int) - t.astype(int)).max()) <= 1 for r, t in zip(ref, truth))
                    check = (f"frames equal to a sequential decode: pixcodec {ok_pxc}/{len(idx)}, "
                             f"PyAV seek-and-decode {ok_av}/{len(idx)}")
        results[codec + "_seek"] = ({k: min(v) for k, v in ra.items() if v}, check)

    print()
    print("== summary: 1080p25, frames per second (best of %d; median in brackets) ==" % a.reps)
    for codec in ("h264", "hevc"):
        n, fps, med = results[codec]
        print(f"  {codec}, {n} frames")
        labels = [("r", "(r) pixcodec VideoReader -> RGB numpy"), ("a", "(a) PyAV to_ndarray('rgb24')"),
                  ("o", "(o) OpenCV VideoCapture.read (BGR)"), ("d_pxc", "(d) pixcodec video decode (process)"),
                  ("d_ffmpeg", f"(d') ffmpeg -threads {CORES} -f null (process)")]
        for k, label in labels:
            if k in fps:
                print(f"    {label:<48} {fps[k]:8.1f}  ({med[k]:.1f})")

        def ratio(label, x, y, target):
            if x in fps and y in fps:
                r = fps[x] / fps[y]
                print(f"    {label:<48} {r:8.2f}   target {target:.2f}  {'PASS' if r >= target else 'MISS'}")
        ratio("ratio (r)/(a) pixcodec / PyAV to RGB", "r", "a", 1.2)
        ratio("ratio (r)/(o) pixcodec / OpenCV", "r", "o", 0)
        ratio("ratio (d)/(d') decode only / ffmpeg", "d_pxc", "d_ffmpeg", 0.95)
        best, check = results[codec + "_seek"]
        if "s_av" in best:
            r = best["s_av"] / best["s_pxc"]
            print(f"    random access, 10 frames of 30 s: pixcodec {best['s_pxc']:.2f} s, PyAV {best['s_av']:.2f} s, "
                  f"ratio {r:.2f}   target 2.00  {'PASS' if r >= 2 else 'MISS'}  ({check})")
    print("  PASS/MISS compare best passes with the targets; information only.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
