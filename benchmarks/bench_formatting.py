"""Smart-formatting benchmark: exact match on NeMo's cases and latency per result.

    python benchmarks/bench_formatting.py [--rounds 3]

Prints
* exact match of ``inverse_normalize`` (NeMo convention) on
  ``shared/data/itn/en_itn_cases.tsv`` (238 cases; target >= 98 %), and of the
  peer ``wetext.Normalizer`` on the same cases, with the misses;
* latency per result of ``inverse_normalize`` in each convention and of the
  peer on whole sentences, over a result set made of the dev references
  (205 phrases as a recognizer outputs them), the 238 cases, and IBM's 24
  documented examples: mean, median, 95th percentile and maximum in ms
  (target: mean <= 10 ms), and the peer / ours ratio (> 1: we are faster).
  ``nemo_text_processing`` is timed too when it is installed.

Each result is timed as the best of ``--rounds`` interleaved calls, so a busy
machine hurts every engine alike; the grammar is loaded before timing.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from bench_common import SHARED  # noqa: E402

from asr_engine.formatting import inverse_normalize  # noqa: E402


def load_cases() -> list[tuple[str, str, str]]:
    rows = []
    for line in (SHARED / "data/itn/en_itn_cases.tsv").read_text("utf-8").splitlines()[1:]:
        cls, pair = line.split("\t", 1)
        spoken, written = pair.split("~", 1)
        rows.append((cls, spoken, written.strip()))
    return rows


def load_results() -> list[str]:
    refs = [l.split("\t")[1] for l in (SHARED / "data/dev/refs.tsv").read_text().splitlines()[1:]]
    from test_formatting_services import IBM_SMART_FORMATTING  # the documented examples

    return refs + [s for _, s, _ in load_cases()] + [s.lower() for s, _ in IBM_SMART_FORMATTING]


def per_result_ms(engines: dict, texts: list[str], rounds: int) -> dict[str, list[float]]:
    """Best-of-``rounds`` ms per text for each engine, engines interleaved per text."""
    out: dict[str, list[float]] = {name: [] for name in engines}
    for t in texts:
        best = dict.fromkeys(engines, float("inf"))
        for _ in range(rounds):
            for name, fn in engines.items():
                start = time.perf_counter()
                fn(t)
                best[name] = min(best[name], time.perf_counter() - start)
        for name in engines:
            out[name].append(best[name] * 1000)
    return out


def summary(ms: list[float]) -> str:
    q = sorted(ms)
    return (f"mean {statistics.mean(ms):6.2f}  median {statistics.median(ms):6.2f}  "
            f"p95 {q[int(0.95 * (len(q) - 1))]:6.2f}  max {q[-1]:7.2f} ms")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()

    engines = {
        "ours nemo": lambda t: inverse_normalize(t),
        "ours azure": lambda t: inverse_normalize(t, convention="azure"),
        "ours ibm": lambda t: inverse_normalize(t, convention="ibm"),
    }
    try:
        import wetext

        peer = wetext.Normalizer(lang="en", operator="itn")
        engines["wetext whole sentence"] = peer.normalize
    except ImportError:
        print("wetext not installed: no peer")
    try:
        from nemo_text_processing.inverse_text_normalization.inverse_normalize import InverseNormalizer

        nemo = InverseNormalizer(lang="en")
        engines["nemo_text_processing"] = lambda t: nemo.inverse_normalize(t, verbose=False)
    except ImportError:
        print("nemo_text_processing not installed: not timed")
    for fn in engines.values():
        fn("warm up twenty five")

    cases = load_cases()
    for name in [n for n in engines if n in ("ours nemo", "wetext whole sentence", "nemo_text_processing")]:
        misses = [(c, s, w, engines[name](s)) for c, s, w in cases if engines[name](s) != w]
        print(f"exact match {name:22s} {len(cases) - len(misses)}/{len(cases)} = "
              f"{1 - len(misses) / len(cases):.2%}")
        for m in misses:
            print(f"    miss [{m[0]}] {m[1]!r}: want {m[2]!r}, got {m[3]!r}")

    texts = load_results()
    print(f"\nlatency per result over {len(texts)} results "
          f"(mean {statistics.mean(len(t.split()) for t in texts):.1f} words), best of {args.rounds}:")
    timings = per_result_ms(engines, texts, args.rounds)
    for name, ms in timings.items():
        print(f"  {name:22s} {summary(ms)}")
    if "wetext whole sentence" in timings:
        peer_ms = statistics.mean(timings["wetext whole sentence"])
        for name in ("ours nemo", "ours azure", "ours ibm"):
            print(f"  ratio wetext / {name:10s} {peer_ms / statistics.mean(timings[name]):.2f}")


if __name__ == "__main__":
    main()
