"""Forced alignment of audio to a known transcript.

``align(audio, text)`` finds where each word, phone and HMM state of the
transcript lies in the audio: a Viterbi search through the words' triphone
HMMs, with optional silence and noise between words and the alternate
pronunciation that fits best. The result is plain JSON-serialisable data,
times in seconds::

    {"words":  [{"word": "go", "pronunciation": "go", "index": 0, "filler": False,
                 "start": 0.46, "end": 0.64, "score": -2916.6, "phones": [1, 3]}, ...],
     "phones": [{"phone": "G", "triphone": "G(SIL,OW)b", "word": 1,
                 "start": 0.46, "end": 0.54, "score": -1330.8, "states": [3, 6]}, ...],
     "states": [{"senone": 1234, "state": 0, "phone": 1, "start": 0.46, "end": 0.49,
                 "score": -498.1}, ...],
     "duration": 2.64, "score": -38908.0, "acoustic_score": -38716.2}

Fillers (``<sil>``, ``[NOISE]``) appear in ``words`` with ``filler: True``
and ``index: None``; ``index`` is the position of a real word in the
transcript. ``phones``/``states`` in an entry are ``[first, end)`` ranges
into the next level's list. Scores are natural-log acoustic likelihoods.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Optional, Sequence, Union

import numpy as np

from . import _core
from .acoustic import AcousticModel, load_cached
from .dictionary import Dictionary
from .errors import InvalidArgumentError, NotFoundError

_PUNCTUATION = ".,;:!?\"()[]{}<>«»“”‘’—–-…*_/\\"


@dataclass(frozen=True)
class AlignOptions:
    """Search options (mirrors ``asr::AlignerOptions``)."""

    beam: float = 200.0  #: prune states this many nats below the frame's best; 0 = no pruning
    top_n: int = 4  #: Gaussians per codebook and stream (-topn)
    allow_silence: bool = True  #: optional ``<sil>`` between words and at the ends
    allow_noise: bool = True  #: optional noise words from the model's noise dictionary
    #: log-probability of inserting silence (Sphinx -silprob 0.005 and -wip 0.65 at -lw 6.5)
    silence_penalty: float = -37.24
    #: log-probability of inserting a noise word (Sphinx -fillprob 1e-8 and -wip 0.65 at -lw 6.5)
    noise_penalty: float = -122.5


class MissingWordsError(NotFoundError):
    """Transcript words without a pronunciation; ``words`` lists them in order."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        super().__init__("words not in the pronunciation dictionary: " + ", ".join(self.words))


