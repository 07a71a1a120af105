"""Watson ``recognize``: parameters (§1.2), the result JSON (§1.6), models
(§1.10) and errors (§1.8), each response checked by the real ``ibm_watson``
model classes."""
from __future__ import annotations

import io
import uuid

import numpy as np
import pytest
import soundfile as sf
from ibm_watson import speech_to_text_v1 as sdk

from asr_engine import AsrError
from asr_engine.customization import Store
from asr_engine.results import Alternative, KeywordMatch, Result, WordAlternatives, WordResult
from asr_engine.watson import SpeechToText
from asr_engine.watson.errors import error_body
from asr_engine.watson.parameters import recognize_parameters
from asr_engine.watson.result_json import results_json
from conftest import DEV
from watson_helpers import sdk_check

WAV = DEV / "arctic_aew_a0003.wav"


@pytest.fixture(scope="module")
def stt(tmp_path_factory):
    store = Store(tmp_path_factory.mktemp("store"))
    yield SpeechToText(store, owner=f"owner-{uuid.uuid4().hex[:8]}", service_url="http://localhost:9999")
    store.close()


@pytest.fixture(scope="module")
def wav() -> bytes:
    return WAV.read_bytes()


def error_of(call, *args, **kwargs) -> AsrError:
    with pytest.raises(AsrError) as info:
        call(*args, **kwargs)
    return info.value


def check(body: dict) -> dict:
    return sdk_check(sdk.SpeechRecognitionResults, body)


# -- parameters ---------------------------------------------------------------------


def test_defaults_and_interactions():
    p = recognize_parameters({})
    assert (p.model, p.profanity_filter, p.max_alternatives, p.inactivity_timeout) == (
        "en-US_BroadbandModel", True, 1, 30)
    assert (p.end_of_phrase_silence_time, p.speech_detector_sensitivity, p.background_audio_suppression) == (
        0.8, 0.5, 0.0)
    p = recognize_parameters({"redaction": True, "keywords": ["a"], "keywords_threshold": 0.5,
                              "max_alternatives": 4})
    assert p.smart_formatting and p.max_alternatives == 1 and not p.spotting and p.keywords == ()
    assert recognize_parameters({"speaker_labels": True}).timestamps
    assert recognize_parameters({"max_alternatives": 0}).max_alternatives == 1
    assert recognize_parameters({"end_of_phrase_silence_time": 0.0}).end_of_phrase_silence_time == 0.8
    assert recognize_parameters({"keywords": "colorado,tornado", "keywords_threshold": 0.5}).keywords == (
        "colorado", "tornado")
    assert recognize_parameters({"customization_id": str(uuid.uuid4())}).language_customization_id
    assert recognize_parameters({"low_latency": True}).warnings == ("Unknown arguments: low_latency.",)
    assert recognize_parameters({"character_insertion_bias": 0.3, "colour": 1}).warnings == (
        "Unknown arguments: lambdaBias, colour.",)
    assert recognize_parameters({"interim_results": True}).warnings == ("Unknown arguments: interim_results.",)
    assert recognize_parameters({"interim_results": True}, interface="websocket").interim_results


@pytest.mark.parametrize("params, text", [
    ({"customization_weight": 0.5}, "Cannot specify customization weight when not using customization."),
    ({"grammar_name": "g"}, "grammar_name requires a language_customization_id"),
    ({"keywords": ["a"]}, "keywords_threshold is missing"),
    ({"keywords_threshold": 0.4}, "keywords is missing"),
    ({"keywords_threshold": 1.5, "keywords": ["a"]}, "keywords_threshold is out of range"),
    ({"word_alternatives_threshold": -0.1}, "word_alternatives_threshold is out of range"),
    ({"end_of_phrase_silence_time": 120.5}, "end_of_phrase_silence_time is out of range"),
    ({"speech_detector_sensitivity": 2}, "speech_detector_sensitivity is out of range"),
    ({"background_audio_suppression": float("nan")}, "must be a number"),
    ({"max_alternatives": -1}, "max_alternatives is out of range"),
    ({"max_alternatives": 2.5}, "must be an integer"),
    ({"inactivity_timeout": -2}, "inactivity_timeout is out of range"),
    ({"inactivity_timeout": 0}, "inactivity_timeout is out of range: it must be a positive number of seconds"),
    ({"inactivity_timeout": -30}, "inactivity_timeout is out of range"),
    ({"inactivity_timeout": 1.5}, "must be an integer"),
    ({"inactivity_timeout": True}, "must be an integer"),
    ({"timestamps": "yes"}, "must be true or false"),
    ({"keywords": ["x" * 1025], "keywords_threshold": 0.5}, "longer than 1024"),
    ({"keywords": ["k"] * 1001, "keywords_threshold": 0.5}, "Too many keywords"),
    ({"keywords": [""], "keywords_threshold": 0.5}, "non-empty string"),
    ({"language_customization_id": "d83aa3c0-xyz"}, "Malformed GUID: 'd83aa3c0-xyz'"),
])
def test_bad_values_are_400(params, text):
    e = error_of(recognize_parameters, params)
    assert e.code == 400 and text in e.message


