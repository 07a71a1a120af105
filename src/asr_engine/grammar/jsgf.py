"""JSGF (JSpeech Grammar Format 1.0) parser, as used by PocketSphinx
``.gram`` files, plus JSGF's rule-name resolution (local, qualified and
imported rules).

Lexical rules follow PocketSphinx's scanner so that every grammar it
accepts parses here too: a token is any run of characters other than white
space and ``=;|*+<>()[]{}/``, or a double-quoted string with backslash
escapes; a rule name is ``<...>`` without angle brackets inside.
"""
from __future__ import annotations

import os
import re

from .document import (
    Alternatives,
    GrammarDocument,
    Repeat,
    Rule,
    RuleExpansion,
    RuleRef,
    Sequence,
    Special,
    Tag,
    Token,
)
from .source import GrammarError, Scanner

__all__ = ["JsgfParser", "parse_jsgf", "resolve_jsgf_ref", "check_jsgf_imports"]

_TOKEN_STOP = set(" \t\r\n=;|*+<>()[]{}/")
_WEIGHT = re.compile(r"/([0-9]*(?:\.[0-9]+)?(?:[eE]-?[0-9]+)?)/")
MAX_NESTING = 100


class JsgfParser(Scanner):
    """Parses one JSGF document into a :class:`GrammarDocument`."""

    def describe(self) -> str:
        if self.i >= self.n:
            return "end of file"
        j = self.i
        while j < self.n and self.s[j] not in _TOKEN_STOP and j - self.i < 30:
            j += 1
        return repr(self.s[self.i:max(j, self.i + 1)])

    def bare_token(self) -> str:
        j = self.i
        while j < self.n and self.s[j] not in _TOKEN_STOP:
            j += 1
        t = self.s[self.i:j]
        self.i = j
        return t

    def quoted(self) -> str:
        start = self.i
        self.i += 1
        out = []
        while self.i < self.n:
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < self.n:
                out.append(self.s[self.i + 1])
                self.i += 2
                continue
            if c == '"':
                self.i += 1
                return "".join(out)
            out.append(c)
            self.i += 1
        raise self.error("unterminated quoted token (missing closing '\"')", start)

    def rule_name(self) -> str:
        start = self.i
        end = self.s.find(">", self.i + 1)
        lt = self.s.find("<", self.i + 1)
        if end < 0 or (0 <= lt < end):
            raise self.error("unterminated rule name ('<' without '>')", start)
        name = self.s[self.i + 1:end]
        if not name.strip() or name != name.strip():
            raise self.error(f"malformed rule name <{name}>", start)
        self.i = end + 1
        return name

    # -- document ------------------------------------------------------------

    def parse(self) -> GrammarDocument:
        doc = GrammarDocument(form="jsgf", source=self.src.name, language=None)
        if not self.s.startswith("#JSGF"):
            raise self.error("missing header: a JSGF grammar must start with '#JSGF V1.0;'", 0)
        self.i = 5
        header = []
        while True:
            self.skip()
            if self.peek() == ";":
                self.i += 1
                break
            at = self.i
            t = self.bare_token()
            if not t:
                raise self.error(f"expected ';' at the end of the #JSGF header, found {self.describe()}")
            header.append((t, at))
        if len(header) > 3:
            raise self.error("too many fields in the #JSGF header (version, encoding, locale)", header[3][1])
        if header:
            version, at = header[0]
            if not re.fullmatch(r"[Vv]?1\.0", version):
                raise self.error(f"unsupported JSGF version '{version}' (expected V1.0)", at)
            doc.version = version
        if len(header) > 2:
            doc.language = header[2][0]
        self.skip()
        at = self.i
        if self.bare_token() != "grammar":
            raise self.error("expected 'grammar NAME;' after the header", at)
        self.skip()
        at = self.i
        name = self.bare_token()
        if not name or not re.fullmatch(r"[^\s.]+(\.[^\s.]+)*", name):
            raise self.error("expected a grammar name after 'grammar'", at)
        doc.name = name
        self.expect(";", "after the grammar name")
        while True:
            self.skip()
            at = self.i
            if not self.s.startswith("import", self.i) or self.s[self.i + 6:self.i + 7] not in (" ", "\t", "\r", "\n", "<"):
                break
            self.i += 6
            self.skip()
            if self.peek() != "<":
                raise self.error(f"expected <grammar.rule> or <grammar.*> after 'import', found {self.describe()}")
            line, col = self.pos()
            target = self.rule_name()
            if "." not in target:
                raise self.error(f"import <{target}> must name a grammar and a rule (<grammar.rule>)", at)
            doc.imports.append((target, line, col))
            self.expect(";", "after the import")
        while True:
            self.skip()
            if self.i >= self.n:
                break
            self.rule_definition(doc)
        return doc

    def rule_definition(self, doc: GrammarDocument) -> None:
        public = False
        if self.s.startswith("public", self.i) and self.s[self.i + 6:self.i + 7] in (" ", "\t", "\r", "\n", "<"):
            public = True
            self.i += 6
            self.skip()
        if self.peek() != "<":
            if self.s.startswith("import", self.i):
                raise self.error("imports must come before the rules")
            raise self.error(f"expected a rule definition ('<name> = ...;'), found {self.describe()}")
        line, col = self.pos()
        name = self.rule_name()
        if name in ("NULL", "VOID"):
            raise self.error(f"the special rule <{name}> cannot be redefined", self.src.text.rfind("<", 0, self.i))
        if "." in name:
            qual, _, simple = name.rpartition(".")
            if qual != doc.name:
                raise self.error(f"rule <{name}> must be defined by its simple name", self.i - len(name) - 2)
            name = simple
        if name in doc.rules:
            r = doc.rules[name]
            raise GrammarError(f"rule <{name}> is defined twice (first at line {r.line}, column {r.column})",
                               line, col, self.src.name)
        self.expect("=", f"after the rule name <{name}>")
        self.skip()
        if self.peek() == ";":
            raise self.error(f"rule <{name}> has an empty expansion")
        body = self.alternatives()
        self.expect(";", f"at the end of rule <{name}>")
        doc.rules[name] = Rule(name, body, public, line, col)

    def alternatives(self) -> RuleExpansion:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"expansions nested more than {MAX_NESTING} deep")
        self.skip()
        line, col = self.pos()
        items, weights = [], []
        while True:
            self.skip()
            w = None
            if self.peek() == "/":
                m = _WEIGHT.match(self.s, self.i)
                if not m or not m.group(1) or not re.search(r"[0-9]", m.group(1)):
                    raise self.error("malformed weight: expected '/number/'")
                w = float(m.group(1))
                if w < 0:
                    raise self.error("a weight cannot be negative")
                self.i = m.end()
            items.append(self.sequence())
            weights.append(w)
            self.skip()
            if self.peek() != "|":
                break
            self.i += 1
        self.depth -= 1
        # PocketSphinx normalises weights over the alternatives; a zero
        # weight makes the alternative unreachable there, so drop it here too.
        if any(w is not None for w in weights):
            live = [(it, w) for it, w in zip(items, weights) if w is None or w > 0]
            if not live:
                return Special(line, col, "VOID")
            items = [it for it, _ in live]
            weights = [w for _, w in live]
        if len(items) == 1:
            return items[0]
        return Alternatives(line, col, items, weights)

    def sequence(self) -> RuleExpansion:
        self.skip()
        line, col = self.pos()
        parts: list[RuleExpansion] = []
        while True:
            self.skip()
            c = self.peek()
            if not c or c in "|);]":
                break
            if c == "/":
                raise self.error("a weight may only precede an alternative")
            parts.append(self.item())
        if not parts:
            raise self.error("empty alternative")
        return parts[0] if len(parts) == 1 else Sequence(line, col, parts)

    def item(self) -> RuleExpansion:
        line, col = self.pos()
        atom = self.atom()
        while True:
            self.skip()
            c = self.peek()
            if c == "*":
                self.i += 1
                atom = Repeat(line, col, atom, 0, None, None)
            elif c == "+":
                self.i += 1
                atom = Repeat(line, col, atom, 1, None, None)
            elif c == "{":
                tag = self.tag()
                atom = Sequence(line, col, [atom, tag])
            else:
                return atom

    def tag(self) -> Tag:
        line, col = self.pos()
        start = self.i
        self.i += 1
        while self.i < self.n:
            c = self.s[self.i]
            if c == "\\" and self.i + 1 < self.n:
                self.i += 2
                continue
            if c == "}":
                self.i += 1
                return Tag(line, col, self.s[start + 1:self.i - 1])
            self.i += 1
        raise self.error("unterminated tag ('{' without '}')", start)

    def atom(self) -> RuleExpansion:
        c = self.peek()
        line, col = self.pos()
        if c == "<":
            name = self.rule_name()
            if name == "NULL":
                return Special(line, col, "NULL")
            if name == "VOID":
                return Special(line, col, "VOID")
            return RuleRef(line, col, name=name)
        if c == "(":
            self.i += 1
            self.skip()
            if self.peek() == ")":
                raise self.error("empty group '( )'")
            inner = self.alternatives()
            self.expect(")", "to close '('")
            return inner
        if c == "[":
            self.i += 1
            self.skip()
            if self.peek() == "]":
                raise self.error("empty optional '[ ]'")
            inner = self.alternatives()
            self.expect("]", "to close '['")
            return Repeat(line, col, inner, 0, 1, None)
        if c == '"':
            text = " ".join(self.quoted().split())
            if not text:
                raise self.error("empty quoted token", self.i - 2)
            return Token(line, col, text)
        if c == "{":
            return self.tag()
        if c and c not in _TOKEN_STOP:
            return Token(line, col, self.bare_token())
        if not c:
            raise self.error("unexpected end of file in a rule expansion")
        raise self.error(f"unexpected {c!r} in a rule expansion")


