"""The user contract: one audio input for recognize / align / streams,
options checked when built, typed results with confidences and rejection."""
from __future__ import annotations

import io
import logging

import numpy as np
import pytest

import asr_engine as ae
from asr_engine.audio.resample import StreamingResampler, resample

from conftest import PSX

GOFORWARD = PSX / "goforward.raw"
L16 = "audio/l16;rate=16000"
CARDS = ("#ABNF 1.0; language en-US; root $c; $c = (ace | king | queen | jack | two | three | four | five | six "
         "| seven | eight | nine | ten) of (hearts | spades | clubs | diamonds);")


@pytest.fixture(scope="module")
def rec():
    return ae.Recognizer()


@pytest.fixture(scope="module")
def raw():
    return GOFORWARD.read_bytes()


@pytest.fixture(scope="module")
def pcm(raw):
    return np.frombuffer(raw, "<i2")


# -- one audio input ---------------------------------------------------------

def test_every_source_gives_the_same_transcript(rec, raw, pcm, tmp_path):
    wav = tmp_path / "goforward.wav"
    import soundfile

    soundfile.write(wav, pcm, 16000, subtype="PCM_16")
    sources = [
        dict(audio=str(wav)),
        dict(audio=wav),
        dict(audio=raw, content_type=L16),
        dict(audio=io.BytesIO(raw), content_type=L16),
        dict(audio=wav.read_bytes()),
        dict(audio=pcm, sample_rate=16000),
        dict(audio=pcm.astype(np.float32) / 32768, sample_rate=16000),
        dict(audio=pcm.astype(np.float64) / 32768, sample_rate=16000),
        dict(audio=pcm.astype(np.int32) * 65536, sample_rate=16000),
        dict(audio=(pcm.astype(np.int32) + 32768).astype(np.uint16), sample_rate=16000),
        dict(audio=np.stack([pcm, pcm], axis=1), sample_rate=16000),
        dict(audio=ae.load_audio(raw, L16)),
    ]
    for kw in sources:
        audio = kw.pop("audio")
        assert rec.recognize(audio, **kw).transcript == "go forward ten meters", (type(audio), kw)


def test_other_rates_are_resampled(rec, raw):
    up = ae.load_audio(raw, L16, sample_rate=32000)
    assert rec.recognize(up.samples, sample_rate=32000).transcript == "go forward ten meters"
    assert rec.recognize(up).transcript == "go forward ten meters"


@pytest.mark.parametrize("audio, kw, words", [
    (np.zeros(100, np.float32), {}, "needs sample_rate"),
    (np.zeros(100, np.float32), {"sample_rate": "16k"}, "sample_rate must be an integer"),
    (np.zeros(100, np.float32), {"sample_rate": 10**9}, "outside"),
    (np.full(100, 3000.0, np.float32), {"sample_rate": 16000}, "full scale 1.0"),
    (np.array([np.nan], np.float32), {"sample_rate": 16000}, "NaN"),
    (np.zeros(10, complex), {"sample_rate": 16000}, "unsupported sample type"),
    (np.zeros(10, bool), {"sample_rate": 16000}, "unsupported sample type"),
    (np.zeros((2, 2, 2)), {"sample_rate": 16000}, "1-D or frames x channels"),
    (b"\0\0" * 100, {"sample_rate": 16000}, "sample_rate applies to numpy arrays"),
    (3.5, {}, "cannot take audio from float"),
    ([0.0, 0.1], {}, "cannot take audio from list"),
])
def test_bad_audio_names_what_was_given_and_what_is_accepted(rec, audio, kw, words):
    with pytest.raises(ae.AsrError, match=words) as info:
        rec.recognize(audio, **kw)
    assert info.value.code == 400


def test_streaming_resampler_equals_batch_resampling():
    rng = np.random.default_rng(1)
    x = (rng.standard_normal(20000) * 0.2).astype(np.float32)
    for rate in (8000, 22050, 44100, 48000):
        ref = resample(x, rate, 16000)
        s = StreamingResampler(rate, 16000)
        out, i = [], 0
        while i < x.size:
            n = int(rng.integers(1, 4000))
            out.append(s.accept(x[i:i + n]))
            i += n
        out.append(s.finish())
        got = np.concatenate(out)
        assert got.size == ref.size and np.max(np.abs(got - ref)) < 1e-5


