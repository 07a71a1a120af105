"""``PronunciationAssessor``: scores how an utterance pronounces a reference text."""
from __future__ import annotations

import math
import threading
from typing import Any, Optional, Union

from ..acoustic import SenoneScorer
from ..align import _PUNCTUATION, AlignOptions, Alignment, ForcedAligner
from ..audio import Audio
from ..audio.input import AudioInput, read_audio
from ..errors import AudioError, InvalidArgumentError
from ..results import Result, WordResult
from ..validation import describe_value
from ..vocabulary import extended_dictionary, generate_pronunciations
from . import calibration as cal
from .fluency import fluency, speech_timing
from .gop import CiPhoneSet, PhoneGoodness, phone_goodness
from .miscue import align_words
from .phonemes import ALPHABETS, phoneme_name
from .results import PhonemeAssessment, PhonemeCandidate, PronunciationAssessment, WordAssessment

__all__ = ["PronunciationAssessor", "GRADING_SYSTEMS", "GRANULARITIES", "DIMENSIONS"]

GRADING_SYSTEMS = ("HundredMark", "FivePoint")
GRANULARITIES = ("Phoneme", "Word", "FullText")
DIMENSIONS = ("Basic", "Comprehensive")
#: Upper bound of ``nbest_phoneme_count`` (the model has ~40 speech phones).
MAX_NBEST_PHONEMES = 10


def _choice(name: str, value: object, allowed: tuple[str, ...]) -> str:
    if not isinstance(value, str) or value not in allowed:
        raise InvalidArgumentError(f"{name} must be one of {', '.join(allowed)}, got {describe_value(value)}")
    return value


