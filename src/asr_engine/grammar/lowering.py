"""Lowering parsed documents to the native RuleSet the compiler consumes.

Only rules reachable from the activated roots are lowered. Rule names in the
RuleSet are the ones users see in compile errors ($main, or $<file#rule>
for rules of referenced documents).
"""
from __future__ import annotations

import os

from .. import _core
from ..errors import FormatError
from .document import Alternatives, GrammarDocument, Repeat, RuleRef, Sequence, Special, Tag, Token
from .source import GrammarError

__all__ = ["lower", "normalise_tokens", "DTMF_ALIASES"]

# Spoken names some platforms accept for the DTMF keys that ABNF must quote
# (the SRGS suite's dtmf-pound-star-text expects them).
DTMF_ALIASES = {"star": "*", "pound": "#"}


def _display_name(doc: GrammarDocument, rule: str, top: GrammarDocument) -> str:
    if doc is top:
        return "$" + rule
    return f"$<{os.path.basename(doc.uri or doc.source)}#{rule}>"


def lower(top: GrammarDocument, roots: list[tuple[GrammarDocument, str]], dtmf_aliases: bool = True):
    """Returns (RuleSet, root rule indices, {(id(doc), rule): index})."""
    rs = _core.grammar.RuleSet()
    index: dict[tuple[int, str], int] = {}
    pending: list[tuple[GrammarDocument, str]] = []

    def rule_index(doc: GrammarDocument, name: str) -> int:
        key = (id(doc), name)
        if key not in index:
            r = doc.rules[name]
            index[key] = rs.add_rule(_display_name(doc, name, top), r.public, r.line, r.column)
            pending.append((doc, name))
        return index[key]

    def build(node, doc: GrammarDocument) -> int:
        line, col = node.line, node.column
        if isinstance(node, Token):
            words = node.words
            if dtmf_aliases and doc.mode == "dtmf":
                words = [DTMF_ALIASES.get(w, w) for w in words]
            try:
                return rs.add_token(words, line, col)
            except FormatError as e:
                raise GrammarError(str(e), line, col, doc.source) from None
        if isinstance(node, RuleRef):
            target_doc, name = node.target
            return rs.add_rule_ref(rule_index(target_doc, name), line, col)
        if isinstance(node, Special):
            return rs.add_special(node.kind.lower(), line, col)
        if isinstance(node, Tag):
            return rs.add_special("tag", line, col)
        if isinstance(node, Sequence):
            return rs.add_sequence([build(x, doc) for x in node.items], line, col)
        if isinstance(node, Alternatives):
            children = [build(x, doc) for x in node.items]
            weights = [1.0 if w is None else float(w) for w in node.weights]
            return rs.add_alternatives(children, weights, line, col)
        if isinstance(node, Repeat):
            child = build(node.item, doc)
            hi = -1 if node.max is None else node.max
            prob = -1.0 if node.prob is None else node.prob
            return rs.add_repeat(child, node.min, hi, prob, line, col)
        raise TypeError(f"unknown expansion node {type(node).__name__}")

    root_ids = [rule_index(d, n) for d, n in roots]
    while pending:
        doc, name = pending.pop()
        rs.set_rule_body(index[(id(doc), name)], build(doc.rules[name].body, doc))
    return rs, root_ids, index


def normalise_tokens(tokens: list[str], mode: str, dtmf_aliases: bool = True) -> list[str]:
    """Input tokens as the grammar's words are stored (DTMF aliases applied)."""
    if dtmf_aliases and mode == "dtmf":
        return [DTMF_ALIASES.get(t, t) for t in tokens]
    return tokens