def test_stream_takes_int16_bytes_and_other_rates(rec, raw, pcm):
    # Streams decode phrase by phrase with live CMN: the reference is the
    # phrase-wise one-shot decoding of the same audio.
    expected = rec.recognize(pcm, sample_rate=16000, phrase_decoding="live").transcript
    assert expected.startswith("go forward ten")
    s = rec.stream()
    for i in range(0, pcm.size, 1600):
        partial = s.accept(pcm[i:i + 1600])  # int16, scaled
    assert partial.transcript == "go forward ten meters" and not partial.final
    assert s.finish().transcript == expected

    s = rec.stream(content_type=L16)
    for i in range(0, len(raw), 3333):  # odd sizes: samples split across chunks
        s.accept(raw[i:i + 3333])
    assert s.finish().transcript == expected

    up = ae.load_audio(raw, L16, sample_rate=32000).samples
    s = rec.stream(sample_rate=32000)
    for i in range(0, up.size, 5000):
        s.accept(up[i:i + 5000])
    assert s.sample_rate == 32000 and s.finish().transcript.startswith("go forward ten")
    assert "finished" in repr(s)


@pytest.mark.parametrize("chunk, words", [
    (np.zeros((1000, 8), np.float32), "must be mono"),
    ("abc", "not found"),
    (b"abc", "cannot recognise the audio format"),
    (np.array(["a", "b"], dtype=object), "unsupported sample type"),
    (np.array(["ab"]), "unsupported sample type"),
    (12, "cannot be int"),
])
def test_stream_refuses_what_it_cannot_take(rec, chunk, words):
    with pytest.raises(ae.AsrError, match=words):
        rec.stream().accept(chunk)


def test_align_takes_the_same_sources(raw, pcm):
    for audio, kw in [(raw, {"content_type": L16}), (pcm, {"sample_rate": 16000})]:
        result = ae.align(audio, "go forward ten meters", **kw)
        assert [w.word for w in result.words if not w.filler] == ["go", "forward", "ten", "meters"]


# -- closed errors -------------------------------------------------------------

@pytest.mark.parametrize("kw, words", [
    ({"beam": 5}, "SearchOptions.beam must be a number in (0, 1], got 5"),
    ({"beam": "abc"}, "SearchOptions.beam"),
    ({"max_hmms_per_frame": 1.5}, "max_hmms_per_frame must be an integer"),
    ({"max_hmms_per_frame": 10**30}, "max_hmms_per_frame"),
    ({"bestpath": "no"}, "bestpath must be True or False"),
    ({"language_weight": float("inf")}, "language_weight"),
    ({"acoustic_scale": float("nan")}, "acoustic_scale"),
])
def test_search_options_are_checked_when_built(kw, words):
    with pytest.raises(ae.InvalidArgumentError, match=words.replace("(", r"\(").replace(")", r"\)").replace("[", r"\[").replace("]", r"\]")):
        ae.SearchOptions(**kw)


def test_align_options_are_checked_when_built():
    with pytest.raises(ae.InvalidArgumentError, match="AlignOptions.top_n"):
        ae.AlignOptions(top_n=0)
    with pytest.raises(ae.InvalidArgumentError, match="AlignOptions.silence_penalty"):
        ae.AlignOptions(silence_penalty=float("nan"))


@pytest.mark.parametrize("kw, words", [
    ({"beam": "abc"}, "SearchOptions.beam"),
    ({"max_hmms_per_frame": 1.5}, "max_hmms_per_frame"),
    ({"bestpath": "no"}, "bestpath"),
    ({"language_weight": float("inf")}, "language_weight"),
    ({"rejection_threshold": float("nan")}, "rejection_threshold"),
    ({"content_typ": "audio/wav"}, "unknown argument .*'content_typ' .*did you mean 'content_type'"),
    ({"max_alternatives": 0}, "max_alternatives"),
    ({"grammar": 12}, "grammar must be"),
])
def test_recognize_arguments_are_checked(rec, raw, kw, words):
    with pytest.raises(ae.InvalidArgumentError, match=words):
        rec.recognize(raw, L16, **kw)


