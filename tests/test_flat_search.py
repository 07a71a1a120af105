"""The flat-lexicon second pass (SearchOptions.fwdflat): an exhaustive
check on a tiny bigram vocabulary, its score against the first pass's,
its lattice, and its limits (grammars, frames, bad options)."""
from __future__ import annotations

import itertools
import math
from collections import Counter

import numpy as np
import pytest

import asr_engine as ae
from asr_engine import _core

WORDS = ["go", "forward", "ten", "meters", "for"]
WIDE = dict(beam=1e-200, phone_beam=1e-200, word_beam=1e-200, max_hmms_per_frame=0, max_words_per_frame=0)
# Every word anywhere the first pass ended it, no pruning: the pass is exhaustive.
FULL_WINDOW = dict(fwdflat=True, fwdflat_window=100_000, fwdflat_min_end_frames=0, fwdflat_beam=1e-200,
                   fwdflat_word_beam=1e-200)


@pytest.fixture(scope="module")
def recognizer():
    return ae.Recognizer()


@pytest.fixture(scope="module")
def features(recognizer, goforward):
    return ae.compute_features(goforward, recognizer.frontend_options, recognizer.feature_options)


def tiny_bigram_lm():
    """A bigram over WORDS whose sentence end has the same probability after
    every word (so a trailing silence, which keeps the best of the words
    before it, loses no path); "go forward", "for for" and "for forward"
    are unlikely, other pairs not listed back off at a cost."""
    uni = {"go": 0.2, "forward": 0.15, "ten": 0.2, "meters": 0.15, "for": 0.2, "</s>": 0.1}
    big = {("<s>", "go"): 0.6, ("go", "for"): 0.7, ("go", "forward"): 1e-6, ("for", "ten"): 0.6,
           ("forward", "ten"): 0.3, ("ten", "meters"): 0.6, ("for", "for"): 1e-6, ("for", "forward"): 1e-6}
    lines = ["\\data\\", f"ngram 1={len(uni) + 1}", f"ngram 2={len(big) + len(WORDS)}", "", "\\1-grams:"]
    lines.append("-99\t<s>\t0")
    for w, p in uni.items():
        # back-off weight 0.01: word pairs not listed are unlikely
        lines.append(f"{math.log10(p):.6f}\t{w}\t-2" if w != "</s>" else f"{math.log10(p):.6f}\t{w}")
    lines += ["", "\\2-grams:"]
    for (a, b), p in big.items():
        lines.append(f"{math.log10(p):.6f}\t{a} {b}")
    for w in WORDS:  # P(</s> | w) = 0.1 for every word
        lines.append(f"-1.000000\t{w} </s>")
    lines += ["", "\\end\\", ""]
    return ae.lm.NgramModel.from_arpa_text("\n".join(lines), "tiny-bigram")


def decode(model, feats, options):
    dec = _core.Decoder(model, options.to_native())
    dec.start()
    dec.process(feats)
    return dec


def test_flat_pass_finds_exhaustive_best_on_tiny_bigram(recognizer, goforward, features):
    """With a bigram, a word chain entered with the exact LM score of each
    predecessor is an exact Viterbi search over word sequences (the tree
    pass is not: a shared prefix keeps one predecessor before the LM is
    known). So with every word allowed everywhere and no pruning the flat
    pass must find the maximum over all sequences of (forced-alignment
    score + word penalties + LM score), the alignments coming from the
    ForcedAligner, a separate Viterbi implementation."""
    lm = tiny_bigram_lm()
    model = _core.RecognitionModel(recognizer.acoustic_model.native, recognizer.dictionary.native, lm)
    options = ae.SearchOptions(**WIDE, **FULL_WINDOW, fwdflat_language_weight=8.0)
    dec = decode(model, features, options)
    _segs, tree_score = dec.best_path(True)
    assert dec.second_pass()
    segs, flat_score = dec.best_path(True)
    assert flat_score >= tree_score - 1e-3
    hyp = [s[0] for s in segs if not s[5]]
    aligner = ae.ForcedAligner(options=ae.AlignOptions(
        beam=0.0, silence_penalty=math.log(options.silence_probability),
        noise_penalty=math.log(options.filler_probability), quality=False))
    best_score, best_sentence = -math.inf, None
    for n in range(1, 5):
        for words in itertools.product(WORDS, repeat=n):
            forced = aligner.align(goforward, " ".join(words))
            state = lm.begin_state()
            lm_total = 0.0
            for w in words:
                logp, state = lm.score_word(state, w)
                lm_total += logp
            lm_total += lm.final(state)
            total = (forced.score + n * math.log(options.word_insertion_penalty)
                     + options.fwdflat_language_weight * lm_total * math.log(10))
            if total > best_score:
                best_score, best_sentence = total, list(words)
    assert hyp == best_sentence
    # Same path, two implementations: equal up to float accumulation.
    assert flat_score == pytest.approx(best_score, abs=0.5)