# -- recognition --------------------------------------------------------------------


def test_recognize_shape(stt, wav):
    body = check(stt.recognize(wav, "audio/wav", timestamps=True, word_confidence=True, max_alternatives=3))
    assert body["result_index"] == 0 and "warnings" not in body
    (result,) = body["results"]
    assert result["final"] is True
    best, *others = result["alternatives"]
    assert best["transcript"].endswith(" ") and 0 <= best["confidence"] <= 1
    assert others and all("confidence" not in a and "timestamps" not in a for a in others)
    words = best["transcript"].split()
    assert [t[0] for t in best["timestamps"]] == words == [c[0] for c in best["word_confidence"]]
    for (_w, s, e), nxt in zip(best["timestamps"], best["timestamps"][1:] + [None]):
        assert s <= e and round(s, 2) == s and round(e, 2) == e and (nxt is None or e <= nxt[1])
    plain = check(stt.recognize(wav, "audio/wav"))
    assert list(plain["results"][0]["alternatives"][0]) == ["transcript", "confidence"]
    assert plain["results"][0]["alternatives"][0]["transcript"] == best["transcript"]


def test_smart_formatting_and_redaction(stt, wav):
    raw = stt.recognize(wav, "audio/wav")["results"][0]["alternatives"][0]["transcript"]
    formatted = check(stt.recognize(wav, "audio/wav", smart_formatting=True, timestamps=True))
    alt = formatted["results"][0]["alternatives"][0]
    assert "twentieth" in raw and "20th" in alt["transcript"]
    assert [t[0] for t in alt["timestamps"]] == alt["transcript"].split()
    redacted = check(stt.recognize(wav, "audio/wav", redaction=True, max_alternatives=3,
                                   keywords=["hands"], keywords_threshold=0.1))
    (result,) = redacted["results"]
    assert len(result["alternatives"]) == 1 and "keywords_result" not in result
    assert "20th" in result["alternatives"][0]["transcript"]  # smart formatting forced


def test_warnings_and_labels(stt, wav):
    body = check(stt.recognize(wav, "audio/wav", low_latency=True, speech_begin_event=True,
                               headers={"X-Watson-Metadata": "customer_id=abc"}))
    assert body["warnings"] == ["Unknown arguments: low_latency, speech_begin_event."]
    assert error_of(stt.recognize, wav, "audio/wav", headers={"X-Watson-Metadata": "bad"}).code == 400
    assert error_of(stt.recognize, wav, "audio/wav", customer_id="a=b").code == 400


def test_speaker_labels_force_timestamps(stt, wav):
    body = check(stt.recognize(wav, "audio/wav", speaker_labels=True))
    assert "timestamps" in body["results"][0]["alternatives"][0]


def test_narrowband(stt, wav):
    samples, rate = sf.read(io.BytesIO(wav), dtype="float32")
    from asr_engine.audio.resample import resample

    buf = io.BytesIO()
    sf.write(buf, resample(samples, rate, 8000), 8000, format="WAV", subtype="PCM_16")
    narrow = buf.getvalue()
    e = error_of(stt.recognize, narrow, "audio/wav")
    assert (e.code, e.message) == (400, "This 8000hz audio input requires a narrow band model.")
    for audio in (narrow, wav):  # broadband audio is down-sampled for the narrowband model
        body = check(stt.recognize(audio, "audio/wav", model="en-US_NarrowbandModel"))
        assert "hands" in body["results"][0]["alternatives"][0]["transcript"]


def test_errors(stt, wav):
    e = error_of(stt.recognize, wav, "audio/wav", model="xx-XX_Nothing")
    assert error_body(e) == {"code": 404, "code_description": "Not Found", "error": "Model xx-XX_Nothing not found"}
    e = error_of(stt.recognize, b"RIFF" + b"\0" * 20, "audio/wav")
    assert (e.code, e.message) == (400, "Stream was 24 bytes but needs to be at least 100 bytes.")
    e = error_of(stt.recognize, b"\x01" * 400, "audio/flac")
    assert e.code == 400 and e.message.startswith("unable to transcode data stream audio/flac -> audio/x-float-array ")
    e = error_of(stt.recognize, wav, "audio/l16")
    assert (e.code, e.message) == (400, "rate parameter missing in mimetype audio/l16")
    assert error_of(stt.recognize, wav, "video/mp4").code == 415
    e = error_of(stt.recognize, bytes(100 * 1024 * 1024 + 1), "audio/wav")
    assert (e.code, e.message) == (413, "Request failed because the input stream is larger than 100 MB")
    e = error_of(stt.recognize, wav, "audio/wav", language_customization_id=str(uuid.uuid4()))
    assert e.code == 404
    e = error_of(stt.recognize, wav, "audio/wav", acoustic_customization_id=str(uuid.uuid4()))
    assert e.code == 404
    e = error_of(stt.recognize, wav, "audio/wav", base_model_version="en-US_BroadbandModel.v0")
    assert e.code == 400 and "base model version" in e.message
    assert error_body(ValueError("x"))["code"] == 500