@pytest.mark.parametrize("kw, error", [
    ({"language_model": "nope.lm"}, ae.NotFoundError),
    ({"language_model": 12}, ae.InvalidArgumentError),
    ({"search": {"beam": "x"}}, ae.InvalidArgumentError),
    ({"search": {"bem": 1e-40}}, ae.InvalidArgumentError),
    ({"search": 3}, ae.InvalidArgumentError),
    ({"model_dir": "/nonexistent"}, ae.NotFoundError),
    ({"dictionary": ["x"]}, ae.InvalidArgumentError),
])
def test_recognizer_arguments_are_checked(kw, error):
    with pytest.raises(error):
        ae.Recognizer(**kw)


def test_recognizer_takes_search_options_as_a_mapping():
    assert ae.SearchOptions(**{"beam": 1e-40}).beam == 1e-40


# -- typed results ---------------------------------------------------------------

def test_alternatives_carry_words_and_a_posterior(rec, raw):
    result = rec.recognize(raw, L16, max_alternatives=4)
    alts = result.alternatives
    assert len(alts) >= 2 and all(isinstance(a, ae.Alternative) for a in alts)
    assert alts[0].transcript == result.transcript
    assert [w.word for w in alts[0].words] == result.transcript.split()
    confidences = [a.confidence for a in alts]
    assert all(0 < c <= 1 for c in confidences) and sum(confidences) <= 1 + 1e-6
    assert confidences == sorted(confidences, reverse=True)


def test_grammar_confidence_is_real_and_rejection_is_flagged(rec, raw):
    right = rec.recognize(PSX / "cards" / "001.wav", grammar=CARDS)
    assert right.transcript == "ten of clubs" and not right.rejected and right.rejection_margin > 0
    assert all(0.5 < w.confidence <= 1 for w in right.words)
    # goforward under a grammar without "ten": the grammar must pick a wrong number.
    wrong = rec.recognize(raw, L16, grammar="#ABNF 1.0; language en-US; root $c; "
                                            "$c = go forward (one | two | three | four | five | six) meters;")
    by_word = {w.word: w.confidence for w in wrong.words}
    assert not wrong.rejected
    assert by_word["forward"] > 0.9 and by_word["meters"] > 0.9
    wrong_number = [c for w, c in by_word.items() if w not in ("go", "forward", "meters")]
    assert wrong_number and wrong_number[0] < 0.5
    out = rec.recognize(raw, L16, grammar=CARDS)
    assert out.rejected and out.transcript == "" and out.rejection_margin < -1
    kept = rec.recognize(raw, L16, grammar=CARDS, rejection_threshold=None)
    assert not kept.rejected and kept.transcript and kept.confidence < 0.1
    plain = rec.recognize(raw, L16)
    assert not plain.rejected and plain.rejection_margin is None


def test_reprs_and_help(rec):
    assert "Recognizer(" in repr(rec) and "words=" in repr(rec)
    assert "open" in repr(rec.stream())
    assert "beam:" in ae.SearchOptions.__doc__ and "(0, 1]" in ae.SearchOptions.__doc__
    for cls in (ae.Result, ae.WordResult, ae.Alternative, ae.Alignment, ae.AlignedWord):
        assert "Attributes:" in cls.__doc__


def test_star_import_exports_the_grammar_api():
    namespace: dict = {}
    exec("from asr_engine import *", namespace)
    for name in ("compile_grammar", "matches", "Grammar", "GrammarOptions", "GrammarError", "Alternative",
                 "Alignment", "Recognizer", "AsrError"):
        assert name in namespace, name


# -- logging ---------------------------------------------------------------------

def test_debug_log_gives_per_stage_timing(rec, raw, caplog):
    with caplog.at_level(logging.DEBUG, logger="asr_engine"):
        rec.recognize(raw, L16)
    messages = [r.getMessage() for r in caplog.records if r.name.startswith("asr_engine")]
    timing = [m for m in messages if m.startswith("recognize of")]
    assert timing and all(stage in timing[0] for stage in ("audio", "features", "search", "lattice"))


def test_cli_reports_a_bad_option_without_a_traceback(capsys):
    from asr_engine import cli

    status = cli.main(["transcribe", "--option", "beam=abc", "--content-type", L16, str(GOFORWARD)])
    err = capsys.readouterr().err
    assert status == 1 and "SearchOptions.beam" in err and "Traceback" not in err
