"""Random ``recognize`` parameter combinations (hypothesis) and the checks
every response must pass: the SDK's ``SpeechRecognitionResults`` round trip
unchanged, and the interaction rules of §1.2 / §1.6. Shared by
``tests/test_watson_schema.py`` (a few examples) and
``benchmarks/bench_watson_schema.py`` (hundreds)."""
from __future__ import annotations

import re

from hypothesis import strategies as st
from ibm_watson import speech_to_text_v1 as sdk

from asr_engine.formatting import is_profane

_unit = st.floats(0.0, 1.0, allow_nan=False)
#: Optional parameters and their values (omitted ones take the defaults).
OPTIONAL = {
    "max_alternatives": st.integers(0, 5),
    "timestamps": st.booleans(),
    "word_confidence": st.booleans(),
    "profanity_filter": st.booleans(),
    "smart_formatting": st.booleans(),
    "redaction": st.booleans(),
    "speaker_labels": st.booleans(),
    "keywords": st.lists(st.sampled_from(["the", "one", "two", "hello world", "men", "zebra", "seven"]),
                         min_size=1, max_size=4, unique=True),
    "keywords_threshold": _unit,
    "word_alternatives_threshold": _unit,
    "end_of_phrase_silence_time": st.floats(0.0, 120.0, allow_nan=False),
    "split_transcript_at_phrase_end": st.booleans(),
    "speech_detector_sensitivity": _unit,
    "background_audio_suppression": _unit,
    "inactivity_timeout": st.integers(-1, 60).filter(bool),  # 0 is a 400
    "audio_metrics": st.booleans(),
    "low_latency": st.booleans(),
    "character_insertion_bias": st.floats(-1.0, 1.0, allow_nan=False),
}


@st.composite
def parameters(draw) -> dict:
    """A random combination: each optional parameter present or not."""
    chosen = draw(st.sets(st.sampled_from(sorted(OPTIONAL)), max_size=len(OPTIONAL)))
    params = {name: draw(OPTIONAL[name]) for name in sorted(chosen)}
    # keywords and keywords_threshold come together (alone is a 400, checked apart).
    if ("keywords" in params) != ("keywords_threshold" in params):
        params.pop("keywords", None)
        params.pop("keywords_threshold", None)
    return params


def check_response(body: dict, params: dict) -> None:
    """Every rule a response to ``params`` must meet."""
    assert sdk.SpeechRecognitionResults.from_dict(body).to_dict() == body
    assert body["result_index"] == 0
    redaction = params.get("redaction", False)
    smart = params.get("smart_formatting", False) or redaction
    max_alternatives = 1 if redaction else max(1, params.get("max_alternatives", 1))
    timestamps = params.get("timestamps", False) or params.get("speaker_labels", False)
    unknown = [n for n, s in (("low_latency", "low_latency"), ("character_insertion_bias", "lambdaBias"))
               if n in params]
    if unknown:
        expected = "Unknown arguments: " + ", ".join(
            "lambdaBias" if n == "character_insertion_bias" else n for n in sorted(unknown)) + "."
        assert expected in body.get("warnings", [])
    for result in body["results"]:
        assert result["final"] is True
        alternatives = result["alternatives"]
        assert 1 <= len(alternatives) <= max_alternatives
        for i, alt in enumerate(alternatives):
            text = alt["transcript"]
            assert text.endswith(" ") and text.strip() and "  " not in text
            assert ("confidence" in alt) == (i == 0) and (i == 0 or set(alt) == {"transcript"})
            if smart:
                assert "%HESITATION" not in text
            if redaction:
                assert not re.search(r"\d{3,}", text)
            if params.get("profanity_filter", True):
                assert not any(is_profane(w) for w in text.split())
        best = alternatives[0]
        assert ("timestamps" in best) == timestamps
        assert ("word_confidence" in best) == params.get("word_confidence", False)
        if timestamps:
            assert [t[0] for t in best["timestamps"]] == best["transcript"].split()
            assert all(round(t[1], 2) == t[1] and round(t[2], 2) == t[2] and t[1] <= t[2]
                       for t in best["timestamps"])
        if "word_confidence" in best:
            assert [w[0] for w in best["word_confidence"]] == best["transcript"].split()
            assert all(0.0 <= w[1] <= 1.0 for w in best["word_confidence"])
        if redaction or "keywords" not in params:
            assert "keywords_result" not in result
        if "keywords_result" in result:
            for key, matches in result["keywords_result"].items():
                assert key in params["keywords"]
                assert all(m["confidence"] >= params["keywords_threshold"] - 0.005 for m in matches)
        if "word_alternatives_threshold" not in params:
            assert "word_alternatives" not in result
        if "word_alternatives" in result:
            for b in result["word_alternatives"]:
                confs = [a["confidence"] for a in b["alternatives"]]
                assert confs == sorted(confs, reverse=True)
        if "end_of_utterance" in result:
            assert params.get("split_transcript_at_phrase_end")
    if "speaker_labels" in body:
        assert params.get("speaker_labels")
    if "audio_metrics" in body:
        assert params.get("audio_metrics")
