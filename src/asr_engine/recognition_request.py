"""The checked arguments of one :meth:`~asr_engine.Recognizer.recognize` call.

:func:`recognition_request` does all of ``recognize``'s argument checking,
before any audio is read, so a bad value is a 400 whatever the audio; what it
returns, a :class:`RecognitionRequest`, says what to decode with (search
options, grammar network, phrase settings, keywords, adapted acoustic model)
and which way to decode (phrase by phrase or whole, on which model). It also
keeps the call's own arguments, which a recognition handed on to the
narrowband model passes on unchanged.
"""
from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Callable, Optional, Union

import numpy as np

from . import long_audio as _long
from .errors import InvalidArgumentError
from .phrase_decoding import PhraseSettings
from .search import SearchOptions
from .spotting import SpottingRequest, check_spotting
from .validation import describe_value

if TYPE_CHECKING:
    from .recognizer import Recognizer

#: Where a call's ``vtln=True`` is refused on the phrase-by-phrase paths.
PHRASE_WISE = "phrase-by-phrase decoding (long audio or phrase_decoding)"


@dataclass(frozen=True)
class RecognitionRequest:
    """One ``recognize`` call's checked arguments.

    Attributes:
        opts: the search options (the recognizer's with the call's overrides).
        overrides: the call's :class:`SearchOptions` fields, as given.
        spotting: keywords and word alternatives to find, or None.
        network: the grammar's native search network, or None (n-gram).
        settings: the phrase settings (segmenter, detector, n-best, grammar...).
        acoustic: the adapted acoustic model to score with, or None.
        max_alternatives: n-best hypotheses to return.
        rejection_threshold: with a grammar, as in ``recognize``.
        score_against_phone_loop: set the result's ``rejection_margin``.
        phrase_decoding: True, False, ``"live"`` or None (by length).
        speaker_adaptation: decode twice, the second time adapted.
        progress: called with the seconds decoded on the phrase-wise paths.
        audio_metrics, speaker_labels: the reports asked for.
        by_band: the audio may go to the narrowband model by its rate or band.
        plain: plain n-gram recognition (no grammar, no phone-loop score),
            the only kind band-limited audio at a higher rate goes narrowband for.
        forward: the call's arguments that a narrowband recognition is given
            as they came (all but the audio, its type and rate, the adaptation,
            the model choice and ``audio_metrics``).
    """

    opts: SearchOptions
    overrides: Mapping[str, Any]
    spotting: Optional[SpottingRequest]
    network: Any
    settings: PhraseSettings
    acoustic: Any
    max_alternatives: int
    rejection_threshold: Optional[float]
    score_against_phone_loop: bool
    phrase_decoding: Union[bool, str, None]
    speaker_adaptation: bool
    progress: Optional[Callable[[float], None]]
    audio_metrics: bool
    speaker_labels: bool
    by_band: bool
    plain: bool
    forward: Mapping[str, Any]

    @property
    def reports(self) -> bool:
        """Whether audio metrics or speaker labels are asked for (they need the whole audio)."""
        return self.audio_metrics or self.speaker_labels

    def phrase_wise(self, duration: float) -> bool:
        """Whether audio of ``duration`` seconds is decoded phrase by phrase
        (asked for, or by length beyond :data:`~asr_engine.long_audio.LONG_AUDIO_SECONDS`;
        never with speaker adaptation, which decodes the whole audio twice)."""
        return not self.speaker_adaptation and bool(
            self.phrase_decoding or (self.phrase_decoding is None and duration > _long.LONG_AUDIO_SECONDS))


def check_result_options(max_alternatives: object, rejection_threshold: object) -> None:
    """The checks ``recognize`` and ``stream`` share (400 on a bad value)."""
    if isinstance(max_alternatives, bool) or not isinstance(max_alternatives, (int, np.integer)) \
            or not 1 <= max_alternatives <= 100:
        raise InvalidArgumentError(f"max_alternatives must be an integer from 1 to 100, "
                                   f"got {describe_value(max_alternatives)}")
    if rejection_threshold is not None:
        if isinstance(rejection_threshold, bool) or not isinstance(rejection_threshold, (int, float, np.number)) \
                or not math.isfinite(float(rejection_threshold)) or rejection_threshold < 0:
            raise InvalidArgumentError(f"rejection_threshold must be a finite number >= 0 (nats per frame) "
                                       f"or None, got {describe_value(rejection_threshold)}")


def check_no_vtln(options: Mapping[str, Any], where: str) -> None:
    """Refuse a call's ``vtln=True`` where it cannot apply: the warp is
    estimated on the whole audio, which a stream and phrase-by-phrase
    decoding do not have (:mod:`asr_engine.adapt.vtln`). A recognizer's own
    default ``vtln`` applies where it can."""
    if options.get("vtln") is True:
        raise InvalidArgumentError(f"vtln=True needs the whole audio before decoding; {where} cannot use it")


