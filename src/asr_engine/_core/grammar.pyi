"""
Grammar automata (SRGS ABNF/XML and JSGF compile to these).
"""
from __future__ import annotations
import asr_engine._core.lm
import collections.abc
import typing
__all__: list[str] = ['CompileOptions', 'GrammarFsa', 'RuleSet', 'compile']
class RuleSet:
    """
    Format-neutral rules a front end lowers a grammar into.
    """
    def __init__(self) -> None:
        ...
    def add_alternatives(self, children: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], weights: collections.abc.Sequence[typing.SupportsFloat | typing.SupportsIndex], line: typing.SupportsInt | typing.SupportsIndex = 0, column: typing.SupportsInt | typing.SupportsIndex = 0) -> int:
        ...
    def add_repeat(self, child: typing.SupportsInt | typing.SupportsIndex, min_count: typing.SupportsInt | typing.SupportsIndex, max_count: typing.SupportsInt | typing.SupportsIndex, prob: typing.SupportsFloat | typing.SupportsIndex = -1.0, line: typing.SupportsInt | typing.SupportsIndex = 0, column: typing.SupportsInt | typing.SupportsIndex = 0) -> int:
        """
        max_count < 0 means unbounded; prob < 0 the default
        """
    def add_rule(self, name: str, is_public: bool = False, line: typing.SupportsInt | typing.SupportsIndex = 0, column: typing.SupportsInt | typing.SupportsIndex = 0) -> int:
        ...
    def add_rule_ref(self, rule: typing.SupportsInt | typing.SupportsIndex, line: typing.SupportsInt | typing.SupportsIndex = 0, column: typing.SupportsInt | typing.SupportsIndex = 0) -> int:
        ...
    def add_sequence(self, children: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], line: typing.SupportsInt | typing.SupportsIndex = 0, column: typing.SupportsInt | typing.SupportsIndex = 0) -> int:
        ...
    def add_special(self, kind: str, line: typing.SupportsInt | typing.SupportsIndex = 0, column: typing.SupportsInt | typing.SupportsIndex = 0) -> int:
        """
        kind: null | void | garbage | tag
        """
    def add_token(self, words: collections.abc.Sequence[str], line: typing.SupportsInt | typing.SupportsIndex = 0, column: typing.SupportsInt | typing.SupportsIndex = 0) -> int:
        ...
    def set_rule_body(self, rule: typing.SupportsInt | typing.SupportsIndex, node: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def num_nodes(self) -> int:
        ...
    @property
    def num_rules(self) -> int:
        ...
    @property
    def words(self) -> list[str]:
        ...
class CompileOptions:
    """
    Limits and probabilities used by compile().
    """
    minimize: bool
    def __init__(self) -> None:
        ...
    @property
    def default_repeat_prob(self) -> float:
        ...
    @default_repeat_prob.setter
    def default_repeat_prob(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def garbage_prob(self) -> float:
        ...
    @garbage_prob.setter
    def garbage_prob(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def max_arcs(self) -> int:
        ...
    @max_arcs.setter
    def max_arcs(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_depth(self) -> int:
        ...
    @max_depth.setter
    def max_depth(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_seconds(self) -> float:
        ...
    @max_seconds.setter
    def max_seconds(self, arg0: typing.SupportsFloat | typing.SupportsIndex) -> None:
        ...
    @property
    def max_states(self) -> int:
        ...
    @max_states.setter
    def max_states(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
    @property
    def max_work(self) -> int:
        ...
    @max_work.setter
    def max_work(self, arg0: typing.SupportsInt | typing.SupportsIndex) -> None:
        ...
class GrammarFsa(asr_engine._core.lm.WordSequenceModel):
    """
    Deterministic weighted word acceptor compiled from a grammar.
    """
    garbage_word: typing.ClassVar[str] = '<garbage>'
    def accepts(self, tokens: collections.abc.Sequence[str]) -> bool:
        """
        Whether the tokens form a sentence of the grammar (<garbage> absorbs 1+ tokens).
        """
    def arcs(self, state: typing.SupportsInt | typing.SupportsIndex) -> list:
        """
        [(word, ln P, next state)] leaving `state`.
        """
    def enumerate(self, max_length: typing.SupportsInt | typing.SupportsIndex, max_count: typing.SupportsInt | typing.SupportsIndex) -> tuple[list[list[str]], bool]:
        """
        (sentences of at most max_length words, complete?) - at most max_count of them.
        """
    def final_weight(self, state: typing.SupportsInt | typing.SupportsIndex) -> float:
        """
        ln P(end of sentence | state); -inf if not final.
        """
    def lexicon_words(self) -> list[str]:
        """
        Words on some arc, excluding <s>, </s> and <garbage>.
        """
    def score_words(self, words: collections.abc.Sequence[str]) -> float:
        """
        Natural-log probability of exactly these words (-inf if not in the grammar).
        """
    def to_text(self) -> str:
        """
        AT&T text form (costs are -ln P).
        """
    @property
    def empty(self) -> bool:
        ...
    @property
    def has_garbage(self) -> bool:
        ...
    @property
    def num_arcs(self) -> int:
        ...
    @property
    def num_states(self) -> int:
        ...
    @property
    def start(self) -> int:
        ...
def compile(rules: RuleSet, roots: collections.abc.Sequence[typing.SupportsInt | typing.SupportsIndex], options: CompileOptions = ...) -> tuple[GrammarFsa, dict]:
    """
    Compile the union of the `roots` rules; returns (GrammarFsa, stats dict).
    """
