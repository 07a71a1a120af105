"""Fits the speech detector's cue network (the constants in
csrc/vad/speech_detector.cc) and prints them as C++.

Data: the dev set's forced-alignment frame labels (vad_labels.py), clean and
with white noise at 20, 10 and 5 dB SNR (seed 12, as bench_vad.py mixes it).
Per frame the cues are the native detector's raw speech-vs-non-speech LLR
(window 1, no hangover) and, computed here exactly as the C++ does, c0 and
8 mel-band levels above noise floors (causal 5-frame mean, floor follows
the minimum down at once and rises floor_rise per frame; the peak falls the
same way), and the spread peak - floor of c0; all smoothed over the centred
21-frame window. The network (14 inputs standardised, 6 tanh units,
logistic output, L2 1e-3) trains on the even-numbered utterances (every
third frame); the odd-numbered ones are the held-out check printed first.

The native tracker also keeps levels and floors within ``level_range`` (60)
of the peak, against digital silence; this replica omits that clamp (on the
dev set's audio it changes almost no frame). The decision rule on top of the
network's log-odds is chosen by tune_vad_decision.py.

    python benchmarks/train_vad.py
"""
from __future__ import annotations

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.neural_network import MLPClassifier
from sklearn.preprocessing import StandardScaler

from bench_vad import with_noise
from vad_labels import dev_labels

from asr_engine.acoustic import AcousticModel
from asr_engine.align import ForcedAligner
from asr_engine.phrases import SpeechDetectorOptions, detect_speech

RISE, BANDS, NCEP, LIFTER = 0.005, 8, 13, 22


def smooth(v: np.ndarray, w: int = 21) -> np.ndarray:
    return np.stack([np.convolve(np.pad(v[:, j], w // 2, mode="edge"), np.ones(w) / w, mode="valid")
                     for j in range(v.shape[1])], 1)


def causal_mean(v: np.ndarray, w: int = 5) -> np.ndarray:
    c = np.cumsum(np.vstack([np.zeros((1, v.shape[1])), v]), 0)
    i = np.arange(1, len(v) + 1)
    return (c[1:] - c[np.maximum(i - w, 0)]) / np.minimum(i, w)[:, None]


def track(c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    fl, pk = np.empty_like(c), np.empty_like(c)
    f, p = c[0].copy(), c[0].copy()
    for i, v in enumerate(c):
        f = np.where(v < f, v, f + RISE)
        p = np.where(v > p, v, p - RISE)
        fl[i], pk[i] = f, p
    return fl, pk


def cues(features: np.ndarray, llr: np.ndarray) -> np.ndarray:
    n = np.arange(NCEP)
    lift = 1 + 0.5 * LIFTER * np.sin(np.pi * n / LIFTER)
    basis = np.cos(np.pi * n[None, :] * (np.arange(BANDS)[:, None] + 0.5) / BANDS)
    levels = np.column_stack([features[:, 0], (features[:, :NCEP] / lift) @ basis.T])
    fl, pk = track(causal_mean(levels))
    s = smooth(np.column_stack([llr, levels - fl, pk[:, 0] - fl[:, 0]]))
    llr_s, rel0, relb, spread = s[:, 0], s[:, 1], s[:, 2:2 + BANDS], s[:, -1]
    return np.column_stack([llr_s, rel0, spread, llr_s * spread, rel0 * spread, relb,
                            np.maximum(relb, 0).mean(1)])


def main() -> None:
    items = dev_labels()
    model = AcousticModel.load()
    aligner = ForcedAligner(model)
    rng = np.random.default_rng(12)
    raw = SpeechDetectorOptions(window=1, hangover=0, noise_tracking=False, densities=256)
    X, Y, even = {}, {}, np.arange(len(items)) % 2 == 0
    for snr in (None, 20, 10, 5):
        X[snr], Y[snr] = [], []
        for it in items:
            f = aligner.features(with_noise(it["samples"], snr, rng), sample_rate=16000)[:it["labels"].size]
            X[snr].append(cues(f, detect_speech(f, model, raw).scores))
            Y[snr].append(it["labels"][:f.shape[0]])
    xtr = np.vstack([x for s in X for i, x in enumerate(X[s]) if even[i]])
    ytr = np.concatenate([y for s in Y for i, y in enumerate(Y[s]) if even[i]])
    scaler = StandardScaler().fit(xtr)
    net = MLPClassifier(hidden_layer_sizes=(6,), activation="tanh", alpha=1e-3, max_iter=300,
                        random_state=0).fit(scaler.transform(xtr[::3]), ytr[::3])
    for s in X:
        xt = scaler.transform(np.vstack([x for i, x in enumerate(X[s]) if not even[i]]))
        yt = np.concatenate([y for i, y in enumerate(Y[s]) if not even[i]])
        p = net.predict_proba(xt)[:, 1]
        print(f"// held out, {'clean' if s is None else f'{s} dB'}: AUC {roc_auc_score(yt, p):.3f}")

    def arr(name: str, a) -> str:
        a = np.asarray(a, dtype=np.float32).ravel()
        return f"constexpr float {name}[{a.size}] = {{" + ", ".join(f"{v:.7g}f" for v in a) + "};"
    print(arr("kCueMean", scaler.mean_))
    print(arr("kCueScale", 1.0 / scaler.scale_))
    print(arr("kHiddenWeights", net.coefs_[0].T))
    print(arr("kHiddenBias", net.intercepts_[0]))
    print(arr("kOutputWeights", net.coefs_[1][:, 0]))
    print(f"constexpr float kOutputBias = {float(net.intercepts_[1][0]):.7g}f;")


if __name__ == "__main__":
    main()
