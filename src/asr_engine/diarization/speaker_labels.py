"""The services' ``speaker_labels``: one entry per recognized word.

Each word goes to the speaker whose model best explains its speech frames
(:meth:`Diarization.posteriors`); the entry's ``confidence`` is that
posterior. A word with no speech frame under it (a detector miss) takes the
speaker of the nearest speech. Entries follow §1.6 of the services'
contract: ``from`` and ``to`` are the word's times, ``final`` is true only
on the last entry.
"""
from __future__ import annotations

from typing import Iterable, Protocol

import numpy as np

from .speaker_diarizer import FRAME_SECONDS, Diarization


class TimedWord(Protocol):
    """Anything with ``start`` and ``end`` in seconds (e.g. ``WordResult``)."""

    start: float
    end: float


def _nearest_speech(d: Diarization, start: float, end: float) -> int:
    speech = np.flatnonzero(d.speaker >= 0)
    centre = 0.5 * (start + end) / FRAME_SECONDS
    return int(d.speaker[speech[np.argmin(np.abs(speech - centre))]])


def speaker_labels(words: Iterable[TimedWord], diarization: Diarization) -> list[dict[str, object]]:
    """``speaker_labels`` entries (``from``, ``to``, ``speaker``,
    ``confidence``, ``final``) for ``words`` in time order; [] when there
    are no words or nobody speaks."""
    words = list(words)
    if not words or diarization.n_speakers == 0:
        return []
    out: list[dict[str, object]] = []
    for w in words:
        p = diarization.posteriors(w.start, w.end)
        if p is None:
            speaker, confidence = _nearest_speech(diarization, w.start, w.end), 1.0 / diarization.n_speakers
        else:
            speaker, confidence = int(np.argmax(p)), float(p.max())
        out.append({"from": round(float(w.start), 2), "to": round(float(w.end), 2), "speaker": speaker,
                    "confidence": round(confidence, 3), "final": False})
    out[-1]["final"] = True
    return out
