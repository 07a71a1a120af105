"""The transcript of one IBM ``recognize`` alternative, from recognized words.

``watson_transcript`` applies, in the service's order: filled pauses as
``%HESITATION``; for final results with ``smart_formatting`` (or
``redaction``, which forces it) the hesitations removed and the IBM
convention of ``inverse_normalize``; ``display_as`` of custom words where
smart formatting did not rewrite the word; numeric redaction (final results
only); profanity masking.  The façade adds the trailing space IBM puts on
every transcript, and masks the other per-word fields with
``profanity.masker`` and ``hesitation.mark_hesitations``.
"""
from __future__ import annotations

from typing import Mapping, Sequence

from ..errors import InvalidArgumentError
from .custom_words import apply_display_as, words_as_spans
from .hesitation import HESITATION, mark_hesitations
from .itn import ItnOptions, format_spans, join_spans
from .profanity import is_profane, mask_word
from .redaction import redact

_IBM = ItnOptions(convention="ibm")


def watson_transcript(
    words: Sequence[str],
    *,
    final: bool = True,
    smart_formatting: bool = False,
    redaction: bool = False,
    profanity_filter: bool = True,
    display_as: Mapping[str, str] | None = None,
) -> str:
    """The ``transcript`` text of one alternative (without the trailing space)."""
    if isinstance(words, str) or not all(isinstance(w, str) for w in words):
        raise InvalidArgumentError("words must be a sequence of strings")
    marked = mark_hesitations(words)
    if final and (smart_formatting or redaction):
        marked = [w for w in marked if w != HESITATION]
        spans = format_spans(marked, _IBM)
    else:
        spans = words_as_spans(marked)
    spans = apply_display_as(spans, display_as)
    if profanity_filter:
        spans = [s.__class__(s.start, s.end, mask_word(s.text), s.rewritten, s.glue_left)
                 if not s.rewritten and is_profane(s.text) else s for s in spans]
    text = join_spans(marked, spans)
    return redact(text) if final and redaction else text
