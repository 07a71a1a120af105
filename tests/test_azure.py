"""The Azure short-audio façade against §5 of the service contract: the
documented responses field for field from matching audio, every
``RecognitionStatus``, profanity mode and pronunciation parameter, the
HTTP door (``handle``), ``cid`` custom models, limits and bad audio.

The matching audio in ``tests/data/azure`` was spoken by flite's ``kal16``
voice (``flite -voice kal16 -t "remind me to buy five pencils" -o ...``);
the rest is dev speech and audio the tests make.
"""
from __future__ import annotations

import base64
import io
import json
import wave
from pathlib import Path
from urllib.parse import parse_qs

import numpy as np
import pytest
import soundfile as sf

from asr_engine.azure import SpeechService, encode_assessment_header
from asr_engine.customization import Store
from asr_engine.watson import SpeechToText
from conftest import DEV
from watson_helpers import wait_model

HERE = Path(__file__).parent / "data" / "azure"
REMIND = (HERE / "remind_me_to_buy_five_pencils.wav").read_bytes()
MORNING = (HERE / "good_morning.wav").read_bytes()
WAV = "audio/wav; codecs=audio/pcm; samplerate=16000"
TICKS = 10_000_000


def wav_bytes(x: np.ndarray, rate: int = 16000) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes((np.clip(x, -1, 1) * 32767).astype("<i2").tobytes())
    return buf.getvalue()


def samples(data: bytes) -> np.ndarray:
    x, rate = sf.read(io.BytesIO(data), dtype="float32")
    assert rate == 16000
    return x


def seconds(data: bytes) -> float:
    return len(samples(data)) / 16000


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    s = Store(tmp_path_factory.mktemp("store"))
    yield s
    s.close()


@pytest.fixture(scope="module")
def service(store):
    return SpeechService(store, owner="azure-test")


def check_times(body: dict, audio: bytes) -> None:
    assert isinstance(body["Offset"], int) and isinstance(body["Duration"], int)
    assert 0 <= body["Offset"] and 0 <= body["Duration"]
    assert body["Offset"] + body["Duration"] <= round(seconds(audio) * TICKS)


# -- the three documented responses ------------------------------------------------


def test_simple_documented_response(service):
    out = service.recognize(REMIND, WAV, language="en-US")
    assert list(out) == ["RecognitionStatus", "DisplayText", "Offset", "Duration"]
    assert out["RecognitionStatus"] == "Success"
    assert out["DisplayText"] == "Remind me to buy 5 pencils."
    check_times(out, REMIND)
    assert out["Duration"] > 1 * TICKS  # the words, not the silence around them


def test_detailed_documented_response(service):
    out = service.recognize(REMIND, WAV, format="detailed")
    assert list(out) == ["RecognitionStatus", "Offset", "Duration", "NBest"]
    assert out["RecognitionStatus"] == "Success"
    check_times(out, REMIND)
    best = out["NBest"][0]
    assert list(best) == ["Confidence", "Lexical", "ITN", "MaskedITN", "Display"]
    assert (best["Lexical"], best["ITN"], best["MaskedITN"], best["Display"]) == (
        "remind me to buy five pencils", "remind me to buy 5 pencils", "remind me to buy 5 pencils",
        "Remind me to buy 5 pencils.")
    lexical = [e["Lexical"] for e in out["NBest"]]
    assert len(set(lexical)) == len(lexical) >= 2  # lattice alternatives, each once
    for entry in out["NBest"]:
        assert list(entry) == list(best)
        assert isinstance(entry["Confidence"], float) and 0.0 < entry["Confidence"] <= 1.0
        assert entry["Display"][0].isupper() and entry["Display"][-1] in ".?"


