"""Pronunciation assessment on dev audio: do the scores behave, and what
does assessment cost next to recognition?

For N dev utterances of at least 4 words (seed 14) it measures, HundredMark,
Comprehensive, miscue on where it matters:

* right text: word AccuracyScore distribution (target mean >= 85), and the
  Insertion/Omission marks miscue detection puts on it (false alarms);
* wrong text (the next utterance's transcript): full-text accuracy (<= 40);
* omission: the middle word cut out of the audio at its forced-alignment
  boundaries; is it ``Omission``, and CompletenessScore vs (n-1)/n;
* insertion: a word from another utterance spliced into the middle; is an
  ``Insertion`` reported;
* swap: the middle reference word replaced by a word of another
  utterance; its accuracy and whether it is < 60 (``Mispronunciation``);
* speed: assessment time (given the recognition result) / recognition time.

Run: ``python benchmarks/bench_pronunciation.py [N]``. With N=24 (2026-12-01,
default en-us model, 2 loaded cores): right-text word accuracy mean 88.8
(p10 74.3, median 92.9); 5 Insertion and 1 Omission false marks over 212
native words; wrong-text full-text accuracy mean 25.2 (median 32.7, p90
45.1); cut word Omission 20/24; completeness minus (n-1)/n median 0.0;
spliced word Insertion 22/24; swapped word accuracy median 21.8, below 60
in 19/24; assessment / recognition time 0.187.
"""
from __future__ import annotations

import random
import sys
import time

import numpy as np

from dev_set import load_dev_set
import asr_engine as ae
from asr_engine.align import AlignOptions, ForcedAligner
from asr_engine.pronunciation import PronunciationAssessor

KW = dict(grading_system="HundredMark", dimension="Comprehensive", granularity="Word")


def dist(xs: list[float]) -> str:
    q = np.percentile(xs, [10, 25, 50, 75, 90])
    return f"n={len(xs)} mean={np.mean(xs):.1f} p10={q[0]:.1f} p25={q[1]:.1f} p50={q[2]:.1f} p75={q[3]:.1f} p90={q[4]:.1f}"


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20
    rec = ae.Recognizer()
    # At least 4 words, all in the dictionary (the splices need alignments).
    dev = [u for u in load_dev_set() if len(u.reference.split()) >= 4
           and not rec.dictionary.missing(u.reference.split())]
    random.seed(14)
    sample = random.sample(dev, min(n, len(dev)))
    assessor = PronunciationAssessor(rec)
    aligner = ForcedAligner(rec.acoustic_model, rec.dictionary, AlignOptions(quality=False))
    right_words, right_full, wrong_full = [], [], []
    omitted, completeness_err, inserted, swap_acc, swap_low = [], [], [], [], []
    false_ins, false_omi, n_words = [], [], 0
    t_rec = t_assess = 0.0
    for k, u in enumerate(sample):
        audio = ae.load_audio(str(u.path))
        x = audio.samples
        sr = audio.sample_rate
        words = u.reference.split()
        other = sample[(k + 1) % len(sample)]
        t0 = time.perf_counter()
        result = rec.recognize(audio)
        t1 = time.perf_counter()
        right = assessor.assess(audio, u.reference, enable_miscue=True, recognized=result,
                                nbest_phoneme_count=0, **{**KW, "granularity": "Phoneme"})
        t2 = time.perf_counter()
        t_rec += t1 - t0
        t_assess += t2 - t1
        right_words += [w.accuracy_score for w in right.words if w.error_type != "Insertion"]
        false_ins.append(sum(w.error_type == "Insertion" for w in right.words))
        false_omi.append(sum(w.error_type == "Omission" for w in right.words))
        n_words += len(words)
        right_full.append(right.accuracy_score)
        wrong_full.append(assessor.assess(audio, other.reference, **KW).accuracy_score)
        # Omission: cut the middle word out at its aligned boundaries.
        al = aligner.align(audio, u.reference)
        mid = len(words) // 2
        seg = next(w for w in al.words if w.index == mid)
        a, b = int(seg.start * sr), int(seg.end * sr)
        cut = np.concatenate([x[:a], x[b:]])
        out = assessor.assess(cut, u.reference, sample_rate=sr, enable_miscue=True, **KW)
        ref_words = [w for w in out.words if w.error_type != "Insertion"]
        omitted.append(ref_words[mid].error_type == "Omission")
        completeness_err.append(out.completeness_score - 100.0 * (len(words) - 1) / len(words))
        # Insertion: another utterance's middle word spliced in before our middle word.
        oal = aligner.align(str(other.path), other.reference)
        oseg = next(w for w in oal.words if w.index == len(other.reference.split()) // 2)
        oaudio = ae.load_audio(str(other.path)).samples
        extra = oaudio[int(oseg.start * sr):int(oseg.end * sr)]
        spliced = np.concatenate([x[:a], extra, x[a:]])
        out = assessor.assess(spliced, u.reference, sample_rate=sr, enable_miscue=True, **KW)
        inserted.append(any(w.error_type == "Insertion" for w in out.words))
        # Swap: the middle reference word replaced by the other utterance's middle word.
        swap_word = oseg.word
        if swap_word != words[mid]:
            swapped = " ".join(words[:mid] + [swap_word] + words[mid + 1:])
            out = assessor.assess(audio, swapped, **KW)
            acc = out.words[mid].accuracy_score
            swap_acc.append(acc)
            swap_low.append(acc < 60)
        print(f"{u.id}: right {right.accuracy_score:.1f} omission={omitted[-1]} insertion={inserted[-1]}",
              flush=True)
    print("right text, word AccuracyScore:", dist(right_words))
    print("right text, full-text AccuracyScore:", dist(right_full))
    print(f"right text, miscue on: {sum(false_ins)} Insertion and {sum(false_omi)} Omission marks "
          f"over {n_words} reference words (false alarms)")
    print("wrong text, full-text AccuracyScore:", dist(wrong_full))
    print(f"cut word marked Omission: {sum(omitted)}/{len(omitted)}")
    print("CompletenessScore minus expected (n-1)/n after one cut:", dist(completeness_err))
    print(f"spliced extra word gives an Insertion: {sum(inserted)}/{len(inserted)}")
    print("swapped reference word accuracy:", dist(swap_acc), f"below 60: {sum(swap_low)}/{len(swap_low)}")
    print(f"assessment / recognition time: {t_assess / t_rec:.3f} ({t_assess:.1f} s / {t_rec:.1f} s)")


if __name__ == "__main__":
    main()
