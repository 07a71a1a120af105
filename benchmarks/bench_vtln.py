"""Vocal-tract-length normalisation on the development set: WER and decoding
time with and without ``vtln=True``, run side by side (each utterance is
decoded both ways in turn, so both see the same load), plus the warps
chosen per speaker (:mod:`asr_engine.adapt.vtln`).

    python benchmarks/bench_vtln.py [--limit N] [--set field=value ...]
                                    [--strength S] [--band-edges C] [--two-pass [--min-shift D]]

``--strength S`` applies S times the ML warp's shift from 1; ``--band-edges C``
warps the band edges too (HTK / Kaldi style, ``FrontendOptions.warp_band_edges``,
the cutoff at C x upper_freq) instead of Sphinx's warp; ``--two-pass``
compares, instead of ``vtln=True``, the alternative estimate: warps scored
against the first pass's force-aligned senones, decoded again when the best
one is at least ``--min-shift`` from 1 (the "on" time includes both passes).

Figures on the whole dev set (205 utterances, 524.5 s; issue 17), WER pooled
and the errors per source that changed (off -> on), at the uptime load:

* ``vtln=True`` (ML warp, strength 1), load 2.5: 32.58 % -> 33.79 %, RTF
  0.318 -> 0.337; arctic 18 -> 16, cathy 76 -> 75, fsdd 4 -> 9, ieee 20 -> 22,
  mfa 45 -> 47, osr 44 -> 47, psx 22 -> 19, sonnet 134 -> 141, speechcmd
  18 -> 20.
* ``--strength 0.5``, load 5-9 (two runs at once): 32.58 % -> 32.58 %, RTF
  0.849 -> 0.898; mfa 45 -> 42, psx 22 -> 20, ieee 20 -> 22, speechcmd 18 -> 20.
* ``--strength 0.25``, same load: 32.58 % -> 33.39 %; vctk 14 -> 18, osr 44 -> 49.
* ``--two-pass`` (grid 0.84-1.16 step 0.04, min shift 0.04), load 4-10:
  32.58 % -> 33.23 %, RTF 0.429 -> 0.929; osr 44 -> 48, sonnet 134 -> 137,
  mfa 45 -> 43.
* ``--band-edges 0.8`` (ML warp, band edges moved), load 12: 32.58 % ->
  41.35 %, RTF 0.755 -> 0.882; sonnet 134 -> 201, speechcmd 18 -> 34, cathy
  76 -> 98, fsdd 4 -> 9, arctic 18 -> 13.

Warps chosen (ML, strength 1; mean per speaker): rhasspy_kathleen (F) 0.86,
osr_us_f1 (F) 0.85, arctic_axb (F) 0.84, vctk p238/p301 (F) 0.78 (but
p255 (M) 0.78 and p314 (F) 1.14 the wrong way);
librivox_sonnets (M) 1.18, librivox_sense_and_sensibility (M) 1.14,
psx_cards 1.13, loizou_ieee_male 1.07, libri_61 (M) 1.12; fsdd men mostly
1.07-1.17 (theo 0.81). Per utterance the spread is wide (ieee 0.84-1.22)
and about a third of the picks sit at the grid's ends. The two-pass estimate
picks the same sides (kathleen 0.91, sonnets 1.12, ieee 1.06).
"""
from __future__ import annotations

import argparse
import collections
import os
import sys
import time

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from dev_set import DEV, every_kth, load_dev_set, wer_table  # noqa: E402


