"""The public grammar API: compile a grammar once, then test sentences
against it, parse them, or hand its automaton to the decoder."""
from __future__ import annotations

import os
import re
from dataclasses import dataclass, fields
from typing import Any, Mapping, Optional, Sequence as Seq, Union

from .. import _core, limits
from ..errors import FormatError, InvalidArgumentError
from .document import GrammarDocument
from .loader import DocumentSet, LoadOptions, form_of_media_type, parse_document, sniff_form
from .lowering import DTMF_ALIASES, lower, normalise_tokens
from .lps import ParseNode, parse_tokens
from .source import GrammarError
from ..validation import checked_arguments, checked_init

__all__ = ["GrammarOptions", "Grammar", "compile_grammar", "matches"]

PathLike = Union[str, os.PathLike]


@checked_init
@dataclass
class GrammarOptions:
    """Compilation limits and probabilities (mirrors the native
    ``GrammarCompileOptions``) plus how documents are loaded.

    The size limits' defaults (see :mod:`asr_engine.limits`) make any
    grammar compile or fail in about a second; raise them for big grammars.
    """

    max_states: int = limits.MAX_GRAMMAR_STATES  #: states of any automaton (the expansion's estimated first)
    max_arcs: int = limits.MAX_GRAMMAR_ARCS  #: arcs any intermediate automaton may have
    max_work: int = limits.MAX_GRAMMAR_WORK  #: units of compile work (a deterministic time budget)
    max_seconds: float = limits.MAX_GRAMMAR_SECONDS  #: wall-clock backstop for compiling one grammar
    default_repeat_prob: float = 0.5  #: P(one more copy) for repeats without /p/
    garbage_prob: float = 0.5  #: P($GARBAGE absorbs speech) vs. matching nothing
    max_depth: int = 2000  #: nesting of expansions and inlined rule references
    minimize: bool = True  #: merge equivalent automaton states
    external_refs: bool = True  #: resolve references to other local grammar files
    allow_outside_base: bool = False  #: let references leave the grammar's directory
    max_source_bytes: int = limits.MAX_GRAMMAR_BYTES  #: largest grammar document read
    max_tokens: int = limits.MAX_GRAMMAR_TOKENS  #: white-space separated pieces per document, checked before parsing
    dtmf_aliases: bool = True  #: in DTMF grammars, "star"/"pound" mean "*"/"#"

    def __post_init__(self) -> None:
        for name in ("max_states", "max_arcs", "max_work", "max_source_bytes", "max_tokens"):
            setattr(self, name, limits.check_int(getattr(self, name), name, 1, 2**63 - 1))
        self.max_depth = limits.check_int(self.max_depth, "max_depth", 1, 2**32 - 1)
        self.max_seconds = limits.check_float(self.max_seconds, "max_seconds", 0.0, 1e6, low_open=True)
        for name in ("default_repeat_prob", "garbage_prob"):
            v = limits.check_float(getattr(self, name), name, 0.0, 1.0, low_open=True)
            if v == 1.0:
                raise InvalidArgumentError(f"{name} must be strictly between 0 and 1, not 1")
            setattr(self, name, v)
        for name in ("minimize", "external_refs", "allow_outside_base", "dtmf_aliases"):
            if not isinstance(getattr(self, name), bool):
                raise InvalidArgumentError(f"{name} must be True or False, not {getattr(self, name)!r:.60}")

    def native(self):
        o = _core.grammar.CompileOptions()
        for name in ("max_states", "max_arcs", "max_work", "max_seconds", "default_repeat_prob", "garbage_prob",
                     "max_depth", "minimize"):
            setattr(o, name, getattr(self, name))
        return o

    def load_options(self) -> LoadOptions:
        return LoadOptions(external_refs=self.external_refs, allow_outside_base=self.allow_outside_base,
                           max_source_bytes=self.max_source_bytes, max_tokens=self.max_tokens)


def _tokens(sentence: Union[str, Seq[str]]) -> list[str]:
    if isinstance(sentence, str):
        return sentence.split()
    if not isinstance(sentence, (list, tuple)):
        raise InvalidArgumentError(f"a sentence is a string or a sequence of strings, not {type(sentence).__name__}")
    out: list[str] = []
    for t in sentence:
        if not isinstance(t, str):
            raise InvalidArgumentError("a sentence is a string or a sequence of strings")
        out.extend(t.split())
    return out


