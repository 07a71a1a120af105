"""Streams fed 0.1 s chunks: latency, interim cadence, accuracy, finish() time, memory.

Prints:

* final latency: audio seconds between the moment a phrase's
  end-of-phrase silence has elapsed and the chunk whose ``accept`` returned
  its final (target <= 0.3 s). That moment is, for a phrase the speech
  detector ended ("pause" kind), its last speech frame + 0.8 s; for one the
  decoder's words split inside a detector span ("word gap" kind: the
  detector measured the pause short), its last word's end + 0.8 s. Each
  late phrase is listed with its kind;
* the slowest ``accept`` call (wall time);
* interim cadence: the longest stretch of audio inside a phrase without an
  interim result that changed or repeated the hypothesis (target <= 0.25 s);
* RTF of the stream against one-shot phrase-wise decoding of the same audio
  (same process);
* streamed-final WER against one-shot ``recognize`` on dev utterances, each
  streamed on its own (``--utterances`` of them);
* ``finish()`` wall time after streams of 1, 5 and ``--minutes`` minutes;
* RSS sampled every minute of a ``--minutes``-minute stream.

    python benchmarks/bench_stream.py --minutes 20 --utterances 60
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_set import every_kth, load_dev_set, word_errors  # noqa: E402
from phrase_audio import build  # noqa: E402

CHUNK = 1600  # 0.1 s at 16 kHz
LONGEST_ACCEPT = [0.0]  # wall seconds of the slowest accept() call of the 5-minute stream
PAD = 0.25


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2 ** 20


def _wav(path: str) -> np.ndarray:
    with wave.open(path, "rb") as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float32) / 32768.0


def stream_file(rec, x: np.ndarray, silence: float, sample_every: float = 0.0):
    """Streams ``x``; returns (phrases with the audio time their final came,
    longest in-phrase gap between interims, wall time, finish seconds, RSS samples)."""
    s = rec.stream(inactivity_timeout=-1)
    finals, gap, last_interim, rss = [], 0.0, None, []
    span_starts = set()  # first frames of the endpointer's spans (a phrase starting elsewhere was split inside one)
    segmenter = s._pipeline.segmenter
    next_sample = sample_every
    t0 = time.perf_counter()
    longest = 0.0
    for i in range(0, x.size, CHUNK):
        c = time.perf_counter()
        r = s.accept(x[i:i + CHUNK])
        longest = max(longest, time.perf_counter() - c)
        now = s.duration
        if segmenter.open_start is not None:
            span_starts.add(segmenter.open_start)
        for p in r.phrases:
            finals.append((p, now))
        if r.phrases:
            # A final ends its phrase's interims, though the detector's span
            # may stay open over the pause after it (a phrase split at a word
            # gap): the next phrase's interims start afresh.
            last_interim = None
        if s.in_phrase and r.transcript:
            if last_interim is not None and now - last_interim > gap:
                gap, GAP_AT[0] = now - last_interim, now
            last_interim = now
        elif not s.in_phrase:
            last_interim = None
        if sample_every and now >= next_sample:
            rss.append((round(now / 60), _rss_mb()))
            next_sample += sample_every
    wall = time.perf_counter() - t0
    t = time.perf_counter()
    final = s.finish()
    finish_time = time.perf_counter() - t
    LONGEST_ACCEPT[0] = max(LONGEST_ACCEPT[0], longest)
    STARTS[0] = span_starts
    return finals, gap, wall, finish_time, rss, final


STARTS = [set()]  # span_starts of the last stream_file call
GAP_AT = [0.0]  # audio time at which the longest in-phrase gap between interims ended


def latencies(finals, span_starts, silence: float = 0.8, frame_rate: float = 100.0):
    """(latency, kind, phrase, audio time of its final) of each phrase the
    silence ended: a phrase followed by one that starts inside the same
    detector span ("word gap") is late from its last word's end + silence,
    any other ("pause") from its last speech frame (its end less the
    padding) + silence."""
    out = []
    for k, (p, now) in enumerate(finals):
        if p.end_of_utterance != "silence":
            continue
        nxt = finals[k + 1][0] if k + 1 < len(finals) else None
        split = nxt is not None and int(round(nxt.start * frame_rate)) not in span_starts and p.words
        ref = p.words[-1].end + silence if split else p.end - PAD + silence
        out.append((now - ref, "word gap" if split else "pause", p, now))
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=20.0, help="length of the long stream (default 20)")
    ap.add_argument("--utterances", type=int, default=60, help="dev utterances for the WER (0 = all)")
    ap.add_argument("--rss-only", action="store_true",
                    help="only the --minutes stream: RSS every minute, finish() time, RTF")
    args = ap.parse_args()
    import asr_engine as ae
    from asr_engine.audio.input import read_audio

    rec = ae.Recognizer()
    tmp = tempfile.mkdtemp(prefix="bench-stream-")
    print(f"load at start: {os.getloadavg()}")

    if args.rss_only:
        p = os.path.join(tmp, "long.wav")
        build(rec, args.minutes, p, seed=int(args.minutes))
        y = _wav(p)
        _f, gap, wall, ft, rss, _r = stream_file(rec, y, 0.8, sample_every=60.0)
        print(f"{args.minutes:g}-minute stream: finish() {1000 * ft:.1f} ms, RTF {wall / (y.size / 16000):.3f}, "
              f"longest in-phrase gap between interims {gap:.2f} s, slowest accept() "
              f"{1000 * LONGEST_ACCEPT[0]:.0f} ms")
        print("RSS by minute (MB): " + ", ".join(f"{m}:{r:.0f}" for m, r in rss))
        print(f"load at end: {os.getloadavg()}")
        return
    # Latency, cadence, RTF on a 5-minute constructed stream.
    path = os.path.join(tmp, "five.wav")
    build(rec, min(5.0, args.minutes), path)
    x = _wav(path)
    finals, gap, wall, _ft, _rss, final = stream_file(rec, x, 0.8)
    rows = latencies(finals, STARTS[0])
    lat = [r[0] for r in rows]
    t = time.perf_counter()
    one = rec.recognize(x, sample_rate=16000, phrase_decoding="live")
    one_wall = time.perf_counter() - t
    dur = x.size / 16000
    print(f"final latency after the end-of-phrase silence ({len(lat)} phrases): median {np.median(lat):.2f} s, "
          f"p95 {np.percentile(lat, 95):.2f} s, max {max(lat):.2f} s")
    for kind in ("pause", "word gap"):
        ks = [r[0] for r in rows if r[1] == kind]
        if ks:
            print(f"  {kind}: {len(ks)} phrases, median {np.median(ks):.2f} s, max {max(ks):.2f} s")
    for d, kind, p, now in rows:
        if d > 0.3:
            print(f"  late: {p.start:.2f}-{p.end:.2f} s ({kind}), final at {now:.2f} s, {d:.2f} s late: "
                  f"{p.transcript[-50:]!r}")
    print(f"longest in-phrase gap between interims: {gap:.2f} s (ending at {GAP_AT[0]:.2f} s)")
    print(f"slowest accept() of a 0.1 s chunk: {1000 * LONGEST_ACCEPT[0]:.0f} ms wall (it closes a unit, the "
          f"stream's first ones decoded again with their own mean)")
    print(f"RTF: stream {wall / dur:.3f}, one-shot phrase-wise {one_wall / dur:.3f} "
          f"(ratio {wall / one_wall:.3f}); finals equal one-shot: {final.phrases == one.phrases}")

    # Streamed finals against one-shot recognize, dev utterances one by one.
    utts = every_kth([u for u in load_dev_set() if not u.id.startswith(("osr", "fsdd", "speechcmd"))],
                     args.utterances)
    es = eo = n = 0
    for u in utts:
        y = read_audio(str(u.path), target_rate=16000).samples
        s = rec.stream(inactivity_timeout=-1)
        for i in range(0, y.size, CHUNK):
            s.accept(y[i:i + CHUNK])
        e, words = word_errors(u.reference, s.finish().transcript)
        es += e
        n += words
        eo += word_errors(u.reference, rec.recognize(y, sample_rate=16000).transcript)[0]
    print(f"WER on {len(utts)} dev utterances ({n} words): streamed {100 * es / n:.2f} %, "
          f"one-shot {100 * eo / n:.2f} %")

    # finish() time against stream length; RSS every minute of the long stream.
    for minutes in sorted({1.0, min(5.0, args.minutes), args.minutes}):
        p = os.path.join(tmp, f"{minutes:g}.wav")
        build(rec, minutes, p, seed=int(minutes))
        y = _wav(p)
        _f, _g, wall, ft, rss, _r = stream_file(rec, y, 0.8, sample_every=60.0 if minutes == args.minutes else 0.0)
        print(f"{minutes:g}-minute stream: finish() {1000 * ft:.1f} ms, RTF {wall / (y.size / 16000):.3f}")
        if rss:
            print("RSS by minute (MB): " + ", ".join(f"{m}:{r:.0f}" for m, r in rss))
        del y
    print(f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB; "
          f"load at end: {os.getloadavg()}")


if __name__ == "__main__":
    main()
