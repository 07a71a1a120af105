"""Speech recognition with the default (or any Sphinx-format) model.

A :class:`Recognizer` loads the acoustic model, dictionary and language model
once and is shared between threads; each :meth:`Recognizer.recognize` call or
:meth:`Recognizer.stream` decodes with its own per-utterance state, and the
native work runs without the GIL.
"""
from __future__ import annotations

import os
import threading
import weakref
from dataclasses import asdict, dataclass, field
from typing import Optional

import numpy as np

from . import _core
from .acoustic import AcousticModel
from .audio import Audio, AudioSource, load_audio
from .dictionary import Dictionary
from .errors import InvalidArgumentError
from .frontend import FeatureOptions, FeatureStream, model_feature_options
from .model import default_model_dir
from .search import SearchOptions


@dataclass
class WordResult:
    """One recognised word. Times in seconds from the start of the audio."""

    word: str
    start: float
    end: float
    confidence: Optional[float]  #: posterior probability; None in partial results


@dataclass
class Alternative:
    """One n-best hypothesis."""

    transcript: str
    score: float


@dataclass
class Result:
    """Recognition result; plain data (``to_dict`` gives JSON-ready dicts)."""

    transcript: str
    confidence: Optional[float]  #: mean word confidence; None in partial results
    words: list = field(default_factory=list)
    alternatives: list = field(default_factory=list)
    duration: float = 0.0
    final: bool = True

    def to_dict(self) -> dict:
        return asdict(self)


#: Nats per frame below the phone loop at which grammar output is rejected.
DEFAULT_REJECTION_THRESHOLD = 1.0
_PHONE_LOOP_GRAMMAR = "#ABNF 1.0;\nlanguage en-US;\nroot $loop;\n$loop = $GARBAGE;\n"


