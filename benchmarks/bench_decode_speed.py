"""Decoding speed against PocketSphinx, and exactness of a speed-up.

A speed-up of the search must not change any result, and its gain can only
be measured against something timed in the same run (the machine is shared;
ours-before and ours-after cannot live in one process). So this script:

* ``--dump FILE``: decodes a sample of the dev set with ``recognize()``
  (``max_alternatives=3``) and writes every transcript, word time,
  confidence and n-best entry to FILE (JSON), for ``--check``;
* ``--check OLD NEW``: compares two dumps field by field and lists the
  utterances that differ (exit status 1 if any);
* ``--time``: decodes the sample with both engines, interleaved per
  utterance (ours, then PocketSphinx, on the same audio), and prints the
  total decoding time of each, their RTFs and ratio, and the load;
* ``--ab OTHER_SRC``: times this tree's recognize() against another
  checkout's (OTHER_SRC is its ``src`` directory, with its own built
  extension), each in its own worker process, interleaved per utterance,
  and prints both totals and their ratio (this tree / other).

The sample is every ``--step``-th dev utterance plus the first utterance of
each source that the stride misses (``--step 1``: the whole dev set).

    python benchmarks/bench_decode_speed.py --dump /tmp/before.json --step 4
    python benchmarks/bench_decode_speed.py --check /tmp/before.json /tmp/after.json
    python benchmarks/bench_decode_speed.py --time --step 4
    python benchmarks/bench_decode_speed.py --ab /tmp/main/src --step 4
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import load_dev_set  # noqa: E402


def sample(step: int) -> list:
    """Every ``step``-th dev utterance, plus one of each source the stride misses."""
    utts = load_dev_set()
    chosen = utts[::step]
    seen = {u.source for u in chosen}
    for u in utts:
        if u.source not in seen:
            chosen.append(u)
            seen.add(u.source)
    return chosen


def _result_record(result) -> dict:
    def words(ws):
        return [[w.word, w.start, w.end, w.confidence] for w in ws]

    return {"transcript": result.transcript, "confidence": result.confidence, "words": words(result.words),
            "alternatives": [[a.transcript, a.confidence, a.score, words(a.words)] for a in result.alternatives]}


def dump(path: str, step: int) -> None:
    import asr_engine as ae

    rec = ae.Recognizer()
    out, decode, audio_s = {}, 0.0, 0.0
    for u in sample(step):
        audio = ae.load_audio(u.path)
        t = time.perf_counter()
        result = rec.recognize(audio, max_alternatives=3)
        decode += time.perf_counter() - t
        audio_s += audio.duration
        out[u.id] = _result_record(result)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(out, f, indent=0, sort_keys=True)
    print(f"{len(out)} utterances, {audio_s:.1f} s audio, decode {decode:.2f} s, RTF {decode / audio_s:.4f}, "
          f"load {os.getloadavg()[0]:.2f}")


def check(old_path: str, new_path: str) -> int:
    with open(old_path, encoding="utf-8") as f:
        old = json.load(f)
    with open(new_path, encoding="utf-8") as f:
        new = json.load(f)
    common = sorted(set(old) & set(new))
    differ = [u for u in common if old[u] != new[u]]
    for u in differ:
        for key in old[u]:
            if old[u][key] != new[u][key]:
                print(f"{u} {key}:\n  old {old[u][key]}\n  new {new[u][key]}")
    print(f"{len(common)} utterances compared ({len(set(old) ^ set(new))} in only one dump), {len(differ)} differ")
    return 1 if differ else 0


def timed(step: int) -> None:
    import numpy as np
    import soundfile as sf
    from pocketsphinx import Decoder

    import asr_engine as ae

    rec = ae.Recognizer()
    psx = Decoder(loglevel="ERROR")
    ours = theirs = audio_s = 0.0
    loads = []
    utts = sample(step)
    # One untimed utterance each: one-off loads (the narrowband model) are not decoding time.
    rec.recognize(ae.load_audio(utts[0].path))
    for u in utts:
        audio = ae.load_audio(u.path)
        samples, rate = sf.read(str(u.path), dtype="int16")
        raw = np.ascontiguousarray(samples).tobytes()
        t = time.perf_counter()
        rec.recognize(audio)
        ours += time.perf_counter() - t
        t = time.perf_counter()
        psx.start_utt()
        psx.process_raw(raw, full_utt=True)
        psx.end_utt()
        psx.hyp()
        theirs += time.perf_counter() - t
        audio_s += samples.size / rate
        loads.append(os.getloadavg()[0])
    print(f"{len(utts)} utterances, {audio_s:.1f} s audio: ours {ours:.2f} s (RTF {ours / audio_s:.4f}), "
          f"PocketSphinx {theirs:.2f} s (RTF {theirs / audio_s:.4f}), ratio {ours / theirs:.3f}; "
          f"load {min(loads):.2f}-{max(loads):.2f}")


def _worker() -> None:
    """Decodes the audio files named on stdin, one per line; answers each with its decoding time."""
    import asr_engine as ae

    rec = ae.Recognizer()
    print("ready", flush=True)
    for line in sys.stdin:
        audio = ae.load_audio(line.strip())
        t = time.perf_counter()
        rec.recognize(audio)
        print(time.perf_counter() - t, flush=True)


def ab(other_src: str, step: int) -> None:
    import subprocess

    here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    workers = []
    for src in (here, other_src):
        env = dict(os.environ, PYTHONPATH=src)
        p = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--worker"], env=env, text=True,
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        if p.stdout.readline().strip() != "ready":
            raise SystemExit(f"worker for {src} did not start")
        workers.append(p)
    utts = sample(step)
    totals = [0.0, 0.0]
    audio_s = 0.0
    loads = []

    def run(w, path):
        w.stdin.write(f"{path}\n")
        w.stdin.flush()
        return float(w.stdout.readline())

    for i, w in enumerate(workers):  # untimed: one-off loads (the narrowband model)
        run(w, utts[0].path)
        for u in utts:
            if u.path.name.startswith("osr"):
                run(w, u.path)
                break
    for k, u in enumerate(utts):
        order = (0, 1) if k % 2 == 0 else (1, 0)  # alternate who goes first
        for i in order:
            totals[i] += run(workers[i], u.path)
        audio_s += u.duration
        loads.append(os.getloadavg()[0])
    for w in workers:
        w.stdin.close()
        w.wait()
    print(f"{len(utts)} utterances, {audio_s:.1f} s audio: this tree {totals[0]:.2f} s (RTF {totals[0] / audio_s:.4f}), "
          f"{other_src} {totals[1]:.2f} s (RTF {totals[1] / audio_s:.4f}), ratio {totals[0] / totals[1]:.3f}; "
          f"load {min(loads):.2f}-{max(loads):.2f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dump", metavar="FILE")
    ap.add_argument("--check", nargs=2, metavar=("OLD", "NEW"))
    ap.add_argument("--time", action="store_true")
    ap.add_argument("--ab", metavar="OTHER_SRC")
    ap.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    ap.add_argument("--step", type=int, default=4, help="every step-th dev utterance (1 = all)")
    args = ap.parse_args()
    if args.worker:
        _worker()
        return 0
    if args.check:
        return check(*args.check)
    if args.ab:
        ab(args.ab, args.step)
        return 0
    if args.dump:
        dump(args.dump, args.step)
    if args.time:
        timed(args.step)
    if not (args.dump or args.time):
        ap.error("give --dump, --check or --time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
