"""A WebSocket request's final results equal the one-shot ``recognize`` of
the same audio, field for field, however the audio is chunked: both decode
phrase by phrase with the same pipeline (``recognition.PHRASE_DECODING``),
and the stream's phrases do not depend on where the chunks fall. Audio
metrics and speaker labels of a stream come from the same phrases."""
from __future__ import annotations

import functools
import uuid

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from asr_engine.audio.input import read_audio
from asr_engine.customization import Store
from asr_engine.watson import SpeechToText
from asr_engine.watson.parameters import recognize_parameters
from asr_engine.watson.result_json import results_json
from conftest import DEV
from test_watson_streaming import Recorder, chunks

RATE = 16000
L16 = "audio/l16;rate=16000;endianness=little-endian"


def pcm(path) -> np.ndarray:
    audio = read_audio(str(path), None, target_rate=RATE)
    return np.clip(np.round(audio.samples * 32767), -32768, 32767).astype("<i2")


def with_pauses() -> bytes:
    """Two dev utterances with a pause between them (two phrases)."""
    rng = np.random.default_rng(0)
    quiet = np.round(rng.normal(0.0, 20.0, int(1.5 * RATE))).astype("<i2")
    return np.concatenate([pcm(DEV / "arctic_aew_a0003.wav"), quiet, pcm(DEV / "arctic_axb_a0004.wav")]).tobytes()


#: A 16 kHz WAV of an 8 kHz recording (nothing above 4 kHz), which
#: ``Recognizer.recognize`` alone would send to the narrowband model.
BAND_LIMITED = DEV / "osr_0011_02.wav"
#: (name, bytes, content type): a WAV file, a raw one, audio with a pause and
#: band-limited audio (the façade uses the model the request names whatever
#: the band, as the service and a stream, which cannot know it in advance).
AUDIO = {
    "wav": ((DEV / "arctic_aew_a0003.wav").read_bytes(), "audio/wav"),
    "band_limited": (BAND_LIMITED.read_bytes(), "audio/wav"),
    "l16": (pcm(DEV / "ieee_s01_04.wav").tobytes(), L16),
    "pauses": (with_pauses(), L16),
}
PARAMS = {"timestamps": True, "word_confidence": True, "max_alternatives": 2}


@pytest.fixture(scope="module")
def stt(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    yield SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}")
    store.close()


@functools.lru_cache(maxsize=None)
def _one_shot(stt, name: str, extra: tuple = ()) -> dict:
    data, ctype = AUDIO[name]
    return stt.recognize(data, ctype, **PARAMS, **dict(extra))


def streamed(stt, name: str, size: int, interim: bool, **extra) -> tuple[list[dict], Recorder]:
    """The final results a WebSocket request sends for the audio in ``size``-byte chunks."""
    data, ctype = AUDIO[name]
    rec = Recorder()
    stt.recognize_using_websocket(chunks(data, size), ctype, rec, interim_results=interim, **PARAMS, **extra)
    kinds = rec.kinds()
    assert kinds[:2] == ["connected", "listening"] and kinds[-1] == "close" and "error" not in kinds, rec.calls
    messages = [c[1] for c in rec.calls if c[0] == "data"]
    return messages, rec


def finals_of(messages: list[dict]) -> list[dict]:
    return [r for m in messages for r in m["results"] if r["final"]]


def test_the_audio_with_pauses_has_two_phrases(stt):
    assert len(_one_shot(stt, "pauses")["results"]) == 2


@pytest.mark.parametrize("name", sorted(AUDIO))
@settings(max_examples=3, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.one_of(st.integers(1, 700), st.integers(701, 40000)), interim=st.booleans())
def test_finals_equal_the_one_shot_result_in_any_chunking(stt, name, size, interim):
    one_shot = _one_shot(stt, name)
    messages, rec = streamed(stt, name, size, interim)
    assert finals_of(messages) == one_shot["results"]
    if interim:
        assert [m["result_index"] for m in messages if m["results"][0]["final"]] == \
            list(range(len(one_shot["results"])))
    else:
        assert messages == [one_shot]


@pytest.mark.parametrize("interim", [False, True])
def test_audio_metrics_and_speaker_labels_ride_on_the_stream(stt, interim):
    extra = {"audio_metrics": True, "speaker_labels": True}
    one_shot = _one_shot(stt, "pauses", tuple(sorted(extra.items())))
    messages, _ = streamed(stt, "pauses", 1024, interim, **extra)
    assert finals_of(messages) == one_shot["results"]
    last = messages[-1]
    assert last["speaker_labels"] == one_shot["speaker_labels"] and one_shot["speaker_labels"]
    assert last["audio_metrics"] == one_shot["audio_metrics"]
    if not interim:
        assert messages == [one_shot]
    else:
        # The first phrase's final was sent as soon as it ended, before stop.
        assert messages[0]["results"][0]["final"] is False or len(messages) > 2


def test_band_limited_audio_is_decoded_with_the_named_model(stt):
    """No band routing in the façade: the broadband request's finals are the
    broadband model's, over the WebSocket and one-shot alike, where the
    engine's own default would have picked the narrowband model."""
    from asr_engine.audio.bandwidth import is_narrowband
    from asr_engine.customization.base_models import shared_base_models

    audio = read_audio(str(BAND_LIMITED), None, target_rate=RATE)
    assert is_narrowband(audio.samples, audio.sample_rate)
    broadband = shared_base_models()["en-US_BroadbandModel"].recognizer()
    engine = {"phrase_decoding": "live", "max_alternatives": PARAMS["max_alternatives"]}
    routed = broadband.recognize(audio, **engine)
    named = broadband.recognize(audio, pick_model_by_rate=False, **engine)
    assert routed.phrases == broadband.narrowband().recognize(audio, **engine).phrases
    assert routed.phrases != named.phrases  # the two models differ on it: the check below means something
    one_shot = _one_shot(stt, "band_limited")
    as_json = functools.partial(results_json, params=recognize_parameters(PARAMS))
    assert one_shot["results"] == as_json(named)["results"] != as_json(routed)["results"]
    messages, _ = streamed(stt, "band_limited", 1024, True)
    assert finals_of(messages) == one_shot["results"]
