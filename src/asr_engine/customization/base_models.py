"""Base models that custom models are created on.

A :class:`BaseModel` names the files of one Sphinx-format model (acoustic
model directory, pronunciation dictionary, n-gram LM) under a service name
such as ``en-US_BroadbandModel``. Its :attr:`~BaseModel.version` is derived
from the files' content, so a changed model gets a new version and custom
models built on the old one can be upgraded. ``en-US_NarrowbandModel`` is
the broadband model's narrowband derivative (:mod:`asr_engine.adapt.narrowband`,
8 kHz front end, channel-adapted Gaussians), sharing its dictionary and LM.
"""
from __future__ import annotations

import hashlib
import os
import threading
from dataclasses import dataclass, field
from typing import Mapping, Optional

from ..errors import InvalidArgumentError, NotFoundError

_digests: dict[str, str] = {}
_digest_lock = threading.Lock()


def _file_digest(path: str) -> str:
    st = os.stat(path)
    key = f"{os.path.abspath(path)}|{st.st_size}|{st.st_mtime_ns}"
    with _digest_lock:
        cached = _digests.get(key)
    if cached is not None:
        return cached
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    digest = h.hexdigest()
    with _digest_lock:
        _digests[key] = digest
    return digest


@dataclass
class BaseModel:
    """One base model: its service name, language, rate and files."""

    name: str  #: e.g. ``en-US_BroadbandModel``
    language: str  #: e.g. ``en-US``
    rate: int  #: minimum sampling rate in Hz
    model_dir: Optional[str] = None  #: acoustic model directory (None: pocketsphinx's en-us)
    dictionary: Optional[str] = None  #: pronunciation dictionary (None: cmudict-en-us.dict)
    language_model: Optional[str] = None  #: n-gram LM file (None: en-us.lm.bin)
    description: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)
    _recognizer: object = field(default=None, repr=False, compare=False)
    _dictionary: object = field(default=None, repr=False, compare=False)

    def files(self) -> list[str]:
        """The files whose content defines the model, in a fixed order."""
        from ..lm import default_lm_path
        from ..model import default_dictionary_path, default_model_dir

        model_dir = self.model_dir or default_model_dir()
        am = sorted(os.path.join(model_dir, f) for f in os.listdir(model_dir)
                    if os.path.isfile(os.path.join(model_dir, f)))
        return am + [self.dictionary or default_dictionary_path(),
                     os.fspath(self.language_model or default_lm_path())]

    @property
    def version(self) -> str:
        """``<name>.v<12 hex digits>``: a digest of the files' names and content."""
        h = hashlib.sha256()
        for path in self.files():
            h.update(os.path.basename(path).encode("utf-8") + b"\0")
            h.update(_file_digest(path).encode("ascii"))
        return f"{self.name}.v{h.hexdigest()[:12]}"

    def recognizer(self):
        """The shared :class:`asr_engine.Recognizer` of this model (built once)."""
        with self._lock:
            if self._recognizer is None:
                from ..recognizer import Recognizer

                self._recognizer = Recognizer(self.model_dir, self.dictionary, self.language_model)
            return self._recognizer

    def language_model_object(self):
        """The base n-gram LM (the recognizer's when it is loaded)."""
        with self._lock:
            if self._recognizer is not None:
                return self._recognizer.language_model
        from ..lm import load_cached, load_default_lm

        return load_default_lm() if self.language_model is None else load_cached(self.language_model)

    def vocabulary(self):
        """The base pronunciation dictionary (what is *in* vocabulary), loaded
        on its own so that corpus analysis need not build a recognizer."""
        with self._lock:
            if self._recognizer is not None:
                return self._recognizer.dictionary
            if self._dictionary is None:
                from ..acoustic import load_cached
                from ..dictionary import Dictionary

                self._dictionary = Dictionary.load(self.dictionary, load_cached(self.model_dir))
            return self._dictionary


def default_base_models() -> dict[str, BaseModel]:
    """``en-US_BroadbandModel`` and ``en-US_NarrowbandModel`` on the default files."""
    broadband = BaseModel("en-US_BroadbandModel", "en-US", 16000,
                          description="US English broadband model.")
    narrowband = BaseModel("en-US_NarrowbandModel", "en-US", 8000,
                           description="US English narrowband model (8 kHz, derived from the broadband one).")
    # The narrowband recognizer is the broadband one's 8 kHz derivative (same dictionary and LM).
    narrowband.recognizer = lambda: broadband.recognizer().narrowband()  # type: ignore[method-assign]
    narrowband.files = lambda: broadband.files() + _narrowband_files()  # type: ignore[method-assign]
    narrowband.vocabulary = broadband.vocabulary  # type: ignore[method-assign]
    narrowband.language_model_object = broadband.language_model_object  # type: ignore[method-assign]
    return {m.name: m for m in (broadband, narrowband)}


def _narrowband_files() -> list[str]:
    from ..adapt.narrowband import CLASSES_FILE, TRANSFORM_FILE

    return [str(TRANSFORM_FILE), str(CLASSES_FILE)]


_default: Optional[dict[str, BaseModel]] = None
_default_lock = threading.Lock()


def shared_base_models() -> dict[str, BaseModel]:
    """The process-wide default registry (one loaded recognizer per file set)."""
    global _default
    with _default_lock:
        if _default is None:
            _default = default_base_models()
        return _default


def lookup(models: Mapping[str, BaseModel], name) -> BaseModel:
    """The base model called ``name``; 404 ``Model {name} not found`` otherwise."""
    if not isinstance(name, str) or not name:
        raise InvalidArgumentError("base_model_name is required")
    model = models.get(name)
    if model is None:
        raise NotFoundError(f"Model {name} not found")
    return model
