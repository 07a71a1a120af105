"""Azure's four text forms of a recognition: Lexical, ITN, MaskedITN, Display.

* ``lexical``: the recognized words (fillers dropped), as the model spells them.
* ``itn``: ``inverse_normalize`` with Azure's convention (``remind me to buy
  5 pencils``, ``dr smith``), ``display_as`` applied where ITN left a word.
* ``masked_itn``: the ITN form with the ``profanity`` mode applied
  (``masked``: asterisks; ``removed``: left out; ``raw``: unchanged).
* ``display``: the masked ITN form written as a sentence: first letter
  capital, ``I``, titles with their period and a capital name (``Dr.
  Smith``), month and weekday names and the caller's proper nouns capitalized,
  and a final period, or a question mark when the sentence opens as a
  question.  ``Remind me to buy 5 pencils.``, ``Good morning.``

Lexical and ITN are raw in every mode (the masking is what MaskedITN and
Display are for); with ``raw`` all four are unmasked.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Mapping, Sequence

from ..errors import InvalidArgumentError
from .custom_words import apply_display_as
from .hesitation import drop_hesitations
from .itn import ItnOptions, Span, format_spans, join_spans
from .profanity import check_mode, is_profane, mask_word

_AZURE = ItnOptions(convention="azure")
_TITLES = {"mr": "Mr.", "mrs": "Mrs.", "ms": "Ms.", "dr": "Dr.", "st": "St.", "jr": "Jr.", "sr": "Sr.", "prof": "Prof."}
_ALWAYS_CAPITAL = frozenset(
    "january february april june july august september october november december "
    "monday tuesday wednesday thursday friday saturday sunday".split()
)
_DATE_ONLY_CAPITAL = frozenset({"march", "may"})  # verbs too: only inside a written date
_QUESTION_OPENERS = frozenset(
    "who whom whose what which when where why how is are am was were do does did "
    "can could will would shall should may might must have has had isn't aren't "
    "wasn't weren't don't doesn't didn't can't couldn't won't wouldn't shouldn't".split()
)
_I_FORMS = {"i": "I", "i'm": "I'm", "i'll": "I'll", "i've": "I've", "i'd": "I'd"}


@dataclass(frozen=True)
class TextForms:
    """The four forms of one recognition (Azure ``NBest[]`` fields)."""

    lexical: str
    itn: str
    masked_itn: str
    display: str


def azure_text_forms(
    words: Sequence[str],
    *,
    profanity: str = "masked",
    display_as: Mapping[str, str] | None = None,
    proper_nouns: Mapping[str, str] | Sequence[str] | None = None,
) -> TextForms:
    """Lexical, ITN, MaskedITN and Display of recognized ``words``."""
    check_mode(profanity)
    if isinstance(words, str) or not all(isinstance(w, str) for w in words):
        raise InvalidArgumentError("words must be a sequence of strings")
    words = drop_hesitations(words)
    spans = apply_display_as(format_spans(words, _AZURE), display_as)
    masked = mask_spans(spans, profanity)
    return TextForms(
        lexical=" ".join(words),
        itn=join_spans(words, spans),
        masked_itn=join_spans(words, masked),
        display=display_text(masked, proper_nouns),
    )


def mask_spans(spans: list[Span], mode: str) -> list[Span]:
    if mode == "raw":
        return spans
    out = []
    for s in spans:
        if not s.rewritten and is_profane(s.text):
            if mode == "masked":
                out.append(replace(s, text=mask_word(s.text)))
        else:
            out.append(s)
    return out


def _proper_noun_table(proper_nouns) -> dict[str, str]:
    if proper_nouns is None:
        return {}
    if isinstance(proper_nouns, Mapping):
        items = proper_nouns.items()
    elif isinstance(proper_nouns, (list, tuple, set, frozenset)):
        items = ((w, w) for w in proper_nouns)
    else:
        raise InvalidArgumentError("proper_nouns must be a list of words or a mapping to their spelling")
    table = {}
    for k, v in items:
        if not isinstance(k, str) or not isinstance(v, str):
            raise InvalidArgumentError("proper nouns must be strings")
        table[k.lower()] = v
    return table


def display_text(spans: list[Span], proper_nouns=None) -> str:
    """The display form of formatted spans (see module doc)."""
    table = _proper_noun_table(proper_nouns)
    out: list[Span] = []
    capital_next = True
    for s in spans:
        text = s.text
        low = text.lower()
        if low in _TITLES:
            text = _TITLES[low]
        elif not s.rewritten:
            if low in table:
                text = table[low]
            elif low in _I_FORMS:
                text = _I_FORMS[low]
            elif low in _ALWAYS_CAPITAL or (out and out[-1].text in _TITLES.values()):
                text = text[:1].upper() + text[1:]
        else:
            text = " ".join(
                w.capitalize() if w.lower() in _ALWAYS_CAPITAL | _DATE_ONLY_CAPITAL else w
                for w in text.split(" ")
            )
        if capital_next and text:
            text = text[:1].upper() + text[1:]
            capital_next = False
        out.append(replace(s, text=text))
    body = join_spans([], out)
    if not body:
        return ""
    if body[-1] not in ".?!":
        first = spans[0].text.lower() if spans else ""
        body += "?" if first in _QUESTION_OPENERS else "."
    return body
