"""Speaker diarization of a recording (a thin view of the native
``SpeakerDiarizer``).

Speech frames come from the :class:`~asr_engine.phrases.SpeechDetector` on
the acoustic model's features; the speaker statistics use the cepstra
c1..c12 of the same front end (c0, the loudness, is left out: it says more
about the microphone distance than about the speaker). Frames are 10 ms.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Optional

import numpy as np

from .. import _core
from ..acoustic import AcousticModel
from ..audio import Audio, load_audio
from ..errors import InvalidArgumentError
from ..frontend import FeatureOptions, FrontendOptions, compute_features, compute_mfcc
from ..phrases import SpeechDetectorOptions, detect_speech

FRAME_SECONDS = 0.01


@dataclass(frozen=True)
class SpeakerDiarizerOptions:
    """Options of the diarizer (mirror of the native struct).

    Attributes:
        change_window: frames each side of a candidate speaker change.
        change_step: frames between candidate change points.
        change_penalty: BIC lambda of change detection (higher: fewer changes).
        min_segment: frames, the shortest segment change detection makes.
        cluster_penalty: BIC lambda of clustering (higher: fewer speakers).
        min_speakers: clustering stops at this many speakers.
        max_speakers: clustering always merges down to this many (the
            services label up to 6).
        switch_penalty: nats per speaker switch in the Viterbi resegmentation.
        pause_switch_penalty: the same when the switch falls in a pause.
        resegment_iterations: Viterbi / re-estimation rounds (0: keep the clusters).
        variance_floor: share of the recording's variance added to every
            covariance (keeps short segments' Gaussians proper).
    """

    change_window: int = 100
    change_step: int = 5
    change_penalty: float = 1.0
    min_segment: int = 100
    cluster_penalty: float = 2.0
    min_speakers: int = 1
    max_speakers: int = 6
    switch_penalty: float = 40.0
    pause_switch_penalty: float = 10.0
    resegment_iterations: int = 2
    variance_floor: float = 0.3

    def __post_init__(self) -> None:
        for name in ("change_window", "change_step", "min_segment", "min_speakers", "max_speakers",
                     "resegment_iterations"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise InvalidArgumentError(f"{name} must be an integer, not {type(v).__name__}")
        for name in ("change_penalty", "cluster_penalty", "switch_penalty", "pause_switch_penalty",
                     "variance_floor"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
                raise InvalidArgumentError(f"{name} must be a finite number, not negative (got {v!r})")
        if not 1 <= self.min_speakers <= self.max_speakers:
            raise InvalidArgumentError("speakers: need 1 <= min_speakers <= max_speakers, got "
                                       f"{self.min_speakers} and {self.max_speakers}")
        if self.change_window < 2 or self.change_step < 1 or self.min_segment < 1:
            raise InvalidArgumentError("change_window must be at least 2, change_step and min_segment at least 1")
        if self.resegment_iterations < 0:
            raise InvalidArgumentError("resegment_iterations must not be negative")
        if self.variance_floor <= 0:
            raise InvalidArgumentError("variance_floor must be positive")

    def to_native(self) -> "_core.SpeakerDiarizerOptions":
        n = _core.SpeakerDiarizerOptions()
        for name in self.__dataclass_fields__:
            setattr(n, name, getattr(self, name))
        return n


@dataclass(frozen=True)
class SpeakerTurn:
    """A stretch of speech by one speaker: ``start``/``end`` in seconds."""

    start: float
    end: float
    speaker: int


@dataclass(frozen=True)
class Diarization:
    """Who spoke when.

    Attributes:
        n_speakers: speakers found (numbered 0.. in order of first speech).
        speaker: per 10 ms frame, the speaker, or -1 where nobody speaks.
        loglik: per frame and speaker, the frame's log-likelihood under the
            speaker's model (0 where nobody speaks); it gives confidences.
        change_points: frames where a speaker change was detected.
    """

    n_speakers: int
    speaker: np.ndarray
    loglik: np.ndarray
    change_points: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int32))

    @property
    def turns(self) -> list[SpeakerTurn]:
        """Maximal runs of frames with one speaker, in time order."""
        out: list[SpeakerTurn] = []
        s = self.speaker
        i = 0
        while i < s.size:
            j = i
            while j < s.size and s[j] == s[i]:
                j += 1
            if s[i] >= 0:
                out.append(SpeakerTurn(i * FRAME_SECONDS, j * FRAME_SECONDS, int(s[i])))
            i = j
        return out

    def posteriors(self, start: float, end: float) -> Optional[np.ndarray]:
        """Posterior of each speaker for the speech between two times (the
        per-frame likelihoods' geometric mean, normalised); None when no
        speech frame falls inside."""
        a = max(0, int(math.floor(start / FRAME_SECONDS)))
        b = min(self.speaker.size, max(a + 1, int(math.ceil(end / FRAME_SECONDS))))
        frames = np.flatnonzero(self.speaker[a:b] >= 0) + a
        if frames.size == 0 or self.n_speakers == 0:
            return None
        mean = self.loglik[frames].mean(axis=0).astype(np.float64)
        p = np.exp(mean - mean.max())
        return p / p.sum()


class SpeakerDiarizer:
    """Diarizes recordings for one acoustic model's front end.

    Args:
        model: the acoustic model (its front end, and its speech detector
            marks the speech); the default model when None.
        options: diarizer options.
        speech_detector: options of the speech detector that finds the speech.
    """

    def __init__(self, model: AcousticModel | None = None, options: SpeakerDiarizerOptions | None = None,
                 speech_detector: SpeechDetectorOptions | None = None) -> None:
        if model is not None and not isinstance(model, AcousticModel):
            raise InvalidArgumentError(f"model must be an AcousticModel, not {type(model).__name__}")
        if options is not None and not isinstance(options, SpeakerDiarizerOptions):
            raise InvalidArgumentError("options must be SpeakerDiarizerOptions")
        if speech_detector is not None and not isinstance(speech_detector, SpeechDetectorOptions):
            raise InvalidArgumentError("speech_detector must be SpeechDetectorOptions")
        self.model = model if model is not None else AcousticModel.load()
        self.options = options or SpeakerDiarizerOptions()
        self.speech_detector = speech_detector or SpeechDetectorOptions()
        params = self.model.feat_params
        self._frontend = FrontendOptions.from_feat_params(params)
        self._features = FeatureOptions.from_feat_params(params)
        self._native = _core.SpeakerDiarizer(self.options.to_native())

    def diarize(self, audio, sample_rate: Optional[int] = None) -> Diarization:
        """Diarizes ``audio`` (an :class:`Audio`, float32 samples at
        ``sample_rate``, or anything :func:`load_audio` accepts)."""
        rate = int(self._frontend.sample_rate)
        if isinstance(audio, np.ndarray):
            if sample_rate is None:
                raise InvalidArgumentError("sample_rate is required with raw samples")
            audio = load_audio(np.asarray(audio, dtype=np.float32), sample_rate=rate, input_rate=int(sample_rate))
        elif not (isinstance(audio, Audio) and audio.sample_rate == rate):
            audio = load_audio(audio, sample_rate=rate)
        cepstra = compute_mfcc(audio, self._frontend)
        features = compute_features(audio, self._frontend, self._features)
        n = min(cepstra.shape[0], features.shape[0])
        speech = detect_speech(features[:n], self.model, self.speech_detector).speech
        return self.diarize_frames(cepstra[:n, 1:], speech)

    def diarize_frames(self, features: np.ndarray, speech: np.ndarray) -> Diarization:
        """Diarizes precomputed frames: ``features`` (frames x dim, e.g.
        cepstra) and a speech flag per frame."""
        f = np.ascontiguousarray(features, dtype=np.float32)
        s = np.ascontiguousarray(speech, dtype=bool)
        if f.ndim != 2 or s.ndim != 1 or s.shape[0] != f.shape[0]:
            raise InvalidArgumentError("features must be frames x dim and speech one flag per frame, "
                                       f"got {f.shape} and {s.shape}")
        n, speaker, loglik, changes = self._native.run(f, s)
        return Diarization(int(n), speaker, loglik, changes)
