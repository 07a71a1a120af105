"""Corpora of custom language models (§2.3).

A corpus is UTF-8 text. Adding one stores it and starts its analysis in the
background (status ``being_processed``): the engine's corpus analysis
(:func:`asr_engine.lm.corpus.analyze_corpus`) normalises the text as the
service documents, counts ``total_words`` and finds the words the base
vocabulary lacks; those become words of the model with ``source: [corpus]``
and their ``count``. The normalised sentences are kept as a blob for
training. A failed analysis leaves the corpus ``undetermined`` with the
service's error text.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import insert, select

from ..errors import InvalidArgumentError
from . import lm_state, schema
from .lm_limits import custom_words_error, precheck_corpus, total_words_error
from .names import check_guid, check_resource_name
from .resources import ResourcesMixin, read_upload, record_analysis
from .store import JobContext, Transaction


def analysis_failed_text(name: str) -> str:
    """The service's text for a corpus whose analysis failed."""
    return (f"Analysis of corpus '{name}' failed. Please try adding the corpus again by setting the "
            "'allow_overwrite' flag to 'true'.")


def decode_corpus(raw: bytes) -> str:
    """The corpus as text: UTF-8 (a byte-order mark is dropped), else 400."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidArgumentError(
            f"The corpus file is not valid UTF-8 text (invalid byte 0x{raw[e.start]:02x} at offset {e.start}). "
            "A corpus must be plain text encoded in UTF-8.") from None
    if "\x00" in text:
        raise InvalidArgumentError("The corpus file contains NUL characters; a corpus must be plain text.")
    if not text.strip():
        raise InvalidArgumentError("The corpus file is empty.")
    return text


class CorporaMixin(ResourcesMixin):
    """``list_corpora``, ``add_corpus``, ``get_corpus``, ``delete_corpus``."""

    def list_corpora(self, owner: str, customization_id: str) -> dict:
        return {"corpora": [lm_state.corpus_json(r) for r in self._resources(owner, customization_id, "corpus")]}

    def get_corpus(self, owner: str, customization_id: str, corpus_name: str) -> dict:
        return lm_state.corpus_json(self._resource(owner, customization_id, "corpus", corpus_name))

    def delete_corpus(self, owner: str, customization_id: str, corpus_name: str) -> dict:
        """Delete the corpus and the words only it contributed."""
        return self._remove_resource(owner, customization_id, "corpus", corpus_name)

    def add_corpus(self, owner: str, customization_id: str, corpus_name: str, corpus_file, *,
                   allow_overwrite: bool = False, customer_id: Optional[str] = None) -> dict:
        """Add (or with ``allow_overwrite`` replace) a corpus; analysis runs in the background."""
        raw = read_upload(corpus_file, self.store.max_resource_bytes)
        text = decode_corpus(raw)
        customization_id = check_guid(customization_id)
        check_resource_name(corpus_name, "corpus")
        row = self._fresh_row(owner, customization_id)
        with self.store.reading() as conn:
            precheck_corpus(conn, row.id, corpus_name, text, self.store.max_total_words)
        del text
        return self._add_resource(owner, customization_id, "corpus", corpus_name, raw,
                                  allow_overwrite=bool(allow_overwrite), customer_id=customer_id,
                                  content_type="text/plain", analyze=self._analyze_corpus,
                                  failed=_corpus_failed)

    def _analyze_corpus(self, ctx: JobContext, resource_id: str) -> None:
        from ..lm.corpus import analyze_corpus

        with self.store.reading() as conn:
            model = conn.execute(select(schema.models).where(schema.models.c.id == ctx.model_id)).first()
        base = self._base(model)
        text = decode_corpus(self._read_source(resource_id))
        analysis = analyze_corpus(text, base.vocabulary())
        sentences = "\n".join(analysis.sentences).encode("utf-8")
        blob, size = self.store.write_blob(sentences)
        try:
            with ctx.finish() as tx:
                res = tx.execute(select(schema.resources).where(schema.resources.c.id == resource_id)).first()
                if res is None:  # deleted meanwhile (delete_user_data)
                    self.store.blobs.delete([blob])
                    lm_state.settle(tx, ctx.model_id)
                    return
                limit = (total_words_error(tx.conn, ctx.model_id, resource_id, int(analysis.total_words),
                                           self.store.max_total_words, f"the corpus '{res.name}'")
                         or custom_words_error(tx.conn, ctx.model_id, analysis.oov_counts,
                                               self.store.max_custom_words))
                if limit is not None:  # beyond a limit of §2.7: the corpus is not used
                    self.store.blobs.delete([blob])
                    record_analysis(tx, resource_id, "undetermined", error=limit)
                    lm_state.settle(tx, ctx.model_id)
                    return
                tx.add_blob(blob, size, ctx.model_id, "analysis", resource_id)
                record_analysis(tx, resource_id, "analyzed", total_words=int(analysis.total_words),
                                oov_words=len(analysis.oov_counts), error=None)
                add_word_sources(tx, ctx.model_id, res.owner, resource_id, analysis.oov_counts)
                lm_state.settle(tx, ctx.model_id, dirty=True, failed=False, error=None)
        except BaseException:
            self.store.blobs.delete([blob])
            raise


def _corpus_failed(tx: Transaction, res, exc: BaseException) -> None:
    record_analysis(tx, res.id, "undetermined", error=analysis_failed_text(res.name))
    lm_state.settle(tx, res.model_id)


def add_word_sources(tx: Transaction, model_id: str, owner: str, resource_id: str,
                     counts: dict[str, int]) -> None:
    """Record that ``resource_id`` contains these words (creating the words
    that are new to the model, with automatic pronunciations)."""
    if not counts:
        return
    w, s = schema.words, schema.word_sources
    existing = {r.word for r in tx.execute(select(w.c.word).where(w.c.model_id == model_id))}
    new = [dict(model_id=model_id, word=word, owner=owner, sounds_like=[], display_as=word, mapping_only=None,
                user=False, customer_id=None, error=None, pronunciations=None, created=tx.now, updated=tx.now)
           for word in counts if word not in existing]
    if new:
        tx.execute(insert(w), new)
    tx.execute(insert(s), [dict(model_id=model_id, word=word, resource_id=resource_id, count=int(c))
                           for word, c in counts.items()])


__all__ = ["CorporaMixin", "analysis_failed_text", "decode_corpus", "add_word_sources"]
