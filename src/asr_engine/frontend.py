"""Feature extraction: the Sphinx-compatible MFCC front end and the feature
pipeline (CMN and dynamic features) that feeds the acoustic model.

The option dataclasses mirror the native option structs one to one; build
them from a model's ``feat.params`` so that features are computed exactly as
the model was trained.
"""
from __future__ import annotations

import math
import os
from dataclasses import dataclass, field, fields
from typing import Mapping, Union

import numpy as np

from . import _core, limits
from .audio import Audio, load_audio
from .errors import FormatError, InvalidArgumentError, NotFoundError
from .validation import checked_arguments, checked_init, check_instance, check_path, check_types, describe_value

PathLike = Union[str, os.PathLike]


def load_feat_params(path: PathLike) -> dict[str, str]:
    """Read a Sphinx ``feat.params`` file (or a model directory holding one)
    into a dict of option name (without the dash) to value."""
    path = os.fspath(path)
    if os.path.isdir(path):
        path = os.path.join(path, "feat.params")
    raw = limits.read_file(path, "feature parameters file", 1 << 20)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormatError(f"{path}: not a text file") from None
    return dict(_core.parse_feat_params(text, path))


def _params(source: PathLike | Mapping[str, str]) -> tuple[dict[str, str], str]:
    if isinstance(source, Mapping):
        return {str(k): str(v) for k, v in source.items()}, "feat.params"
    path = check_path(source, "feat.params source")
    return load_feat_params(path), path


@checked_init
@dataclass
class FrontendOptions:
    """MFCC settings; defaults are the Sphinx front end's."""

    sample_rate: float = 16000.0  #: Hz
    frame_rate: int = 100  #: frames per second
    window_length: float = 0.025625  #: seconds
    fft_size: int = 0  #: 0 = smallest power of two >= window
    preemphasis: float = 0.97  #: y[n] = x[n] - a x[n-1]
    lower_freq: float = 133.33334  #: Hz, lower edge of the first filter
    upper_freq: float = 6855.4976  #: Hz, upper edge of the last filter
    num_filters: int = 40  #: mel filters
    num_cepstra: int = 13  #: cepstra per frame
    transform: str = "legacy"  #: legacy | dct | htk
    lifter: int = 0  #: sine lifter length, 0 = none
    unit_area: bool = True  #: filters normalised to unit area
    round_filters: bool = True  #: filter edges on FFT bins
    double_bandwidth: bool = False  #: double-width filters
    remove_dc: bool = False  #: subtract each frame's mean
    remove_noise: bool = False  #: spectral-subtraction noise removal
    dither: bool = False  #: add 1/2-bit noise
    seed: int = -1  #: dither seed
    warp_alpha: float = 1.0  #: VTLN piecewise-linear warp slope, 0.5-2 (1 = none; see asr_engine.adapt.vtln)
    warp_cutoff: float = 0.0  #: Hz where the warp's slope changes (0 = Sphinx's 0.85 x sample rate)
    warp_band_edges: bool = False  #: the warp moves the band edges too (HTK/Kaldi); Sphinx keeps them

    def __post_init__(self) -> None:
        check_types(self)
        if not 0.5 <= self.warp_alpha <= 2.0:
            raise InvalidArgumentError(f"FrontendOptions.warp_alpha must be between 0.5 and 2, "
                                       f"got {describe_value(self.warp_alpha)}")
        if not 0.0 <= self.warp_cutoff <= 1e6:
            raise InvalidArgumentError(f"FrontendOptions.warp_cutoff must be between 0 and 1e6 Hz, "
                                       f"got {describe_value(self.warp_cutoff)}")

    @classmethod
    @checked_arguments
    def from_feat_params(cls, source: PathLike | Mapping[str, str]) -> "FrontendOptions":
        """Options from a ``feat.params`` path, model directory or dict."""
        params, name = _params(source)
        return cls.from_native(_core.FrontendOptions.from_feat_params(params, name))

    @classmethod
    def from_native(cls, native: "_core.FrontendOptions") -> "FrontendOptions":
        return cls(**{f.name: getattr(native, f.name) for f in fields(cls)})

    def to_native(self) -> "_core.FrontendOptions":
        native = _core.FrontendOptions()
        for f in fields(self):
            setattr(native, f.name, getattr(self, f.name))
        native.validate()
        return native


