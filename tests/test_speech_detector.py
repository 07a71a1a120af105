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
])
def test_bad_options_are_400(kwargs):
    with pytest.raises(InvalidArgumentError) as e:
        SpeechDetectorOptions(**kwargs)
    assert e.value.code == 400


def test_bad_frames_are_400(model):
    det = SpeechDetector(model)
    with pytest.raises(InvalidArgumentError):
        det.accept(np.zeros((3, 5), dtype=np.float32))
    with pytest.raises(InvalidArgumentError):
        det.accept(np.full((3, 39), np.nan, dtype=np.float32))
