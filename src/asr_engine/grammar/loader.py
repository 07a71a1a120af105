"""Reading grammar documents and resolving the references between them.

SRGS external references (``$<uri>``, ``<ruleref uri=...>``) and JSGF
imports name other files. Only local files are resolved, relative to the
referring document's base (its ``base`` declaration, else ``meta "base"``,
else its own directory); the resolved path must stay inside the allowed
directory (the top grammar's directory, or ``base_uri``) unless the caller
allows otherwise, so a grammar cannot read arbitrary files.
"""
from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass
from typing import Callable, Optional
from urllib.parse import unquote, urlparse

from .. import limits
from .document import GrammarDocument, RuleRef
from .source import GrammarError, decode_grammar_bytes

__all__ = ["LoadOptions", "sniff_form", "form_of_media_type", "parse_document", "DocumentSet"]

MEDIA_TYPES = {
    "application/srgs": "abnf",
    "application/srgs+xml": "xml",
    "application/x-jsgf": "jsgf",
    "application/jsgf": "jsgf",
    "text/jsgf": "jsgf",
}


@dataclass
class LoadOptions:
    """How grammar documents are read and referenced."""

    external_refs: bool = True  #: resolve $<uri> references and JSGF imports (local files only)
    allow_outside_base: bool = False  #: let references leave the allowed directory
    max_source_bytes: int = limits.MAX_GRAMMAR_BYTES  #: largest grammar document read
    max_documents: int = 256  #: most documents one grammar may pull in
    max_tokens: int = limits.MAX_GRAMMAR_TOKENS  #: pieces (words, tags) a document may hold


def form_of_media_type(media_type: str) -> str:
    form = MEDIA_TYPES.get(media_type.split(";")[0].strip().lower())
    if form is None:
        from ..errors import UnsupportedMediaTypeError

        raise UnsupportedMediaTypeError(
            f"unsupported grammar media type '{media_type}' (use application/srgs, application/srgs+xml "
            "or application/x-jsgf)"
        )
    return form


_XML_START = re.compile(rb"\s*(<\?xml|<!--|<!DOCTYPE|<grammar)", re.I)


def sniff_form(data: bytes) -> Optional[str]:
    """'abnf', 'xml' or 'jsgf' from the first bytes of a document, or None."""
    head = data[:512]
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if head[:2] in (b"#\x00", b"<\x00"):
        head = head[::2]
    elif head[:2] in (b"\x00#", b"\x00<"):
        head = head[1::2]
    if re.match(rb"\s*#\s*ABNF", head):
        return "abnf"
    if re.match(rb"\s*#\s*JSGF", head):
        return "jsgf"
    if _XML_START.match(head):
        return "xml"
    return None


def parse_document(data: bytes, form: str, source: str, options: LoadOptions) -> GrammarDocument:
    """Parse one document of a known form."""
    if len(data) > options.max_source_bytes:
        from ..errors import PayloadTooLargeError

        raise PayloadTooLargeError(
            f"{source}: grammar is {len(data)} bytes, more than max_source_bytes={options.max_source_bytes}"
        )
    # Parsing costs ~20 us per token in Python: count before parsing (white-
    # space separated pieces, plus markup, which XML needs no spaces for).
    pieces = len(data.split()) + data.count(b"<")
    if pieces > options.max_tokens:
        from ..errors import PayloadTooLargeError

        raise PayloadTooLargeError(
            f"{source}: grammar has about {pieces} tokens, more than max_tokens={options.max_tokens}"
        )
    if form == "xml":
        from .srgs_xml import parse_srgs_xml

        return parse_srgs_xml(data, source)
    text = decode_grammar_bytes(data, source)
    if form == "abnf":
        from .abnf import parse_abnf

        return parse_abnf(text, source)
    if form == "jsgf":
        from .jsgf import parse_jsgf

        return parse_jsgf(text, source)
    raise GrammarError(f"unknown grammar form '{form}'", 0, 0, source)


