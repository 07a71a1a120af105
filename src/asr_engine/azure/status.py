"""``RecognitionStatus`` (§5.4): what the start of the audio and the
recognition say about a request.

* ``InitialSilenceTimeout`` / ``BabbleTimeout``: the speech detector
  (:func:`asr_engine.phrases.detect_speech`) finds no speech in the first
  :data:`INITIAL_SILENCE_TIMEOUT` seconds (or in the whole audio, if it is
  shorter). The service answers so even when speech follows later (its
  users report it; the REST call cannot change the timeout): it gave up
  waiting. What filled the wait decides which: ``BabbleTimeout`` when its
  median 10 ms level is above :data:`NOISE_LEVEL_DBFS` (noise, music,
  hum: sound that is not speech), else ``InitialSilenceTimeout``. As the
  service does, ``Offset`` is how long it waited and ``Duration`` 0.
* ``NoMatch``: speech was detected but nothing in the language fits it: the
  recognizer found no word, or its words fit the audio worse than a free
  phone loop by more than :data:`NO_MATCH_MARGIN` nats per frame
  (:attr:`Result.rejection_margin`), or ``profanity=removed`` left no word.
  The detector also takes loud stationary noise (white noise, chords) for
  speech; a second opinion tells it apart: speech changes its spectrum from
  syllable to syllable, noise does not. When what the detector called speech
  has a median spectral flux (distance between cepstra 40 ms apart, c1-c12)
  below :data:`NOISE_FLUX` and nothing in it fits the language, the status
  is ``BabbleTimeout``, not ``NoMatch``. (Flux alone never overrules words
  that fit: it only names the failure.)
* ``Success`` otherwise. ``Error`` is the service's own failure (see
  :mod:`.speech_service`).

The constants were measured by ``python benchmarks/bench_azure.py 60`` (60
dev utterances, seed 14): the rejection margin of native speech has minimum
-1.17, 5th percentile -0.41 and median 1.15 nats/frame; the same audio
time-reversed (speech-like, but in no language) median -0.10, 5th
percentile -0.94, minimum -1.76. The two overlap widely (reversed English
still sounds like English phones), so the threshold, -1.25, is set below
every native utterance: it keeps native speech ``Success`` and catches only
the reversed speech that fits worst. Non-speech in the dev recordings sits
at -91 to -10 dBFS (median -50, 90th percentile -29); -40 dBFS separates a
quiet room from sound that is not speech. The spectral flux of dev speech frames
is at least 29.3 (1st percentile 31.3, median 44.5); white noise at -50 to
-25 dBFS, brown noise and a sustained chord give 22 to 27.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

import numpy as np

from ..audio import Audio
from ..frontend import FeatureStream
from ..phrases import detect_speech

__all__ = ["INITIAL_SILENCE_TIMEOUT", "NOISE_LEVEL_DBFS", "NOISE_FLUX", "NO_MATCH_MARGIN", "SpeechStart", "speech_start",
           "fits_language"]

#: Seconds of audio without speech after which the service stops waiting.
INITIAL_SILENCE_TIMEOUT = 5.0
#: Median level (dBFS, 10 ms frames) above which the wait was noise, not silence.
NOISE_LEVEL_DBFS = -40.0
#: Rejection margin (nats per frame against the phone loop) below which
#: recognized words do not fit the audio: ``NoMatch``.
NO_MATCH_MARGIN = -1.25
#: Median spectral flux of detected speech below which it was stationary
#: noise (see the module docstring).
NOISE_FLUX = 28.5
#: Frames between the cepstra whose distance is the spectral flux (40 ms).
_FLUX_LAG = 4


@dataclass(frozen=True)
class SpeechStart:
    """Where speech starts, or why the service stopped waiting for it.

    Attributes:
        onset: start of the first speech frame in seconds; None when the
            detector found none before the timeout.
        timeout: ``InitialSilenceTimeout`` or ``BabbleTimeout`` when the
            service stopped waiting, else None.
        waited: seconds of audio before the onset, or before giving up.
        stationary: what the detector called speech is stationary noise
            (spectral flux below :data:`NOISE_FLUX`).
    """

    onset: Optional[float]
    timeout: Optional[str]
    waited: float
    stationary: bool = False


def speech_start(audio: Audio, recognizer: Any, timeout: float = INITIAL_SILENCE_TIMEOUT) -> SpeechStart:
    """Run the speech detector of ``recognizer``'s acoustic model over the
    start of ``audio`` (decoded at the recognizer's rate)."""
    step = 1.0 / recognizer.frame_rate
    # A little beyond the timeout: the detector's window looks ahead.
    limit = min(len(audio.samples), int((timeout + 0.5) * audio.sample_rate))
    samples = audio.samples[:limit]
    stream = FeatureStream(recognizer.frontend_options, recognizer.feature_options)
    features = np.vstack([stream.accept(samples), stream.finish()])
    speech = detect_speech(features, recognizer.acoustic_model).speech if len(features) else np.zeros(0, bool)
    found = np.flatnonzero(speech)
    if len(found) and found[0] * step < timeout:
        onset = round(float(found[0] * step), 3)
        return SpeechStart(onset, None, onset, _flux(features, speech) < NOISE_FLUX)
    waited = min(timeout, audio.duration)
    level = _median_level(samples[:int(waited * audio.sample_rate)], int(audio.sample_rate * step))
    kind = "BabbleTimeout" if level > NOISE_LEVEL_DBFS else "InitialSilenceTimeout"
    return SpeechStart(None, kind, round(float(waited), 3))


def fits_language(result: Any) -> bool:
    """Whether a recognition (with ``score_against_phone_loop``) found words
    that fit the audio (see the module docstring)."""
    margin = result.rejection_margin
    return bool(result.words) and (margin is None or margin >= NO_MATCH_MARGIN)


def _flux(features: np.ndarray, speech: np.ndarray) -> float:
    """Median distance of the static cepstra c1-c12 40 ms apart over speech frames."""
    if len(features) <= _FLUX_LAG:
        return float("inf")
    static = features[:, 1:13]
    distance = np.linalg.norm(static[_FLUX_LAG:] - static[:-_FLUX_LAG], axis=1)
    mask = speech[_FLUX_LAG:]
    return float(np.median(distance[mask])) if mask.any() else float("inf")


def _median_level(samples: np.ndarray, hop: int) -> float:
    """Median level of ``hop``-sample blocks in dBFS (-inf for digital silence)."""
    n = len(samples) // max(1, hop)
    if n == 0:
        return -np.inf
    blocks = samples[:n * hop].astype(np.float64).reshape(n, hop)
    power = float(np.median(np.mean(blocks * blocks, axis=1)))
    return 10.0 * np.log10(power) if power > 0 else -np.inf
