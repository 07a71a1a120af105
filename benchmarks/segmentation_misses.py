"""Every segmentation miss of the constructed long file, one line each.

The companion of ``bench_phrases.py`` (same file, same truth, same 0.2 s
rule): for each true phrase boundary that no reported boundary matches, and
each reported boundary that matches none, it prints which utterances it lies
between, the true and reported speech edges, and its kind:

* ``edges``: a reported boundary cuts the same pause (middles within 0.5 s)
  but an edge is off by more than the tolerance (which edge, by how much);
* ``merged``: no reported boundary in the pause (the gap's length says how
  far it was over ``end_of_phrase_silence_time``);
* ``split``: a reported boundary where the truth has none (inside an
  utterance's speech, or at a pause shorter than the silence time).

Then counts per kind and per utterance, so that systematic misses (an
utterance recurs about every 150 pieces) stand out. The decoded result is
pickled next to the file so a second look costs no decode.

    python benchmarks/segmentation_misses.py --minutes 30 [--result R.pkl]
"""
from __future__ import annotations

import argparse
import collections
import os
import pickle
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_phrases import TOLERANCE, _speech_edges  # noqa: E402
from phrase_audio import build, true_boundaries  # noqa: E402


def _piece_at(pieces, t: float) -> int:
    starts = np.array([p.start for p in pieces])
    return max(0, int(np.searchsorted(starts, t, side="right")) - 1)


def _where(pieces, t: float) -> str:
    p = pieces[_piece_at(pieces, t)]
    if t < p.speech_start:
        return f"{p.id} before speech ({t - p.speech_start:+.2f})"
    if t > p.speech_end:
        return f"{p.id} after speech ({t - p.speech_end:+.2f})"
    return f"{p.id} inside speech (+{t - p.speech_start:.2f} of {p.speech_end - p.speech_start:.2f})"


def analyse(result, pieces, silence: float) -> None:
    truth = true_boundaries(pieces, silence)
    ph = result.phrases
    hyp = [(_speech_edges(a)[1], _speech_edges(b)[0]) for a, b in zip(ph, ph[1:])]
    texts = [(a.transcript[-30:], b.transcript[:30]) for a, b in zip(ph, ph[1:])]
    tmid = np.array([(e + s) / 2 for e, s in truth])
    hmid = np.array([(e + s) / 2 for e, s in hyp])
    t_ok = np.zeros(len(truth), bool)
    h_ok = np.zeros(len(hyp), bool)
    for i, (e, s) in enumerate(hyp):  # the benchmark's matching
        for k in np.flatnonzero((np.abs(tmid - (e + s) / 2) < 5) & ~t_ok):
            if abs(truth[k][0] - e) <= TOLERANCE and abs(truth[k][1] - s) <= TOLERANCE:
                t_ok[k] = h_ok[i] = True
                break
    kinds: collections.Counter = collections.Counter()
    by_utt: collections.Counter = collections.Counter()
    lines = []
    for k in np.flatnonzero(~t_ok):
        e, s = truth[k]
        near = np.flatnonzero(np.abs(hmid - tmid[k]) <= 0.5) if len(hmid) else []
        near = [i for i in near if not h_ok[i]]
        a, b = pieces[_piece_at(pieces, e - 1e-3)], pieces[_piece_at(pieces, s + 1e-3)]
        tag = f"{a.id} | {b.id}" if a is not b else f"{a.id} (inner pause)"
        if near:
            i = near[0]
            kind = "edges"
            de, ds = hyp[i][0] - e, hyp[i][1] - s
            which = ("end" if abs(de) > TOLERANCE else "") + ("+start" if abs(ds) > TOLERANCE else "")
            lines.append((e, f"EDGES  {e:8.2f} gap {s - e:4.2f}  {tag}: {which.strip('+')} end {de:+.2f} "
                             f"start {ds:+.2f}  [{texts[i][0]!r} | {texts[i][1]!r}]"))
            h_ok[i] = True  # accounted for here
            by_utt[a.id if abs(de) > TOLERANCE else b.id] += 1
        else:
            kind = "merged"
            lines.append((e, f"MERGED {e:8.2f} gap {s - e:4.2f}  {tag}"))
            by_utt[tag] += 1
        kinds[kind] += 1
    for i in np.flatnonzero(~h_ok):
        e, s = hyp[i]
        kinds["split"] += 1
        lines.append((e, f"SPLIT  {e:8.2f} gap {s - e:4.2f}  at {_where(pieces, e)} / {_where(pieces, s)}  "
                         f"[{texts[i][0]!r} | {texts[i][1]!r}]"))
        by_utt[pieces[_piece_at(pieces, e)].id] += 1
    for _t, line in sorted(lines):
        print(line)
    n_hits = int(t_ok.sum())
    print(f"\n{len(truth)} true boundaries, {len(hyp)} reported, {n_hits} matched: precision "
          f"{100 * n_hits / max(1, len(hyp)):.1f} %, recall {100 * n_hits / max(1, len(truth)):.1f} %")
    print("misses by kind:", dict(kinds))
    print("misses by utterance (most first):")
    for u, n in by_utt.most_common(40):
        print(f"  {n:3d}  {u}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=30.0)
    ap.add_argument("--silence", type=float, default=0.8, help="end_of_phrase_silence_time (default 0.8)")
    ap.add_argument("--dir", default="/tmp/segmentation-misses", help="where the file and the result go")
    ap.add_argument("--result", help="a pickled Result of this file to analyse instead of decoding")
    ap.add_argument("--decode-only", action="store_true", help="decode and pickle, no report")
    args = ap.parse_args()
    import asr_engine as ae

    os.makedirs(args.dir, exist_ok=True)
    rec = ae.Recognizer()
    path = os.path.join(args.dir, f"long-{args.minutes:g}.wav")
    pieces = build(rec, args.minutes, path)
    out = args.result or os.path.join(args.dir, f"result-{args.minutes:g}.pkl")
    if args.result:
        with open(out, "rb") as f:
            result = pickle.load(f)
    else:
        result = rec.recognize(path, phrase_decoding=True, end_of_phrase_silence_time=args.silence)
        with open(out, "wb") as f:
            pickle.dump(result, f)
        print(f"result pickled to {out}")
    if not args.decode_only:
        analyse(result, pieces, args.silence)


if __name__ == "__main__":
    main()
