"""Grammar-constrained recognition speed: our grammar search vs our n-gram
search on the same audio, and vs PocketSphinx's JSGF search on the same
grammar and audio (the 5 cards utterances of the PocketSphinx test data).

    python benchmarks/bench_grammar_recognition.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np  # noqa: E402
import soundfile as sf  # noqa: E402

import asr_engine as ae  # noqa: E402
from asr_engine.grammar import compile_grammar  # noqa: E402
from bench_common import SHARED, best_time  # noqa: E402

CARDS = SHARED / "data" / "pocketsphinx-test" / "cards"
ABNF = Path(__file__).resolve().parents[1] / "tests" / "data" / "grammar" / "cards.abnf"


def main() -> int:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    wavs = sorted(CARDS.glob("*.wav"))
    audios = [ae.load_audio(w) for w in wavs]
    seconds = sum(a.duration for a in audios)
    rec = ae.Recognizer()
    grammar = compile_grammar(ABNF)
    rec.recognize(audios[0], grammar=grammar)  # builds the grammar's search network once

    def run_grammar():
        return [rec.recognize(a, grammar=grammar).transcript for a in audios]

    def run_ngram():
        return [rec.recognize(a).transcript for a in audios]

    t_gram, hyp_gram = best_time(run_grammar, args.repeat), run_grammar()
    t_ngram, hyp_ngram = best_time(run_ngram, args.repeat), run_ngram()

    from pocketsphinx import Decoder

    ps = Decoder(jsgf=str(CARDS / "cards.gram"), loglevel="ERROR")
    raws = [np.ascontiguousarray(sf.read(str(w), dtype="int16")[0]).tobytes() for w in wavs]

    def run_ps():
        out = []
        for raw in raws:
            ps.start_utt()
            ps.process_raw(raw, full_utt=True)
            ps.end_utt()
            out.append(ps.hyp().hypstr if ps.hyp() else "")
        return out

    t_ps, hyp_ps = best_time(run_ps, args.repeat), run_ps()
    print(f"{len(wavs)} cards utterances, {seconds:.1f} s of audio (best of {args.repeat})")
    for w, g, n, q in zip(wavs, hyp_gram, hyp_ngram, hyp_ps):
        print(f"  {w.name}: grammar={g!r} ngram={n!r} pocketsphinx-jsgf={q!r}")
    print(f"RTF asr_engine grammar   {t_gram / seconds:.4f}")
    print(f"RTF asr_engine n-gram    {t_ngram / seconds:.4f}   (grammar is {t_ngram / t_gram:.1f}x faster)")
    print(f"RTF pocketsphinx JSGF    {t_ps / seconds:.4f}   (ours is {t_ps / t_gram:.1f}x faster)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
