"""asr_engine vs PocketSphinx on the development set, in one run.

Both engines decode every dev utterance of ../shared/data/dev that has a
reference transcript, with their default settings and the same model files
(PocketSphinx's en-us acoustic model, cmudict-en-us.dict and en-us.lm.bin)
and the same 16 kHz audio. Each engine runs in its own subprocess so that
peak memory (ru_maxrss) is measured per engine. Printed: per-utterance
hypotheses, WER per source and pooled (our own scorer, same normalisation
for both), real-time factor of each and their ratio, peak RSS and ratio.

    python benchmarks/compare_pocketsphinx.py [--limit N] [--show]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import load_dev_set, wer_table  # noqa: E402


def _select(limit: int):
    utts = load_dev_set()
    if limit:
        step = max(1, len(utts) // limit)
        utts = utts[::step][:limit]
    return utts


def worker_ours(utts) -> dict:
    import asr_engine as ae

    t0 = time.perf_counter()
    rec = ae.Recognizer()
    load = time.perf_counter() - t0
    hyps, decode, audio_s = {}, 0.0, 0.0
    for u in utts:
        audio = ae.load_audio(u.path)
        t = time.perf_counter()
        result = rec.recognize(audio)
        decode += time.perf_counter() - t
        audio_s += audio.duration
        hyps[u.id] = result.transcript
    return {"hyps": hyps, "decode_s": decode, "audio_s": audio_s, "load_s": load}


def worker_pocketsphinx(utts) -> dict:
    import numpy as np
    import soundfile as sf
    from pocketsphinx import Decoder

    t0 = time.perf_counter()
    decoder = Decoder(loglevel="ERROR")
    load = time.perf_counter() - t0
    hyps, decode, audio_s = {}, 0.0, 0.0
    for u in utts:
        samples, rate = sf.read(str(u.path), dtype="int16")
        if rate != 16000 or samples.ndim != 1:
            raise SystemExit(f"{u.path}: expected 16 kHz mono")
        raw = np.ascontiguousarray(samples).tobytes()
        t = time.perf_counter()
        decoder.start_utt()
        decoder.process_raw(raw, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        decode += time.perf_counter() - t
        audio_s += samples.size / rate
        hyps[u.id] = hyp.hypstr if hyp is not None else ""
    return {"hyps": hyps, "decode_s": decode, "audio_s": audio_s, "load_s": load}


def run_worker(name: str, limit: int) -> dict:
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--worker", name, "--limit", str(limit)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"{name} worker failed:\n{proc.stderr}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(description="asr_engine vs PocketSphinx on the dev set")
    p.add_argument("--limit", type=int, default=0, help="decode only about N utterances")
    p.add_argument("--show", action="store_true", help="print every utterance's hypotheses")
    p.add_argument("--worker", choices=["ours", "pocketsphinx"], help=argparse.SUPPRESS)
    args = p.parse_args()
    utts = _select(args.limit)
    if args.worker:
        out = worker_ours(utts) if args.worker == "ours" else worker_pocketsphinx(utts)
        out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print(json.dumps(out))
        return 0

    ours = run_worker("ours", args.limit)
    ps = run_worker("pocketsphinx", args.limit)
    if args.show:
        for u in utts:
            print(f"{u.id}\n  REF  {u.reference}\n  OURS {ours['hyps'][u.id]}\n  PS   {ps['hyps'][u.id]}")
    wer_o, per_o = wer_table(ours["hyps"], utts)
    wer_p, per_p = wer_table(ps["hyps"], utts)
    print(f"{len(utts)} utterances, {ours['audio_s']:.1f} s of audio, "
          f"{sum(n for _, n in per_o.values())} reference words")
    print(f"{'source':10s} {'words':>6s} {'asr_engine':>11s} {'pocketsphinx':>13s}")
    for src in per_o:
        eo, n = per_o[src]
        ep, _ = per_p[src]
        print(f"{src:10s} {n:6d} {100 * eo / n:10.1f}% {100 * ep / n:12.1f}%")
    rtf_o = ours["decode_s"] / ours["audio_s"]
    rtf_p = ps["decode_s"] / ps["audio_s"]
    print(f"WER        asr_engine {100 * wer_o:.2f}%   pocketsphinx {100 * wer_p:.2f}%")
    print(f"RTF        asr_engine {rtf_o:.4f}   pocketsphinx {rtf_p:.4f}   ratio {rtf_o / rtf_p:.3f}")
    print(f"peak RSS   asr_engine {ours['peak_rss_mb']:.0f} MB   pocketsphinx {ps['peak_rss_mb']:.0f} MB   "
          f"ratio {ours['peak_rss_mb'] / ps['peak_rss_mb']:.2f}")
    print(f"load time  asr_engine {ours['load_s']:.2f} s   pocketsphinx {ps['load_s']:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