class Recognizer:
    """A recognition engine built once from a model, shared across threads.

    Args:
        model_dir: Sphinx acoustic model directory (default: the en-us model
            shipped with pocketsphinx).
        dictionary: pronunciation dictionary path (default: ``cmudict-en-us.dict``).
        language_model: an ``asr_engine.lm`` model (n-gram, interpolated,
            boosted, grammar) or a path to ARPA / lm.bin / our binary; default
            the en-us trigram, through its binary cache.
        search: default search options (each call may override fields).
        pick_model_by_rate: with the default model, send audio recorded at
            8 kHz or less to the narrowband model (``en-US_NarrowbandModel``,
            derived from the wideband one; see :mod:`asr_engine.adapt.narrowband`).
    """

    def __init__(
        self,
        model_dir: Optional[str] = None,
        dictionary: Optional[str] = None,
        language_model=None,
        *,
        search: SearchOptions | None = None,
        feature_options: FeatureOptions | None = None,
        pick_model_by_rate: bool = True,
    ) -> None:
        from . import lm as _lm

        self.model_dir = os.fspath(model_dir) if model_dir is not None else default_model_dir()
        self.acoustic_model = AcousticModel.load(self.model_dir)
        self._dictionary_path = dictionary
        self.dictionary = Dictionary.load(dictionary, self.acoustic_model)
        if language_model is None:
            language_model = _lm.load_default_lm()
        elif isinstance(language_model, (str, os.PathLike)):
            language_model = _lm.load_cached(language_model)
        self.language_model = language_model
        self.frontend_options, default_features = model_feature_options(self.model_dir)
        self.feature_options = feature_options or default_features
        self.search_options = search or SearchOptions()
        self._native = _core.RecognitionModel(
            self.acoustic_model.native, self.dictionary.native, language_model
        )
        self.sample_rate = int(self.frontend_options.sample_rate)
        self.frame_rate = self.frontend_options.frame_rate
        # Search networks of grammars already used, built once per Grammar.
        self._grammar_models: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
        self._grammar_lock = threading.Lock()
        self._phone_loop = None  # compiled on first rejection test
        self._pick_by_rate = pick_model_by_rate and model_dir is None and self.sample_rate > 8000
        self._narrowband: Optional["Recognizer"] = None

    def narrowband(self) -> "Recognizer":
        """The recognizer for 8 kHz audio: the narrowband model with this one's
        dictionary file, language model and options (built on first use)."""
        from .adapt.narrowband import narrowband_model_dir

        with self._grammar_lock:
            if self._narrowband is None:
                self._narrowband = Recognizer(narrowband_model_dir(), self._dictionary_path, self.language_model,
                                              search=self.search_options, pick_model_by_rate=False)
            return self._narrowband

    def _grammar_model(self, grammar):
        """The search network for a grammar (a Grammar, or text/path to compile)."""
        from .errors import NotFoundError
        from .grammar import Grammar, compile_grammar

        if not isinstance(grammar, Grammar):
            grammar = compile_grammar(grammar)
        with self._grammar_lock:
            native = self._grammar_models.get(grammar)
            if native is None:
                missing = self.dictionary.missing(grammar.words)
                if missing:
                    raise NotFoundError("grammar words not in the pronunciation dictionary: " + ", ".join(missing))
                if grammar.mode == "dtmf":
                    raise InvalidArgumentError("a DTMF grammar cannot constrain speech recognition")
                native = _core.RecognitionModel(self.acoustic_model.native, self.dictionary.native, grammar.fsa)
                self._grammar_models[grammar] = native
            return native

    @property
    def num_words(self) -> int:
        """Words (pronunciations) the search can output."""
        return self._native.num_words

    def _search_options(self, overrides: dict) -> SearchOptions:
        return self.search_options.with_overrides(**overrides) if overrides else self.search_options

    def _decode(self, features: np.ndarray, options: SearchOptions, network=None, acoustic=None):
        decoder = _core.Decoder(network or self._native, options.to_native(),
                                None if acoustic is None else acoustic.native)
        decoder.start()
        decoder.process(features)
        return decoder

    def _result(self, decoder, duration: float, final: bool, options: SearchOptions, max_alternatives: int = 1) -> Result:
        step = 1.0 / self.frame_rate
        if not final or not options.bestpath:
            segments, _score = decoder.best_path(final)
            words = [WordResult(text, round(s * step, 3), round((e + 1) * step, 3), None)
                     for text, s, e, _ac, _lm, filler in segments if not filler]
            return Result(" ".join(w.word for w in words), None, words, [], round(duration, 3), final)
        lattice = decoder.lattice()
        if lattice.empty:
            return Result("", 0.0, [], [], round(duration, 3), True)
        instances = lattice.instances
        posteriors = lattice.posteriors
        ids, _score = lattice.best_path()
        words = []
        for i in ids:
            text, start, end, _ac, filler = instances[i]
            if filler:
                continue
            words.append(WordResult(text, round(start * step, 3), round((end + 1) * step, 3),
                                    _confidence(instances, posteriors, text, start, end)))
        confidence = float(np.mean([w.confidence for w in words])) if words else 0.0
        alternatives = []
        if max_alternatives > 1:
            for path, score in lattice.nbest(max_alternatives):
                text = " ".join(instances[i][0] for i in path if not instances[i][4])
                alternatives.append(Alternative(text, round(float(score), 3)))
        return Result(" ".join(w.word for w in words), round(confidence, 4), words, alternatives,
                      round(duration, 3), True)

    def recognize(
        self,
        audio: AudioSource | Audio,
        content_type: str | None = None,
        *,
        grammar=None,
        rejection_threshold: float | None = DEFAULT_REJECTION_THRESHOLD,
        max_alternatives: int = 1,
        adaptation=None,
        speaker_adaptation: bool = False,
        **options,
    ) -> Result:
        """Transcribe one utterance.

        Args:
            audio: anything :func:`asr_engine.load_audio` accepts, or an :class:`Audio`.
            content_type: MIME type for headerless audio.
            grammar: constrain the output to a grammar: a compiled
                :class:`asr_engine.grammar.Grammar`, or SRGS ABNF / SRGS XML /
                JSGF text or a path to compile. The result is empty when no
                sentence of the grammar fits the audio.
            rejection_threshold: with a grammar, reject (return an empty
                result) when the grammar's best path scores more than this many
                nats per frame below a free phone loop over the same audio,
                i.e. the audio is out of grammar. None: never reject.
            max_alternatives: n-best hypotheses to return in ``alternatives`` (1 = none).
            adaptation: an :class:`asr_engine.adapt.AdaptedAcousticModel` (or an
                adapted :class:`AcousticModel` of this recognizer's model) to
                score the audio with.
            speaker_adaptation: decode twice: adapt a global MLLR transform to
                the confident words of the first pass, then decode again with it.
            **options: :class:`SearchOptions` fields overriding the defaults.
        """
        network = self._grammar_model(grammar) if grammar is not None else None
        if not isinstance(max_alternatives, int) or not 1 <= max_alternatives <= 100:
            raise InvalidArgumentError("max_alternatives must be an integer from 1 to 100")
        opts = self._search_options(options)
        if not isinstance(audio, Audio):
            audio = load_audio(audio, content_type, sample_rate=self.sample_rate, allow_empty=True)
            if self._pick_by_rate and audio.original_rate <= 8000 and adaptation is None:
                narrow = self.narrowband()
                from .audio.resample import resample

                samples = resample(audio.samples, audio.sample_rate, narrow.sample_rate)
                audio = Audio(samples, narrow.sample_rate, audio.original_rate, audio.channels,
                              audio.duration, audio.encoding)
                return narrow.recognize(audio, grammar=grammar, rejection_threshold=rejection_threshold,
                                        max_alternatives=max_alternatives, speaker_adaptation=speaker_adaptation,
                                        **options)
        elif audio.sample_rate != self.sample_rate:
            raise InvalidArgumentError(f"audio is at {audio.sample_rate} Hz; the model needs {self.sample_rate} Hz")
        stream = FeatureStream(self.frontend_options, self.feature_options)
        feats = np.vstack([stream.accept(audio.samples), stream.finish()])
        if len(feats) == 0:
            return Result("", 0.0, [], [], round(audio.duration, 3), True)
        acoustic = getattr(adaptation, "model", adaptation)
        decoder = self._decode(feats, opts, network, acoustic)
        if speaker_adaptation:
            decoder = self._second_pass(decoder, feats, audio.duration, opts, network, acoustic)
        if network is not None and rejection_threshold is not None and self._out_of_grammar(
                decoder, feats, opts, rejection_threshold):
            return Result("", 0.0, [], [], round(audio.duration, 3), True)
        return self._result(decoder, audio.duration, True, opts, max_alternatives)

    def _second_pass(self, decoder, feats: np.ndarray, duration: float, opts: SearchOptions, network, acoustic):
        from .adapt.runtime import adapt_to_utterance

        first = self._result(decoder, duration, True, opts)
        adapted = adapt_to_utterance(acoustic or self.acoustic_model, self.dictionary, feats,
                                     [w.word for w in first.words], [w.confidence for w in first.words])
        return decoder if adapted is None else self._decode(feats, opts, network, adapted)

    def _out_of_grammar(self, decoder, feats: np.ndarray, opts: SearchOptions, threshold: float) -> bool:
        """Compare the grammar's best path with a free context-independent
        phone loop, per frame of acoustic log-likelihood: in-grammar speech
        scores above the loop (the cards recordings: +0.7 to +1.3 nats/frame),
        other speech well below it (-2.8 to -6.3 on cards, librivox and IEEE
        audio under the wrong grammars), hence the default threshold of 1."""
        segments, _ = decoder.best_path(True)
        if not segments:
            return True
        if self._phone_loop is None:
            from .grammar import compile_grammar

            self._phone_loop = compile_grammar(_PHONE_LOOP_GRAMMAR)
        loop = self._decode(feats, opts, self._grammar_model(self._phone_loop))
        loop_segments, _ = loop.best_path(True)
        frames = max(1, decoder.frames)
        grammar_ac = sum(s[3] for s in segments) / frames
        loop_ac = sum(s[3] for s in loop_segments) / frames
        return grammar_ac - loop_ac < -threshold

    def stream(self, **options) -> "Stream":
        """Start a streaming recognition (see :class:`Stream`)."""
        return Stream(self, self._search_options(options))


