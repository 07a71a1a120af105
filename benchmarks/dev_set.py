"""The development set of ../shared/data/dev and the WER scorer the
benchmarks share.

WER is computed with our own scorer: both sides are lower-cased, hyphens
and dashes become spaces, punctuation except word-internal apostrophes is
dropped (the convention of the dev set's reference transcripts), then a
Levenshtein alignment over words counts substitutions, deletions and
insertions.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bench_common import SHARED  # noqa: E402
DEV = SHARED / "data" / "dev"


@dataclass
class Utterance:
    id: str
    path: Path
    reference: str
    source: str
    duration: float


def load_dev_set() -> list[Utterance]:
    rows = (DEV / "refs.tsv").read_text(encoding="utf-8").splitlines()
    header = rows[0].split("\t")
    out = []
    for line in rows[1:]:
        if not line.strip():
            continue
        cols = dict(zip(header, line.split("\t")))
        uid = cols["id"]
        out.append(Utterance(uid, DEV / f"{uid}.wav", cols["transcript"], uid.split("_")[0],
                             float(cols["duration_s"])))
    return out


def normalize(text: str) -> list[str]:
    text = text.lower().replace("-", " ").replace("\u2014", " ").replace("\u2013", " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text)
    words = []
    for w in text.split():
        w = w.strip("'")
        if w:
            words.append(w)
    return words


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """(errors, reference words) after normalisation."""
    ref, hyp = normalize(reference), normalize(hypothesis)
    prev = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        cur = [i] + [0] * len(hyp)
        for j, h in enumerate(hyp, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (r != h))
        prev = cur
    return prev[len(hyp)], len(ref)


def wer_table(results: dict[str, str], utts: list[Utterance]) -> tuple[float, dict[str, tuple[int, int]]]:
    """Pooled WER and (errors, words) per source."""
    per: dict[str, list[int]] = {}
    for u in utts:
        e, n = word_errors(u.reference, results.get(u.id, ""))
        acc = per.setdefault(u.source, [0, 0])
        acc[0] += e
        acc[1] += n
    errors = sum(v[0] for v in per.values())
    words = sum(v[1] for v in per.values())
    return errors / max(1, words), {k: (v[0], v[1]) for k, v in sorted(per.items())}


def every_kth(utts: list[Utterance], limit: int) -> list[Utterance]:
    """About ``limit`` utterances spread over the set (all with 0)."""
    return utts[:: max(1, len(utts) // limit)] if limit else utts


def every_kth_of_each_source(utts: list[Utterance], k: int) -> list[Utterance]:
    """Every ``k``-th utterance of each source, in set order (a smaller run
    with every source still in it)."""
    seen: dict[str, int] = {}
    kept = []
    for u in utts:
        seen[u.source] = seen.get(u.source, 0) + 1
        if (seen[u.source] - 1) % max(1, k) == 0:
            kept.append(u)
    return kept


def decoded(rec, options, utts: list[Utterance]):
    """Each utterance decoded once by ``rec`` (an asr_engine.Recognizer):
    yields (utterance, audio duration in seconds, native decoder), whose
    lattice the caller reads as Recognizer._result does."""
    import asr_engine as ae

    for u in utts:
        audio = ae.load_audio(u.path)
        feats = ae.compute_features(audio, rec.frontend_options, rec.feature_options)
        yield u, audio.duration, rec._decode(feats, options)


def routed_features(wide, utt: Utterance):
    """What ``wide.recognize()`` decodes this utterance with: the recognizer
    (the narrowband one for band-limited audio), its features (float32,
    computed as recognize() does) and the audio's duration in seconds."""
    import numpy as np

    import asr_engine as ae
    from asr_engine.audio.bandwidth import is_narrowband
    from asr_engine.frontend import FeatureStream

    audio = ae.load_audio(utt.path)
    rec = wide.narrowband() if is_narrowband(audio.samples, audio.sample_rate) else wide
    samples = audio.samples if rec is wide else ae.load_audio(utt.path, sample_rate=rec.sample_rate).samples
    stream = FeatureStream(rec.frontend_options, rec.feature_options)
    feats = np.ascontiguousarray(np.vstack([stream.accept(samples), stream.finish()]), dtype=np.float32)
    return rec, feats, audio.duration
