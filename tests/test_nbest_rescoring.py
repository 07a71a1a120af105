"""N-best re-scoring by forced alignment (SearchOptions.nbest_rescoring) on real audio."""
from __future__ import annotations

import math

import pytest

import asr_engine as ae
from asr_engine.align import AlignOptions, ForcedAligner
from asr_engine.errors import InvalidArgumentError
from asr_engine.nbest_rescoring import MARGIN, NbestRescorer, language_score
from conftest import DEV, PSX

# A dev utterance whose lattice best path drops the "a" of "began a confused"
# that the reference (and PocketSphinx) have.
LIBRI = DEV / "libri_61-70968-0000.wav"


@pytest.fixture(scope="module")
def recognizer():
    return ae.Recognizer()


def decoded(recognizer, path):
    audio = ae.load_audio(path)
    feats = ae.compute_features(audio, recognizer.frontend_options, recognizer.feature_options)
    return feats, recognizer._decode(feats, recognizer.search_options).lattice()


def independent_scores(recognizer, feats, lattice, n):
    """Each n-best word sequence scored from scratch: an unpruned alignment by
    the public aligner plus the LM sentence score at the rescoring's weights."""
    opts = recognizer.search_options
    aligner = ForcedAligner(recognizer.acoustic_model, recognizer.dictionary,
                            AlignOptions(beam=0.0, quality=False,
                                         silence_penalty=math.log(opts.silence_probability),
                                         noise_penalty=math.log(opts.filler_probability)))
    lm = recognizer.language_model
    inst = lattice.instances
    paths = lattice.nbest(n)
    out = []
    for ids, lattice_score in paths:
        words = [inst[i][0] for i in ids if not inst[i][4]]
        if lattice_score < paths[0][1] - MARGIN:
            continue
        state, log10 = lm.begin_state(), 0.0
        for w in words:
            p, state = lm.score_word(state, w)
            log10 += p
        log10 += lm.final(state)
        lang = opts.bestpath_language_weight * math.log(10) * log10 + len(words) * math.log(opts.word_insertion_penalty)
        out.append((aligner.align_features(feats, words).score + lang, list(ids), words))
    return out


def test_choice_is_the_best_aligned_path(recognizer):
    feats, lattice = decoded(recognizer, LIBRI)
    opts = recognizer.search_options
    scored = independent_scores(recognizer, feats, lattice, 8)
    rescorer = NbestRescorer(lattice, feats, recognizer._rescored_aligner(opts, None), recognizer.dictionary.native,
                             recognizer.language_model, recognizer.acoustic_model.frame_dim,
                             opts.bestpath_language_weight, opts.word_insertion_penalty)
    candidates = rescorer.candidates(8)
    assert [c[0] for c in candidates] == [s[1] for s in sorted(scored, key=lambda s: -s[0])]
    for (_ids, score, _lat), (oracle, _i, _w) in zip(candidates, sorted(scored, key=lambda s: -s[0])):
        assert score == pytest.approx(oracle, abs=0.05)
    best = max(scored, key=lambda s: s[0])
    assert best[1] != scored[0][1]  # alignment overrides the lattice here
    assert "began a confused" in " ".join(best[2])


def test_recognize_takes_the_rescored_words(recognizer):
    with_it = recognizer.recognize(LIBRI)
    without = recognizer.recognize(LIBRI, nbest_rescoring=0)
    assert "began a confused complaint" in with_it.transcript
    assert "began confused complaint" in without.transcript
    # Times and confidences still come from the lattice: words in order, inside the audio.
    starts = [w.start for w in with_it.words]
    assert starts == sorted(starts) and with_it.words[-1].end <= with_it.duration + 1e-6
    assert all(0.0 <= w.confidence <= 1.0 for w in with_it.words)


