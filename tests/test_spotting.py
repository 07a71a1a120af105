"""Keyword spotting, confusion networks and consensus decoding: checked by
brute force over every path of tiny lattices (the goforward recording
decoded with a six-word vocabulary and narrow word beams), then through
Recognizer.recognize with the service's limits."""
from __future__ import annotations

import math
from collections import defaultdict

import numpy as np
import pytest

import asr_engine as ae
from asr_engine import _core
from asr_engine.spotting import MAX_KEYWORD_LENGTH, MAX_KEYWORDS
from test_decoder import tiny_unigram_lm

KEYWORDS = [["go"], ["forward"], ["for"], ["ten"], ["go", "forward"], ["ten", "meters"], ["forward", "ten", "meters"]]


@pytest.fixture(scope="module")
def recognizer():
    return ae.Recognizer()


@pytest.fixture(scope="module")
def features(recognizer, goforward):
    stream = ae.FeatureStream(recognizer.frontend_options, recognizer.feature_options)
    return np.vstack([stream.accept(goforward.samples), stream.finish()])


def tiny_lattice(recognizer, features, max_words, word_beam):
    model = _core.RecognitionModel(recognizer.acoustic_model.native, recognizer.dictionary.native, tiny_unigram_lm())
    opts = ae.SearchOptions(max_words_per_frame=max_words, word_beam=word_beam)
    decoder = _core.Decoder(model, opts.to_native())
    decoder.start()
    decoder.process(features)
    return decoder.lattice(), decoder.frames, opts.acoustic_scale


def all_paths(lattice, frames):
    """Every complete path of the lattice with its posterior, by enumeration."""
    inst = lattice.instances
    by_start = defaultdict(list)
    for i in range(1, len(inst)):
        by_start[inst[i][1]].append(i)
    paths, stack = [], [[i] for i in by_start[0]]
    while stack:
        p = stack.pop()
        end = inst[p[-1]][2]
        if end == frames - 1:
            paths.append(p)
        stack.extend(p + [j] for j in by_start[end + 1])
        assert len(paths) < 50_000
    return paths


@pytest.fixture(scope="module", params=[(2, 1e-20), (2, 1e-25)], ids=["252-paths", "5616-paths"])
def tiny(request, recognizer, features):
    lattice, frames, k = tiny_lattice(recognizer, features, *request.param)
    paths = all_paths(lattice, frames)
    total = lattice.log_total
    probs = [math.exp(k * lattice.path_score(p) - total) for p in paths]
    return lattice, frames, paths, probs


def test_path_posteriors_sum_to_one_and_give_instance_posteriors(tiny):
    lattice, _frames, paths, probs = tiny
    assert len(paths) > 100
    assert sum(probs) == pytest.approx(1.0, abs=1e-6)
    brute = np.zeros(len(lattice.instances))
    for p, pr in zip(paths, probs):
        brute[p] += pr
    assert np.allclose(brute, lattice.posteriors, atol=1e-6)
    with pytest.raises(ae.InvalidArgumentError):
        lattice.path_score([10**8])
    assert lattice.path_score(paths[0][1:]) == -math.inf  # does not start at frame 0


