"""Load on a real server: HTTP clients and WebSocket streams sending dev
audio for a bounded time, against the library's own throughput.

    python benchmarks/bench_server_load.py [--http 16] [--ws 8] [--duration 300] [--workers 2]
        [--ws-speed 1.0] [--no-interim] [--trace-memory DIR]

First the library alone: ``SpeechToText.recognize`` on the same files from
``--workers`` threads (the server's worker count) for ``--baseline`` seconds.
Then ``asr-engine serve`` in a child process (localhost only), ``--http``
clients posting WAV files back to back and ``--ws`` WebSocket streams
sending 1024-byte frames paced at ``--ws-speed`` times real time (1: a live
client, a microphone; the SDK sends a file at 1 KB per 10 ms, 3.2x for
16 kHz 16-bit audio), reading the server's messages as they come, for
``--duration`` seconds; every request loop stops by itself. Printed:
throughput in audio seconds per wall second and its ratio to the library's
(target >= 0.85), latency p50/p95/p99 per interface (HTTP: the whole
request; WebSocket: ``stop`` to the last final), responses by status code
and the errors besides the deliberate 503s of a full queue, the interim
hypotheses per stream (those that came while the client was still sending,
and after), and the server's RSS sampled every 5 s: per minute its
minimum, median and maximum (target: flat after warm-up), then once the
clients stopped. The library is measured again after the server run: on a
shared machine the load changes, so the ratio to the mean of both is
printed too. ``--trace-memory DIR`` runs the server with ``tracemalloc``
(slower: a diagnosis, not a figure) and prints what grew between the
snapshots of ``--trace-from`` and the last minute.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import struct
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Optional

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
from dev_set import load_dev_set  # noqa: E402

KEY = "load-key-0123456789"
AUTH = {"Authorization": "Basic " + base64.b64encode(f"apikey:{KEY}".encode()).decode()}


def pick_files(n: int) -> list[tuple[bytes, float]]:
    utts = [u for u in load_dev_set() if 2.0 <= u.duration <= 8.0]
    step = max(1, len(utts) // n)
    return [(u.path.read_bytes(), u.duration) for u in utts[::step][:n]]


def library_throughput(files, threads: int, seconds: float) -> float:
    from asr_engine.customization import Store
    from asr_engine.watson import SpeechToText

    stt = SpeechToText(Store(Path(tempfile.mkdtemp())))
    stt.recognize(files[0][0], "audio/wav")  # load the model outside the clock
    done = [0.0] * threads
    end = time.monotonic() + seconds

    def work(i):
        k = i
        while time.monotonic() < end:
            data, dur = files[k % len(files)]
            stt.recognize(data, "audio/wav")
            done[i] += dur
            k += threads

    t0 = time.monotonic()
    ts = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    return sum(done) / (time.monotonic() - t0)


def rss_mb(pid: int) -> tuple[float, float]:
    """RSS of the server and its child processes, and the server's anonymous
    memory (smaps_rollup: heap and arenas, not the mapped model files), MB."""
    total = 0
    pids = [pid]
    try:
        pids += [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        pass
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            pass
    anon = 0
    try:
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Anonymous:"):
                anon = int(line.split()[1])
    except OSError:
        pass
    return total / 1024, anon / 1024


def wav_byte_rate(data: bytes) -> float:
    """Bytes per second of a PCM WAV (its fmt chunk's byte rate)."""
    if data[:4] == b"RIFF" and data[12:16] == b"fmt ":
        return float(struct.unpack_from("<I", data, 28)[0])
    return 32000.0


class StreamRecord:
    """What one WebSocket request got: interim hypotheses while its client
    was sending and after its stop, and when its last message came."""

    def __init__(self) -> None:
        self.live = 0  # interims that came before the client sent stop
        self.late = 0  # interims after stop
        self.first_live: Optional[float] = None  # seconds from the first frame to the first interim
        self.end: Optional[dict] = None  # the message that ended the request
        self.end_time = 0.0


def ws_request(c, data: bytes, dur: float, speed: float, interim: bool) -> tuple[StreamRecord, float]:
    """One start..stop request on connection ``c``; the record and when stop was sent."""
    c.send(json.dumps({"action": "start", "content-type": "audio/wav", "interim_results": interim}))
    json.loads(c.recv(timeout=120))  # listening
    rec = StreamRecord()
    stop_sent = [float("inf")]
    sending_began = time.monotonic()
    failure: list[BaseException] = []

    def receive():  # the server's messages as they come (the SDK's listener does the same)
        try:
            while True:
                msg = json.loads(c.recv(timeout=600))
                now = time.monotonic()
                interims = sum(not r.get("final") for r in msg.get("results", []))
                if now < stop_sent[0]:
                    rec.live += interims
                    if interims and rec.first_live is None:
                        rec.first_live = now - sending_began
                else:
                    rec.late += interims
                if msg.get("state") == "listening" or "error" in msg:
                    rec.end, rec.end_time = msg, now
                    return
        except BaseException as exc:  # handed to the sender
            failure.append(exc)

    reader = threading.Thread(target=receive, daemon=True)
    reader.start()
    interval = 1024 / (wav_byte_rate(data) * speed)
    for n, j in enumerate(range(0, len(data), 1024)):
        c.send(data[j:j + 1024])
        delay = sending_began + (n + 1) * interval - time.monotonic()
        if delay > 0:
            time.sleep(delay)
    stop_sent[0] = time.monotonic()
    c.send(json.dumps({"action": "stop"}))
    reader.join(660)
    if failure:
        raise failure[0]
    if rec.end is None:
        raise TimeoutError("no end of the request")
    return rec, stop_sent[0]


def per_minute(rss: list[tuple[float, float, float]], column: int) -> dict[int, tuple[float, float, float]]:
    """Minute -> (min, median, max) of a sampled column."""
    by: dict[int, list[float]] = {}
    for row in rss:
        by.setdefault(int(row[0] // 60), []).append(row[column])
    return {k: (min(v), statistics.median(v), max(v)) for k, v in sorted(by.items())}


def print_memory_growth(trace_dir: Path, first: int) -> None:
    """What the traced server's Python allocations gained between two snapshots."""
    import tracemalloc

    minutes = sorted(int(p.stem.split("_")[1]) for p in trace_dir.glob("minute_*.snapshot"))
    if first not in minutes or minutes[-1] <= first:
        print(f"  tracemalloc: no snapshots of minute {first} and a later one in {trace_dir}")
        return
    last = minutes[-1]
    a = tracemalloc.Snapshot.load(str(trace_dir / f"minute_{first}.snapshot"))
    b = tracemalloc.Snapshot.load(str(trace_dir / f"minute_{last}.snapshot"))
    total = lambda snap: sum(t.size for t in snap.traces) / 1e6  # noqa: E731
    print(f"  tracemalloc (Python allocations, numpy included, not the C++ core's): minute {first} "
          f"{total(a):.1f} MB, minute {last} {total(b):.1f} MB; largest growth by allocation site:")
    for stat in b.compare_to(a, "traceback")[:12]:
        frames = " <- ".join(f"{Path(f.filename).name}:{f.lineno}" for f in stat.traceback[:4])
        print(f"    {stat.size_diff / 1e6:+7.2f} MB  {stat.count_diff:+6d} blocks  {frames}")
    for name, m in ((first, a), (last, b)):
        smaps = trace_dir / f"minute_{name}.smaps"
        if smaps.exists():
            fields = dict(line.split(":", 1) for line in smaps.read_text().splitlines()[1:] if ":" in line)
            print(f"    smaps_rollup minute {name}: " + ", ".join(
                f"{k} {int(fields[k].split()[0]) / 1024:.0f} MB" for k in ("Rss", "Anonymous", "Pss_File")
                if k in fields))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--http", type=int, default=16)
    ap.add_argument("--ws", type=int, default=8)
    ap.add_argument("--duration", type=float, default=300.0)
    ap.add_argument("--baseline", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queue", type=int, default=16)
    ap.add_argument("--files", type=int, default=24)
    ap.add_argument("--ws-speed", type=float, default=1.0,
                    help="WebSocket audio pace, times real time (default 1: a live client; the SDK sends a "
                         "file at 1 KB / 10 ms, 3.2 for 16 kHz 16-bit)")
    ap.add_argument("--no-interim", action="store_true",
                    help="WebSocket streams without interim results: the server's own cost, without the "
                         "engine's live pass that interim hypotheses need")
    ap.add_argument("--trace-memory", type=Path, default=None, metavar="DIR",
                    help="run the server with tracemalloc, a snapshot a minute in DIR (slower: a diagnosis)")
    ap.add_argument("--trace-from", type=int, default=3, metavar="MINUTE",
                    help="with --trace-memory: growth from this minute's snapshot to the last (default 3)")
    args = ap.parse_args()
    if args.ws_speed <= 0:
        ap.error("--ws-speed must be positive")
    import httpx
    from websockets.sync.client import connect

    from server_process import PACKAGE_ROOT, ServerProcess

    files = pick_files(args.files)
    print(f"{len(files)} dev files, {sum(d for _, d in files):.1f} s of audio; load {os.getloadavg()[0]:.1f}")
    base = library_throughput(files, args.workers, args.baseline)
    print(f"library: SpeechToText.recognize on {args.workers} threads: {base:.2f} audio s / wall s")

    store = Path(tempfile.mkdtemp()) / "store"
    env = None
    if args.trace_memory is not None:
        args.trace_memory.mkdir(parents=True, exist_ok=True)
        env = {"PYTHONPATH": f"{PACKAGE_ROOT}{os.pathsep}{HERE / 'memory_trace'}",
               "ASR_ENGINE_TRACE_MEMORY": str(args.trace_memory.resolve())}
    server = ServerProcess(store, keys=f"{KEY}=load", env=env,
                           args=("--workers", str(args.workers), "--queue", str(args.queue)))
    lock = threading.Lock()
    latencies: dict[str, list[float]] = {"http": [], "ws": []}
    codes: Counter = Counter()
    audio_done = [0.0]
    audio_by = {"http": 0.0, "ws": 0.0}
    streams: list[tuple[StreamRecord, float]] = []  # each WebSocket request and its audio seconds
    rss: list[tuple[float, float, float]] = []  # (seconds, RSS MB, anonymous MB)
    t0 = time.monotonic()
    end = t0 + args.duration

    def http_client(i):
        with httpx.Client(timeout=300) as c:
            k = i
            while time.monotonic() < end:
                data, dur = files[k % len(files)]
                k += 1
                t = time.monotonic()
                try:
                    r = c.post(server.url + "/v1/recognize", content=data,
                               headers={**AUTH, "Content-Type": "audio/wav"})
                    code = r.status_code
                except httpx.HTTPError as exc:
                    code = type(exc).__name__
                with lock:
                    codes[f"http {code}"] += 1
                    if code == 200:
                        latencies["http"].append(time.monotonic() - t)
                        audio_done[0] += dur
                        audio_by["http"] += dur
                if code == 503:
                    time.sleep(float(r.headers.get("retry-after", "1")))

    def ws_client(i):
        k = i
        while time.monotonic() < end:
            data, dur = files[k % len(files)]
            k += 1
            try:
                with connect(server.url.replace("http", "ws") + "/v1/recognize", additional_headers=AUTH,
                             open_timeout=60, max_size=None) as c:
                    rec, stopped = ws_request(c, data, dur, args.ws_speed, not args.no_interim)
                ok = "error" not in rec.end
                with lock:
                    codes["ws ok" if ok else f"ws error {rec.end.get('error')}"] += 1
                    if ok:
                        streams.append((rec, dur))
                        latencies["ws"].append(rec.end_time - stopped)
                        audio_done[0] += dur
                        audio_by["ws"] += dur
            except Exception as exc:  # counted, never fatal to the run
                with lock:
                    codes[f"ws {type(exc).__name__}"] += 1

    def sampler():
        while time.monotonic() < end:
            rss.append((time.monotonic() - t0, *rss_mb(server.proc.pid)))
            time.sleep(5)

    threads = [threading.Thread(target=http_client, args=(i,)) for i in range(args.http)]
    threads += [threading.Thread(target=ws_client, args=(i,)) for i in range(args.ws)]
    threads.append(threading.Thread(target=sampler))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    idle_rss = rss_mb(server.proc.pid)  # every client done, the server idle
    time.sleep(10)
    idle_later = rss_mb(server.proc.pid)
    server.stop()
    tput = audio_done[0] / wall
    pace = f"sent at {args.ws_speed:g}x real time" + (" (a live client)" if args.ws_speed == 1 else "")
    print(f"server: {args.http} HTTP clients + {args.ws} WebSocket streams "
          f"({'final results only' if args.no_interim else 'interim results'}, {pace}) for {wall:.0f} s, "
          f"{args.workers} workers; load {os.getloadavg()[0]:.1f}"
          + (" (tracemalloc on: not a speed figure)" if args.trace_memory else ""))
    print(f"throughput {tput:.2f} audio s / wall s = {tput / base:.2f} x the library's before (target >= 0.85)")
    for kind, lat in latencies.items():
        if len(lat) >= 2:
            q = statistics.quantiles(lat, n=100)
            what = "request" if kind == "http" else "stop -> last final"
            print(f"  latency {kind:4s} ({what}) n={len(lat):5d}  {audio_by[kind] / wall:.2f} audio s / wall s  "
                  f"p50 {q[49]:.2f} s  p95 {q[94]:.2f} s  p99 {q[98]:.2f} s")
    after = library_throughput(files, args.workers, args.baseline)
    print(f"library again after the server run: {after:.2f} audio s / wall s; load {os.getloadavg()[0]:.1f}; "
          f"throughput / mean of both = {tput / ((base + after) / 2):.2f} x")
    print("  responses: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items())))
    errors = {k: v for k, v in codes.items() if k not in ("http 200", "http 503", "ws ok")}
    print(f"  errors by code (besides the deliberate 503s, {codes.get('http 503', 0)}): "
          + (", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) if errors else "none"))
    if streams and not args.no_interim:
        live = [r.live for r, _ in streams]
        per_s = [r.live / d for r, d in streams]
        firsts = [r.first_live for r, _ in streams if r.first_live is not None]
        print(f"  interims per stream (n={len(streams)}, {statistics.mean(d for _, d in streams):.1f} s of audio "
              f"each): while sending mean {statistics.mean(live):.1f}, median {statistics.median(live):.0f}, "
              f"min {min(live)}, max {max(live)}; {statistics.mean(per_s):.2f} per audio second (one per 0.25 s "
              f"would be 4); streams with none while sending: {sum(n == 0 for n in live)}; after stop: mean "
              f"{statistics.mean(r.late for r, _ in streams):.1f}"
              + (f"; first interim {statistics.median(firsts):.2f} s after the first frame (median)"
                 if firsts else ""))
    print("  RSS MB every 5 s: " + ", ".join(f"{t:.0f}s {m:.0f}" for t, m, _ in rss))
    for column, name in ((1, "RSS"), (2, "anonymous")):
        rows = per_minute(rss, column)
        print(f"  {name} MB per minute, min/median/max (target: flat after warm-up): "
              + "; ".join(f"min {k}: {lo:.0f}/{mid:.0f}/{hi:.0f}" for k, (lo, mid, hi) in rows.items()))
        if len(rows) >= 3:
            keys = sorted(rows)
            print(f"    median minute {keys[1]} -> minute {keys[-1]}: {rows[keys[-1]][1] - rows[keys[1]][1]:+.0f} MB")
    print(f"  RSS once the clients stopped: {idle_rss[0]:.0f} MB, 10 s later {idle_later[0]:.0f} MB "
          f"(anonymous {idle_rss[1]:.0f}, {idle_later[1]:.0f})")
    if args.trace_memory is not None:
        print_memory_growth(args.trace_memory, args.trace_from)
    return 0


if __name__ == "__main__":
    sys.exit(main())
