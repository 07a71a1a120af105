"""``list_models`` / ``get_model``: the base models as ``SpeechModel`` JSON (§1.10).

``supported_features`` says what this engine does with each model, not what
IBM's did: ``custom_language_model`` and ``custom_acoustic_model`` always;
``speaker_labels`` when the engine labels speakers. ``low_latency`` is a next-generation feature and absent, as
it is for the service's previous-generation models.
"""
from __future__ import annotations

from typing import Mapping

from ..customization.base_models import BaseModel
from ..errors import NotFoundError


def speech_model_json(model: BaseModel, service_url: str, features: Mapping[str, bool]) -> dict:
    """One ``SpeechModel``."""
    return {
        "name": model.name,
        "language": model.language,
        "rate": int(model.rate),
        "url": f"{service_url.rstrip('/')}/v1/models/{model.name}",
        "supported_features": dict(features),
        "description": model.description or f"{model.language} model.",
    }


def list_models_json(models: Mapping[str, BaseModel], service_url: str, features: Mapping[str, bool]) -> dict:
    """``SpeechModels``: every base model, by name."""
    return {"models": [speech_model_json(m, service_url, features) for _n, m in sorted(models.items())]}


def get_model_json(models: Mapping[str, BaseModel], model_id: object, service_url: str,
                   features: Mapping[str, bool]) -> dict:
    """One model; 404 ``Model {model_id} not found``."""
    model = models.get(model_id) if isinstance(model_id, str) else None
    if model is None:
        raise NotFoundError(f"Model {model_id} not found")
    return speech_model_json(model, service_url, features)


__all__ = ["speech_model_json", "list_models_json", "get_model_json"]
