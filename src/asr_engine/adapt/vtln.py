"""Vocal-tract-length normalisation (VTLN): a frequency warp per utterance,
chosen by maximum likelihood, before the one decode.

A speaker with a shorter vocal tract than the model's training speakers
(women, children) has higher formants; warping the mel filterbank
(:attr:`asr_engine.frontend.FrontendOptions.warp_alpha`, Sphinx's
piecewise-linear warp) moves the filters so that their features look more
like the model's. The warp is picked without decoding: the utterance's
features are computed at each warp of a grid (the front end costs well
under 1 % of real time per warp), each with its own batch CMN so the
likelihoods compare features normalised alike, and the speech frames are
scored against a small background GMM pooled from the acoustic model's own
Gaussians (:class:`BackgroundModel`, built once per model); the warp whose
features the model likes best wins, and the utterance is decoded once, at it.

``Recognizer.recognize(..., vtln=True)`` (:class:`~asr_engine.search.SearchOptions`)
does this for whole-audio decoding. It is off by default: on the dev set it
picks sensible warps (women below 1, men above) but does not lower the WER
of the shipped model (figures in :mod:`asr_engine.search` and
``benchmarks/bench_vtln.py``). Phrase-by-phrase decoding (long audio,
``phrase_decoding``, streams) never warps: a stream cannot know a warp
before it decodes, and one-shot phrase decoding must give a stream's
results; carrying a warp from phrase to phrase, as live CMN carries its
mean, is the way to add it there if a model that pays for VTLN comes.
"""
from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass, replace
from typing import Any, Optional, Sequence

import numpy as np

from ..acoustic import AcousticModel
from ..errors import InvalidArgumentError
from ..frontend import FeatureOptions, FeatureStream, FrontendOptions

#: the coarse grid of the search; the best point is then refined by ``FINE_STEP`` on each side
COARSE_GRID: tuple[float, ...] = tuple(round(0.80 + 0.04 * i, 2) for i in range(11))
FINE_STEP = 0.02
#: Gaussians kept per stream in the background model
BACKGROUND_SIZE = 256
#: fewer speech frames than this: score every frame
MIN_SPEECH_FRAMES = 30
#: the share of the maximum-likelihood warp applied: alpha = 1 + STRENGTH (alpha_ml - 1)
STRENGTH = 1.0
#: warp the band edges too (FrontendOptions.warp_band_edges), the cutoff at this share of upper_freq; 0 = Sphinx's warp
BAND_EDGE_CUTOFF = 0.0


class BackgroundModel:
    """A diagonal GMM per feature stream, the ``size`` Gaussians of the
    acoustic model that its senones use most (each codebook's mean mixture
    weight, codebooks weighted alike), their weights renormalised.

    Scores are the sum over streams of each stream's GMM log-likelihood, as
    the model itself adds its streams' scores.
    """

    def __init__(self, model: AcousticModel, size: int = BACKGROUND_SIZE) -> None:
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise InvalidArgumentError(f"size must be a positive integer, got {size!r}")
        native = model.native
        means, variances = np.asarray(native.means()), np.asarray(native.variances())
        weights = np.asarray(native.codebook_weights(), dtype=np.float64)  # codebook x stream x density
        weights = weights / max(1, weights.shape[0])
        self.streams: list[tuple[int, int]] = []
        self._params: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        start = 0
        for s, length in enumerate(model.stream_lengths):
            w = weights[:, s, :].ravel()
            keep = np.argsort(-w)[:min(size, w.size)]
            wk = w[keep] / w[keep].sum()
            mu = means[:, :, start:start + length].reshape(-1, length)[keep].astype(np.float64)
            var = variances[:, :, start:start + length].reshape(-1, length)[keep].astype(np.float64)
            ivar = 1.0 / var
            # log w + log N's normaliser + the mean's share of the exponent
            const = np.log(np.maximum(wk, 1e-30)) - 0.5 * (np.log(2 * np.pi * var).sum(1) + (mu * mu * ivar).sum(1))
            self._params.append((ivar.T.copy(), (mu * ivar).T.copy(), const, ivar))
            self.streams.append((start, length))
            start += length
        self.dim = start

    def frame_scores(self, features: np.ndarray) -> np.ndarray:
        """Log-likelihood of each frame (features: frames x dim)."""
        x = np.asarray(features, dtype=np.float64)
        if x.ndim != 2 or x.shape[1] != self.dim:
            raise InvalidArgumentError(f"features must be frames x {self.dim}, got shape {x.shape}")
        total = np.zeros(len(x))
        for (start, length), (ivar_t, mu_ivar_t, const, _ivar) in zip(self.streams, self._params):
            xs = x[:, start:start + length]
            logp = const - 0.5 * ((xs * xs) @ ivar_t) + xs @ mu_ivar_t
            top = logp.max(axis=1)
            total += top + np.log(np.exp(logp - top[:, None]).sum(axis=1))
        return total


