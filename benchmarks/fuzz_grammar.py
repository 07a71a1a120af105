"""Fuzz the grammar compiler with many cases and print a report.

    PYTHONPATH=src python benchmarks/fuzz_grammar.py [--cases 20000] [--seed 1]

Cases: mutated W3C suite and PocketSphinx grammars (byte flips, inserted
grammar punctuation and operators, duplicated or cut spans), random bytes
behind valid and invalid headers, and random structured ABNF (deep nesting,
big and nested repeats, recursion). Each must compile or raise an AsrError
within the compiler's limits; compiled grammars must answer matches() and
parse() consistently. A crash ends the process, so a clean report is the
evidence that none happened.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from grammar_fuzzing import FUZZ_LIMITS, fuzz  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    shared = Path(os.environ.get("ASR_ENGINE_SHARED", HERE.parents[1] / "shared"))
    t = time.perf_counter()
    stats = fuzz(args.cases, args.seed, shared / "grammar-suite", shared / "data" / "pocketsphinx-test",
                 report_every=5000)
    elapsed = time.perf_counter() - t
    print(f"grammar fuzz: {stats['cases']} cases, seed {args.seed}, {elapsed:.1f} s "
          f"({1000 * elapsed / max(stats['cases'], 1):.2f} ms/case), limits {FUZZ_LIMITS}")
    for k in sorted(k for k in stats if ":" in k):
        print(f"  {k:40s} {stats[k]}")
    print(f"  slowest case {stats['slowest'] * 1000:.1f} ms: {stats.get('slowest_input', b'')[:80]!r}")
    bugs = stats.get("bugs", [])
    print(f"  crashes: 0, hangs: 0, non-AsrError exceptions or inconsistent answers: {len(bugs)}")
    for kind, data, err in bugs[:20]:
        print(f"    {kind}: {err} <- {data[:120]!r}")
    sys.exit(1 if bugs else 0)


if __name__ == "__main__":
    main()
