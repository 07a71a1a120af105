"""Phrases: the endpointer on constructed decisions, phrase-wise decoding on
constructed audio (dev utterances joined by pauses), streams against the
phrase-wise one-shot, timeouts and bad parameters."""
from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import numpy as np
import pytest

import asr_engine as ae
from asr_engine.audio.input import read_audio
from asr_engine.phrases import PhraseSpan, Segmenter, SegmenterOptions, segment
from asr_engine.phrases.sentence_ends import sentence_breaks
from asr_engine.results import Phrase, WordResult

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"
IDS = ["ieee_s01_02", "ieee_s01_03", "ieee_s01_04"]


@pytest.fixture(scope="module")
def rec():
    return ae.Recognizer()


def _quiet(seconds: float, seed: int, level: float = 3e-4) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(16000 * seconds)) * level).astype(np.float32)


@pytest.fixture(scope="module")
def utterances():
    paths = sorted(DEV.glob("ieee_*.wav"))[:3]
    assert len(paths) == 3
    return [read_audio(str(p), target_rate=16000).samples for p in paths]


@pytest.fixture(scope="module")
def joined(utterances):
    """Three utterances with 1.5 s pauses between them."""
    parts = []
    for k, u in enumerate(utterances):
        parts += [u, _quiet(1.5, k)]
    return np.concatenate(parts)


# -- the endpointer -----------------------------------------------------------------


def _decisions(*runs: tuple[bool, int]) -> list[bool]:
    return [s for s, n in runs for _ in range(n)]


def test_segmenter_cuts_at_pauses_with_padding():
    d = _decisions((False, 50), (True, 100), (False, 100), (True, 50), (False, 30))
    spans = segment(d)  # 0.8 s pause, 0.25 s padding
    assert [(s.start, s.end, s.reason) for s in spans] == [(25, 175, "silence"), (225, 325, "end_of_data")]


def test_segmenter_reports_corrected_speech_edges():
    d = _decisions((False, 50), (True, 100), (False, 100), (True, 50), (False, 30))
    spans = segment(d, SegmenterOptions(onset_correction=0.2, offset_correction=0.3))
    # Speech decisions [50, 150) and [250, 300): start moved 20 frames later, end 30 earlier
    # (the second would be empty: it keeps one frame).
    assert [(s.speech_start, s.speech_end) for s in spans] == [(70, 120), (270, 271)]
    # Corrections larger than the speech keep a non-empty span inside the phrase.
    tiny = segment(_decisions((False, 40), (True, 5), (False, 100)),
                   SegmenterOptions(onset_correction=0.5, offset_correction=0.5, min_speech=0.0))
    assert len(tiny) == 1 and tiny[0].start <= tiny[0].speech_start < tiny[0].speech_end <= tiny[0].end
    # Negative corrections widen, but never past the padded phrase.
    # (they lengthen the pause that ends a phrase, too: 0.8 s + 2 s here).
    d = _decisions((False, 50), (True, 100), (False, 300), (True, 50), (False, 30))
    wide = segment(d, SegmenterOptions(onset_correction=-1.0, offset_correction=-1.0))
    assert [(s.speech_start, s.speech_end) for s in wide] == [(25, 175), (425, 525)]


@pytest.mark.parametrize("name", ["onset_correction", "offset_correction"])
@pytest.mark.parametrize("value", [-1.5, 2.0, float("nan"), float("inf"), "0.1", True, None])
def test_bad_edge_correction(name, value):
    with pytest.raises(ae.InvalidArgumentError, match=name):
        SegmenterOptions(**{name: value})