_models: "weakref.WeakKeyDictionary[Any, BackgroundModel]" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def background_model(model: AcousticModel) -> BackgroundModel:
    """The model's :class:`BackgroundModel`, built on first use and cached
    for as long as the native model lives."""
    key = model.native
    with _lock:
        found = _models.get(key)
    if found is None:
        found = BackgroundModel(model)
        with _lock:
            found = _models.setdefault(key, found)
    return found


def features_at(samples: np.ndarray, frontend: FrontendOptions, features: FeatureOptions,
                alpha: float) -> np.ndarray:
    """The feature vectors of a whole utterance with the filterbank warped by ``alpha``."""
    stream = FeatureStream(replace(frontend, warp_alpha=float(alpha)), features)
    return np.vstack([stream.accept(samples), stream.finish()])


@dataclass
class WarpEstimate:
    """The applied warp, the maximum-likelihood one it was shrunk from, the
    features at the applied warp, and the mean score per scored frame of
    every warp tried."""

    alpha: float
    ml_alpha: float
    features: np.ndarray
    scores: dict[float, float]


def estimate_warp(samples: np.ndarray, model: AcousticModel, frontend: FrontendOptions, features: FeatureOptions,
                  speech: Optional[np.ndarray] = None, grid: Sequence[float] = COARSE_GRID,
                  fine_step: float = FINE_STEP) -> WarpEstimate:
    """The maximum-likelihood warp of one utterance (``samples``: float32
    at the front end's rate) and its features.

    ``speech``: which frames to score (one flag per feature frame, e.g. the
    speech detector's); None or too few frames scores all. The search tries
    ``grid`` and then ``fine_step`` either side of its best point.
    """
    background = background_model(model)
    base = replace(frontend, warp_alpha=1.0)
    if BAND_EDGE_CUTOFF > 0:
        base = replace(base, warp_band_edges=True, warp_cutoff=BAND_EDGE_CUTOFF * frontend.upper_freq)
    cache: dict[float, np.ndarray] = {}
    scores: dict[float, float] = {}
    mask: Optional[np.ndarray] = None

    def score(alpha: float) -> float:
        nonlocal mask
        alpha = round(float(alpha), 4)
        if alpha not in scores:
            feats = features_at(samples, base, features, alpha)
            if mask is None:
                mask = np.ones(len(feats), dtype=bool)
                if speech is not None and len(speech) == len(feats) and int(np.sum(speech)) >= MIN_SPEECH_FRAMES:
                    mask = np.asarray(speech, dtype=bool)
            cache[alpha] = feats
            scores[alpha] = float(background.frame_scores(feats[mask]).mean()) if mask.any() else 0.0
        return scores[alpha]

    best = max(grid, key=score)
    if fine_step > 0:
        best = max((best - fine_step, best, best + fine_step), key=lambda a: score(a) if 0.5 <= a <= 2 else -np.inf)
    ml = round(float(best), 4)
    alpha = round(1.0 + STRENGTH * (ml - 1.0), 4)
    feats = cache[alpha] if alpha in cache else features_at(samples, base, features, alpha)
    return WarpEstimate(alpha, ml, feats, dict(sorted(scores.items())))


__all__ = ["BackgroundModel", "WarpEstimate", "background_model", "estimate_warp", "features_at",
           "COARSE_GRID", "FINE_STEP"]
