"""Long files as several tasks: phrase chunks, merged back into one record.

A file longer than :data:`SPLIT_SECONDS` (a 16-bit PCM WAV, decoded phrase
by phrase as :meth:`~asr_engine.Recognizer.recognize` decodes long audio)
is cut into :class:`Chunk` tasks of about :data:`CHUNK_SECONDS` each; they
run on any executor like files do, and the driver merges their phrases, in
order, into the file's one record (:func:`merge_chunks`). A chunk that
fails makes the file's record an error record; the record is written only
once every chunk is in, so an interrupted run redoes the whole file and
never leaves half of it.

Why the record equals the unsplit decoding exactly: a chunk ``[lo, hi)``
runs the cheap part of the phrase pipeline (features, speech detector,
segmenter) from the start of the file, so it finds the very phrases and
decoding units the unsplit run finds, with times from the start of the
file; it decodes (the costly part) only the phrases that *start* in
``[lo, hi)``, each unit with its own mean as the unsplit run does, and
stops reading once no phrase starting before ``hi`` can still open or be
open. Every phrase starts in exactly one chunk, so each is decoded once,
and the cut falls in the pause before it. The price is the prefix's
features and speech detection, once per chunk (see
:data:`CHUNK_SECONDS`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Mapping, Optional

import numpy as np

from ..phrase_decoding import (PROBE_LOOKAHEAD, PhraseDecoder, PhrasePipeline, join_phrases, phrases_of_units,
                               probe_frame)
from ..results import Phrase
from .inputs import Input

if TYPE_CHECKING:
    from ..recognizer import Recognizer

#: Files longer than this (seconds; never less than
#: :data:`asr_engine.long_audio.LONG_AUDIO_SECONDS`) are split into chunks.
SPLIT_SECONDS = 300.0
#: Audio per chunk (seconds): several phrases. Each chunk also runs the
#: features and speech detector over the audio before it, so a file of
#: ``n`` chunks costs ``(n + 1) / 2`` times that cheap part of its decoding
#: in exchange for ``n`` tasks: the cheap part is 0.4 % of the decoding's CPU
#: time (0.15 s against 39.1 s for 126 s of joined dev utterances), so 16
#: chunks add about 3 %.
CHUNK_SECONDS = 180.0
#: Most chunks a file is cut into (keeps that prefix cost bounded).
MAX_CHUNKS = 16


@dataclass(frozen=True)
class Chunk:
    """Part ``part`` of ``parts`` of a long input: the phrases that start in
    ``[start, end)`` seconds (``end`` None: to the end of the file)."""

    input: Input
    part: int
    parts: int
    start: float
    end: Optional[float]

    @property
    def name(self) -> str:
        return self.input.name


def splittable(options: Mapping[str, Any], content_type: Optional[str]) -> bool:
    """Whether the job's options decode long files as chunks do."""
    # speaker_adaptation decodes a file whole, twice; headerless audio is not read block by block
    return content_type is None and not options.get("speaker_adaptation")


def plan(item: Input, options: Mapping[str, Any], content_type: Optional[str],
         split_seconds: float = SPLIT_SECONDS, chunk_seconds: float = CHUNK_SECONDS) -> list:
    """The tasks of one input: ``[item]``, or its :class:`Chunk` list when it
    is a 16-bit PCM WAV longer than ``split_seconds`` (and than
    ``LONG_AUDIO_SECONDS``) and the options allow it."""
    from ..long_audio import LONG_AUDIO_SECONDS, wav_duration

    # Shorter audio is decoded in one piece, not phrase by phrase: chunks would change its result.
    least = max(split_seconds, LONG_AUDIO_SECONDS)
    if item.path is None or not splittable(options, content_type) or (item.duration or 0.0) <= least:
        return [item]
    duration = wav_duration(item.path)
    if duration is None or duration <= least:
        return [item]
    parts = max(2, min(MAX_CHUNKS, int(math.ceil(duration / chunk_seconds))))
    step = duration / parts
    return [Chunk(item, k, parts, round(k * step, 3), None if k == parts - 1 else round((k + 1) * step, 3))
            for k in range(parts)]


class _RangePipeline(PhrasePipeline):
    """The phrase pipeline (non-live) that decodes only the phrases starting
    in frames ``[lo, hi)``: the units of a phrase wait, as features, until
    the phrase closes, and are decoded then if it is ours."""

    def __init__(self, recognizer: "Recognizer", options: Any, settings: Any, lo: int, hi: Optional[int]) -> None:
        super().__init__(recognizer, options, settings)
        self._lo, self._hi = lo, hi
        self._pending: list[tuple[Any, np.ndarray]] = []  # (unit span, its frames less their mean)

    @property
    def past_range(self) -> bool:
        """No phrase starting before ``hi`` is open or can still open (a
        phrase opens at most ``padding`` before its first speech frame)."""
        seg = self.segmenter
        return self._hi is not None and seg.open_start is None and seg.frames - seg._lead >= self._hi

    def _open(self, start: int) -> None:
        if self._unit is None or self._unit.start_frame != start:
            self._unit = _OpenUnit(start)  # no decoder yet: only an owned phrase's units are decoded
            self._fed = start

    def _feed_to(self, end: int, closing: bool = False) -> None:
        return  # frames are taken whole when the unit closes

    def _close_unit(self, span: Any) -> None:
        self._open(span.start)
        frames = self._own_mean(span.start, span.end) if span.end > span.start else None
        self._pending.append((span, frames))
        self._unit = None

    def _close_phrase(self, span: Any) -> list[Phrase]:
        pending, self._pending = self._pending, []
        if not (self._lo <= span.start and (self._hi is None or span.start < self._hi)):
            return []
        units: list[Phrase] = []
        reach = list(self._reach)
        silence = self.settings.segmenter.end_of_phrase_silence_time
        for unit, frames in pending:
            decoder = PhraseDecoder(self._rec, self._opts, self.settings, unit.start)
            if frames is not None:
                # As the whole-file pipeline does: ask at the probe frame whether a word has begun.
                f = probe_frame(units, reach, silence, self._rec.frame_rate, unit.start)
                if decoder.feed_probed(frames, unit.start, f, PROBE_LOOKAHEAD) and units:
                    reach[len(units) - 1] = max(reach[len(units) - 1] or 0.0, round(f / self._rec.frame_rate, 3))
            units.append(decoder.finish(unit, self._samples_per_frame))
        return self.split(phrases_of_units(units, span, self._samples_per_frame, self._rec.frame_rate,
                                           silence, reach, self._grammar, self.evidence()))