def test_segmenter_keeps_short_pauses_and_caps_long_speech():
    d = _decisions((True, 100), (False, 50), (True, 100))
    assert [(s.start, s.end) for s in segment(d)] == [(0, 250)]  # 0.5 + 0.2 s corrections < 0.8 s: one phrase
    # The pause is measured between corrected edges: 0.6 s of non-speech decisions is 0.8 s.
    d = _decisions((True, 100), (False, 60), (True, 100))
    assert [(s.start, s.end) for s in segment(d)] == [(0, 125), (135, 260)]
    assert [(s.start, s.end) for s in segment(d, SegmenterOptions(onset_correction=0.0, offset_correction=0.0))] \
        == [(0, 260)]
    spans = segment([True] * 13000, SegmenterOptions(max_phrase_time=120.0))
    assert spans[0].speech_start == 8 and spans[1].speech_end == 13000 - 12
    assert [(s.start, s.end, s.reason) for s in spans] == [(0, 12000, "reset"), (12000, 13000, "end_of_data")]
    # 0 means the default (0.8 s), as in the services.
    assert SegmenterOptions(0.0).end_of_phrase_silence_time == 0.8


def test_segmenter_streams_like_whole():
    rng = np.random.default_rng(3)
    d = list(rng.random(3000) < 0.3)
    d = [bool(x) for x in np.repeat(d[:300], 10)]
    opts = SegmenterOptions(0.3, min_speech=0.15)  # 0.1 s runs don't count, longer ones do
    whole = segment(d, opts)
    seg = Segmenter(opts)
    got, i = [], 0
    while i < len(d):
        n = int(rng.integers(1, 50))
        got += seg.accept(d[i:i + n])
        assert seg.committed <= seg.frames
        i += n
    assert got + seg.finish() == whole and len(whole) > 5
    for a, b in zip(whole, whole[1:]):
        assert a.end <= b.start


def test_segmenter_ignores_short_speech_runs():
    # A 0.2 s blip (a breath, a click) neither opens a phrase nor ends its pause.
    d = _decisions((False, 50), (True, 20), (False, 30), (True, 100), (False, 40), (True, 20), (False, 100))
    assert [(s.start, s.end) for s in segment(d)] == [(75, 225)]
    assert [(s.start, s.end) for s in segment(d, SegmenterOptions(min_speech=0.0))] == [(25, 285)]
    # A run that lasts opens the phrase from its first frame, whatever the chunking.
    seg = Segmenter()
    got = seg.accept(d[:60])
    assert seg.pending_run == 50  # the blip, while it may still last
    got += seg.accept(d[60:80])
    assert seg.pending_run is None  # it ended short
    got += seg.accept(d[80:105])
    assert seg.open_start is None and seg.keep_from == 100 - 25  # the pending run started at 100
    assert seg.pending_run == 100
    got += seg.accept(d[105:130])
    assert seg.open_start == 75 and seg.pending_run is None  # it counts now
    assert got + seg.accept(d[130:]) + seg.finish() == segment(d)


def _unit(start: float, end: float, *words: tuple[str, float, float]) -> Phrase:
    ws = [WordResult(w, a, b, 0.9) for w, a, b in words]
    return Phrase(start, end, " ".join(w for w, _a, _b in words), 0.9 if ws else 0.0, ws, [], "silence",
                     int(start * 16000), int(end * 16000))


def test_phrases_of_units_split_at_word_pauses_and_drop_wordless():
    from asr_engine.phrase_decoding import phrases_of_units

    span = PhraseSpan(0, 600, "end_of_data", 10, 590)
    units = [_unit(0.0, 1.2, ("one", 0.2, 0.6), ("two", 0.7, 1.0)),
             _unit(1.2, 1.6),                                           # a breath: no words
             _unit(1.6, 2.6, ("three", 1.7, 2.1)),                      # 0.7 s after "two": same phrase
             _unit(2.6, 6.0, ("four", 3.0, 3.4), ("five", 3.5, 5.8))]   # 0.9 s after "three": a new phrase
    out = phrases_of_units(units, span, 160.0, 100.0, 0.8)
    assert [p.transcript for p in out] == ["one two three", "four five"]
    assert [(p.start, p.end, p.end_of_utterance) for p in out] == [(0.0, 2.6, "silence"), (2.6, 6.0, "end_of_data")]
    assert [(p.speech_start, p.speech_end) for p in out] == [(0.2, 2.1), (3.0, 5.8)]
    assert out[0].end_sample == out[1].start_sample == 41600
    # With a longer end_of_phrase_silence_time the pause stays inside.
    assert [p.transcript for p in phrases_of_units(units, span, 160.0, 100.0, 1.0)] == ["one two three four five"]
    # Only silence and fillers: no phrase (a rejected one is still reported).
    assert phrases_of_units([units[1], _unit(1.6, 2.0, ("++breath++", 1.7, 1.9))], span, 160.0, 100.0, 0.8) == []
    assert len(phrases_of_units([dataclasses.replace(units[1], rejected=True)], span, 160.0, 100.0, 0.8)) == 1