@checked_init
@dataclass
class FeatureOptions:
    """Feature type and cepstral mean normalisation."""

    feature_type: str = "1s_c_d_dd"  #: Sphinx feature type (-feat)
    cmn: str = "batch"  #: batch | live | none
    cmn_init: list = field(default_factory=lambda: [40.0, 3.0, -1.0])  #: initial live mean
    varnorm: bool = False  #: variance normalisation (batch only)

    def __post_init__(self) -> None:
        check_types(self)
        if not isinstance(self.cmn_init, (list, tuple)) or not all(
                isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) for v in self.cmn_init):
            raise InvalidArgumentError(f"FeatureOptions.cmn_init must be a list of finite numbers, "
                                       f"got {describe_value(self.cmn_init)}")

    @classmethod
    @checked_arguments
    def from_feat_params(cls, source: PathLike | Mapping[str, str]) -> "FeatureOptions":
        params, name = _params(source)
        native = _core.FeatureOptions.from_feat_params(params, name)
        return cls(native.feature_type, native.cmn, list(native.cmn_init), native.varnorm)

    def to_native(self) -> "_core.FeatureOptions":
        native = _core.FeatureOptions()
        native.feature_type = self.feature_type
        native.cmn = self.cmn
        native.cmn_init = [float(v) for v in self.cmn_init]
        native.varnorm = bool(self.varnorm)
        return native


def _samples(audio, rate: float) -> np.ndarray:
    if isinstance(audio, Audio):
        if audio.sample_rate != int(rate):
            raise InvalidArgumentError(f"audio is at {audio.sample_rate} Hz but the front end expects {rate:g} Hz")
        return audio.samples
    if isinstance(audio, np.ndarray) and audio.dtype == np.float32 and audio.ndim == 1:
        return audio
    return load_audio(audio, sample_rate=int(rate)).samples


@checked_init
class Frontend:
    """Streaming MFCC front end: ``accept`` chunks of samples, ``finish`` the
    utterance. Results do not depend on how the audio is chunked."""

    def __init__(self, options: FrontendOptions | None = None) -> None:
        check_instance(options, FrontendOptions, "options")
        self.options = options or FrontendOptions()
        self._native = _core.Frontend(self.options.to_native())

    def accept(self, samples: np.ndarray) -> np.ndarray:
        """Feed float32 samples (full scale 1.0); returns new cepstra (frames x num_cepstra)."""
        return self._native.accept_waveform(samples)

    def finish(self) -> np.ndarray:
        """Flush the final partial frame and start a new utterance."""
        return self._native.finish()

    def reset(self) -> None:
        self._native.reset()


@checked_init
class FeatureStream:
    """Samples in, acoustic-model feature vectors out.

    With batch CMN every vector comes from ``finish``; with live or no CMN
    they stream out a few frames behind the audio.
    """

    def __init__(self, frontend: FrontendOptions | None = None, features: FeatureOptions | None = None) -> None:
        check_instance(frontend, FrontendOptions, "frontend")
        check_instance(features, FeatureOptions, "features")
        self.frontend_options = frontend or FrontendOptions()
        self.feature_options = features or FeatureOptions()
        self._native = _core.FeaturePipeline(self.frontend_options.to_native(), self.feature_options.to_native())

    @property
    def dim(self) -> int:
        """Values per feature vector."""
        return self._native.dim

    @property
    def stream_lengths(self) -> list[int]:
        """Lengths of the feature streams (one stream for ``1s_c_d_dd``)."""
        return list(self._native.stream_lengths)

    def accept(self, samples: np.ndarray) -> np.ndarray:
        return self._native.accept_waveform(samples)

    def finish(self) -> np.ndarray:
        return self._native.finish()

    def reset(self) -> None:
        self._native.reset()

    @property
    def live_cmn_mean(self) -> list[float]:
        """The running CMN mean (live mode); set it to carry a speaker's mean over."""
        return list(self._native.live_cmn_mean)

    @live_cmn_mean.setter
    def live_cmn_mean(self, mean) -> None:
        self._native.live_cmn_mean = [float(v) for v in mean]


@checked_arguments
def compute_mfcc(audio, options: FrontendOptions | None = None) -> np.ndarray:
    """Cepstra (frames x num_cepstra) of a whole utterance.

    ``audio`` is an :class:`Audio`, float32 samples at the front end's rate,
    or anything :func:`load_audio` accepts.
    """
    fe = Frontend(options)
    samples = _samples(audio, fe.options.sample_rate)
    return np.vstack([fe.accept(samples), fe.finish()])


@checked_arguments
def compute_features(
    audio, frontend: FrontendOptions | None = None, features: FeatureOptions | None = None
) -> np.ndarray:
    """Acoustic-model features (frames x dim) of a whole utterance."""
    stream = FeatureStream(frontend, features)
    samples = _samples(audio, stream.frontend_options.sample_rate)
    return np.vstack([stream.accept(samples), stream.finish()])


@checked_arguments
def model_feature_options(model_dir: PathLike) -> tuple[FrontendOptions, FeatureOptions]:
    """Front-end and feature options of a Sphinx model directory."""
    params, name = _params(os.path.join(check_path(model_dir, "model_dir"), "feat.params"))
    return (
        FrontendOptions.from_native(_core.FrontendOptions.from_feat_params(params, name)),
        FeatureOptions.from_feat_params(params),
    )


__all__ = [
    "FrontendOptions",
    "FeatureOptions",
    "Frontend",
    "FeatureStream",
    "compute_mfcc",
    "compute_features",
    "load_feat_params",
    "model_feature_options",
]
