"""The en-US inverse-text-normalization grammar, run as two FSTs.

``ItnGrammar`` is the only place that knows which engine runs the grammar: the
English ITN tagger and verbalizer FSTs that the ``wetext`` wheel ships
(WeTextProcessing's port of NeMo's English ITN rules, compiled with pynini
ahead of time, Apache-2.0), applied by ``kaldifst.TextNormalizer`` (native,
Apache-2.0).  Neither pynini nor a model download is needed at run time.

The tagger turns spoken words into tokens whose fields still hold the spoken
words (``time { hour: "nine" minute: "thirty" noon: "am" }``); the verbalizer
turns a token into its written form (``09:30 a.m.``).  The formatter keeps the
tokens so that it can render them by another service's convention, and so it
knows which input words each token covers.

Only the FST files are used, located without importing ``wetext`` (whose
``__init__`` loads every language's FSTs, ~1 s and 50 MB); loading the two
English FSTs takes ~30 ms and happens once, on first use.
"""
from __future__ import annotations

import importlib.util
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import AsrError

# Field order the verbalizer FST expects for each token class (the tagger may
# emit them in another order); fields not listed keep their relative order.
_CANONICAL_ORDER = {
    "date": ("year", "month", "day", "preserve_order"),
    "fraction": ("sign", "numerator", "denominator"),
    "measure": ("numerator", "denominator", "value", "units"),
    "money": ("currency", "value", "decimal", "quantity"),
    "time": ("hour", "minute", "second", "noon", "zone"),
    "telephone": ("country_code", "number_part"),
    "electronic": ("username", "domain", "protocol"),
}

# Fields the tagger inserts rather than copies from the input.
_INSERTED_FIELDS = frozenset({"preserve_order", "kind", "style"})

_TOKEN = re.compile(r'\s*([a-z_]+) \{((?:\s*[a-z_]+: "(?:[^"\\]|\\.)*")*)\s*\}')
_FIELD = re.compile(r'([a-z_]+): "((?:[^"\\]|\\.)*)"')


@dataclass
class Token:
    """One tagged span: a class name (``cardinal``, ``date``, ...) and its fields."""

    name: str
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def spoken_words(self) -> list[str]:
        """The input words the token covers, in order."""
        words: list[str] = []
        for key, value in self.fields.items():
            if key not in _INSERTED_FIELDS:
                words.extend(value.split())
        return words

    def serialize(self) -> str:
        """The token in the FST's text form, fields in the verbalizer's order."""
        keys = list(self.fields)
        if self.fields.get("preserve_order") != "true":
            first = [k for k in _CANONICAL_ORDER.get(self.name, ()) if k in self.fields]
            keys = first + [k for k in keys if k not in first]
        body = " ".join(f'{k}: "{_escape(self.fields[k])}"' for k in keys)
        return f"{self.name} {{ {body} }}"


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"')


def _unescape(value: str) -> str:
    return re.sub(r"\\(.)", r"\1", value)


def parse_tokens(tagged: str) -> list[Token]:
    """Parse the tagger's output; raises ``AsrError`` on text it did not produce."""
    tokens: list[Token] = []
    pos = 0
    tagged = tagged.rstrip()
    while pos < len(tagged):
        m = _TOKEN.match(tagged, pos)
        if m is None:
            raise AsrError(f"ITN tagger produced unparsable output at {pos}: {tagged[pos:pos + 40]!r}")
        fields = {k: _unescape(v) for k, v in _FIELD.findall(m.group(2))}
        tokens.append(Token(m.group(1), fields))
        pos = m.end()
    return tokens


def _fst_dir() -> Path:
    spec = importlib.util.find_spec("wetext")
    if spec is None or not spec.submodule_search_locations:
        raise AsrError(
            "smart formatting needs the 'wetext' package (pip install wetext): "
            "it ships the compiled en-US ITN grammar"
        )
    return Path(list(spec.submodule_search_locations)[0]) / "fsts" / "en" / "itn"


class ItnGrammar:
    """The English ITN tagger and verbalizer (immutable, shared by threads)."""

    def __init__(self, fst_dir: Path | None = None) -> None:
        import kaldifst  # noqa: PLC0415 - optional until formatting is used

        d = fst_dir or _fst_dir()
        tagger, verbalizer = d / "tagger.fst", d / "verbalizer.fst"
        for path in (tagger, verbalizer):
            if not path.is_file():
                raise AsrError(f"ITN grammar file missing: {path} (reinstall wetext)")
        self._tagger = kaldifst.TextNormalizer(str(tagger))
        self._verbalizer = kaldifst.TextNormalizer(str(verbalizer))

    def tag(self, text: str) -> list[Token]:
        """Tokens for ``text`` (lower-case words separated by single spaces)."""
        return parse_tokens(self._tagger(text))

    def verbalize(self, token: Token) -> str:
        """The written form of one token."""
        if token.name == "word":
            return token.fields.get("value", "")
        return self._verbalizer(token.serialize()).strip()


_lock = threading.Lock()
_grammar: ItnGrammar | None = None


def default_grammar() -> ItnGrammar:
    """The process-wide grammar, loaded on first use."""
    global _grammar
    if _grammar is None:
        with _lock:
            if _grammar is None:
                _grammar = ItnGrammar()
    return _grammar