def test_confusion_bins_match_brute_force(tiny):
    lattice, _frames, paths, probs = tiny
    inst = lattice.instances
    network = lattice.confusion_network(min_posterior=1e-12)
    bins, bin_of = network.bins, network.bin_of
    assert bins and [b[0] for b in bins] == sorted(b[0] for b in bins)
    for i, b in enumerate(bin_of):
        assert (b == -1) == (i == 0 or inst[i][4] or lattice.posteriors[i] < 1e-12)
    word_prob = defaultdict(float)   # (bin, text) -> P(the path says text in bin)
    empty_prob = defaultdict(float)  # bin -> P(the path has nothing in bin)
    shared = set()                   # bins where one path puts two words
    for p, pr in zip(paths, probs):
        in_bin = defaultdict(list)
        for i in p:
            if bin_of[i] >= 0:
                in_bin[bin_of[i]].append(inst[i][0])
        for b in range(len(bins)):
            texts = in_bin.get(b, [])
            if len(texts) > 1:
                shared.add(b)
            if not texts:
                empty_prob[b] += pr
            for t in set(texts):
                word_prob[(b, t)] += pr
    checked = 0
    for b, (start, end, _pivot, epsilon, words) in enumerate(bins):
        assert start <= end
        assert [w[1] for w in words] == sorted((w[1] for w in words), reverse=True)
        for text, posterior, best, _s, _e in words:
            assert inst[best][0] == text and bin_of[best] == b
            # a sum of instance posteriors bounds the probability of their union
            assert posterior >= word_prob[(b, text)] - 1e-6
            if b not in shared:
                assert posterior == pytest.approx(word_prob[(b, text)], abs=1e-6)
                checked += 1
        if b not in shared:
            assert epsilon == pytest.approx(empty_prob[b], abs=1e-6)
    assert checked >= 4
    assert not any(bins[b][2] for b in shared)  # a pivot bin never holds two words of one path


def test_consensus_of_a_single_path_lattice_is_that_path(recognizer, features):
    lattice, frames, _k = tiny_lattice(recognizer, features, 2, 1e-10)
    assert len(all_paths(lattice, frames)) == 1
    ids, _ = lattice.best_path()
    words = [lattice.instances[i] for i in ids if not lattice.instances[i][4]]
    network = lattice.confusion_network()
    best = network.best_path()
    assert [network.bins[b][4][k][0] for b, k, *_ in best] == [w[0] for w in words]
    assert [(s, e) for _b, _k, s, e, _p in best] == [(w[1], w[2]) for w in words]
    assert all(p == pytest.approx(1.0) for *_x, p in best)


def occurrences(path, inst, words, max_gap):
    """Chains of `path` that spell `words` with at most max_gap frames of fillers between them."""
    out = []
    for a in range(len(path)):
        if inst[path[a]][0] != words[0] or inst[path[a]][4]:
            continue
        matched, gap, b = 1, 0, a
        while matched < len(words) and b + 1 < len(path):
            b += 1
            t, s, e, _ac, hidden = inst[path[b]]
            if hidden:
                gap += e - s + 1
                if gap > max_gap:
                    break
            elif t == words[matched]:
                matched, gap = matched + 1, 0
            else:
                break
        if matched == len(words):
            out.append(tuple(path[a:b + 1]))
    return out


def test_keyword_hits_match_brute_force(tiny):
    lattice, _frames, paths, probs = tiny
    inst = lattice.instances
    hits = lattice.spot_keywords(KEYWORDS, max_gap_frames=10, min_posterior=1e-9)
    assert {h[0] for h in hits} >= {0, 1, 4, 5, 6}
    for k, words in enumerate(KEYWORDS):
        mine = [h for h in hits if h[0] == k]
        assert [h[1] for h in mine] == sorted(h[1] for h in mine)
        chains = {tuple(c): h for h in mine for c in h[4]}
        prob_of_chain = defaultdict(float)
        for p, pr in zip(paths, probs):
            for c in occurrences(p, inst, words, 10):
                prob_of_chain[c] += pr
        # every occurrence on any path belongs to a hit, unless below min_posterior
        for c, pr in prob_of_chain.items():
            assert c in chains or pr < 1e-9
        for _k, start, end, posterior, hit_chains in mine:
            assert inst[hit_chains[0][0]][1] == start and inst[hit_chains[0][-1]][2] == end
            union = sum(pr for p, pr in zip(paths, probs)
                        if set(occurrences(p, inst, words, 10)) & set(map(tuple, hit_chains)))
            assert posterior == pytest.approx(min(1.0, sum(prob_of_chain[tuple(c)] for c in hit_chains)), abs=1e-6)
            assert posterior >= union - 1e-6
            # chains of one hit overlap in time, so no path holds two of them
            assert posterior == pytest.approx(union, abs=1e-6)