def test_phrase_groups_end_a_phrase_when_no_later_unit_can_start_before_the_pause():
    from asr_engine.phrase_decoding import phrase_groups, phrases_of_units

    units = [_unit(0.0, 1.2, ("one", 0.2, 0.6), ("two", 0.7, 1.0)),
             _unit(1.2, 1.6),                                # a breath the detector bridged the pause with
             _unit(1.9, 3.0, ("three", 2.0, 2.6))]           # starts 0.9 s after "two"
    # Before the breath closed, a later unit could start at 1.2 (reach 1.2): undecided.
    assert phrase_groups(units[:1], 0.8, [1.2]) == ([units[:1]], False)
    # Seen after the breath: no unit can start before 1.85 >= 1.0 + 0.8, so "one two" is over
    # whatever comes, though "three" has not closed yet.
    assert phrase_groups(units[:2], 0.8, [None, 1.85]) == ([units[:2]], True)
    assert phrase_groups(units[:2], 0.8, [None, 1.75]) == ([units[:2]], False)
    # The same grouping once "three" closes, with or without that evidence (word evidence then).
    assert phrase_groups(units, 0.8, [None, 1.9, None])[0] == phrase_groups(units, 0.8)[0] == [units[:2], units[2:]]
    # A span whose last group was closed early: the phrase ends at its last unit, for the pause.
    span = PhraseSpan(0, 400, "end_of_data", 10, 390)
    out = phrases_of_units(units[:2], span, 160.0, 100.0, 0.8, [None, 1.85])
    assert [(p.transcript, p.start, p.end, p.end_of_utterance) for p in out] == [("one two", 0.0, 1.6, "silence")]
    # Without a spoken word, no evidence closes anything.
    assert phrase_groups(units[1:2], 0.8, [9.0]) == ([units[1:2]], False)


@pytest.mark.parametrize("chunk", [160, 800, 1600, 5920])
def test_a_phrase_split_inside_a_span_is_final_before_the_span_closes(rec, chunk):
    """tests/data/split_in_span.wav: 57.5-62.5 s of benchmarks/bench_stream.py's 5-minute file
    (ieee_s02_04, 0.76 s of its room tone, ieee_s02_05; true pause 0.94 s): the detector bridges
    the pause, the words show it. The first phrase's final must come while the detector's span
    is still open, soon after its last word's end + 0.8 s (it came at the span's close, seconds
    later, before), and the phrases must be the one-shot's in any chunking."""
    x = read_audio(str(Path(__file__).parent / "data" / "split_in_span.wav"), target_rate=16000).samples
    s = rec.stream(inactivity_timeout=-1)
    early = []
    for i in range(0, x.size, chunk):
        for p in s.accept(x[i:i + chunk]).phrases:
            early.append((p, s.duration, s.in_phrase))
    final = s.finish()
    assert [p.transcript for p, _t, _open in early] == ["take the ball straight and follow through"]
    p, t, still_open = early[0]
    assert still_open and p.end_of_utterance == "silence"
    # Decided at the frame 0.8 s after the last word: within the detector's look-ahead (0.12 s),
    # the probe's (PROBE_LOOKAHEAD, 0.04 s) and the front end's (a few frames) of it, and a chunk;
    # before the early probe, 0.42 s.
    assert t <= p.words[-1].end + 0.8 + 0.25 + chunk / 16000
    assert [q.transcript for q in final.phrases][1].startswith("help the woman")
    assert final.phrases == rec.recognize(x, sample_rate=16000, phrase_decoding="live").phrases


