"""Data limits of a custom language model (§2.7).

The service limits what one custom model may hold: 10 million total words
from all sources combined (corpora, grammars and words added directly) and,
for previous-generation base models, 90 thousand custom (OOV) words, counting
the words extracted from corpora and grammars and the words added directly
(the SDK's ``add_corpus``/``add_grammar``/``add_words`` docs). The limits are
:class:`~.store.Store` settings (``max_total_words``, ``max_custom_words``)
with the service's values as defaults.

Where they are enforced:

* ``add_words`` / ``add_word``: synchronously, 400, nothing added.
* ``add_corpus``: synchronously (400, nothing stored) when even a lower bound
  of the corpus's words (:func:`lower_bound_words`, computed only for uploads
  large enough to matter) exceeds what the model has left; exactly at
  analysis, which leaves the corpus ``undetermined`` with the limit's text
  as its ``error`` (the analysis is asynchronous, as the service's is).
* ``add_grammar``: at analysis, the same way, for its custom words.

The texts: the service's documentation states the limits but no retrieved
source shows its error bodies, so the messages say the limit in the
documentation's words and the figures of the request.
"""
from __future__ import annotations

import re
import unicodedata
from typing import Iterable, Optional

from sqlalchemy import func, select

from ..errors import InvalidArgumentError
from . import schema

#: Total words from all sources combined per custom model (the service's limit).
MAX_TOTAL_WORDS = 10_000_000
#: Custom (OOV) words per custom model, previous-generation base models (the service's limit).
MAX_CUSTOM_WORDS = 90_000

#: A whole token without a letter or digit (only symbols, punctuation, underscores).
_NO_WORD_TOKEN = re.compile(r"(?<!\S)(?:[^\w\s]|_)+(?!\S)")
_SPACE = re.compile(r"\s")
_BRACKET_CHARS = re.compile(r"[()<>\[\]{}]")


def _limit_words(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000} million"
    if n % 1000 == 0:
        return f"{n // 1000} thousand"
    return str(n)


def total_words_text(limit: int, have: int, adding: int, what: str, at_least: bool = False) -> str:
    """The message for data beyond the total-words limit."""
    return (f"The service limits the overall amount of data that you can add to a custom model to a maximum of "
            f"{_limit_words(limit)} total words from all sources combined; the model has {have} and {what} "
            f"has {'at least ' if at_least else ''}{adding}.")


def custom_words_text(limit: int, have: int, adding: int) -> str:
    """The message for custom words beyond the OOV-words limit."""
    return (f"You can add no more than {_limit_words(limit)} custom (OOV) words to a custom model, including "
            f"the words extracted from corpora and grammars and the words added directly; the model has "
            f"{have} and the request adds {adding} new ones.")


def total_words(conn, model_id: str, exclude_resource: Optional[str] = None,
                exclude_name: Optional[str] = None) -> int:
    """Words the model holds from all sources: the corpora's and grammars'
    ``total_words`` plus one per word added directly (only by the user)."""
    r, w, s = schema.resources, schema.words, schema.word_sources
    q = select(func.coalesce(func.sum(r.c.total_words), 0)).where(
        r.c.model_id == model_id, r.c.kind.in_(("corpus", "grammar")))
    if exclude_resource is not None:
        q = q.where(r.c.id != exclude_resource)
    if exclude_name is not None:
        q = q.where(r.c.name != exclude_name)
    from_resources = int(conn.execute(q).scalar_one())
    sourced = select(s.c.word).where(s.c.model_id == model_id)
    direct = int(conn.execute(select(func.count()).select_from(w).where(
        w.c.model_id == model_id, w.c.user.is_(True), w.c.word.not_in(sourced))).scalar_one())
    return from_resources + direct


def custom_words(conn, model_id: str) -> set[str]:
    """The model's custom words (every row of its words resource)."""
    w = schema.words
    return {r.word for r in conn.execute(select(w.c.word).where(w.c.model_id == model_id))}