class DocumentSet:
    """The top document plus every document it references, resolved."""

    def __init__(self, top: GrammarDocument, base_dir: Optional[str], options: LoadOptions,
                 allowed_dir: Optional[str] = None) -> None:
        self.top = top
        self.options = options
        self.base_dir = base_dir
        self.allowed_dir = os.path.realpath(allowed_dir or base_dir) if (allowed_dir or base_dir) else None
        self.docs: dict[str, GrammarDocument] = {}
        key = top.uri or "<top>"
        self.docs[key] = top
        self._dirs = {id(top): base_dir}

    # -- loading ---------------------------------------------------------------

    def load(self, path: str, expected_form: Optional[str], at: RuleRef, referrer: GrammarDocument) -> GrammarDocument:
        real = os.path.realpath(path)
        if real in self.docs:
            doc = self.docs[real]
        else:
            if len(self.docs) >= self.options.max_documents:
                raise self.err(referrer, at, f"grammar references more than {self.options.max_documents} documents")
            if not os.path.isfile(real):
                raise self.err(referrer, at, f"referenced grammar not found: {path}")
            try:
                with open(real, "rb") as f:
                    data = f.read(self.options.max_source_bytes + 1)
            except OSError as e:
                raise self.err(referrer, at, f"cannot read referenced grammar {path}: {e.strerror}") from None
            form = sniff_form(data)
            if form is None:
                raise self.err(referrer, at, f"referenced file {path} is not an ABNF, XML or JSGF grammar")
            doc = parse_document(data, form, path, self.options)
            doc.uri = real
            self.docs[real] = doc
            self._dirs[id(doc)] = os.path.dirname(real)
            self.check(doc)
        if expected_form is not None and doc.form != expected_form:
            raise self.err(referrer, at, f"referenced grammar {path} is {_FORM_NAMES[doc.form]}, "
                                         f"not {_FORM_NAMES[expected_form]} as its media type says")
        return doc

    def err(self, doc: GrammarDocument, node, message: str) -> GrammarError:
        return GrammarError(message, getattr(node, "line", 0), getattr(node, "column", 0), doc.source)

    def directory_of(self, doc: GrammarDocument) -> Optional[str]:
        return self._dirs.get(id(doc))

    def base_of(self, doc: GrammarDocument, at) -> str:
        """Directory against which `doc`'s relative references resolve."""
        own = self.directory_of(doc)
        base = doc.base if doc.base is not None else doc.meta("base")
        if base is None:
            if own is None:
                raise self.err(doc, at, "a grammar given as text cannot resolve relative references; "
                                        "pass base_uri= (a directory)")
            return own
        path = self.local_path(base, doc, at)
        if own is not None and not os.path.isabs(path):
            path = os.path.join(own, path)
        elif own is None and not os.path.isabs(path):
            raise self.err(doc, at, "a relative base needs base_uri= when the grammar is given as text")
        return path

    def local_path(self, uri: str, doc: GrammarDocument, at) -> str:
        if any(ord(c) < 32 for c in uri):
            raise self.err(doc, at, f"malformed reference {uri!r}: control characters in a URI")
        p = urlparse(uri)
        if p.scheme and len(p.scheme) > 1 and p.scheme != "file":
            raise self.err(doc, at, f"cannot resolve '{uri}': only local grammar files can be referenced")
        if p.scheme == "file":
            if p.netloc not in ("", "localhost"):
                raise self.err(doc, at, f"cannot resolve '{uri}': remote file URI")
            return unquote(p.path)
        return unquote(uri)

    def resolve_uri(self, uri: str, doc: GrammarDocument, at) -> str:
        if not self.options.external_refs:
            raise self.err(doc, at, f"external reference '{uri}' not allowed (external_refs=False)")
        rel = self.local_path(uri, doc, at)
        path = rel if os.path.isabs(rel) else os.path.join(self.base_of(doc, at), rel)
        real = os.path.realpath(path)
        if not self.options.allow_outside_base:
            if self.allowed_dir is None:
                raise self.err(doc, at, f"cannot resolve '{uri}' for a grammar given as text without base_uri=")
            if os.path.commonpath([real, self.allowed_dir]) != self.allowed_dir:
                raise self.err(doc, at, f"reference '{uri}' points outside the grammar's directory "
                                        "(allow_outside_base=True permits this)")
        return path

    # -- checking and resolution -----------------------------------------------

    def check(self, doc: GrammarDocument) -> None:
        """Document-level constraints that do not need other documents."""
        if doc.form in ("abnf", "xml"):
            if doc.mode == "voice" and not doc.language:
                raise GrammarError("a voice grammar must declare its language (e.g. 'language en-US;')",
                                   1, 1, doc.source)
            if doc.root is not None and doc.root not in doc.rules:
                line, col = doc.root_pos
                raise GrammarError(f"root rule ${doc.root} is not defined", line, col, doc.source)

    def resolve_all(self, resolve_jsgf: Callable[["DocumentSet", GrammarDocument, RuleRef], None],
                    check_imports: Callable[["DocumentSet", GrammarDocument], None]) -> None:
        """Sets ``target`` on every rule reference of every document,
        loading referenced documents as they are found."""
        done: set[int] = set()
        while True:
            pending = [d for d in list(self.docs.values()) if id(d) not in done]
            if not pending:
                return
            for doc in pending:
                done.add(id(doc))
                if doc.form == "jsgf":
                    check_imports(self, doc)
                for rule in doc.rules.values():
                    for ref in _refs(rule.body):
                        if doc.form == "jsgf":
                            resolve_jsgf(self, doc, ref)
                        else:
                            self.resolve_srgs(doc, ref)

    def resolve_srgs(self, doc: GrammarDocument, ref: RuleRef) -> None:
        if ref.uri is None:
            if ref.name not in doc.rules:
                raise self.err(doc, ref, f"reference to undefined rule ${ref.name}")
            ref.target = (doc, ref.name)
            return
        if ref.uri == "" and ref.fragment:
            # "#rule" is a same-document reference written as a URI.
            if ref.fragment not in doc.rules:
                raise self.err(doc, ref, f"reference to undefined rule ${ref.fragment}")
            ref.target = (doc, ref.fragment)
            return
        form = form_of_media_type(ref.media_type) if ref.media_type else None
        path = self.resolve_uri(ref.uri, doc, ref)
        other = self.load(path, form, ref, doc)
        if other.mode != doc.mode:
            raise self.err(doc, ref, f"referenced grammar {ref.uri} is a {other.mode} grammar, "
                                     f"this one is a {doc.mode} grammar")
        if ref.fragment:
            rule = other.rules.get(ref.fragment)
            if rule is None:
                raise self.err(doc, ref, f"rule ${ref.fragment} is not defined in {ref.uri}")
            if not rule.public and other.form != "jsgf":
                raise self.err(doc, ref, f"rule ${ref.fragment} of {ref.uri} is private and cannot be referenced")
            ref.target = (other, ref.fragment)
        else:
            if other.root is None:
                raise self.err(doc, ref, f"{ref.uri} declares no root rule, so it cannot be referenced "
                                         "without a '#rule' fragment")
            ref.target = (other, other.root)


_FORM_NAMES = {"abnf": "an SRGS ABNF grammar", "xml": "an SRGS XML grammar", "jsgf": "a JSGF grammar"}


def _refs(node):
    """Every RuleRef under `node` (iterative: bodies can be long)."""
    from .document import Alternatives, Repeat, Sequence

    stack = [node]
    while stack:
        n = stack.pop()
        if isinstance(n, RuleRef):
            yield n
        elif isinstance(n, (Sequence, Alternatives)):
            stack.extend(reversed(n.items))
        elif isinstance(n, Repeat):
            stack.append(n.item)
