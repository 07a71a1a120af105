"""SRGS 1.0 XML form (``application/srgs+xml``) parser.

Built on expat directly (rather than ElementTree) to keep element line and
column numbers for error messages and to refuse entity declarations: a
DOCTYPE naming the SRGS DTD is fine, an internal subset that could declare
(exponentially expanding or external) entities is rejected outright.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Optional, Union
from xml.parsers import expat

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
from .source import GrammarError, repeat_count
from .xml_names import is_rule_name

__all__ = ["SrgsXmlParser", "parse_srgs_xml"]

SRGS_NS = "http://www.w3.org/2001/06/grammar"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_LANG = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*\Z")
_REPEAT = re.compile(r"([0-9]+)(?:(-)([0-9]*))?\Z")
_NUMBER = re.compile(r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)\Z")
_TEXT_TOKEN = re.compile(r'"([^"]*)"|([^\s"]+)|(")')
MAX_NESTING = 100
MAX_COUNT = 2**31 - 1


@dataclass(eq=False)
class _El:
    ns: str
    tag: str
    attrs: dict
    line: int
    col: int
    children: list = field(default_factory=list)  # _El or _Text

    def attr(self, name: str) -> Optional[str]:
        return self.attrs.get(name)


@dataclass(eq=False)
class _Text:
    text: str
    line: int
    col: int


def _split_name(name: str) -> tuple[str, str]:
    ns, sep, local = name.rpartition(" ")
    return (ns, local) if sep else ("", name)


class SrgsXmlParser:
    """Parses one SRGS XML document (bytes) into a :class:`GrammarDocument`."""

    def __init__(self, data: bytes, source: str = "<string>") -> None:
        self.data = data
        self.source = source

    def error(self, message: str, node: Union[_El, _Text, None] = None) -> GrammarError:
        return GrammarError(message, node.line if node else 0, node.col if node else 0, self.source)

    # -- XML to element tree ---------------------------------------------------

    def tree(self) -> _El:
        p = expat.ParserCreate(namespace_separator=" ")
        p.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
        stack: list[_El] = []
        root: list[_El] = []
        refused: list[str] = []

        def where() -> tuple[int, int]:
            return p.CurrentLineNumber, p.CurrentColumnNumber + 1

        def start(name, attrs):
            ns, tag = _split_name(name)
            line, col = where()
            el = _El(ns, tag, {}, line, col)
            for k, v in attrs.items():
                ans, alocal = _split_name(k)
                el.attrs[(ans + " " + alocal) if ans else alocal] = v
            if stack:
                stack[-1].children.append(el)
            else:
                root.append(el)
            stack.append(el)

        def end(name):
            stack.pop()

        def chars(text):
            if not stack:
                return
            kids = stack[-1].children
            if kids and isinstance(kids[-1], _Text):
                kids[-1].text += text
            else:
                line, col = where()
                kids.append(_Text(text, line, col))

        def doctype(name, sysid, pubid, has_internal_subset):
            if has_internal_subset:
                refused.append("a DOCTYPE with an internal subset (entity declarations) is not accepted")
                raise _Stop()

        def entity(*args):
            refused.append("entity declarations are not accepted in grammars")
            raise _Stop()

        p.StartElementHandler = start
        p.EndElementHandler = end
        p.CharacterDataHandler = chars
        p.StartDoctypeDeclHandler = doctype
        p.EntityDeclHandler = entity
        p.ExternalEntityRefHandler = lambda *a: 0
        try:
            p.Parse(self.data, True)
        except _Stop:
            raise GrammarError(refused[0], p.CurrentLineNumber, p.CurrentColumnNumber + 1, self.source) from None
        except expat.ExpatError as e:
            raise GrammarError(f"XML syntax error: {expat.errors.messages[e.code]}", e.lineno, e.offset + 1,
                               self.source) from None
        except (LookupError, ValueError) as e:  # unknown declared encoding
            raise GrammarError(f"cannot decode the document: {e}", 1, 1, self.source) from None
        if refused:
            raise GrammarError(refused[0], 1, 1, self.source)
        return root[0]

    # -- document ------------------------------------------------------------

    def parse(self) -> GrammarDocument:
        g = self.tree()
        doc = GrammarDocument(form="xml", source=self.source)
        if g.tag != "grammar" or g.ns != SRGS_NS:
            if g.tag == "grammar" and not g.ns:
                raise self.error(f"the <grammar> element must be in the SRGS namespace xmlns=\"{SRGS_NS}\"", g)
            raise self.error(f"the document element must be <grammar xmlns=\"{SRGS_NS}\">", g)
        version = g.attr("version")
        if version is None:
            raise self.error("the <grammar> element needs version=\"1.0\"", g)
        if version != "1.0":
            raise self.error(f"unsupported SRGS version '{version}'", g)
        lang = g.attr(XML_NS + " lang")
        if lang is not None:
            if not _LANG.match(lang):
                raise self.error(f"'{lang}' is not a language code", g)
            doc.language = lang
        mode = g.attr("mode") or "voice"
        if mode not in ("voice", "dtmf"):
            raise self.error(f"mode must be 'voice' or 'dtmf', not '{mode}'", g)
        doc.mode = mode
        root = g.attr("root")
        if root is not None:
            if not is_rule_name(root):
                raise self.error(f"root '{root}' is not a valid rule name", g)
            doc.root = root
            doc.root_pos = (g.line, g.col)
        doc.tag_format = g.attr("tag-format")
        doc.base = g.attr(XML_NS + " base")
        for child in g.children:
            if isinstance(child, _Text):
                if child.text.strip():
                    raise self.error("text is not allowed directly inside <grammar>", child)
                continue
            if child.ns != SRGS_NS:
                continue  # foreign elements in the header carry nothing we use
            if child.tag == "rule":
                self.rule(doc, child)
            elif child.tag == "meta":
                content = child.attr("content")
                if content is None:
                    raise self.error("<meta> needs a content attribute", child)
                if child.attr("name") is not None:
                    doc.metas.append((child.attr("name"), content))
                elif child.attr("http-equiv") is not None:
                    doc.http_equivs.append((child.attr("http-equiv"), content))
                else:
                    raise self.error("<meta> needs a name or http-equiv attribute", child)
            elif child.tag == "lexicon":
                if child.attr("uri") is None:
                    raise self.error("<lexicon> needs a uri attribute", child)
                doc.lexicons.append((child.attr("uri"), child.attr("type")))
            elif child.tag == "tag":
                doc.header_tags.append(Tag(child.line, child.col, self.text_of(child)))
            elif child.tag == "metadata":
                continue
            else:
                raise self.error(f"<{child.tag}> is not allowed inside <grammar>", child)
        return doc

    def text_of(self, el: _El) -> str:
        out = []
        for c in el.children:
            if isinstance(c, _El):
                raise self.error(f"<{el.tag}> may contain only text", c)
            out.append(c.text)
        return "".join(out)

    def rule(self, doc: GrammarDocument, el: _El) -> None:
        name = el.attr("id")
        if name is None:
            raise self.error("<rule> needs an id attribute", el)
        if name in SPECIAL_RULES:
            raise self.error(f"the special rule {name} cannot be redefined", el)
        if not is_rule_name(name):
            raise self.error(f"'{name}' is not a valid rule name", el)
        if name in doc.rules:
            r = doc.rules[name]
            raise self.error(f"rule {name} is defined twice (first at line {r.line}, column {r.column})", el)
        scope = el.attr("scope") or "private"
        if scope not in ("public", "private"):
            raise self.error(f"scope must be 'public' or 'private', not '{scope}'", el)
        if el.attr(XML_NS + " lang") is not None:
            self.lang(el)
        items = self.content(el, 0, allow_example=True)
        if not items:
            raise self.error(f"rule {name} has an empty expansion", el)
        body = items[0] if len(items) == 1 else Sequence(el.line, el.col, items)
        doc.rules[name] = Rule(name, body, scope == "public", el.line, el.col)

    def lang(self, el: _El) -> Optional[str]:
        code = el.attr(XML_NS + " lang")
        if code is not None and not _LANG.match(code):
            raise self.error(f"'{code}' is not a language code", el)
        return code

    # -- expansions ------------------------------------------------------------

    def content(self, el: _El, depth: int, allow_example: bool = False) -> list[RuleExpansion]:
        """The sequence of expansions inside a rule or item."""
        if depth > MAX_NESTING:
            raise self.error(f"expansions nested more than {MAX_NESTING} deep", el)
        out: list[RuleExpansion] = []
        for c in el.children:
            if isinstance(c, _Text):
                out.extend(self.text_tokens(c))
                continue
            if c.ns != SRGS_NS:
                # An extension element this processor does not know: its
                # content is kept but made optional, which accepts both what
                # an extension-aware and an extension-blind reader would.
                inner = self.content(c, depth + 1)
                if inner:
                    body = inner[0] if len(inner) == 1 else Sequence(c.line, c.col, inner)
                    out.append(Repeat(c.line, c.col, body, 0, 1, None))
                continue
            if c.tag == "example" and allow_example:
                continue
            out.append(self.expansion(c, depth + 1))
        return out

    def text_tokens(self, t: _Text) -> list[RuleExpansion]:
        out: list[RuleExpansion] = []
        for m in _TEXT_TOKEN.finditer(t.text):
            before = t.text[:m.start()]
            line = t.line + before.count("\n")
            col = (len(before) - before.rfind("\n")) if "\n" in before else t.col + len(before)
            if m.group(3):
                raise GrammarError("unterminated quoted token (missing closing '\"')", line, col, self.source)
            text = " ".join((m.group(1) if m.group(1) is not None else m.group(2)).split())
            if not text:
                raise GrammarError("empty quoted token", line, col, self.source)
            out.append(Token(line, col, text))
        return out

    def expansion(self, el: _El, depth: int) -> RuleExpansion:
        tag = el.tag
        if tag == "item":
            return self.item(el, depth, in_one_of=False)[1]
        if tag == "one-of":
            items, weights = [], []
            for c in el.children:
                if isinstance(c, _Text):
                    if c.text.strip():
                        raise self.error("<one-of> may contain only <item> elements", c)
                    continue
                if c.ns != SRGS_NS:
                    continue
                if c.tag != "item":
                    raise self.error(f"<one-of> may contain only <item> elements, not <{c.tag}>", c)
                w, node = self.item(c, depth + 1, in_one_of=True)
                items.append(node)
                weights.append(w)
            if not items:
                raise self.error("<one-of> needs at least one <item>", el)
            node = Alternatives(el.line, el.col, items, weights)
            node.lang = self.lang(el)
            return node
        if tag == "ruleref":
            return self.ruleref(el)
        if tag == "token":
            text = " ".join(self.text_of(el).split())
            if not text:
                raise self.error("empty <token>", el)
            node = Token(el.line, el.col, text)
            node.lang = self.lang(el)
            return node
        if tag == "tag":
            return Tag(el.line, el.col, self.text_of(el))
        if tag == "example":
            raise self.error("<example> is allowed only directly inside <rule>", el)
        raise self.error(f"<{tag}> is not allowed in a rule expansion", el)

    def item(self, el: _El, depth: int, in_one_of: bool) -> tuple[Optional[float], RuleExpansion]:
        inner = self.content(el, depth)
        body: RuleExpansion = inner[0] if len(inner) == 1 else Sequence(el.line, el.col, inner)
        if len(inner) == 1 and isinstance(body, Token):
            # An item is a rule expansion of its own; keep a wrapper so a
            # language attachment or repeat binds to the whole item.
            body = Sequence(el.line, el.col, inner)
        body.lang = self.lang(el)
        weight = None
        w = el.attr("weight")
        if w is not None:
            if not _NUMBER.match(w.strip()) or float(w) <= 0:
                raise self.error(f"weight '{w}' must be a positive number", el)
            weight = float(w)
        rep = el.attr("repeat")
        prob = el.attr("repeat-prob")
        if rep is not None:
            m = _REPEAT.match(rep.strip())
            if not m:
                raise self.error(f"malformed repeat '{rep}' (expected n, m-n or m-)", el)
            lo = repeat_count(m.group(1))
            hi: Optional[int] = lo if not m.group(2) else (repeat_count(m.group(3)) if m.group(3) else None)
            if lo > MAX_COUNT or (hi is not None and hi > MAX_COUNT):
                from ..errors import InvalidArgumentError

                raise InvalidArgumentError(f"{self.source}: line {el.line}, column {el.col}: repeat count exceeds "
                                           f"{MAX_COUNT}")
            if hi is not None and hi < lo:
                raise self.error(f"repeat '{rep}': the maximum is smaller than the minimum", el)
            p = None
            if prob is not None:
                if not _NUMBER.match(prob.strip()) or float(prob) > 1.0:
                    raise self.error(f"repeat-prob '{prob}' must be a number between 0 and 1", el)
                p = float(prob)
            body = Repeat(el.line, el.col, body, lo, hi, p)
        elif prob is not None:
            raise self.error("repeat-prob needs a repeat attribute", el)
        return weight, body

    def ruleref(self, el: _El) -> RuleExpansion:
        for c in el.children:
            if isinstance(c, _El) or c.text.strip():
                raise self.error("<ruleref> must be empty", el)
        if el.attr(XML_NS + " lang") is not None:
            raise self.error("xml:lang on <ruleref> was removed from SRGS 1.0: a language cannot be attached "
                             "to a rule reference", el)
        uri, special = el.attr("uri"), el.attr("special")
        if (uri is None) == (special is None):
            raise self.error("<ruleref> needs exactly one of uri= and special=", el)
        if special is not None:
            if special not in SPECIAL_RULES:
                raise self.error(f"special must be NULL, VOID or GARBAGE, not '{special}'", el)
            return Special(el.line, el.col, special)
        target, _, frag = uri.partition("#")
        if "#" in uri and not is_rule_name(frag):
            raise self.error(f"'{frag}' is not a valid rule name in uri '{uri}'", el)
        if not target:
            if not frag:
                raise self.error("empty rule reference uri", el)
            return RuleRef(el.line, el.col, name=frag)
        return RuleRef(el.line, el.col, uri=target, fragment=frag or None, media_type=el.attr("type"))


class _Stop(Exception):
    pass


def parse_srgs_xml(data: Union[bytes, str], source: str = "<string>") -> GrammarDocument:
    """Parse an SRGS XML document (bytes, so the XML declaration's encoding applies)."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return SrgsXmlParser(data, source).parse()
