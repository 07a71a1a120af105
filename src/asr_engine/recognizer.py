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
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

import numpy as np

from . import _core
from .acoustic import AcousticModel
from .audio import Audio
from .audio.input import AudioInput, read_audio
from .dictionary import Dictionary
from .errors import InvalidArgumentError
from .hypothesis import DEFAULT_REJECTION_THRESHOLD, HypothesisBuilder
from .frontend import FeatureOptions, FeatureStream, compute_features, model_feature_options
from .grammar_network import grammar_network
from .model import default_model_dir
from .model_arguments import check_path, word_model
# NARROWBAND_PROBE_SECONDS: still importable from here, where it was defined.
from .model_by_band import NARROWBAND_PROBE_SECONDS, goes_narrowband, narrowband_audio, narrowband_wav  # noqa: F401
from .network_cache import NetworkCache
from .phone_loop import PhoneLoop
from .recognition_reports import add_reports, metrics_of, speech_frames
from .recognition_request import (PHRASE_WISE, RecognitionRequest, check_no_vtln, check_result_options,
                                  recognition_request)
from .recognizer_variants import RecognizerVariants
from .results import Alternative, Result, WordResult
from .search import SearchOptions
from .spotting import check_spotting
from .stage_timer import StageTimer
from .validation import check_keywords, checked_arguments, describe_value, field_names
from . import vocabulary as _vocab
from . import long_audio as _long

if TYPE_CHECKING:
    from .grammar import Grammar
    from .stream import Stream

#: What a ``grammar=`` argument may be.
GrammarSource = Union["Grammar", str, bytes, "os.PathLike[str]"]
_CALL_ARGUMENTS = ("audio", "content_type", "sample_rate", "grammar", "rejection_threshold", "max_alternatives",
                   "keywords", "keywords_threshold", "word_alternatives_threshold", "score_against_phone_loop",
                   "end_of_phrase_silence_time", "split_transcript_at_phrase_end", "speech_detector_sensitivity",
                   "background_audio_suppression", "phrase_decoding", "progress", "inactivity_timeout",
                   "initial_silence_timeout", "audio_metrics", "speaker_labels", "pick_model_by_rate")


