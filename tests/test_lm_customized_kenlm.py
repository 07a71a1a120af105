"""The customized model's scores against the reference formula, with KenLM
as the oracle for both n-gram models:

    P(w | h) = (1 - l) P_base'(w | h) + l P_custom'(w | h)

* P_base' is the base ARPA as KenLM scores it, times (1 - sum p_new), or
  p_new for a word the base lacks (the open vocabulary);
* P_custom' is the custom ARPA as KenLM scores it, or, for a word the custom
  model lacks, KenLM's P(<unk> | h) times that word's share of the base
  unigram mass of all such words;
* l is the share of the custom context h ends in (KenLM's minimized state:
  the longest suffix of h that the custom ARPA extends), looked up in the
  share table by that context's order and corpus count, and moved on the
  logit scale by the customization weight.

Everything the reference needs is computed here from the ARPA files and the
corpus, not from the engine's own state numbering, so a wrong state, share,
<unk> spreading or cached score would show."""
from __future__ import annotations

import math
import sys
from collections import Counter
from pathlib import Path

import kenlm
import numpy as np
import pytest

from asr_engine.lm import CustomLanguageModel, CustomWord, NgramModel, train_ngram

sys.path.insert(0, str(Path(__file__).resolve().parent))
from lm_corpus import generated, markov, transcripts  # noqa: E402

ORDER = 3
NEW = ["zorblax", "quuxite"]


def _arpa_ngrams(path: Path) -> dict[int, set[tuple[str, ...]]]:
    out: dict[int, set[tuple[str, ...]]] = {}
    order = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("\\") and line.endswith("-grams:"):
            order = int(line[1:-len("-grams:")])
            out[order] = set()
        elif order and line and not line.startswith("\\"):
            out[order].add(tuple(line.split("\t")[1].split()))
        elif line == "\\end\\":
            order = 0
    return out


def _logit(p: float) -> float:
    return math.log(p) - math.log1p(-p)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("customized")
    base_ngram = train_ngram(transcripts() + markov(1500), ORDER)
    base_arpa = tmp / "base.arpa"
    base_ngram.write_arpa(base_arpa)
    base = NgramModel.load(base_arpa)
    # A corpus with its own phrasing, words the base lacks, and base words.
    custom_text = generated(400, seed=11) + [f"the {w} sat near the river" for w in NEW] + transcripts()[:60]
    custom_text = [" ".join(s.split()) for s in custom_text]
    custom = CustomLanguageModel.train(custom_text, [CustomWord("blorptastic", log10_prob=-3.0)], base=base)
    custom_arpa = tmp / "custom.arpa"
    custom.ngram.write_arpa(custom_arpa)
    return base, base_arpa, custom, custom_arpa, custom_text


class Reference:
    def __init__(self, base_arpa: Path, custom, custom_arpa: Path, corpus: list[str], base, weight: float) -> None:
        self.kb = kenlm.Model(str(base_arpa))
        self.kc = kenlm.Model(str(custom_arpa))
        base_grams = _arpa_ngrams(base_arpa)
        self.custom_grams = _arpa_ngrams(custom_arpa)
        self.base_words = {g[0] for g in base_grams[1]}
        self.custom_words = {g[0] for g in self.custom_grams[1]} - {"<unk>"}
        self.new = {w: 10.0 ** p for w, p in custom.new_word_probs(base)}
        assert set(NEW) <= set(self.new) and not set(self.new) & self.base_words
        self.keep = 1.0 - sum(self.new.values())
        # Base unigram mass (open vocabulary) of every word the custom model lacks.
        self.unigram = {}
        for w in sorted(self.base_words | set(self.new)):
            if w in self.custom_words or w == "<s>":
                continue
            self.unigram[w] = self._base_prob([], w, null=True)
        self.rest = sum(self.unigram.values())
        # How often each context is the history of a word in the corpus.
        self.history: Counter = Counter()
        for s in corpus:
            toks = ["<s>"] + s.split() + ["</s>"]
            for j in range(1, len(toks)):
                for k in range(1, min(ORDER - 1, j) + 1):
                    self.history[tuple(toks[j - k:j])] += 1
        self.predictions = sum(len(s.split()) + 1 for s in corpus)
        self.table = custom.table
        self.shift = _logit(weight) - _logit(0.3) if 0.0 < weight < 1.0 else 0.0
        self.weight = weight

    def _score(self, model, history: list[str], word: str, *, null: bool = False) -> float:
        state, out = kenlm.State(), kenlm.State()
        model.NullContextWrite(state) if null else model.BeginSentenceWrite(state)
        for h in history:
            model.BaseScore(state, h, out)
            state, out = out, state
        return 10.0 ** model.BaseScore(state, word, out)

    def _base_prob(self, history: list[str], word: str, *, null: bool = False) -> float:
        if word in self.new:
            return self.new[word]
        return self.keep * self._score(self.kb, history, word, null=null)

    def _custom_prob(self, history: list[str], word: str) -> float:
        if word in self.custom_words or word == "</s>":
            return self._score(self.kc, history, word)
        return self._score(self.kc, history, "<unk>") * self.unigram[word] / self.rest

    def _context(self, history: list[str]) -> tuple[str, ...]:
        """KenLM's minimized state: the longest suffix of <s> + history that
        the custom ARPA has as an n-gram and extends by a word."""
        toks = ["<s>"] + [w if w in self.custom_words else "<unk>" for w in history]
        for k in range(min(ORDER - 1, len(toks)), 0, -1):
            c = tuple(toks[len(toks) - k:])
            if c in self.custom_grams.get(k, set()) and any(g[:k] == c for g in self.custom_grams[k + 1]):
                return c
        return ()

    def share(self, history: list[str]) -> float:
        if self.weight in (0.0, 1.0):
            return self.weight
        c = self._context(history)
        count = self.history.get(c, 0) if c else self.predictions
        base_share = self.table.shares[int(self.table.group(np.array([len(c)]), np.array([count]))[0])]
        return 1.0 / (1.0 + math.exp(-(_logit(base_share) + self.shift)))

    def log10_prob(self, history: list[str], word: str) -> float:
        l = self.share(history)
        p = (1.0 - l) * self._base_prob(history, word) + l * self._custom_prob(history, word)
        return math.log10(p)


QUERIES = [
    "the boy saw the red ball in the garden",
    "the zorblax sat near the river",
    "a girl found the quuxite at the station",
    "my sister painted a blorptastic box after lunch",
    "the small pup lost two green apples on the bent hook",
] + transcripts()[100:140] + markov(40, seed=23)


@pytest.mark.parametrize("weight", [0.0, 0.3, 0.7, 1.0])
def test_customized_scores_equal_the_reference_formula(setup, weight):
    base, base_arpa, custom, custom_arpa, corpus = setup
    model = custom.combine(base, weight)
    ref = Reference(base_arpa, custom, custom_arpa, corpus, base, weight)
    worst, n, contexts = 0.0, 0, set()
    for sentence in QUERIES:
        words = sentence.split()
        state = model.begin_state()
        for i, w in enumerate(words + ["</s>"]):
            history = words[:i]
            if w == "</s>":
                ours = model.final(state)
            else:
                ours, state = model.score_word(state, w)
            expected = ref.log10_prob(history, w)
            assert ours == pytest.approx(expected, abs=2e-4), (sentence, i, w)
            worst = max(worst, abs(ours - expected))
            contexts.add(len(ref._context(history)))
            n += 1
    assert n > 400 and contexts == {0, 1, 2}  # every context order is exercised
