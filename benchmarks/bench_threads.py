"""Throughput of one shared Recognizer used by 1 and by 2 threads.

Each thread decodes its own list of dev utterances with the same
Recognizer; the native search releases the GIL, so two threads should
decode close to twice as much audio per second on 2 cores.

    python benchmarks/bench_threads.py [--files 40]
"""
from __future__ import annotations

import argparse
import os
import sys
import threading
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import load_dev_set  # noqa: E402

import asr_engine as ae  # noqa: E402


def run(recognizer, audios, threads: int) -> float:
    """Seconds of audio decoded per wall-clock second."""
    parts = [audios[i::threads] for i in range(threads)]

    def work(part):
        for a in part:
            recognizer.recognize(a)

    workers = [threading.Thread(target=work, args=(p,)) for p in parts]
    t = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return sum(a.duration for a in audios) / (time.perf_counter() - t)


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--files", type=int, default=40)
    args = p.parse_args()
    utts = sorted(load_dev_set(), key=lambda u: -u.duration)[: args.files]
    audios = [ae.load_audio(u.path) for u in utts]
    rec = ae.Recognizer()
    rec.recognize(audios[0])  # warm up
    one = max(run(rec, audios, 1) for _ in range(2))
    two = max(run(rec, audios, 2) for _ in range(2))
    print(f"{len(audios)} utterances, {sum(a.duration for a in audios):.1f} s of audio")
    print(f"1 thread : {one:7.1f} s of audio per second")
    print(f"2 threads: {two:7.1f} s of audio per second")
    print(f"speed-up : {two / one:.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
