"""Long audio with known truth for the phrase benchmarks: dev utterances
(wideband sources, so one model decodes them all) joined by pauses of
0.3-3 s of room tone made of the utterance's own non-speech (its samples
before the speech start and after the speech end, 0.1 s clear of the
speech): random stretches of it overlap-added with 10 ms constant-power
crossfades (plain tiling put a click at every joint, which any detector
rightly takes for an onset), or, when the recording has under 0.5 s of
non-speech, Gaussian noise with the spectrum and level of the quieter half
of that non-speech (a short stretch repeated, or its loudest frames, are
mostly the tail of the speech), at most the level of the quietest tenth of
the whole recording (its noise floor)
(synthetic noise far quieter than the recording's own would make the
recording's silence look like speech to any detector that tracks a noise
floor).

True speech of each utterance is its words in a forced alignment of its
reference transcript (:func:`asr_engine.align`; words missing from the
dictionary get a G2P pronunciation; the recording padded with 0.5 s of
noise at its own floor on each side, so that its edges can be silence): its first word's start, last word's
end and the pauses between its words (``--truth pipeline``: the speech
detector's trimmed edges of the utterance alone, fed as the phrase pipeline
feeds it; ``--truth batch``: the same on batch-CMN features; neither has
inner pauses): dev recordings carry their own leading and trailing silence,
and some pause inside, so the edges of the file pieces are not speech edges.
Each utterance's DC offset is removed first (recordings of one long file
share one; a step between two offsets at a joint is a click). The score
then says whether cutting a long recording reproduces its speech
edges. A true phrase boundary is a gap between consecutive speech (within an
utterance or across two) of at least ``end_of_phrase_silence_time``; shorter
gaps are not boundaries.
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
    #: (end, start) of each pause between its words (file seconds), at least 0.3 s.
    pauses: tuple = ()


TRUTH = {"mode": "align"}


MIN_PAUSE = 0.3
#: Seconds of noise at the recording's floor put on each side of it for its alignment.
ALIGN_PAD = 0.5
_DICT: dict = {}


def _align(audio, text: str):
    """Forced alignment of ``text``, G2P pronunciations for words the dictionary lacks."""
    import asr_engine as ae
    from asr_engine.align import MissingWordsError

    try:
        return ae.align(audio, text, dictionary=_DICT.get("d"))
    except MissingWordsError as e:
        from asr_engine.g2p import pronounce

        d = _DICT.get("d") or ae.Dictionary.load(phones=ae.AcousticModel.load())
        for w in e.words:
            d.add_word(w, pronounce(w)[0])
        _DICT["d"] = d
        return ae.align(audio, text, dictionary=d)


def _edges(rec, samples: np.ndarray) -> tuple[float, float, tuple]:
    import asr_engine as ae
    from asr_engine.phrases import detect_speech

    audio = ae.Audio(samples, 16000, 16000, 1, samples.size / 16000, "x")
    if TRUTH["mode"] == "align":
        # Aligned with ALIGN_PAD of noise at the recording's own floor on
        # each side: the aligner can only give silence what the file has,
        # so a tightly cut recording had its first and last words stretched
        # to the file's edges over its noise floor (sonnet_1_13: "pity" from
        # 0.00 s, its energy rising at ~0.3 s; "be" to the last frame).
        pad = (np.random.default_rng(0).standard_normal(int(ALIGN_PAD * 16000))
               * min(_floor_level(samples), 0.1)).astype(np.float32)
        padded = np.concatenate([pad, samples, pad])
        try:
            words = [w for w in _align(ae.Audio(padded, 16000, 16000, 1, padded.size / 16000, "x"),
                                       TRUTH["text"]).words if not w.filler]
        except ae.AsrError:
            words = []
        if words:
            length = samples.size / 16000

            def at(t: float) -> float:
                return min(length, max(0.0, t - ALIGN_PAD))

            pauses = tuple((at(a.end), at(b.start)) for a, b in zip(words, words[1:]) if b.start - a.end >= MIN_PAUSE)
            return at(words[0].start), at(words[-1].end), pauses
    if TRUTH["mode"] == "batch":
        feats = ae.compute_features(audio, rec.frontend_options, rec.feature_options)
    else:
        raw = ae.FeatureOptions(rec.feature_options.feature_type, "none", rec.feature_options.cmn_init, False)
        feats = ae.compute_features(audio, rec.frontend_options, raw)
        init = list(rec.feature_options.cmn_init)
        feats[:, :len(init)] -= np.array(init, np.float32)
    speech = np.flatnonzero(detect_speech(feats, rec.acoustic_model).speech)
    if not len(speech):
        return 0.0, samples.size / 16000, ()
    return speech[0] / 100.0, (speech[-1] + 1) / 100.0, ()


def build(rec, minutes: float, path: str, seed: int = 5) -> list[Piece]:
    """Writes the file (16 kHz 16-bit WAV) and returns its pieces."""
    from asr_engine.audio.input import read_audio

    utts = [u for u in load_dev_set() if _wideband(u)]
    rng = np.random.default_rng(seed)
    cache: dict[str, tuple[np.ndarray, float, float, tuple]] = {}
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
                x = x - np.float32(x.mean())  # some carry a DC offset: a step at every joint
                TRUTH["text"] = u.reference
                cache[u.id] = (x, *_edges(rec, x))
            x, a, b, inner = cache[u.id]
            pause = _room_tone(x, a, b, int(16000 * rng.uniform(0.3, 3.0)), rng)
            block = np.concatenate([x, pause])
            w.writeframes((np.clip(block, -1, 1) * 32767).astype("<i2").tobytes())
            pieces.append(Piece(u.id, u.reference, t, t + x.size / 16000, t + a, t + b,
                                tuple((t + e, t + s) for e, s in inner)))
            t += block.size / 16000
    return pieces


FADE = 160  # 10 ms


def _room_tone(x: np.ndarray, speech_start: float, speech_end: float, n: int, rng) -> np.ndarray:
    margin = 1600  # 0.1 s clear of the aligned speech (its edges are only that sure)
    parts = [x[:max(0, int(speech_start * 16000) - margin)], x[min(x.size, int(speech_end * 16000) + margin):]]
    parts = [p.astype(np.float64) for p in parts if p.size >= 4 * FADE]
    total = sum(p.size for p in parts)
    if total >= 8000:
        return _crossfaded(parts, n, rng)
    source = np.concatenate(parts) if parts else np.zeros(0)
    return _shaped_noise(source, n, rng, _floor_level(x))


def _floor_level(x: np.ndarray) -> float:
    """RMS of the quietest tenth of ``x``'s 32 ms frames: the recording's
    noise floor (its pauses and stop closures), an upper bound for its room
    tone (a recording cut inside its last word has speech where its
    alignment puts the trailing silence: sb_example2's "culprit" is followed
    by more speech, and noise at that level, -26 dB, is no pause)."""
    if x.size < 512:
        return float("inf")
    power = np.array([np.mean(x[i:i + 512].astype(np.float64) ** 2) for i in range(0, x.size - 511, 256)])
    quiet = np.sort(power)[:max(1, power.size // 10)]
    return float(np.sqrt(np.mean(quiet)))


def _crossfaded(parts: list, n: int, rng) -> np.ndarray:
    """Random stretches of ``parts`` joined by constant-power crossfades."""
    ramp = np.sin(0.5 * np.pi * (np.arange(FADE) + 0.5) / FADE)
    out = np.zeros(n + 8000 + FADE)
    pos = 0
    sizes = np.array([p.size for p in parts], float)
    while pos < n:
        p = parts[int(rng.choice(len(parts), p=sizes / sizes.sum()))]
        length = int(min(p.size, rng.integers(1600, 8000)))
        off = int(rng.integers(0, p.size - length + 1))
        seg = p[off:off + length].copy()
        seg[:FADE] *= ramp
        seg[-FADE:] *= ramp[::-1]
        out[pos:pos + length] += seg
        pos += length - FADE
    return out[:n].astype(np.float32)


def _shaped_noise(source: np.ndarray, n: int, rng, ceiling: float = float("inf")) -> np.ndarray:
    """Gaussian noise with the spectrum and level of ``source``'s quieter
    half (of 32 ms frames: a speech tail or a breath left in a short
    stretch of non-speech would otherwise set them), its level at most
    ``ceiling`` (the recording's noise floor)."""
    noise = rng.standard_normal(n)
    level = 3e-4
    if source.size >= 512:
        win = np.hanning(512)
        frames = np.array([source[i:i + 512] for i in range(0, source.size - 511, 128)])
        power = np.mean(frames ** 2, axis=1)
        quiet = frames[power <= np.median(power)]
        level = max(level, float(np.sqrt(np.mean(quiet ** 2))))
        psd = np.mean(np.abs(np.fft.rfft(quiet * win, axis=1)) ** 2, axis=0)
        spec = np.fft.rfft(noise)
        shape = np.sqrt(np.interp(np.linspace(0, 1, spec.size), np.linspace(0, 1, psd.size), psd))
        noise = np.fft.irfft(spec * shape, n)
    elif source.size:
        level = max(level, float(np.sqrt(np.mean(source ** 2))))
    level = max(3e-4, min(level, ceiling))
    noise *= level / max(1e-12, float(np.sqrt(np.mean(noise ** 2))))
    return noise.astype(np.float32)


def _wideband(u) -> bool:
    return not u.id.startswith(("osr", "fsdd", "speechcmd"))


def true_boundaries(pieces: list[Piece], silence: float) -> list[tuple[float, float]]:
    """(speech end, next speech start) of each true phrase boundary: every
    gap between speech, inside an utterance or between two, of at least ``silence``."""
    gaps = []
    for k, p in enumerate(pieces):
        gaps.extend(p.pauses)
        if k + 1 < len(pieces):
            gaps.append((p.speech_end, pieces[k + 1].speech_start))
    return [(e, s) for e, s in gaps if s - e >= silence]


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
