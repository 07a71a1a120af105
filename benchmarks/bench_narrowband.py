"""Narrowband: the dev set through an 8 kHz channel, wideband vs narrowband model.

For every dev utterance (16 kHz files; the `fsdd` and `osr` sources were
recorded at 8 kHz and stored up-sampled) prints WER per source for:

* wideband model on the 16 kHz audio (the reference point);
* wideband model on the 8 kHz round trip (down-sampled, then up-sampled
  back to 16 kHz: what 8 kHz audio got before the narrowband model);
* narrowband model (``en-US_NarrowbandModel``) on the 8 kHz audio.

    python benchmarks/bench_narrowband.py [--every K]

``--every K`` keeps every K-th utterance of each source (a smaller run with
every source still in it); progress goes to stderr.

Last run (2026-12-02 17:00-17:30, ``--every 2``: 106 utterances, 277.9 s,
every source; load 9-11 during, 5.2 at the end; the wideband rows without
the by-rate routing):

    wideband 16k   WER 0.3380  [arctic 0.364 cathy 0.172 cv 2.000 fsdd 0.429 ieee 0.163 libri 0.235
                                mfa 0.528 osr 0.720 psx 0.167 sb 0.333 sonnet 0.549 speechcmd 0.452 vctk 0.500]
    wideband 8k    WER 0.5139  [arctic 0.409 cathy 0.388 cv 3.000 fsdd 0.571 ieee 0.412 libri 0.412
                                mfa 0.639 osr 0.720 psx 0.259 sb 0.500 sonnet 0.743 speechcmd 0.613 vctk 0.773]
    narrowband 8k  WER 0.3534  [arctic 0.409 cathy 0.249 cv 1.000 fsdd 0.286 ieee 0.212 libri 0.294
                                mfa 0.639 osr 0.320 psx 0.241 sb 0.500 sonnet 0.566 speechcmd 0.452 vctk 0.455]
    narrowband 8k vs wideband 16k: +4.6 % relative (target <= 15 %); wideband 8k vs 16k: +52.1 %

On the 8 kHz sources: fsdd 42.9 % (wideband) -> 28.6 % (narrowband), osr
72.0 % -> 32.0 %.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_set import every_kth_of_each_source, load_dev_set, wer_table  # noqa: E402

from asr_engine.adapt.narrowband import narrowband_model_dir  # noqa: E402
from asr_engine.audio import Audio, load_audio  # noqa: E402
from asr_engine.audio.resample import resample  # noqa: E402
from asr_engine.recognizer import Recognizer  # noqa: E402


def at_rate(audio: Audio, rate: int) -> Audio:
    samples = resample(audio.samples, audio.sample_rate, rate)
    return Audio(samples, rate, audio.original_rate, 1, samples.size / rate, audio.encoding)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--every", type=int, default=1, help="keep every K-th utterance of each source")
    ap.add_argument("--narrowband-only", action="store_true",
                    help="only the narrowband row (to compare narrowband models; the wideband rows do not change)")
    args = ap.parse_args()
    utts = every_kth_of_each_source(load_dev_set(), args.every)
    # Without the by-rate routing, or the wideband rows would be the
    # narrowband model's (band-limited audio is sent to it).
    wide = Recognizer(pick_model_by_rate=False)
    narrow = Recognizer(narrowband_model_dir())
    runs = {"narrowband 8k": {}} if args.narrowband_only else {"wideband 16k": {}, "wideband 8k": {}, "narrowband 8k": {}}
    seconds = dict.fromkeys(runs, 0.0)
    for i, u in enumerate(utts, 1):
        if i % 20 == 0:
            print(f"{i}/{len(utts)} utterances", file=sys.stderr, flush=True)
        audio = load_audio(str(u.path), sample_rate=16000)
        eight = at_rate(audio, 8000)
        for name, rec, a in (("wideband 16k", wide, audio), ("wideband 8k", wide, at_rate(eight, 16000)),
                             ("narrowband 8k", narrow, eight)):
            if name not in runs:
                continue
            t = time.perf_counter()
            runs[name][u.id] = rec.recognize(a).transcript
            seconds[name] += time.perf_counter() - t
    total = sum(u.duration for u in utts)
    pooled = {}
    for name, hyps in runs.items():
        wer, per = wer_table(hyps, utts)
        pooled[name] = wer
        cells = "  ".join(f"{k} {e / max(1, n):.3f}" for k, (e, n) in per.items())
        print(f"{name:14s} WER {wer:.4f}  RTF {seconds[name] / total:.3f}  [{cells}]")
    if args.narrowband_only:
        print(f"{len(utts)} utterances; load {os.getloadavg()[0]:.1f}")
        return
    print(f"narrowband 8k vs wideband 16k: {100 * (pooled['narrowband 8k'] / pooled['wideband 16k'] - 1):+.1f} % relative; "
          f"wideband 8k vs 16k: {100 * (pooled['wideband 8k'] / pooled['wideband 16k'] - 1):+.1f} %")
    print(f"{len(utts)} utterances; load {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