class ForcedAligner:
    """Aligns transcripts with one model and dictionary; safe to share between threads."""

    def __init__(
        self,
        model: Union[AcousticModel, str, None] = None,
        dictionary: Union[Dictionary, str, None] = None,
        options: AlignOptions = AlignOptions(),
    ) -> None:
        if model is None or isinstance(model, (str, os.PathLike)):
            model = load_cached(None if model is None else os.fspath(model))
        if not isinstance(model, AcousticModel):
            raise InvalidArgumentError("model must be an AcousticModel, a model directory or None")
        if dictionary is None or isinstance(dictionary, (str, os.PathLike)):
            dictionary = Dictionary.load(None if dictionary is None else os.fspath(dictionary), phones=model)
        if not isinstance(dictionary, Dictionary):
            raise InvalidArgumentError("dictionary must be a Dictionary, a path or None")
        if dictionary.phones != model.phones:
            raise InvalidArgumentError("the dictionary was loaded for a different phone set than the model")
        self.model = model
        self.dictionary = dictionary
        self.options = options
        self._native = _core.ForcedAligner(
            model.native,
            beam=options.beam,
            top_n=options.top_n,
            allow_silence=options.allow_silence,
            allow_noise=options.allow_noise,
            silence_penalty=options.silence_penalty,
            noise_penalty=options.noise_penalty,
        )
        self._frontend = None

    def words(self, text: Union[str, Sequence[str]]) -> list[str]:
        """The transcript as dictionary words (see :func:`normalize_transcript`).

        Raises:
            MissingWordsError: some words have no pronunciation (listed in the error).
        """
        words, missing = normalize_transcript(text, self.dictionary)
        if missing:
            raise MissingWordsError(missing)
        return words

    def features(self, audio) -> np.ndarray:
        """The model's features for ``audio`` (samples, :class:`Audio`, path or bytes)."""
        from .frontend import compute_features, model_feature_options  # noqa: PLC0415

        if self._frontend is None:
            self._frontend = model_feature_options(self.model.path)
        fe, feat = self._frontend
        return compute_features(audio, fe, feat)

    def align(self, audio, text: Union[str, Sequence[str]]) -> dict:
        """Align ``audio`` to ``text``; see the module docstring for the result."""
        words = self.words(text)
        return self.align_features(self.features(audio), words)

    def align_features(self, features: np.ndarray, text: Union[str, Sequence[str]]) -> dict:
        """Align precomputed features (frames x ``model.frame_dim``)."""
        words = self.words(text) if isinstance(text, str) else list(text)
        feats = np.ascontiguousarray(features, dtype=np.float32)
        if feats.ndim != 2 or feats.shape[1] != self.model.frame_dim:
            raise InvalidArgumentError(f"features must be frames x {self.model.frame_dim}, got {feats.shape}")
        try:
            raw = self._native.align(self.dictionary.native, words, feats, self.model.frame_dim)
        except NotFoundError as e:
            missing = self.dictionary.missing(words)
            if missing:
                raise MissingWordsError(missing) from e
            raise
        return _to_result(raw, self._frame_seconds())

    def frame_senones(self, features: np.ndarray, words: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Frame-level state alignment of dictionary words (as :meth:`words` gives):
        per frame, the senone of its HMM state and the transcript index of its
        word (-1 for silence and noise), both int32 arrays of the frames' length."""
        feats = np.ascontiguousarray(features, dtype=np.float32)
        raw = self._native.align(self.dictionary.native, list(words), feats, self.model.frame_dim)
        senones = np.full(len(feats), -1, np.int32)
        slots = np.full(len(feats), -1, np.int32)
        phones, aligned_words = raw["phones"], raw["words"]
        for senone, _state, phone, start, end, _score in raw["states"]:
            senones[start:end] = senone
            slots[start:end] = aligned_words[phones[phone][2]][2]
        return senones, slots

    def _frame_seconds(self) -> float:
        rate = float(self.model.feat_params.get("frate", 100))
        return 1.0 / rate


def normalize_transcript(text: Union[str, Sequence[str]], dictionary: Dictionary) -> tuple[list[str], list[str]]:
    """Split ``text`` into dictionary words: ``(words, missing)``.

    Each token is tried as written, lower-cased, then lower-cased without
    surrounding punctuation (``"Hello,"`` → ``hello``); tokens that are only
    punctuation are dropped. ``missing`` lists tokens found in none of these
    forms, without repeats.
    """
    tokens = text.split() if isinstance(text, str) else [str(t) for t in text]
    words: list[str] = []
    missing: list[str] = []
    for token in tokens:
        found = None
        for cand in (token, token.lower(), token.lower().strip(_PUNCTUATION)):
            if cand and cand in dictionary:
                found = cand
                break
        if found is not None:
            words.append(found)
            continue
        stripped = token.strip(_PUNCTUATION)
        if not stripped:
            continue  # punctuation only
        if stripped not in missing:
            missing.append(stripped)
    return words, missing


def _to_result(raw: dict, step: float) -> dict:
    def sec(frame: int) -> float:
        return round(frame * step, 4)

    words = [
        {
            "word": w,
            "pronunciation": label,
            "index": None if slot < 0 else slot,
            "filler": bool(filler),
            "start": sec(start),
            "end": sec(end),
            "score": float(score),
            "phones": [first, first + n],
        }
        for (w, label, slot, filler, start, end, score, first, n) in raw["words"]
    ]
    phones = [
        {
            "phone": ph,
            "triphone": tri,
            "word": word,
            "start": sec(start),
            "end": sec(end),
            "score": float(score),
            "states": [first, first + n],
        }
        for (ph, tri, word, start, end, score, first, n) in raw["phones"]
    ]
    states = [
        {"senone": sen, "state": st, "phone": ph, "start": sec(start), "end": sec(end), "score": float(score)}
        for (sen, st, ph, start, end, score) in raw["states"]
    ]
    return {
        "words": words,
        "phones": phones,
        "states": states,
        "duration": sec(raw["n_frames"]),
        "score": float(raw["path_score"]),
        "acoustic_score": float(raw["acoustic_score"]),
    }


def align(
    audio,
    text: Union[str, Sequence[str]],
    model: Union[AcousticModel, str, None] = None,
    dictionary: Union[Dictionary, str, None] = None,
    options: Optional[AlignOptions] = None,
) -> dict:
    """Force-align ``audio`` to ``text``.

    Args:
        audio: float32 samples at the model's rate, an :class:`~asr_engine.audio.Audio`,
            a path, bytes or file object (anything :func:`~asr_engine.audio.load_audio` reads).
        text: the transcript, a string or a list of words.
        model: an :class:`AcousticModel`, a model directory, or ``None`` for
            pocketsphinx's en-us model.
        dictionary: a :class:`Dictionary`, a dictionary path, or ``None`` for
            ``cmudict-en-us.dict`` (compiled to a cache on first use).
        options: search options.

    Returns:
        Word, phone and state segments with start/end times in seconds and
        natural-log acoustic scores (see the module docstring).

    Raises:
        MissingWordsError: words missing from the dictionary (all listed).
        AudioError: the audio cannot be decoded, or is too short for the transcript.
    """
    aligner = _aligner_for(model, dictionary, options or AlignOptions())
    return aligner.align(audio, text)


_DEFAULT_ALIGNERS: dict = {}


def _aligner_for(model, dictionary, options: AlignOptions) -> ForcedAligner:
    # The default model and dictionary are immutable and expensive to load:
    # share one aligner per options value for the defaults.
    if model is None and dictionary is None:
        aligner = _DEFAULT_ALIGNERS.get(options)
        if aligner is None:
            aligner = ForcedAligner(None, None, options)
            _DEFAULT_ALIGNERS[options] = aligner
        return aligner
    return ForcedAligner(model, dictionary, options)


__all__ = ["AlignOptions", "ForcedAligner", "MissingWordsError", "align", "normalize_transcript"]
