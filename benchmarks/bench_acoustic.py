"""Acoustic model, dictionary and forced-alignment speed (and agreement) vs PocketSphinx.

Prints, in one run on one thread:
  * load times: en-us acoustic model, cmudict text parse, cmudict binary cache;
  * senone scoring throughput: frames/s scoring all 5126 senones of the en-us
    model, and only 10 % of them;
  * forced alignment of the 5 librivox utterances: real-time factor with and
    without feature extraction, PocketSphinx's RTF on the same audio and text
    (its FSG alignment pass, then also its phone/state second pass), and the
    agreement of the word boundaries with PocketSphinx's reference alignments.

    python benchmarks/bench_acoustic.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(var, "1")

import json  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine.acoustic import AcousticModel, ScorerOptions  # noqa: E402
from asr_engine.align import AlignOptions, ForcedAligner  # noqa: E402
from asr_engine.dictionary import Dictionary  # noqa: E402
from asr_engine.model import default_dictionary_path, default_model_dir  # noqa: E402
from bench_common import SHARED, best_time  # noqa: E402

LIBRIVOX = SHARED / "data" / "pocketsphinx-test" / "librivox"


def utterances():
    out = []
    for wav in sorted(LIBRIVOX.glob("*.wav")):
        audio = ae.load_audio(wav)
        text = (LIBRIVOX / f"{wav.stem}.txt").read_text().strip()
        ref = json.loads((LIBRIVOX / f"{wav.stem}.json").read_text())
        out.append((wav, audio, text, ref))
    return out


def pocketsphinx_align(items, phone_align: bool) -> float:
    from pocketsphinx import Decoder

    decoder = Decoder(lm=None, loglevel="ERROR")
    start = time.perf_counter()
    for _wav, audio, text, _ref in items:
        pcm = (np.clip(audio.samples, -1, 1) * 32767).astype("<i2").tobytes()
        decoder.set_align_text(text)
        decoder.start_utt()
        decoder.process_raw(pcm, full_utt=True)
        decoder.end_utt()
        if phone_align:
            decoder.set_alignment()
            decoder.start_utt()
            decoder.process_raw(pcm, full_utt=True)
            decoder.end_utt()
            decoder.get_alignment()
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()

    # --- loading ---------------------------------------------------------
    model_dir = default_model_dir()
    t_model = best_time(lambda: AcousticModel.load(model_dir), args.repeat, warmup=True)
    model = AcousticModel.load(model_dir)
    t_text = best_time(lambda: Dictionary.load(default_dictionary_path(), phones=model, cache=False), 2, warmup=True)
    with tempfile.TemporaryDirectory() as tmp:
        cache = os.path.join(tmp, "cmudict.bin")
        Dictionary.load(default_dictionary_path(), phones=model, cache=False).save_cache(cache)
        t_bin = best_time(lambda: Dictionary.load_cache(cache, model), args.repeat, warmup=True)
    print(f"en-us acoustic model load:        {t_model * 1000:8.1f} ms")
    print(f"cmudict text parse (135k lines):  {t_text * 1000:8.1f} ms")
    print(f"cmudict binary cache load:        {t_bin * 1000:8.1f} ms")

    # --- senone scoring ---------------------------------------------------
    items = utterances()
    aligner = ForcedAligner(model, options=AlignOptions(quality=False))  # as PocketSphinx: no quality pass
    feats = np.vstack([aligner.features(audio) for _w, audio, _t, _r in items])
    scorer = model.scorer(ScorerOptions())
    # Blocks of 1 s, as a decoder would ask for them (one huge output array
    # would mostly measure page faults).
    blocks = [feats[i:i + 100] for i in range(0, len(feats), 100)]
    t_all = best_time(lambda: [scorer.score(b) for b in blocks], args.repeat, warmup=True)
    active = np.arange(0, model.n_senones, 10)
    t_act = best_time(lambda: [scorer.score(b, active=active) for b in blocks], args.repeat, warmup=True)
    print(f"senone scoring, all {model.n_senones} senones:  {len(feats) / t_all:8.0f} frames/s "
          f"({t_all / len(feats) * 1e6:.1f} us/frame, {len(feats)} frames, top-N 4, one thread)")
    print(f"senone scoring, 10% active:       {len(feats) / t_act:8.0f} frames/s "
          "(every 10th senone: all codebooks still evaluated)")

    # --- alignment ------------------------------------------------------
    seconds = sum(audio.duration for _w, audio, _t, _r in items)
    feature_sets = [aligner.features(audio) for _w, audio, _t, _r in items]
    t_search = best_time(lambda: [aligner.align_features(f, t) for f, (_w, _a, t, _r) in zip(feature_sets, items)],
                         args.repeat)
    t_full = best_time(lambda: [aligner.align(audio, t) for _w, audio, t, _r in items], args.repeat, warmup=True)
    t_ps = min(pocketsphinx_align(items, False) for _ in range(args.repeat))
    t_ps2 = min(pocketsphinx_align(items, True) for _ in range(max(1, args.repeat // 2)))
    print(f"alignment of {len(items)} librivox utterances ({seconds:.1f} s of audio):")
    print(f"  asr_engine, features + alignment: RTF {t_full / seconds:.4f}")
    print(f"  asr_engine, alignment only:       RTF {t_search / seconds:.4f}")
    print(f"  pocketsphinx set_align_text:      RTF {t_ps / seconds:.4f}  (ratio {t_ps / t_full:.1f}x)")
    print(f"  pocketsphinx + phone/state pass:  RTF {t_ps2 / seconds:.4f}  (ratio {t_ps2 / t_full:.1f}x)")

    # --- agreement --------------------------------------------------------
    diffs = []
    for _w, audio, text, ref in items:
        ours = [w for w in aligner.align(audio, text).words if not w.filler]
        theirs = [w for w in ref["w"] if not w["t"].startswith("<")]
        for t, o in zip(theirs, ours):
            diffs += [abs(t["b"] - o.start), abs(t["b"] + t["d"] - o.end)]
    d = np.array(diffs)
    print(f"word boundaries vs PocketSphinx *.json: n={len(d)}, mean |diff| {d.mean() * 1000:.1f} ms, "
          f"within 30 ms {np.mean(d <= 0.030 + 1e-9):.1%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
