"""Pronunciation dictionaries (CMUdict / Sphinx format).

``Dictionary.load(path, phones=model)`` reads a dictionary, checks every
phone against the acoustic model's phone set and adds the model's noise
dictionary (``<sil>``, ``[NOISE]``, ...). The first load of a large text
dictionary compiles it into a binary cache; later loads read the cache
(milliseconds instead of a parse). Caches are written atomically (temporary
file + ``os.replace``) and keyed by the source file's path, size and
modification time and by the phone set, so an edited dictionary or another
model never picks up a stale cache.
"""
from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Iterable, Optional, Sequence, Union

from . import _core, limits
from .cache import atomic_write, default_cache_dir
from .errors import FormatError, InvalidArgumentError, NotFoundError
from .model import default_dictionary_path
from .validation import check_instance, check_path, checked_arguments, checked_init, describe_value

if TYPE_CHECKING:
    from .acoustic import AcousticModel

_CACHE_FORMAT = "asrdict-1"


@dataclass(frozen=True)
class Pronunciation:
    """One pronunciation of a word."""

    word: str  #: base word, e.g. ``"was"``
    variant: int  #: 1 for ``was``, 2 for ``was(2)``, ...
    phones: tuple[str, ...]
    filler: bool = False  #: silence or noise word from the noise dictionary

    @property
    def label(self) -> str:
        """The Sphinx spelling: ``was`` or ``was(2)``."""
        return self.word if self.variant == 1 else f"{self.word}({self.variant})"


def _file_identity(path: str) -> str:
    try:
        st = os.stat(path)
    except OSError as e:
        raise NotFoundError(f"cannot open '{path}': {e.strerror}") from None
    return f"{os.path.abspath(path)}|{st.st_size}|{st.st_mtime_ns}"