@pytest.mark.parametrize("chunk", [160, 1600, 5920])
def test_a_phrase_ends_at_its_words_pause_inside_one_unit(rec, chunk, monkeypatch):
    """tests/data/bridged_pause.wav: 223.3-230.3 s of benchmarks/bench_stream.py's 5-minute file
    (sb_example2, whose recording goes on past its reference's last word, its room tone, the
    start of psx_librivox_0870): the detector takes it all for one run of speech, so one decoding
    unit, with 2.7 s between "name" and the next word. The first phrase's final must come soon
    after "name" + 0.8 s, while the unit would still be open (it came when the unit closed, 9.4 s
    late in bench_stream.py), and the phrases must be the one-shot's in any chunking."""
    import asr_engine.phrase_decoding as phrase_decoding

    x = read_audio(str(Path(__file__).parent / "data" / "bridged_pause.wav"), target_rate=16000).samples

    def streamed():
        s = rec.stream(inactivity_timeout=-1)
        early = [(p, s.duration) for i in range(0, x.size, chunk) for p in s.accept(x[i:i + chunk]).phrases]
        return early, s.finish()

    early, final = streamed()
    assert [p.transcript.split()[-2:] for p, _t in early] == [["culprits", "name"]]
    p, t = early[0]
    # The pause's 0.8 s, then PROBE_LOOKAHEAD (0.04 s), the detector's look-ahead (0.12 s), the
    # front end's few frames, and a chunk.
    assert t <= p.words[-1].end + 0.8 + 0.25 + chunk / 16000
    assert final.phrases == rec.recognize(x, sample_rate=16000, phrase_decoding="live").phrases
    assert len(final.phrases) == 2 and final.phrases[0] == p
    monkeypatch.setattr(phrase_decoding.PhrasePipeline, "_cut_at_word_pause", lambda self: [])
    assert streamed()[0] == []  # without the cut the unit's close ends it: after the audio


@pytest.mark.parametrize("chunk", [160, 1600, 5920])
def test_noise_in_a_pause_the_detector_scores_as_non_speech_is_no_phrase(rec, chunk, monkeypatch):
    """tests/data/noise_in_pause.wav: 1487.5-1493 s of benchmarks/segmentation_misses.py's 60-minute
    file (cv_22058267's "six", then room tone spliced from the clip's own non-speech: clicks 10-20 dB
    over its floor). The detector's smoothing lets a click through as a phrase, which the decoder
    fits words to; over those words' frames its mean log-odds of speech is below even, so it is no
    phrase: in one-shot decoding, in any chunking, and not without the detector's evidence."""
    import asr_engine.phrase_grouping as phrase_grouping

    x = read_audio(str(Path(__file__).parent / "data" / "noise_in_pause.wav"), target_rate=16000).samples
    one_shot = rec.recognize(x, sample_rate=16000, phrase_decoding="live").phrases
    assert [p.transcript for p in one_shot] == ["six"]
    s = rec.stream(inactivity_timeout=-1)
    for i in range(0, x.size, chunk):
        s.accept(x[i:i + chunk])
    assert s.finish().phrases == one_shot
    monkeypatch.setattr(phrase_grouping.SpeechEvidence, "cutoff_for", staticmethod(lambda s, k: -math.inf))
    assert len(rec.recognize(x, sample_rate=16000, phrase_decoding="live").phrases) == 2


