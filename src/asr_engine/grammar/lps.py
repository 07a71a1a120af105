"""Logical parse structures (SRGS's notation for how an input matched).

The automaton answers *whether* a sentence is in the language; the parse
says *how*: which rules matched which tokens, and which tags were passed.
This module matches tokens against the parsed documents directly (a chart
of end positions per rule and start position, so it is polynomial even for
ambiguous grammars) and renders the W3C notation, e.g.
``$main[$city["Boston"],"please",{!{tag}!}]``.

Where several parses exist, the first alternative and the fewest repeats
that reach the same end are preferred; $GARBAGE and $NULL leave no trace.
"""
from __future__ import annotations

import posixpath
from dataclasses import dataclass, field
from typing import Optional, Union

from .document import Alternatives, GrammarDocument, Repeat, RuleRef, Sequence, Special, Tag, Token

__all__ = ["ParseNode", "ParseToken", "ParseTag", "parse_tokens"]


@dataclass(frozen=True)
class ParseToken:
    text: str

    def lps(self) -> str:
        return '"' + self.text + '"'


@dataclass(frozen=True)
class ParseTag:
    text: str

    def lps(self) -> str:
        return "{!{" + self.text + "}!}"


@dataclass(frozen=True)
class ParseNode:
    """A matched rule and what it matched, in order."""

    rule: str  # "$name" or "$<uri#rule>"
    children: tuple = field(default_factory=tuple)

    def lps(self) -> str:
        return self.rule + "[" + ",".join(c.lps() for c in self.children) + "]"

    def __str__(self) -> str:
        return self.lps()

    @property
    def tokens(self) -> list[str]:
        out: list[str] = []
        for c in self.children:
            if isinstance(c, ParseToken):
                out.append(c.text)
            elif isinstance(c, ParseNode):
                out.extend(c.tokens)
        return out

    @property
    def tags(self) -> list[str]:
        out: list[str] = []
        for c in self.children:
            if isinstance(c, ParseTag):
                out.append(c.text)
            elif isinstance(c, ParseNode):
                out.extend(c.tags)
        return out


Item = Union[ParseToken, ParseTag, ParseNode]


class _Matcher:
    def __init__(self, tokens: list[str], norm) -> None:
        self.tokens = tokens
        self.n = len(tokens)
        self.norm = norm  # maps a grammar word to the form input tokens use
        self.memo: dict[tuple[int, str, int], dict[int, tuple]] = {}
        self.active: set[tuple[int, str, int]] = set()
        self.node_memo: dict[tuple[int, int], dict[int, tuple]] = {}

    def rule(self, doc: GrammarDocument, name: str, pos: int, label: str) -> dict[int, tuple]:
        key = (id(doc), name, pos)
        if key in self.memo:
            return self.memo[key]
        if key in self.active:
            # Re-entering a rule at the same position adds no new ends for
            # the right-linear grammars the compiler accepts.
            return {}
        self.active.add(key)
        try:
            inner = self.match(doc.rules[name].body, doc, pos)
        finally:
            self.active.discard(key)
        out = {end: (ParseNode(label, items),) for end, items in inner.items()}
        self.memo[key] = out
        return out

    def match(self, node, doc: GrammarDocument, pos: int) -> dict[int, tuple]:
        """End position -> items produced, for every way `node` matches at `pos`."""
        if isinstance(node, (Sequence, Alternatives, Repeat)):
            # Composite results are memoised too, which keeps nested repeats
            # polynomial; a result computed while some rule was cut short is
            # still complete for the right-linear grammars that compile.
            key = (id(node), pos)
            hit = self.node_memo.get(key)
            if hit is None:
                hit = self.node_memo[key] = self.match_composite(node, doc, pos)
            return hit
        if isinstance(node, Token):
            words = node.words
            end = pos + len(words)
            if end <= self.n and all(self.norm(doc, w) == self.tokens[pos + k] for k, w in enumerate(words)):
                return {end: (ParseToken(" ".join(self.tokens[pos:end])),)}
            return {}
        if isinstance(node, Tag):
            return {pos: (ParseTag(node.text),)}
        if isinstance(node, Special):
            if node.kind == "NULL":
                return {pos: ()}
            if node.kind == "GARBAGE":
                return {e: () for e in range(pos, self.n + 1)}
            return {}
        if isinstance(node, RuleRef):
            target_doc, name = node.target
            return self.rule(target_doc, name, pos, _label(node, doc))
        raise TypeError(type(node).__name__)

    def match_composite(self, node, doc: GrammarDocument, pos: int) -> dict[int, tuple]:
        if isinstance(node, Sequence):
            frontier: dict[int, tuple] = {pos: ()}
            for item in node.items:
                nxt: dict[int, tuple] = {}
                for p, acc in frontier.items():
                    for e, its in self.match(item, doc, p).items():
                        if e not in nxt:
                            nxt[e] = acc + its
                frontier = nxt
                if not frontier:
                    break
            return frontier
        if isinstance(node, Alternatives):
            out: dict[int, tuple] = {}
            for item in node.items:
                for e, its in self.match(item, doc, pos).items():
                    out.setdefault(e, its)
            return out
        if isinstance(node, Repeat):
            return self.repeat(node, doc, pos)
        raise TypeError(type(node).__name__)

    def repeat(self, node: Repeat, doc: GrammarDocument, pos: int) -> dict[int, tuple]:
        out: dict[int, tuple] = {}
        frontier: dict[int, tuple] = {pos: ()}
        if node.min == 0:
            out[pos] = ()
        expanded: set[int] = set()  # positions already extended with >= min copies
        k = 0
        hi = node.max
        while frontier and (hi is None or k < hi):
            if k >= node.min:
                frontier = {p: v for p, v in frontier.items() if p not in expanded}
                expanded.update(frontier)
                if not frontier:
                    break
            nxt: dict[int, tuple] = {}
            for p, acc in frontier.items():
                for e, its in self.match(node.item, doc, p).items():
                    if e not in nxt:
                        nxt[e] = acc + its
            k += 1
            if k < node.min and set(nxt) == set(frontier):
                # A fixed point of positions (the item matched nothing new):
                # every further required copy gives the same positions.
                k = node.min
            frontier = nxt
            if k >= node.min:
                for e, its in frontier.items():
                    out.setdefault(e, its)
        return out


def _label(ref: RuleRef, doc: GrammarDocument) -> str:
    """The reference as the W3C notation shows it: external URIs are shown
    resolved against the referring grammar's base, when it declares one."""
    if ref.uri is None:
        return ref.display()
    base = doc.base if doc.base is not None else doc.meta("base")
    uri = ref.uri
    if base and "://" not in uri and not uri.startswith("/") and ":" not in uri.split("/")[0]:
        uri = posixpath.join(base, uri)
    return "$<" + uri + ("#" + ref.fragment if ref.fragment else "") + ">"


def parse_tokens(tokens: list[str], roots: list[tuple[GrammarDocument, str, str]], norm=None) -> Optional[ParseNode]:
    """The first parse of `tokens` under any of `roots` ((doc, rule, label)),
    or None. `norm(doc, word)` maps grammar words to input form."""
    m = _Matcher(tokens, norm or (lambda doc, w: w))
    for doc, name, label in roots:
        ends = m.rule(doc, name, 0, label)
        if len(tokens) in ends:
            return ends[len(tokens)][0]
    return None
