"""Runtime speaker adaptation (``speaker_adaptation=True``): dev WER and RTF
with and without it, per source, from one run.

Each utterance is decoded both ways back to back, so both see the same
machine load.

    python benchmarks/bench_runtime_adaptation.py [--limit N] [--every K]

``--every K`` keeps every K-th utterance of each source (a smaller run with
every source still in it); progress goes to stderr.

Last run (2026-12-02 17:00-17:30, current code, ``--every 2``: 106
utterances, 277.9 s, every source; the whole set could not finish before
the deadline at load 9-11 on 2 cores, 6.3 at the end; RTF is wall clock on a
shared machine, so only the ratio counts; fsdd and osr go to the narrowband
model):

    source         WER  WER+SA    RTF RTF+SA
    arctic      0.3636  0.3636  5.472  7.915
    cathy       0.1722  0.1627  1.060  1.688
    cv          2.0000  2.0000  4.845  5.448
    fsdd        0.2857  0.2857  1.303  1.334
    ieee        0.1625  0.1625  4.961  6.610
    libri       0.2353  0.2353  5.131 10.165
    mfa         0.5278  0.5833  3.861  6.086
    osr         0.3200  0.3200  7.624  7.452
    psx         0.1667  0.1852  3.891  5.725
    sb          0.3333  0.3333  4.311  9.142
    sonnet      0.5487  0.5752  2.551  3.069
    speechcmd   0.4516  0.4516  0.878  0.919
    vctk        0.5000  0.5000  3.731  5.733
    all         0.3056  0.3117  2.964  4.031   (x1.36 time, +2.0 % relative WER)

The run before (whole dev set, 205 utterances, load 9-20, older code):
all 0.3604 -> 0.3636, x1.51 time.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_set import every_kth_of_each_source, load_dev_set, wer_table  # noqa: E402

from asr_engine.audio import load_audio  # noqa: E402
from asr_engine.recognizer import Recognizer  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--every", type=int, default=1, help="keep every K-th utterance of each source")
    args = ap.parse_args()
    utts = every_kth_of_each_source(load_dev_set()[: args.limit], args.every)
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