def test_a_word_gap_under_the_silence_time_does_not_end_a_phrase(rec, monkeypatch):
    """tests/data/probe_onset.wav: 482.35-489.35 s of benchmarks/segmentation_misses.py's 60-minute
    file (the end of cathy_a0503, 0.71 s between its last word and the next sentence's first): at
    the probe frame (last word's end + 0.8 s) the best partial path still ends in silence although
    "production" began 0.1 s earlier, so the probe used to end the phrase there (5 such phrases in
    that file). Asked PROBE_LOOKAHEAD frames later, the path shows the word and the sentences stay
    one phrase. (Decoded live, with a running CMN mean instead of each unit's own, this clip needs
    a frame more.)"""
    import asr_engine.phrase_decoding as phrase_decoding

    x = read_audio(str(Path(__file__).parent / "data" / "probe_onset.wav"), target_rate=16000).samples
    one_shot = rec.recognize(x, sample_rate=16000, phrase_decoding=True).phrases
    assert len(one_shot) == 1 and "bankruptcy production" in one_shot[0].transcript
    monkeypatch.setattr(phrase_decoding, "PROBE_LOOKAHEAD", 0)  # asked at the probe frame: split
    assert len(rec.recognize(x, sample_rate=16000, phrase_decoding=True).phrases) == 2


@pytest.mark.parametrize("chunk", [160, 1600, 5920])
def test_a_phrase_split_inside_a_span_is_final_before_the_next_unit_opens(rec, chunk):
    """tests/data/split_in_span_pause.wav: 129.5-134.5 s of the same file (the end of
    arctic_axb_a0006, room tone, arctic_unk_a0010; true pause 1.02 s), bridged by the detector
    too, but no speech run starts until after the probe frame (last word's end + 0.8 s): the
    decoder asked there, before any unit opens, ends the phrase (it waited for the next unit to
    open, 0.3 s of speech later: 0.64 s late in bench_stream.py)."""
    x = read_audio(str(Path(__file__).parent / "data" / "split_in_span_pause.wav"), target_rate=16000).samples
    s = rec.stream(inactivity_timeout=-1)
    early = []
    for i in range(0, x.size, chunk):
        for p in s.accept(x[i:i + chunk]).phrases:
            early.append((p, s.duration, s.in_phrase))
    final = s.finish()
    assert len(early) == 1 and len(final.phrases) == 2 and final.phrases[0] == early[0][0]
    p, t, still_open = early[0]
    assert still_open and p.end_of_utterance == "silence"
    assert final.phrases[1].words[0].start - p.words[-1].end >= 0.8
    # Within the target (0.3 s: here the last unit closes only after the probe frame) and a chunk.
    assert t <= p.words[-1].end + 0.8 + 0.3 + chunk / 16000
    assert final.phrases == rec.recognize(x, sample_rate=16000, phrase_decoding="live").phrases


def test_segmenter_cut_keeps_in_step():
    opts = SegmenterOptions(0.6, onset_correction=0.0, offset_correction=0.0)
    seg = Segmenter(opts)
    seg.accept(_decisions((True, 100), (False, 40)))  # committed: 100 + 25 padding
    assert seg.cut("silence", 130) == [PhraseSpan(0, 130, "silence", 0, 100)]
    seg = Segmenter(opts)
    seg.accept(_decisions((True, 100), (False, 40)))
    assert seg.cut("silence", 110) == [PhraseSpan(0, 125, "silence", 0, 100)]  # never before committed frames
    assert seg.cut("silence") == []


@pytest.mark.parametrize("value", [-0.1, 120.5, float("nan"), "1", True, None])
def test_bad_silence_time(value):
    with pytest.raises(ae.InvalidArgumentError, match="end_of_phrase_silence_time"):
        SegmenterOptions(value)


