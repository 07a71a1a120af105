"""Decoder: real audio, a brute-force check of the search on a tiny
vocabulary, lattice posteriors, n-best, streaming and edge cases."""
from __future__ import annotations

import itertools
import math

import numpy as np
import pytest

import asr_engine as ae
from asr_engine import _core
from conftest import PSX


@pytest.fixture(scope="module")
def recognizer():
    return ae.Recognizer()


def test_goforward(recognizer, goforward):
    result = recognizer.recognize(goforward)
    assert result.transcript == "go forward ten meters"
    times = [(w.start, w.end) for w in result.words]
    assert all(a < b for a, b in times)
    assert all(times[i][1] <= times[i + 1][0] + 1e-9 for i in range(len(times) - 1))
    assert 0.3 < times[0][0] < 0.6 and 1.9 < times[-1][1] < 2.4  # PocketSphinx: go 0.46 s, meters ends 2.13 s
    assert all(0.0 <= w.confidence <= 1.0 for w in result.words)
    assert result.to_dict()["words"][0]["word"] == "go"


def test_module_level_recognize(goforward):
    assert ae.recognize(goforward).transcript == "go forward ten meters"


TINY_WORDS = ["go", "forward", "ten", "meters", "for", "tent"]


def tiny_unigram_lm():
    probs = {"go": 0.2, "forward": 0.15, "ten": 0.2, "meters": 0.15, "for": 0.1, "tent": 0.1, "</s>": 0.1}
    lines = ["\\data\\", f"ngram 1={len(probs) + 2}", "", "\\1-grams:"]
    lines.append("-99\t<s>")
    lines.append("-99\t<unk>")
    for w, p in probs.items():
        lines.append(f"{math.log10(p):.6f}\t{w}")
    lines += ["", "\\end\\", ""]
    return ae.lm.NgramModel.from_arpa_text("\n".join(lines), "tiny")


def decode_total(model_native, feats, **overrides):
    opts = ae.SearchOptions(beam=1e-200, phone_beam=1e-200, word_beam=1e-200, max_hmms_per_frame=0,
                            max_words_per_frame=0, **overrides).to_native()
    dec = _core.Decoder(model_native, opts)
    dec.start()
    dec.process(feats)
    return dec.best_path(True)


def test_search_finds_exhaustive_best_on_tiny_vocabulary(recognizer, goforward):
    """With a unigram LM the LM score of a sentence does not depend on the
    search's order of expansion, so the best sentence is the maximum over
    every word sequence of (forced-alignment score + word penalties + LM
    score). The forced alignments come from the ForcedAligner, a separate
    Viterbi implementation, given the search's filler penalties."""
    feats = ae.compute_features(goforward, recognizer.frontend_options, recognizer.feature_options)
    lm = tiny_unigram_lm()
    model = _core.RecognitionModel(recognizer.acoustic_model.native, recognizer.dictionary.native, lm)
    segs, search_score = decode_total(model, feats)
    hyp = [s[0] for s in segs if not s[5]]
    defaults = ae.SearchOptions()
    aligner = ae.ForcedAligner(options=ae.AlignOptions(
        beam=0.0, silence_penalty=math.log(defaults.silence_probability),
        noise_penalty=math.log(defaults.filler_probability), quality=False))
    best_score, best_sentence = -math.inf, None
    for n in range(1, 5):
        for words in itertools.product(TINY_WORDS[:5], repeat=n):
            forced = aligner.align(goforward, " ".join(words))
            state = lm.begin_state()
            lm_total = 0.0
            for w in words:
                logp, state = lm.score_word(state, w)
                lm_total += logp
            lm_total += lm.final(state)
            total = (forced.score + n * math.log(defaults.word_insertion_penalty)
                     + defaults.language_weight * lm_total * math.log(10))
            if total > best_score:
                best_score, best_sentence = total, list(words)
    assert hyp == best_sentence == ["go", "forward", "ten", "meters"]
    # Same path, two implementations: equal up to float accumulation.
    assert search_score == pytest.approx(best_score, abs=0.5)


def test_lattice_posteriors_sum_to_one_per_frame(recognizer, goforward):
    feats = ae.compute_features(goforward, recognizer.frontend_options, recognizer.feature_options)
    dec = recognizer._decode(feats, recognizer.search_options)
    lattice = dec.lattice()
    post = np.array(lattice.posteriors)
    cover = np.zeros(dec.frames)
    for i, (_w, start, end, _ac, _f) in enumerate(lattice.instances):
        if i:
            cover[start : end + 1] += post[i]
    np.testing.assert_allclose(cover, 1.0, atol=1e-4)


def test_nbest_ordered_and_distinct(recognizer):
    result = recognizer.recognize(PSX / "librivox" / "sense_and_sensibility_01_austen_64kb-0880.wav",
                                  max_alternatives=8)
    alts = result.alternatives
    assert len(alts) >= 2
    scores = [a.score for a in alts]
    assert scores == sorted(scores, reverse=True)
    assert len({a.transcript for a in alts}) == len(alts)
    assert alts[0].transcript == result.transcript


def test_empty_and_silent_audio(recognizer):
    for samples in (np.zeros(0, np.float32), np.zeros(16000, np.float32)):
        result = recognizer.recognize(ae.Audio(samples, 16000, 16000, 1, samples.size / 16000, "test"))
        assert result.transcript == ""
        assert result.words == []
    with pytest.raises(ae.AudioError):
        ae.load_audio(PSX / "null.wav")


def test_stream_final_equals_one_shot_and_partials_are_frequent(recognizer, goforward):
    # A stream decodes phrase by phrase with live CMN: its final equals the
    # phrase-wise one-shot decoding of the same audio.
    one_shot = recognizer.recognize(goforward, phrase_decoding="live")
    stream = recognizer.stream()
    chunk = 1600  # 100 ms
    last_partial_time, gaps = 0.0, []
    for i in range(0, goforward.samples.size, chunk):
        partial = stream.accept(goforward.samples[i : i + chunk])
        assert partial.final is False
        gaps.append(partial.duration - last_partial_time)
        last_partial_time = partial.duration
    final = stream.finish()
    assert final.transcript == one_shot.transcript
    assert [w.word for w in final.words] == [w.word for w in one_shot.words]
    assert max(gaps) <= 0.5
    with pytest.raises(ae.InvalidArgumentError):
        stream.accept(goforward.samples[:100])


def test_bad_options(recognizer, goforward):
    with pytest.raises(ae.InvalidArgumentError):
        recognizer.recognize(goforward, no_such_option=1)
    with pytest.raises(ae.InvalidArgumentError):
        recognizer.recognize(goforward, beam=2.0)
    with pytest.raises(ae.InvalidArgumentError):
        recognizer.recognize(goforward, max_alternatives=0)
    with pytest.raises(ae.InvalidArgumentError):
        recognizer.recognize(goforward, language_weight=-1.0)
