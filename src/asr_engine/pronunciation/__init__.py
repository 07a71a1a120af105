"""Pronunciation assessment: how well an utterance says a reference text.

:class:`PronunciationAssessor` (``assess(audio, reference_text, ...)``) gives
the scores of Azure's pronunciation assessment (accuracy, fluency,
completeness, PronScore; per word accuracy and error type; per phoneme
accuracy and n-best candidates) as :class:`PronunciationAssessment`
dataclasses in seconds; the Azure façade shapes them into its JSON.

Method:

* **Accuracy** is goodness of pronunciation (:mod:`.gop`): the reference is
  force-aligned (:class:`~asr_engine.align.ForcedAligner`; words the
  dictionary lacks get G2P pronunciations), and each aligned phone's
  frame-averaged log-likelihood is compared with the best competing CI phone
  of a free phone loop over the same frames. A logistic fitted on native
  dev speech maps it to 0-100 (:mod:`.calibration`); word accuracy is the
  frame-weighted mean of its phones, full-text accuracy the mean over all
  reference words (a word not said scores what its squeezed segment scores,
  so saying something else cannot raise it).
* **Fluency** (:mod:`.fluency`): pause time between the first and last word
  beyond the native 90th percentile, and a speaking rate more than two
  native standard deviations (log scale) from the native mean, lower it.
* **Completeness**: the share of reference words pronounced. A word counts
  as not pronounced when the recognized words do not contain it and either
  its accuracy is below 30, or it is below 60 and the alignment squeezed it
  into less than 1.5 times its shortest length (one frame per HMM state).
  The recognizer decodes the audio when miscue detection is on and no result
  is handed in; without a decode, the acoustic tests alone decide.
* **Miscue** (:mod:`.miscue`): a Levenshtein alignment of the recognized
  words to the reference; reference words not pronounced are ``Omission``,
  a recognized word the reference lacks is ``Insertion`` when aligning the
  reference with it added at its time raises the path score by more than
  10 nats (else it was a recognition error).
  Other words below accuracy 60 are ``Mispronunciation``.
* **PronScore** = 0.6 accuracy + 0.2 fluency + 0.2 completeness.
* ``FivePoint`` scores are the ``HundredMark`` ones divided by 20.

May import: ``acoustic``, ``align``, ``audio``, ``vocabulary``, ``results``,
``errors``, ``validation`` and (for the type check and decode only)
``recognizer``; nothing from the façades.
"""
from __future__ import annotations

from .assessor import DIMENSIONS, GRADING_SYSTEMS, GRANULARITIES, PronunciationAssessor
from .results import PhonemeAssessment, PhonemeCandidate, PronunciationAssessment, WordAssessment

__all__ = [
    "DIMENSIONS",
    "GRADING_SYSTEMS",
    "GRANULARITIES",
    "PhonemeAssessment",
    "PhonemeCandidate",
    "PronunciationAssessment",
    "PronunciationAssessor",
    "WordAssessment",
]