class Grammar:
    """A compiled grammar (SRGS ABNF, SRGS XML or JSGF).

    Immutable and thread-safe. ``fsa`` is the native automaton the decoder
    searches under (a ``WordSequenceModel``); ``words`` is the lexicon the
    decoder needs; ``matches`` and ``parse`` test sentences without audio.
    """

    def __init__(self, documents: DocumentSet, roots: list[tuple[GrammarDocument, str]],
                 options: GrammarOptions) -> None:
        self._docs = documents
        self.document: GrammarDocument = documents.top
        self.options = options
        self._roots = roots
        self.root_rules: list[str] = [name for _, name in roots]
        if roots:
            rules, root_ids, _ = lower(self.document, roots, options.dtmf_aliases)
        else:  # a document without rules: a real automaton accepting nothing
            rules, root_ids = _core.grammar.RuleSet(), []
        self.fsa, self.stats = _compile_native(rules, root_ids, options, self.document.source)

    # -- description ------------------------------------------------------------

    @property
    def form(self) -> str:
        """'abnf', 'xml' or 'jsgf'."""
        return self.document.form

    @property
    def media_type(self) -> str:
        return {"abnf": "application/srgs", "xml": "application/srgs+xml", "jsgf": "application/x-jsgf"}[self.form]

    @property
    def language(self) -> Optional[str]:
        return self.document.language

    @property
    def languages(self) -> list[str]:
        """Every language the grammar names: its own and those of language
        attachments (``!fr``, ``xml:lang``), first the grammar's."""
        from .document import Alternatives, Repeat, Sequence

        seen: list[str] = [self.document.language] if self.document.language else []
        for doc in self._docs.docs.values():
            stack = [r.body for r in doc.rules.values()]
            if doc.language and doc.language not in seen:
                seen.append(doc.language)
            while stack:
                n = stack.pop()
                if n.lang and n.lang not in seen:
                    seen.append(n.lang)
                if isinstance(n, (Sequence, Alternatives)):
                    stack.extend(n.items)
                elif isinstance(n, Repeat):
                    stack.append(n.item)
        return seen

    @property
    def mode(self) -> str:
        """'voice' or 'dtmf'."""
        return self.document.mode

    @property
    def empty(self) -> bool:
        """True if no sentence can match (no rules, or only $VOID)."""
        return self.fsa is None or self.fsa.empty

    @property
    def words(self) -> list[str]:
        """The words the grammar can output (its lexicon), in first-use order;
        excludes the reserved ``<garbage>`` word."""
        return [] if self.fsa is None else self.fsa.lexicon_words()

    @property
    def has_garbage(self) -> bool:
        """Whether the grammar uses $GARBAGE (the decoder then needs a filler path)."""
        return self.fsa is not None and self.fsa.has_garbage

    @property
    def num_states(self) -> int:
        return 0 if self.fsa is None else self.fsa.num_states

    @property
    def num_arcs(self) -> int:
        return 0 if self.fsa is None else self.fsa.num_arcs

    def __repr__(self) -> str:
        return (f"Grammar({self.form}, roots={self.root_rules}, words={len(self.words)}, "
                f"states={self.num_states}, arcs={self.num_arcs})")

    # -- testing sentences ----------------------------------------------------

    def _input(self, sentence: Union[str, Seq[str]]) -> list[str]:
        return normalise_tokens(_tokens(sentence), self.mode, self.options.dtmf_aliases)

    def matches(self, sentence: Union[str, Seq[str]]) -> bool:
        """Whether the sentence (whitespace-separated tokens, matched exactly)
        is in the grammar's language. $GARBAGE absorbs one or more tokens."""
        if self.fsa is None:
            return False
        return self.fsa.accepts(self._input(sentence))

    def score(self, sentence: Union[str, Seq[str]]) -> float:
        """Natural-log probability of the word sequence under the grammar's
        weights (-inf if not accepted; ``<garbage>`` must be literal)."""
        if self.fsa is None:
            return float("-inf")
        return self.fsa.score_words(self._input(sentence))

    def parse(self, sentence: Union[str, Seq[str]]) -> Optional[ParseNode]:
        """The logical parse structure of the sentence, or None if it does not
        match. ``str(result)`` gives the W3C notation."""
        if self.fsa is None:
            return None
        tokens = self._input(sentence)
        aliases = self.options.dtmf_aliases

        def norm(doc: GrammarDocument, w: str) -> str:
            return DTMF_ALIASES.get(w, w) if aliases and doc.mode == "dtmf" else w

        labels = [(d, n, "$" + n) for d, n in self._roots]
        try:
            return parse_tokens(tokens, labels, norm)
        except RecursionError:
            raise InvalidArgumentError("sentence too long to parse under this grammar") from None

    def enumerate(self, max_length: int = 20, max_count: int = 100_000) -> tuple[list[list[str]], bool]:
        """(sentences of at most max_length words, complete?) in word-id order."""
        if self.fsa is None:
            return [], True
        return self.fsa.enumerate(max_length, max_count)

    def unknown_words(self, dictionary: Any, *, case_sensitive: bool = False) -> list[str]:
        """Grammar words that `dictionary` has no pronunciation for.

        `dictionary` is a set/mapping/iterable of words, an object supporting
        ``in``, or the path of a CMU-style pronunciation dictionary (one
        ``word phones...`` per line, alternates as ``word(2)``).
        """
        known = _word_set(dictionary)
        if case_sensitive:
            return [w for w in self.words if w not in known]
        lowered = {w.lower() for w in known} if isinstance(known, (set, frozenset)) else None
        out = []
        for w in self.words:
            if lowered is not None:
                if w.lower() not in lowered:
                    out.append(w)
            elif w not in known and w.lower() not in known:
                out.append(w)
        return out


