"""Phrases for :meth:`~asr_engine.Recognizer.recognize`: the phrase list of a
short recording, and phrase-by-phrase decoding of a long one.

Which path a call takes (``phrase_decoding=None``, the default): audio up to
:data:`LONG_AUDIO_SECONDS` is decoded in one piece with batch CMN, exactly as
before phrases existed (this is what the dev set and every threshold were
tuned on, and a single phrase can be that long anyway); its words are then
grouped into the phrases the segmenter finds. Longer audio is decoded phrase
by phrase (:class:`~asr_engine.phrase_decoding.PhrasePipeline`, the same
pipeline as a :class:`~asr_engine.Stream`), in constant memory: a PCM WAV
path is even read block by block, so the samples of an hour never sit in
memory at once. As it need not answer before a unit ends, each unit is
decoded when it closes with its own mean (batch CMN of the unit, as the unit
recorded alone would be); ``phrase_decoding="live"`` decodes exactly as a
stream does instead (causal CMN), giving a stream's finals.
"""
from __future__ import annotations

import os
import struct
import wave
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import TYPE_CHECKING, Any, Optional, Union

import numpy as np

from .audio.input import StreamInput
from .errors import AudioError, InvalidArgumentError
from .phrase_decoding import PhrasePipeline, PhraseSettings, join_phrases, speech_edges_seconds
from .phrases import SegmenterOptions, SpeechDetectorOptions, check_sensitivity, detect_speech, segment
from .phrases.segmenter import check_silence_time
from .phrases.sentence_ends import split_at_sentence_ends
from .results import Phrase, Result
from .search import SearchOptions
from .validation import describe_value

if TYPE_CHECKING:
    from .recognizer import Recognizer

__all__ = ["LONG_AUDIO_SECONDS", "BLOCK_SECONDS", "phrase_settings", "decode_phrases", "phrases_of_whole",
           "wav_duration", "wav_blocks", "check_phrase_decoding"]

#: Audio longer than this (seconds) is decoded phrase by phrase by default.
LONG_AUDIO_SECONDS = 120.0
#: Seconds of audio handed to the pipeline at a time on the long path.
BLOCK_SECONDS = 10.0


def check_phrase_decoding(value: object) -> Union[bool, str, None]:
    """``phrase_decoding``: True, False, None (by length) or ``"live"``."""
    if value is not None and not isinstance(value, bool) and value != "live":
        raise InvalidArgumentError(f"phrase_decoding must be True, False, 'live' or None (by length), "
                                   f"got {describe_value(value)}")
    return value


def phrase_settings(*, end_of_phrase_silence_time: object = None, split_transcript_at_phrase_end: object = False,
                    speech_detector_sensitivity: object = 0.5, background_audio_suppression: object = 0.0,
                    **rest: Any) -> PhraseSettings:
    """Checked :class:`PhraseSettings` from the services' parameter names
    (``rest``: the other PhraseSettings fields, already checked)."""
    silence = 0.0 if end_of_phrase_silence_time is None else end_of_phrase_silence_time
    silence = check_silence_time(silence)
    if not isinstance(split_transcript_at_phrase_end, bool):
        raise InvalidArgumentError(f"split_transcript_at_phrase_end must be True or False, "
                                   f"got {describe_value(split_transcript_at_phrase_end)}")
    detector = SpeechDetectorOptions(check_sensitivity("speech_detector_sensitivity", speech_detector_sensitivity),
                                     check_sensitivity("background_audio_suppression", background_audio_suppression))
    return PhraseSettings(segmenter=SegmenterOptions(silence), detector=detector,
                          split_at_sentence_ends=split_transcript_at_phrase_end, **rest)


def decode_phrases(recognizer: "Recognizer", blocks: Iterator[np.ndarray], options: SearchOptions,
                   settings: PhraseSettings, progress: Optional[Callable[[float], None]] = None) -> Result:
    """Decodes sample blocks (float32 at the recognizer's rate) phrase by phrase."""
    pipeline = PhrasePipeline(recognizer, options, settings)
    phrases: list[Phrase] = []
    for block in blocks:
        phrases.extend(pipeline.accept(block))
        if progress is not None:
            progress(pipeline.samples / recognizer.sample_rate)
    phrases.extend(pipeline.finish())
    return join_phrases(phrases, pipeline.samples / recognizer.sample_rate)


def array_blocks(samples: np.ndarray, rate: int) -> Iterator[np.ndarray]:
    n = int(BLOCK_SECONDS * rate)
    for i in range(0, len(samples), n):
        yield samples[i:i + n]


# What the standard library's wave module raises on a damaged file (its chunk
# reader raises RuntimeError on a seek past a chunk's end).
_WAVE_ERRORS = (wave.Error, EOFError, OSError, ValueError, RuntimeError, struct.error)


