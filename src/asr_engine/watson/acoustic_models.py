"""The custom-acoustic-model methods of ``SpeechToTextV1`` (§3), as a mixin of
:class:`~asr_engine.watson.SpeechToText`.

Each method takes the SDK method's parameters and returns the service's JSON
body; the work is done by
:class:`asr_engine.customization.CustomAcousticModels`. ``add_audio`` honours
``X-Watson-Metadata: customer_id=...`` like the other data-adding methods.
:func:`acoustic_adaptation` resolves ``acoustic_customization_id`` for
``recognize`` (the base-model and version rules of §3.3), and
:func:`check_audio_rate` refuses audio sampled below the base model's rate
with the service's text.
"""
from __future__ import annotations

from typing import BinaryIO, Optional

from ..errors import InvalidArgumentError


def _opts(kwargs: dict, *, labelled: bool = False) -> Optional[str]:
    from .speech_to_text import _options  # the façade's one argument check

    return _options(kwargs, labelled=labelled)


class AcousticModelsMixin:
    """Custom acoustic models and their audio resources; needs ``self.owner``
    and ``self.acoustic_models`` (a ``CustomAcousticModels``)."""

    owner: str

    # -- custom acoustic models --------------------------------------------------

    def create_acoustic_model(self, name: str, base_model_name: str, *, description: Optional[str] = None,
                              **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.create_acoustic_model(self.owner, name, base_model_name,
                                                          description=description)

    def list_acoustic_models(self, *, language: Optional[str] = None, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.list_acoustic_models(self.owner, language=language)

    def get_acoustic_model(self, customization_id: str, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.get_acoustic_model(self.owner, customization_id)

    def delete_acoustic_model(self, customization_id: str, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.delete_acoustic_model(self.owner, customization_id)

    def train_acoustic_model(self, customization_id: str, *, custom_language_model_id: Optional[str] = None,
                             strict: Optional[bool] = None, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.train_acoustic_model(
            self.owner, customization_id, custom_language_model_id=custom_language_model_id, strict=strict)

    def reset_acoustic_model(self, customization_id: str, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.reset_acoustic_model(self.owner, customization_id)

    def upgrade_acoustic_model(self, customization_id: str, *, custom_language_model_id: Optional[str] = None,
                               force: Optional[bool] = None, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.upgrade_acoustic_model(
            self.owner, customization_id, custom_language_model_id=custom_language_model_id, force=force)

    # -- audio resources -----------------------------------------------------------

    def list_audio(self, customization_id: str, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.list_audio(self.owner, customization_id)

    def add_audio(self, customization_id: str, audio_name: str, audio_resource: BinaryIO, *,
                  content_type: Optional[str] = None, contained_content_type: Optional[str] = None,
                  allow_overwrite: Optional[bool] = None, **kwargs) -> dict:
        customer_id = _opts(kwargs, labelled=True)
        return self.acoustic_models.add_audio(
            self.owner, customization_id, audio_name, audio_resource, content_type=content_type,
            contained_content_type=contained_content_type, allow_overwrite=bool(allow_overwrite),
            customer_id=customer_id)

    def get_audio(self, customization_id: str, audio_name: str, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.get_audio(self.owner, customization_id, audio_name)

    def delete_audio(self, customization_id: str, audio_name: str, **kwargs) -> dict:
        _opts(kwargs)
        return self.acoustic_models.delete_audio(self.owner, customization_id, audio_name)


def acoustic_adaptation(service, owner: str, base, acoustic_customization_id: Optional[str],
                        base_model_version: Optional[str] = None):
    """The adapted acoustic model for ``acoustic_customization_id`` (None for
    none), after the rules of §3.3: the custom model must be trained, on
    ``base`` (the request's ``model``), and at ``base_model_version`` if one is given."""
    if base_model_version is not None and not isinstance(base_model_version, str):
        raise InvalidArgumentError("base_model_version must be a string")
    if acoustic_customization_id is None:
        if base_model_version is not None and base_model_version != base.version:
            raise InvalidArgumentError(f"The base model version '{base_model_version}' is not available for "
                                       f"{base.name}; its version is '{base.version}'.")
        return None
    row = service._fresh_row(owner, acoustic_customization_id)
    if row.base_model_name != base.name:
        raise InvalidArgumentError(
            f"The custom acoustic model '{row.id}' is based on {row.base_model_name}; it cannot be used with "
            f"{base.name}. Pass model='{row.base_model_name}'.")
    if base_model_version is not None and base_model_version not in row.versions:
        raise InvalidArgumentError(
            f"The custom acoustic model '{row.id}' cannot be used with base model version "
            f"'{base_model_version}'; its versions are {', '.join(row.versions)}.")
    return service.adapted_model(owner, row.id)


def check_audio_rate(base, audio, content_type: Optional[str]):
    """Decode ``audio`` keeping its rate; 400 with the service's text when it
    is sampled below the base model's rate (8 kHz audio and a broadband
    model: ``This 8000hz audio input requires a narrow band model.``)."""
    from ..audio import Audio, load_audio
    from ..customization.audio import below_rate_text

    decoded = audio if isinstance(audio, Audio) else load_audio(audio, content_type, sample_rate=None, allow_empty=True)
    if decoded.original_rate < base.rate:
        raise InvalidArgumentError(below_rate_text(decoded.original_rate, base.rate, base.name))
    return decoded


__all__ = ["AcousticModelsMixin", "acoustic_adaptation", "check_audio_rate"]
