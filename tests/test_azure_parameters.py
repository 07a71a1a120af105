"""The ``Pronunciation-Assessment`` header and the request parameters of the
Azure façade: decoding, defaults, and a 400 that says what to fix for every
malformed value. No audio is recognized here (the checks come first)."""
from __future__ import annotations

import base64
import json

import pytest

from asr_engine import AsrError
from asr_engine.azure import AssessmentParameters, SpeechService, encode_assessment_header, parse_assessment
from asr_engine.azure.assessment_parameters import MAX_HEADER_CHARS, MAX_REFERENCE_CHARS

DOCUMENTED = {"ReferenceText": "Good morning.", "GradingSystem": "HundredMark", "Granularity": "FullText",
              "Dimension": "Comprehensive"}


def b64(text: str | bytes) -> str:
    return base64.b64encode(text.encode("utf-8") if isinstance(text, str) else text).decode("ascii")


def error_of(call, *args, **kwargs) -> AsrError:
    with pytest.raises(AsrError) as info:
        call(*args, **kwargs)
    return info.value


def test_documented_header_decodes():
    header = b64(json.dumps(DOCUMENTED))
    p = parse_assessment(header)
    assert p == AssessmentParameters("Good morning.", "HundredMark", "FullText", "Comprehensive")
    assert parse_assessment(header.encode("ascii")) == p  # bytes, as a server may pass them
    assert parse_assessment(DOCUMENTED) == p  # the dict form
    assert parse_assessment(encode_assessment_header(DOCUMENTED)) == p


def test_defaults_are_the_services():
    p = parse_assessment({"ReferenceText": "hello"})
    assert (p.grading_system, p.granularity, p.dimension, p.enable_miscue, p.phoneme_alphabet,
            p.nbest_phoneme_count, p.scenario_id) == ("FivePoint", "Phoneme", "Basic", False, "SAPI", 0, None)


def test_sdk_spelling_and_loose_values():
    # The Speech SDKs serialize the same JSON in camelCase, and the
    # documentation writes booleans as True/False.
    sdk = {"referenceText": "hello", "gradingSystem": "hundredmark", "granularity": "word",
           "dimension": "comprehensive", "enableMiscue": "True", "phonemeAlphabet": "ipa",
           "nbestPhonemeCount": 5, "scenarioId": "B6D1BD07-0DA1-44C6-BC45-8D3DAD0D9A3E"}
    p = parse_assessment(b64(json.dumps(sdk)).rstrip("="))  # unpadded base64 too
    assert p == AssessmentParameters("hello", "HundredMark", "Word", "Comprehensive", True,
                                     "b6d1bd07-0da1-44c6-bc45-8d3dad0d9a3e", "IPA", 5)
    assert parse_assessment({"ReferenceText": "x", "EnableMiscue": "false", "NBestPhonemeCount": "3"}) \
        .nbest_phoneme_count == 3
    assert parse_assessment(b64("\ufeff" + json.dumps({"ReferenceText": "ça va"}))).reference_text == "ça va"
    assert parse_assessment({"ReferenceText": "x", "EnableProsodyAssessment": False}).reference_text == "x"


@pytest.mark.parametrize("value, fix", [
    ("not base64 at all!", "not valid base64"),
    (b64(b"\xff\xfe\x00"), "UTF-8"),
    (b64("{ReferenceText: 'Good morning.'}"), "valid JSON"),
    (b64('["Good morning."]'), "JSON object"),
    (b64("null"), "JSON object"),
    ("", "empty"),
    ("A" * (MAX_HEADER_CHARS + 4), "shorten ReferenceText"),
    ("ümlaut", "base64"),
])
def test_malformed_header(value, fix):
    e = error_of(parse_assessment, value)
    assert e.code == 400 and fix in e.message and "Pronunciation-Assessment" in e.message


