"""The parsed form of a grammar document (SRGS ABNF, SRGS XML or JSGF).

Front ends build these nodes (``RuleExpansion`` subclasses) and a
``GrammarDocument``; the lowering step turns them into the native RuleSet
and the logical-parse matcher walks them directly. Every node remembers
where it came from so later checks can point at the source.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Optional, Union

__all__ = [
    "RuleExpansion",
    "Token",
    "RuleRef",
    "Special",
    "Tag",
    "Sequence",
    "Alternatives",
    "Repeat",
    "Rule",
    "GrammarDocument",
    "SPECIAL_RULES",
]

SPECIAL_RULES = ("NULL", "VOID", "GARBAGE")


@dataclass(eq=False)
class RuleExpansion:
    """Base of all expansion nodes."""

    line: int = 0
    column: int = 0
    # Language attachment (SRGS "!fr", xml:lang); a plain attribute rather
    # than a field so subclasses can take their own fields positionally.
    lang = None


@dataclass(eq=False)
class Token(RuleExpansion):
    """One grammar token; a quoted token may hold several words."""

    text: str = ""  # whitespace-normalised

    @property
    def words(self) -> list[str]:
        return self.text.split()


@dataclass(eq=False)
class RuleRef(RuleExpansion):
    """A reference to a local rule (``name``) or an external grammar (``uri``)."""

    name: Optional[str] = None  # local rule name, without "$" / "<>"
    uri: Optional[str] = None  # external reference as written, without the fragment
    fragment: Optional[str] = None  # external rule name after "#", if any
    media_type: Optional[str] = None
    # Filled in by resolution: the document and rule name it points at.
    target: Optional[tuple["GrammarDocument", str]] = None

    def display(self) -> str:
        """How the logical parse structure names this reference."""
        if self.uri is None:
            return "$" + (self.name or "")
        return "$<" + self.uri + ("#" + self.fragment if self.fragment else "") + ">"


@dataclass(eq=False)
class Special(RuleExpansion):
    """$NULL, $VOID or $GARBAGE."""

    kind: str = "NULL"


@dataclass(eq=False)
class Tag(RuleExpansion):
    """Semantic tag: kept for the parse structure, never matched against input."""

    text: str = ""


@dataclass(eq=False)
class Sequence(RuleExpansion):
    items: list = field(default_factory=list)


@dataclass(eq=False)
class Alternatives(RuleExpansion):
    items: list = field(default_factory=list)
    weights: list = field(default_factory=list)  # float or None (= 1.0) per item


@dataclass(eq=False)
class Repeat(RuleExpansion):
    item: Optional[RuleExpansion] = None
    min: int = 0
    max: Optional[int] = None  # None = unbounded
    prob: Optional[float] = None


@dataclass(eq=False)
class Rule:
    name: str
    body: RuleExpansion
    public: bool = False
    line: int = 0
    column: int = 0


AnyNode = Union[Token, RuleRef, Special, Tag, Sequence, Alternatives, Repeat]


@dataclass(eq=False)
class GrammarDocument:
    """A parsed grammar with its declarations and rules (in source order)."""

    form: str  # "abnf" | "xml" | "jsgf"
    source: str = "<string>"  # file path or "<string>"
    uri: Optional[str] = None  # absolute path of the file, when loaded from one
    version: str = "1.0"
    language: Optional[str] = None
    mode: str = "voice"
    root: Optional[str] = None
    root_pos: tuple[int, int] = (0, 0)
    tag_format: Optional[str] = None
    base: Optional[str] = None
    lexicons: list = field(default_factory=list)
    metas: list = field(default_factory=list)  # (name, content)
    http_equivs: list = field(default_factory=list)
    header_tags: list = field(default_factory=list)
    rules: dict = field(default_factory=dict)  # name -> Rule
    name: Optional[str] = None  # JSGF grammar name
    imports: list = field(default_factory=list)  # JSGF imports (name, line, column)

    def meta(self, name: str) -> Optional[str]:
        for k, v in self.metas:
            if k == name:
                return v
        return None

    @property
    def public_rules(self) -> list[str]:
        return [r.name for r in self.rules.values() if r.public]

    def test_vectors(self) -> list[tuple[str, str, Optional[str]]]:
        """(id, input, expected output) from the W3C suite's meta "in.N"/"out.N"."""
        out = []
        for k, v in self.metas:
            if k.startswith("in."):
                out.append((k, v, self.meta("out." + k[3:])))
        return out