def test_keywords_respect_the_gap_and_case(tiny):
    lattice, *_ = tiny
    wide = lattice.spot_keywords([["GO", "Forward"]], max_gap_frames=1000)
    tight = lattice.spot_keywords([["go", "forward"]], max_gap_frames=0)
    assert wide and sum(h[3] for h in tight) <= sum(h[3] for h in wide) + 1e-9
    for _k, _s, _e, _p, chains in tight:
        assert all(not lattice.instances[i][4] for c in chains for i in c)
    with pytest.raises(ae.InvalidArgumentError):
        lattice.spot_keywords([["go"]], max_gap_frames=-1)


def test_recognize_fills_keywords_and_word_alternatives(recognizer, goforward):
    result = recognizer.recognize(goforward, keywords=["Go Forward", "meters", "meters", "zebra"],
                                  keywords_threshold=0.3, word_alternatives_threshold=0.1)
    assert result.transcript == "go forward ten meters"
    assert set(result.keywords) == {"Go Forward", "meters"}  # unmatched keywords are left out
    (go,) = result.keywords["Go Forward"]
    assert go.text == "go forward" and go.confidence >= 0.3
    assert go.start == result.words[0].start and go.end == result.words[1].end
    bins = result.word_alternatives
    assert [b.alternatives[0][0] for b in bins if b.alternatives[0][0] in ("go", "forward")] == ["go", "forward"]
    for b in bins:
        assert b.start < b.end
        assert all(c >= 0.1 for _w, c in b.alternatives)
        assert [c for _w, c in b.alternatives] == sorted((c for _w, c in b.alternatives), reverse=True)
    assert any(w == "ten" for b in bins for w, _c in b.alternatives)
    assert result.to_dict()["keywords"]["meters"][0]["text"] == "meters"
    plain = recognizer.recognize(goforward)
    assert plain.keywords == {} and plain.word_alternatives == []


def test_consensus_option(recognizer, goforward):
    result = recognizer.recognize(goforward, consensus=True)
    assert result.words and all(0 <= w.confidence <= 1 for w in result.words)
    assert all(a.end <= b.start for a, b in zip(result.words, result.words[1:]))
    assert result.words[0].word == "go"


@pytest.mark.parametrize("args", [
    {"keywords": ["go"]},
    {"keywords_threshold": 0.5},
    {"keywords": "go", "keywords_threshold": 0.5},
    {"keywords": [3], "keywords_threshold": 0.5},
    {"keywords": ["  "], "keywords_threshold": 0.5},
    {"keywords": ["x" * (MAX_KEYWORD_LENGTH + 1)], "keywords_threshold": 0.5},
    {"keywords": ["go"] * (MAX_KEYWORDS + 1), "keywords_threshold": 0.5},
    {"keywords": ["go"], "keywords_threshold": 1.5},
    {"keywords": ["go"], "keywords_threshold": float("nan")},
    {"word_alternatives_threshold": -0.1},
    {"word_alternatives_threshold": True},
])
def test_spotting_arguments_are_checked(recognizer, goforward, args):
    with pytest.raises(ae.InvalidArgumentError) as err:
        recognizer.recognize(goforward, **args)
    assert err.value.code == 400


def test_stream_final_result_spots_like_recognize(recognizer, goforward):
    args = {"keywords": ["forward", "ten meters"], "keywords_threshold": 0.2, "word_alternatives_threshold": 0.2}
    stream = recognizer.stream(sample_rate=goforward.sample_rate, **args)
    samples = goforward.samples
    for i in range(0, len(samples), 4000):
        partial = stream.accept(samples[i:i + 4000])
        assert partial.keywords == {} and partial.word_alternatives == []
    final = stream.finish()
    one_shot = recognizer.recognize(goforward, phrase_decoding="live", **args)
    assert final.keywords == one_shot.keywords and final.keywords
    assert final.word_alternatives == one_shot.word_alternatives
    with pytest.raises(ae.InvalidArgumentError):
        recognizer.stream(keywords=["go"])