def check_custom_words(conn, model_id: str, words: Iterable[str], limit: int) -> None:
    """400 if adding ``words`` would take the model past ``limit`` custom words."""
    have = custom_words(conn, model_id)
    new = len(set(words) - have)
    if new and len(have) + new > limit:
        raise InvalidArgumentError(custom_words_text(limit, len(have), new))


def check_direct_words(conn, model_id: str, words: Iterable[str], store) -> None:
    """400 if words added directly would pass either limit of ``store``."""
    words = set(words)
    check_custom_words(conn, model_id, words, store.max_custom_words)
    new = len(words - custom_words(conn, model_id))
    have = total_words(conn, model_id)
    if new and have + new > store.max_total_words:
        raise InvalidArgumentError(total_words_text(store.max_total_words, have, new, "the request"))


def custom_words_error(conn, model_id: str, words: Iterable[str], limit: int) -> Optional[str]:
    """:func:`check_custom_words` as the message (None when within the limit), for analyses."""
    try:
        check_custom_words(conn, model_id, words, limit)
    except InvalidArgumentError as e:
        return e.message
    return None


def total_words_error(conn, model_id: str, resource_id: str, adding: int, limit: int, what: str) -> Optional[str]:
    """The total-words message when ``adding`` words of ``resource_id`` do not fit, else None."""
    have = total_words(conn, model_id, exclude_resource=resource_id)
    return total_words_text(limit, have, adding, what) if have + adding > limit else None


def lower_bound_words(text: str, chunk_chars: int = 1 << 20) -> int:
    """At most the ``total_words`` the corpus analysis
    (:func:`asr_engine.lm.corpus.normalize_sentences`) finds in ``text``.

    Why a bound holds: the analysis drops the bracketed phrases of each line
    (done here the same way), then only adds words (numbers and amounts are
    spelled out, dashes and sentence ends split) or drops characters that
    are not letters or digits after NFKC; so every whitespace-separated
    token left that has a letter or digit after NFKC gives at least one word.
    Counted in chunks cut at whitespace, so that a 10-million-word text
    costs a few seconds and no list of its 10 million tokens.
    """
    from ..lm.corpus import strip_brackets

    if _BRACKET_CHARS.search(text):
        text = "\n".join(strip_brackets(line) for line in text.splitlines())
    text = unicodedata.normalize("NFKC", text)
    chunk_chars = max(1, int(chunk_chars))
    count, start = 0, 0
    while start < len(text):
        end = min(len(text), start + chunk_chars)
        if end < len(text):  # cut just after a whitespace character: never inside a token
            cut = max(text.rfind(" ", start, end), text.rfind("\n", start, end), text.rfind("\t", start, end))
            if cut >= start:
                end = cut + 1
            else:  # no common space in the chunk: the next whitespace of any kind
                found = _SPACE.search(text, end)
                end = found.end() if found is not None else len(text)
        chunk = text[start:end]
        count += len(chunk.split()) - len(_NO_WORD_TOKEN.findall(chunk))
        start = end
    return count


def precheck_corpus(conn, model_id: str, name: str, text: str, limit: int) -> None:
    """400 before anything is stored when the corpus certainly exceeds the
    total-words limit (replacing a corpus of the same name frees its words).
    Cheap for ordinary uploads: a token needs at least two characters with
    its separator, so a text of ``n`` characters has at most ``n // 2 + 1``
    words and smaller uploads than the room left are not counted."""
    have = total_words(conn, model_id, exclude_name=name)
    room = limit - have
    if len(text) // 2 + 1 <= room:
        return
    at_least = lower_bound_words(text)
    if at_least > room:
        raise InvalidArgumentError(total_words_text(limit, have, at_least, f"the corpus '{name}'", at_least=True))


__all__ = ["MAX_TOTAL_WORDS", "MAX_CUSTOM_WORDS", "check_custom_words", "check_direct_words", "custom_words_error",
           "total_words_error", "lower_bound_words", "precheck_corpus", "total_words", "total_words_text",
           "custom_words_text"]