class PronunciationAssessor:
    """Pronunciation assessment with a recognizer's acoustic model and
    dictionary; safe to share between threads.

    Args:
        recognizer: a :class:`~asr_engine.Recognizer`; its acoustic model and
            dictionary score the phones, and its search gives the recognized
            words for miscue detection when :meth:`assess` is not handed them.
    """

    def __init__(self, recognizer: Any) -> None:
        from ..recognizer import Recognizer  # noqa: PLC0415

        if not isinstance(recognizer, Recognizer):
            raise InvalidArgumentError(f"recognizer must be a Recognizer, got {describe_value(recognizer)}")
        self.recognizer = recognizer
        self._options = AlignOptions(quality=False)
        self._aligner = ForcedAligner(recognizer.acoustic_model, recognizer.dictionary, self._options)
        self._scorer = SenoneScorer(recognizer.acoustic_model)
        self._ci = CiPhoneSet(recognizer.acoustic_model)
        self._step = 1.0 / float(recognizer.acoustic_model.feat_params.get("frate", 100))
        self._extended: dict[tuple[str, ...], ForcedAligner] = {}
        self._lock = threading.Lock()

    def assess(
        self,
        audio: Union[AudioInput, Audio],
        reference_text: str,
        *,
        content_type: Optional[str] = None,
        sample_rate: Optional[int] = None,
        granularity: str = "Phoneme",
        grading_system: str = "FivePoint",
        dimension: str = "Basic",
        enable_miscue: bool = False,
        nbest_phoneme_count: int = 0,
        phoneme_alphabet: str = "SAPI",
        recognized: Optional[Result] = None,
    ) -> PronunciationAssessment:
        """Assess ``audio`` (any source :mod:`asr_engine.audio.input` reads)
        against ``reference_text``.

        Args:
            (Defaults are Azure's: ``Phoneme``, ``FivePoint``, ``Basic``,
            no miscue, ``SAPI``.)
            reference_text: what the speaker was meant to say; punctuation is
                ignored, words the dictionary lacks get G2P pronunciations.
            granularity: ``Phoneme`` (full text, words, phonemes), ``Word``
                (full text, words) or ``FullText``.
            grading_system: ``HundredMark`` (0-100) or ``FivePoint`` (0-5).
            dimension: ``Basic`` (accuracy only) or ``Comprehensive`` (plus
                fluency, completeness, PronScore and word error types).
            enable_miscue: mark reference words not said as ``Omission`` and
                spoken words not in the reference as ``Insertion``.
            nbest_phoneme_count: spoken-phoneme candidates per phoneme (0-10;
                ``Phoneme`` granularity).
            phoneme_alphabet: ``SAPI`` or ``IPA``.
            recognized: the recognizer's result for this audio, if the caller
                already has it (saves a decode when ``enable_miscue``).

        Raises:
            InvalidArgumentError: a bad parameter, an empty reference text, or
                a reference word that cannot be pronounced (400).
            AudioError, UnsupportedMediaTypeError: audio that cannot be read.
        """
        granularity = _choice("granularity", granularity, GRANULARITIES)
        grading_system = _choice("grading_system", grading_system, GRADING_SYSTEMS)
        dimension = _choice("dimension", dimension, DIMENSIONS)
        phoneme_alphabet = _choice("phoneme_alphabet", phoneme_alphabet, ALPHABETS)
        if not isinstance(enable_miscue, bool):
            raise InvalidArgumentError(f"enable_miscue must be True or False, got {describe_value(enable_miscue)}")
        if isinstance(nbest_phoneme_count, bool) or not isinstance(nbest_phoneme_count, int) \
                or not 0 <= nbest_phoneme_count <= MAX_NBEST_PHONEMES:
            raise InvalidArgumentError(f"nbest_phoneme_count must be an integer from 0 to {MAX_NBEST_PHONEMES}, "
                                       f"got {describe_value(nbest_phoneme_count)}")
        if recognized is not None and not isinstance(recognized, Result):
            raise InvalidArgumentError(f"recognized must be a Result or None, got {describe_value(recognized)}")
        shown, words, aligner = self._reference(reference_text)

        decoded = read_audio(audio, content_type, sample_rate=sample_rate, target_rate=self.recognizer.sample_rate)
        feats = aligner.features(decoded)
        try:
            alignment: Optional[Alignment] = aligner.align_features(feats, words) if len(feats) else None
        except AudioError:
            alignment = None  # the audio cannot hold the reference: nothing of it was said
        goods = phone_goodness(feats, alignment, self._scorer, self._ci, self._step,
                               nbest_phoneme_count) if alignment is not None else []
        matched: Optional[list[bool]] = None
        inserted: list[WordResult] = []
        if enable_miscue:
            if recognized is None:
                recognized = self.recognizer.recognize(decoded)
            matched, inserted = self._miscue(words, recognized.words, feats, aligner, alignment)
        return self._score(shown, words, alignment, goods, matched, inserted, granularity=granularity,
                           grading_system=grading_system, dimension=dimension, enable_miscue=enable_miscue,
                           alphabet=phoneme_alphabet)

    # -- reference text ----------------------------------------------------

    def _reference(self, text: object) -> tuple[list[str], list[str], ForcedAligner]:
        """``(words as written, dictionary words, aligner knowing them all)``."""
        if not isinstance(text, str):
            raise InvalidArgumentError(f"reference_text must be a string, got {describe_value(text)}")
        dictionary = self.recognizer.dictionary
        shown: list[str] = []
        words: list[str] = []
        missing: list[str] = []
        for token in text.split():
            stripped = token.strip(_PUNCTUATION)
            if not stripped:
                continue
            found = next((c for c in (token, token.lower(), stripped.lower()) if c in dictionary), None)
            if found is None:
                found = stripped.lower()
                if found not in missing:
                    missing.append(found)
            shown.append(stripped)
            words.append(found)
        if not words:
            raise InvalidArgumentError("reference_text is empty: give the words the speaker was meant to say")
        if not missing:
            return shown, words, self._aligner
        return shown, words, self._aligner_with(tuple(missing))

    def _aligner_with(self, missing: tuple[str, ...]) -> ForcedAligner:
        with self._lock:
            cached = self._extended.get(missing)
        if cached is not None:
            return cached
        prons: dict[str, list[list[str]]] = {}
        for word in missing:
            try:
                prons[word] = generate_pronunciations(word, 1)
            except InvalidArgumentError as e:
                raise InvalidArgumentError(f"reference_text: the word {word!r} cannot be pronounced ({e}); "
                                           f"spell numbers and symbols as words") from e
        dictionary = extended_dictionary(self.recognizer.dictionary, prons)
        aligner = ForcedAligner(self.recognizer.acoustic_model, dictionary, self._options)
        with self._lock:
            if len(self._extended) >= 64:
                self._extended.pop(next(iter(self._extended)))
            self._extended[missing] = aligner
        return aligner

    # -- miscue ----------------------------------------------------------

    def _miscue(self, words: list[str], hyp: list[WordResult], feats: Any, aligner: ForcedAligner,
                alignment: Optional[Alignment]) -> tuple[list[bool], list[WordResult]]:
        """``(reference words the recognized words contain, confirmed insertions)``.

        A recognized word the Levenshtein alignment does not match to the
        same reference word (an insertion or a substitution) is only a
        candidate: the reference is force-aligned again with it inserted at
        that place, and it is an insertion when that raises the path score by
        more than :data:`~.calibration.INSERTION_MIN_GAIN` nats (an extra word
        that was not said steals frames from its neighbours and lowers it).
        """
        hyp_words = [_plain(w.word) for w in hyp]
        matched = [False] * len(words)
        candidates: list[WordResult] = []
        for i, j in align_words([w.lower() for w in words], hyp_words):
            if i is not None and j is not None and words[i].lower() == hyp_words[j]:
                matched[i] = True
            elif j is not None and hyp_words[j] in aligner.dictionary:
                candidates.append(hyp[j])  # extra or substituted: the re-alignment decides
        confirmed: list[WordResult] = []
        if alignment is None:
            return matched, confirmed
        middles = [(w.start + w.end) / 2 for w in alignment.words if w.index is not None]
        for word in candidates[:cal.MAX_INSERTION_CANDIDATES]:
            # It goes where the time says: after the reference words aligned before it.
            position = sum(m < (word.start + word.end) / 2 for m in middles)
            trial = words[:position] + [_plain(word.word)] + words[position:]
            try:
                gain = aligner.align_features(feats, trial).score - alignment.score
            except AudioError:
                continue
            if gain > cal.INSERTION_MIN_GAIN:
                confirmed.append(word)
        return matched, confirmed

    # -- scores ----------------------------------------------------------

    def _score(self, shown: list[str], words: list[str], alignment: Optional[Alignment],
               goods: list[PhoneGoodness], matched: Optional[list[bool]], inserted: list[WordResult], *,
               granularity: str, grading_system: str,
               dimension: str, enable_miscue: bool, alphabet: str) -> PronunciationAssessment:
        scale = 1.0 if grading_system == "HundredMark" else 0.05

        def grade(x: float) -> float:
            return round(x * scale, 2)

        n = len(words)
        # Per reference word: its aligned segment and its phones' accuracies.
        span: list[tuple[float, float]] = [(0.0, 0.0)] * n
        phones: list[list[tuple[PhoneGoodness, float]]] = [[] for _ in range(n)]
        squeezed = [True] * n
        if alignment is not None:
            slot_of = {}
            shortest = self.recognizer.acoustic_model.n_states_per_phone * self._step
            for k, w in enumerate(alignment.words):
                if w.index is not None:
                    span[w.index] = (w.start, w.end)
                    slot_of[k] = w.index
                    squeezed[w.index] = w.end - w.start < cal.SQUEEZED_BELOW * shortest * (w.phones[1] - w.phones[0])
            for g in goods:
                slot = slot_of.get(alignment.phones[g.index].word)
                if slot is not None:
                    phones[slot].append((g, _phone_accuracy(g.gop)))
        accuracy = [sum(a * g.frames for g, a in ps) / sum(g.frames for g, _ in ps) if ps else 0.0
                    for ps in phones]
        if matched is None:
            matched = [False] * n
        omitted = [not matched[i] and (accuracy[i] < cal.OMISSION_BELOW
                                       or (squeezed[i] and accuracy[i] < cal.MISPRONUNCIATION_BELOW))
                   for i in range(n)]
        pronounced = [i for i in range(n) if not omitted[i]]
        full_accuracy = sum(accuracy) / n
        completeness = 100.0 * len(pronounced) / n

        comprehensive = dimension == "Comprehensive"
        fluency_score = completeness_score = pron_score = None
        if comprehensive:
            rate, pause = speech_timing(alignment) if alignment is not None else (None, 0.0)
            flu = 100.0 * fluency(rate, pause) if pronounced else 0.0
            wa, wf, wc = cal.PRON_WEIGHTS
            pron = (wa * full_accuracy + wf * flu + wc * completeness) / (wa + wf + wc)
            fluency_score, completeness_score, pron_score = grade(flu), grade(completeness), grade(pron)

        out_words: list[WordAssessment] = []
        if granularity != "FullText":
            typed = comprehensive or enable_miscue
            for i in range(n):
                if enable_miscue and omitted[i]:
                    kind = "Omission"
                elif accuracy[i] < cal.MISPRONUNCIATION_BELOW:
                    kind = "Mispronunciation"
                else:
                    kind = "None"
                ph: list[PhonemeAssessment] = []
                if granularity == "Phoneme" and alignment is not None:
                    for g, a in phones[i]:
                        seg = alignment.phones[g.index]
                        ph.append(PhonemeAssessment(
                            phoneme_name(seg.phone, alphabet), grade(a), seg.start, round(seg.end - seg.start, 4),
                            [PhonemeCandidate(phoneme_name(p, alphabet), round(100.0 * math.exp(m), 1))
                             for p, m in g.candidates]))
                start, end = span[i]
                acc = 0.0 if kind == "Omission" else accuracy[i]
                out_words.append(WordAssessment(shown[i], grade(acc), kind if typed else None, start,
                                                round(end - start, 4), ph))
            if enable_miscue:
                for extra in inserted:
                    out_words.append(WordAssessment(_plain(extra.word), 0.0, "Insertion", extra.start,
                                                    round(extra.end - extra.start, 4), []))
                out_words.sort(key=lambda w: w.offset)
        return PronunciationAssessment(grade(full_accuracy), fluency_score, completeness_score, pron_score,
                                       out_words, grading_system, granularity, dimension)


def _phone_accuracy(gop: float) -> float:
    """0-100 from a GOP (see :mod:`.calibration`)."""
    z = cal.GOP_SLOPE * gop + cal.GOP_OFFSET
    return 100.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


def _plain(word: str) -> str:
    """A recognized word without its variant marker, lower case."""
    base = word.split("(")[0] if word.endswith(")") else word
    return base.lower()
