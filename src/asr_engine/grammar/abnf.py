"""SRGS 1.0 ABNF form (``application/srgs``) parser.

A scannerless recursive-descent parser: ABNF keywords are reserved only in
the header, so the scanner has to know whether it is reading a declaration
or a rule body, which is easiest when the parser drives it directly.
Follows the normative grammar of SRGS Appendix D; every error names the
line and column where it was detected.
"""
from __future__ import annotations

import re
from typing import Optional

from .document import (
    SPECIAL_RULES,
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
from .source import GrammarError, Scanner, repeat_count
from .xml_names import is_name_char, is_name_start_char, is_rule_name

__all__ = ["AbnfParser", "parse_abnf"]

_HEADER = re.compile(r"#ABNF 1\.0(?: ([A-Za-z0-9._:\-]+))?;")
_NUMBER = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+")
_REPEAT = re.compile(r"([0-9]+)(?:(-)([0-9]*))?")
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\Z")
_WS = " \t\r\n"
# After the header's ';' on the same line: blanks, then a declaration or rule.
_ONE_LINE_HEADER = re.compile(r"[ \t]+(?:[A-Za-z]|\$)")
# Declarations that may appear at most once.
_SINGLE = ("language", "mode", "root", "tag-format", "base")
_DECLARATIONS = _SINGLE + ("lexicon", "meta", "http-equiv")

MAX_NESTING = 100  # parentheses/brackets deep; far beyond any real grammar
MAX_COUNT = 2**31 - 1  # largest repeat count accepted


class AbnfParser(Scanner):
    """Parses one ABNF document into a :class:`GrammarDocument`."""

    # -- scanning helpers --------------------------------------------------

    def describe(self) -> str:
        if self.i >= self.n:
            return "end of file"
        c = self.s[self.i]
        if is_name_char(c):
            j = self.i
            while j < self.n and is_name_char(self.s[j]) and j - self.i < 30:
                j += 1
            return f"'{self.s[self.i:j]}'"
        return repr(c)

    def word(self) -> str:
        """Reads an Nmtoken (possibly empty) at the current position."""
        j = self.i
        while j < self.n and is_name_char(self.s[j]):
            j += 1
        w = self.s[self.i:j]
        self.i = j
        return w

    def require_space(self, after: str) -> None:
        if self.peek() not in _WS or not self.peek():
            if self.peek() == "/" and self.peek(1) in "/*":
                return
            raise self.error(f"expected white space after '{after}'")

    # -- document ------------------------------------------------------------

    def parse(self) -> GrammarDocument:
        doc = GrammarDocument(form="abnf", source=self.src.name)
        self.header(doc)
        seen: dict[str, tuple[int, int]] = {}
        while True:
            self.skip()
            if self.i >= self.n:
                break
            start = self.i
            if self.peek() == "$":
                break
            if self.peek() == "{":
                line, col = self.pos()
                doc.header_tags.append(Tag(line, col, self.tag()))
                self.expect(";", "after a header tag")
                continue
            kw = self.word()
            if kw in ("public", "private"):
                self.i = start
                break
            if kw not in _DECLARATIONS:
                if not kw:
                    raise self.error(f"expected a declaration or a rule, found {self.describe()}")
                raise self.error(f"unrecognized declaration '{kw}'", start)
            if kw in _SINGLE:
                if kw in seen:
                    line, col = seen[kw]
                    raise self.error(f"duplicate '{kw}' declaration (the first is at line {line}, column {col})", start)
                seen[kw] = self.pos(start)
            self.declaration(doc, kw, start)
        while True:
            self.skip()
            if self.i >= self.n:
                break
            self.rule_definition(doc)
        return doc

    def header(self, doc: GrammarDocument) -> None:
        m = _HEADER.match(self.s)
        if not m:
            if not self.s.startswith("#ABNF"):
                raise self.error("missing self-identifying header: an ABNF grammar must start with '#ABNF 1.0;'", 0)
            rest = self.s[5:20]
            if not rest.startswith(" ") or rest.startswith("  "):
                raise self.error("malformed header: expected exactly one space and the version, as in '#ABNF 1.0;'", 5)
            if not rest[1:].startswith("1.0"):
                raise self.error("unsupported ABNF version: only '#ABNF 1.0' is defined", 6)
            raise self.error("malformed header: expected '#ABNF 1.0;' or '#ABNF 1.0 ENCODING;'", 9)
        self.i = m.end()
        # SRGS App. D wants a line break right after the header's ';' (the W3C
        # suite rejects '#ABNF 1.0;/*'). One-line grammars written by people
        # ('#ABNF 1.0; language en-US; root $c; ...') are unambiguous, so a
        # space or tab followed by a declaration or rule is accepted too;
        # anything glued to the ';' or a comment after it stays an error.
        if self.i < self.n and self.s[self.i] not in "\r\n" and not _ONE_LINE_HEADER.match(self.s, self.i):
            raise self.error("the ';' of the '#ABNF' header must be followed immediately by a line break "
                             "(or, on one line, by a space and a declaration or rule)")
        doc.version = "1.0"

    def declaration(self, doc: GrammarDocument, kw: str, start: int) -> None:
        self.require_space(kw)
        self.skip()
        if kw == "language":
            at = self.i
            code = self.word()
            if not code or not _LANG.match(code):
                raise self.error(f"'{code or self.describe()}' is not a language code (e.g. en-US)", at)
            doc.language = code
        elif kw == "mode":
            at = self.i
            mode = self.word()
            if mode not in ("voice", "dtmf"):
                raise self.error(f"mode must be 'voice' or 'dtmf', not '{mode}'", at)
            doc.mode = mode
        elif kw == "root":
            if self.peek() != "$":
                raise self.error(f"expected a rule name after 'root', found {self.describe()}")
            doc.root_pos = self.pos()
            self.i += 1
            at = self.i
            name = self.rule_name_chars()
            if not is_rule_name(name):
                raise self.error(f"'${name}' is not a valid rule name", at)
            if name in SPECIAL_RULES:
                raise self.error(f"the special rule ${name} cannot be the root", at)
            doc.root = name
        elif kw in ("tag-format", "base"):
            uri = self.uri()
            if kw == "base":
                doc.base = uri
            else:
                doc.tag_format = uri
        elif kw == "lexicon":
            uri = self.uri()
            media = None
            if self.peek() == "~":
                self.i += 1
                media = self.uri()
            doc.lexicons.append((uri, media))
        else:  # meta / http-equiv
            name = self.quoted_characters()
            self.skip()
            at = self.i
            if self.word() != "is":
                raise self.error(f"expected 'is' in the {kw} declaration", at)
            self.require_space("is")
            self.skip()
            content = self.quoted_characters()
            (doc.metas if kw == "meta" else doc.http_equivs).append((name, content))
        self.expect(";", f"at the end of the '{kw}' declaration")

    def uri(self) -> str:
        if self.peek() != "<":
            raise self.error(f"expected a URI in angle brackets, found {self.describe()}")
        end = self.s.find(">", self.i + 1)
        nl = min([p for p in (self.s.find("\n", self.i), self.s.find("\r", self.i)) if p >= 0], default=self.n)
        if end < 0 or end > nl:
            raise self.error("unterminated URI ('<' without '>')")
        uri = self.s[self.i + 1:end].strip()
        if not uri or any(c in uri for c in " \t<"):
            raise self.error(f"malformed URI '<{uri}>'")
        self.i = end + 1
        return uri

    def quoted_characters(self) -> str:
        q = self.peek()
        if q not in "\"'" or not q:
            raise self.error(f"expected a quoted string, found {self.describe()}")
        end = self.s.find(q, self.i + 1)
        if end < 0:
            raise self.error(f"unterminated string (missing closing {q})")
        text = self.s[self.i + 1:end]
        self.i = end + 1
        return text

    def rule_name_chars(self) -> str:
        j = self.i
        while j < self.n and is_name_char(self.s[j]) and self.s[j] not in ".:-":
            j += 1
        name = self.s[self.i:j]
        self.i = j
        return name

    # -- rules -----------------------------------------------------------------

    def rule_definition(self, doc: GrammarDocument) -> None:
        start = self.i
        public = False
        if self.peek() != "$":
            kw = self.word()
            if kw in _DECLARATIONS:
                raise self.error(f"'{kw}' declaration after the first rule: declarations must come first", start)
            if kw not in ("public", "private"):
                raise self.error(f"expected a rule definition ('$name = ...;'), found {self.describe() if not kw else repr(kw)}", start)
            public = kw == "public"
            self.require_space(kw)
            self.skip()
            if self.peek() != "$":
                raise self.error(f"expected a rule name after '{kw}', found {self.describe()}")
        line, col = self.pos()
        self.i += 1
        if self.peek() == "<":
            raise self.error("an external rule reference cannot be defined here")
        at = self.i
        name = self.rule_name_chars()
        if not name or not is_name_start_char(name[0]):
            raise self.error(f"'${name}' is not a valid rule name", at)
        if name in SPECIAL_RULES:
            raise self.error(f"the special rule ${name} cannot be redefined", at)
        if name in doc.rules:
            r = doc.rules[name]
            raise self.error(f"rule ${name} is defined twice (first at line {r.line}, column {r.column})", at - 1)
        self.expect("=", f"after the rule name ${name}")
        self.skip()
        if self.peek() == ";":
            raise self.error(f"rule ${name} has an empty expansion")
        body = self.alternatives("a rule expansion")
        self.expect(";", f"at the end of rule ${name}")
        doc.rules[name] = Rule(name, body, public, line, col)

    def alternatives(self, what: str) -> RuleExpansion:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise self.error(f"expansions nested more than {MAX_NESTING} deep")
        self.skip()
        line, col = self.pos()
        items, weights = [], []
        while True:
            w, item = self.alternative(what)
            items.append(item)
            weights.append(w)
            self.skip()
            if self.peek() != "|":
                break
            self.i += 1
        self.depth -= 1
        if len(items) == 1 and weights[0] is None:
            return items[0]
        return Alternatives(line, col, items, weights)

    def alternative(self, what: str) -> tuple[Optional[float], RuleExpansion]:
        self.skip()
        line, col = self.pos()
        weight = None
        if self.peek() == "/":
            at = self.i
            weight = self.number_between_slashes("weight")
            if weight <= 0:
                raise self.error("a weight must be a positive number", at)
        elements: list[RuleExpansion] = []
        while True:
            self.skip()
            c = self.peek()
            if not c or c in "|);]":
                break
            elements.append(self.element())
        if not elements:
            if weight is not None:
                raise self.error("a weight must be followed by an expansion")
            raise self.error(f"empty alternative in {what}")
        if len(elements) == 1:
            return weight, elements[0]
        return weight, Sequence(line, col, elements)

    def number_between_slashes(self, what: str) -> float:
        start = self.i
        self.i += 1
        m = _NUMBER.match(self.s, self.i)
        if not m or m.end() >= self.n or self.s[m.end()] != "/":
            raise self.error(f"malformed {what}: expected '/number/' (no sign, no exponent, no spaces)", start)
        self.i = m.end() + 1
        return float(m.group(0))

    def element(self) -> RuleExpansion:
        line, col = self.pos()
        sub = self.subexpansion()
        self.skip()
        if self.peek() == "!":
            if isinstance(sub, (RuleRef, Special)):
                raise self.error("a language attachment cannot follow a rule reference")
            if isinstance(sub, Tag):
                raise self.error("a language attachment cannot follow a tag")
            self.i += 1
            at = self.i
            code = self.word()
            if not _LANG.match(code):
                raise self.error(f"'{code}' is not a language code", at)
            sub.lang = code
            self.skip()
        if self.peek() == "<":
            return self.repeat(sub, line, col)
        return sub

    def repeat(self, sub: RuleExpansion, line: int, col: int) -> Repeat:
        start = self.i
        self.i += 1
        self.skip()
        m = _REPEAT.match(self.s, self.i)
        if not m:
            raise self.error(f"malformed repeat: expected '<n>', '<m-n>' or '<m->', found {self.describe()}")
        lo = repeat_count(m.group(1))
        hi: Optional[int] = lo
        if m.group(2):
            hi = repeat_count(m.group(3)) if m.group(3) else None
        if lo > MAX_COUNT or (hi is not None and hi > MAX_COUNT):
            from ..errors import InvalidArgumentError

            l_, c_ = self.pos(start)
            raise InvalidArgumentError(f"{self.src.name}: line {l_}, column {c_}: repeat count exceeds {MAX_COUNT}")
        if hi is not None and hi < lo:
            raise self.error(f"repeat <{lo}-{hi}>: the maximum is smaller than the minimum", start)
        self.i = m.end()
        self.skip()
        prob = None
        if self.peek() == "/":
            at = self.i
            prob = self.number_between_slashes("repeat probability")
            if prob > 1.0:
                raise self.error("a repeat probability must be between 0 and 1", at)
            self.skip()
        if self.peek() != ">":
            raise self.error(f"expected '>' to close the repeat operator, found {self.describe()}")
        self.i += 1
        return Repeat(line, col, sub, lo, hi, prob)

    def subexpansion(self) -> RuleExpansion:
        c = self.peek()
        line, col = self.pos()
        if c == '"':
            end = self.s.find('"', self.i + 1)
            if end < 0:
                raise self.error("unterminated quoted token (missing closing '\"')")
            text = " ".join(self.s[self.i + 1:end].split())
            if not text:
                raise self.error("empty quoted token")
            self.i = end + 1
            return Token(line, col, text)
        if c == "$":
            return self.rule_ref(line, col)
        if c == "{":
            return Tag(line, col, self.tag())
        if c == "(":
            self.i += 1
            self.skip()
            if self.peek() == ")":
                self.i += 1
                return Sequence(line, col, [])
            inner = self.alternatives("parentheses")
            self.expect(")", "to close '('")
            return inner
        if c == "[":
            self.i += 1
            self.skip()
            if self.peek() == "]":
                raise self.error("empty optional expansion '[ ]'")
            inner = self.alternatives("brackets")
            self.expect("]", "to close '['")
            return Repeat(line, col, inner, 0, 1, None)
        if c and is_name_char(c):
            return Token(line, col, self.word())
        if not c:
            raise self.error("unexpected end of file in a rule expansion")
        raise self.error(
            f"unexpected character {c!r} in a rule expansion (tokens with characters other than letters, "
            "digits, '.', '-', '_' and ':' must be double-quoted; ABNF has no '*', '+' or '?' operators)"
        )

    def rule_ref(self, line: int, col: int) -> RuleExpansion:
        self.i += 1
        if self.peek() == "<":
            end = self.s.find(">", self.i + 1)
            if end < 0:
                raise self.error("unterminated external rule reference ('$<' without '>')")
            target = self.s[self.i + 1:end].strip()
            if not target or any(ch in target for ch in " \t\r\n<"):
                raise self.error(f"malformed external rule reference '$<{target}>'")
            self.i = end + 1
            media = None
            if self.peek() == "~":
                self.i += 1
                media = self.uri()
            uri, _, frag = target.partition("#")
            if "#" in target and not is_rule_name(frag):
                raise self.error(f"'{frag}' is not a valid rule name in '$<{target}>'")
            return RuleRef(line, col, uri=uri, fragment=frag or None, media_type=media)
        at = self.i
        name = self.rule_name_chars()
        if not name or not is_name_start_char(name[0]):
            raise self.error("expected a rule name after '$'", at)
        if name in SPECIAL_RULES:
            return Special(line, col, name)
        return RuleRef(line, col, name=name)

    def tag(self) -> str:
        start = self.i
        if self.s.startswith("{!{", self.i):
            end = self.s.find("}!}", self.i + 3)
            if end < 0:
                raise self.error("unterminated tag ('{!{' without '}!}')", start)
            self.i = end + 3
            return self.s[start + 3:end]
        end = self.s.find("}", self.i + 1)
        if end < 0:
            raise self.error("unterminated tag ('{' without '}')", start)
        self.i = end + 1
        return self.s[start + 1:end]


def parse_abnf(text: str, source: str = "<string>") -> GrammarDocument:
    """Parse an SRGS ABNF document (already decoded to text)."""
    return AbnfParser(text, source).parse()
