"""Long audio decoded phrase by phrase, against per-utterance decoding.

Builds an N-minute file from dev utterances with pauses of 0.3-3 s (see
phrase_audio.py for the truth), decodes it with ``Recognizer.recognize``
(the long-audio path: PCM WAV read in blocks, phrase by phrase) and prints:

* peak RSS of decoding it, against a 1-minute file (each in a fresh process);
* RTF against decoding the same utterances one by one (same process);
* WER against per-utterance decoding (hypothesis words go to the utterance
  whose audio holds their middle);
* segmentation precision / recall of phrase boundaries at 0.2 s tolerance
  (a boundary matches when both speech edges of the pause, the phrase's
  speech end and the next one's speech start, are within 0.2 s of the true
  ones), for three definitions of a phrase's edges: the detector's raw edges
  (the phrase less the segmenter's 0.25 s padding), the edge-corrected
  ``Phrase.speech_start`` / ``speech_end``, and the first word's start / last
  word's end; each also split into even (the half the segmenter's edge
  corrections were fitted on) and odd boundaries (the check half), with the
  median signed offsets; then the cut point (middle of the pause) within
  0.2 s of the true pause's middle. True edges: forced alignment (see
  phrase_audio.py).

    python benchmarks/bench_phrases.py --minutes 60 [--one-decode]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from dev_set import word_errors  # noqa: E402
from phrase_audio import boundary_scores, build, true_boundaries, words_by_piece  # noqa: E402

PAD = 0.25
TOLERANCE = 0.2


def _word_edges(phrase) -> tuple[float, float]:
    """First word's start and last word's end (fillers aside), or the phrase's
    speech edges when it has no words."""
    words = [w for w in phrase.words if w.word and not w.word.startswith(("<", "[", "++"))]
    if not words:
        return _speech_edges(phrase)
    return words[0].start, words[-1].end


def _padded_less_pad(phrase) -> tuple[float, float]:
    return phrase.start + PAD, phrase.end - PAD


def _speech_edges(phrase) -> tuple[float, float]:
    if phrase.speech_start is None or phrase.speech_end is None:
        return _padded_less_pad(phrase)
    return phrase.speech_start, phrase.speech_end


def _offsets(bounds, truth) -> list[tuple[int, float, float]]:
    """(true boundary index, end offset, start offset) of each true boundary
    whose pause middle has a hypothesized one within 0.5 s."""
    out = []
    mids = np.array([(e + s) / 2 for e, s in bounds]) if bounds else np.zeros(0)
    for k, (e, s) in enumerate(truth):
        if not len(mids):
            break
        i = int(np.argmin(np.abs(mids - (e + s) / 2)))
        if abs(mids[i] - (e + s) / 2) <= 0.5:
            out.append((k, bounds[i][0] - e, bounds[i][1] - s))
    return out


def _seg_report(result, pieces, silence: float) -> None:
    truth = true_boundaries(pieces, silence)
    ph = result.phrases
    print(f"phrases: {len(ph)} found, {len(truth) + 1} true")
    for label, edges in (("detector edges (phrase less its padding, uncorrected)", _padded_less_pad),
                         ("speech edges (Phrase.speech_start/speech_end: word edges, else edge-corrected detector)",
                          _speech_edges),
                         ("word edges (first word start, last word end)", _word_edges)):
        bounds = [(edges(a)[1], edges(b)[0]) for a, b in zip(ph, ph[1:])]
        precision, recall = boundary_scores(bounds, truth, TOLERANCE)
        offs = _offsets(bounds, truth)
        print(f"segmentation, {label} at {TOLERANCE} s: precision {100 * precision:.1f} %, "
              f"recall {100 * recall:.1f} %")
        for half, name in ((0, "even (tuning) boundaries"), (1, "odd (check) boundaries")):
            sub = [o for o in offs if o[0] % 2 == half]
            if sub:
                ends, starts = np.array([o[1] for o in sub]), np.array([o[2] for o in sub])
                hits = np.mean((np.abs(ends) <= TOLERANCE) & (np.abs(starts) <= TOLERANCE))
                print(f"    {name}: {len(sub)} matched; phrase end - true end: median {np.median(ends):+.3f} s, "
                      f"phrase start - true start: median {np.median(starts):+.3f} s; both within "
                      f"{TOLERANCE} s: {100 * hits:.0f} %")
    bounds = [(a.end - PAD, b.start + PAD) for a, b in zip(ph, ph[1:])]
    precision, recall = boundary_scores(bounds, truth, TOLERANCE, midpoints=True)
    print(f"segmentation, cut points (pause middles) at {TOLERANCE} s: precision {100 * precision:.1f} %, "
          f"recall {100 * recall:.1f} %")


def _rss_child(path: str, out: str = "") -> None:
    import pickle

    import asr_engine as ae

    rec = ae.Recognizer()
    t = time.perf_counter()
    r = rec.recognize(path, phrase_decoding=True)
    seconds = time.perf_counter() - t
    if out:
        with open(out, "wb") as f:
            pickle.dump(r, f)
    print(json.dumps({"rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "seconds": seconds, "phrases": len(r.phrases)}))


def _child(path: str, out: str = "") -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(Path(__file__).resolve().parents[1] / "src")
    cmd = [sys.executable, __file__, "--rss-child", path] + (["--child-out", out] if out else [])
    res = subprocess.run(cmd, capture_output=True, text=True, env=env, check=True)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--minutes", type=float, default=60.0, help="length of the long file (default 60)")
    ap.add_argument("--silence", type=float, default=0.8, help="end_of_phrase_silence_time (default 0.8)")
    ap.add_argument("--no-rss", action="store_true", help="skip the peak-RSS children")
    ap.add_argument("--segmentation-only", action="store_true", help="only the segmentation scores")
    ap.add_argument("--truth", choices=("align", "pipeline", "batch"), default="align",
                    help="features the true speech edges are detected on (see phrase_audio.py)")
    ap.add_argument("--one-decode", action="store_true",
                    help="decode the long file once, in the peak-RSS child, and take its result for the RTF, WER "
                         "and segmentation too (halves the time of a 60-minute run)")
    ap.add_argument("--rss-child", help=argparse.SUPPRESS)
    ap.add_argument("--child-out", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.rss_child:
        _rss_child(args.rss_child, args.child_out)
        return
    import asr_engine as ae
    import phrase_audio

    phrase_audio.TRUTH["mode"] = args.truth
    rec = ae.Recognizer()
    tmp = tempfile.mkdtemp(prefix="bench-phrases-")
    long_path, short_path = os.path.join(tmp, "long.wav"), os.path.join(tmp, "one.wav")
    pieces = build(rec, args.minutes, long_path)
    build(rec, 1.0, short_path)
    duration = pieces[-1].end
    print(f"file: {args.minutes:g} min requested, {len(pieces)} utterances, {duration / 60:.1f} min")
    print(f"load at start: {os.getloadavg()}")

    if args.segmentation_only:
        result = rec.recognize(long_path, phrase_decoding=True)
        _seg_report(result, pieces, args.silence)
        return
    # Per-utterance decoding (the reference), then the long file, same process.
    t = time.perf_counter()
    from asr_engine.audio.input import read_audio
    from dev_set import DEV
    seen: dict[str, str] = {}
    utt_audio = 0.0
    for p in pieces:
        if p.id in seen:
            continue
        x = read_audio(str(DEV / f"{p.id}.wav"), target_rate=16000)
        seen[p.id] = rec.recognize(x.samples, sample_rate=16000).transcript
        utt_audio += x.duration
    per_utt_time = time.perf_counter() - t
    big = None
    if args.one_decode:
        import pickle

        out = os.path.join(tmp, "long.pkl")
        big = _child(long_path, out)
        with open(out, "rb") as f:
            result = pickle.load(f)
        long_time = big["seconds"]
    else:
        t = time.perf_counter()
        result = rec.recognize(long_path, phrase_decoding=True)
        long_time = time.perf_counter() - t
    rtf_utt, rtf_long = per_utt_time / utt_audio, long_time / duration

    errs_u = errs_l = words = 0
    hyp = words_by_piece(result.words, pieces)
    for i, p in enumerate(pieces):
        e, n = word_errors(p.reference, seen[p.id])
        errs_u += e
        words += n
        errs_l += word_errors(p.reference, " ".join(hyp.get(i, [])))[0]
    print(f"load after the decodes: {os.getloadavg()}")
    print(f"RTF: per-utterance {rtf_utt:.3f}, long file {rtf_long:.3f} (ratio {rtf_long / rtf_utt:.3f})")
    print(f"WER: per-utterance {100 * errs_u / words:.2f} %, long file {100 * errs_l / words:.2f} % "
          f"({words} words)")
    _seg_report(result, pieces, args.silence)
    if not args.no_rss:
        one = _child(short_path)
        big = big or _child(long_path)
        print(f"peak RSS: 1-minute file {one['rss_mb']:.0f} MB, {duration / 60:.0f}-minute file "
              f"{big['rss_mb']:.0f} MB (ratio {big['rss_mb'] / one['rss_mb']:.3f})")
    print(f"load: {os.getloadavg()}")


if __name__ == "__main__":
    main()
