"""The transcript of one IBM ``recognize`` alternative, from recognized words.

``watson_transcript`` applies, in the service's order: filled pauses as
``%HESITATION``; for final results with ``smart_formatting`` (or
``redaction``, which forces it) the hesitations removed and the IBM
convention of ``inverse_normalize``; ``display_as`` of custom words where
smart formatting did not rewrite the word; numeric redaction (final results
only); profanity masking.  The façade adds the trailing space IBM puts on
every transcript, and masks the other per-word fields with
``profanity.masker`` and ``hesitation.mark_hesitations``; ``watson_spans``
gives the written spans and the words each covers, for timestamps.
"""
from __future__ import annotations

from dataclasses import replace
from typing import Mapping, Sequence

from ..errors import InvalidArgumentError
from .custom_words import apply_display_as, words_as_spans
from .hesitation import HESITATION, hesitation_form
from .itn import ItnOptions, Span, format_spans, join_spans
from .profanity import is_profane, mask_word
from .redaction import redact

_IBM = ItnOptions(convention="ibm")


def watson_spans(
    words: Sequence[str],
    *,
    final: bool = True,
    smart_formatting: bool = False,
    redaction: bool = False,
    profanity_filter: bool = True,
    display_as: Mapping[str, str] | None = None,
) -> tuple[list[Span], list[int]]:
    """The written spans of one alternative, and which input words they cover.

    Returns ``(spans, kept)``: ``kept`` lists the indexes of the input words
    that survive (fillers are dropped, and filled pauses too where smart
    formatting removes them); span ``start``/``end`` index into ``kept``, so
    a façade can give each written token the times of the words it covers.
    """
    if isinstance(words, str) or not all(isinstance(w, str) for w in words):
        raise InvalidArgumentError("words must be a sequence of strings")
    formatting = final and (smart_formatting or redaction)
    kept: list[int] = []
    marked: list[str] = []
    for i, w in enumerate(words):
        form = hesitation_form(w)
        if form is None or (formatting and form == HESITATION):
            continue
        kept.append(i)
        marked.append(form)
    spans = format_spans(marked, _IBM) if formatting else words_as_spans(marked)
    spans = apply_display_as(spans, display_as)
    if profanity_filter:
        spans = [replace(s, text=mask_word(s.text)) if not s.rewritten and is_profane(s.text) else s
                 for s in spans]
    if final and redaction:
        spans = [replace(s, text=redact(s.text)) for s in spans]
    return spans, kept


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
    spans, _kept = watson_spans(words, final=final, smart_formatting=smart_formatting, redaction=redaction,
                                profanity_filter=profanity_filter, display_as=display_as)
    return join_spans([], spans)
