"""Load on a real server: HTTP clients and WebSocket streams sending dev
audio for a bounded time, against the library's own throughput.

    python benchmarks/bench_server_load.py [--http 16] [--ws 8] [--duration 300] [--workers 2] [--no-interim]

First the library alone: ``SpeechToText.recognize`` on the same files from
``--workers`` threads (the server's worker count) for ``--baseline`` seconds.
Then ``asr-engine serve`` in a child process (localhost only), ``--http``
clients posting WAV files back to back and ``--ws`` WebSocket streams
sending audio as the SDK does (1024-byte frames every 10 ms), for
``--duration`` seconds; every request loop stops by itself. Printed:
throughput in audio seconds per wall second and its ratio to the library's
(target >= 0.85), latency p50/p95/p99 per interface, responses by status
code (503 are the deliberate refusals of a full queue), the interim
hypotheses a stream got per audio second, and the server's RSS every 15 s
(target: flat). The library is measured again after the server run: on a
shared machine the load changes, so the ratio to the mean of both is
printed too.
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

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


def rss_mb(pid: int) -> float:
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
    return total / 1024


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--http", type=int, default=16)
    ap.add_argument("--ws", type=int, default=8)
    ap.add_argument("--duration", type=float, default=300.0)
    ap.add_argument("--baseline", type=float, default=60.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--queue", type=int, default=16)
    ap.add_argument("--files", type=int, default=24)
    ap.add_argument("--no-interim", action="store_true",
                    help="WebSocket streams without interim results: the server's own cost, without the "
                         "engine's live pass that interim hypotheses need")
    args = ap.parse_args()
    import httpx
    from websockets.sync.client import connect

    from server_process import ServerProcess

    files = pick_files(args.files)
    print(f"{len(files)} dev files, {sum(d for _, d in files):.1f} s of audio; load {os.getloadavg()[0]:.1f}")
    base = library_throughput(files, args.workers, args.baseline)
    print(f"library: SpeechToText.recognize on {args.workers} threads: {base:.2f} audio s / wall s")

    store = Path(tempfile.mkdtemp()) / "store"
    server = ServerProcess(store, keys=f"{KEY}=load", args=("--workers", str(args.workers),
                                                             "--queue", str(args.queue)))
    lock = threading.Lock()
    latencies: dict[str, list[float]] = {"http": [], "ws": []}
    codes: Counter = Counter()
    audio_done = [0.0]
    audio_by = {"http": 0.0, "ws": 0.0}
    interim: list[float] = []  # interim hypotheses per audio second, per WebSocket request
    rss: list[tuple[float, float]] = []
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
                    c.send(json.dumps({"action": "start", "content-type": "audio/wav", "interim_results": not args.no_interim}))
                    json.loads(c.recv(timeout=120))
                    for j in range(0, len(data), 1024):
                        c.send(data[j:j + 1024])
                        time.sleep(0.01)
                    t = time.monotonic()
                    c.send(json.dumps({"action": "stop"}))
                    hypotheses = 0
                    while True:
                        msg = json.loads(c.recv(timeout=300))
                        if msg.get("state") == "listening" or "error" in msg:
                            break
                        hypotheses += sum(not r.get("final") for r in msg.get("results", []))
                    ok = "error" not in msg
                with lock:
                    codes["ws ok" if ok else f"ws error {msg.get('error')}"] += 1
                    if ok:
                        interim.append(hypotheses / dur)
                        latencies["ws"].append(time.monotonic() - t)
                        audio_done[0] += dur
                        audio_by["ws"] += dur
            except Exception as exc:  # counted, never fatal to the run
                with lock:
                    codes[f"ws {type(exc).__name__}"] += 1

    def sampler():
        while time.monotonic() < end:
            rss.append((time.monotonic() - t0, rss_mb(server.proc.pid)))
            time.sleep(15)

    threads = [threading.Thread(target=http_client, args=(i,)) for i in range(args.http)]
    threads += [threading.Thread(target=ws_client, args=(i,)) for i in range(args.ws)]
    threads.append(threading.Thread(target=sampler))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - t0
    server.stop()
    tput = audio_done[0] / wall
    print(f"server: {args.http} HTTP clients + {args.ws} WebSocket streams "
          f"({'final results only' if args.no_interim else 'interim results'}) for {wall:.0f} s; "
          f"load {os.getloadavg()[0]:.1f}")
    print(f"throughput {tput:.2f} audio s / wall s = {tput / base:.2f} x the library's (target >= 0.85)")
    for kind, lat in latencies.items():
        if lat:
            q = statistics.quantiles(lat, n=100)
            print(f"  {kind:4s} n={len(lat):5d}  {audio_by[kind] / wall:.2f} audio s / wall s  "
                  f"p50 {q[49]:.2f} s  p95 {q[94]:.2f} s  p99 {q[98]:.2f} s")
    if interim:
        print(f"  interim hypotheses per audio second of a stream: mean {statistics.mean(interim):.2f}, "
              f"at most {max(interim):.2f} (one per 0.25 s would be 4)")
    after = library_throughput(files, args.workers, args.baseline)
    print(f"library again after the server run: {after:.2f} audio s / wall s; load {os.getloadavg()[0]:.1f}; "
          f"throughput / mean of both = {tput / ((base + after) / 2):.2f} x")
    print("  responses: " + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items())))
    errors = {k: v for k, v in codes.items() if k not in ("http 200", "http 503", "ws ok")}
    print(f"  errors by code (besides the deliberate 503s, {codes.get('http 503', 0)}): "
          + (", ".join(f"{k}: {v}" for k, v in sorted(errors.items())) if errors else "none"))
    print("  RSS MB over time: " + ", ".join(f"{t:.0f}s {m:.0f}" for t, m in rss))
    per_minute = {int(t // 60): m for t, m in rss}  # the last sample of each minute
    print("  RSS MB per minute (target: flat): "
          + ", ".join(f"min {k}: {m:.0f}" for k, m in sorted(per_minute.items()))
          + (f"; minute 1 to the end {rss[-1][1] - per_minute[1]:+.0f} MB" if 1 in per_minute else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main())
