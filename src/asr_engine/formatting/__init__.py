"""Words to display text: what both service façades write their transcripts with.

This package turns a recognizer's words into the text the services return:
inverse text normalization (IBM's smart formatting, Azure's ITN form) in
``itn``, spoken email and web addresses in ``electronic``, spoken punctuation
in ``punctuation``, numeric redaction in ``redaction``, profanity masking in
``profanity``, filled pauses (``%HESITATION``) in ``hesitation``, custom
words' ``display_as`` in ``custom_words``, and the two services' assembled
forms in ``watson`` (one IBM transcript) and ``display`` (Azure's Lexical,
ITN, MaskedITN and Display).  The ITN grammar itself (NeMo's English rules,
compiled FSTs shipped by ``wetext``, run by ``kaldifst``) is behind
``grammar.ItnGrammar``; nothing else knows which engine runs it.

It works on plain strings and word lists, so it imports only
``asr_engine.errors`` from the engine: no audio, models or search, and no
façade.  The façades (``asr_engine.watson``, ``asr_engine.azure``) import it.
"""
from __future__ import annotations

from .custom_words import apply_display_as
from .display import TextForms, azure_text_forms, display_text
from .hesitation import HESITATION, drop_hesitations, hesitation_form, is_hesitation, mark_hesitations
from .itn import CONVENTIONS, MAX_TEXT_CHARS, ItnOptions, Span, format_spans, inverse_normalize, join_spans
from .profanity import is_profane, mask_profanity, mask_word, masker
from .redaction import redact
from .watson import watson_spans, watson_transcript

__all__ = [
    "inverse_normalize",
    "ItnOptions",
    "CONVENTIONS",
    "MAX_TEXT_CHARS",
    "Span",
    "format_spans",
    "join_spans",
    "redact",
    "mask_profanity",
    "mask_word",
    "is_profane",
    "masker",
    "HESITATION",
    "hesitation_form",
    "is_hesitation",
    "mark_hesitations",
    "drop_hesitations",
    "apply_display_as",
    "watson_transcript",
    "watson_spans",
    "azure_text_forms",
    "display_text",
    "TextForms",
]