def test_pronunciation_documented_response(service):
    # The documented response lists Words although its request says FullText:
    # Word granularity gives exactly its fields.
    header = encode_assessment_header({"ReferenceText": "Good morning.", "GradingSystem": "HundredMark",
                                       "Granularity": "Word", "Dimension": "Comprehensive"})
    out = service.recognize(MORNING, WAV, format="detailed", pronunciation_assessment=header)
    assert list(out) == ["RecognitionStatus", "Offset", "Duration", "NBest"]
    assert out["RecognitionStatus"] == "Success" and len(out["NBest"]) == 1
    best = out["NBest"][0]
    assert list(best) == ["Confidence", "Lexical", "ITN", "MaskedITN", "Display", "PronScore", "AccuracyScore",
                          "FluencyScore", "CompletenessScore", "Words"]
    assert (best["Lexical"], best["ITN"], best["MaskedITN"], best["Display"]) == (
        "good morning", "good morning", "good morning", "Good morning.")
    assert [w["Word"] for w in best["Words"]] == ["Good", "morning"]
    for w in best["Words"]:
        assert list(w) == ["Word", "AccuracyScore", "ErrorType", "Offset", "Duration"]
        assert w["ErrorType"] == "None" and 60 <= w["AccuracyScore"] <= 100
        assert isinstance(w["Offset"], int) and w["Duration"] > 0
    assert best["Words"][0]["Offset"] + best["Words"][0]["Duration"] <= best["Words"][1]["Offset"]
    assert best["CompletenessScore"] == 100.0
    for key in ("PronScore", "AccuracyScore", "FluencyScore"):
        assert isinstance(best[key], float) and 60 <= best[key] <= 100
    # The documented request itself: full-text scores only.
    full = service.recognize(MORNING, WAV, format="detailed", pronunciation_assessment={
        "ReferenceText": "Good morning.", "GradingSystem": "HundredMark", "Granularity": "FullText",
        "Dimension": "Comprehensive"})
    assert list(full["NBest"][0])[5:] == ["PronScore", "AccuracyScore", "FluencyScore", "CompletenessScore"]


def test_word_level_timestamps(service):
    out = service.recognize(REMIND, WAV, format="detailed", word_level_timestamps=True)
    for entry in out["NBest"]:
        words = entry["Words"]
        assert [w["Word"] for w in words] == entry["Lexical"].split()
        for w in words:
            assert list(w) == ["Word", "Offset", "Duration", "Confidence"] and w["Duration"] > 0
        assert [w["Offset"] for w in words] == sorted(w["Offset"] for w in words)
    words = out["NBest"][0]["Words"]
    assert words[0]["Offset"] == out["Offset"]
    assert words[-1]["Offset"] + words[-1]["Duration"] == out["Offset"] + out["Duration"]
    # Without format=detailed there is no NBest to hold them.
    assert "NBest" not in service.recognize(REMIND, WAV, word_level_timestamps=True)


# -- RecognitionStatus ---------------------------------------------------------------


def test_initial_silence_timeout(service):
    short = wav_bytes(np.zeros(3 * 16000))
    assert service.recognize(short, WAV) == {"RecognitionStatus": "InitialSilenceTimeout", "Offset": 3 * TICKS,
                                             "Duration": 0}
    longer = wav_bytes(np.zeros(7 * 16000))
    assert service.recognize(longer, WAV, format="detailed") == {
        "RecognitionStatus": "InitialSilenceTimeout", "Offset": 5 * TICKS, "Duration": 0}
    # Speech after more than the timeout is not waited for, as the service does.
    late = wav_bytes(np.concatenate([np.zeros(6 * 16000), samples(MORNING)]))
    assert service.recognize(late, WAV)["RecognitionStatus"] == "InitialSilenceTimeout"
    # Speech after a shorter silence is recognized, its offset after the silence.
    early = wav_bytes(np.concatenate([np.zeros(2 * 16000), samples(MORNING)]))
    out = service.recognize(early, WAV)
    assert out["RecognitionStatus"] == "Success" and out["DisplayText"] == "Good morning."
    assert out["Offset"] >= 2 * TICKS
    patient = SpeechService(owner="x", initial_silence_timeout=10.0)
    assert patient.recognize(late, WAV)["DisplayText"] == "Good morning."


def test_babble_timeout(service):
    rng = np.random.default_rng(14)
    noise = wav_bytes(rng.normal(0, 10 ** (-25 / 20), 6 * 16000))
    assert service.recognize(noise, WAV) == {"RecognitionStatus": "BabbleTimeout", "Offset": 5 * TICKS,
                                             "Duration": 0}
    hum = wav_bytes(0.1 * np.sin(2 * np.pi * 60 * np.arange(2 * 16000) / 16000))
    assert service.recognize(hum, WAV)["RecognitionStatus"] == "BabbleTimeout"
    quiet = wav_bytes(rng.normal(0, 10 ** (-70 / 20), 2 * 16000))
    assert service.recognize(quiet, WAV)["RecognitionStatus"] == "InitialSilenceTimeout"


