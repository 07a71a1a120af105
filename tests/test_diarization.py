"""Speaker diarization: conversations built from dev speakers of different
recordings (the truth is known by construction), the services'
speaker_labels shape, and bad options are 400s."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import DEV

from asr_engine.audio import load_audio
from asr_engine.diarization import SpeakerDiarizer, SpeakerDiarizerOptions, speaker_labels
from asr_engine.errors import InvalidArgumentError
from asr_engine.results import WordResult

A = ['cathy_a0028_1592747901', 'cathy_a0056_1592747211', 'cathy_a0068_1592746992', 'cathy_a0213_1592712297', 'cathy_a0215_1592712257', 'cathy_a0292_1592710332']
B = ['osr_0011_01', 'osr_0011_02', 'osr_0011_03', 'osr_0011_05', 'osr_0011_10', 'osr_0012_01']


@pytest.fixture(scope="module")
def diarizer():
    return SpeakerDiarizer()


def _conversation():
    """Alternating turns A B A B ... (12, about 40 s) with 0.5 s pauses; true speaker per 10 ms frame."""
    xs, truth = [], []
    for a, b in zip(A, B):
        for spk, uid in ((0, a), (1, b)):
            x = load_audio(str(DEV / f"{uid}.wav")).samples
            x = x[: x.size // 160 * 160]
            xs += [x, np.zeros(8000, dtype=np.float32)]
            truth += [np.full(x.size // 160, spk), np.full(50, -1)]
    return np.concatenate(xs), np.concatenate(truth)


def test_two_speakers_found_and_turns_agree(diarizer):
    x, truth = _conversation()
    d = diarizer.diarize(x, sample_rate=16000)
    assert d.n_speakers == 2
    n = min(d.speaker.size, truth.size)
    hyp, ref = d.speaker[:n], truth[:n]
    both = (hyp >= 0) & (ref >= 0)
    # Speakers are numbered by first speech, so speaker 0 is A's.
    assert (hyp[both] == ref[both]).mean() >= 0.9
    assert d.loglik.shape == (d.speaker.size, 2)


def test_speaker_labels_shape(diarizer):
    x, truth = _conversation()
    d = diarizer.diarize(x, sample_rate=16000)
    speech = np.flatnonzero(truth >= 0)
    words = [WordResult("w", f / 100, f / 100 + 0.3, 0.9) for f in speech[::200]]
    labels = speaker_labels(words, d)
    assert len(labels) == len(words)
    assert [set(lab) for lab in labels] == [{"from", "to", "speaker", "confidence", "final"}] * len(words)
    assert [lab["final"] for lab in labels] == [False] * (len(words) - 1) + [True]
    assert all(0.0 <= lab["confidence"] <= 1.0 and lab["to"] >= lab["from"] for lab in labels)
    agree = [lab["speaker"] == truth[int(round(w.start * 100))] for lab, w in zip(labels, words)]
    assert np.mean(agree) >= 0.9
    assert speaker_labels([], d) == []


def test_silence_has_no_speakers(diarizer):
    d = diarizer.diarize(np.zeros(16000, dtype=np.float32), sample_rate=16000)
    assert d.n_speakers == 0 and (d.speaker == -1).all()
    assert speaker_labels([WordResult("w", 0.1, 0.2, 0.5)], d) == []


@pytest.mark.parametrize("kwargs", [
    {"max_speakers": 0}, {"min_speakers": 3, "max_speakers": 2}, {"cluster_penalty": -1.0},
    {"variance_floor": 0.0}, {"change_window": 1}, {"resegment_iterations": -1}, {"switch_penalty": float("nan")},
    {"min_segment": "10"},
])
def test_bad_options_are_400(kwargs):
    with pytest.raises(InvalidArgumentError) as e:
        SpeakerDiarizerOptions(**kwargs)
    assert e.value.code == 400


def test_bad_frames_are_400(diarizer):
    with pytest.raises(InvalidArgumentError):
        diarizer.diarize_frames(np.zeros((10, 12), dtype=np.float32), np.zeros(9, dtype=bool))
    with pytest.raises(InvalidArgumentError):
        diarizer.diarize_frames(np.full((10, 12), np.nan, dtype=np.float32), np.ones(10, dtype=bool))
    with pytest.raises(InvalidArgumentError):
        diarizer.diarize(np.zeros(100, dtype=np.float32))
