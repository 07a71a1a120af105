"""Long fuzz run over every generator, each case in a supervised worker.

    PYTHONPATH=src nice python benchmarks/fuzz/run.py --cases 50000 [--seed 1] [--only arpa,grammar]
    PYTHONPATH=src python benchmarks/fuzz/run.py --replay arpa:123456

Prints counts per generator and outcome (ok, typed, untyped, memory, crash,
hang) and every finding with its seed; exits 1 if there is any finding.
Findings become regression tests in tests/test_hostile_*.py.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from supervisor import run_cases  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=50000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--only", default="", help="comma-separated generator names")
    ap.add_argument("--timeout", type=float, default=20.0, help="seconds before a case counts as a hang")
    ap.add_argument("--memory-cap", type=float, default=2.0, help="GiB a case may allocate")
    ap.add_argument("--replay", default="", help="generator:seed to run once")
    args = ap.parse_args()
    shared = os.environ.get("ASR_ENGINE_SHARED", str(HERE.parents[2] / "shared"))
    os.environ["PYTHONPATH"] = os.pathsep.join([str(HERE), os.environ.get("PYTHONPATH", "")])
    from generators import schedule

    if args.replay:
        gen, seed = args.replay.split(":")
        cases = [(gen, int(seed))]
    else:
        cases = schedule(args.cases, args.seed, [g for g in args.only.split(",") if g] or None)
    t = time.time()
    report = run_cases(cases, shared=shared, timeout=args.timeout, memory_cap=int(args.memory_cap * 2**30),
                       progress_every=0 if args.replay else 5000, log=lambda s: print(s, flush=True))
    print(f"fuzz: seed {args.seed}, {time.time() - t:.0f} s")
    print(report.summary())
    for gen, seed, outcome, detail in report.findings:
        print(f"\n== {outcome} {gen}:{seed}\n{detail}")
    return 1 if report.findings else 0


if __name__ == "__main__":
    sys.exit(main())