@checked_init
class Dictionary:
    """Words to pronunciations in one acoustic model's phone set.

    Lookups are thread-safe, also while :meth:`add_word` runs in another thread.
    """

    def __init__(self, native: "_core.Dictionary") -> None:
        check_instance(native, _core.Dictionary, "native (use Dictionary.load)", optional=False)
        self._native = native

    @classmethod
    @checked_arguments
    def load(
        cls,
        path: Optional[str] = None,
        phones: Union["AcousticModel", Sequence[str], None] = None,
        *,
        noise_dict: Optional[str] = None,
        cache: bool = True,
        cache_dir: Optional[str] = None,
    ) -> "Dictionary":
        """Load a dictionary.

        Args:
            path: text dictionary (default: pocketsphinx's ``cmudict-en-us.dict``).
            phones: the acoustic model (its phone set and noise dictionary are
                used) or a list of phone names. Default: the default model.
            noise_dict: filler dictionary; default the model's ``noisedict``.
            cache: compile to / load from a binary cache.
            cache_dir: where caches live (default :func:`default_cache_dir`).

        Raises:
            FormatError: a line uses a phone the model lacks (the message names
                the file, line and word), has no pronunciation, or repeats an entry.
            NotFoundError: the file does not exist.
        """
        path = default_dictionary_path() if path is None else limits.check_regular_file(
            check_path(path, "dictionary path"), "dictionary")
        if noise_dict is not None:
            noise_dict = limits.check_regular_file(check_path(noise_dict, "noise_dict"), "noise dictionary")
        if cache_dir is not None:
            cache_dir = check_path(cache_dir, "cache_dir")
        if not isinstance(cache, bool):
            raise InvalidArgumentError(f"cache must be True or False, got {describe_value(cache)}")
        phone_list, model_noise = _phone_set(phones)
        if noise_dict is None:
            noise_dict = model_noise
        if not cache:
            return cls(_core.Dictionary.load_text(path, phone_list, noise_dict or ""))
        cache_path = _cache_path(path, phone_list, noise_dict, cache_dir)
        if os.path.isfile(cache_path):
            try:
                return cls(_core.Dictionary.load_binary(cache_path, phone_list))
            except FormatError:
                pass  # damaged cache: rebuild it below
        native = _core.Dictionary.load_text(path, phone_list, noise_dict or "")
        _write_atomically(native, cache_path)
        return cls(native)

    @classmethod
    def empty(cls, phones: Union["AcousticModel", Sequence[str]]) -> "Dictionary":
        """A dictionary with no words (add them with :meth:`add_word`)."""
        phone_list, noise = _phone_set(phones)
        native = _core.Dictionary(phone_list)
        if noise:
            native.load_noise_dict(noise)
        return cls(native)

    @property
    def native(self) -> "_core.Dictionary":
        return self._native

    @property
    def phones(self) -> list[str]:
        return list(self._native.phones)

    @property
    def filler_words(self) -> list[str]:
        return list(self._native.filler_words)

    def lookup(self, word: str) -> list[list[str]]:
        """Phone lists of ``word`` (all variants, or just one for ``"word(2)"``); ``[]`` if unknown."""
        return [list(p) for _v, p, _f in self._native.lookup(word)]

    def pronunciations(self, word: str) -> list[Pronunciation]:
        """Like :meth:`lookup`, with variant numbers and filler flags."""
        base = word.split("(")[0] if word.endswith(")") else word
        return [Pronunciation(base, v, tuple(p), f) for v, p, f in self._native.lookup(word)]

    def add_word(self, word: str, phones: Union[str, Sequence[str]]) -> None:
        """Add a pronunciation (a new variant if ``word`` exists).

        Raises:
            InvalidArgumentError: empty word, or a phone outside the model's set.
        """
        if isinstance(phones, str):
            phones = phones.split()
        if not isinstance(word, str):
            raise InvalidArgumentError("word must be a string")
        if not isinstance(phones, (list, tuple)) or not all(isinstance(p, str) for p in phones):
            raise InvalidArgumentError("phones must be a string or a list of phone names")
        self._native.add_word(word, list(phones))

    def missing(self, words: Iterable[str]) -> list[str]:
        """The words (in order, without repeats) that have no pronunciation."""
        seen, out = set(), []
        for w in words:
            if w not in seen and not self._native.contains(w):
                out.append(w)
            seen.add(w)
        return out

    def save_cache(self, path: str) -> None:
        """Write the compiled dictionary (with added words) to ``path`` atomically."""
        _write_atomically(self._native, os.fspath(path), quiet=False)

    @classmethod
    def load_cache(cls, path: str, phones: Union["AcousticModel", Sequence[str]]) -> "Dictionary":
        """Load a file written by :meth:`save_cache`."""
        phone_list, _ = _phone_set(phones)
        return cls(_core.Dictionary.load_binary(os.fspath(path), phone_list))

    def __contains__(self, word: object) -> bool:
        return isinstance(word, str) and self._native.contains(word)

    def __len__(self) -> int:
        return len(self._native)

    def __repr__(self) -> str:
        return f"Dictionary({len(self)} words)"


def _phone_set(phones) -> tuple[list[str], Optional[str]]:
    if phones is None:
        from .acoustic import load_cached  # noqa: PLC0415 (avoid import cycle)

        phones = load_cached(None)
    if hasattr(phones, "phones") and hasattr(phones, "noise_dict_path"):
        return list(phones.phones), phones.noise_dict_path
    if not isinstance(phones, (list, tuple)) or not all(isinstance(p, str) for p in phones):
        raise InvalidArgumentError(f"phones must be an AcousticModel or a list of phone names, "
                                   f"got {describe_value(phones)}")
    phone_list = list(phones)
    if not phone_list:
        raise InvalidArgumentError("the phone set is empty")
    return phone_list, None


def _cache_path(path: str, phones: list[str], noise: Optional[str], cache_dir: Optional[str]) -> str:
    key = "\n".join([_CACHE_FORMAT, _file_identity(path), _file_identity(noise) if noise else "", " ".join(phones)])
    digest = hashlib.sha256(key.encode("utf-8")).hexdigest()[:24]
    name = os.path.basename(path)
    return os.path.join(cache_dir or default_cache_dir(), f"{name}.{digest}.bin")


def _write_atomically(native: "_core.Dictionary", target: str, quiet: bool = True) -> None:
    """Write a cache atomically. With ``quiet`` a cache that cannot be
    written is skipped: it only saves time."""
    try:
        atomic_write(target, native.save_binary)
    except Exception:
        if not quiet:
            raise