_NATIVE_POS = re.compile(r"line (\d+), column (\d+): (.*)", re.S)


def _compile_native(rules, root_ids, options: GrammarOptions, source: str):
    """Runs the native compiler, re-raising its errors with the source name
    (and as GrammarError with line and column when it names a place)."""
    try:
        return _core.grammar.compile(rules, root_ids, options.native())
    except GrammarError:
        raise
    except FormatError as e:
        m = _NATIVE_POS.match(str(e))
        if m:
            raise GrammarError(m.group(3), int(m.group(1)), int(m.group(2)), source) from None
        raise GrammarError(str(e), 0, 0, source) from None
    except InvalidArgumentError as e:
        raise InvalidArgumentError(f"{source}: {e}") from None


def _word_set(dictionary: Any):
    if isinstance(dictionary, (str, os.PathLike)):
        words = set()
        for raw in limits.read_file(dictionary, "dictionary").splitlines():
            if True:
                line = raw.decode("utf-8", "replace").strip()
                if not line or line.startswith(";;;") or line.startswith("##"):
                    continue
                w = line.split()[0]
                if w.endswith(")") and "(" in w:
                    w = w[: w.rindex("(")]
                words.add(w)
        return words
    if isinstance(dictionary, Mapping):
        return set(dictionary.keys())
    if isinstance(dictionary, (set, frozenset)):
        return dictionary
    if hasattr(dictionary, "__contains__") and not isinstance(dictionary, (list, tuple)):
        return dictionary
    return set(dictionary)


def _read_source(source: Union[str, bytes, PathLike], options: GrammarOptions) -> tuple[bytes, Optional[str], str]:
    """(bytes, directory or None, display name)."""
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source), None, "<bytes>"
    if isinstance(source, str):
        stripped = source.lstrip("\ufeff \t\r\n")
        if stripped.startswith(("#ABNF", "#JSGF", "<")) or "\n" in source or not source.strip():
            return source.encode("utf-8"), None, "<string>"
    if not isinstance(source, os.PathLike) and not isinstance(source, str):
        raise InvalidArgumentError(f"a grammar is text, bytes or a path, not {type(source).__name__}")
    path = os.fspath(source)
    data = limits.read_file(path, "grammar file", options.max_source_bytes)
    return data, os.path.dirname(os.path.abspath(path)), path


