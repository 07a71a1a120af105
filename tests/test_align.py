"""Forced alignment against PocketSphinx's own alignments."""
from __future__ import annotations

import json
import threading

import numpy as np
import pytest

import asr_engine
from asr_engine.acoustic import AcousticModel
from asr_engine.align import AlignOptions, ForcedAligner, MissingWordsError, normalize_transcript
from asr_engine.dictionary import Dictionary
from asr_engine.errors import AudioError, InvalidArgumentError, NotFoundError

import sphinx_reference as ref
from conftest import PSX

LIBRIVOX = PSX / "librivox"
UTTERANCES = [p.stem for p in sorted(LIBRIVOX.glob("*.wav"))]


@pytest.fixture(scope="module")
def aligner():
    return ForcedAligner()


def real_words(result):
    return [w for w in result.words if not w.filler]


def check_structure(result):
    """Segments tile the utterance at every level and nest properly."""
    for level in ("words", "phones", "states"):
        segs = getattr(result, level)
        audio_end = result.duration  # length of the aligned audio in seconds
        assert segs[0].start == 0.0
        assert segs[-1].end == pytest.approx(audio_end)
        for a, b in zip(segs, segs[1:]):
            assert a.end == b.start and a.start < a.end
    for w in result.words:
        first, end = w.phones
        assert result.phones[first].start == w.start
        assert result.phones[end - 1].end == w.end
        assert sum(p.score for p in result.phones[first:end]) == pytest.approx(w.score, rel=1e-4, abs=1e-2)
    for i, p in enumerate(result.phones):
        first, end = p.states
        assert all(s.phone == i for s in result.states[first:end])
        assert [s.state for s in result.states[first:end]] == sorted(s.state for s in result.states[first:end])
    json.dumps(result.to_dict())  # plain data


def test_goforward_matches_pocketsphinx(aligner, goforward):
    result = asr_engine.align(goforward, "go forward ten meters")
    check_structure(result)
    words = real_words(result)
    assert [w.word for w in words] == ["go", "forward", "ten", "meters"]
    assert [w.index for w in words] == [0, 1, 2, 3]
    # Sensible times: speech starts after ~0.4 s of silence and ends before the audio.
    audio_end = result.duration  # length of the aligned audio in seconds
    assert 0.3 < words[0].start < 0.6
    assert words[-1].end < audio_end - 0.3
    assert audio_end == pytest.approx(len(goforward.samples) / 16000, abs=0.02)
    # PocketSphinx aligning the same audio and text.
    from pocketsphinx import Decoder

    decoder = Decoder(lm=None, loglevel="ERROR")
    decoder.set_align_text("go forward ten meters")
    decoder.start_utt()
    decoder.process_raw((PSX / "goforward.raw").read_bytes(), full_utt=True)
    decoder.end_utt()
    theirs = [(s.word, s.start_frame / 100, (s.end_frame + 1) / 100) for s in decoder.seg() if not s.word.startswith("<")]
    for (word, start, end), ours in zip(theirs, words):
        assert word == ours.pronunciation
        assert abs(start - ours.start) <= 0.03 and abs(end - ours.end) <= 0.03


def test_librivox_agreement_with_pocketsphinx(aligner):
    diffs, phone_diffs = [], []
    for utt in UTTERANCES:
        text = (LIBRIVOX / f"{utt}.txt").read_text()
        result = aligner.align(str(LIBRIVOX / f"{utt}.wav"), text)
        check_structure(result)
        theirs = [w for w in json.loads((LIBRIVOX / f"{utt}.json").read_text())["w"] if not w["t"].startswith("<")]
        ours = real_words(result)
        assert len(ours) == len(theirs)
        for t, o in zip(theirs, ours):
            assert o.word == t["t"].split("(")[0]
            diffs += [abs(t["b"] - o.start), abs(t["b"] + t["d"] - o.end)]
        their_phones = [p for w in json.loads((LIBRIVOX / f"{utt}.phone.json").read_text())["w"]
                        if not w["t"].startswith("<") for p in w["w"]]
        our_phones = [p for w in ours for p in result.phones[w.phones[0]:w.phones[1]]]
        if [p["t"] for p in their_phones] == [p.phone for p in our_phones]:
            phone_diffs += [abs(t["b"] - o.start) for t, o in zip(their_phones, our_phones)]
    diffs = np.array(diffs)
    within = np.mean(diffs <= 0.030 + 1e-9)
    print(f"word boundaries: {len(diffs)}, mean |diff| {diffs.mean() * 1000:.1f} ms, within 30 ms {within:.1%}")
    assert within >= 0.90
    assert diffs.mean() < 0.02
    assert np.mean(np.array(phone_diffs) <= 0.03 + 1e-9) >= 0.8


