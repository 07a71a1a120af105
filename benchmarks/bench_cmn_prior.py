"""CMN initialisation for short utterances, measured on the dev set.

Batch CMN subtracts the utterance's own cepstral mean; on a short
utterance (a command, a digit) that mean is dominated by the phones of one
word. This script tries a MAP estimate of the mean instead,

    mean = (sum of the utterance's cepstra + tau * prior) / (frames + tau),

with ``prior`` the model's live-CMN initial mean (``FeatureOptions.cmn_init``,
the rest zero), so a 1 s utterance takes ``tau / (100 + tau)`` of its mean
from the prior. Deltas do not depend on the mean, so the features are the
front end's with CMN off and the static part normalised here. Each utterance
is decoded as ``Recognizer.recognize`` does (narrowband model for
band-limited audio) once per ``--tau``; printed: pooled WER, errors per
source and the decoding time.

    python benchmarks/bench_cmn_prior.py --tau 0,100 [--limit N]
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import replace

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import every_kth, load_dev_set, wer_table  # noqa: E402

import numpy as np  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine.audio.bandwidth import is_narrowband  # noqa: E402
from asr_engine.frontend import FeatureStream  # noqa: E402


def features(rec, samples, tau: float) -> np.ndarray:
    raw_opts = replace(rec.feature_options, cmn="none")
    stream = FeatureStream(rec.frontend_options, raw_opts)
    feats = np.vstack([stream.accept(samples), stream.finish()]).astype(np.float64)
    ncep = rec.frontend_options.num_cepstra
    prior = np.zeros(ncep)
    init = list(rec.feature_options.cmn_init)[:ncep]
    prior[:len(init)] = init
    mean = (feats[:, :ncep].sum(axis=0) + tau * prior) / (len(feats) + tau)
    feats[:, :ncep] -= mean
    return np.ascontiguousarray(feats, dtype=np.float32)


def main() -> int:
    p = argparse.ArgumentParser(description="MAP CMN mean for short utterances on the dev set")
    p.add_argument("--tau", default="0,100", help="prior weights in frames, comma-separated")
    p.add_argument("--limit", type=int, default=0)
    args = p.parse_args()
    utts = every_kth(load_dev_set(), args.limit)
    wide = ae.Recognizer()
    audio = []
    for u in utts:
        a = ae.load_audio(u.path)
        rec = wide.narrowband() if is_narrowband(a.samples, a.sample_rate) else wide
        samples = a.samples if rec is wide else ae.load_audio(u.path, sample_rate=rec.sample_rate).samples
        audio.append((u, rec, samples, a.duration))
    for tau in (float(t) for t in args.tau.split(",")):
        t0 = time.perf_counter()
        hyps = {}
        for u, rec, samples, dur in audio:
            opts = rec.search_options
            decoder = rec._decode(features(rec, samples, tau), opts)
            hyps[u.id] = rec._result(decoder, dur, True, opts).transcript
        wer, per = wer_table(hyps, utts)
        print(f"tau {tau:g}: WER {100 * wer:.2f}% ({time.perf_counter() - t0:.0f} s) "
              + " ".join(f"{k}:{e}" for k, (e, _n) in per.items()), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