class Stream:
    """Incremental recognition: ``accept`` chunks of float32 samples at the
    model's rate, get partial results, ``finish`` for the final one.

    Partial results come from a live-CMN pass that runs as audio arrives.
    The final result re-decodes the whole utterance as :meth:`Recognizer.recognize`
    does (batch CMN), so it equals the one-shot result for the same audio.
    """

    def __init__(self, recognizer: Recognizer, options: SearchOptions) -> None:
        self._rec = recognizer
        self._options = options
        live = FeatureOptions(recognizer.feature_options.feature_type, "live",
                              recognizer.feature_options.cmn_init, False)
        self._features = FeatureStream(recognizer.frontend_options, live)
        self._decoder = _core.Decoder(recognizer._native, options.to_native())
        self._decoder.start()
        self._chunks: list[np.ndarray] = []
        self._samples = 0
        self._finished = False

    def accept(self, samples: np.ndarray) -> Result:
        """Feed mono float32 samples at the model's rate; returns the partial result."""
        if self._finished:
            raise InvalidArgumentError("the stream is finished")
        samples = np.ascontiguousarray(samples, dtype=np.float32).reshape(-1)
        if not np.all(np.isfinite(samples)):
            raise InvalidArgumentError("samples contain NaN or infinity")
        self._chunks.append(samples)
        self._samples += samples.size
        feats = self._features.accept(samples)
        if len(feats):
            self._decoder.process(feats)
        return self._rec._result(self._decoder, self._samples / self._rec.sample_rate, False, self._options)

    def finish(self) -> Result:
        """The final result; the stream cannot be used afterwards."""
        self._finished = True
        audio = np.concatenate(self._chunks) if self._chunks else np.zeros(0, np.float32)
        rate = self._rec.sample_rate
        return self._rec.recognize(Audio(audio, rate, rate, 1, audio.size / rate, "stream"),
                                   **_changed_fields(self._rec.search_options, self._options))


def _confidence(instances, posteriors, text: str, start: int, end: int) -> float:
    """Posterior of the word: the summed posteriors of lattice instances of
    the same word that overlap the middle of its segment."""
    middle = (start + end) // 2
    total = 0.0
    for i, (other, s, e, _ac, _filler) in enumerate(instances):
        if other == text and s <= middle <= e:
            total += posteriors[i]
    return round(min(1.0, total), 4)


def _changed_fields(base: SearchOptions, options: SearchOptions) -> dict:
    a, b = asdict(base), asdict(options)
    return {k: v for k, v in b.items() if a[k] != v}


_default: Optional[Recognizer] = None
_default_lock = threading.Lock()


def default_recognizer() -> Recognizer:
    """The shared default recognizer, built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Recognizer()
        return _default


def recognize(audio: AudioSource | Audio, content_type: str | None = None, **options) -> Result:
    """Transcribe with the shared default :class:`Recognizer`."""
    return default_recognizer().recognize(audio, content_type, **options)


__all__ = ["Recognizer", "Stream", "Result", "WordResult", "Alternative", "recognize", "default_recognizer"]
