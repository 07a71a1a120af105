"""Audio metrics (§1.6 ``audio_metrics``) on constructed signals whose answers
are known: silence, a DC offset, clipping, band-limited (8 kHz up-sampled)
audio, a set SNR; streaming equals one shot; the recognizer and the Watson
façade (checked by the ``ibm_watson`` SDK's own ``AudioMetrics`` class and
the ``SpeechRecognitionResults`` round trip); bad input is a 400."""
from __future__ import annotations

import io
import json
import math
import uuid

import numpy as np
import pytest
import soundfile as sf
from ibm_watson import speech_to_text_v1 as sdk
from scipy.signal import resample_poly

from asr_engine import Recognizer
from asr_engine.audio import load_audio
from asr_engine.customization import Store
from asr_engine.errors import InvalidArgumentError
from asr_engine.phrases.audio_metrics import (CLIPPING_EDGES, DC_OFFSET_EDGES, LEVEL_EDGES,
                                              AudioMetricsAccumulator, audio_metrics)
from asr_engine.watson import SpeechToText
from asr_engine.watson.websocket import RecognizeSession
from conftest import DEV
from watson_helpers import sdk_check

SR = 16000
SPEECH = DEV / "arctic_aew_a0003.wav"


def counts(bins):
    return [b.count for b in bins]


def edges(bins):
    return [bins[0].begin] + [b.end for b in bins]


@pytest.fixture(scope="module")
def recognizer():
    return Recognizer()


@pytest.fixture(scope="module")
def speech() -> np.ndarray:
    return load_audio(str(SPEECH)).samples


def test_bins_are_the_services_and_silence_is_all_non_speech():
    m = audio_metrics(np.zeros(7 * SR, dtype=np.float32), SR, np.zeros(700, dtype=bool)).accumulated
    assert edges(m.direct_current_offset) == list(DC_OFFSET_EDGES) == \
        [-1.0, -0.9, -0.7, -0.5, -0.3, -0.1, 0.1, 0.3, 0.5, 0.7, 0.9, 1.0]
    assert edges(m.clipping_rate) == list(CLIPPING_EDGES) == [0.0, 1e-05, 0.0001, 0.001, 0.01, 0.1, 1.0]
    assert edges(m.speech_level) == edges(m.non_speech_level) == list(LEVEL_EDGES)
    assert (m.final, m.end_time, m.speech_ratio) == (True, 7.0, 0.0)
    assert m.signal_to_noise_ratio is None  # no speech: the service omits it
    assert m.high_frequency_loss == 0.5  # nothing to tell
    assert counts(m.direct_current_offset) == [0] * 5 + [70] + [0] * 5
    assert counts(m.clipping_rate) == [70] + [0] * 5
    assert counts(m.speech_level) == [0] * 10 and counts(m.non_speech_level) == [70] + [0] * 9
    assert "signal_to_noise_ratio" not in m.to_dict()


def test_silence_through_the_recognizer_and_the_sdk(recognizer):
    rng = np.random.default_rng(3)
    quiet = (rng.standard_normal(3 * SR) * 1e-4).astype(np.float32)
    result = recognizer.recognize(quiet, sample_rate=SR, audio_metrics=True)
    m = result.audio_metrics.accumulated
    assert m.speech_ratio == 0.0 and m.signal_to_noise_ratio is None and m.end_time == 3.0
    assert sum(counts(m.non_speech_level)) == 30
    body = result.audio_metrics.to_dict()
    assert sdk.AudioMetrics.from_dict(body).to_dict() == body


