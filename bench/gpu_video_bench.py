"""GPU video decode benchmark: pixcodec's NVDEC decoder (backend 'gpu') against its CPU decoder
(backend 'cpu', libavcodec), side by side in one run.

    PXC_BUILD_DIR=build /usr/bin/python3 bench/gpu_video_bench.py [--reps N] [--seconds S]
        [--seconds-4k S] [--scale F] [--codecs h264,hevc] [--sizes 1080p,2160p]
        [--streams 1,2,4,8,16] [--cpu-streams N] [--parallel yuv[,rgb]] [--device N] [--dir DIR]

Clips (made once with Debian's ffmpeg into DIR, default BUILD/bench-gpu-video, and reused):
1080p25 and 2160p25 (4K) H.264 (libx264 -preset veryfast) and HEVC (libx265 -preset
ultrafast), 8-bit 4:2:0, the encoders' default key frame interval (250) and B-frames. The
picture is real camera footage, as in bench/video_bench.py: the corpus's 1080p H.264 clip looped
forwards and backwards (bicubic upscaling for 4K). S seconds (default 10) for 1080p and
min(S, --seconds-4k) (default 4) for 4K, to keep the CPU rows and the encoding of the 4K clips
short. --scale F shrinks both sizes (e.g. 0.25: 480x272 and 960x544) for a quick check.

Rows, per clip (frames per second over the whole clip, best of --reps passes; the rows of a round
take turns, so a change in machine load hits them alike). Each stream is the seed API's loop:
demuxer.DemuxFrame, decoder.DecodeFrame, then for each frame made ready GetFrameYuv or
GetFrameRgb and ReleaseFrame, until the end-of-stream packet has drained the decoder. Demuxing is
timed; opening the demuxer and creating the decoder are not (each stream's decoder is made and
warmed up on the clip's first packets before the first round, then reused for every pass):

  (1) decode only, one stream
        GPU: decoder(codec, mem_type=0, backend='gpu') (device memory owned by the decoder),
             GetFrameYuv(packet) per frame: the NV12 surface stays on the GPU
        CPU: decoder(codec, mem_type=2, backend='cpu') (host memory), GetFrameYuv(packet);
             libavcodec with frame threads on every core (num_threads=0)
  (2) decode to RGB, one stream: the same with GetFrameRgb(packet, rgb) instead (GPU: a device
      image made by pixcodec's CUDA conversion kernel; CPU: a host image from libswscale)
  (3) parallel streams: N threads, each with its own demuxer and decoder on the whole clip,
      started together; total frames of all streams / wall time of the slowest. GPU: N from
      --streams (default 1,2,4,8,16: H100 / H200 have 7 NVDEC engines); CPU: --cpu-streams
      (default: the usable cores), one libavcodec thread per stream (num_threads=1). N = 1 is
      row (1). Decode only by default; --parallel yuv,rgb adds the RGB variant.

Before timing, the GPU decoder's first --check-frames frames (YUV planes, copied to the host with
mem_type 2) are compared with the CPU decoder's: they must be bit-exact (both follow the
standard's decoding process); a mismatch leaves that clip's GPU rows out with a line saying so.
GPU rows that cannot run (no GPU, no NVDEC, codec unsupported) say why; the CPU rows run anyway.
Prints the GPU model (nvidia-smi), the core count, each clip's table as it is done and a summary:
frames/s per row and the ratio GPU / CPU. Timings are information only and never fail the run;
the exit status is 1 only when something is broken (GPU frames unlike the CPU decoder's, a pass
that raised, a wrong frame count), and 0 without a GPU.
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time

import numpy as np

BUILD = os.path.abspath(os.environ.get("PXC_BUILD_DIR", "build"))
sys.path.insert(0, os.path.join(BUILD, "python"))

import pixcodec  # noqa: E402
import pixcodec.video as pv  # noqa: E402

try:
    CORES = len(os.sched_getaffinity(0)) or 1
except (AttributeError, OSError):   # pragma: no cover
    CORES = os.cpu_count() or 1

CAMERA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "corpus", "h264",
                      "VID_1920x1080_cabac_temporal_direct.264")
SIZES = {"1080p": (1920, 1080), "2160p": (3840, 2160)}
CODECS = {"h264": pv.VideoCodec.AVC, "hevc": pv.VideoCodec.HEVC}


def scaled(size, scale):
    """(width, height) times scale, rounded to multiples of 8, at least 144 (NVDEC's HEVC minimum)."""
    return tuple(max(144, int(round(v * scale / 8)) * 8) for v in size)


def make_clip(path, codec, size, seconds):
    """A 25 fps clip of `seconds` at `size`: the corpus camera clip (2.16 s of 1080p footage)
    played forwards and backwards in a loop (so that the motion never cuts), scaled to `size`
    (bicubic), encoded with the encoder's defaults for key frames and B-frames (x264 -preset
    veryfast, x265 -preset ultrafast). Without the corpus, ffmpeg's testsrc2 pattern."""
    if os.path.exists(path):
        return path
    w, h = size
    enc = {"h264": ["-c:v", "libx264", "-preset", "veryfast"],
           "hevc": ["-c:v", "libx265", "-preset", "ultrafast", "-x265-params", "log-level=error"]}
    if os.path.exists(CAMERA):
        src = ["-i", CAMERA, "-filter_complex",
               "[0:v]split[a][b];[b]reverse[r];[a][r]concat=n=2:v=1:a=0,loop=loop=-1:size=108:start=0,"
               f"setpts=N/25/TB,scale={w}:{h}:flags=bicubic", "-t", f"{seconds:g}", "-r", "25"]
    else:
        src = ["-f", "lavfi", "-i", f"testsrc2=size={w}x{h}:rate=25:duration={seconds:g}"]
    tmp = path + ".tmp.mp4"
    print(f"making {os.path.basename(path)} ({seconds:g} s of {w}x{h} 25 fps {codec}) ...", flush=True)
    subprocess.run(["ffmpeg", "-nostdin", "-v", "error", "-y", *src, "-pix_fmt", "yuv420p", *enc[codec], "-an", tmp],
                   check=True)
    os.replace(tmp, path)
    return path


def gpu_model():
    """The GPU's name and driver from nvidia-smi, or 'unknown'."""
    if not shutil.which("nvidia-smi"):
        return "unknown (no nvidia-smi)"
    try:
        out = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"],
                             capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as e:
        return f"unknown (nvidia-smi: {e})"
    lines = [ln.strip() for ln in out.stdout.splitlines() if ln.strip()]
    if out.returncode != 0 or not lines:
        return f"unknown (nvidia-smi exit {out.returncode}: {(out.stderr or out.stdout).strip()[:200]})"
    return "; ".join(lines)


class Stream:
    """One demuxer + decoder running the seed API's decode loop. The decoder is made (and warmed up)
    once; each pass gets a fresh demuxer, opened before the clock starts."""

    def __init__(self, clip, backend, mem_type, output, device_id=0, num_threads=0):
        self.clip, self.output = clip, output
        self.dec = pv.decoder(pv.demuxer(clip).GetCodecId(), device_id=device_id, mem_type=mem_type,
                              backend=backend, num_threads=num_threads)
        self.dmx = None

    def prepare(self):
        self.dmx = pv.demuxer(self.clip)

    def run(self, max_packets=None):
        """Decodes the clip (or its first max_packets packets, then drains); returns the frame count."""
        dec, dmx, rgb = self.dec, self.dmx, self.output == "rgb"
        eos = pv.GetRocPyDecPacket(None, 0, b"")
        n = sent = 0
        while True:
            pkt = dmx.DemuxFrame() if max_packets is None or sent < max_packets else eos
            sent += 1
            for _ in range(dec.DecodeFrame(pkt)):
                if rgb:
                    dec.GetFrameRgb(pkt, pv.OutputFormatEnum.rgb)
                else:
                    dec.GetFrameYuv(pkt)
                dec.ReleaseFrame(pkt)
                n += 1
            if pkt.bitstream_size == 0:
                self.dmx = None
                return n


class Row:
    """A timed row: one or more streams decoded at once (one thread each when several)."""

    def __init__(self, clip, count, backend, mem_type, output, device_id, num_threads):
        self.streams = [Stream(clip, backend, mem_type, output, device_id, num_threads) for _ in range(count)]
        self.times = []
        self.frames = []

    def warm_up(self):
        for s in self.streams:
            s.prepare()
            s.run(max_packets=8)

    def one_pass(self):
        for s in self.streams:
            s.prepare()
        if len(self.streams) == 1:
            t = time.perf_counter()
            n = self.streams[0].run()
            self.times.append(time.perf_counter() - t)
            self.frames.append(n)
            return
        counts = [0] * len(self.streams)
        errors = []
        start = threading.Barrier(len(self.streams) + 1)

        def work(i, s):
            try:
                start.wait()
                counts[i] = s.run()
            except BaseException as e:   # re-raised below
                errors.append(e)

        threads = [threading.Thread(target=work, args=(i, s), daemon=True) for i, s in enumerate(self.streams)]
        for th in threads:
            th.start()
        start.wait()
        t = time.perf_counter()
        for th in threads:
            th.join()
        dt = time.perf_counter() - t
        if errors:
            raise errors[0]
        self.times.append(dt)
        self.frames.append(sum(counts))

    def fps(self):
        """(best, median) frames per second, or None when no pass ran."""
        if not self.times:
            return None
        n = self.frames[0]
        return n / min(self.times), n / statistics.median(self.times)


def first_frames(clip, backend, count, device_id):
    """The first `count` frames' YUV planes as host arrays (mem_type 2: GPU frames are copied back)."""
    s = Stream(clip, backend, 2, "yuv", device_id)
    s.prepare()
    dec, dmx, out = s.dec, s.dmx, []
    while len(out) < count:
        pkt = dmx.DemuxFrame()
        for _ in range(dec.DecodeFrame(pkt)):
            dec.GetFrameYuv(pkt, True)
            out.append([np.array(p, copy=True) for p in pkt.ext_buf])
            dec.ReleaseFrame(pkt)
        if pkt.bitstream_size == 0:
            break
    return out[:count]


def check_gpu(clip, codec, count, device_id):
    """None when the GPU decoder's first frames equal the CPU decoder's, else what differs."""
    ref = first_frames(clip, "cpu", count, device_id)
    got = first_frames(clip, "gpu", count, device_id)
    if len(got) != len(ref):
        return f"the GPU decoder gave {len(got)} of the first {len(ref)} frames"
    for i, (r, g) in enumerate(zip(ref, got)):
        if len(r) != len(g):
            return f"frame {i}: {len(g)} planes from the GPU, {len(r)} from the CPU"
        for p, (rp, gp) in enumerate(zip(r, g)):
            if rp.shape != gp.shape or rp.dtype != gp.dtype:
                return f"frame {i} plane {p}: GPU {gp.shape} {gp.dtype}, CPU {rp.shape} {rp.dtype}"
            if not np.array_equal(rp, gp):
                d = np.abs(rp.astype(np.int32) - gp.astype(np.int32))
                return (f"frame {i} plane {p}: {int((d > 0).sum())} samples differ (max difference "
                        f"{int(d.max())})")
    return None


def gpu_reason_for(codec, device_id):
    """None when a GPU decoder for the codec can be made, else why not."""
    try:
        pv.decoder(CODECS[codec], device_id=device_id, mem_type=0, backend="gpu")
    except pixcodec.Error as e:
        why = pixcodec.gpu_unavailable_reason()
        return f"{e}" + (f" (gpu_unavailable_reason: {why})" if why and why not in str(e) else "")
    return None


def run_clip(clip, codec, a, gpu_why):
    """Times the rows of one clip; returns (frames, rows, note, problems): problems are what
    is broken (GPU frames unlike the CPU decoder's, a failed pass, a wrong frame count)."""
    nframes = pv.demuxer(clip).GetNumFrames()
    note = gpu_why
    problems = []
    if note is None:
        try:
            bad = check_gpu(clip, codec, a.check_frames, a.device)
        except pixcodec.Error as e:
            bad = f"the GPU decoder failed: {e}"
        if bad:
            note = f"GPU frames differ from the CPU decoder's, GPU rows left out: {bad}"
            print(f"  {note}", flush=True)
            problems.append(note)
        else:
            print(f"  check: the first {a.check_frames} frames' YUV from the GPU equal the CPU decoder's "
                  f"(bit-exact)", flush=True)
    cpu_n = a.cpu_streams
    spec = {("cpu", "yuv", 1): ("cpu", 2, "yuv", 1, 0), ("cpu", "rgb", 1): ("cpu", 2, "rgb", 1, 0)}
    for out in a.parallel:
        if cpu_n > 1:
            spec[("cpu", out, cpu_n)] = ("cpu", 2, out, cpu_n, 1)
    if note is None:
        spec[("gpu", "yuv", 1)] = ("gpu", 0, "yuv", 1, 0)
        spec[("gpu", "rgb", 1)] = ("gpu", 0, "rgb", 1, 0)
        for out in a.parallel:
            for n in a.streams:
                if n > 1:
                    spec[("gpu", out, n)] = ("gpu", 0, out, n, 0)
    rows = {}
    for key, (backend, mem, out, n, threads) in spec.items():
        try:
            rows[key] = Row(clip, n, backend, mem, out, a.device, threads)
            rows[key].warm_up()
        except pixcodec.Error as e:
            rows.pop(key, None)
            print(f"  {backend} {out} x{n}: cannot run: {e}", flush=True)
            if backend == "gpu" and note is None:
                note = f"the GPU decoder failed: {e}"
    for rep in range(a.reps):
        keys = list(rows) if rep % 2 == 0 else list(reversed(rows))
        for k in keys:
            if k not in rows:
                continue
            try:
                rows[k].one_pass()
            except pixcodec.Error as e:
                print(f"  {k[0]} {k[1]} x{k[2]}: failed: {e}", flush=True)
                problems.append(f"{k[0]} {k[1]} x{k[2]}: {e}")
                del rows[k]
                continue
            got, want = rows[k].frames[-1], nframes * k[2]
            if got != want:
                print(f"  {k[0]} {k[1]} x{k[2]}: {got} frames, expected {want}", flush=True)
                problems.append(f"{k[0]} {k[1]} x{k[2]}: {got} frames, expected {want}")
    res = {k: r.fps() for k, r in rows.items()}
    return nframes, res, note, problems


def fmt(v, missing="-"):
    return f"{v[0]:9.1f} ({v[1]:9.1f})" if v else f"{missing:>21s}"


HEADER = f"    {'row':<40} {'GPU':>21} {'CPU':>21} {'GPU/CPU':>8}"


def print_clip(label, nframes, res, note, a):
    """The table of one clip: fps per row (best, median in brackets) and GPU / CPU."""
    print(f"  {label}, {nframes} frames per stream")
    gpu_missing = "not run" if note else "-"
    lines = [("(1) decode only, 1 stream", ("gpu", "yuv", 1), ("cpu", "yuv", 1)),
             ("(2) decode to RGB, 1 stream", ("gpu", "rgb", 1), ("cpu", "rgb", 1))]
    for out in a.parallel:
        what = "decode only" if out == "yuv" else "to RGB"
        cpu_key = ("cpu", out, a.cpu_streams)
        if note or not a.streams:
            lines.append((f"(3) {what}, {a.cpu_streams} CPU streams", ("gpu", out, 0), cpu_key))
        for n in a.streams if not note else ():
            lines.append((f"(3) {what}, GPU x{n} / CPU x{a.cpu_streams} streams", ("gpu", out, n), cpu_key))
    for text, gk, ck in lines:
        g, c = res.get(gk), res.get(ck)
        ratio = f"{g[0] / c[0]:8.2f}" if g and c else f"{'-':>8s}"
        print(f"    {text:<40} {fmt(g, gpu_missing)} {fmt(c)} {ratio}")
    if note:
        print(f"    GPU rows not run: {note}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=10, help="length of the 1080p clips (default 10)")
    ap.add_argument("--seconds-4k", type=float, default=4, help="length of the 4K clips, at most --seconds (default 4)")
    ap.add_argument("--scale", type=float, default=1.0, help="shrink both sizes by this factor (quick checks)")
    ap.add_argument("--codecs", default="h264,hevc")
    ap.add_argument("--sizes", default="1080p,2160p")
    ap.add_argument("--streams", default="1,2,4,8,16", help="GPU parallel stream counts")
    ap.add_argument("--cpu-streams", type=int, default=CORES, help="CPU parallel streams (default: usable cores)")
    ap.add_argument("--parallel", default="yuv", help="outputs of the parallel rows: yuv, rgb or yuv,rgb")
    ap.add_argument("--check-frames", type=int, default=8)
    ap.add_argument("--device", type=int, default=0, help="CUDA device id")
    ap.add_argument("--dir", default=os.path.join(BUILD, "bench-gpu-video"))
    a = ap.parse_args()
    a.streams = sorted({int(s) for s in a.streams.split(",") if s})
    a.parallel = [p for p in a.parallel.split(",") if p in ("yuv", "rgb")]
    codecs = [c for c in a.codecs.split(",") if c in CODECS]
    sizes = [s for s in a.sizes.split(",") if s in SIZES]

    print(f"GPU: {gpu_model()}")
    print(f"CPU: {CORES} usable cores ({os.cpu_count()} online); load average at start: "
          f"{open('/proc/loadavg').read().split()[:3]}")
    print(f"pixcodec: gpu_device_count() = {pixcodec.gpu_device_count()}; "
          f"gpu_unavailable_reason() = {pixcodec.gpu_unavailable_reason()!r}")
    if not shutil.which("ffmpeg"):
        print("gpu video bench: ffmpeg not found; skipped")
        return 0
    os.makedirs(a.dir, exist_ok=True)

    results, broken = [], []
    for size_name in sizes:
        size = scaled(SIZES[size_name], a.scale)
        seconds = a.seconds if size_name == "1080p" else min(a.seconds, a.seconds_4k)
        for codec in codecs:
            label = f"{codec} {size_name}" + (f" ({size[0]}x{size[1]})" if a.scale != 1 else "")
            name = f"cam_{codec}_{size[0]}x{size[1]}_{seconds:g}s.mp4"
            try:
                clip = make_clip(os.path.join(a.dir, name), codec, size, seconds)
            except subprocess.CalledProcessError as e:
                print(f"{label}: cannot make the clip ({e}); skipped")
                continue
            print(f"== {label}: {os.path.basename(clip)}", flush=True)
            gpu_why = gpu_reason_for(codec, a.device)
            if gpu_why:
                print(f"  GPU rows cannot run: {gpu_why}", flush=True)
            nframes, res, note, problems = run_clip(clip, codec, a, gpu_why)
            results.append((label, nframes, res, note))
            broken += [f"{label}: {p}" for p in problems]
            print(HEADER)
            print_clip(label, nframes, res, note, a)
            print(flush=True)

    print()
    print(f"== summary: frames per second, best of {a.reps} passes (median in brackets); "
          f"{a.seconds:g} s clips at 1080p, {min(a.seconds, a.seconds_4k):g} s at 2160p ==")
    print(HEADER)
    for label, nframes, res, note in results:
        print_clip(label, nframes, res, note, a)
    print("  Parallel rows: total frames/s of all streams. CPU single stream: libavcodec frame threads on every "
          "core; CPU parallel: one thread per stream. Timings are information only.")
    for b in broken:
        print(f"BROKEN: {b}")
    return 1 if broken else 0


if __name__ == "__main__":
    sys.exit(main())
