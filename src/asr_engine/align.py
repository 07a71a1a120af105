"""Forced alignment of audio to a known transcript.

``align(audio, text)`` finds where each word, phone and HMM state of the
transcript lies in the audio: a Viterbi search through the words' triphone
HMMs, with optional silence and noise between words and the alternate
pronunciation that fits best. It returns an :class:`Alignment` of
:class:`AlignedWord`, :class:`AlignedPhone` and :class:`AlignedState`
dataclasses (``to_dict()`` gives JSON-ready dicts). Times are in seconds;
scores are natural-log acoustic likelihoods (nats); ``quality`` is the
alignment's acoustic score minus a free phone loop's, in nats per frame,
which tells a right transcript (about 0 or above) from a wrong one (well
below: -2 and lower on the dev recordings).

Fillers (``<sil>``, ``[NOISE]``) appear in ``words`` with ``filler=True``
and ``index=None``; ``index`` is the position of a real word in the
transcript. ``phones``/``states`` in an entry are ``(first, end)`` ranges
into the next level's list.
"""
from __future__ import annotations

import os
import threading
from dataclasses import asdict, dataclass
from typing import Any, Optional, Sequence, Union

import numpy as np

from . import _core
from .acoustic import AcousticModel, load_cached
from .dictionary import Dictionary
from .audio import Audio
from .audio.input import AudioInput, read_audio
from .errors import InvalidArgumentError, NotFoundError
from .phone_loop import PhoneLoop
from .validation import check_fields, checked_arguments, option, with_field_docs

_PUNCTUATION = ".,;:!?\"()[]{}<>«»“”‘’—–-…*_/\\"


@with_field_docs
@dataclass(frozen=True)
class AlignOptions:
    """Forced-alignment search options (mirror ``asr::AlignerOptions``),
    checked when built. Scores and penalties are natural logs."""

    beam: float = option(200.0, "prune states this many nats below the frame's best; 0 = no pruning",
                         low=0, high=1e6)
    top_n: int = option(4, "Gaussians per codebook and stream (-topn)", low=1, high=256, kind=int)
    allow_silence: bool = option(True, "optional <sil> between words and at the ends", kind=bool)
    allow_noise: bool = option(True, "optional noise words from the model's noise dictionary", kind=bool)
    silence_penalty: float = option(-37.24, "log-probability of inserting silence (Sphinx -silprob 0.005 and "
                                    "-wip 0.65 at -lw 6.5)", low=-1e6, high=0)
    quality: bool = option(True, "compute Alignment.quality against a free phone loop (a phone-loop decode: "
                           "several times the alignment's own time)", kind=bool)
    noise_penalty: float = option(-122.5, "log-probability of inserting a noise word (Sphinx -fillprob 1e-8 "
                                  "and -wip 0.65 at -lw 6.5)", low=-1e6, high=0)

    def __post_init__(self) -> None:
        check_fields(self)


