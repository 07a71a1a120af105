"""``SpeechToText``: the custom-language-model methods of ``SpeechToTextV1``;
the recognition methods come from :class:`.recognize_methods.RecognitionMethods`.

Every method takes the parameters of the SDK method of the same name. The
SDK's ``headers`` keyword is honoured for ``X-Watson-Metadata:
customer_id=...`` (the data-labelling header of §4); ``customer_id=`` may be
given directly instead. Other unknown keyword arguments of the
customization methods are refused (400), since offline there is no HTTP
request to carry them; recognition reports them as the service's warnings.
"""
from __future__ import annotations

from typing import Any, BinaryIO, List, Mapping, Optional

from ..customization import CustomAcousticModels, CustomLanguageModels, Store
from ..customization.base_models import BaseModel
from ..errors import InvalidArgumentError
from .acoustic_models import AcousticModelsMixin
from .recognize_methods import RecognitionMethods


def customer_id_from_headers(headers: Optional[Mapping[str, str]]) -> Optional[str]:
    """The ``customer_id`` of an ``X-Watson-Metadata`` header, if any."""
    if not headers:
        return None
    for key, value in headers.items():
        if key.lower() != "x-watson-metadata":
            continue
        for part in str(value).split(";"):
            name, _, cid = part.strip().partition("=")
            if name.strip() == "customer_id":
                cid = cid.strip()
                if not cid or "=" in cid:
                    raise InvalidArgumentError("X-Watson-Metadata: customer_id must be a non-empty value "
                                               "without ';' or '='")
                return cid
        raise InvalidArgumentError("X-Watson-Metadata must have the form 'customer_id={id}'")
    return None


def _options(kwargs: dict, *, labelled: bool = False) -> Optional[str]:
    """Check the SDK's extra keyword arguments; returns the customer id."""
    headers = kwargs.pop("headers", None)
    customer_id = kwargs.pop("customer_id", None) if labelled else None
    unknown = sorted(kwargs)
    if unknown:
        raise InvalidArgumentError(f"Unknown arguments: {', '.join(unknown)}.")
    from_header = customer_id_from_headers(headers) if labelled else None
    return customer_id if customer_id is not None else from_header


