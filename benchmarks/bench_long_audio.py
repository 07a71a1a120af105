"""Recognition time against audio length: RTF of one-shot recognition of
1, 5, 10 and 20 minutes of concatenated dev audio, each decoded as one
utterance (no phrase segmentation), split into its stages.

    PYTHONPATH=src python benchmarks/bench_long_audio.py [--minutes 1 5 10 20]

Target (issue 9): RTF at 20 minutes within 1.2x the RTF at 1 minute, i.e.
the result (lattice, posteriors, word confidences) costs O(lattice) and
nothing grows faster than the audio. Peak RSS is printed per length.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dev_set import load_dev_set  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine.frontend import FeatureStream  # noqa: E402


def concatenated(minutes: float, rate: int) -> np.ndarray:
    """Dev utterances in order (repeated as needed) up to `minutes`."""
    want = int(minutes * 60 * rate)
    parts, total = [], 0
    utts = load_dev_set()
    while total < want:
        for u in utts:
            x = ae.load_audio(u.path, sample_rate=rate).samples
            parts.append(x)
            total += x.size
            if total >= want:
                break
    return np.concatenate(parts)[:want]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--minutes", type=float, nargs="+", default=[1, 5, 10, 20])
    args = ap.parse_args()
    rec = ae.Recognizer()
    rate = rec.sample_rate
    longest = concatenated(max(args.minutes), rate)
    rows = []
    print(f"{'minutes':>7} {'features':>9} {'decode':>8} {'result':>8} {'total':>8} {'RTF':>6} {'words':>6} "
          f"{'peak RSS':>9}")
    for minutes in args.minutes:
        audio = longest[: int(minutes * 60 * rate)]
        t0 = time.perf_counter()
        stream = FeatureStream(rec.frontend_options, rec.feature_options)
        feats = np.vstack([stream.accept(audio), stream.finish()])
        t1 = time.perf_counter()
        decoder = rec._decode(feats, rec.search_options)
        t2 = time.perf_counter()
        result = rec._result(decoder, audio.size / rate, True, rec.search_options)
        t3 = time.perf_counter()
        rtf = (t3 - t0) / (audio.size / rate)
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append((minutes, rtf))
        print(f"{minutes:7g} {t1 - t0:8.1f}s {t2 - t1:7.1f}s {t3 - t2:7.1f}s {t3 - t0:7.1f}s {rtf:6.3f} "
              f"{len(result.words):6d} {rss:7.0f}MB", flush=True)
    if len(rows) > 1:
        print(f"RTF at {rows[-1][0]:g} min / RTF at {rows[0][0]:g} min = {rows[-1][1] / rows[0][1]:.2f} "
              f"(target <= 1.2)")


if __name__ == "__main__":
    main()