def test_no_match(service):
    # Speech-like sound in no language: a spoken digit played backwards.
    x = samples((DEV / "fsdd_1_jackson_13.wav").read_bytes())
    out = service.recognize(wav_bytes(x[::-1].copy()), WAV, format="detailed")
    assert list(out) == ["RecognitionStatus", "Offset", "Duration"] and out["RecognitionStatus"] == "NoMatch"
    assert out["Duration"] > 0
    assert service.recognize(wav_bytes(x), WAV)["RecognitionStatus"] == "Success"


def test_error_when_the_service_fails(store, service):
    # A custom model whose stored language model file was damaged after
    # training: the request was fine, the service cannot serve it.
    cid = trained_model(store, "damaged", words={"morning": "MORNING"})
    trained = service.language_models.trained_customization(service.owner, cid)
    Path(trained.lm_path).write_bytes(b"this is not a language model")
    fresh = SpeechService(store, owner=service.owner)  # nothing cached
    out = fresh.recognize(MORNING, WAV, cid=cid)
    assert out == {"RecognitionStatus": "Error", "Offset": 0, "Duration": 0}
    assert fresh.handle({"language": "en-US", "cid": cid}, {"Content-Type": WAV}, MORNING) == (200, out)


# -- profanity -------------------------------------------------------------------------


def test_profanity_modes(service):
    audio = (HERE / "fuck_you.wav").read_bytes()
    forms = {}
    for mode in ("masked", "removed", "raw"):
        out = service.recognize(audio, WAV, format="detailed", profanity=mode, word_level_timestamps=True)
        best = out["NBest"][0]
        forms[mode] = (best["Lexical"], best["ITN"], best["MaskedITN"], best["Display"],
                       [w["Word"] for w in best["Words"]])
    assert forms["masked"] == ("fuck you", "fuck you", "**** you", "**** you.", ["****", "you"])
    assert forms["removed"] == ("fuck you", "fuck you", "you", "You.", ["you"])
    assert forms["raw"] == ("fuck you", "fuck you", "fuck you", "Fuck you.", ["fuck", "you"])
    assert service.recognize(audio, WAV)["DisplayText"] == "**** you."  # masked is the default


def test_only_profanity_removed_is_no_speech_result(service):
    audio = (HERE / "bullshit.wav").read_bytes()
    assert service.recognize(audio, WAV)["DisplayText"] == "********."
    out = service.recognize(audio, WAV, profanity="removed")
    assert out["RecognitionStatus"] == "NoMatch" and "DisplayText" not in out


# -- pronunciation parameters ------------------------------------------------------------


def assess(service, audio=MORNING, **params) -> dict:
    params = {"ReferenceText": "Good morning.", **params}
    return service.recognize(audio, WAV, format="detailed", pronunciation_assessment=params)["NBest"][0]


def test_grading_systems(service):
    hundred = assess(service, GradingSystem="HundredMark", Dimension="Comprehensive")
    five = assess(service, GradingSystem="FivePoint", Dimension="Comprehensive")
    for key in ("AccuracyScore", "FluencyScore", "CompletenessScore", "PronScore"):
        assert five[key] == pytest.approx(hundred[key] / 20, abs=0.01) and 0 <= five[key] <= 5
    for w5, w100 in zip(five["Words"], hundred["Words"]):
        assert w5["AccuracyScore"] == pytest.approx(w100["AccuracyScore"] / 20, abs=0.01)
        for p5, p100 in zip(w5["Phonemes"], w100["Phonemes"]):
            assert p5["AccuracyScore"] == pytest.approx(p100["AccuracyScore"] / 20, abs=0.01)
    assert assess(service)["AccuracyScore"] <= 5  # FivePoint is the default


def test_granularities_and_phonemes(service):
    phoneme = assess(service, GradingSystem="HundredMark")  # Phoneme is the default
    good = phoneme["Words"][0]
    assert [p["Phoneme"] for p in good["Phonemes"]] == ["g", "uh", "d"]
    for p in good["Phonemes"]:
        assert list(p) == ["Phoneme", "AccuracyScore", "Offset", "Duration"]
        assert good["Offset"] <= p["Offset"] < good["Offset"] + good["Duration"]
    word = assess(service, Granularity="Word")
    assert [w["Word"] for w in word["Words"]] == ["Good", "morning"]
    assert all("Phonemes" not in w for w in word["Words"])
    assert "Words" not in assess(service, Granularity="FullText")


