"""Words of custom language models (§2.4).

``add_words`` validates the whole request first (any invalid entry: 400 and
nothing is added), then processes the words in the background (the model is
``pending`` until they are in). ``add_word`` does the same for one word,
synchronously. Adding an existing word replaces its definition and marks it
as the user's (``source`` gains ``user``). Invalid ``sounds_like`` spellings
(digits, other characters, too long) do not fail the request: they are
recorded in the word's ``error`` and keep the model from training unless
``strict=false``.
"""
from __future__ import annotations

from typing import Optional, Sequence

from sqlalchemy import delete, insert, select, update

from ..errors import InvalidArgumentError, NotFoundError
from . import lm_state, schema
from .lm_limits import check_direct_words
from .names import check_guid, check_word
from .pronunciation import check_sounds_like, word_errors
from .store import JobContext, Transaction

WORD_TYPES = ("all", "user", "corpora", "grammars")
SORTS = ("alphabetical", "count")


def _spec(item) -> dict:
    """One entry of ``add_words`` as a validated dict (a dict or an SDK ``CustomWord``)."""
    if hasattr(item, "to_dict") and not isinstance(item, dict):
        item = item.to_dict()
    if not isinstance(item, dict):
        raise InvalidArgumentError("Each element of 'words' must be an object with a 'word' field.")
    unknown = set(item) - {"word", "sounds_like", "display_as", "mapping_only"}
    if unknown:
        raise InvalidArgumentError(f"Unknown field(s) in a word: {', '.join(sorted(unknown))}.")
    return _definition(item.get("word"), item.get("sounds_like"), item.get("display_as"), item.get("mapping_only"))


def _definition(word, sounds_like, display_as, mapping_only) -> dict:
    word = check_word(word)
    sounds_like = check_sounds_like(word, sounds_like)
    if display_as is not None and not isinstance(display_as, str):
        raise InvalidArgumentError(f"The display_as of word '{word}' must be a string.")
    if display_as is not None and len(display_as) > 512:
        raise InvalidArgumentError(f"The display_as of word '{word}' is longer than 512 characters.")
    if mapping_only is not None:
        if isinstance(mapping_only, str) or not isinstance(mapping_only, (list, tuple)) or \
                not all(isinstance(m, str) for m in mapping_only):
            raise InvalidArgumentError(f"The mapping_only of word '{word}' must be a list of strings.")
        mapping_only = list(mapping_only)
    return {"word": word, "sounds_like": sounds_like, "display_as": display_as or word,
            "mapping_only": mapping_only or None, "error": word_errors(sounds_like)}


