"""The ceiling of 2 processes against 1 on this machine, without asr_engine:
what the batch's "2 local workers vs 1" can reach at best.

Each kind of work is run as ``2 * units`` units in one process, then as
``units`` units in each of 2 processes started together. Printed per kind:
wall time, the speed-up (1-process wall / 2-process wall), and the CPU
seconds per unit in each case. Under load (other users' processes) the wall
ratio is noise, but CPU per unit still tells whether two of our processes
slow each other down (shared L3 cache, memory bandwidth, a hypervisor's
sibling threads): ratio 1.00 means they do not.

* ``python``: an integer loop in the interpreter (registers and L1 only);
* ``stream``: summing a 64 MB float32 array (twice the 32 MB L3: memory
  bandwidth);
* ``scoring``: the acoustic model's senone scoring of dev features (what
  decoding spends most of its time on), through ``asr_engine._core``.

    python benchmarks/bench_cpu_ceiling.py [--units 4] [--kinds python,stream,scoring]
"""
from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


def _python_unit() -> None:
    total = 0
    for i in range(6_000_000):
        total += i * i % 7
    if total < 0:
        raise AssertionError


_stream_data = None


def _stream_unit() -> None:
    import numpy as np

    global _stream_data
    if _stream_data is None:
        _stream_data = np.ones(16 << 20, dtype=np.float32)  # 64 MB
    for _ in range(40):
        float(_stream_data.sum())


_scorer = None


def _scoring_unit() -> None:
    global _scorer
    if _scorer is None:
        _scorer = _make_scorer()
    _scorer()


def _make_scorer():
    import numpy as np

    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from dev_set import load_dev_set

    from asr_engine.acoustic import AcousticModel, ScorerOptions
    from asr_engine.audio import load_audio
    from asr_engine.frontend import compute_features, model_feature_options
    from asr_engine.model import default_model_dir

    model_dir = default_model_dir()
    model = AcousticModel.load(model_dir)
    frontend, features = model_feature_options(model_dir)
    feats = np.vstack([compute_features(load_audio(str(u.path)), frontend, features)
                       for u in load_dev_set()[:6]]).astype(np.float32)
    scorer = model.scorer(ScorerOptions())
    # 1 s blocks, as a decoder asks for them
    blocks = [feats[i:i + 100] for i in range(0, len(feats), 100)]
    return lambda: [scorer.score(b) for b in blocks]


UNITS = {"python": _python_unit, "stream": _stream_unit, "scoring": _scoring_unit}


def _worker(kind: str, units: int, ready, go, out) -> None:
    unit = UNITS[kind]
    unit()  # warm-up: data, model and caches built outside the measurement
    ready.set()
    go.wait()
    wall, cpu = time.perf_counter(), time.thread_time()
    for _ in range(units):
        unit()
    out.put((time.perf_counter() - wall, time.thread_time() - cpu))


def run(kind: str, processes: int, units: int) -> tuple[float, float]:
    """(wall seconds from the common start to the last finish, CPU seconds per unit)."""
    ctx = mp.get_context("spawn")
    go, out = ctx.Event(), ctx.Queue()
    readies = [ctx.Event() for _ in range(processes)]
    procs = [ctx.Process(target=_worker, args=(kind, units, r, go, out)) for r in readies]
    for p in procs:
        p.start()
    for r in readies:
        r.wait()
    go.set()
    results = [out.get() for _ in procs]
    for p in procs:
        p.join()
    return max(w for w, _ in results), sum(c for _, c in results) / (units * processes)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--units", type=int, default=4, help="units per process in the 2-process run")
    ap.add_argument("--kinds", default="python,stream,scoring")
    args = ap.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} at start")
    print(f"{'work':8s} {'1 proc s':>9s} {'2 proc s':>9s} {'speed-up':>8s} {'CPU/unit 1':>10s} {'CPU/unit 2':>10s} {'ratio':>6s}")
    for kind in args.kinds.split(","):
        w1, c1 = run(kind, 1, 2 * args.units)
        w2, c2 = run(kind, 2, args.units)
        print(f"{kind:8s} {w1:9.2f} {w2:9.2f} {w1 / w2:7.2f}x {c1:10.3f} {c2:10.3f} {c2 / c1:6.3f}", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} at end")
    return 0


if __name__ == "__main__":
    sys.exit(main())
