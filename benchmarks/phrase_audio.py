"""Long audio with known truth for the phrase benchmarks: dev utterances
(wideband sources, so one model decodes them all) joined by pauses of
0.3-3 s of room tone: the pause after an utterance repeats that utterance's
own non-speech (its samples before the detected speech start, tiled), so the
pause sounds like the recording's silence (synthetic noise far quieter than
the recording's own would make the recording's silence look like speech to
any detector that tracks a noise floor); white noise at the level of that
non-speech when it is shorter than 0.1 s.

True speech edges of each utterance are its first word's start and last
word's end in a forced alignment of its reference transcript
(:func:`asr_engine.align`; ``--truth pipeline``: the speech detector's
trimmed edges of the utterance alone, fed as the phrase pipeline feeds it;
``--truth batch``: the same on batch-CMN features): dev recordings
carry their own leading and trailing silence, so the edges of the file
pieces are not speech edges. The score then says whether cutting a long
recording reproduces each utterance's own speech edges. A true phrase boundary is a
gap between consecutive utterances' speech of at least
``end_of_phrase_silence_time``; shorter gaps are not boundaries (the
utterances form one true phrase).
"""
from __future__ import annotations

import wave
from dataclasses import dataclass

import numpy as np

from dev_set import load_dev_set  # noqa: E402


@dataclass
class Piece:
    id: str
    reference: str
    start: float  # seconds in the file of the utterance's audio
    end: float
    speech_start: float  # its true speech edges in the file
    speech_end: float


TRUTH = {"mode": "align"}


def _edges(rec, samples: np.ndarray) -> tuple[float, float]:
    import asr_engine as ae
    from asr_engine.phrases import detect_speech

    audio = ae.Audio(samples, 16000, 16000, 1, samples.size / 16000, "x")
    if TRUTH["mode"] == "align":
        try:
            words = [w for w in ae.align(audio, TRUTH["text"]).words if not w.filler]
        except ae.AsrError:
            words = []
        if words:
            return words[0].start, words[-1].end
    if TRUTH["mode"] == "batch":
        feats = ae.compute_features(audio, rec.frontend_options, rec.feature_options)
    else:
        raw = ae.FeatureOptions(rec.feature_options.feature_type, "none", rec.feature_options.cmn_init, False)
        feats = ae.compute_features(audio, rec.frontend_options, raw)
        init = list(rec.feature_options.cmn_init)
        feats[:, :len(init)] -= np.array(init, np.float32)
    speech = np.flatnonzero(detect_speech(feats, rec.acoustic_model).speech)
    if not len(speech):
        return 0.0, samples.size / 16000
    return speech[0] / 100.0, (speech[-1] + 1) / 100.0


def build(rec, minutes: float, path: str, seed: int = 5) -> list[Piece]:
    """Writes the file (16 kHz 16-bit WAV) and returns its pieces."""
    from asr_engine.audio.input import read_audio

    utts = [u for u in load_dev_set() if _wideband(u)]
    rng = np.random.default_rng(seed)
    cache: dict[str, tuple[np.ndarray, float, float]] = {}
    pieces: list[Piece] = []
    t = 0.0
    with wave.open(path, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        k = 0
        while t < minutes * 60:
            u = utts[k % len(utts)]
            k += 1
            if u.id not in cache:
                x = read_audio(str(u.path), target_rate=16000).samples
                TRUTH["text"] = u.reference
                cache[u.id] = (x, *_edges(rec, x))
            x, a, b = cache[u.id]
            pause = _room_tone(x, a, int(16000 * rng.uniform(0.3, 3.0)), rng)
            block = np.concatenate([x, pause])
            w.writeframes((np.clip(block, -1, 1) * 32767).astype("<i2").tobytes())
            pieces.append(Piece(u.id, u.reference, t, t + x.size / 16000, t + a, t + b))
            t += block.size / 16000
    return pieces


def _room_tone(x: np.ndarray, speech_start: float, n: int, rng) -> np.ndarray:
    lead = x[:max(0, int(speech_start * 16000) - 800)]  # 50 ms clear of the onset
    if lead.size >= 1600:
        reps = -(-n // lead.size) + 1
        off = int(rng.integers(0, lead.size))
        return np.tile(lead, reps)[off:off + n].astype(np.float32)
    level = float(np.sqrt(np.mean(lead.astype(np.float64) ** 2))) if lead.size else 3e-4
    return (rng.standard_normal(n) * max(level, 3e-4)).astype(np.float32)


def _wideband(u) -> bool:
    return not u.id.startswith(("osr", "fsdd", "speechcmd"))


def true_boundaries(pieces: list[Piece], silence: float) -> list[tuple[float, float]]:
    """(speech end, next speech start) of each true phrase boundary."""
    return [(p.speech_end, q.speech_start) for p, q in zip(pieces, pieces[1:])
            if q.speech_start - p.speech_end >= silence]


def boundary_scores(hyp: list[tuple[float, float]], truth: list[tuple[float, float]],
                    tolerance: float, midpoints: bool = False) -> tuple[float, float]:
    """Precision and recall of hypothesized (end, start) boundaries: a match
    has both edges within ``tolerance`` of a true boundary's (each used
    once); with ``midpoints``, the cut point (middle of the pause) within
    ``tolerance`` of the true pause's middle."""
    if midpoints:
        hyp = [((e + s) / 2, (e + s) / 2) for e, s in hyp]
        truth = [((e + s) / 2, (e + s) / 2) for e, s in truth]
    used, hits = set(), 0
    j = 0
    for e, s in hyp:
        while j < len(truth) and truth[j][1] < e - 5:
            j += 1
        for k in range(j, min(len(truth), j + 20)):
            if k not in used and abs(truth[k][0] - e) <= tolerance and abs(truth[k][1] - s) <= tolerance:
                used.add(k)
                hits += 1
                break
    return hits / max(1, len(hyp)), hits / max(1, len(truth))


def words_by_piece(words, pieces: list[Piece]) -> dict[int, list[str]]:
    """Hypothesis words given to the piece whose audio holds their middle."""
    starts = np.array([p.start for p in pieces])
    out: dict[int, list[str]] = {}
    for w in words:
        m = (w.start + w.end) / 2
        i = int(np.searchsorted(starts, m, side="right")) - 1
        out.setdefault(max(0, i), []).append(w.word)
    return out
