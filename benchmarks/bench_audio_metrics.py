"""Cost of ``audio_metrics=True`` and ``speaker_labels=True`` against
recognition itself, on the same dev utterances in one run.

Prints CPU seconds per second of audio of: plain ``Recognizer.recognize``;
the :class:`AudioMetricsAccumulator` alone (fed 0.1 s chunks, as a stream
would); the speech detector over the recognizer's features (shared by
metrics and labels); and speaker labels (the cepstra and the diarizer over
the recognized words). Ratios are what to read: the machine is shared.

    python benchmarks/bench_audio_metrics.py [--limit N]
"""
from __future__ import annotations

import argparse
import time

import numpy as np

from dev_set import load_dev_set

from asr_engine import Recognizer
from asr_engine.audio import load_audio
from asr_engine.frontend import compute_features
from asr_engine.phrases import detect_speech
from asr_engine.phrases.audio_metrics import AudioMetricsAccumulator
from asr_engine.recognition_reports import labels_of


def cpu(fn) -> float:
    t = time.process_time()
    fn()
    return time.process_time() - t


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--limit", type=int, default=20, help="dev utterances to use (default 20)")
    args = ap.parse_args()
    rec = Recognizer()
    audio = [load_audio(str(u.path)) for u in load_dev_set()[:args.limit]]
    seconds = sum(a.duration for a in audio)
    feats = [compute_features(a, rec.frontend_options, rec.feature_options) for a in audio]
    rec.recognize(audio[0])  # warm caches

    def metrics_only() -> None:
        for a in audio:
            acc = AudioMetricsAccumulator(a.sample_rate)
            for i in range(0, a.samples.size, 1600):
                acc.accept(a.samples[i:i + 1600])
            acc.finish()
            acc.metrics()

    results: list = []
    plain = cpu(lambda: results.extend(rec.recognize(a) for a in audio))
    accumulate = cpu(metrics_only)
    detect = cpu(lambda: [detect_speech(f, rec.acoustic_model) for f in feats])
    speech = [detect_speech(f, rec.acoustic_model).speech for f in feats]
    labels = cpu(lambda: [labels_of(r, a, s, rec.acoustic_model, rec.frontend_options)
                          for r, a, s in zip(results, audio, speech)])
    print(f"{len(audio)} utterances, {seconds:.1f} s of audio")
    print(f"{'':>34} {'CPU s / s audio':>16} {'/ recognition':>14}")
    for name, t in (("recognize", plain), ("audio metrics accumulator", accumulate),
                    ("speech detector", detect), ("speaker labels", labels)):
        print(f"{name:>34} {t / seconds:16.5f} {t / plain:14.4f}")
    print(f"accumulator + detector: {(accumulate + detect) / plain:.4f} of recognition")


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