def test_alternatives_follow_the_rescoring(recognizer):
    result = recognizer.recognize(LIBRI, max_alternatives=5)
    alts = result.alternatives
    assert 2 <= len(alts) <= 5
    assert alts[0].transcript == result.transcript
    assert [a.score for a in alts] == sorted((a.score for a in alts), reverse=True)
    assert len({a.transcript for a in alts}) == len(alts)
    confidences = [a.confidence for a in alts]
    assert all(0.0 <= c <= 1.0 for c in confidences) and sum(confidences) <= 1 + 1e-6
    assert confidences == sorted(confidences, reverse=True)


def test_off_and_one_are_the_same(recognizer):
    audio = ae.load_audio((PSX / "goforward.raw").read_bytes(), "audio/l16;rate=16000;endianness=little-endian")
    a = recognizer.recognize(audio, nbest_rescoring=0)
    b = recognizer.recognize(audio, nbest_rescoring=1)
    assert a.transcript == b.transcript == "go forward ten meters"
    assert [(w.start, w.end, w.confidence) for w in a.words] == [(w.start, w.end, w.confidence) for w in b.words]
    assert recognizer.recognize(audio).transcript == "go forward ten meters"


@pytest.mark.parametrize("bad", [-1, 1.5, "8", 10_000])
def test_bad_values_are_refused(recognizer, bad):
    with pytest.raises(InvalidArgumentError, match="nbest_rescoring"):
        recognizer.search_options.with_overrides(nbest_rescoring=bad)


@pytest.mark.parametrize("path", [LIBRI, DEV / "sonnet_1_03.wav"])
def test_shared_gaussian_cache_gives_the_same_alignments(recognizer, path):
    """The candidates of one utterance share a GaussianScoreCache: every
    alignment (scores, segments) is exactly the one made without it, in
    whichever order the candidates fill the cache. (On the sonnet, mixtures
    reused under another candidate's density floor would differ.)"""
    feats, lattice = decoded(recognizer, path)
    aligner = recognizer._rescored_aligner(recognizer.search_options, None)
    dictionary, dim = recognizer.dictionary.native, recognizer.acoustic_model.frame_dim
    inst = lattice.instances
    sequences = [[inst[i][0] for i in ids if not inst[i][4]] for ids, _score in lattice.nbest(8)]
    assert len({tuple(s) for s in sequences}) > 1
    alone = [aligner.align(dictionary, words, feats, dim) for words in sequences]
    for order in (sequences, sequences[::-1]):
        cache = ae._core.GaussianScoreCache(feats)
        shared = {tuple(words): aligner.align(dictionary, words, feats, dim, cache=cache) for words in order}
        assert [shared[tuple(words)] for words in sequences] == alone
    filled = len(cache)
    assert 0 < filled < feats.shape[0] * recognizer.acoustic_model.n_codebooks
    aligner.align(dictionary, sequences[0], feats, dim, cache=cache)
    assert len(cache) == filled  # a repeated alignment computes no Gaussians

    opts = recognizer.search_options
    rescorer = NbestRescorer(lattice, feats, aligner, dictionary, recognizer.language_model, dim,
                             opts.bestpath_language_weight, opts.word_insertion_penalty)
    for (ids, _score), words, raw in zip(lattice.nbest(8), sequences, alone):
        lang = language_score(recognizer.language_model, words, opts.bestpath_language_weight,
                              math.log(opts.word_insertion_penalty))
        assert rescorer.score(ids) == float(raw["path_score"]) + lang  # the rescorer's cached alignments


def test_gaussian_cache_refuses_other_features(recognizer):
    feats, _lattice = decoded(recognizer, LIBRI)
    aligner = recognizer._rescored_aligner(recognizer.search_options, None)
    dictionary, dim = recognizer.dictionary.native, recognizer.acoustic_model.frame_dim
    cache = ae._core.GaussianScoreCache(feats[:-1])
    with pytest.raises(InvalidArgumentError, match="other features"):
        aligner.align(dictionary, ["the"], feats, dim, cache=cache)
    changed = feats.copy()
    changed[5, 3] += 1.0
    cache = ae._core.GaussianScoreCache(changed)
    with pytest.raises(InvalidArgumentError, match="other features"):
        aligner.align(dictionary, ["the"], feats, dim, cache=cache)
