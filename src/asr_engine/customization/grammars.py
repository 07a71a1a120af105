"""Grammars of custom language models (§2.5).

A grammar is SRGS ABNF (``application/srgs``) or SRGS XML
(``application/srgs+xml``); other media types are refused with 415. The
background analysis compiles it with :func:`asr_engine.compile_grammar`;
the words it can produce that the base vocabulary lacks become words with
``source: [grammar]``. A grammar that does not compile is ``undetermined``
with the service's error text, and the model's ``error`` gives the
compiler's message. A grammar is used only after training, and only when a
recognition names it.
"""
from __future__ import annotations

from typing import Optional

from sqlalchemy import select

from ..errors import AsrError, InvalidArgumentError, UnsupportedMediaTypeError
from . import lm_state, schema
from .corpora import add_word_sources
from .lm_limits import custom_words_error, total_words_error
from .resources import ResourcesMixin, read_upload, record_analysis
from .store import JobContext, Transaction

GRAMMAR_MEDIA_TYPES = ("application/srgs", "application/srgs+xml")


def grammar_failed_text(name: str) -> str:
    """The service's text for a grammar whose analysis failed."""
    return (f"Analysis of grammar '{name}' failed. Please try fixing the error or adding the grammar again "
            "by setting the 'allow_overwrite' flag to 'true'.")


def grammar_media_type(content_type) -> str:
    """``application/srgs`` or ``application/srgs+xml`` (parameters dropped), else 415."""
    if not isinstance(content_type, str) or not content_type.strip():
        raise UnsupportedMediaTypeError(
            "The content_type of a grammar is required: application/srgs or application/srgs+xml.")
    media = content_type.split(";")[0].strip().lower()
    if media not in GRAMMAR_MEDIA_TYPES:
        raise UnsupportedMediaTypeError(
            f"Unsupported content type '{content_type}' for a grammar: use application/srgs (ABNF) "
            "or application/srgs+xml (XML).")
    return media


def grammar_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as e:
        raise InvalidArgumentError(
            f"The grammar file is not valid UTF-8 text (invalid byte at offset {e.start}).") from None


class GrammarsMixin(ResourcesMixin):
    """``list_grammars``, ``add_grammar``, ``get_grammar``, ``delete_grammar``."""

    def list_grammars(self, owner: str, customization_id: str) -> dict:
        return {"grammars": [lm_state.grammar_json(r) for r in self._resources(owner, customization_id, "grammar")]}

    def get_grammar(self, owner: str, customization_id: str, grammar_name: str) -> dict:
        return lm_state.grammar_json(self._resource(owner, customization_id, "grammar", grammar_name))

    def delete_grammar(self, owner: str, customization_id: str, grammar_name: str) -> dict:
        return self._remove_resource(owner, customization_id, "grammar", grammar_name)

    def add_grammar(self, owner: str, customization_id: str, grammar_name: str, grammar_file,
                    content_type: str, *, allow_overwrite: bool = False,
                    customer_id: Optional[str] = None) -> dict:
        """Add (or replace) a grammar; it is compiled in the background."""
        media = grammar_media_type(content_type)
        raw = read_upload(grammar_file, self.store.max_resource_bytes)
        grammar_text(raw)
        return self._add_resource(owner, customization_id, "grammar", grammar_name, raw,
                                  allow_overwrite=bool(allow_overwrite), customer_id=customer_id,
                                  content_type=media, analyze=self._analyze_grammar, failed=_grammar_failed)

    def _analyze_grammar(self, ctx: JobContext, resource_id: str) -> None:
        from ..grammar import compile_grammar

        with self.store.reading() as conn:
            model = conn.execute(select(schema.models).where(schema.models.c.id == ctx.model_id)).first()
            res = conn.execute(select(schema.resources).where(schema.resources.c.id == resource_id)).first()
        base = self._base(model)
        grammar = compile_grammar(grammar_text(self._read_source(resource_id)), res.content_type)
        oov = base.vocabulary().missing(w for w in grammar.words if not w.startswith("<"))
        with ctx.finish() as tx:
            if tx.execute(select(schema.resources.c.id).where(schema.resources.c.id == resource_id)).first() is None:
                lm_state.settle(tx, ctx.model_id)
                return
            limit = (total_words_error(tx.conn, ctx.model_id, resource_id, len(grammar.words),
                                       self.store.max_total_words, f"the grammar '{res.name}'")
                     or custom_words_error(tx.conn, ctx.model_id, oov, self.store.max_custom_words))
            if limit is not None:  # beyond a limit of §2.7: the grammar is not used
                record_analysis(tx, resource_id, "undetermined", error=limit)
                lm_state.settle(tx, ctx.model_id)
                return
            record_analysis(tx, resource_id, "analyzed", oov_words=len(oov), error=None,
                            total_words=len(grammar.words))
            add_word_sources(tx, ctx.model_id, res.owner, resource_id, {w: 1 for w in oov})
            lm_state.settle(tx, ctx.model_id, dirty=True, failed=False, error=None)


def _grammar_failed(tx: Transaction, res, exc: BaseException) -> None:
    record_analysis(tx, res.id, "undetermined", error=grammar_failed_text(res.name))
    detail = exc.message if isinstance(exc, AsrError) else f"{type(exc).__name__}: {exc}"
    lm_state.settle(tx, res.model_id, error=f"Cannot compile grammar '{res.name}': {detail}")


__all__ = ["GrammarsMixin", "GRAMMAR_MEDIA_TYPES", "grammar_failed_text", "grammar_media_type"]