def test_dc_offset_moves_every_segment(speech):
    flags = np.ones(speech.size // 160, dtype=bool)
    for offset, expected_bin in ((0.4, 7), (-0.2, 4), (-0.95, 0), (0.0, 5)):
        x = np.clip(speech * 0.05 + offset, -1, 1).astype(np.float32)
        m = audio_metrics(x, SR, flags).accumulated
        n = sum(counts(m.direct_current_offset))
        assert counts(m.direct_current_offset)[expected_bin] == n == round(x.size / 1600), offset


def test_clipping_rates():
    seg = 1600
    x = np.full(10 * seg, 0.1, dtype=np.float32)
    x[::2] = -0.1
    x[0:seg] = 1.0                      # a square wave at full scale: rate 1.0
    x[seg:2 * seg:2] = -1.0              # half the samples: 0.5
    x[2 * seg] = 32767 / 32768           # one sample of 1600: 6.25e-4
    x[3 * seg:3 * seg + 20] = -1.0       # 20 of 1600: 0.0125
    m = audio_metrics(x, SR, np.zeros(100, dtype=bool)).accumulated
    assert counts(m.clipping_rate) == [6, 0, 1, 0, 1, 2]


def test_int16_clipped_speech(speech):
    loud = np.clip(speech * 30, -1, 1)
    pcm = np.round(loud * 32767).astype(np.int16)
    acc = AudioMetricsAccumulator(SR)
    acc.accept(pcm)  # integer samples are PCM
    acc.finish()
    m = acc.metrics().accumulated
    assert sum(counts(m.clipping_rate)[3:]) > sum(counts(m.clipping_rate)[:3])
    clean = audio_metrics(speech, SR, np.ones(speech.size // 160, dtype=bool)).accumulated
    assert counts(clean.clipping_rate)[0] == sum(counts(clean.clipping_rate))


def test_high_frequency_loss(speech):
    flags = np.ones(speech.size // 160, dtype=bool)
    full = audio_metrics(speech, SR, flags).accumulated.high_frequency_loss
    up = resample_poly(resample_poly(speech, 1, 2), 2, 1).astype(np.float32)
    up = np.round(up * 32767) / 32768  # stored as 16-bit again
    lost = audio_metrics(up.astype(np.float32), SR, flags).accumulated.high_frequency_loss
    assert full < 0.05 and lost > 0.9


def test_up_sampled_audio_through_the_recognizer(recognizer, speech):
    """8 kHz audio stored at 16 kHz goes to the narrowband model, but its
    metrics are the 16 kHz audio's: the missing upper band shows."""
    up = (np.round(resample_poly(resample_poly(speech, 1, 2), 2, 1) * 32767) / 32768).astype(np.float32)
    lost = recognizer.recognize(up, sample_rate=SR, audio_metrics=True).audio_metrics.accumulated
    full = recognizer.recognize(speech, sample_rate=SR, audio_metrics=True).audio_metrics.accumulated
    assert lost.high_frequency_loss > 0.9 and full.high_frequency_loss < 0.05
    assert lost.end_time == full.end_time
    narrow = resample_poly(speech, 1, 2).astype(np.float32)  # a true 8 kHz recording: its own band is full
    own = recognizer.recognize(narrow, sample_rate=8000, audio_metrics=True).audio_metrics.accumulated
    assert own.high_frequency_loss < 0.5 and abs(own.end_time - full.end_time) <= 0.01


def test_known_snr_with_given_decisions():
    """Tone bursts (the speech) in white noise: SNR = 10 log10((A^2/2) / sigma^2)."""
    rng = np.random.default_rng(5)
    n = 20 * SR
    t = np.arange(n) / SR
    on = (t % 2.0) < 1.0
    for snr in (5.0, 15.0, 30.0):
        sigma = 0.01
        a = math.sqrt(2 * sigma ** 2 * 10 ** (snr / 10))
        x = (rng.standard_normal(n) * sigma + on * a * np.sin(2 * np.pi * 440 * t)).astype(np.float32)
        m = audio_metrics(x, SR, on[::160]).accumulated
        assert abs(m.signal_to_noise_ratio - snr) < 0.3, (snr, m.signal_to_noise_ratio)
        assert m.speech_ratio == 0.5


def test_snr_of_speech_in_noise_through_the_recognizer(recognizer, speech):
    rng = np.random.default_rng(7)
    pad = (rng.standard_normal(SR) * 3e-4).astype(np.float32)
    x = np.concatenate([pad, speech, pad])
    clean = recognizer.recognize(x, sample_rate=SR, audio_metrics=True).audio_metrics.accumulated
    p_speech = float(np.mean(speech.astype(np.float64) ** 2)) / max(clean.speech_ratio, 1e-3) \
        * (speech.size / x.size)
    got = []
    for snr in (20.0, 10.0):
        noise = rng.standard_normal(x.size) * math.sqrt(p_speech / 10 ** (snr / 10))
        m = recognizer.recognize((x + noise).astype(np.float32), sample_rate=SR,
                                 audio_metrics=True).audio_metrics.accumulated
        assert abs(m.signal_to_noise_ratio - snr) < 3.5, (snr, m.signal_to_noise_ratio)
        got.append(m.signal_to_noise_ratio)
    assert 7 < got[0] - got[1] < 13
    assert clean.signal_to_noise_ratio > got[0]


def test_streaming_equals_one_shot(speech):
    rng = np.random.default_rng(11)
    flags = rng.random(speech.size // 160) < 0.6
    whole = audio_metrics(speech, SR, flags).to_dict()
    acc = AudioMetricsAccumulator(SR)
    i = j = 0
    while i < speech.size:
        k = int(rng.integers(1, 5000))
        acc.accept(speech[i:i + k])
        i += k
        lag = max(0, min(flags.size, i // 160 - 30))  # decisions trail the samples
        acc.accept_speech(flags[j:lag])
        j = lag
    acc.accept_speech(flags[j:])
    acc.finish()
    assert acc.metrics().to_dict() == whole
    assert len(acc._pending) == 0 and len(acc._votes) <= 2


def test_memory_stays_bounded():
    acc = AudioMetricsAccumulator(SR)
    chunk = np.zeros(1600, dtype=np.float32)
    for _ in range(3000):  # 5 minutes, decisions 0.2 s behind
        acc.accept(chunk)
        acc.accept_speech(np.zeros(10, dtype=bool))
    assert len(acc._pending) <= 2 and len(acc._votes) <= 2


@pytest.mark.parametrize("bad", [np.zeros((2, 3)), np.array(["a"]), np.array([np.nan, 0.0]),
                                 np.array([np.inf])])
def test_bad_samples(bad):
    with pytest.raises(InvalidArgumentError):
        AudioMetricsAccumulator(SR).accept(bad)


@pytest.mark.parametrize("kwargs", [{"sample_rate": 0}, {"sample_rate": -8000}, {"sample_rate": True},
                                    {"sample_rate": SR, "frame_rate": float("nan")},
                                    {"sample_rate": SR, "sampling_interval": 0}])
def test_bad_options(kwargs):
    with pytest.raises(InvalidArgumentError):
        AudioMetricsAccumulator(**kwargs)


def test_bad_decisions():
    with pytest.raises(InvalidArgumentError):
        AudioMetricsAccumulator(SR).accept_speech(np.zeros((3, 2)))


@pytest.mark.parametrize("flag", ["yes", 1, None, [True]])
def test_recognizer_rejects_non_bool(recognizer, speech, flag):
    for name in ("audio_metrics", "speaker_labels"):
        with pytest.raises(InvalidArgumentError, match=name):
            recognizer.recognize(speech[:SR], sample_rate=SR, **{name: flag})


def test_recognizer_result(recognizer, speech):
    plain = recognizer.recognize(speech, sample_rate=SR)
    assert plain.audio_metrics is None
    result = recognizer.recognize(speech, sample_rate=SR, audio_metrics=True)
    assert result.transcript == plain.transcript
    m = result.audio_metrics.accumulated
    assert m.end_time == round(speech.size / SR, 2)
    n = round(speech.size / SR / 0.1)
    assert sum(counts(m.speech_level)) + sum(counts(m.non_speech_level)) == n
    assert sum(counts(m.direct_current_offset)) == sum(counts(m.clipping_rate)) == n
    assert m.speech_ratio == round(sum(counts(m.speech_level)) / n, 3) > 0.5
    assert json.loads(json.dumps(result.to_dict()))["audio_metrics"]["sampling_interval"] == 0.1


# -- the Watson façade -----------------------------------------------------------------


@pytest.fixture(scope="module")
def stt(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    yield SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}", service_url="http://localhost:9999")
    store.close()


def test_watson_audio_metrics(stt):
    wav = SPEECH.read_bytes()
    body = sdk_check(sdk.SpeechRecognitionResults, stt.recognize(wav, "audio/wav", audio_metrics=True))
    metrics = body["audio_metrics"]
    assert sdk.AudioMetrics.from_dict(metrics).to_dict() == metrics
    assert metrics["sampling_interval"] == 0.1 and metrics["accumulated"]["final"] is True
    assert [b["begin"] for b in metrics["accumulated"]["clipping_rate"]] == list(CLIPPING_EDGES[:-1])
    assert "audio_metrics" not in stt.recognize(wav, "audio/wav")
    narrow = io.BytesIO()
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    sf.write(narrow, resample_poly(samples, 1, 2), 8000, format="WAV", subtype="PCM_16")
    body = stt.recognize(narrow.getvalue(), "audio/wav", model="en-US_NarrowbandModel", audio_metrics=True)
    assert sdk_check(sdk.SpeechRecognitionResults, body)["audio_metrics"]["accumulated"]["end_time"] > 1.0


def test_websocket_sends_metrics_once_after_the_finals(stt):
    """§1.6 / DOCS:metrics: once per audio stream (per ``stop``), with the
    final results, ``final: true``; interim results carry none."""
    wav = SPEECH.read_bytes()
    for interim in (True, False):
        session = RecognizeSession(stt)
        out = session.receive_text(json.dumps({"action": "start", "content-type": "audio/wav",
                                               "interim_results": interim, "audio_metrics": True}))
        for i in range(0, len(wav), 1024):
            out += session.receive_binary(wav[i:i + 1024])
        out += session.receive_text(json.dumps({"action": "stop"}))
        with_metrics = [i for i, m in enumerate(out) if "audio_metrics" in m]
        assert len(with_metrics) == 1
        message = out[with_metrics[0]]
        assert message["results"] and message["results"][-1]["final"] is True
        assert all(m.get("state") == "listening" for m in out[with_metrics[0] + 1:])
        assert message["audio_metrics"]["accumulated"]["final"] is True
        sdk_check(sdk.SpeechRecognitionResults, message)
        if interim:
            assert any(r["final"] is False for m in out[:with_metrics[0]] for r in m.get("results", []))
