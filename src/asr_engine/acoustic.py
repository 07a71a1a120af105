"""Sphinx-format acoustic models and senone scoring.

``AcousticModel.load(path)`` reads a model directory (``mdef``, ``means``,
``variances``, ``sendump`` or ``mixture_weights``, ``transition_matrices``,
``feat.params``, ``noisedict``) of any of the three kinds Sphinx uses:
``"ptm"`` (phonetically tied mixtures, the default en-us model), ``"semi"``
(semi-continuous) and ``"cont"`` (continuous). Loaded models are immutable
and may be shared between threads.
"""
from __future__ import annotations

import functools
import os
from dataclasses import dataclass
from typing import Optional, Sequence

import numpy as np

from . import _core
from .errors import InvalidArgumentError, NotFoundError
from .validation import checked_arguments, checked_init, check_instance, check_path, check_types
from .model import default_model_dir


@checked_init
@dataclass(frozen=True)
class AcousticModelOptions:
    """Load-time floors, as Sphinx applies them (mirrors ``asr::AcousticModelOptions``)."""

    variance_floor: float = 1e-4  #: variances below this are raised to it (-varfloor)
    mixture_weight_floor: float = 1e-7  #: for float ``mixture_weights`` files (-mixwfloor)
    transition_floor: float = 1e-4  #: nonzero transition probabilities floor (-tmatfloor)

    def __post_init__(self) -> None:
        check_types(self)


@checked_init
@dataclass(frozen=True)
class ScorerOptions:
    """Senone scoring options (mirrors ``asr::ScorerOptions``)."""

    top_n: int = 4  #: Gaussians kept per codebook and stream (-topn)
    #: Densities more than this many nats below the frame's best are raised to
    #: that level; ``None`` uses Sphinx's choice for the model kind, 0 disables.
    density_floor: Optional[float] = None

    def __post_init__(self) -> None:
        check_types(self)


@checked_init
class AcousticModel:
    """A loaded acoustic model. Create with :meth:`load`."""

    def __init__(self, native: "_core.AcousticModel") -> None:
        check_instance(native, _core.AcousticModel, "native (use AcousticModel.load)", optional=False)
        self._native = native

    @classmethod
    @checked_arguments
    def load(cls, path: Optional[str] = None, options: AcousticModelOptions = AcousticModelOptions()) -> "AcousticModel":
        """Load the model in directory ``path`` (default: pocketsphinx's en-us model).

        Raises:
            NotFoundError: the directory or a required file is missing.
            FormatError: a file is truncated, corrupted or inconsistent with the others.
        """
        path = default_model_dir() if path is None else _model_dir(check_path(path, "acoustic model directory"))
        check_instance(options, AcousticModelOptions, "options", optional=False)
        native = _core.AcousticModel.load(
            path,
            variance_floor=options.variance_floor,
            mixture_weight_floor=options.mixture_weight_floor,
            transition_floor=options.transition_floor,
        )
        return cls(native)

    @property
    def native(self) -> "_core.AcousticModel":
        """The underlying native object (for other native stages)."""
        return self._native

    @property
    def path(self) -> str:
        return self._native.path

    @property
    def kind(self) -> str:
        """``"ptm"``, ``"semi"`` or ``"cont"``."""
        return self._native.kind

    @property
    def n_senones(self) -> int:
        return self._native.n_senones

    @property
    def phones(self) -> list[str]:
        """The CI phone set, in model order."""
        return list(self._native.phones)

    @property
    def filler_phones(self) -> list[str]:
        """Phones used for silence and noise (``SIL``, ``+NSN+``, ...)."""
        return list(self._native.filler_phones)

    @property
    def frame_dim(self) -> int:
        """Length of one feature frame (39 for ``1s_c_d_dd``, 51 for ``s2_4x``)."""
        return self._native.frame_dim

    @property
    def feat_type(self) -> str:
        return self._native.feat_type

    @property
    def feat_params(self) -> dict[str, str]:
        """The model's ``feat.params`` options without dashes (``{"feat": "1s_c_d_dd", ...}``)."""
        return dict(self._native.feat_params)

    @property
    def stream_lengths(self) -> list[int]:
        return list(self._native.stream_lengths)

    @property
    def n_codebooks(self) -> int:
        return self._native.n_codebooks

    @property
    def n_densities(self) -> int:
        return self._native.n_densities

    @property
    def n_triphones(self) -> int:
        return self._native.n_triphones

    @property
    def n_states_per_phone(self) -> int:
        return self._native.n_states_per_phone

    @property
    def noise_dict_path(self) -> Optional[str]:
        return self._native.noise_dict_path or None

    def senone_sequence(self, base: str, left: str = "", right: str = "", position: str = "i") -> tuple[str, list[int], int]:
        """``(name, senones, tmat)`` of the HMM used for ``base`` in this context.

        ``position`` is ``"b"``, ``"e"``, ``"s"`` or ``"i"`` (word begin, end,
        single-phone word, internal); missing triphones back off as in Sphinx.
        """
        return self._native.senone_sequence(base, left, right, position)

    def transition_matrix(self, tmat: int) -> np.ndarray:
        """Natural-log transition probabilities, ``n_state x (n_state + 1)``."""
        return self._native.transition_matrix(tmat)

    def scorer(self, options: ScorerOptions = ScorerOptions()) -> "SenoneScorer":
        """A new scorer for this model (one per thread)."""
        return SenoneScorer(self, options)

    def score(self, features: np.ndarray, options: ScorerOptions = ScorerOptions(),
              active: Optional[Sequence[int]] = None) -> np.ndarray:
        """Senone log-likelihoods of ``features`` (frames x frame_dim) → frames x n_senones."""
        return self.scorer(options).score(features, active)

    def __repr__(self) -> str:
        return f"AcousticModel(kind={self.kind!r}, n_senones={self.n_senones}, path={self.path!r})"