def parse_jsgf(text: str, source: str = "<string>") -> GrammarDocument:
    """Parse a JSGF document (already decoded to text)."""
    return JsgfParser(text, source).parse()


def resolve_jsgf_ref(docs, doc: GrammarDocument, ref: RuleRef) -> None:
    """Sets ``ref.target`` for a JSGF rule name: local, qualified with this
    grammar's name, or brought in by an import (``<g.rule>``, ``<g.*>``)."""
    name = ref.name or ""
    if name in doc.rules:
        ref.target = (doc, name)
        return
    qual, _, simple = name.rpartition(".")
    if qual and qual == doc.name and simple in doc.rules:
        ref.target = (doc, simple)
        return
    for target, line, col in doc.imports:
        pkg, _, rule = target.rpartition(".")
        if qual:
            if pkg != qual and not pkg.endswith("." + qual):
                continue
        if rule != "*" and rule != simple:
            continue
        if not docs.options.external_refs:
            raise docs.err(doc, ref, f"import <{target}> not allowed (external_refs=False)")
        path = docs.resolve_uri(pkg.replace(".", "/") + ".gram", doc, ref)
        other = docs.load(path, "jsgf", ref, doc)
        r = other.rules.get(simple)
        if r is None:
            if rule == "*":
                continue
            raise docs.err(doc, ref, f"imported grammar {pkg} has no rule <{simple}>")
        if not r.public:
            raise docs.err(doc, ref, f"rule <{simple}> of {pkg} is private and cannot be imported")
        ref.target = (other, simple)
        return
    raise docs.err(doc, ref, f"reference to undefined rule <{name}>")


def check_jsgf_imports(docs, doc: GrammarDocument) -> None:
    """Every import must name an existing grammar file and, unless it is
    ``<g.*>``, a public rule of it (PocketSphinx refuses such grammars too)."""
    for target, line, col in doc.imports:
        pkg, _, rule = target.rpartition(".")
        at = RuleRef(line, col, name=target)
        path = docs.resolve_uri(pkg.replace(".", "/") + ".gram", doc, at)
        other = docs.load(path, "jsgf", at, doc)
        if rule != "*":
            r = other.rules.get(rule)
            if r is None or not r.public:
                raise docs.err(doc, at, f"import <{target}>: {pkg} has no public rule <{rule}>")
