"""Speech detector: decisions against forced-alignment labels of real dev
utterances (the aligner is the oracle), the services' sensitivity extremes,
streaming equals one-shot, and bad options are 400s."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import DEV

from asr_engine.acoustic import AcousticModel
from asr_engine.align import ForcedAligner
from asr_engine.audio import load_audio
from asr_engine.errors import InvalidArgumentError
from asr_engine.phrases import SpeechDetector, SpeechDetectorOptions, detect_speech

IDS = ["osr_0011_01", "osr_0011_02", "arctic_aew_a0003", "cathy_a0028_1592747901"]


@pytest.fixture(scope="module")
def model():
    return AcousticModel.load()


@pytest.fixture(scope="module")
def labelled(model):
    refs = {}
    for line in (DEV / "refs.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        cols = line.split("\t")
        refs[cols[0]] = cols[1]
    aligner = ForcedAligner(model)
    out = []
    for uid in IDS:
        audio = load_audio(str(DEV / f"{uid}.wav"))
        feats = aligner.features(audio)
        al = aligner.align_features(feats, refs[uid])
        lab = np.zeros(feats.shape[0], dtype=bool)
        for p in al.phones:
            if not al.words[p.word].filler and p.phone != "SIL":
                lab[int(round(p.start * 100)):int(round(p.end * 100))] = True
        out.append((feats, lab))
    return out


def test_frames_agree_with_forced_alignment(model, labelled):
    feats = np.vstack([f for f, _ in labelled])
    labels = np.concatenate([lab for _, lab in labelled])
    decided = np.concatenate([detect_speech(f, model).speech for f, _ in labelled])
    assert decided.shape == labels.shape
    assert (decided == labels).mean() >= 0.85
    assert feats.shape[0] == labels.shape[0]


def test_scores_separate_speech_from_silence(model, labelled):
    scores = np.concatenate([detect_speech(f, model).scores for f, _ in labelled])
    labels = np.concatenate([lab for _, lab in labelled])
    assert np.median(scores[labels]) > np.median(scores[~labels]) + 2.0


def test_streaming_equals_one_shot(model, labelled):
    feats = labelled[0][0]
    whole = detect_speech(feats, model)
    det = SpeechDetector(model)
    got, scores = [], []
    for i in range(0, feats.shape[0], 7):
        d = det.accept(feats[i:i + 7])
        assert d.first_frame == len(got)
        got.extend(d.speech)
        scores.extend(d.scores)
        # Decisions lag the input by at most the fixed look-ahead.
        assert min(i + 7, feats.shape[0]) - len(got) <= det.delay
    d = det.finish()
    got.extend(d.speech)
    scores.extend(d.scores)
    assert np.array_equal(np.array(got), whole.speech)
    assert np.allclose(np.array(scores), whole.scores, atol=1e-4)


def test_sensitivity_extremes_and_monotonicity(model, labelled):
    feats = labelled[1][0]
    none = detect_speech(feats, model, SpeechDetectorOptions(sensitivity=0.0)).speech
    every = detect_speech(feats, model, SpeechDetectorOptions(sensitivity=1.0)).speech
    assert not none.any() and every.all()
    counts = [detect_speech(feats, model, SpeechDetectorOptions(sensitivity=s)).speech.sum()
              for s in (0.1, 0.5, 0.9)]
    assert counts[0] <= counts[1] <= counts[2] and counts[0] < counts[2]


def test_background_suppression_drops_quiet_speech(model):
    loud = load_audio(str(DEV / "osr_0011_01.wav")).samples
    quiet = load_audio(str(DEV / "osr_0011_02.wav")).samples * 0.2
    aligner = ForcedAligner(model)
    gap = np.zeros(8000, dtype=np.float32)
    feats = aligner.features(np.concatenate([loud, gap, quiet]).astype(np.float32), sample_rate=16000)
    split = (loud.size + gap.size) // 160
    off = detect_speech(feats, model).speech
    on = detect_speech(feats, model, SpeechDetectorOptions(background_suppression=0.5)).speech
    assert off[split:].mean() > 0.5            # the quiet phrase is speech when suppression is off
    assert on[split:].mean() < 0.5 * off[split:].mean()
    assert on[:split].sum() >= 0.8 * off[:split].sum()   # the loud one survives


@pytest.mark.parametrize("kwargs", [
    {"sensitivity": -0.1}, {"sensitivity": 1.5}, {"sensitivity": float("nan")}, {"sensitivity": "0.5"},
    {"background_suppression": 2}, {"window": 4}, {"densities": 0}, {"hangover": -1},
    {"preroll": -1}, {"preroll": 1001}, {"preroll": 2.5}, {"preroll": True}, {"preroll": "2"},
    {"level_range": 0}, {"level_range": -5.0}, {"level_range": float("inf")}, {"level_range": "60"},
    {"level_range": False},
])
def test_bad_options_are_400(kwargs):
    with pytest.raises(InvalidArgumentError) as e:
        SpeechDetectorOptions(**kwargs)
    assert e.value.code == 400


def test_native_checks_the_new_options_too(model):
    from asr_engine import _core

    for name, value in (("preroll", -1), ("level_range", 0.0)):
        native = SpeechDetectorOptions().to_native()
        setattr(native, name, value)
        with pytest.raises(InvalidArgumentError):
            _core.SpeechDetector(model.native, native)


def test_delay_is_half_the_window_plus_the_preroll(model):
    for window, preroll in ((21, 2), (11, 0), (5, 7)):
        assert SpeechDetector(model, SpeechDetectorOptions(window=window, preroll=preroll)).delay == \
            window // 2 + preroll


def test_digital_silence_around_speech(model, labelled):
    """Exact zeros (the front end's log floor) before, between and after
    speech: the zeros are non-speech and the speech between them is found,
    as with a faint noise floor instead of the zeros."""
    x = load_audio(str(DEV / "arctic_aew_a0003.wav")).samples
    aligner = ForcedAligner(model)
    zeros = np.zeros(16000, dtype=np.float32)
    faint = (np.random.default_rng(0).standard_normal(16000) * 1e-4).astype(np.float32)
    pad = zeros.size // 160
    for gap in (zeros, faint):
        feats = aligner.features(np.concatenate([gap, x, gap, x, gap]), sample_rate=16000)
        speech = detect_speech(feats, model).speech
        n = x.size // 160
        m = 20  # the hangover and the window's reach beyond the utterance's edges
        gaps = [speech[:pad - m], speech[pad + n + m:2 * pad + n - m], speech[2 * (pad + n) + m:]]
        talk = [speech[pad:pad + n], speech[2 * pad + n:2 * pad + 2 * n]]
        assert all(g.mean() < 0.05 for g in gaps), [g.mean() for g in gaps]
        assert all(t.mean() > 0.6 for t in talk), [t.mean() for t in talk]


def test_bad_frames_are_400(model):
    det = SpeechDetector(model)
    with pytest.raises(InvalidArgumentError):
        det.accept(np.zeros((3, 5), dtype=np.float32))
    with pytest.raises(InvalidArgumentError):
        det.accept(np.full((3, 39), np.nan, dtype=np.float32))