def test_bad_parameters_are_400(rec, joined):
    bad = [{"end_of_phrase_silence_time": 121}, {"end_of_phrase_silence_time": -1},
           {"speech_detector_sensitivity": 1.5}, {"background_audio_suppression": -0.1},
           {"split_transcript_at_phrase_end": "yes"}, {"phrase_decoding": 1}, {"progress": 3}]
    for kwargs in bad:
        with pytest.raises(ae.InvalidArgumentError) as e:
            rec.recognize(joined[:16000], sample_rate=16000, **kwargs)
        assert e.value.code == 400
    for kwargs in [*bad[:5], {"inactivity_timeout": 0}, {"inactivity_timeout": -2}, {"inactivity_timeout": 1.5},
                   {"initial_silence_timeout": 0}, {"max_alternatives": 0}, {"grammar": 5}]:
        with pytest.raises(ae.InvalidArgumentError) as e:
            rec.stream(**kwargs)
        assert e.value.code == 400


# -- phrase-wise decoding -----------------------------------------------------------


def test_recognize_lists_phrases_and_stream_equals_phrase_wise(rec, joined):
    whole = rec.recognize(joined, sample_rate=16000)
    assert len(whole.phrases) == 3
    assert " ".join(p.transcript for p in whole.phrases) == whole.transcript
    phrase_wise = rec.recognize(joined, sample_rate=16000, phrase_decoding="live", max_alternatives=3)
    assert len(phrase_wise.phrases) == 3
    assert [w.word for w in phrase_wise.words] == [w.word for p in phrase_wise.phrases for w in p.words]
    for p, q in zip(phrase_wise.phrases, phrase_wise.phrases[1:]):
        assert p.end <= q.start and p.end_of_utterance == "silence"
        assert p.start_sample == round(p.start * 16000) and p.end_sample == round(p.end * 16000)
    for p in phrase_wise.phrases:
        assert all(p.start <= w.start <= w.end <= p.end + 0.011 for w in p.words)
        assert p.start <= p.speech_start < p.speech_end <= p.end
        assert 0.0 < p.confidence <= 1.0 and p.alternatives and p.alternatives[0].transcript == p.transcript

    stream = rec.stream(max_alternatives=3)
    finals, interims = [], 0
    for i in range(0, joined.size, 1600):
        r = stream.accept(joined[i:i + 1600])
        assert r.final is False
        interims += bool(r.transcript)
        finals += r.phrases
    last = stream.finish()
    assert finals == stream.phrases[:len(finals)] and len(finals) >= 2  # finals before finish()
    assert last.phrases == phrase_wise.phrases
    assert last.transcript == phrase_wise.transcript and interims > 10


def test_one_shot_phrases_use_each_units_own_mean(rec, joined, utterances):
    # phrase_decoding=True decodes each unit when it closes with batch CMN
    # of the unit: a lone utterance gives exactly the whole-file decoding.
    alone = rec.recognize(utterances[0], sample_rate=16000)
    assert rec.recognize(utterances[0], sample_rate=16000, phrase_decoding=True).transcript == alone.transcript
    wise = rec.recognize(joined, sample_rate=16000, phrase_decoding=True)
    assert len(wise.phrases) == 3 and wise.phrases[0].transcript == alone.transcript


def test_stream_first_unit_is_decoded_again_with_its_own_mean(rec, utterances):
    # A stream's first unit, before any earlier phrase has taught the CMN the
    # channel, is decoded again at its end with its own mean: a lone short
    # utterance streamed gives exactly the one-shot (own-mean) decoding,
    # where the live mean from cmninit alone gets words wrong (ieee_s01_03:
    # "orwell" for "well").
    for u in utterances[1:]:
        own = rec.recognize(u, sample_rate=16000, phrase_decoding=True)
        stream = rec.stream(inactivity_timeout=-1)
        for i in range(0, u.size, 1600):
            stream.accept(u[i:i + 1600])
        streamed = stream.finish()
        assert [(w.word, w.start, w.end) for w in streamed.words] == [(w.word, w.start, w.end) for w in own.words]