def test_full_window_scores_at_least_the_first_pass(recognizer, features):
    """Every path of the first pass is a path of the flat pass when every
    word it ended may start anywhere: the flat best path scores as well or
    better (same LM weight), under the real LM."""
    options = recognizer.search_options.with_overrides(fwdflat=True, fwdflat_window=100_000,
                                                       fwdflat_min_end_frames=0, fwdflat_beam=1e-100,
                                                       fwdflat_word_beam=1e-60,
                                                       fwdflat_language_weight=recognizer.search_options.language_weight)
    dec = decode(recognizer._native, features, options)
    _segs, first_score = dec.best_path(True)
    assert dec.second_pass()
    segs, flat_score = dec.best_path(True)
    assert flat_score >= first_score - 1e-3
    assert [s[0] for s in segs if not s[5]] == ["go", "forward", "ten", "meters"]


def test_flat_lattice_feeds_the_results(recognizer, goforward, features):
    result = recognizer.recognize(goforward, fwdflat=True)
    assert result.transcript == "go forward ten meters"
    assert all(0.0 <= w.confidence <= 1.0 for w in result.words)
    first = recognizer._decode(features, recognizer.search_options).lattice()
    spans = {}
    for merge in (False, True):
        dec = recognizer._decode(features, recognizer.search_options.with_overrides(fwdflat=True,
                                                                                    fwdflat_merge_lattice=merge))
        assert dec.flat_words > 0
        lattice = dec.lattice()
        post = np.array(lattice.posteriors)
        cover = np.zeros(dec.frames)
        for i, (_w, start, end, _ac, _f) in enumerate(lattice.instances):
            if i:
                cover[start : end + 1] += post[i]
        np.testing.assert_allclose(cover, 1.0, atol=1e-4)
        spans[merge] = [((w, s, e), ac) for w, s, e, ac, _f in lattice.instances[1:]]
    # Merged: every instance of the first pass, and otherwise the second's,
    # each with its own acoustic score (keys are texts: pronunciations share them).
    first_spans = [((w, s, e), ac) for w, s, e, ac, _f in first.instances[1:]]
    merged, flat = Counter(k for k, _ in spans[True]), Counter(k for k, _ in spans[False])
    assert not Counter(k for k, _ in first_spans) - merged
    assert not merged - Counter(k for k, _ in first_spans) - flat
    assert len(merged) > len(set(k for k, _ in first_spans))  # the second pass added instances
    scores = {}
    for key, ac in first_spans + spans[False]:
        scores.setdefault(key, []).append(ac)
    for key, ac in spans[True]:
        assert min(abs(ac - other) for other in scores[key]) < 1e-2


def test_limits(recognizer, goforward, features):
    grammar = ae.grammar.compile_grammar("#ABNF 1.0;\nlanguage en-US;\nroot $g;\n$g = go forward ten meters;\n")
    model = _core.RecognitionModel(recognizer.acoustic_model.native, recognizer.dictionary.native, grammar.fsa)
    dec = decode(model, features, ae.SearchOptions(fwdflat=True))
    assert not dec.second_pass()  # grammars keep the first pass
    assert dec.flat_words == 0
    plain = decode(recognizer._native, features, recognizer.search_options)
    with pytest.raises(ae.InvalidArgumentError):  # the frames were not kept
        plain.second_pass(ae.SearchOptions(fwdflat=True).to_native())
    flat = decode(recognizer._native, features, recognizer.search_options.with_overrides(fwdflat=True))
    assert flat.second_pass()
    with pytest.raises(ae.InvalidArgumentError):
        flat.process(features)
    for bad in (dict(fwdflat_window=0), dict(fwdflat_beam=0.0), dict(fwdflat_language_weight=-1.0)):
        with pytest.raises(ae.InvalidArgumentError):
            recognizer.recognize(goforward, fwdflat=True, **bad)
