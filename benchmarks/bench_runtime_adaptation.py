"""Runtime speaker adaptation (``speaker_adaptation=True``): dev WER and RTF
with and without it, per source, from one run.

Each utterance is decoded both ways back to back, so both see the same
machine load.

    python benchmarks/bench_runtime_adaptation.py [--limit N] [--every K]

``--every K`` keeps every K-th utterance of each source (a smaller run with
every source still in it); progress goes to stderr.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_set import load_dev_set, wer_table  # noqa: E402

from asr_engine.audio import load_audio  # noqa: E402
from asr_engine.recognizer import Recognizer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--every", type=int, default=1, help="keep every K-th utterance of each source")
    args = ap.parse_args()
    seen: dict[str, int] = {}
    utts = []
    for u in load_dev_set()[: args.limit]:
        seen[u.source] = seen.get(u.source, 0) + 1
        if (seen[u.source] - 1) % max(1, args.every) == 0:
            utts.append(u)
    rec = Recognizer()
    hyps = {False: {}, True: {}}
    secs = {False: {}, True: {}}
    for i, u in enumerate(utts, 1):
        if i % 20 == 0:
            print(f"{i}/{len(utts)} utterances", file=sys.stderr, flush=True)
        audio = load_audio(str(u.path), sample_rate=16000)
        for adapt in (False, True):
            t = time.perf_counter()
            hyps[adapt][u.id] = rec.recognize(audio, speaker_adaptation=adapt).transcript
            secs[adapt][u.id] = time.perf_counter() - t
    sources = sorted({u.source for u in utts})
    print(f"{'source':10s} {'WER':>7s} {'WER+SA':>7s} {'RTF':>6s} {'RTF+SA':>6s}")
    for src in sources + ["all"]:
        part = [u for u in utts if src in ("all", u.source)]
        dur = sum(u.duration for u in part)
        w0, _ = wer_table(hyps[False], part)
        w1, _ = wer_table(hyps[True], part)
        r0 = sum(secs[False][u.id] for u in part) / dur
        r1 = sum(secs[True][u.id] for u in part) / dur
        print(f"{src:10s} {w0:7.4f} {w1:7.4f} {r0:6.3f} {r1:6.3f}")
    print(f"{len(utts)} utterances; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
