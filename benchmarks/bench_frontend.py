"""MFCC + deltas throughput: asr_engine vs python_speech_features vs librosa.

All three compute 13 MFCCs with first and second differences for the same
60 s of real speech (dev utterances from ../shared/data concatenated), on one
thread, in one process. Prints seconds per run (best of N), real-time
factors and the throughput ratios.

    python benchmarks/bench_frontend.py [--repeat 20]
"""
from __future__ import annotations

import argparse
import os

# One thread for everyone: the comparison is per core.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

import asr_engine as ae  # noqa: E402
from bench_common import SHARED, best_time  # noqa: E402



def sixty_seconds_of_speech() -> np.ndarray:
    parts, total = [], 0
    for path in sorted((SHARED / "data" / "dev").glob("*.wav")):
        x = ae.load_audio(path).samples
        parts.append(x)
        total += x.size
        if total >= 60 * 16000:
            break
    return np.concatenate(parts)[: 60 * 16000]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()

    import pocketsphinx

    audio = sixty_seconds_of_speech()
    seconds = audio.size / 16000
    fo, feo = ae.model_feature_options(Path(pocketsphinx.get_model_path()) / "en-us" / "en-us")

    def ours():
        return ae.compute_features(audio, fo, feo)

    results = {"asr_engine": best_time(ours, args.repeat, warmup=True)}
    shapes = {"asr_engine": ours().shape}

    try:
        import python_speech_features as psf

        pcm = audio * 32768.0

        def with_psf():
            m = psf.mfcc(pcm, 16000, winlen=0.025625, numcep=13, nfilt=25, lowfreq=130, highfreq=6800)
            d = psf.delta(m, 2)
            return np.hstack([m, d, psf.delta(d, 2)])

        results["python_speech_features"] = best_time(with_psf, max(3, args.repeat // 4), warmup=True)
        shapes["python_speech_features"] = with_psf().shape
    except ImportError:
        print("python_speech_features not installed (pip install .[test])")

    try:
        import librosa

        def with_librosa():
            m = librosa.feature.mfcc(y=audio, sr=16000, n_mfcc=13, n_fft=512, hop_length=160, win_length=410,
                                     n_mels=25, fmin=130, fmax=6800)
            return np.vstack([m, librosa.feature.delta(m), librosa.feature.delta(m, order=2)]).T

        results["librosa"] = best_time(with_librosa, max(3, args.repeat // 4), warmup=True)
        shapes["librosa"] = with_librosa().shape
    except ImportError:
        print("librosa not installed (pip install .[test])")

    print(f"audio: {seconds:.1f} s of dev speech, 16 kHz; MFCC(13) + delta + delta-delta, one thread")
    for name, t in results.items():
        print(f"  {name:24s} {t * 1000:8.2f} ms   {seconds / t:9.0f}x real time   output {shapes[name]}")
    base = results["asr_engine"]
    for name, t in results.items():
        if name != "asr_engine":
            print(f"  speed-up over {name}: {t / base:.1f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