def test_stream_memory_is_bounded(rec, utterances):
    stream = rec.stream()
    peak = 0
    for k in range(4):
        audio = np.concatenate([utterances[k % 3], _quiet(1.2, k)])
        for i in range(0, audio.size, 1600):
            stream.accept(audio[i:i + 1600])
            peak = max(peak, len(stream._pipeline._buffer))
    # Frames waiting: the open unit's, the detector's look-ahead and the
    # padding; never the stream's (four utterances here).
    assert peak < max(u.size for u in utterances) / 160 + 200
    assert not hasattr(stream, "_chunks")
    assert len(stream.finish().phrases) == 4


def test_split_transcript_at_sentence_ends(rec):
    words = "help the woman get back to her feet the girl at the booth sold fifty bonds".split()
    ws, t = [], 0.0
    for k, w in enumerate(words):
        t += 0.5 if k == 8 else 0.02
        ws.append(WordResult(w, t, t + 0.3, 0.9))
        t += 0.3
    assert sentence_breaks(ws, rec.language_model) == [8]
    assert sentence_breaks([WordResult(w.word, w.start - (0.48 if k >= 8 else 0), w.end - (0.48 if k >= 8 else 0),
                                       0.9) for k, w in enumerate(ws)], rec.language_model) == []


# -- timeouts -----------------------------------------------------------------------


def _feed(stream, audio):
    for i in range(0, audio.size, 1600):
        stream.accept(audio[i:i + 1600])


def test_inactivity_timeout(rec, utterances):
    stream = rec.stream()
    with pytest.raises(ae.SpeechTimeoutError) as e:
        _feed(stream, _quiet(31, 1))
    assert e.value.message == "No speech detected for 30s" and e.value.code == 400
    assert 29.9 <= stream.duration <= 30.5
    with pytest.raises(ae.InvalidArgumentError):
        stream.accept(_quiet(0.1, 2))
    never = rec.stream(inactivity_timeout=-1)
    _feed(never, _quiet(40, 3))
    assert never.finish().transcript == ""
    # Speech resets the clock.
    reset = rec.stream(inactivity_timeout=5)
    _feed(reset, np.concatenate([_quiet(4, 4), utterances[0], _quiet(4, 5)]))
    assert reset.finish().transcript
    with pytest.raises(ae.SpeechTimeoutError, match="No speech detected for 5s"):
        _feed(rec.stream(inactivity_timeout=5), _quiet(6, 6))


def test_initial_silence_and_babble_timeouts(rec, utterances):
    with pytest.raises(ae.SpeechTimeoutError) as e:
        _feed(rec.stream(initial_silence_timeout=2), _quiet(3, 7))
    assert e.value.status == "InitialSilenceTimeout" and e.value.waited == 2.0
    hum = (0.05 * np.sin(2 * np.pi * 50 * np.arange(48000) / 16000)).astype(np.float32)  # -29 dBFS mains hum
    with pytest.raises(ae.SpeechTimeoutError) as e:
        _feed(rec.stream(initial_silence_timeout=2), hum)
    assert e.value.status == "BabbleTimeout"
    ok = rec.stream(initial_silence_timeout=2)
    _feed(ok, np.concatenate([_quiet(0.5, 8), utterances[1]]))
    assert ok.finish().transcript


def test_damaged_long_wav_is_an_audio_error(tmp_path):
    # A header that declares over two minutes (the block-reading path) and a
    # chunk whose size runs past the end of the file: the standard library's
    # wave module raises RuntimeError there; the caller gets an AudioError.
    import struct

    fmt = struct.pack("<HHIIHH", 1, 1, 16000, 32000, 2, 16)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt + b"LIST" + struct.pack("<I", 10**9)
            + b"data" + struct.pack("<I", 16000 * 2 * 200) + b"\x01\x00" * 100)
    path = tmp_path / "damaged.wav"
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)
    with pytest.raises(ae.AudioError):
        ae.default_recognizer().recognize(str(path))