def test_alternate_pronunciations_chosen_by_alignment(aligner):
    utt = "sense_and_sensibility_01_austen_64kb-0880"
    result = aligner.align(str(LIBRIVOX / f"{utt}.wav"), (LIBRIVOX / f"{utt}.txt").read_text())
    labels = [w.pronunciation for w in real_words(result)]
    assert labels[:2] == ["he", "was(2)"] and "an(2)" in labels
    assert any(w.filler and w.word == "<sil>" for w in result.words[1:-1])  # pause after "not"


def test_missing_words_are_listed(aligner, goforward):
    with pytest.raises(MissingWordsError) as info:
        aligner.align(goforward, "go qwzx forward blorptastic ten qwzx")
    assert info.value.words == ["qwzx", "blorptastic"]
    assert isinstance(info.value, NotFoundError) and info.value.code == 404
    assert "qwzx" in str(info.value) and "blorptastic" in str(info.value)


def test_transcript_normalisation(aligner, goforward):
    words, missing = normalize_transcript("Go, FORWARD -- ten meters!", aligner.dictionary)
    assert words == ["go", "forward", "ten", "meters"] and missing == []
    result = aligner.align(goforward, ["Go", "forward", "ten", "meters."])
    assert [w.word for w in real_words(result)] == ["go", "forward", "ten", "meters"]


def test_audio_too_short_or_empty(aligner, goforward):
    with pytest.raises(AudioError, match="too short"):
        aligner.align(goforward.samples[:1600], "go forward ten meters go forward ten meters", sample_rate=16000)
    with pytest.raises(AudioError):
        aligner.align_features(np.zeros((0, 39), np.float32), "go")
    feats = aligner.features(goforward)
    feats[10, 3] = np.inf
    with pytest.raises(InvalidArgumentError):
        aligner.align_features(feats, "go forward ten meters")


def test_without_fillers(goforward):
    strict = ForcedAligner(options=AlignOptions(allow_silence=False, allow_noise=False))
    result = strict.align(goforward, "go forward ten meters")
    check_structure(result)
    assert not any(w.filler for w in result.words)
    audio_end = result.duration
    assert result.words[0].start == 0.0 and result.words[-1].end == audio_end


def test_beam_does_not_change_the_result(goforward):
    wide = ForcedAligner(options=AlignOptions(beam=0)).align(goforward, "go forward ten meters")
    narrow = ForcedAligner(options=AlignOptions(beam=120)).align(goforward, "go forward ten meters")
    assert [(w.start, w.end) for w in wide.words] == [(w.start, w.end) for w in narrow.words]


def test_threads_share_an_aligner(aligner, goforward):
    expected = aligner.align(goforward, "go forward ten meters")
    results = []

    def run():
        results.append(aligner.align(goforward, "go forward ten meters"))

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(r.words == expected.words for r in results)


def test_semi_continuous_model_aligns_digits():
    model = AcousticModel.load(str(PSX / "tidigits" / "hmm"))
    dictionary = Dictionary.load(str(PSX / "tidigits" / "lm" / "tidigits.dic"), phones=model, cache=False)
    feats = ref.features_s2_4x(ref.read_mfc(str(PSX / "tidigits" / "man.ah.2934za.mfc")))
    result = ForcedAligner(model, dictionary).align_features(feats, "two nine three four zero")
    check_structure(result)
    assert [w.word for w in real_words(result)] == ["two", "nine", "three", "four", "zero"]
    lengths = [w.end - w.start for w in real_words(result)]
    assert all(0.1 < n < 0.8 for n in lengths)


def test_continuous_model_aligns(goforward):
    model = AcousticModel.load(str(PSX / "an4_ci_cont"))
    dictionary = Dictionary.empty(model)
    for word, phones in [("go", "G OW"), ("forward", "F AO R W ER D"), ("ten", "T EH N"), ("meters", "M IY T ER Z")]:
        dictionary.add_word(word, phones)
    # Features from the model's own front-end settings (40 filters, ...).
    result = ForcedAligner(model, dictionary).align(goforward, "go forward ten meters")
    check_structure(result)
    words = real_words(result)
    assert [w.word for w in words] == ["go", "forward", "ten", "meters"]
    audio_end = result.duration
    assert 0.3 < words[0].start < 0.6 and words[-1].end < audio_end - 0.3
    assert all(p.triphone == p.phone for p in result.phones)  # CI-only model