def wav_duration(path: object) -> Optional[float]:
    """Seconds of a 16-bit PCM WAV file, or None if it is not one (or not a path)."""
    if not isinstance(path, (str, os.PathLike)):
        return None
    try:
        with wave.open(os.fspath(path), "rb") as w:
            if w.getsampwidth() != 2 or w.getcomptype() != "NONE":
                return None
            return w.getnframes() / float(w.getframerate())
    except _WAVE_ERRORS:
        # Not a WAV the block reader can take: the general reader decides (and names the fault).
        return None


def wav_blocks(path: object, target_rate: int) -> Iterator[np.ndarray]:
    """Mono float32 blocks of a 16-bit PCM WAV at ``target_rate``, read
    :data:`BLOCK_SECONDS` at a time."""
    try:
        yield from _wav_blocks(path, target_rate)
    except _WAVE_ERRORS as e:
        raise AudioError(f"cannot read the WAV file {os.fspath(path)!s}: {e or type(e).__name__}") from None  # type: ignore[arg-type]


def _wav_blocks(path: object, target_rate: int) -> Iterator[np.ndarray]:
    with wave.open(os.fspath(path), "rb") as w:  # type: ignore[arg-type]
        rate, channels = w.getframerate(), w.getnchannels()
        conv = StreamInput(target_rate, rate)
        n = int(BLOCK_SECONDS * rate)
        while True:
            raw = w.readframes(n)
            if not raw:
                break
            x = np.frombuffer(raw, "<i2").astype(np.float32) / 32768.0
            if channels > 1:
                x = x[:len(x) - len(x) % channels].reshape(-1, channels).mean(axis=1, dtype=np.float32)
            yield conv.accept(x)
        tail = conv.finish()
        if tail.size:
            yield tail


def phrases_of_whole(recognizer: "Recognizer", result: Result, feats: np.ndarray, settings: PhraseSettings,
                     duration: float) -> list[Phrase]:
    """The phrases of audio decoded in one piece: the segmenter's spans over
    the speech detector's decisions, each with the words whose middle falls
    in it (a word outside every span joins the nearest). One span or none:
    one phrase holding the whole result, alternatives included."""
    rate = recognizer.frame_rate
    per_frame = recognizer.sample_rate / rate
    spans = segment(detect_speech(feats, recognizer.acoustic_model, settings.detector).speech, settings.segmenter) \
        if len(feats) else []
    if len(spans) <= 1:
        start, end = (spans[0].start / rate, spans[0].end / rate) if spans else (0.0, duration)
        if result.words:
            start, end = min(start, result.words[0].start), max(end, result.words[-1].end)
        phrase = Phrase(round(start, 3), round(end, 3), result.transcript, float(result.confidence or 0.0),
                        list(result.words), list(result.alternatives), "end_of_data", int(round(start * per_frame * rate)),
                        int(round(end * per_frame * rate)), result.rejected, result.rejection_margin,
                        dict(result.keywords), list(result.word_alternatives),
                        *(speech_edges_seconds(spans[0], 1.0 / rate, result.words) if spans
                          else (None, None)))
        phrases = [phrase]
    else:
        groups: list[list[Any]] = [[] for _ in spans]
        mids = np.array([(s.start + s.end) / 2 / rate for s in spans])
        for w in result.words:
            m = (w.start + w.end) / 2
            inside = [k for k, s in enumerate(spans) if s.start / rate <= m < s.end / rate]
            groups[inside[0] if inside else int(np.argmin(np.abs(mids - m)))].append(w)
        phrases = []
        for k, (s, ws) in enumerate(zip(spans, groups)):
            a, b = s.start / rate, s.end / rate
            kw = {key: [m for m in ms if a <= m.start < b] for key, ms in result.keywords.items()}
            conf = [w.confidence for w in ws if w.confidence is not None]
            phrases.append(Phrase(round(a, 3), round(b, 3), " ".join(w.word for w in ws),
                                  round(float(np.mean(conf)), 4) if conf else 0.0, ws, [],
                                  s.reason if k < len(spans) - 1 else "end_of_data",
                                  int(round(s.start * per_frame)), int(round(s.end * per_frame)),
                                  result.rejected, result.rejection_margin, {k2: v for k2, v in kw.items() if v},
                                  [x for x in result.word_alternatives if a <= x.start < b],
                                  *speech_edges_seconds(s, 1.0 / rate, ws)))
        phrases = [p for p in phrases if p.words] or phrases[:1]
        phrases[-1] = replace(phrases[-1], end_of_utterance="end_of_data")
    if settings.split_at_sentence_ends and settings.grammar is None:
        phrases = [q for p in phrases for q in split_at_sentence_ends(p, recognizer.language_model)]
    return phrases
