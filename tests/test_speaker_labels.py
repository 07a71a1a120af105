"""Speaker labels through ``Recognizer.recognize(speaker_labels=True)`` and
the Watson façade, on a conversation built from two dev speakers of
different recordings (the speaker of every word is known by construction):
labels change at the right word, the §1.6 shape, the ``ibm_watson`` SDK's
``SpeakerLabelsResult`` and ``SpeechRecognitionResults`` round trips,
``speaker_labels`` forcing ``timestamps``, narrowband, bad values."""
from __future__ import annotations

import io
import uuid

import numpy as np
import pytest
import soundfile as sf
from ibm_watson import speech_to_text_v1 as sdk
from scipy.signal import resample_poly

from asr_engine import Recognizer
from asr_engine.audio import load_audio
from asr_engine.customization import Store
from asr_engine.errors import AsrError
from asr_engine.watson import SpeechToText
from conftest import DEV
from watson_helpers import sdk_check

SR = 16000
A = ["cathy_a0028_1592747901", "cathy_a0056_1592747211", "cathy_a0068_1592746992"]
B = ["osr_0011_01", "osr_0011_02", "osr_0011_03"]


def conversation() -> tuple[np.ndarray, list[tuple[float, float, int]]]:
    """A B A B A B with 0.6 s pauses (a faint noise floor); the turns as (start, end, speaker)."""
    rng = np.random.default_rng(1)
    xs, turns, t = [], [], 0.0
    for a, b in zip(A, B):
        for speaker, uid in ((0, a), (1, b)):
            x = load_audio(str(DEV / f"{uid}.wav")).samples
            xs.append(x)
            turns.append((t, t + x.size / SR, speaker))
            t += x.size / SR
            gap = (rng.standard_normal(int(0.6 * SR)) * 2e-4).astype(np.float32)
            xs.append(gap)
            t += gap.size / SR
    return np.concatenate(xs), turns


def true_speaker(turns, start: float, end: float) -> int:
    centre = 0.5 * (start + end)
    return min(turns, key=lambda tr: 0 if tr[0] <= centre <= tr[1] else min(abs(centre - tr[0]),
                                                                              abs(centre - tr[1])))[2]


@pytest.fixture(scope="module")
def talk():
    return conversation()


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


@pytest.fixture(scope="module")
def result(recognizer, talk):
    x, _turns = talk
    return recognizer.recognize(x, sample_rate=SR, speaker_labels=True)


def test_one_label_per_word_with_the_services_shape(result):
    labels = result.speaker_labels
    assert len(labels) == len(result.words) > 20
    assert [(lab.start, lab.end) for lab in labels] == [(round(w.start, 2), round(w.end, 2)) for w in result.words]
    assert [lab.final for lab in labels] == [False] * (len(labels) - 1) + [True]
    assert all(0.0 <= lab.confidence <= 1.0 for lab in labels)
    assert set(labels[0].to_dict()) == {"from", "to", "speaker", "confidence", "final"}


def test_labels_follow_the_turns(result, talk):
    _x, turns = talk
    truth = [true_speaker(turns, w.start, w.end) for w in result.words]
    said = [lab.speaker for lab in result.speaker_labels]
    assert len(set(said)) == 2
    assert np.mean(np.array(truth) == np.array(said)) >= 0.9
    # Each true change of speaker is matched by a change of label within one word.
    true_changes = [i for i in range(1, len(truth)) if truth[i] != truth[i - 1]]
    label_changes = [i for i in range(1, len(said)) if said[i] != said[i - 1]]
    assert len(true_changes) == 5
    for i in true_changes:
        assert any(abs(i - j) <= 1 for j in label_changes), (i, label_changes)


def test_off_by_default(recognizer, talk):
    x, _ = talk
    assert recognizer.recognize(x[:2 * SR], sample_rate=SR).speaker_labels is None


def test_silence_has_no_labels(recognizer):
    quiet = (np.random.default_rng(2).standard_normal(SR) * 1e-4).astype(np.float32)
    assert recognizer.recognize(quiet, sample_rate=SR, speaker_labels=True).speaker_labels == []


# -- the Watson façade -----------------------------------------------------------------


@pytest.fixture(scope="module")
def stt(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    yield SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}", service_url="http://localhost:9999")
    store.close()


def wav_bytes(x: np.ndarray, rate: int) -> bytes:
    buf = io.BytesIO()
    sf.write(buf, x, rate, format="WAV", subtype="PCM_16")
    return buf.getvalue()


@pytest.fixture(scope="module")
def body(stt, talk):
    x, _ = talk
    return sdk_check(sdk.SpeechRecognitionResults,
                     stt.recognize(wav_bytes(x, SR), "audio/wav", speaker_labels=True, smart_formatting=True))


def test_watson_labels_match_the_timestamps(body, talk):
    _x, turns = talk
    labels = body["speaker_labels"]
    for label in labels:
        assert sdk.SpeakerLabelsResult.from_dict(label).to_dict() == label
    tokens = [t for r in body["results"] for t in r["alternatives"][0]["timestamps"]]  # forced by speaker_labels
    assert [(lab["from"], lab["to"]) for lab in labels] == [(t[1], t[2]) for t in tokens]
    assert [lab["final"] for lab in labels] == [False] * (len(labels) - 1) + [True]
    truth = [true_speaker(turns, t[1], t[2]) for t in tokens]
    assert np.mean(np.array(truth) == np.array([lab["speaker"] for lab in labels])) >= 0.9


def test_watson_without_labels(stt, talk):
    x, _ = talk
    plain = stt.recognize(wav_bytes(x[:3 * SR], SR), "audio/wav")
    assert "speaker_labels" not in plain
    assert "timestamps" not in plain["results"][0]["alternatives"][0]


def test_watson_narrowband(stt, talk):
    """en-US speaker labels work on the narrowband model too (§1.2 lists en-US)."""
    x, turns = talk
    narrow = wav_bytes(resample_poly(x, 1, 2).astype(np.float32), 8000)
    got = sdk_check(sdk.SpeechRecognitionResults,
                    stt.recognize(narrow, "audio/wav", model="en-US_NarrowbandModel", speaker_labels=True))
    tokens = [t for r in got["results"] for t in r["alternatives"][0]["timestamps"]]
    assert len(got["speaker_labels"]) == len(tokens) > 10
    truth = [true_speaker(turns, t[1], t[2]) for t in tokens]
    assert np.mean(np.array(truth) == np.array([lab["speaker"] for lab in got["speaker_labels"]])) >= 0.8


@pytest.mark.parametrize("bad", ["true", 1, 0.5, [True]])
def test_watson_bad_value(stt, talk, bad):
    x, _ = talk
    with pytest.raises(AsrError) as info:
        stt.recognize(wav_bytes(x[:SR], SR), "audio/wav", speaker_labels=bad)
    assert info.value.code == 400 and "speaker_labels" in info.value.message
    with pytest.raises(AsrError) as info:
        stt.recognize(wav_bytes(x[:SR], SR), "audio/wav", audio_metrics=bad)
    assert info.value.code == 400 and "audio_metrics" in info.value.message
