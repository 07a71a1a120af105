"""The first ``recognize`` of the Watson façade: base or custom language
model, ``customization_weight``, ``grammar_name``; the basic result JSON.

The recognizer for a custom model comes from the engine
(``Recognizer.customized``, which caches its search network per trained
model and weight); the façade only resolves ids to trained artifacts and
shapes the JSON.
"""
from __future__ import annotations

from typing import Optional

from ..customization.base_models import lookup
from ..customization.training import check_weight
from ..errors import InvalidArgumentError
from .acoustic_models import acoustic_adaptation, check_audio_rate

DEFAULT_MODEL = "en-US_BroadbandModel"

def results_json(result) -> dict:
    """A :class:`asr_engine.Result` as ``SpeechRecognitionResults`` (one final
    result per phrase; transcripts end with a space, as the service's do)."""
    phrases = getattr(result, "phrases", None) or [result]
    results = []
    for phrase in phrases:
        if not phrase.transcript:
            continue
        alternative = {"transcript": phrase.transcript + " "}
        if phrase.confidence is not None:
            alternative["confidence"] = round(float(phrase.confidence), 2)
        results.append({"alternatives": [alternative], "final": True})
    return {"result_index": 0, "results": results}


def recognize_json(service, owner: str, audio, content_type: Optional[str] = None, *, model: Optional[str] = None,
                   language_customization_id: Optional[str] = None, customization_weight: Optional[float] = None,
                   grammar_name: Optional[str] = None, acoustic=(None, None, None)) -> dict:
    base = lookup(service.base_models, model or DEFAULT_MODEL)
    am_service, am_id, version = acoustic
    adaptation = acoustic_adaptation(am_service, owner, base, am_id, version) if am_service else None
    audio, content_type = check_audio_rate(base, audio, content_type), None
    if language_customization_id is None:
        if customization_weight is not None:
            raise InvalidArgumentError("Cannot specify customization weight when not using customization.")
        if grammar_name is not None:
            raise InvalidArgumentError("grammar_name needs a language_customization_id.")
        return results_json(base.recognizer().recognize(audio, content_type, adaptation=adaptation))
    weight = check_weight(customization_weight)
    trained = service.trained_customization(owner, language_customization_id)
    if trained.base_model_name != base.name:
        raise InvalidArgumentError(
            f"The custom language model '{trained.customization_id}' is based on {trained.base_model_name}; "
            f"it cannot be used with {base.name}. Pass model='{trained.base_model_name}'.")
    recognizer = base.recognizer().customized(
        trained.custom_lm(), trained.customization_weight if weight is None else weight)
    grammar = trained.grammar(grammar_name) if grammar_name is not None else None
    if grammar is not None:
        return results_json(recognizer.recognize(audio, content_type, grammar=grammar, adaptation=adaptation))
    return results_json(recognizer.recognize(audio, content_type, adaptation=adaptation))