def test_dimensions(service):
    basic = assess(service, Granularity="Word")  # Basic is the default
    assert list(basic)[5:] == ["AccuracyScore", "Words"]
    assert all(list(w) == ["Word", "AccuracyScore", "Offset", "Duration"] for w in basic["Words"])
    full = assess(service, Granularity="Word", Dimension="Comprehensive")
    assert list(full)[5:] == ["PronScore", "AccuracyScore", "FluencyScore", "CompletenessScore", "Words"]
    assert all(w["ErrorType"] == "None" for w in full["Words"])


def test_miscue(service):
    # "good morning" said, "good sunny morning" expected: an omission.
    params = dict(ReferenceText="Good sunny morning.", GradingSystem="HundredMark", Granularity="Word",
                  Dimension="Comprehensive")
    on = assess(service, EnableMiscue=True, **params)
    assert [(w["Word"], w["ErrorType"]) for w in on["Words"]] == [
        ("Good", "None"), ("sunny", "Omission"), ("morning", "None")]
    assert on["CompletenessScore"] == pytest.approx(100 * 2 / 3, abs=0.1)
    off = assess(service, **params)
    assert all(w["ErrorType"] != "Omission" for w in off["Words"])


def test_alphabets_nbest_phonemes_and_scenario(service):
    ipa = assess(service, PhonemeAlphabet="IPA", NBestPhonemeCount=3)
    good = ipa["Words"][0]["Phonemes"]
    assert [p["Phoneme"] for p in good] == ["ɡ", "ʊ", "d"]
    for p in good:
        assert list(p) == ["Phoneme", "AccuracyScore", "Offset", "Duration", "NBestPhonemes"]
        assert len(p["NBestPhonemes"]) == 3 and p["NBestPhonemes"][0]["Score"] == 100.0
        assert all(list(c) == ["Phoneme", "Score"] for c in p["NBestPhonemes"])
    sapi = assess(service, PhonemeAlphabet="SAPI", NBestPhonemeCount=1)
    assert [p["Phoneme"] for p in sapi["Words"][0]["Phonemes"]] == ["g", "uh", "d"]
    # ScenarioId names a point system of the service; there is one here.
    scenario = assess(service, ScenarioId="b6d1bd07-0da1-44c6-bc45-8d3dad0d9a3e")
    assert scenario == assess(service)


def test_wrong_reference_scores_low_and_simple_format_has_no_scores(service):
    right = assess(service, GradingSystem="HundredMark")
    wrong = assess(service, ReferenceText="Seven lazy cats.", GradingSystem="HundredMark")
    assert wrong["AccuracyScore"] < right["AccuracyScore"] - 30
    simple = service.recognize(MORNING, WAV, pronunciation_assessment={"ReferenceText": "Good morning."})
    assert list(simple) == ["RecognitionStatus", "DisplayText", "Offset", "Duration"]


def test_unpronounceable_reference_is_400(service):
    status, out = service.handle({"language": "en-US", "format": "detailed"}, {
        "Content-Type": WAV, "Pronunciation-Assessment": encode_assessment_header({"ReferenceText": "$$$ ###"})},
        MORNING)
    assert status == 400 and "reference_text" in out["error"], out


# -- the HTTP door ---------------------------------------------------------------------------


def test_handle_documented_request(service):
    # The documented request: chunked upload in 1024-byte chunks, query from
    # the URL, the client's headers.
    query = parse_qs("language=en-US&format=detailed")
    header = base64.b64encode(json.dumps({"ReferenceText": "Good morning.", "GradingSystem": "HundredMark",
                                          "Granularity": "FullText", "Dimension": "Comprehensive"}).encode())
    headers = {"Accept": "application/json;text/xml", "content-type": WAV,
               "Ocp-Apim-Subscription-Key": "YOUR_SUBSCRIPTION_KEY", "Host": "westus.stt.speech.microsoft.com",
               "Transfer-Encoding": "chunked", "Expect": "100-continue",
               "Pronunciation-Assessment": header.decode()}
    chunks = (MORNING[i:i + 1024] for i in range(0, len(MORNING), 1024))
    status, out = service.handle(query, headers, chunks)
    assert status == 200
    assert out == service.recognize(MORNING, WAV, format="detailed", pronunciation_assessment=header.decode())
    assert json.loads(json.dumps(out)) == out  # plain JSON
    status, simple = service.handle({"language": "en-US"}, {"Content-Type": WAV}, io.BytesIO(REMIND))
    assert (status, simple["DisplayText"]) == (200, "Remind me to buy 5 pencils.")