def _speakers() -> dict[str, str]:
    rows = (DEV / "refs.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    out = {}
    for line in rows[1:]:
        if line.strip():
            cols = dict(zip(header, line.split("\t")))
            out[cols["id"]] = cols["speaker"]
    return out


#: the two-pass search's warps
GRID = tuple(round(0.84 + 0.04 * i, 2) for i in range(9))


def _value(text: str) -> object:
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return {"true": True, "false": False}.get(text.lower(), text)


def two_pass(model, audio, first, grid, min_shift: float) -> tuple[str, float]:
    """The alternative to the background model: score each warp's features
    against the senones of the first pass's words, force-aligned (one senone
    per frame), and decode again at the best warp when it is at least
    ``min_shift`` from 1. Returns (transcript, warp)."""
    import numpy as np

    from asr_engine.acoustic import SenoneScorer
    from asr_engine.adapt.vtln import features_at
    from asr_engine.align import ForcedAligner

    words = [w.word for w in first.words]
    if not words:
        return first.transcript, 1.0
    aligner = _ALIGNERS.setdefault(id(model), ForcedAligner(model.acoustic_model, model.dictionary))
    scorer = _SCORERS.setdefault(id(model), SenoneScorer(model.acoustic_model))
    base = features_at(audio.samples, model.frontend_options, model.feature_options, 1.0)
    try:
        senones, _slots = aligner.frame_senones(base, aligner.words(" ".join(words)))
    except Exception:  # noqa: BLE001 - a hypothesis the aligner cannot fit keeps the first pass
        return first.transcript, 1.0
    frames = np.flatnonzero(senones >= 0)
    if len(frames) == 0:
        return first.transcript, 1.0
    active = np.unique(senones[frames])
    scores = {}
    for alpha in grid:
        feats = base if alpha == 1.0 else features_at(audio.samples, model.frontend_options,
                                                      model.feature_options, alpha)
        s = scorer.score(feats, active)
        scores[alpha] = float(s[frames, senones[frames]].mean())
    best = max(scores, key=scores.get)
    if abs(best - 1.0) < min_shift - 1e-9:
        return first.transcript, best
    feats = features_at(audio.samples, model.frontend_options, model.feature_options, best)
    opts = model.search_options
    decoder = model._decode(feats, opts)
    return model._result(decoder, audio.duration, True, opts).transcript, best


_ALIGNERS: dict = {}
_SCORERS: dict = {}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=0, help="about this many utterances (0 = all)")
    parser.add_argument("--set", action="append", default=[], help="a SearchOptions field for both runs")
    parser.add_argument("--two-pass", action="store_true",
                        help="'on' = the aligned-senone two-pass estimate (see two_pass) instead of vtln=True")
    parser.add_argument("--min-shift", type=float, default=0.04, help="two-pass: least warp change decoded again")
    parser.add_argument("--band-edges", type=float, default=0.0,
                        help="move the band edges too, cutoff at this share of upper_freq (vtln.BAND_EDGE_CUTOFF)")
    parser.add_argument("--strength", type=float, default=None, help="override vtln.STRENGTH")
    args = parser.parse_args()
    import asr_engine as ae
    import asr_engine.adapt.vtln as vtln_module
    from asr_engine.adapt.vtln import estimate_warp
    from asr_engine.frontend import compute_features
    from asr_engine.recognition_reports import speech_frames

    vtln_module.BAND_EDGE_CUTOFF = args.band_edges
    if args.strength is not None:
        vtln_module.STRENGTH = args.strength
    overrides = dict((k, _value(v)) for k, v in (s.split("=", 1) for s in args.set))
    utts = every_kth(load_dev_set(), args.limit)
    speakers = _speakers()
    rec = ae.Recognizer()
    hyps: dict[bool, dict[str, str]] = {False: {}, True: {}}
    seconds = {False: 0.0, True: 0.0}
    warps: dict[str, list[float]] = collections.defaultdict(list)
    audio_s = 0.0
    for n, u in enumerate(utts):
        audio = ae.load_audio(u.path)
        audio_s += audio.duration
        model = rec.model_for(audio)
        decoded = ae.load_audio(u.path, sample_rate=model.sample_rate)
        if args.two_pass:
            t = time.perf_counter()
            first = rec.recognize(audio, **overrides)
            seconds[False] += time.perf_counter() - t
            hyps[False][u.id] = first.transcript
            hyps[True][u.id], chosen = two_pass(model, decoded, first, GRID, args.min_shift)
            seconds[True] += time.perf_counter() - t
            warps[speakers.get(u.id, u.source)].append(chosen)
            if hyps[True][u.id] != hyps[False][u.id]:
                print(f"{u.id} (alpha {chosen}):\n  ref  {u.reference}\n  off  {hyps[False][u.id]}\n"
                      f"  on   {hyps[True][u.id]}")
            continue
        for vtln in ((False, True) if n % 2 == 0 else (True, False)):  # alternate who goes first
            t = time.perf_counter()
            hyps[vtln][u.id] = rec.recognize(audio, vtln=vtln, **overrides).transcript
            seconds[vtln] += time.perf_counter() - t
        feats = compute_features(decoded, model.frontend_options, model.feature_options)
        alpha = estimate_warp(decoded.samples, model.acoustic_model, model.frontend_options, model.feature_options,
                              speech_frames(feats, model.acoustic_model)).alpha
        warps[speakers.get(u.id, u.source)].append(alpha)
        if hyps[True][u.id] != hyps[False][u.id]:
            print(f"{u.id} (alpha {alpha}):\n  ref  {u.reference}\n  off  {hyps[False][u.id]}\n  on   {hyps[True][u.id]}")
    print(f"{len(utts)} utterances, {audio_s:.1f} s of audio, load {os.getloadavg()[0]:.1f} at the end")
    tables = {v: wer_table(hyps[v], utts) for v in (False, True)}
    print(f"{'source':10s} {'off':>14s} {'on':>14s}")
    for src in tables[False][1]:
        (e0, w), (e1, _) = tables[False][1][src], tables[True][1][src]
        print(f"{src:10s} {e0:4d}/{w:<4d} {100 * e0 / w:5.1f}% {e1:4d}/{w:<4d} {100 * e1 / w:5.1f}%")
    for v in (False, True):
        print(f"vtln={v!s:5s}: WER {100 * tables[v][0]:.2f} %, RTF {seconds[v] / audio_s:.3f}")
    print("warps chosen per speaker (mean, values):")
    for spk, values in sorted(warps.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        print(f"  {spk:34s} {sum(values) / len(values):.3f}  {sorted(values)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
