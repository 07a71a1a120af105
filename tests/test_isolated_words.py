"""The isolated-word prior (SearchOptions.isolated_word_prior) on real audio."""
from __future__ import annotations

import math

import numpy as np
import pytest

import asr_engine as ae
from asr_engine.isolated_words import isolated_word_path


@pytest.fixture(scope="module")
def recognizer():
    return ae.Recognizer()


def test_zero_changes_nothing(recognizer, goforward):
    assert recognizer.recognize(goforward, isolated_word_prior=0.0).transcript == "go forward ten meters"


def test_a_sentence_stays_a_sentence(recognizer, goforward):
    # Only single-word paths gain; a four-word utterance keeps its words.
    assert recognizer.recognize(goforward, isolated_word_prior=0.3).transcript == "go forward ten meters"


def one_word(recognizer, goforward, k: int):
    """The k-th word of goforward cut out (0.1 s after it) between 0.2 s of silence."""
    word = recognizer.recognize(goforward).words[k]
    rate = goforward.sample_rate
    clip = goforward.samples[int(word.start * rate):int((word.end + 0.1) * rate)]
    pad = np.zeros(int(0.2 * rate), clip.dtype)
    return word.word, np.concatenate([pad, clip, pad])


def test_a_word_said_alone(recognizer, goforward):
    # "meters" on its own: the n-gram LM alone prefers "leaders" (a likelier
    # sentence on its own); under the mixture the unigram prior picks "meters".
    word, clip = one_word(recognizer, goforward, 3)
    assert word == "meters"
    rate = goforward.sample_rate
    assert recognizer.recognize(clip, sample_rate=rate, isolated_word_prior=0.0).transcript == "leaders"
    assert recognizer.recognize(clip, sample_rate=rate, isolated_word_prior=0.1).transcript == "meters"


def test_chosen_path_is_one_lattice_word(recognizer, goforward):
    _word, clip = one_word(recognizer, goforward, 3)
    feats = ae.compute_features(clip, recognizer.frontend_options,
                                recognizer.feature_options)
    opts = recognizer.search_options
    lattice = recognizer._decode(feats, opts).lattice()
    assert isolated_word_path(lattice, recognizer.language_model, 0.0, opts.bestpath_language_weight) is None
    ids = isolated_word_path(lattice, recognizer.language_model, 0.1, opts.bestpath_language_weight)
    assert ids is not None
    inst = lattice.instances
    assert [inst[i][0] for i in ids if not inst[i][4]] == ["meters"]
    assert math.isfinite(lattice.path_score(ids))


def test_out_of_range_rejected():
    with pytest.raises(ae.InvalidArgumentError, match="isolated_word_prior"):
        ae.SearchOptions(isolated_word_prior=0.9)


def test_one_word_total_is_the_sum_over_the_vocabulary(recognizer):
    # Z of the one-word-sentence component, summed here word by word.
    from asr_engine.isolated_words import _one_word_log_total

    lm = recognizer.language_model
    logs = []
    for w in lm.words():
        if w in ("<s>", "</s>", "<unk>"):
            continue
        log10, state = lm.score_word(lm.begin_state(), w)
        logs.append(math.log(10.0) * (log10 + lm.final(state)))
    top = max(logs)
    expected = top + math.log(sum(math.exp(x - top) for x in logs))
    assert _one_word_log_total(lm) == pytest.approx(expected, abs=1e-6)
    assert expected < 0.0  # one-word sentences are a part of all sentences


def test_sentence_prior_keeps_sentences_and_the_lm_order(recognizer, goforward):
    # The one-word-sentence component raises every single word alike: the
    # four-word utterance stays, and the clip keeps the n-gram's own choice.
    assert recognizer.recognize(goforward, one_word_sentence_prior=0.3,
                                isolated_word_prior=0.0).transcript == "go forward ten meters"
    _word, clip = one_word(recognizer, goforward, 3)
    rate = goforward.sample_rate
    assert recognizer.recognize(clip, sample_rate=rate, isolated_word_prior=0.0,
                                one_word_sentence_prior=0.3).transcript == "leaders"


def test_priors_summing_to_one_rejected(recognizer):
    from asr_engine.isolated_words import isolated_word_path

    with pytest.raises(ValueError, match="below 1"):
        isolated_word_path(None, recognizer.language_model, 0.6, 9.5, 0.4)