@dataclass
class _OpenUnit:
    start_frame: int


def decode_chunk(recognizer: "Recognizer", chunk: Chunk, call: Mapping[str, Any]) -> dict:
    """A chunk's phrases (``Recognizer.recognize`` keywords ``call``), with
    how many samples were read and the recognizer's display forms."""
    from .. import long_audio as _long
    from ..errors import InvalidArgumentError

    # A job's calls carry search options, max_alternatives, rejection_threshold,
    # speaker_adaptation (never set here: see splittable) and a compiled grammar.
    options = {k: v for k, v in call.items() if k not in ("max_alternatives", "rejection_threshold", "grammar",
                                                           "speaker_adaptation")}
    grammar = call.get("grammar")
    if chunk.input.path is None:
        raise InvalidArgumentError("only files can be split into chunks")
    # The model recognize() picks for this file: 8 kHz, or band-limited
    # plain n-gram recognition, goes to the narrowband model.
    # (A file damaged since it was planned is an AudioError there: the input's 400.)
    narrowband = getattr(recognizer, "_pick_by_rate", False) and recognizer._narrowband_wav(chunk.input.path,
                                                                                          grammar is None)
    if narrowband:
        recognizer = recognizer.narrowband()
    opts = recognizer._search_options(options, "recognize()")
    network = recognizer._grammar_model(grammar) if grammar is not None else None
    settings = _long.phrase_settings(max_alternatives=int(call.get("max_alternatives", 1)), grammar=network,
                                     rejection_threshold=call.get("rejection_threshold"), spotting=None,
                                     score_against_phone_loop=False, acoustic=None, live=False)
    rate = recognizer.frame_rate
    lo = int(round(chunk.start * rate)) if chunk.part > 0 else -(1 << 62)
    hi = None if chunk.end is None else int(round(chunk.end * rate))
    pipeline = _RangePipeline(recognizer, opts, settings, lo, hi)
    phrases: list[Phrase] = []
    finished = False
    for block in _long.wav_blocks(chunk.input.path, recognizer.sample_rate):
        phrases.extend(pipeline.accept(block))
        if pipeline.past_range:
            break
    else:
        phrases.extend(pipeline.finish())
        finished = True
    return {"file": chunk.name, "chunk": chunk.part, "phrases": phrases,
            "samples": pipeline.samples if finished else None, "sample_rate": recognizer.sample_rate,
            "narrowband": bool(narrowband),
            "display_as": dict(getattr(recognizer, "_display_as", None) or {})}


class _Display:
    """What :meth:`Recognizer._displayed` reads: the display forms."""

    def __init__(self, display_as: Mapping[str, str]) -> None:
        self._display_as = dict(display_as)


def merge_chunks(name: str, parts: list[dict], job: Any) -> dict:
    """The file's record from its chunks' results (in chunk order): their
    phrases joined as the unsplit decoding joins them, described by the
    :class:`~asr_engine.batch.job.RecognitionJob` ``job`` (naming the model
    the chunks were decoded on); an error record if a chunk failed (the
    first failure's error and code)."""
    from ..recognizer import Recognizer

    for k, part in enumerate(parts):
        if "error" in part:
            return {"file": name, "error": f"chunk {k + 1} of {len(parts)}: {part['error']}", "code": part["code"]}
    phrases = [p for part in parts for p in part["phrases"]]
    last = parts[-1]
    result = join_phrases(phrases, last["samples"] / last["sample_rate"])
    result = Recognizer._displayed(_Display(last["display_as"]), result)  # type: ignore[arg-type]
    record = {"file": name, **result.to_dict(), **job.describe(narrowband=bool(last.get("narrowband")))}
    timings = [part["timing"] for part in parts]
    seconds = sum(t["seconds"] for t in timings)
    record["timing"] = {"seconds": round(seconds, 3),
                        "real_time_factor": round(seconds / result.duration, 4) if result.duration else None,
                        "worker": timings[0]["worker"], "chunks": len(parts),
                        "start": min(t["start"] for t in timings),
                        "cpu_seconds": round(sum(t["cpu_seconds"] for t in timings), 3),
                        "workers": sorted({t["worker"] for t in timings})}
    return record


__all__ = ["CHUNK_SECONDS", "Chunk", "MAX_CHUNKS", "SPLIT_SECONDS", "decode_chunk", "merge_chunks", "plan",
           "splittable"]