@pytest.mark.parametrize("params, fix", [
    ({}, "ReferenceText is required"),
    ({"ReferenceText": ""}, "ReferenceText is empty"),
    ({"ReferenceText": "  \n"}, "ReferenceText is empty"),
    ({"ReferenceText": 42}, "ReferenceText must be a string"),
    ({"ReferenceText": "x" * (MAX_REFERENCE_CHARS + 1)}, f"more than the {MAX_REFERENCE_CHARS}"),
    ({"ReferenceText": "a", "GradingSystem": "TenPoint"}, "GradingSystem must be one of HundredMark, FivePoint"),
    ({"ReferenceText": "a", "GradingSystem": 100}, "GradingSystem must be one of"),
    ({"ReferenceText": "a", "Granularity": "Syllable"}, "Granularity must be one of Phoneme, Word, FullText"),
    ({"ReferenceText": "a", "Dimension": "Full"}, "Dimension must be one of Basic, Comprehensive"),
    ({"ReferenceText": "a", "EnableMiscue": "yes"}, "EnableMiscue must be true or false"),
    ({"ReferenceText": "a", "EnableMiscue": 1}, "EnableMiscue must be true or false"),
    ({"ReferenceText": "a", "ScenarioId": "my-scenario"}, "ScenarioId must be a GUID"),
    ({"ReferenceText": "a", "PhonemeAlphabet": "XSAMPA"}, "PhonemeAlphabet must be one of SAPI, IPA"),
    ({"ReferenceText": "a", "NBestPhonemeCount": -1}, "NBestPhonemeCount must be an integer from 0 to 10"),
    ({"ReferenceText": "a", "NBestPhonemeCount": 11}, "NBestPhonemeCount must be an integer from 0 to 10"),
    ({"ReferenceText": "a", "NBestPhonemeCount": 2.5}, "NBestPhonemeCount must be an integer"),
    ({"ReferenceText": "a", "NBestPhonemeCount": True}, "NBestPhonemeCount must be an integer"),
    ({"ReferenceText": "a", "Granularty": "Word"}, "did you mean Granularity?"),
    ({"ReferenceText": "a", "referencetext": "b"}, "ReferenceText twice"),
    ({"ReferenceText": "a", "EnableProsodyAssessment": True}, "EnableProsodyAssessment is not supported"),
])
def test_bad_parameter_values(params, fix):
    for form in (params, b64(json.dumps(params))):
        e = error_of(parse_assessment, form)
        assert e.code == 400 and fix in e.message, e.message


def test_pronunciation_assessment_argument_type():
    e = error_of(parse_assessment, 12)
    assert e.code == 400 and "dict of the parameters or the base64" in e.message


# -- request parameters (checked before any audio is decoded) ------------------------


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    from asr_engine.customization import Store

    return SpeechService(Store(tmp_path_factory.mktemp("store")), owner="azure-params")


WAV = "audio/wav; codecs=audio/pcm; samplerate=16000"


@pytest.mark.parametrize("query, headers, code, fix", [
    ({}, {"Content-Type": WAV}, 400, "language parameter is required"),
    ({"language": ""}, {"Content-Type": WAV}, 400, "language parameter is required"),
    ({"language": "fr-FR"}, {"Content-Type": WAV}, 400, "'fr-FR' is not supported; supported: en-US"),
    ({"language": "en_US;drop"}, {"Content-Type": WAV}, 400, "locale such as en-US"),
    ({"language": ["en-US", "de-DE"]}, {"Content-Type": WAV}, 400, "given once"),
    ({"language": "en-US", "format": "verbose"}, {"Content-Type": WAV}, 400, "format must be one of simple, detailed"),
    ({"language": "en-US", "profanity": "none"}, {"Content-Type": WAV}, 400,
     "profanity must be one of masked, removed, raw"),
    ({"language": "en-US", "wordLevelTimestamps": "yes"}, {"Content-Type": WAV}, 400,
     "wordLevelTimestamps must be true or false"),
    ({"language": "en-US"}, {}, 400, "Content-Type header is required"),
    ({"language": "en-US"}, {"Content-Type": "text/plain"}, 415, "unsupported content type"),
    ({"language": "en-US"}, {"Content-Type": WAV, "Pronunciation-Assessment": "%%%"}, 400, "not valid base64"),
    ({"language": "en-US"}, {"Content-Type": WAV, "Pronunciation-Assessment": b64('{"ReferenceText": ""}')}, 400,
     "ReferenceText is empty"),
    ({"language": "en-US"}, {"Content-Type": WAV, "Pronunciation-Assessment":
                             b64('{"ReferenceText": "a", "GradingSystem": "Stars"}')}, 400, "GradingSystem"),
])
def test_bad_request_parameters(service, query, headers, code, fix):
    body = b"RIFF" + b"\0" * 100
    status, out = service.handle(query, headers, body)
    assert status == code and out["code"] == code and fix in out["error"], out
    assert set(out) == {"error", "code"}


def test_bad_python_arguments(service):
    for kwargs, fix in [
        (dict(language=None), "language parameter is required"),
        (dict(language=3), "locale such as en-US"),
        (dict(format=None), "format must be one of"),
        (dict(profanity=True), "profanity must be one of"),
        (dict(word_level_timestamps="true"), "word_level_timestamps must be True or False"),
        (dict(cid=7), "cid must be a custom model id"),
        (dict(pronunciation_assessment=["Good morning."]), "dict of the parameters"),
    ]:
        e = error_of(service.recognize, b"RIFF", "audio/wav", **kwargs)
        assert e.code == 400 and fix in e.message, e.message


def test_bad_service_options():
    for kwargs in (dict(owner=""), dict(initial_silence_timeout=0), dict(max_audio_seconds=float("inf")),
                   dict(max_assessed_audio_seconds="30")):
        assert error_of(SpeechService, **kwargs).code == 400
