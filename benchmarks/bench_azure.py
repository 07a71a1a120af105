"""The Azure short-audio façade on dev audio: statuses, the NoMatch margin,
and what pronunciation assessment costs.

For N dev utterances (seed 14; all 205 with N=0) it measures:

* the rejection margin (``Result.rejection_margin`` with
  ``score_against_phone_loop``) of native speech and of the same audio
  time-reversed (speech-like sound in no language), and the
  ``RecognitionStatus`` the façade gives each (``NO_MATCH_MARGIN`` is chosen
  from these: native speech must stay ``Success``);
* the 10 ms level of what the speech detector calls non-speech (for
  ``NOISE_LEVEL_DBFS``);
* statuses of made-up starts: 6 s of digital silence, 6 s of white noise
  at -30 dBFS, 1 s of silence then an utterance, 6 s of silence then an
  utterance;
* speed, in one run on the same audio: ``Recognizer.recognize``, the
  façade's ``format=detailed`` (speech detection, the phone-loop margin,
  n-best text forms), and ``format=detailed`` with a
  ``Pronunciation-Assessment`` header (reference = the transcript,
  HundredMark, Comprehensive, Phoneme granularity, miscue on); the figure the
  issue asks for is assessed / detailed time.

Run: ``python benchmarks/bench_azure.py [N]``. With N=60 (2026-12-02, default
en-us model, 2 cores shared with other work, load 13-20): margin native min
-1.17, p5 -0.41, median 1.15; reversed min -1.76, p5 -0.94, median -0.10;
statuses native 59 Success, 1 NoMatch at the then threshold -1.0 (now
-1.25: none below it); non-speech level median -50 dBFS (p90 -29); 6 s
silence InitialSilenceTimeout (Offset 5 s), 6 s white noise at -30 dBFS
BabbleTimeout, 1 s silence + utterance Success (Offset 1.14 s), 6 s silence
+ utterance InitialSilenceTimeout; speed over 60 utterances: recognize
89.7 s, façade detailed 98.4 s (1.10x), detailed + assessment 114.2 s:
assessment adds 16 % (target <= 50 %).
"""
from __future__ import annotations

import io
import random
import sys
import time
import wave

import numpy as np

from dev_set import load_dev_set
import asr_engine as ae
from asr_engine.azure import NO_MATCH_MARGIN, SpeechService, encode_assessment_header
from asr_engine.frontend import FeatureStream
from asr_engine.phrases import detect_speech


def wav_bytes(x: np.ndarray, rate: int = 16000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def pct(xs) -> str:
    q = np.percentile(xs, [5, 10, 50, 90, 95])
    return (f"n={len(xs)} min={np.min(xs):.2f} p5={q[0]:.2f} p10={q[1]:.2f} p50={q[2]:.2f} "
            f"p90={q[3]:.2f} p95={q[4]:.2f} max={np.max(xs):.2f}")


def tally(xs) -> str:
    return ", ".join(f"{k} {xs.count(k)}" for k in sorted(set(xs)))


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 40
    dev = load_dev_set()
    random.seed(14)
    sample = dev if n <= 0 else random.sample(dev, min(n, len(dev)))
    service = SpeechService()
    rec = service.base_models["en-US_BroadbandModel"].recognizer()
    kw = dict(content_type="audio/wav", format="detailed")
    fw, bw, levels, st_fw, st_bw = [], [], [], [], []
    t_rec = t_det = t_pa = 0.0
    assessed = 0
    service.recognize(wav_bytes(np.zeros(1600)), **kw)  # load everything before timing
    for u in sample:
        audio = ae.load_audio(str(u.path))
        x = audio.samples
        data = wav_bytes(x)
        fw.append(rec.recognize(audio, score_against_phone_loop=True).rejection_margin)
        back = x[::-1].copy()
        bw.append(rec.recognize(back, sample_rate=16000, score_against_phone_loop=True).rejection_margin)
        st_bw.append(service.recognize(wav_bytes(back), **kw)["RecognitionStatus"])
        fs = FeatureStream(rec.frontend_options, rec.feature_options)
        feats = np.vstack([fs.accept(x), fs.finish()])
        speech = detect_speech(feats, rec.acoustic_model).speech
        hop = 160
        frames = x[:len(speech) * hop].astype(np.float64)
        frames = frames[:len(frames) // hop * hop].reshape(-1, hop)
        lv = 10 * np.log10(np.mean(frames ** 2, axis=1) + 1e-12)
        quiet = ~speech[:len(lv)]
        if quiet.any():
            levels.append(float(np.median(lv[quiet])))
        t0 = time.perf_counter()
        rec.recognize(audio)
        t1 = time.perf_counter()
        out = service.recognize(data, **kw)
        t2 = time.perf_counter()
        if u.duration <= service.max_assessed_audio_seconds:
            header = encode_assessment_header({"ReferenceText": u.reference, "GradingSystem": "HundredMark",
                                               "Dimension": "Comprehensive", "Granularity": "Phoneme",
                                               "EnableMiscue": True})
            service.recognize(data, pronunciation_assessment=header, **kw)
            t3 = time.perf_counter()
            t_rec += t1 - t0
            t_det += t2 - t1
            t_pa += t3 - t2
            assessed += 1
        st_fw.append(out["RecognitionStatus"])
    fwv = np.array([m for m in fw if m is not None])
    bwv = np.array([m for m in bw if m is not None])
    print(f"margin native:   {pct(fwv)} (none: {fw.count(None)})")
    print(f"margin reversed: {pct(bwv)} (none: {bw.count(None)})")
    print(f"below NO_MATCH_MARGIN={NO_MATCH_MARGIN}: native {np.mean(fwv < NO_MATCH_MARGIN):.3f}, "
          f"reversed {np.mean(bwv < NO_MATCH_MARGIN):.3f}")
    print(f"status native:   {tally(st_fw)}")
    print(f"status reversed: {tally(st_bw)}")
    print(f"non-speech level dBFS: {pct(levels)}")
    one = ae.load_audio(str(sample[0].path)).samples
    rng = np.random.default_rng(14)
    starts = {
        "6 s silence": np.zeros(96000),
        "6 s white noise -30 dBFS": rng.normal(0, 10 ** (-30 / 20), 96000),
        "1 s silence + utterance": np.concatenate([np.zeros(16000), one]),
        "6 s silence + utterance": np.concatenate([np.zeros(96000), one]),
    }
    for name, x in starts.items():
        out = service.recognize(wav_bytes(x), **kw)
        print(f"{name}: {out['RecognitionStatus']} Offset={out['Offset']} Duration={out['Duration']}")
    print(f"speed over {assessed} utterances: recognize {t_rec:.2f} s, detailed {t_det:.2f} s "
          f"({t_det / t_rec:.2f}x), detailed + assessment {t_pa:.2f} s: assessment adds "
          f"{100 * (t_pa / t_det - 1):.0f} % to the façade's recognition time")


if __name__ == "__main__":
    main()