class WordsMixin:
    """``list_words``, ``add_words``, ``add_word``, ``get_word``, ``delete_word``."""

    def list_words(self, owner: str, customization_id: str, *, word_type: Optional[str] = None,
                   sort: Optional[str] = None) -> dict:
        """``{"words": [Word, ...]}`` of one type, sorted alphabetically
        (default ascending) or by count (default descending)."""
        word_type = word_type or "all"
        if word_type not in WORD_TYPES:
            raise InvalidArgumentError(f"Invalid value '{word_type}' for word_type; use one of {', '.join(WORD_TYPES)}.")
        sort = sort or "alphabetical"
        direction, key = (sort[0], sort[1:]) if sort[:1] in "+-" and len(sort) > 1 else ("", sort)
        if key not in SORTS:
            raise InvalidArgumentError(f"Invalid value '{sort}' for sort; use alphabetical or count, "
                                       "optionally prefixed with + or -.")
        row = self._fresh_row(owner, customization_id)
        with self.store.reading() as conn:
            rows = list(conn.execute(select(schema.words).where(schema.words.c.model_id == row.id)))
            sources = lm_state.word_sources(conn, row.id)
        items = [lm_state.word_json(r, sources.get(r.word, [])) for r in rows]
        if word_type == "user":
            items = [w for w in items if "user" in w["source"]]
        elif word_type in ("corpora", "grammars"):
            wanted = "corpus" if word_type == "corpora" else "grammar"
            keep = {w for w, src in sources.items() if any(k == wanted for _n, k, _c in src)}
            items = [w for w in items if w["word"] in keep]
        items.sort(key=lambda w: (w["word"].casefold(), w["word"]))
        if key == "count":
            items.sort(key=lambda w: w["count"], reverse=direction != "+")
        elif direction == "-":
            items.reverse()
        return {"words": items}

    def get_word(self, owner: str, customization_id: str, word_name: str) -> dict:
        row = self._fresh_row(owner, customization_id)
        word_name = check_word(word_name, "word_name")
        with self.store.reading() as conn:
            w = _word_row(conn, row.id, word_name)
            return lm_state.word_json(w, lm_state.word_sources(conn, row.id, word_name).get(word_name, []))

    def delete_word(self, owner: str, customization_id: str, word_name: str) -> dict:
        """Remove the word from the model (a base-vocabulary word keeps its base pronunciation)."""
        customization_id = check_guid(customization_id)
        word_name = check_word(word_name, "word_name")
        with self.store.transaction() as tx:
            self._idle(tx, owner, customization_id)
            _word_row(tx.conn, customization_id, word_name)
            w, s = schema.words, schema.word_sources
            tx.execute(delete(s).where(s.c.model_id == customization_id, s.c.word == word_name))
            tx.execute(delete(w).where(w.c.model_id == customization_id, w.c.word == word_name))
            lm_state.mark_changed(tx, customization_id)
        return {}

    def add_word(self, owner: str, customization_id: str, word_name: str, *, word: Optional[str] = None,
                 sounds_like: Optional[Sequence[str]] = None, display_as: Optional[str] = None,
                 mapping_only: Optional[Sequence[str]] = None, customer_id: Optional[str] = None) -> dict:
        """Add or replace one word, synchronously (``word``, if given, must equal ``word_name``)."""
        customization_id = check_guid(customization_id)
        spec = _definition(word_name, sounds_like, display_as, mapping_only)
        if word is not None and word != word_name:
            raise InvalidArgumentError(f"The word '{word}' in the body differs from the word_name '{word_name}'.")
        row = self._fresh_row(owner, customization_id)
        spec["pronunciations"] = self._pronouncer(self._base(row)).pronunciations(spec["word"], spec["sounds_like"])
        with self.store.transaction() as tx:
            self._idle(tx, owner, customization_id)
            check_direct_words(tx.conn, customization_id, [spec["word"]], self.store)
            put_words(tx, customization_id, owner, [spec], customer_id)
            lm_state.mark_changed(tx, customization_id)
        return {}

    def add_words(self, owner: str, customization_id: str, words, *, customer_id: Optional[str] = None) -> dict:
        """Add or replace several words; they are processed in the background."""
        customization_id = check_guid(customization_id)
        if isinstance(words, dict) and "words" in words:
            words = words["words"]
        if isinstance(words, (str, bytes)) or not isinstance(words, (list, tuple)) or not words:
            raise InvalidArgumentError("'words' must be a non-empty array of words.")
        specs = {}
        for item in words:
            spec = _spec(item)
            specs[spec["word"]] = spec  # a later entry for the same word wins
        model = self._fresh_row(owner, customization_id)
        with self.store.transaction() as tx:
            job_id = self._claim(tx, owner, customization_id, "words", status="pending")
            check_direct_words(tx.conn, customization_id, specs, self.store)  # rolls the claim back

        def process(ctx: JobContext) -> None:
            pronouncer = self._pronouncer(self._base(model))
            for spec in specs.values():
                spec["pronunciations"] = pronouncer.pronunciations(spec["word"], spec["sounds_like"])
            with ctx.finish() as tx:
                put_words(tx, ctx.model_id, owner, list(specs.values()), customer_id)
                lm_state.settle(tx, ctx.model_id, dirty=True, failed=False, error=None)

        def failed(ctx: JobContext, exc: BaseException) -> None:
            with ctx.finish() as tx:
                detail = getattr(exc, "message", None) or f"{type(exc).__name__}: {exc}"
                lm_state.settle(tx, ctx.model_id, error=f"The words could not be added: {detail}")

        self.store.run_job(customization_id, job_id, "words", process, failed)
        return {}


def _word_row(conn, model_id: str, word: str):
    w = schema.words
    row = conn.execute(select(w).where(w.c.model_id == model_id, w.c.word == word)).first()
    if row is None:
        raise NotFoundError(f"The word '{word}' does not exist in customization '{model_id}'.")
    return row


def put_words(tx: Transaction, model_id: str, owner: str, specs: list[dict], customer_id: Optional[str]) -> None:
    """Insert or replace user definitions (keeping the words' corpus/grammar sources)."""
    w = schema.words
    existing = {r.word for r in tx.execute(select(w.c.word).where(
        w.c.model_id == model_id, w.c.word.in_([s["word"] for s in specs])))}
    for s in specs:
        values = dict(sounds_like=s["sounds_like"], display_as=s["display_as"], mapping_only=s["mapping_only"],
                      user=True, customer_id=customer_id, error=s["error"],
                      pronunciations=s.get("pronunciations"), updated=tx.now)
        if s["word"] in existing:
            tx.execute(update(w).where(w.c.model_id == model_id, w.c.word == s["word"]).values(**values))
        else:
            tx.execute(insert(w).values(model_id=model_id, word=s["word"], owner=owner, created=tx.now, **values))


__all__ = ["WordsMixin", "WORD_TYPES", "SORTS", "put_words"]
