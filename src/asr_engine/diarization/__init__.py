"""Diarization: who spoke when, and which speaker said each word.

:class:`SpeakerDiarizer` finds speaker changes and clusters the speech of a
recording into speakers (the number estimated, 1 to 6 by default) from
statistics of the cepstra the front end already computes (the native
``SpeakerDiarizer``: BIC change detection, agglomerative clustering of
full-covariance Gaussians, Viterbi resegmentation). :func:`speaker_labels`
gives recognized words the services' ``speaker_labels`` entries. This
package sits beside ``phrases`` above the front end: it may import
``asr_engine._core``, ``errors``, ``validation``, ``audio``, ``frontend``,
``acoustic``, ``phrases`` and ``results``, never the recognizer, the façades
or anything above them.
"""
from .speaker_diarizer import Diarization, SpeakerDiarizer, SpeakerDiarizerOptions, SpeakerTurn
from .speaker_labels import speaker_labels

__all__ = ["Diarization", "SpeakerDiarizer", "SpeakerDiarizerOptions", "SpeakerTurn", "speaker_labels"]