def recognition_request(recognizer: "Recognizer", *, grammar: Any, rejection_threshold: Any, max_alternatives: Any,
                        adaptation: Any, speaker_adaptation: Any, keywords: Any, keywords_threshold: Any,
                        word_alternatives_threshold: Any, score_against_phone_loop: Any,
                        end_of_phrase_silence_time: Any, split_transcript_at_phrase_end: Any,
                        speech_detector_sensitivity: Any, background_audio_suppression: Any, phrase_decoding: Any,
                        progress: Any, audio_metrics: Any, speaker_labels: Any, pick_model_by_rate: Any,
                        options: dict[str, Any]) -> RecognitionRequest:
    """Check a ``recognize`` call's arguments (``options``: its
    :class:`SearchOptions` overrides) for ``recognizer``, compiling the grammar.

    Raises:
        InvalidArgumentError: an unknown argument or a bad value (400).
        NotFoundError: a missing grammar file, or grammar words without pronunciations (404).
    """
    opts = recognizer._search_options(options, "recognize()")
    spotting = check_spotting(keywords, keywords_threshold, word_alternatives_threshold)
    check_result_options(max_alternatives, rejection_threshold)
    for name, flag in (("audio_metrics", audio_metrics), ("speaker_labels", speaker_labels)):
        if not isinstance(flag, (bool, np.bool_)):
            raise InvalidArgumentError(f"{name} must be True or False, got {describe_value(flag)}")
    if pick_model_by_rate is not None and not isinstance(pick_model_by_rate, bool):
        raise InvalidArgumentError(f"pick_model_by_rate must be True, False or None, "
                                   f"got {describe_value(pick_model_by_rate)}")
    network = recognizer._grammar_model(grammar) if grammar is not None else None
    phrase_decoding = _long.check_phrase_decoding(phrase_decoding)
    if progress is not None and not callable(progress):
        raise InvalidArgumentError(f"progress must be a callable or None, got {describe_value(progress)}")
    acoustic = getattr(adaptation, "model", adaptation)
    settings = _long.phrase_settings(
        end_of_phrase_silence_time=end_of_phrase_silence_time,
        split_transcript_at_phrase_end=split_transcript_at_phrase_end,
        speech_detector_sensitivity=speech_detector_sensitivity,
        background_audio_suppression=background_audio_suppression, max_alternatives=int(max_alternatives),
        grammar=network, rejection_threshold=rejection_threshold,
        spotting=None if spotting.empty else spotting, score_against_phone_loop=bool(score_against_phone_loop),
        acoustic=None if acoustic is None else acoustic.native, live=phrase_decoding == "live",
        whole_audio=phrase_decoding == "live")
    if phrase_decoding and speaker_adaptation:
        raise InvalidArgumentError("speaker_adaptation decodes the whole audio twice; it cannot be "
                                   "combined with phrase_decoding=True")
    forward = dict(grammar=grammar, rejection_threshold=rejection_threshold, max_alternatives=max_alternatives,
                   speaker_adaptation=speaker_adaptation, keywords=keywords, keywords_threshold=keywords_threshold,
                   word_alternatives_threshold=word_alternatives_threshold,
                   score_against_phone_loop=score_against_phone_loop,
                   end_of_phrase_silence_time=end_of_phrase_silence_time,
                   split_transcript_at_phrase_end=split_transcript_at_phrase_end,
                   speech_detector_sensitivity=speech_detector_sensitivity,
                   background_audio_suppression=background_audio_suppression, phrase_decoding=phrase_decoding,
                   progress=progress, speaker_labels=speaker_labels, **options)
    return RecognitionRequest(
        opts=opts, overrides=MappingProxyType(options), spotting=None if spotting.empty else spotting,
        network=network, settings=settings, acoustic=acoustic, max_alternatives=int(max_alternatives),
        rejection_threshold=rejection_threshold, score_against_phone_loop=bool(score_against_phone_loop),
        phrase_decoding=phrase_decoding, speaker_adaptation=bool(speaker_adaptation), progress=progress,
        audio_metrics=bool(audio_metrics), speaker_labels=bool(speaker_labels),
        # Band-limited audio at a higher rate goes narrowband only for plain
        # n-gram recognition: the phone-loop margins (grammar rejection, the
        # Azure NoMatch threshold) were calibrated on the wideband model.
        by_band=recognizer._pick_by_rate and adaptation is None and pick_model_by_rate is not False,
        plain=grammar is None and not score_against_phone_loop, forward=MappingProxyType(forward))