class Recognizer(HypothesisBuilder, RecognizerVariants):
    """A recognition engine built once from a model, shared across threads.

    Args:
        model_dir: Sphinx acoustic model directory (default: the en-us model
            shipped with pocketsphinx).
        dictionary: a :class:`Dictionary` (in this model's phone set) or a
            dictionary path (default: ``cmudict-en-us.dict``).
        language_model: an ``asr_engine.lm`` model (n-gram, interpolated,
            boosted, KenLM) or a path to ARPA / lm.bin / our binary; default
            the en-us trigram, through its binary cache.
        search: default search options, a :class:`SearchOptions` or a mapping
            of its fields (each call may override fields).
        feature_options: feature settings (default: the model's ``feat.params``).
        pick_model_by_rate: with the default model, send audio recorded at
            8 kHz or less to the narrowband model (``en-US_NarrowbandModel``,
            derived from the wideband one; see :mod:`asr_engine.adapt.narrowband`),
            and so 8 kHz recordings stored at a higher rate, told by their empty
            band above 4 kHz (:mod:`asr_engine.audio.bandwidth`), when no grammar
            or phone-loop score is asked for.

    Raises:
        NotFoundError: a model, dictionary or LM path that does not exist.
        InvalidArgumentError: an argument of the wrong type or value.
    """

    @checked_arguments
    def __init__(
        self,
        model_dir: Union[str, "os.PathLike[str]", None] = None,
        dictionary: Union[Dictionary, str, "os.PathLike[str]", None] = None,
        language_model: object = None,
        *,
        search: Union[SearchOptions, Mapping[str, object], None] = None,
        feature_options: Optional[FeatureOptions] = None,
        pick_model_by_rate: bool = True,
    ) -> None:
        timer = StageTimer("Recognizer()")
        if search is None:
            search = SearchOptions()
        elif isinstance(search, Mapping):
            check_keywords("SearchOptions", search, field_names(SearchOptions))
            search = SearchOptions(**search)  # type: ignore[arg-type]
        elif not isinstance(search, SearchOptions):
            raise InvalidArgumentError(f"search must be a SearchOptions, a mapping of its fields or None, "
                                       f"got {describe_value(search)}")
        if feature_options is not None and not isinstance(feature_options, FeatureOptions):
            raise InvalidArgumentError(f"feature_options must be a FeatureOptions or None, "
                                       f"got {describe_value(feature_options)}")
        model_path = check_path(model_dir, "acoustic model directory", directory=True)
        if not isinstance(dictionary, Dictionary):
            if dictionary is not None and not isinstance(dictionary, (str, os.PathLike)):
                raise InvalidArgumentError(f"dictionary must be a Dictionary, a path or None, "
                                           f"got {describe_value(dictionary)}")
            dict_path = check_path(dictionary, "dictionary file")
        self.model_dir: str = model_path if model_path is not None else default_model_dir()
        self.acoustic_model = AcousticModel.load(self.model_dir)
        timer.lap("acoustic model")
        if isinstance(dictionary, Dictionary):
            if list(dictionary.phones) != list(self.acoustic_model.phones):
                raise InvalidArgumentError("the dictionary was loaded for another acoustic model's phone set")
            self.dictionary = dictionary
        else:
            self.dictionary = Dictionary.load(dict_path, self.acoustic_model)
        timer.lap("dictionary")
        self.language_model = word_model(language_model)
        timer.lap("language model")
        self.frontend_options, default_features = model_feature_options(self.model_dir)
        self.feature_options: FeatureOptions = feature_options or default_features
        self.search_options: SearchOptions = search
        self._native = _core.RecognitionModel(self.acoustic_model.native, self.dictionary.native,
                                              self.language_model)
        timer.lap("search network")
        timer.log(0.0)
        self.sample_rate: int = int(self.frontend_options.sample_rate)
        self.frame_rate: float = float(self.frontend_options.frame_rate)
        # Search networks of grammars already used, built once per Grammar.
        self._grammar_models: "weakref.WeakKeyDictionary[Grammar, Any]" = weakref.WeakKeyDictionary()
        self._grammar_lock = threading.Lock()
        self._phone_loop = PhoneLoop(self.acoustic_model, self.dictionary)
        # Networks of customizations (with_words, customized), built once each.
        self._networks: NetworkCache = NetworkCache()
        self._display_as: dict[str, str] = {}
        _vocab.warn_missing(self.missing_words)
        self._pick_by_rate = bool(pick_model_by_rate) and model_dir is None and self.sample_rate > 8000
        self._dictionary_source = dictionary
        self._narrowband: Optional["Recognizer"] = None
        # (base, dictionary, LM, display_as, added words) of a derived recognizer.
        self._derived_from: Optional[tuple[Any, ...]] = None

    def narrowband(self) -> "Recognizer":
        """The recognizer for 8 kHz audio: the narrowband model with this one's
        dictionary source, language model and options (built on first use)."""
        from .adapt.narrowband import narrowband_model_dir

        derived = self._derived_from
        if derived is not None:
            # A recognizer with custom words or a custom LM: the narrowband
            # counterpart of its base, extended the same way (the base's own
            # narrowband recognizer lacks the custom words).
            base, dictionary, language_model, display_as, added = derived
            with self._grammar_lock:
                if self._narrowband is None:
                    self._narrowband = base.narrowband()._derive(dictionary, language_model, display_as, added)
                return self._narrowband
        with self._grammar_lock:
            if self._narrowband is None:
                source = self._dictionary_source
                self._narrowband = Recognizer(narrowband_model_dir(), None if isinstance(source, Dictionary) else source,
                                              self.language_model, search=self.search_options,
                                              pick_model_by_rate=False)
            return self._narrowband

    @property
    def missing_words(self) -> list[str]:
        """Words the language model (or its boosts) names but the dictionary
        cannot pronounce: the search can never output them."""
        return list(self._native.missing_words)

    def __repr__(self) -> str:
        return (f"Recognizer(model_dir={self.model_dir!r}, words={self.num_words}, "
                f"sample_rate={self.sample_rate})")

    def _grammar_model(self, grammar: object) -> Any:
        """The search network for a grammar (a Grammar, or text/path to compile)."""
        from .grammar import Grammar, compile_grammar

        if not isinstance(grammar, Grammar):
            if not isinstance(grammar, (str, bytes, os.PathLike)):
                raise InvalidArgumentError(f"grammar must be a Grammar, grammar text or a path, "
                                           f"got {describe_value(grammar)}")
            grammar = compile_grammar(grammar)
        with self._grammar_lock:
            native = self._grammar_models.get(grammar)
            if native is None:
                native = grammar_network(self.acoustic_model, self.dictionary, grammar)
                self._grammar_models[grammar] = native
            return native

    @property
    def num_words(self) -> int:
        """Words (pronunciations) the search can output."""
        return int(self._native.num_words)

    def _search_options(self, overrides: dict[str, Any], call: str) -> SearchOptions:
        if not overrides:
            return self.search_options
        check_keywords(call, overrides, (*_CALL_ARGUMENTS, *field_names(SearchOptions)))
        return self.search_options.with_overrides(**overrides)

    def _decode(self, features: np.ndarray, options: SearchOptions, network: Any = None, acoustic: Any = None) -> Any:
        decoder = _core.Decoder(network or self._native, options.to_native(),
                                None if acoustic is None else acoustic.native)
        decoder.start()
        decoder.process(features)
        if options.fwdflat:
            decoder.second_pass()
        return decoder

    @checked_arguments
    def recognize(
        self,
        audio: Union[AudioInput, Audio],
        content_type: Optional[str] = None,
        *,
        sample_rate: Optional[int] = None,
        grammar: Optional[GrammarSource] = None,
        rejection_threshold: Optional[float] = DEFAULT_REJECTION_THRESHOLD,
        max_alternatives: int = 1,
        adaptation: Any = None,
        speaker_adaptation: bool = False,
        keywords: Optional[Sequence[str]] = None,
        keywords_threshold: Optional[float] = None,
        word_alternatives_threshold: Optional[float] = None,
        score_against_phone_loop: bool = False,
        end_of_phrase_silence_time: Optional[float] = None,
        split_transcript_at_phrase_end: bool = False,
        speech_detector_sensitivity: float = 0.5,
        background_audio_suppression: float = 0.0,
        phrase_decoding: Union[bool, str, None] = None,
        progress: Optional[Callable[[float], None]] = None,
        audio_metrics: bool = False,
        speaker_labels: bool = False,
        pick_model_by_rate: Optional[bool] = None,
        **options: Any,
    ) -> Result:
        """Transcribe one utterance.

        Args:
            audio: a path, bytes, a binary file object, a numpy array (with
                ``sample_rate``) or an :class:`Audio`; see
                :mod:`asr_engine.audio.input`. Other rates are resampled.
            content_type: MIME type of encoded bytes (needed for headerless
                audio, e.g. ``audio/l16;rate=8000``).
            sample_rate: the rate of a numpy array, in Hz.
            grammar: constrain the output to a grammar: a compiled
                :class:`asr_engine.grammar.Grammar`, or SRGS ABNF / SRGS XML /
                JSGF text or a path to compile.
            rejection_threshold: with a grammar, reject the result
                (``rejected=True``, empty transcript) when the grammar's best
                sentence scores more than this many nats per frame below a
                free phone loop over the same audio, i.e. the audio is out of
                grammar. None: never reject. A grammar word's confidence is its
                lattice posterior times the probability of the word against
                the loop over its frames, the loop handicapped by this
                threshold (the default's when None) per frame.
            max_alternatives: n-best hypotheses to return in ``alternatives``
                (1 = none), from 1 to 100.
            adaptation: an :class:`asr_engine.adapt.AdaptedAcousticModel` (or an
                adapted :class:`AcousticModel` of this recognizer's model) to
                score the audio with.
            speaker_adaptation: decode twice: adapt a global MLLR transform to
                the confident words of the first pass, then decode again with it.
            keywords: words or phrases to spot (at most 1000, each at most
                1024 characters, case-insensitive; a phrase matches only
                without a pause inside it); the matches fill ``Result.keywords``
                (see :mod:`asr_engine.spotting`). Needs ``keywords_threshold``.
            keywords_threshold: minimum confidence (posterior, 0-1) of a
                keyword match; needs ``keywords``.
            word_alternatives_threshold: fill ``Result.word_alternatives`` with
                the confusion network's words of at least this confidence (0-1).
            score_against_phone_loop: without a grammar, also set the result's
                ``rejection_margin``: the best path's acoustic score minus a
                free phone loop's over the frames from its first word to its
                last, per frame (None when no word was recognized). Speech in
                the language scores near or above the loop; speech the
                vocabulary cannot fit (another language, babble) below it.
            end_of_phrase_silence_time: seconds of non-speech that end a
                phrase (0.0-120.0; None or 0 = 0.8); see ``Result.phrases``.
            split_transcript_at_phrase_end: also end phrases at sentence
                ends (``end_of_utterance`` ``full_stop``).
            speech_detector_sensitivity, background_audio_suppression: the
                speech detector's controls (0-1), as the services define them.
            phrase_decoding: decode phrase by phrase (True), in one piece
                (False), or by length (None: phrase by phrase beyond
                :data:`asr_engine.long_audio.LONG_AUDIO_SECONDS`); ``"live"``:
                phrase by phrase exactly as a :class:`Stream` does (its finals);
                see :mod:`asr_engine.long_audio`.
            progress: called with the seconds of audio decoded so far, on
                the phrase-by-phrase path.
            audio_metrics: fill ``Result.audio_metrics`` with the services'
                signal statistics of the audio (see
                :mod:`asr_engine.phrases.audio_metrics`).
            speaker_labels: fill ``Result.speaker_labels``: who said each
                word, from the :class:`~asr_engine.diarization.SpeakerDiarizer`
                (the number of speakers, up to 6, is estimated).
            pick_model_by_rate: False: decode with this recognizer's model
                whatever the audio's rate or band (a service whose request
                names its model, as a stream must); None or True: as the
                constructor's ``pick_model_by_rate`` says.
            **options: :class:`SearchOptions` fields overriding the defaults.

        Raises:
            InvalidArgumentError: an unknown argument or a bad value (400).
            AudioError, UnsupportedMediaTypeError, PayloadTooLargeError:
                audio that cannot be used (400, 415, 413).
            NotFoundError: a missing file, or grammar words without pronunciations (404).
        """
        timer = StageTimer("recognize")
        request = recognition_request(
            self, grammar=grammar, rejection_threshold=rejection_threshold, max_alternatives=max_alternatives,
            adaptation=adaptation, speaker_adaptation=speaker_adaptation, keywords=keywords,
            keywords_threshold=keywords_threshold, word_alternatives_threshold=word_alternatives_threshold,
            score_against_phone_loop=score_against_phone_loop, end_of_phrase_silence_time=end_of_phrase_silence_time,
            split_transcript_at_phrase_end=split_transcript_at_phrase_end,
            speech_detector_sensitivity=speech_detector_sensitivity,
            background_audio_suppression=background_audio_suppression, phrase_decoding=phrase_decoding,
            progress=progress, audio_metrics=audio_metrics, speaker_labels=speaker_labels,
            pick_model_by_rate=pick_model_by_rate, options=options)
        timer.lap("grammar")
        long_wav = _long.wav_duration(audio) if request.phrase_decoding is not False and content_type is None else None
        if long_wav is not None and request.phrase_wise(long_wav) and not request.reports:
            return self._recognize_long_wav(audio, request, timer)
        decoded = read_audio(audio, content_type, sample_rate=sample_rate, target_rate=self.sample_rate)
        timer.lap("audio")
        if request.by_band and narrowband_audio(decoded, request.plain):
            return self._recognize_narrowband_audio(decoded, request)
        if request.phrase_wise(decoded.duration):
            return self._recognize_phrases(_long.array_blocks(decoded.samples, self.sample_rate), request, timer,
                                           decoded)
        return self._recognize_whole(decoded, request, timer)

    def _on_narrowband(self, audio: Any, request: RecognitionRequest, audio_metrics: bool, **given: Any) -> Result:
        """:meth:`recognize` of the narrowband model, with the call's arguments
        as given (but ``audio_metrics``, and ``given``: the audio's rate)."""
        return self.narrowband().recognize(audio, audio_metrics=audio_metrics, **given, **request.forward)

    def _recognize_long_wav(self, path: Any, request: RecognitionRequest, timer: StageTimer) -> Result:
        """A long PCM WAV file: read block by block, never whole (on the
        narrowband model too, which takes the same path for it)."""
        if request.by_band and self._narrowband_wav(path, request.plain):
            return self._on_narrowband(path, request, False)
        return self._recognize_phrases(_long.wav_blocks(path, self.sample_rate), request, timer)

    def _recognize_narrowband_audio(self, decoded: Audio, request: RecognitionRequest) -> Result:
        """Decoded audio that goes to the narrowband model."""
        # Audio metrics describe the audio as given: an 8 kHz recording at
        # its own rate, an up-sampled one at the rate it came in (where its
        # missing upper band is what high_frequency_loss reports).
        inner_metrics = request.audio_metrics and decoded.original_rate <= 8000
        result = self._on_narrowband(decoded.samples, request, inner_metrics, sample_rate=decoded.sample_rate)
        if request.audio_metrics and not inner_metrics:
            feats = compute_features(decoded, self.frontend_options, self.feature_options)
            result.audio_metrics = metrics_of(decoded, speech_frames(feats, self.acoustic_model), self.frame_rate)
        return result

    def _recognize_phrases(self, blocks: Iterator[np.ndarray], request: RecognitionRequest, timer: StageTimer,
                           decoded: Optional[Audio] = None) -> Result:
        """Phrase-by-phrase decoding of sample blocks: a long WAV file's, or
        ``decoded`` audio's (which the reports asked for then describe)."""
        check_no_vtln(request.overrides, PHRASE_WISE)
        result = _long.decode_phrases(self, blocks, request.opts, request.settings, request.progress)
        if decoded is None:
            timer.log(result.duration)
            return self._displayed(result)
        result.duration = round(decoded.duration, 3)
        if request.reports:
            # Reports over the whole audio (its features are computed once more for them).
            feats = compute_features(decoded, self.frontend_options, self.feature_options)
            add_reports(result, decoded, feats, self.acoustic_model, self.frontend_options, self.frame_rate,
                        metrics=request.audio_metrics, labels=request.speaker_labels)
        timer.log(decoded.duration)
        return self._displayed(result)

    def _recognize_whole(self, decoded: Audio, request: RecognitionRequest, timer: StageTimer) -> Result:
        """Audio decoded in one piece (with VTLN and a speaker-adapted second
        pass when asked), then cut into phrases."""
        opts, network, acoustic, spotting = request.opts, request.network, request.acoustic, request.spotting
        stream = FeatureStream(self.frontend_options, self.feature_options)
        feats = np.vstack([stream.accept(decoded.samples), stream.finish()])
        if opts.vtln and len(feats):
            feats = self._warped_features(decoded.samples, feats)
        timer.lap("features")
        reports = {"metrics": request.audio_metrics, "labels": request.speaker_labels}
        if len(feats) == 0:
            return add_reports(Result("", 0.0, [], [], round(decoded.duration, 3), True), decoded, feats,
                               self.acoustic_model, self.frontend_options, self.frame_rate, **reports)
        decoder = self._decode(feats, opts, network, acoustic)
        if request.speaker_adaptation:
            decoder = self._second_pass(decoder, feats, decoded.duration, opts, network, acoustic)
        timer.lap("search")
        if network is None:
            result = self._result(decoder, decoded.duration, True, opts, request.max_alternatives, spotting=spotting,
                                  features=None if request.speaker_adaptation else feats, acoustic=acoustic)
            timer.lap("lattice")
            if request.score_against_phone_loop:
                result.rejection_margin = self._loop_margin(decoder, feats, opts)
                timer.lap("phone loop")
        else:
            result = self._grammar_result(decoder, feats, decoded.duration, opts, request.max_alternatives,
                                          request.rejection_threshold, spotting)
            timer.lap("phone loop and lattice")
        result.phrases = _long.phrases_of_whole(self, result, feats, request.settings, decoded.duration)
        timer.lap("phrases")
        add_reports(result, decoded, feats, self.acoustic_model, self.frontend_options, self.frame_rate, **reports)
        timer.lap("audio metrics and speaker labels")
        timer.log(decoded.duration)
        return self._displayed(result)

    def _warped_features(self, samples: np.ndarray, feats: np.ndarray) -> np.ndarray:
        """The features at the utterance's maximum-likelihood VTLN warp
        (:mod:`asr_engine.adapt.vtln`), its speech frames told by the detector on ``feats``."""
        from .adapt.vtln import estimate_warp

        speech = speech_frames(feats, self.acoustic_model)
        return estimate_warp(samples, self.acoustic_model, self.frontend_options, self.feature_options,
                             speech).features

    def _loop_margin(self, decoder: Any, feats: np.ndarray, opts: SearchOptions) -> Optional[float]:
        """Best path minus the phone loop (see :func:`asr_engine.phrase_decoding.loop_margin`)."""
        from .phrase_decoding import loop_margin

        return loop_margin(self, decoder, feats, opts)

    def model_for(self, audio: Union[AudioInput, Audio], content_type: Optional[str] = None, *,
                  sample_rate: Optional[int] = None, grammar: Optional[GrammarSource] = None,
                  speaker_adaptation: bool = False) -> "Recognizer":
        """The recognizer :meth:`recognize` decodes ``audio`` on (without
        ``adaptation``, ``score_against_phone_loop``, ``audio_metrics`` or
        ``speaker_labels``): this one, or :meth:`narrowband` for audio
        recorded at 8 kHz or less and, without a grammar, band-limited audio.
        Its :meth:`recognize` gives the same result, so a caller that must
        say which model decoded the audio (batch records) decodes on it.

        Reads the audio (a long WAV file only its first
        :data:`~asr_engine.model_by_band.NARROWBAND_PROBE_SECONDS`).

        Raises:
            AudioError, UnsupportedMediaTypeError, PayloadTooLargeError:
                audio that cannot be used (400, 415, 413).
        """
        if not self._pick_by_rate:
            return self
        routed = goes_narrowband(audio, content_type, sample_rate=sample_rate, plain=grammar is None,
                                 speaker_adaptation=speaker_adaptation, target_rate=self.sample_rate)
        return self.narrowband() if routed else self

    def _narrowband_wav(self, path: object, plain: bool) -> bool:
        """Whether a long WAV file goes to the narrowband model
        (:func:`asr_engine.model_by_band.narrowband_wav`)."""
        return narrowband_wav(path, plain, self.sample_rate)

    def _second_pass(self, decoder: Any, feats: np.ndarray, duration: float, opts: SearchOptions, network: Any,
                     acoustic: Any) -> Any:
        from .adapt.runtime import adapt_to_utterance

        first = self._result(decoder, duration, True, opts)
        adapted = adapt_to_utterance(acoustic or self.acoustic_model, self.dictionary, feats,
                                     [w.word for w in first.words], [w.confidence for w in first.words])
        return decoder if adapted is None else self._decode(feats, opts, network, adapted)

    @checked_arguments
    def stream(self, *, sample_rate: Optional[int] = None, content_type: Optional[str] = None,
               grammar: Optional[GrammarSource] = None,
               rejection_threshold: Optional[float] = DEFAULT_REJECTION_THRESHOLD, max_alternatives: int = 1,
               keywords: Optional[Sequence[str]] = None, keywords_threshold: Optional[float] = None,
               word_alternatives_threshold: Optional[float] = None, score_against_phone_loop: bool = False,
               end_of_phrase_silence_time: Optional[float] = None, split_transcript_at_phrase_end: bool = False,
               speech_detector_sensitivity: float = 0.5, background_audio_suppression: float = 0.0,
               inactivity_timeout: int = 30, initial_silence_timeout: Optional[float] = None,
               adaptation: Any = None, **options: Any) -> "Stream":
        """Start a streaming recognition (see :class:`Stream`): each phrase
        is decoded as its audio arrives and finished when it ends.

        Args:
            sample_rate: rate of the numpy chunks, in Hz (default: the model's);
                other rates are resampled as the audio arrives.
            content_type: for headerless byte chunks, e.g. ``audio/l16;rate=8000``.
            grammar, rejection_threshold, max_alternatives, keywords,
                keywords_threshold, word_alternatives_threshold,
                score_against_phone_loop, end_of_phrase_silence_time,
                split_transcript_at_phrase_end, speech_detector_sensitivity,
                background_audio_suppression: as in :meth:`recognize`, for
                each final phrase (interim results have no lattice, so no
                keywords, alternatives nor confidences).
            inactivity_timeout: seconds of audio without speech after which
                ``accept`` raises :class:`SpeechTimeoutError` (``No speech
                detected for 30s``); -1 = never; 0 or below -1 is refused.
            initial_silence_timeout: seconds to wait for the first speech
                (Azure's ``InitialSilenceTimeout`` / ``BabbleTimeout``); None = no limit.
            adaptation: as in :meth:`recognize` (an adapted acoustic model to score with).
            **options: :class:`SearchOptions` fields overriding the defaults.
        """
        from .stream import Stream, check_inactivity_timeout, check_initial_silence_timeout

        opts = self._search_options(options, "stream()")
        check_no_vtln(options, "a stream")
        spotting = check_spotting(keywords, keywords_threshold, word_alternatives_threshold)
        check_result_options(max_alternatives, rejection_threshold)
        if not isinstance(score_against_phone_loop, bool):
            raise InvalidArgumentError(f"score_against_phone_loop must be True or False, "
                                       f"got {describe_value(score_against_phone_loop)}")
        check_inactivity_timeout(inactivity_timeout)
        check_initial_silence_timeout(initial_silence_timeout)
        network = self._grammar_model(grammar) if grammar is not None else None
        settings = _long.phrase_settings(
            end_of_phrase_silence_time=end_of_phrase_silence_time,
            split_transcript_at_phrase_end=split_transcript_at_phrase_end,
            speech_detector_sensitivity=speech_detector_sensitivity,
            background_audio_suppression=background_audio_suppression, max_alternatives=int(max_alternatives),
            grammar=network, rejection_threshold=rejection_threshold,
            spotting=None if spotting.empty else spotting, score_against_phone_loop=score_against_phone_loop,
            acoustic=None if adaptation is None else getattr(adaptation, "model", adaptation).native)
        return Stream(self, opts, sample_rate=sample_rate, content_type=content_type, settings=settings,
                      inactivity_timeout=inactivity_timeout, initial_silence_timeout=initial_silence_timeout)


_default: Optional[Recognizer] = None
_default_lock = threading.Lock()


def default_recognizer() -> Recognizer:
    """The shared default recognizer, built on first use."""
    global _default
    with _default_lock:
        if _default is None:
            _default = Recognizer()
        return _default


@checked_arguments
def recognize(audio: Union[AudioInput, Audio], content_type: Optional[str] = None, **options: Any) -> Result:
    """Transcribe with the shared default :class:`Recognizer` (arguments as
    :meth:`Recognizer.recognize`)."""
    return default_recognizer().recognize(audio, content_type, **options)


__all__ = ["Recognizer", "Result", "WordResult", "Alternative", "recognize", "default_recognizer",
           "DEFAULT_REJECTION_THRESHOLD"]
