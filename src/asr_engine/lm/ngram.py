"""Native n-gram model (KenLM back-off semantics) and the default-LM cache.

Scores returned to Python are log10, like ``kenlm.Model``:

* ``score(sentence, bos=True, eos=True)`` - log10 P of a whitespace-split
  sentence (``</s>`` added when ``eos``; conditioned on ``<s>`` when ``bos``).
* ``score_batch(sentences, bos=True, eos=True)`` - numpy array, GIL released.
* ``full_scores(sentence, bos=True, eos=True)`` - ``[(log10 p, ngram_length, oov)]``.
* ``perplexity(sentence)``.
* State API for search: ``begin_state()``, ``null_state()``,
  ``score_word(state, word) -> (log10 p, next_state)``, ``final(state)``.
* Vocabulary: ``index(word)`` (the ``<unk>`` id if unknown), ``word(id)``,
  ``words()``, ``vocab_size``, ``word in model``.
"""
from __future__ import annotations

import gzip
import hashlib
import os
import logging
from pathlib import Path
from typing import Union

from ..cache import atomic_write, default_cache_dir
from .. import _core, limits
from ..errors import FormatError, InvalidArgumentError

_lm = _core.lm

State = _lm.State
WordSequenceModel = _lm.WordSequenceModel
FORMAT_VERSION: int = _lm.FORMAT_VERSION

PathLike = Union[str, "os.PathLike[str]"]


class BoostMixin:
    """Adds :meth:`with_boosts` to word-sequence models."""

    def with_boosts(self, words=None, phrases=None):
        """This model with per-word / per-phrase log10 bonuses (see :func:`with_boosts`)."""
        from .combine import with_boosts

        return with_boosts(self, words=words, phrases=phrases)


class NgramModel(BoostMixin, _lm.NgramModel):
    """Back-off n-gram language model (orders 1-6) with KenLM's semantics.

    Construct with :meth:`load` (ARPA, ARPA.gz, Sphinx ``lm.bin`` or our
    binary, recognised by content), :meth:`from_arpa_text`, or
    :func:`asr_engine.lm.train_ngram`. Our binary format is memory-mapped,
    so loading it is nearly free and only the pages that scoring touches
    become resident (the default LM is ~36 MB); ``save`` writes it.
    """

    def __init__(self, source: Union[PathLike, "_lm.BuiltImage"], *, verify_checksum: bool = True) -> None:
        if isinstance(source, _lm.BuiltImage):
            super().__init__(source)
        else:
            super().__init__(os.fspath(source), verify_checksum)

    @classmethod
    def load(cls, path: PathLike, *, verify_checksum: bool = True) -> "NgramModel":
        """Open an LM file of any supported kind.

        Args:
            path: ARPA (optionally gzip-compressed), Sphinx ``lm.bin``, or a
                file written by :meth:`save`.
            verify_checksum: hash all of our binary format on load to
                detect corruption (a few ms for the default LM, and every
                page becomes resident). Without it the header, vocabulary,
                unigrams and codebooks are still checksummed and checked, and
                the n-gram records are read through range-clamping accessors,
                so a corrupt file may score wrongly but never crashes.

        Raises:
            NotFoundError: the file does not exist.
            InvalidArgumentError: the path is a directory, device or FIFO.
            FormatError: the file is malformed (message names file and line).
            PayloadTooLargeError: it decompresses to more than
                :data:`asr_engine.limits.MAX_MODEL_FILE_BYTES`.
        """
        path = limits.check_regular_file(path, "language model")
        with open(path, "rb") as f:
            head = f.read(2)
        if head == b"\x1f\x8b":
            return cls.from_arpa_text(_gunzip(path, limits.MAX_MODEL_FILE_BYTES), name=path)
        return cls(path, verify_checksum=verify_checksum)

    @classmethod
    def from_arpa_text(cls, text: Union[str, bytes], name: str = "<arpa text>") -> "NgramModel":
        """Build a model from ARPA text (or its UTF-8 bytes) held in memory."""
        if isinstance(text, str):
            text = text.encode("utf-8", errors="surrogateescape")
        elif isinstance(text, (bytearray, memoryview)):
            text = bytes(text)
        elif not isinstance(text, bytes):
            raise InvalidArgumentError(f"ARPA text must be str or bytes, not {type(text).__name__}")
        return cls(_lm.build_from_arpa_text(text, str(name)))

    def save(self, path: PathLike) -> None:
        """Write our memory-mappable binary format (atomically)."""
        view, owner = self.image_view()

        def write(tmp: str) -> None:
            with open(tmp, "wb") as f:
                f.write(view)

        try:
            atomic_write(path, write)
        finally:
            view.release()
            del owner

    def write_arpa(self, path: PathLike) -> None:
        """Write the model as ARPA text (log10), atomically."""
        atomic_write(path, lambda tmp: super(NgramModel, self).write_arpa(tmp))

    def __repr__(self) -> str:
        return f"<NgramModel order={self.order} counts={self.counts} from {self.name!r}>"


