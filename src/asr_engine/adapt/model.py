"""Adapted acoustic models as files, and MLLR transforms.

An :class:`AdaptedAcousticModel` is saved as a complete Sphinx model
directory: the base model's ``mdef``, ``transition_matrices``, ``noisedict``,
``feat.params`` and ``sendump`` are copied, the adapted ``means`` and
``variances`` (and, when mixture weights were re-estimated, a float
``mixture_weights`` file instead of the quantized ``sendump``) are written,
with ``mllr`` (the transform in Sphinx's text format, class 0 = global, so
PocketSphinx can use it with ``-mllr`` on the base model) and
``adaptation.json`` (how it was made). It loads here with
:meth:`AdaptedAcousticModel.load` and in PocketSphinx with ``-hmm``.
"""
from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from typing import Optional

from .. import _core
from ..acoustic import AcousticModel
from ..errors import InvalidArgumentError, NotFoundError

#: Copied unchanged from the base model.
_SHARED_FILES = ("mdef", "transition_matrices", "noisedict", "feat.params")
INFO_FILE = "adaptation.json"
MLLR_FILE = "mllr"


class MllrTransform:
    """MLLR mean transform ``mu' = A mu + b`` per regression class and feature
    stream (a wrapper of the native ``MllrTransform``)."""

    def __init__(self, native: "_core.MllrTransform") -> None:
        self.native = native

    @classmethod
    def read(cls, path: str) -> "MllrTransform":
        """Read a Sphinx text MLLR file (PocketSphinx's or sphinxtrain's layout)."""
        return cls(_core.MllrTransform.read(os.fspath(path)))

    def write(self, path: str, layout: str = "pocketsphinx") -> None:
        """Write in ``"pocketsphinx"`` or ``"sphinxtrain"`` layout (atomically)."""
        self.native.write(os.fspath(path), layout)

    @property
    def n_class(self) -> int:
        return self.native.n_class

    @property
    def class_names(self) -> list[str]:
        return list(self.native.class_names)

    def apply(self, model: AcousticModel) -> AcousticModel:
        """``model`` with transformed means."""
        return AcousticModel(self.native.apply(model.native))


@dataclass
class AdaptedAcousticModel:
    """An acoustic model adapted from a base model (immutable; share it freely).

    Attributes:
        model: the adapted :class:`AcousticModel` (same senones as the base).
        transform: the MLLR transform estimated (``None`` if MAP only).
        info: how it was made (frames used, classes, options); JSON data.
    """

    model: AcousticModel
    base_model_dir: str
    transform: Optional[MllrTransform] = None
    info: dict = field(default_factory=dict)

    @property
    def native(self) -> "_core.AcousticModel":
        return self.model.native

    def save(self, directory: str) -> None:
        """Write the model as a Sphinx model directory, atomically: the
        directory appears complete or not at all (it must not exist yet)."""
        directory = os.fspath(directory)
        if os.path.exists(directory):
            raise InvalidArgumentError(f"'{directory}' already exists")
        parent = os.path.dirname(os.path.abspath(directory))
        if not os.path.isdir(parent):
            raise NotFoundError(f"directory '{parent}' does not exist")
        tmp = tempfile.mkdtemp(prefix=".adapted.", dir=parent)
        try:
            for name in _SHARED_FILES:
                src = os.path.join(self.base_model_dir, name)
                if os.path.isfile(src):
                    shutil.copyfile(src, os.path.join(tmp, name))
            weights = bool(self.info.get("mixture_weights_adapted"))
            if not weights:
                for name in ("sendump", "mixture_weights"):
                    src = os.path.join(self.base_model_dir, name)
                    if os.path.isfile(src):
                        shutil.copyfile(src, os.path.join(tmp, name))
                        break
            _core.write_model_parameters(self.native, tmp, weights)
            if self.transform is not None:
                self.transform.write(os.path.join(tmp, MLLR_FILE))
            info = dict(self.info, base_model_dir=self.base_model_dir)
            if self.transform is not None:
                info["class_of_codebook"] = list(self.transform.native.class_of_codebook)
            with open(os.path.join(tmp, INFO_FILE), "w", encoding="utf-8") as f:
                json.dump(info, f, indent=1)
                f.flush()
                os.fsync(f.fileno())
            os.rename(tmp, directory)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, directory: str) -> "AdaptedAcousticModel":
        """Load a directory written by :meth:`save`."""
        directory = os.fspath(directory)
        info_path = os.path.join(directory, INFO_FILE)
        if not os.path.isfile(info_path):
            raise NotFoundError(f"'{directory}' is not an adapted acoustic model (no {INFO_FILE})")
        with open(info_path, encoding="utf-8") as f:
            info = json.load(f)
        model = AcousticModel.load(directory)
        transform = None
        if os.path.isfile(os.path.join(directory, MLLR_FILE)):
            transform = MllrTransform.read(os.path.join(directory, MLLR_FILE))
            classes = info.get("class_of_codebook") or []
            if classes:
                transform.native.class_of_codebook = classes
        return cls(model, info.get("base_model_dir", ""), transform, info)