@checked_arguments
def compile_grammar(
    source: Union[str, bytes, PathLike],
    media_type: Optional[str] = None,
    *,
    base_uri: Optional[PathLike] = None,
    root: Union[None, str, Seq[str]] = None,
    options: Optional[GrammarOptions] = None,
    **option_overrides: Any,
) -> Grammar:
    """Compile a grammar from its text, bytes, or a file path.

    Args:
        source: grammar text (``#ABNF …``, ``<?xml …``/``<grammar …``,
            ``#JSGF …``), raw bytes, or a path to a grammar file.
        media_type: ``application/srgs``, ``application/srgs+xml`` or
            ``application/x-jsgf``; sniffed from the content when None.
        base_uri: directory against which relative references resolve (and
            which they may not leave) when `source` is text or bytes.
        root: rule name(s) to activate instead of the declared root (several
            names are activated in parallel). Without a declared root, all
            public rules are activated (SRGS) or the first public rule (JSGF,
            as PocketSphinx does).
        options: limits and probabilities; keyword arguments override fields.

    Raises:
        GrammarError (a FormatError, code 400) with line and column for
        syntax and semantic errors; InvalidArgumentError for exceeded limits;
        UnsupportedMediaTypeError (415) for an unknown media type.
    """
    opts = options or GrammarOptions()
    if option_overrides:
        known = {f.name for f in fields(GrammarOptions)}
        bad = set(option_overrides) - known
        if bad:
            raise InvalidArgumentError(f"unknown grammar option(s): {', '.join(sorted(bad))}")
        opts = GrammarOptions(**{**{f.name: getattr(opts, f.name) for f in fields(GrammarOptions)},
                                 **option_overrides})
    elif not isinstance(opts, GrammarOptions):
        raise InvalidArgumentError(f"options must be a GrammarOptions, not {type(opts).__name__}")
    data, directory, name = _read_source(source, opts)
    if base_uri is not None:
        directory = os.path.abspath(os.fspath(base_uri))
    form = form_of_media_type(media_type) if media_type else sniff_form(data)
    if form is None:
        raise GrammarError("not a grammar: expected '#ABNF 1.0;', '#JSGF V1.0;' or an XML <grammar> document",
                           1, 1, name)
    if media_type:
        sniffed = sniff_form(data)
        if sniffed is not None and sniffed != form:
            raise GrammarError(f"media type {media_type} does not match the document, which looks like "
                               f"{sniffed.upper()}", 1, 1, name)
    try:
        return _compile(data, form, name, directory, root, opts)
    except RecursionError:
        # Every front end bounds its nesting, so this is a last line of defence.
        raise GrammarError("grammar is nested too deeply to process", 0, 0, name) from None


def _compile(data: bytes, form: str, name: str, directory: Optional[str], root, opts: GrammarOptions) -> Grammar:
    lo = opts.load_options()
    doc = parse_document(data, form, name, lo)
    if name not in ("<string>", "<bytes>"):
        doc.uri = os.path.realpath(name)
    docs = DocumentSet(doc, directory, lo)
    docs.check(doc)
    from .jsgf import check_jsgf_imports, resolve_jsgf_ref

    docs.resolve_all(resolve_jsgf_ref, check_jsgf_imports)
    return Grammar(docs, _choose_roots(doc, root), opts)


def _choose_roots(doc: GrammarDocument, root: Union[None, str, Seq[str]]) -> list[tuple[GrammarDocument, str]]:
    if root is not None:
        names = [root] if isinstance(root, str) else list(root)
        out = []
        for n in names:
            n = n[1:] if n.startswith("$") else n.strip("<>")
            if n not in doc.rules:
                raise InvalidArgumentError(f"root rule '{n}' is not defined in the grammar")
            out.append((doc, n))
        return out
    if not doc.rules:
        return []  # a legal document with no rules: loads, matches nothing
    if doc.root is not None:
        return [(doc, doc.root)]
    public = doc.public_rules
    if not public:
        what = "public rule" if doc.form == "jsgf" else "root declaration and no public rule"
        raise GrammarError(f"the grammar has no {what} to activate", 1, 1, doc.source)
    if doc.form == "jsgf":
        return [(doc, public[0])]
    return [(doc, r) for r in public]


@checked_arguments
def matches(grammar: Union[Grammar, str, bytes, PathLike], sentence: Union[str, Seq[str]], **kwargs: Any) -> bool:
    """Whether `sentence` is in the language of `grammar` (a compiled Grammar,
    or anything :func:`compile_grammar` accepts, compiled with `kwargs`)."""
    g = grammar if isinstance(grammar, Grammar) else compile_grammar(grammar, **kwargs)
    return g.matches(sentence)
