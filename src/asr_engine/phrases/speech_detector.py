"""Frame-level speech / non-speech from the acoustic model.

A thin view of the native ``SpeechDetector``: per 10 ms frame, the
log-likelihood ratio of a small speech mixture against a silence/noise
mixture, both distilled from the acoustic model's context-independent
senones, smoothed over a centred window, thresholded by the services'
``speech_detector_sensitivity`` and held over short dips. Decisions stream:
each frame's is final :attr:`SpeechDetector.delay` frames after it arrived.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Union

import numpy as np

from .. import _core
from ..acoustic import AcousticModel
from ..errors import InvalidArgumentError


def check_sensitivity(name: str, value: object) -> float:
    """``value`` as a float in [0, 1], or a 400 naming the parameter."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise InvalidArgumentError(f"{name} must be a number between 0.0 and 1.0, not {type(value).__name__}")
    v = float(value)
    if not math.isfinite(v) or not 0.0 <= v <= 1.0:
        raise InvalidArgumentError(f"{name} must be between 0.0 and 1.0, not {value!r}")
    return v


@dataclass(frozen=True)
class SpeechDetectorOptions:
    """Options of the speech detector (mirror of the native struct).

    Attributes:
        sensitivity: the services' ``speech_detector_sensitivity``: 0 treats
            everything as non-speech, 1 everything as speech; 0.5 default.
        background_suppression: the services' ``background_audio_suppression``:
            0 (default) off; towards 1, speech quieter than the loudest speech
            heard so far is ignored.
        densities: Gaussians kept per feature stream for each class.
        window: frames (odd) the per-frame score is averaged over, centred.
        hangover: frames still marked speech after the score drops.
        preroll: frames marked speech before the score rises (the
            decision's look-ahead; :attr:`SpeechDetector.delay` is half the
            window plus this).
        threshold: smoothed score at sensitivity 0.5 (log-odds of speech with
            noise tracking, log-likelihood ratio in nats/frame without).
            It, ``hangover`` and ``preroll`` were chosen for frame accuracy
            against the forced alignments of the even-numbered dev
            utterances, clean and at 20/10/5 dB, the odd-numbered ones
            held out (benchmarks/tune_vad_decision.py).
        sensitivity_scale: threshold shift per unit of logit(sensitivity).
        background_range: c0 range below the loudest speech that suppression
            0+ still keeps (shrinks to 4 as suppression goes to 1).
        noise_tracking: score frames by a log-odds of speech that also weighs
            energy and mel-band levels above tracked noise floors (robust in
            noise); False gives the plain acoustic-model log-likelihood ratio.
        floor_rise: how fast (c0 units per frame) the tracked noise floors rise.
        level_range: levels and noise floors are kept within this many c0
            units below the tracked peak, so that digital silence (exact
            zeros) does not drag the floors out of the range the cue
            network was fitted on.
    """

    sensitivity: float = 0.5
    background_suppression: float = 0.0
    densities: int = 128
    window: int = 21
    hangover: int = 10
    preroll: int = 2
    threshold: float = 0.75
    sensitivity_scale: float = 3.0
    background_range: float = 30.0
    noise_tracking: bool = True
    floor_rise: float = 0.005
    level_range: float = 60.0

    def __post_init__(self) -> None:
        check_sensitivity("speech_detector_sensitivity", self.sensitivity)
        check_sensitivity("background_audio_suppression", self.background_suppression)
        for name in ("densities", "window", "hangover", "preroll"):
            v = getattr(self, name)
            if isinstance(v, bool) or not isinstance(v, int):
                raise InvalidArgumentError(f"{name} must be an integer")
        if self.densities < 1:
            raise InvalidArgumentError("densities must be at least 1")
        if self.window < 1 or self.window % 2 == 0:
            raise InvalidArgumentError("window must be a positive odd number of frames")
        if self.hangover < 0:
            raise InvalidArgumentError("hangover must not be negative")
        if not 0 <= self.preroll <= 1000:
            raise InvalidArgumentError("preroll must be 0 to 1000 frames")
        if isinstance(self.level_range, bool) or not isinstance(self.level_range, (int, float)) \
                or not math.isfinite(self.level_range) or self.level_range <= 0:
            raise InvalidArgumentError("level_range must be a finite positive number")
        if not isinstance(self.noise_tracking, bool):
            raise InvalidArgumentError("noise_tracking must be True or False")
        if isinstance(self.floor_rise, bool) or not isinstance(self.floor_rise, (int, float)) \
                or not math.isfinite(self.floor_rise) or self.floor_rise < 0:
            raise InvalidArgumentError("floor_rise must be a finite number, not negative")

    def to_native(self) -> "_core.SpeechDetectorOptions":
        n = _core.SpeechDetectorOptions()
        for name in self.__dataclass_fields__:
            setattr(n, name, getattr(self, name))
        return n


@dataclass(frozen=True)
class SpeechDecisions:
    """Decisions for consecutive frames.

    Attributes:
        first_frame: index (since the stream began) of the first frame.
        scores: smoothed speech-vs-non-speech log-likelihood ratio per frame.
        speech: True where the frame is speech.
    """

    first_frame: int
    scores: np.ndarray
    speech: np.ndarray

    def __len__(self) -> int:
        return int(self.speech.shape[0])


def _decisions(raw: tuple) -> SpeechDecisions:
    first, scores, speech = raw
    return SpeechDecisions(int(first), scores, speech)


class SpeechDetector:
    """Streaming speech detector over acoustic-model feature frames.

    Args:
        model: the acoustic model whose features are fed (its
            :attr:`AcousticModel.native` is used).
        options: detector options (defaults: the services' defaults).
    """

    def __init__(self, model: AcousticModel, options: SpeechDetectorOptions | None = None) -> None:
        if not isinstance(model, AcousticModel):
            raise InvalidArgumentError(f"model must be an AcousticModel, not {type(model).__name__}")
        self.options = options if options is not None else SpeechDetectorOptions()
        if not isinstance(self.options, SpeechDetectorOptions):
            raise InvalidArgumentError("options must be SpeechDetectorOptions")
        self._native = _core.SpeechDetector(model.native, self.options.to_native())

    @property
    def delay(self) -> int:
        """Frames between a frame's arrival and its decision."""
        return int(self._native.delay)

    @property
    def densities_per_frame(self) -> int:
        """Gaussians evaluated per frame."""
        return int(self._native.densities_per_frame)

    def accept(self, features: np.ndarray) -> SpeechDecisions:
        """Feeds feature frames; returns the decisions that became final."""
        return _decisions(self._native.accept(np.asarray(features, dtype=np.float32)))

    def finish(self) -> SpeechDecisions:
        """Decides the frames still waiting for look-ahead."""
        return _decisions(self._native.finish())

    def reset(self) -> None:
        """Forgets everything; the next frame is frame 0."""
        self._native.reset()


def detect_speech(features: np.ndarray, model: AcousticModel,
                  options: Union[SpeechDetectorOptions, None] = None) -> SpeechDecisions:
    """Decisions for every frame of a whole utterance's features."""
    det = SpeechDetector(model, options)
    a, b = det.accept(features), det.finish()
    return SpeechDecisions(0, np.concatenate([a.scores, b.scores]), np.concatenate([a.speech, b.speech]))