def test_handle_bad_audio(service):
    for body, content_type, code, fix in [
        (b"", WAV, 400, "body is empty"),
        (b"RIFF" + b"\x07" * 200, WAV, 400, "not audio/wav"),
        (REMIND, "audio/ogg; codecs=opus", 400, "not audio/ogg"),
        (REMIND, "audio/wav; codecs=audio/pcm; samplerate=8000", 400, "samplerate=8000 but the audio is 16000 Hz"),
        (wav_bytes(np.zeros(61 * 16000)), WAV, 400, "at most 60 s of audio"),
        (["not bytes"], WAV, 400, "chunks must be bytes"),
    ]:
        status, out = service.handle({"language": "en-US"}, {"Content-Type": content_type}, body)
        assert status == code and fix in out["error"], out
    long = wav_bytes(np.zeros(31 * 16000))
    status, out = service.handle({"language": "en-US", "format": "detailed"}, {
        "Content-Type": WAV, "Pronunciation-Assessment": encode_assessment_header({"ReferenceText": "hi"})}, long)
    assert status == 400 and "at most 30 s of audio with pronunciation assessment" in out["error"]
    assert service.handle({"language": "en-US"}, {"Content-Type": WAV}, long)[1]["RecognitionStatus"] \
        == "InitialSilenceTimeout"


def test_other_content_types(service, tmp_path):
    x = samples(MORNING)
    ogg = io.BytesIO()
    sf.write(ogg, x, 16000, format="OGG", subtype="OPUS")
    out = service.recognize(ogg.getvalue(), "audio/ogg; codecs=opus")
    assert out["DisplayText"] == "Good morning."
    status, err = service.handle({"language": "en-US"}, {"Content-Type": "audio/ogg; codecs=speex"}, ogg.getvalue())
    assert status == 415 and "speex" in err["error"]
    # Extensions: headerless L16, FLAC, a path, a numpy array, no content type.
    pcm = (x * 32767).astype("<i2").tobytes()
    assert service.recognize(pcm, "audio/l16; rate=16000")["DisplayText"] == "Good morning."
    flac = io.BytesIO()
    sf.write(flac, x, 16000, format="FLAC")
    assert service.recognize(flac.getvalue(), "audio/flac")["DisplayText"] == "Good morning."
    assert service.recognize(HERE / "good_morning.wav")["DisplayText"] == "Good morning."
    assert service.recognize(x, sample_rate=16000)["DisplayText"] == "Good morning."


# -- cid: custom models ------------------------------------------------------------------------


def trained_model(store, name: str, words: dict[str, str]) -> str:
    stt = SpeechToText(store, owner="azure-test")
    cid = stt.create_language_model(name, "en-US_BroadbandModel")["customization_id"]
    stt.add_corpus(cid, "c", io.BytesIO(b"good morning\nremind me to buy five pencils\n"))
    wait_model(stt, cid)
    for word, shown in words.items():
        stt.add_word(cid, word, display_as=shown)
    stt.train_language_model(cid)
    assert wait_model(stt, cid)["status"] == "available"
    return cid


def test_cid_selects_a_custom_model(store, service):
    cid = trained_model(store, "pencils", words={"pencils": "PENCILS"})
    out = service.recognize(REMIND, WAV, format="detailed", cid=cid, word_level_timestamps=True)
    best = out["NBest"][0]
    assert best["Lexical"] == "remind me to buy five pencils"  # the words as said
    assert best["ITN"] == "remind me to buy 5 PENCILS" and best["Display"] == "Remind me to buy 5 PENCILS."
    assert best["Words"][-1]["Word"] == "pencils"
    status, body = service.handle({"language": "en-US", "cid": "not-a-guid"}, {"Content-Type": WAV}, REMIND)
    assert status == 400 and "Malformed GUID" in body["error"]
    unknown = "00000000-0000-4000-8000-000000000000"
    status, body = service.handle({"language": "en-US", "cid": unknown}, {"Content-Type": WAV}, REMIND)
    assert status == 404
    other = SpeechService(store, owner="someone-else")  # owners see only their own models
    assert other.handle({"language": "en-US", "cid": cid}, {"Content-Type": WAV}, REMIND)[0] == 404
    stt = SpeechToText(store, owner="azure-test")
    untrained = stt.create_language_model("untrained", "en-US_BroadbandModel")["customization_id"]
    status, body = service.handle({"language": "en-US", "cid": untrained}, {"Content-Type": WAV}, REMIND)
    assert status == 400 and "not trained" in body["error"]
