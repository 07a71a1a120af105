"""asr_engine vs PocketSphinx on the development set, in one run.

Both engines decode every dev utterance of ../shared/data/dev that has a
reference transcript, with their default settings and the same model files
(PocketSphinx's en-us acoustic model, cmudict-en-us.dict and en-us.lm.bin)
and the same 16 kHz audio. Each engine runs in its own subprocess so that
peak memory (ru_maxrss) is measured per engine. The two decode the
utterances interleaved (one utterance each in turn, who goes first
alternating), so a change of the machine's load during the run falls on
both engines alike instead of on whichever ran in that stretch; one-off
loads inside a decode (our narrowband model on the first 8 kHz recording)
count as decoding time. Printed: per-utterance hypotheses, WER per source
and pooled (our own scorer, same normalisation for both), real-time factor
of each and their ratio, peak RSS and ratio, and the load during the run.

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


def engine_ours():
    """Our recognizer, and a function decoding one file: (transcript, seconds of decoding, seconds of audio)."""
    import asr_engine as ae

    rec = ae.Recognizer()

    def decode(path: str):
        audio = ae.load_audio(path)
        t = time.perf_counter()
        result = rec.recognize(audio)
        return result.transcript, time.perf_counter() - t, audio.duration

    return decode


def engine_pocketsphinx():
    """PocketSphinx with its defaults, and the same kind of decoding function."""
    import numpy as np
    import soundfile as sf
    from pocketsphinx import Decoder

    decoder = Decoder(loglevel="ERROR")

    def decode(path: str):
        samples, rate = sf.read(path, dtype="int16")
        if rate != 16000 or samples.ndim != 1:
            raise SystemExit(f"{path}: expected 16 kHz mono")
        raw = np.ascontiguousarray(samples).tobytes()
        t = time.perf_counter()
        decoder.start_utt()
        decoder.process_raw(raw, full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp()
        return (hyp.hypstr if hyp is not None else ""), time.perf_counter() - t, samples.size / rate

    return decode


def worker(name: str) -> None:
    """Loads one engine, then decodes the files named on stdin, answering each with one JSON line."""
    t0 = time.perf_counter()
    decode = engine_ours() if name == "ours" else engine_pocketsphinx()
    print(json.dumps({"load_s": time.perf_counter() - t0}), flush=True)
    for line in sys.stdin:
        hyp, seconds, audio_s = decode(line.rstrip("\n"))
        print(json.dumps({"hyp": hyp, "decode_s": seconds, "audio_s": audio_s}), flush=True)
    print(json.dumps({"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}), flush=True)


class Worker:
    """One engine's subprocess: a decode is one line out and one JSON line back."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker", name], text=True,
                                     stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        self.load_s = self._answer()["load_s"]
        self.hyps: dict[str, str] = {}
        self.decode_s = self.audio_s = 0.0

    def _answer(self) -> dict:
        line = self.proc.stdout.readline()
        if not line:
            raise SystemExit(f"{self.name} worker failed (exit status {self.proc.wait()})")
        return json.loads(line)

    def decode(self, utt) -> None:
        self.proc.stdin.write(f"{utt.path}\n")
        self.proc.stdin.flush()
        out = self._answer()
        self.hyps[utt.id] = out["hyp"]
        self.decode_s += out["decode_s"]
        self.audio_s += out["audio_s"]

    def close(self) -> float:
        """Ends the worker; returns its peak RSS in MB."""
        self.proc.stdin.close()
        rss = self._answer()["peak_rss_mb"]
        self.proc.wait()
        return rss


def main() -> int:
    p = argparse.ArgumentParser(description="asr_engine vs PocketSphinx on the dev set")
    p.add_argument("--limit", type=int, default=0, help="decode only about N utterances")
    p.add_argument("--show", action="store_true", help="print every utterance's hypotheses")
    p.add_argument("--worker", choices=["ours", "pocketsphinx"], help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.worker:
        worker(args.worker)
        return 0

    utts = _select(args.limit)
    ours, ps = Worker("ours"), Worker("pocketsphinx")
    loads = []
    for k, u in enumerate(utts):
        for w in ((ours, ps) if k % 2 == 0 else (ps, ours)):
            w.decode(u)
        loads.append(os.getloadavg()[0])
    rss_o, rss_p = ours.close(), ps.close()
    if args.show:
        for u in utts:
            print(f"{u.id}\n  REF  {u.reference}\n  OURS {ours.hyps[u.id]}\n  PS   {ps.hyps[u.id]}")
    wer_o, per_o = wer_table(ours.hyps, utts)
    wer_p, per_p = wer_table(ps.hyps, utts)
    print(f"{len(utts)} utterances, {ours.audio_s:.1f} s of audio, "
          f"{sum(n for _, n in per_o.values())} reference words")
    print(f"{'source':10s} {'words':>6s} {'asr_engine':>11s} {'pocketsphinx':>13s}")
    for src in per_o:
        eo, n = per_o[src]
        ep, _ = per_p[src]
        print(f"{src:10s} {n:6d} {100 * eo / n:10.1f}% {100 * ep / n:12.1f}%")
    rtf_o = ours.decode_s / ours.audio_s
    rtf_p = ps.decode_s / ps.audio_s
    print(f"WER        asr_engine {100 * wer_o:.2f}%   pocketsphinx {100 * wer_p:.2f}%")
    print(f"RTF        asr_engine {rtf_o:.4f}   pocketsphinx {rtf_p:.4f}   ratio {rtf_o / rtf_p:.3f}")
    print(f"peak RSS   asr_engine {rss_o:.0f} MB   pocketsphinx {rss_p:.0f} MB   ratio {rss_o / rss_p:.2f}")
    print(f"load time  asr_engine {ours.load_s:.2f} s   pocketsphinx {ps.load_s:.2f} s")
    print(f"load avg   {min(loads):.2f}-{max(loads):.2f} (1-minute, sampled after each utterance pair)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
