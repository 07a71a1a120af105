"""Native statistics behind the pronunciation scorer's calibration.

Force-aligns dev utterances to their own transcripts (native speech, right
text) and to another utterance's transcript (wrong text), and prints:

* percentiles of the per-phone GOP (nats/frame) for both, and of the word
  GOP (frame-weighted mean over the word's phones);
* the speaking rate (phones per second of speech, pauses excluded) and the
  share of in-utterance pause time on native speech.

The constants of ``asr_engine.pronunciation.calibration`` come from this
output (see that module). Run: ``python benchmarks/calibrate_pronunciation.py [N]``.
"""
from __future__ import annotations

import random
import sys

import numpy as np

from dev_set import load_dev_set
from asr_engine.acoustic import SenoneScorer
from asr_engine.errors import AudioError
from asr_engine.align import AlignOptions, ForcedAligner, MissingWordsError
from asr_engine.pronunciation.gop import CiPhoneSet, phone_goodness
from asr_engine.pronunciation.fluency import speech_timing


def word_gops(al, goods):
    by_word: dict[int, list] = {}
    for g in goods:
        by_word.setdefault(al.phones[g.index].word, []).append(g)
    return [sum(g.gop * g.frames for g in gs) / sum(g.frames for g in gs) for gs in by_word.values()]


def anchored_logistic(right: list[float], wrong: list[float]) -> tuple[float, float]:
    """Slope and offset of 1 / (1 + exp(-(a * gop + b))) through two
    anchors: the lower quartile of native phones (right text) -> 0.90 and the
    median phone of wrong text -> 0.10."""
    hi, lo = float(np.percentile(right, 25)), float(np.percentile(wrong, 50))
    logit = float(np.log(0.9 / 0.1))
    a = 2 * logit / (hi - lo)
    return a, logit - a * hi


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 80
    dev = load_dev_set()
    random.seed(14)
    sample = random.sample(dev, min(n, len(dev)))
    aligner = ForcedAligner(options=AlignOptions(quality=False))
    scorer = SenoneScorer(aligner.model)
    ci = CiPhoneSet(aligner.model)
    step = 0.01
    right_p, right_w, wrong_p, wrong_w, rates, pauses = [], [], [], [], [], []
    for k, u in enumerate(sample):
        feats = aligner.features(str(u.path))
        other = sample[(k + 1) % len(sample)].reference
        for text, p_out, w_out in ((u.reference, right_p, right_w), (other, wrong_p, wrong_w)):
            try:
                al = aligner.align_features(feats, text)
            except (MissingWordsError, AudioError):
                continue
            goods = phone_goodness(feats, al, scorer, ci, step)
            p_out += [g.gop for g in goods]
            w_out += word_gops(al, goods)
            if text is u.reference:
                rate, pause = speech_timing(al)
                if rate is not None:
                    rates.append(rate)
                    pauses.append(pause)
    q = [5, 10, 25, 50, 75, 90, 95]
    for name, xs in (("phone GOP right", right_p), ("phone GOP wrong", wrong_p),
                     ("word GOP right", right_w), ("word GOP wrong", wrong_w),
                     ("rate phones/s", rates), ("pause share", pauses)):
        print(f"{name:16s} n={len(xs):5d} mean={np.mean(xs):7.3f} sd={np.std(xs):6.3f} "
              + " ".join(f"p{p}={v:.3f}" for p, v in zip(q, np.percentile(xs, q))))
    a, b = anchored_logistic(right_p, wrong_p)
    print(f"anchored logistic on phones: GOP_SLOPE={a:.4f} GOP_OFFSET={b:.4f}")
    print(f"log rate: mean={np.mean(np.log(rates)):.4f} sd={np.std(np.log(rates)):.4f}; "
          f"pause share p90={np.percentile(pauses, 90):.4f}")


if __name__ == "__main__":
    main()