def test_quality_tells_a_right_transcript_from_a_wrong_one(aligner, goforward):
    """The margin over a free phone loop: a right transcript fits about as
    well as the loop or better, a wrong one of the same length much worse."""
    right = aligner.align(goforward, "go forward ten meters")
    wrong = aligner.align(goforward, "the cat sat down")
    assert right.quality > -1.0 > wrong.quality
    assert right.quality - wrong.quality > 1.0
    # Each librivox utterance against its own transcript and against as many
    # words of the next one's: +1.3 to +1.8 vs -3.5 to -5.1 nats/frame.
    texts = [(LIBRIVOX / f"{u}.txt").read_text().split() for u in UTTERANCES]
    for i, utt in enumerate(UTTERANCES[:3]):
        words = texts[i]
        wrong = (texts[i + 1] * 3)[:len(words)]
        good = aligner.align(str(LIBRIVOX / f"{utt}.wav"), words)
        bad = aligner.align(str(LIBRIVOX / f"{utt}.wav"), wrong)
        assert good.quality > 0.5 and bad.quality < -2.0, (utt, good.quality, bad.quality)


def test_alignment_is_dataclasses_with_json_shape(aligner, goforward):
    result = aligner.align(goforward, "go forward ten meters")
    assert isinstance(result, asr_engine.Alignment)
    d = result.to_dict()
    json.dumps(d)
    assert set(d) == {"words", "phones", "states", "duration", "score", "acoustic_score", "quality"}
    assert d["words"][1]["word"] == "go" or d["words"][0]["word"] == "go"
    assert "go forward ten meters" in repr(result)


def test_score_all_senones_scores_the_path_with_the_full_senone_matrix(aligner, goforward):
    """With ``score_all_senones`` the acoustic score of the path is the sum,
    over its states' frames, of the scorer's full senone matrix (the scores a
    broad search sees); scoring only live states raises the density floor
    less, so the full-scored best path scores at least as well."""
    from asr_engine import _core

    feats = aligner.features(goforward)
    model = aligner.model
    words = ["go", "forward", "ten", "meters"]
    full = _core.ForcedAligner(model.native, beam=0.0, score_all_senones=True)
    live = _core.ForcedAligner(model.native, beam=0.0)
    raw = full.align(aligner.dictionary.native, words, feats, model.frame_dim)
    matrix = _core.SenoneScorer(model.native).score(feats)
    summed = sum(float(matrix[start:end, senone].sum()) for senone, _s, _p, start, end, _sc in raw["states"])
    assert summed == pytest.approx(raw["acoustic_score"], rel=1e-5)
    assert raw["path_score"] >= live.align(aligner.dictionary.native, words, feats, model.frame_dim)["path_score"] - 1e-3
    with pytest.raises(TypeError):
        _core.ForcedAligner(model.native, score_all_senones="yes")


def test_gaussian_cache_keeps_semi_continuous_alignments_exact():
    """Four feature streams, one shared codebook: alignments of several
    transcripts through one GaussianScoreCache equal those without it."""
    model = AcousticModel.load(str(PSX / "tidigits" / "hmm"))
    dictionary = Dictionary.load(str(PSX / "tidigits" / "lm" / "tidigits.dic"), phones=model, cache=False)
    feats = np.ascontiguousarray(ref.features_s2_4x(ref.read_mfc(str(PSX / "tidigits" / "man.ah.2934za.mfc"))),
                                 dtype=np.float32)
    native = ForcedAligner(model, dictionary)._native
    transcripts = [["two", "nine", "three", "four", "zero"], ["two", "five", "three", "four", "oh"], ["eight"]]
    cache = asr_engine._core.GaussianScoreCache(feats)
    for words in transcripts:
        alone = native.align(dictionary.native, words, feats, model.frame_dim)
        assert native.align(dictionary.native, words, feats, model.frame_dim, cache=cache) == alone
    assert 0 < len(cache) <= feats.shape[0] * model.n_codebooks
