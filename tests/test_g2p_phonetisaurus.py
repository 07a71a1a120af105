"""Our G2P against phonetisaurus (the peer we did not write) on a small
held-out split: trained on the same 3,600 CMUdict words, scored on the same
400 unseen words. The full-size comparison is benchmarks/bench_g2p.py."""
from __future__ import annotations

import random

import pytest

from asr_engine import g2p
from asr_engine.model import default_dictionary_path
from phonetisaurus_peer import phonetisaurus_hypotheses, train_phonetisaurus


@pytest.fixture(scope="module")
def split():
    lexicon = g2p.read_lexicon(default_dictionary_path())
    words = random.Random(11).sample(sorted(w for w in lexicon if w.isalpha()), 4000)
    return g2p.held_out_split({w: lexicon[w] for w in words}, 0.1, seed=1)


def test_we_are_at_least_as_accurate_as_phonetisaurus(split, tmp_path):
    train, test = split
    ours = g2p.GraphoneModel.train(train)
    fst, _ = train_phonetisaurus(train, tmp_path)
    words = sorted(test)
    our_hyps = {w: h[0][0] for w, h in zip(words, ours.pronounce_many(words))}
    peer_hyps = phonetisaurus_hypotheses(fst, words)
    mine, theirs = g2p.error_rates(our_hyps, test), g2p.error_rates(peer_hyps, test)
    # Both make errors on a small training set; we must not make more
    # (4 words, 1 %, of slack: sampling noise on 400 words).
    assert theirs.word_errors > 0.2 * len(test)
    assert mine.word_errors <= theirs.word_errors + 4
    assert mine.phone_errors <= theirs.phone_errors + 4
    # and the two agree on most words: both learnt English spelling
    agree = sum(our_hyps[w] == peer_hyps[w] for w in words)
    assert agree >= 0.6 * len(words)