def _gunzip(path: str, max_bytes: int) -> bytes:
    """A gzip file's content, at most ``max_bytes`` of it (a small file can
    inflate a thousandfold)."""
    from ..errors import PayloadTooLargeError

    out = bytearray()
    try:
        with gzip.open(path, "rb") as f:
            # In chunks: read(n) would reserve n bytes up front.
            while chunk := f.read(1 << 20):
                out += chunk
                if len(out) > max_bytes:
                    raise PayloadTooLargeError(f"{path}: decompresses to more than {max_bytes} bytes")
    except (OSError, EOFError, gzip.BadGzipFile) as e:
        raise FormatError(f"{path}: not a readable gzip file ({e})") from None
    return bytes(out)


def default_lm_path() -> Path:
    """Path of ``en-us.lm.bin`` inside the installed pocketsphinx package."""
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us" / "en-us.lm.bin"


def load_cached(path: PathLike, cache_dir: PathLike | None = None, *, verify_checksum: bool = False) -> NgramModel:
    """Load an ARPA/lm.bin LM through a binary cache file.

    The first call compiles ``path`` and writes ``<cache_dir>/lm/<name>.<key>.asrlm``
    (atomically: temp file + ``os.replace``); later calls memory-map it.
    The key covers the source's absolute path, size and mtime and the
    format version, so a changed source or engine gets a fresh cache. An
    unreadable or corrupt cache file is rebuilt; if the cache cannot be
    written the compiled model is returned anyway (with a warning).

    What a cache hit verifies: by default the header (its own checksum,
    format version, section sizes against the file size, so truncation is
    caught) and the checksum and invariants of the small index sections
    (vocabulary, unigrams, directories, codebooks: about 7 MB of the 36 MB
    default LM). The n-gram records are not read at load - only the pages
    scoring touches become resident - and every field read from them is
    clamped to its valid range, so corruption there can give wrong scores
    but never a crash. ``verify_checksum=True`` also hashes the whole file
    (a few ms for the default LM, and all of it becomes resident).
    """
    src = Path(limits.check_regular_file(path, "language model")).resolve()
    st = src.stat()
    key = hashlib.sha1(f"{src}|{st.st_size}|{st.st_mtime_ns}|v{FORMAT_VERSION}".encode()).hexdigest()[:16]
    directory = Path(cache_dir) if cache_dir is not None else default_cache_dir()
    cache = directory / "lm" / f"{src.name}.{key}.asrlm"
    if cache.exists():
        try:
            return NgramModel(cache, verify_checksum=verify_checksum)
        except FormatError:
            pass  # corrupt or from another version: rebuild below
    model = NgramModel.load(src)
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        model.save(cache)
    except OSError as e:
        logging.getLogger("asr_engine").warning("cannot write LM cache %s: %s", cache, e)
        return model
    # Serve from the mapping: its pages are shared, reclaimable and only
    # resident where scoring touches them.
    return NgramModel(cache, verify_checksum=False)


def load_default_lm(cache_dir: PathLike | None = None, *, verify_checksum: bool = False) -> NgramModel:
    """The default English LM (pocketsphinx ``en-us.lm.bin``) via the binary cache
    (see :func:`load_cached` for what is verified)."""
    return load_cached(default_lm_path(), cache_dir, verify_checksum=verify_checksum)
