"""Acoustic adaptation: speaker (and channel) adapted copies of an acoustic model.

From audio with transcripts (given, or a first recognition pass keeping only
confident words), :mod:`.training` gathers Gaussian statistics over a state
alignment, estimates MLLR mean transforms (a global one plus regression
classes from a phonetic tree) and MAP updates on top, and returns an
:class:`AdaptedAcousticModel`: an ordinary Sphinx model directory on disk
(means, variances, the MLLR file PocketSphinx reads with ``-mllr``) that the
:class:`~asr_engine.recognizer.Recognizer` decodes with through its base
model's search network. :mod:`.runtime` does the same per utterance
(``speaker_adaptation=True``); :mod:`.narrowband` derives the 8 kHz model
from the wideband one.

Layering: this package uses the native core, ``acoustic``, ``align``,
``audio``, ``frontend`` and ``dictionary``, and is given a ``Recognizer``
by its callers; it never imports ``recognizer``, the customization store or
the façades.
"""
from .model import AdaptedAcousticModel, MllrTransform
from .statistics import StatisticsCollector
from .training import AdaptationOptions, adapt_acoustic_model

__all__ = [
    "AdaptationOptions",
    "AdaptedAcousticModel",
    "MllrTransform",
    "StatisticsCollector",
    "adapt_acoustic_model",
]
