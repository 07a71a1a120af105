"""Deterministic text for the language-model tests (not a test module)."""
from __future__ import annotations

import random
from pathlib import Path

DATA = Path(__file__).resolve().parents[1] / ".." / "shared" / "data"
if not DATA.exists():
    DATA = Path("/work/shared/data")
PS_DATA = DATA / "pocketsphinx-test"


def transcripts() -> list[str]:
    lines = (DATA / "dev" / "refs.tsv").read_text(encoding="utf-8").splitlines()[1:]
    return [line.split("\t")[1] for line in lines if "\t" in line]


_SUBJ = ["the boy", "a girl", "the old man", "my sister", "the dog", "our teacher", "the small pup"]
_VERB = ["saw", "found", "painted", "lost", "wanted", "carried", "sold"]
_OBJ = ["the red ball", "a small box", "the blue car", "two green apples", "the heavy bag", "a rare dish"]
_TAIL = ["in the garden", "at the station", "near the river", "after lunch", "", "on the bent hook"]


def generated(n: int, seed: int = 7) -> list[str]:
    """Template sentences: many repeated 4- and 5-grams, so MKN discounts are real."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        s = f"{rng.choice(_SUBJ)} {rng.choice(_VERB)} {rng.choice(_OBJ)} {rng.choice(_TAIL)}"
        out.append(" ".join(s.split()))
    return out


def markov(n: int, seed: int = 5) -> list[str]:
    """Sentences from a random second-order chain over the transcripts'
    words with Zipf-like transitions: natural-looking counts-of-counts."""
    rng = random.Random(seed)
    vocab = sorted({w for s in transcripts() for w in s.split()})
    succ = {}

    def nxt(a, b):
        key = (a, b)
        if key not in succ:
            succ[key] = rng.sample(vocab, 8)
        options = succ[key]
        return options[min(int(rng.paretovariate(1.2)) - 1, len(options) - 1)]

    out = []
    for _ in range(n):
        a, b = "<s>", "<s>"
        words = []
        for _ in range(rng.randint(3, 14)):
            a, b = b, nxt(a, b)
            words.append(b)
        out.append(" ".join(words))
    return out


def corpus(n_generated: int = 3000) -> list[str]:
    return transcripts() + generated(n_generated // 2) + markov(n_generated // 2)


def query_sentences(vocab: list[str], n: int, seed: int = 11) -> list[str]:
    """Sentences to score: corpus lines, fragments, word salad with OOVs."""
    rng = random.Random(seed)
    base = corpus(300)
    words = [w for w in vocab if w not in ("<s>", "</s>")] + ["zyzzyva", "qwertyuiop"]
    out = []
    for i in range(n):
        kind = i % 4
        if kind == 0:
            out.append(rng.choice(base))
        elif kind == 1:
            toks = rng.choice(base).split()
            a = rng.randrange(len(toks))
            out.append(" ".join(toks[a : a + rng.randint(1, 8)]))
        elif kind == 2:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 14))))
        else:
            toks = rng.choice(base).split()
            j = rng.randrange(len(toks))
            toks[j] = rng.choice(words)
            out.append(" ".join(toks))
    out.append("")
    return out
