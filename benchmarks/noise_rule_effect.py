"""What the detector-evidence noise rule (phrase_grouping.SpeechEvidence)
drops on real speech: every dev utterance decoded phrase by phrase with the
rule and without it (cutoff -inf), clean and with white noise at the given
SNRs; prints each utterance whose transcript differs and the word errors
either way.

    python benchmarks/noise_rule_effect.py [--snr 10 --snr 5] [--limit N]
"""
from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_set import every_kth, load_dev_set, word_errors  # noqa: E402


def _with_noise(x: np.ndarray, snr: float, rng) -> np.ndarray:
    power = float(np.mean(x.astype(np.float64) ** 2))
    noise = rng.standard_normal(x.size) * math.sqrt(power / 10 ** (snr / 10))
    return (x + noise).astype(np.float32)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--snr", type=float, action="append", default=[], help="also with white noise at this SNR (dB)")
    ap.add_argument("--limit", type=int, default=0, help="about this many dev utterances, spread (0: all)")
    args = ap.parse_args()
    import asr_engine as ae
    import asr_engine.phrase_grouping as grouping
    import soundfile as sf
    from asr_engine.audio.input import read_audio

    rec = ae.Recognizer()
    utts = every_kth(load_dev_set(), args.limit)
    rule = grouping.SpeechEvidence.cutoff_for
    rng = np.random.default_rng(7)
    for snr in [None] + args.snr:
        errs = {"rule": 0, "none": 0}
        words = changed = dropped = 0
        for u in utts:
            rate = sf.info(str(u.path)).samplerate  # 8 kHz recordings stay 8 kHz (the narrowband model)
            audio = read_audio(str(u.path), target_rate=16000 if rate > 8000 else 8000)
            x = audio.samples if snr is None else _with_noise(audio.samples, snr, rng)
            out = {}
            for name, cutoff in (("rule", rule), ("none", staticmethod(lambda s, k: -math.inf))):
                grouping.SpeechEvidence.cutoff_for = cutoff
                try:
                    r = rec.recognize(x, sample_rate=audio.sample_rate, phrase_decoding=True)
                finally:
                    grouping.SpeechEvidence.cutoff_for = rule
                out[name] = r
                e, n = word_errors(u.reference, r.transcript)
                errs[name] += e
            words += n
            if out["rule"].transcript != out["none"].transcript:
                changed += 1
                dropped += len(out["none"].phrases) - len(out["rule"].phrases)
                print(f"  {'clean' if snr is None else f'{snr:g} dB'} {u.id}: {out['none'].transcript!r} -> "
                      f"{out['rule'].transcript!r} (ref {u.reference!r})")
        label = "clean" if snr is None else f"white noise {snr:g} dB"
        print(f"{label}: {len(utts)} utterances, {changed} changed ({dropped} phrases dropped); WER with the rule "
              f"{100 * errs['rule'] / words:.2f} %, without {100 * errs['none'] / words:.2f} %", flush=True)


if __name__ == "__main__":
    main()