class MissingWordsError(NotFoundError):
    """Transcript words without a pronunciation; ``words`` lists them in order."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = list(words)
        super().__init__("words not in the pronunciation dictionary: " + ", ".join(self.words))


class ForcedAligner:
    """Aligns transcripts with one model and dictionary; safe to share between threads."""

    @checked_arguments
    def __init__(
        self,
        model: Union[AcousticModel, str, None] = None,
        dictionary: Union[Dictionary, str, None] = None,
        options: Optional[AlignOptions] = None,
    ) -> None:
        if options is None:
            options = AlignOptions()
        elif not isinstance(options, AlignOptions):
            raise InvalidArgumentError(f"options must be an AlignOptions or None, got {type(options).__name__}")
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
        self._frontend: Optional[tuple[Any, Any]] = None
        self._phone_loop = PhoneLoop(model, dictionary)

    def words(self, text: Union[str, Sequence[str]]) -> list[str]:
        """The transcript as dictionary words (see :func:`normalize_transcript`).

        Raises:
            MissingWordsError: some words have no pronunciation (listed in the error).
        """
        words, missing = normalize_transcript(text, self.dictionary)
        if missing:
            raise MissingWordsError(missing)
        return words

    def features(self, audio: Union[AudioInput, Audio], content_type: Optional[str] = None, *,
                 sample_rate: Optional[int] = None) -> np.ndarray:
        """The model's features (frames x ``model.frame_dim``) for any audio
        source of :mod:`asr_engine.audio.input`."""
        from .frontend import compute_features, model_feature_options  # noqa: PLC0415

        if self._frontend is None:
            self._frontend = model_feature_options(self.model.path)
        fe, feat = self._frontend
        decoded = read_audio(audio, content_type, sample_rate=sample_rate, target_rate=int(fe.sample_rate))
        return compute_features(decoded, fe, feat)

    @checked_arguments
    def align(self, audio: Union[AudioInput, Audio], text: Union[str, Sequence[str]],
              content_type: Optional[str] = None, *, sample_rate: Optional[int] = None) -> Alignment:
        """Align ``audio`` (a path, bytes, file object, numpy array with
        ``sample_rate``, or :class:`Audio`) to ``text``."""
        words = self.words(text)
        return self.align_features(self.features(audio, content_type, sample_rate=sample_rate), words)

    @checked_arguments
    def align_features(self, features: np.ndarray, text: Union[str, Sequence[str]]) -> Alignment:
        """Align precomputed features (frames x ``model.frame_dim``)."""
        if not isinstance(text, str) and not (isinstance(text, (list, tuple)) and all(isinstance(t, str) for t in text)):
            raise InvalidArgumentError(f"text must be a string or a list of strings, got {type(text).__name__}")
        words = self.words(text) if isinstance(text, str) else list(text)
        if not isinstance(features, np.ndarray) or features.dtype.kind not in "fiu":
            raise InvalidArgumentError("features must be a numeric numpy array (frames x frame_dim)")
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
        frames = max(1, int(raw["n_frames"]))
        quality = None
        if self.options.quality:
            quality = (float(raw["acoustic_score"]) - self._phone_loop.acoustic_score(feats)) / frames
        return _to_result(raw, self._frame_seconds(), quality)

    def __repr__(self) -> str:
        return f"ForcedAligner(model={self.model.path!r}, options={self.options})"

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
    if isinstance(text, str):
        tokens = text.split()
    elif isinstance(text, (list, tuple)) and all(isinstance(t, str) for t in text):
        tokens = list(text)
    else:
        raise InvalidArgumentError(f"the transcript must be a string or a list of strings, got {type(text).__name__}")
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


@dataclass(frozen=True)
class AlignedState:
    """One HMM state's segment.

    Attributes:
        senone: the senone (tied state) id in the acoustic model.
        state: the state's position in its phone's HMM (0, 1, 2).
        phone: index of its phone in :attr:`Alignment.phones`.
        start: start time in seconds.
        end: end time in seconds.
        score: acoustic log-likelihood of its frames, in nats.
    """

    senone: int
    state: int
    phone: int
    start: float
    end: float
    score: float


@dataclass(frozen=True)
class AlignedPhone:
    """One phone's segment.

    Attributes:
        phone: the base phone (e.g. ``G``).
        triphone: the phone in context, e.g. ``G(SIL,OW)b``.
        word: index of its word in :attr:`Alignment.words`.
        start: start time in seconds.
        end: end time in seconds.
        score: acoustic log-likelihood of its frames, in nats.
        states: ``(first, end)`` range of its states in :attr:`Alignment.states`.
    """

    phone: str
    triphone: str
    word: int
    start: float
    end: float
    score: float
    states: tuple[int, int]


@dataclass(frozen=True)
class AlignedWord:
    """One word's (or filler's) segment.

    Attributes:
        word: the word, e.g. ``was``.
        pronunciation: the dictionary entry used, e.g. ``was(2)``.
        index: position of the word in the transcript; None for fillers.
        filler: True for silence and noise words.
        start: start time in seconds.
        end: end time in seconds.
        score: acoustic log-likelihood of its frames, in nats.
        phones: ``(first, end)`` range of its phones in :attr:`Alignment.phones`.
    """

    word: str
    pronunciation: str
    index: Optional[int]
    filler: bool
    start: float
    end: float
    score: float
    phones: tuple[int, int]


@dataclass(frozen=True)
class Alignment:
    """A forced alignment.

    Attributes:
        words: words and fillers in time order.
        phones: phones in time order.
        states: HMM states in time order.
        duration: length of the aligned audio in seconds.
        score: path score in nats (acoustic plus silence/noise penalties).
        acoustic_score: acoustic log-likelihood of the path, in nats.
        quality: ``acoustic_score`` minus the best free phone loop's, in nats
            per 10 ms frame: about 0 or above when the transcript is right,
            well below (-2 and lower) when it is not. None when
            ``AlignOptions.quality`` is off.
    """

    words: list[AlignedWord]
    phones: list[AlignedPhone]
    states: list[AlignedState]
    duration: float
    score: float
    acoustic_score: float
    quality: Optional[float]

    def to_dict(self) -> dict[str, object]:
        """The alignment as JSON-ready dicts and lists."""
        return asdict(self)

    def __repr__(self) -> str:
        text = " ".join(w.word for w in self.words if not w.filler)
        return f"Alignment({text!r}, duration={self.duration}, quality={self.quality})"


def _to_result(raw: dict[str, Any], step: float, quality: Optional[float]) -> Alignment:
    def sec(frame: int) -> float:
        return round(frame * step, 4)

    words = [AlignedWord(w, label, None if slot < 0 else slot, bool(filler), sec(start), sec(end), float(score),
                         (first, first + n))
             for (w, label, slot, filler, start, end, score, first, n) in raw["words"]]
    phones = [AlignedPhone(ph, tri, word, sec(start), sec(end), float(score), (first, first + n))
              for (ph, tri, word, start, end, score, first, n) in raw["phones"]]
    states = [AlignedState(sen, st, ph, sec(start), sec(end), float(score))
              for (sen, st, ph, start, end, score) in raw["states"]]
    return Alignment(words, phones, states, sec(raw["n_frames"]), float(raw["path_score"]),
                     float(raw["acoustic_score"]), None if quality is None else round(quality, 4))


@checked_arguments
def align(
    audio: Union[AudioInput, Audio],
    text: Union[str, Sequence[str]],
    model: Union[AcousticModel, str, None] = None,
    dictionary: Union[Dictionary, str, None] = None,
    options: Optional[AlignOptions] = None,
    *,
    content_type: Optional[str] = None,
    sample_rate: Optional[int] = None,
) -> Alignment:
    """Force-align ``audio`` to ``text``.

    Args:
        audio: a path, bytes, a binary file object, a numpy array (with
            ``sample_rate``) or an :class:`~asr_engine.audio.Audio`; other
            rates are resampled (see :mod:`asr_engine.audio.input`).
        text: the transcript, a string or a list of words.
        model: an :class:`AcousticModel`, a model directory, or ``None`` for
            pocketsphinx's en-us model.
        dictionary: a :class:`Dictionary`, a dictionary path, or ``None`` for
            ``cmudict-en-us.dict`` (compiled to a cache on first use).
        options: search options.
        content_type: MIME type of headerless bytes, e.g. ``audio/l16;rate=16000``.
        sample_rate: the rate of a numpy array, in Hz.

    Returns:
        An :class:`Alignment`: word, phone and state segments with times in
        seconds, natural-log acoustic scores and a ``quality`` margin.

    Raises:
        MissingWordsError: words missing from the dictionary (all listed).
        AudioError: the audio cannot be decoded, or is too short for the transcript.
    """
    if options is not None and not isinstance(options, AlignOptions):
        raise InvalidArgumentError(f"options must be an AlignOptions or None, got {type(options).__name__}")
    aligner = _aligner_for(model, dictionary, options or AlignOptions())
    return aligner.align(audio, text, content_type, sample_rate=sample_rate)


_DEFAULT_ALIGNERS: dict[AlignOptions, ForcedAligner] = {}
_DEFAULT_LOCK = threading.Lock()


def _aligner_for(model: Union[AcousticModel, str, None], dictionary: Union[Dictionary, str, None],
                 options: AlignOptions) -> ForcedAligner:
    # The default model and dictionary are immutable and expensive to load:
    # share one aligner per options value for the defaults.
    if model is None and dictionary is None:
        with _DEFAULT_LOCK:
            aligner = _DEFAULT_ALIGNERS.get(options)
            if aligner is None:
                aligner = ForcedAligner(None, None, options)
                _DEFAULT_ALIGNERS[options] = aligner
            return aligner
    return ForcedAligner(model, dictionary, options)


__all__ = ["AlignOptions", "AlignedPhone", "AlignedState", "AlignedWord", "Alignment", "ForcedAligner",
           "MissingWordsError", "align", "normalize_transcript"]
