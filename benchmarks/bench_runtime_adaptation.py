"""Runtime speaker adaptation (``speaker_adaptation=True``): dev WER and RTF
with and without it, per source, from one run.

Each utterance is decoded both ways back to back, so both see the same
machine load.

    python benchmarks/bench_runtime_adaptation.py [--limit N] [--every K]

``--every K`` keeps every K-th utterance of each source (a smaller run with
every source still in it); progress goes to stderr.

Last run (2026-12-02, whole dev set, 205 utterances, load 9-20 on 2 cores;
RTF is wall clock, so only the ratio counts):

    source         WER  WER+SA    RTF RTF+SA
    arctic      0.4419  0.3953  1.358  1.926
    cathy       0.1961  0.2010  2.094  3.901
    cv          2.0000  2.0000  1.757  1.681
    fsdd        0.2857  0.2857  1.215  1.226
    ieee        0.1258  0.1258  0.876  1.482
    libri       0.2353  0.2353  1.303  2.608
    mfa         0.5443  0.5570  0.962  1.478
    osr         0.7347  0.7347  1.672  1.860
    psx         0.2396  0.1979  1.371  2.232
    sb          0.3333  0.3333  1.219  2.191
    sonnet      0.6413  0.6682  2.275  3.450
    speechcmd   0.3387  0.3387  3.191  3.260
    vctk        0.3182  0.3409  1.179  1.871
    all         0.3604  0.3636  1.862  2.809   (x1.51 time, +0.9 % relative WER)
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
