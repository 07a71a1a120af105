"""KenLM as a backend: the word-sequence state API over a ``kenlm.Model``.

For users who bring a KenLM binary (or ARPA). Scores are log10 (KenLM's own).
Sentence scoring goes straight to KenLM; the state API and :meth:`as_native`
(which lets the native search and :class:`InterpolatedModel` use it) go
through Python for every word, so they are much slower than
:class:`NgramModel` (see ``benchmarks/bench_lm.py``).
"""
from __future__ import annotations

import math
import os
from typing import Iterable, Optional, Tuple

from .. import _core
from ..errors import FormatError, InvalidArgumentError, NotFoundError

_lm = _core.lm
_LN10 = math.log(10.0)


def _arpa_unigrams(path: str) -> list:
    """Words of the \\1-grams: section of an ARPA file ([] for other files)."""
    with open(path, "rb") as f:
        head = f.read(2)
    if head == b"\x1f\x8b":
        import gzip

        opener = lambda: gzip.open(path, "rt", encoding="utf-8", errors="surrogateescape")  # noqa: E731
    else:
        with open(path, "rb") as f:
            if f.read(4) == b"mmap":  # KenLM binary
                return []
        opener = lambda: open(path, "rt", encoding="utf-8", errors="surrogateescape")  # noqa: E731
    words = []
    with opener() as f:
        for line in f:
            if line.strip() == "\\1-grams:":
                break
        for line in f:
            fields = line.split()
            if not fields or fields[0].startswith("\\"):
                break
            if len(fields) >= 2:
                words.append(fields[1])
    return words


class KenlmModel:
    """A ``kenlm.Model`` behind the same API as :class:`NgramModel`.

    The kenlm module cannot list a model's vocabulary, so word ids are
    assigned here: ``<unk> <s> </s>``, then ``words`` if given, else the
    unigrams of an ARPA file (a KenLM binary needs ``words``, e.g. the
    pronunciation dictionary), then any new word met by :meth:`index` or
    :meth:`score_word`. States are ``State`` objects whose first slot numbers
    a distinct KenLM state.
    """

    def __init__(self, path: "str | os.PathLike[str]", words: Optional[Iterable[str]] = None) -> None:
        import kenlm

        path = os.fspath(path)
        if not os.path.exists(path):
            raise NotFoundError(f"{path}: no such file")
        try:
            self._model = kenlm.Model(path)
        except (IOError, OSError, RuntimeError) as e:
            raise FormatError(f"{path}: KenLM cannot load it: {e}") from e
        self._kenlm = kenlm
        self.path = path
        self._words: list[str] = []
        self._ids: dict[str, int] = {}
        if words is None:
            words = _arpa_unigrams(path)
        for w in ["<unk>", "<s>", "</s>", *words]:
            self.index(w)
        self._states: list = []
        self._state_ids: dict = {}
        begin = kenlm.State()
        self._model.BeginSentenceWrite(begin)
        null = kenlm.State()
        self._model.NullContextWrite(null)
        self._begin = self._intern(begin)
        self._null = self._intern(null)

    # -- vocabulary -------------------------------------------------------
    @property
    def order(self) -> int:
        return self._model.order

    @property
    def vocab_size(self) -> int:
        return len(self._words)

    def index(self, word: str) -> int:
        """Id of ``word`` (assigned on first use)."""
        i = self._ids.get(word)
        if i is None:
            i = self._ids[word] = len(self._words)
            self._words.append(word)
        return i

    def word(self, id: int) -> str:
        return self._words[id]

    def words(self) -> list[str]:
        return list(self._words)

    def __contains__(self, word: str) -> bool:
        return word in self._model

    # -- sentence scoring (direct KenLM) ----------------------------------
    def score(self, sentence: str, bos: bool = True, eos: bool = True) -> float:
        return self._model.score(sentence, bos=bos, eos=eos)

    def full_scores(self, sentence: str, bos: bool = True, eos: bool = True) -> list:
        return list(self._model.full_scores(sentence, bos=bos, eos=eos))

    def perplexity(self, sentence: str) -> float:
        return self._model.perplexity(sentence)

    # -- state API --------------------------------------------------------
    def _intern(self, state) -> int:
        i = self._state_ids.get(state)
        if i is None:
            i = self._state_ids[state] = len(self._states)
            self._states.append(state)
        return i

    def _state(self, state: "_lm.State"):
        sid = state.slots[0]
        if any(state.slots[1:]) or sid >= len(self._states):
            raise InvalidArgumentError("state does not belong to this language model")
        return self._states[sid]

    @staticmethod
    def _wrap(sid: int) -> "_lm.State":
        return _lm.State([sid, 0, 0, 0])

    def begin_state(self) -> "_lm.State":
        return self._wrap(self._begin)

    def null_state(self) -> "_lm.State":
        return self._wrap(self._null)

    def score_word(self, state: "_lm.State", word) -> Tuple[float, "_lm.State"]:
        """(log10 P(word | state), next state); ``word`` is a str or an id."""
        w = self._words[word] if isinstance(word, int) else str(word)
        out = self._kenlm.State()
        p = self._model.BaseScore(self._state(state), w, out)
        return p, self._wrap(self._intern(out))

    def final(self, state: "_lm.State") -> float:
        out = self._kenlm.State()
        return self._model.BaseScore(self._state(state), "</s>", out)

    # -- bridge to the native search -------------------------------------
    def as_native(self) -> "_lm.CallbackModel":
        """A native word-sequence model calling back into this one.

        Its vocabulary is the words known at this moment (ids as here), so
        create it after registering the dictionary's words.
        """
        return _lm.CallbackModel(self, list(self._words))

    def _native_begin(self) -> int:
        return self._begin

    def _native_null(self) -> int:
        return self._null

    def _native_score(self, sid: int, wid: int) -> Tuple[float, int]:
        out = self._kenlm.State()
        p = self._model.BaseScore(self._states[sid], self._words[wid], out)
        return p * _LN10, self._intern(out)

    def _native_final(self, sid: int) -> float:
        out = self._kenlm.State()
        return self._model.BaseScore(self._states[sid], "</s>", out) * _LN10

    def _native_valid(self, sid: int) -> bool:
        return sid < len(self._states)

    def __repr__(self) -> str:
        return f"<KenlmModel order={self.order} from {self.path!r}>"