class SpeechToText(AcousticModelsMixin, RecognitionMethods):
    """An offline ``ibm_watson.SpeechToTextV1``.

    Args:
        store: the customization :class:`~asr_engine.customization.Store`
            (default: the store at ``$ASR_ENGINE_HOME``).
        owner: whose custom models this client sees (the service instance of
            the credentials, in IBM's terms).
        base_models: ``{name: BaseModel}`` (default: ``en-US_BroadbandModel``,
            ``en-US_NarrowbandModel``).
        service_url: the base of the ``url`` fields (models, jobs), e.g. the
            address of a server that wraps this client.
        jobs: the :class:`~asr_engine.watson.jobs.JobManager` for
            ``create_job`` and friends, e.g. one shared by a server's clients
            (default: one of this client's own, started on first use).
    """

    def __init__(self, store: Optional[Store] = None, owner: str = "default", *,
                 base_models: Optional[Mapping[str, BaseModel]] = None, service_url: str = "",
                 jobs: Optional[Any] = None) -> None:
        if not isinstance(owner, str) or not owner:
            raise InvalidArgumentError("owner must be a non-empty string")
        if not isinstance(service_url, str):
            raise InvalidArgumentError("service_url must be a string")
        self.owner = owner
        self.service_url = service_url
        if jobs is not None:
            self._job_manager = jobs
        self.language_models = CustomLanguageModels(store, base_models)
        self.acoustic_models = CustomAcousticModels(language_models=self.language_models)

    @property
    def store(self) -> Store:
        return self.language_models.store

    # -- custom language models ------------------------------------------------

    def create_language_model(self, name: str, base_model_name: str, *, dialect: Optional[str] = None,
                              description: Optional[str] = None, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.create_language_model(self.owner, name, base_model_name, dialect=dialect,
                                                          description=description)

    def list_language_models(self, *, language: Optional[str] = None, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.list_language_models(self.owner, language=language)

    def get_language_model(self, customization_id: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.get_language_model(self.owner, customization_id)

    def delete_language_model(self, customization_id: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.delete_language_model(self.owner, customization_id)

    def train_language_model(self, customization_id: str, *, word_type_to_add: Optional[str] = None,
                             customization_weight: Optional[float] = None, strict: Optional[bool] = None,
                             force: Optional[bool] = None, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.train_language_model(
            self.owner, customization_id, word_type_to_add=word_type_to_add,
            customization_weight=customization_weight, strict=strict, force=force)

    def reset_language_model(self, customization_id: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.reset_language_model(self.owner, customization_id)

    def upgrade_language_model(self, customization_id: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.upgrade_language_model(self.owner, customization_id)

    # -- corpora ------------------------------------------------------------------

    def list_corpora(self, customization_id: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.list_corpora(self.owner, customization_id)

    def add_corpus(self, customization_id: str, corpus_name: str, corpus_file: BinaryIO, *,
                   allow_overwrite: Optional[bool] = None, **kwargs) -> dict:
        customer_id = _options(kwargs, labelled=True)
        return self.language_models.add_corpus(self.owner, customization_id, corpus_name, corpus_file,
                                               allow_overwrite=bool(allow_overwrite), customer_id=customer_id)

    def get_corpus(self, customization_id: str, corpus_name: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.get_corpus(self.owner, customization_id, corpus_name)

    def delete_corpus(self, customization_id: str, corpus_name: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.delete_corpus(self.owner, customization_id, corpus_name)

    # -- words --------------------------------------------------------------------

    def list_words(self, customization_id: str, *, word_type: Optional[str] = None, sort: Optional[str] = None,
                   **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.list_words(self.owner, customization_id, word_type=word_type, sort=sort)

    def add_words(self, customization_id: str, words: List[Any], **kwargs) -> dict:
        customer_id = _options(kwargs, labelled=True)
        return self.language_models.add_words(self.owner, customization_id, words, customer_id=customer_id)

    def add_word(self, customization_id: str, word_name: str, *, word: Optional[str] = None,
                 mapping_only: Optional[List[str]] = None, sounds_like: Optional[List[str]] = None,
                 display_as: Optional[str] = None, **kwargs) -> dict:
        customer_id = _options(kwargs, labelled=True)
        return self.language_models.add_word(self.owner, customization_id, word_name, word=word,
                                             sounds_like=sounds_like, display_as=display_as,
                                             mapping_only=mapping_only, customer_id=customer_id)

    def get_word(self, customization_id: str, word_name: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.get_word(self.owner, customization_id, word_name)

    def delete_word(self, customization_id: str, word_name: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.delete_word(self.owner, customization_id, word_name)

    # -- grammars -----------------------------------------------------------------

    def list_grammars(self, customization_id: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.list_grammars(self.owner, customization_id)

    def add_grammar(self, customization_id: str, grammar_name: str, grammar_file: BinaryIO, content_type: str,
                    *, allow_overwrite: Optional[bool] = None, **kwargs) -> dict:
        customer_id = _options(kwargs, labelled=True)
        return self.language_models.add_grammar(self.owner, customization_id, grammar_name, grammar_file,
                                                content_type, allow_overwrite=bool(allow_overwrite),
                                                customer_id=customer_id)

    def get_grammar(self, customization_id: str, grammar_name: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.get_grammar(self.owner, customization_id, grammar_name)

    def delete_grammar(self, customization_id: str, grammar_name: str, **kwargs) -> dict:
        _options(kwargs)
        return self.language_models.delete_grammar(self.owner, customization_id, grammar_name)

    # -- user data ------------------------------------------------------------------

    def delete_user_data(self, customer_id: str, **kwargs) -> dict:
        _options(kwargs)
        body = self.language_models.delete_user_data(self.owner, customer_id)
        self._purge_jobs(customer_id)
        return body