def test_models(stt):
    models = sdk_check(sdk.SpeechModels, stt.list_models())
    names = [m["name"] for m in models["models"]]
    assert names == ["en-US_BroadbandModel", "en-US_NarrowbandModel"]
    model = sdk_check(sdk.SpeechModel, stt.get_model("en-US_NarrowbandModel"))
    assert model["rate"] == 8000 and model["url"] == "http://localhost:9999/v1/models/en-US_NarrowbandModel"
    assert model["supported_features"]["custom_language_model"] is True and model["description"]
    e = error_of(stt.get_model, "nope")
    assert (e.code, e.message) == (404, "Model nope not found")


# -- the JSON of engine results (word-level rules on chosen words) -------------------


def _result(words, alternatives=()):
    ws = [WordResult(w, 0.1 * i, 0.1 * i + 0.09, c) for i, (w, c) in enumerate(words)]
    return Result(" ".join(w for w, _ in words), 0.8, ws, [Alternative(" ".join(a), 0.1, [
        WordResult(w, 0.1 * i, 0.1 * i + 0.09, 0.5) for i, w in enumerate(a)]) for a in alternatives])


def test_profanity_hesitation_display_as():
    words = [("fuck", 0.9), ("um", 0.5), ("you", 0.99), ("one", 0.7), ("ieee", 0.8)]
    result = _result(words, [["fuck", "um", "you", "one", "ieee"], ["shit", "you"]])
    params = recognize_parameters({"timestamps": True, "word_confidence": True, "max_alternatives": 2})
    body = check(results_json(result, params, display_as={"ieee": "IEEE", "one": "uno"}))
    best, other = body["results"][0]["alternatives"]
    assert best["transcript"] == "**** %HESITATION you uno IEEE "
    assert [t[0] for t in best["timestamps"]] == ["****", "%HESITATION", "you", "uno", "IEEE"]
    assert best["word_confidence"][0] == ["****", 0.9]
    assert other["transcript"] == "**** you "
    raw = results_json(result, recognize_parameters({"profanity_filter": False}))
    assert raw["results"][0]["alternatives"][0]["transcript"].startswith("fuck %HESITATION")
    # Smart formatting drops hesitations and pre-empts display_as ("one" -> 1).
    smart = results_json(result, recognize_parameters({"smart_formatting": True, "timestamps": True}),
                         display_as={"ieee": "IEEE", "one": "uno"})
    alt = smart["results"][0]["alternatives"][0]
    assert alt["transcript"] == "**** you 1 IEEE " and [t[0] for t in alt["timestamps"]] == alt["transcript"].split()


def test_keywords_and_word_alternatives_json():
    result = _result([("shit", 0.9), ("happens", 0.8)])
    result.keywords = {"Shit": [KeywordMatch("shit", 0.0, 0.09, 0.9)], "absent": []}
    result.word_alternatives = [WordAlternatives(0.0, 0.09, [("sit", 0.1), ("shit", 0.9)])]
    params = recognize_parameters({"keywords": ["Shit", "absent"], "keywords_threshold": 0.5,
                                   "word_alternatives_threshold": 0.05})
    body = check(results_json(result, params))
    (entry,) = body["results"]
    assert entry["keywords_result"] == {"Shit": [{"normalized_text": "shit", "start_time": 0.0, "end_time": 0.09,
                                                  "confidence": 0.9}]}  # never masked
    assert entry["word_alternatives"][0]["alternatives"] == [{"word": "****", "confidence": 0.9},
                                                            {"word": "sit", "confidence": 0.1}]
    assert entry["alternatives"][0]["transcript"] == "**** happens "


def test_keywords_and_word_alternatives_from_the_engine(stt, wav):
    body = check(stt.recognize(wav, "audio/wav", keywords=["Evening", "shook hands", "zebra"],
                               keywords_threshold=0.3, word_alternatives_threshold=0.1, timestamps=True))
    (entry,) = body["results"]
    found = entry["keywords_result"]
    assert set(found) == {"Evening", "shook hands"}
    words = {w: (s, e) for w, s, e in entry["alternatives"][0]["timestamps"]}
    hit = found["shook hands"][0]
    assert hit["normalized_text"] == "shook hands" and hit["start_time"] == words["shook"][0]
    assert hit["end_time"] == words["hands"][1] and hit["confidence"] >= 0.3
    bins = entry["word_alternatives"]
    assert bins and all(b["alternatives"][0]["confidence"] >= 0.1 for b in bins)
    best = [b["alternatives"][0]["word"] for b in bins]
    assert "evening" in best and "hands" in best


def test_silence_gives_no_results(stt):
    buf = io.BytesIO()
    sf.write(buf, np.zeros(16000, np.float32), 16000, format="WAV", subtype="PCM_16")
    assert check(stt.recognize(buf.getvalue(), "audio/wav")) == {"result_index": 0, "results": []}