@dataclass(frozen=True)
class MeanTransform:
    """Affine transform of the Gaussian means per regression class (MLLR):
    ``mu' = A @ mu + b`` for each stream, optionally scaling variances.

    ``a[c][s]`` is a ``veclen x veclen`` matrix and ``b[c][s]`` a vector for
    class ``c`` and stream ``s``; ``class_of_codebook`` maps each codebook to
    its class (default: everything in class 0).
    """

    a: Sequence[Sequence[np.ndarray]]
    b: Sequence[Sequence[np.ndarray]]
    var_scale: Optional[Sequence[Sequence[np.ndarray]]] = None
    class_of_codebook: Optional[Sequence[int]] = None

    def to_native(self) -> tuple:
        flat = lambda m: [[np.asarray(x, dtype=np.float32).ravel().tolist() for x in cls] for cls in m]  # noqa: E731
        return (flat(self.a), flat(self.b), flat(self.var_scale) if self.var_scale is not None else [],
                list(self.class_of_codebook) if self.class_of_codebook is not None else [])


@checked_init
class SenoneScorer:
    """Scores feature frames against one model; not shareable between threads.

    With ``mean_transform`` the scorer uses adapted copies of the model's
    Gaussians; the model itself is unchanged.
    """

    def __init__(self, model: AcousticModel, options: ScorerOptions = ScorerOptions(),
                 mean_transform: Optional[MeanTransform] = None) -> None:
        check_instance(model, AcousticModel, "model", optional=False)
        check_instance(options, ScorerOptions, "options", optional=False)
        check_instance(mean_transform, MeanTransform, "mean_transform")
        if options.top_n <= 0:
            raise InvalidArgumentError("top_n must be positive")
        floor = -1.0 if options.density_floor is None else float(options.density_floor)
        native_transform = None if mean_transform is None else mean_transform.to_native()
        self._native = _core.SenoneScorer(model.native, top_n=options.top_n, density_floor=floor,
                                          mean_transform=native_transform)
        self.model = model

    @property
    def top_n(self) -> int:
        return self._native.top_n

    def score(self, features: np.ndarray, active: Optional[Sequence[int]] = None) -> np.ndarray:
        """Natural-log senone likelihoods, frames x n_senones (float32).

        With ``active``, only those senones are scored and the rest are ``-inf``.
        """
        feats = np.ascontiguousarray(features, dtype=np.float32)
        if feats.ndim != 2 or feats.shape[1] != self.model.frame_dim:
            raise InvalidArgumentError(
                f"features must be frames x {self.model.frame_dim}, got shape {feats.shape}")
        if active is None:
            return self._native.score(feats)
        return self._native.score_active(feats, np.asarray(active, dtype=np.int32))


@functools.lru_cache(maxsize=4)
def load_cached(path: Optional[str] = None) -> AcousticModel:
    """``AcousticModel.load(path)`` memoised: models are immutable, so callers
    that load the same model repeatedly (e.g. :func:`asr_engine.align`) share one."""
    return AcousticModel.load(path)


def _model_dir(path) -> str:
    """``path`` as a string if it names a directory; a typed error otherwise."""
    if not isinstance(path, (str, os.PathLike)):
        raise InvalidArgumentError(f"a model directory is a path, not {type(path).__name__}")
    path = os.fsdecode(os.fspath(path))
    if "\x00" in path:
        raise InvalidArgumentError("model directory path contains a NUL character")
    if not os.path.isdir(path):
        raise NotFoundError(f"acoustic model directory not found: {path}")
    return path
