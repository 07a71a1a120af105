"""Narrowband: the dev set through an 8 kHz channel, wideband vs narrowband model.

For every dev utterance (16 kHz files; the `fsdd` and `osr` sources were
recorded at 8 kHz and stored up-sampled) prints WER per source for:

* wideband model on the 16 kHz audio (the reference point);
* wideband model on the 8 kHz round trip (down-sampled, then up-sampled
  back to 16 kHz: what 8 kHz audio got before the narrowband model);
* narrowband model (``en-US_NarrowbandModel``) on the 8 kHz audio.

    python benchmarks/bench_narrowband.py
"""
from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_set import load_dev_set, wer_table  # noqa: E402

from asr_engine.adapt.narrowband import narrowband_model_dir  # noqa: E402
from asr_engine.audio import Audio, load_audio  # noqa: E402
from asr_engine.audio.resample import resample  # noqa: E402
from asr_engine.recognizer import Recognizer  # noqa: E402


def at_rate(audio: Audio, rate: int) -> Audio:
    samples = resample(audio.samples, audio.sample_rate, rate)
    return Audio(samples, rate, audio.original_rate, 1, samples.size / rate, audio.encoding)


def main() -> None:
    utts = load_dev_set()
    wide = Recognizer()
    narrow = Recognizer(narrowband_model_dir())
    runs = {"wideband 16k": {}, "wideband 8k": {}, "narrowband 8k": {}}
    seconds = dict.fromkeys(runs, 0.0)
    for u in utts:
        audio = load_audio(str(u.path), sample_rate=16000)
        eight = at_rate(audio, 8000)
        for name, rec, a in (("wideband 16k", wide, audio), ("wideband 8k", wide, at_rate(eight, 16000)),
                             ("narrowband 8k", narrow, eight)):
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
    print(f"narrowband 8k vs wideband 16k: {100 * (pooled['narrowband 8k'] / pooled['wideband 16k'] - 1):+.1f} % relative; "
          f"wideband 8k vs 16k: {100 * (pooled['wideband 8k'] / pooled['wideband 16k'] - 1):+.1f} %")


if __name__ == "__main__":
    main()
