"""Chooses the speech detector's decision rule (``threshold`` at the default
sensitivity, ``hangover``, ``preroll``) for frame accuracy, without looking
at the held-out half of the dev set.

The detector's smoothed scores do not depend on the rule, so they are
computed once per utterance and condition (clean, and white noise at 20, 10
and 5 dB SNR, seeded as bench_vad.py mixes it); the rule (a frame is speech
when any frame from ``hangover`` before it to ``preroll`` after it scores
above ``threshold``, exactly as csrc/vad/speech_detector.cc decides) is then
swept in numpy. The grid point with the best mean accuracy over the four
conditions on the even-numbered utterances is chosen, among rules with a
pre-roll of at least ``--min-preroll`` frames (default 2: the segmenter cuts
phrases on these decisions, and 20 ms before the score rises keeps word
onsets inside the phrase); the odd-numbered ones are the held-out check,
printed beside it, with the current defaults for comparison.

    python benchmarks/tune_vad_decision.py [--level-range R] [--min-preroll N]
"""
from __future__ import annotations

import argparse
import itertools

import numpy as np

from bench_vad import with_noise
from vad_labels import dev_labels

from asr_engine.acoustic import AcousticModel
from asr_engine.align import ForcedAligner
from asr_engine.phrases import SpeechDetectorOptions, detect_speech

CONDITIONS = (None, 20, 10, 5)


def decide(scores: np.ndarray, threshold: float, hangover: int, preroll: int) -> np.ndarray:
    above = np.concatenate([[0], np.cumsum(scores > threshold)])
    t = np.arange(scores.size)
    lo, hi = np.maximum(t - hangover, 0), np.minimum(t + preroll, scores.size - 1)
    return (above[hi + 1] - above[lo]) > 0


def accuracy(data, idx, rule) -> float:
    ok = sum(int((decide(data[i][0], *rule) == data[i][1]).sum()) for i in idx)
    return ok / sum(data[i][1].size for i in idx)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--level-range", type=float, default=SpeechDetectorOptions().level_range,
                    help="the detector's level_range while scoring")
    ap.add_argument("--min-preroll", type=int, default=2, help="smallest preroll (frames) considered")
    args = ap.parse_args()
    items = dev_labels()
    model = AcousticModel.load()
    aligner = ForcedAligner(model)
    rng = np.random.default_rng(12)
    options = SpeechDetectorOptions(level_range=args.level_range)
    data = {}
    for snr in CONDITIONS:
        data[snr] = []
        for it in items:
            f = aligner.features(with_noise(it["samples"], snr, rng), sample_rate=16000)[:it["labels"].size]
            s = detect_speech(f, model, options).scores
            data[snr].append((s, it["labels"][:s.size]))
    even, odd = range(0, len(items), 2), range(1, len(items), 2)
    grid = itertools.product(np.arange(-1.0, 4.01, 0.25), (0, 2, 4, 6, 8, 10),
                             [p for p in (0, 2, 4, 6, 8, 10) if p >= args.min_preroll])
    scored = sorted(((np.mean([accuracy(data[c], even, r) for c in CONDITIONS]), tuple(r)) for r in grid),
                    reverse=True)
    d = SpeechDetectorOptions()
    print(f"{len(items)} utterances: {len(even)} to choose on, {len(odd)} held out")
    print(f"{'rule (threshold, hangover, preroll)':>36} {'chosen on':>9}  held out: clean / 20 / 10 / 5 dB")
    for mean, rule in scored[:5] + [(None, (d.threshold, d.hangover, d.preroll))]:
        held = " / ".join(f"{accuracy(data[c], odd, rule):.4f}" for c in CONDITIONS)
        name = "defaults" if mean is None else f"{mean:.4f}"
        print(f"{str(tuple(round(float(v), 2) for v in rule)):>36} {name:>9}  {held}")


if __name__ == "__main__":
    main()
