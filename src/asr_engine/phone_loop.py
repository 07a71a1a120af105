"""A free phone loop: how well the acoustic model fits audio with no words.

The best path through a loop of context-independent phones is the
acoustic score speech gets when nothing constrains what was said. Hypotheses
(a grammar's best sentence, a forced alignment's transcript) that fit the
audio score near it or above it (their triphones fit better than CI
phones); hypotheses about other words score well below it. Per frame, the
difference is a margin in nats that does not depend on the audio's length,
which grammar rejection and alignment quality both use.
"""
from __future__ import annotations

import threading
from typing import Any, Optional

import numpy as np

from . import _core

__all__ = ["PhoneLoop", "PHONE_LOOP_GRAMMAR"]

#: The loop, as a grammar whose only rule is the CI phone loop ($GARBAGE).
PHONE_LOOP_GRAMMAR = "#ABNF 1.0;\nlanguage en-US;\nroot $loop;\n$loop = $GARBAGE;\n"


class PhoneLoop:
    """The phone loop of one acoustic model and dictionary; built on first
    use, then shared between threads."""

    def __init__(self, acoustic_model: Any, dictionary: Any) -> None:
        self._am = acoustic_model
        self._dict = dictionary
        self._native: Optional[Any] = None
        self._lock = threading.Lock()

    @property
    def network(self) -> Any:
        """The native search network of the loop."""
        with self._lock:
            if self._native is None:
                from .grammar import compile_grammar

                fsa = compile_grammar(PHONE_LOOP_GRAMMAR).fsa
                self._native = _core.RecognitionModel(self._am.native, self._dict.native, fsa)
            return self._native

    def acoustic_score(self, features: np.ndarray, options: Any = None) -> float:
        """Acoustic log-likelihood (nats) of the loop's best path over ``features``."""
        from .search import SearchOptions

        opts = options if options is not None else SearchOptions()
        decoder = _core.Decoder(self.network, opts.to_native())
        decoder.start()
        decoder.process(np.ascontiguousarray(features, dtype=np.float32))
        segments, _ = decoder.best_path(True)
        return float(sum(s[3] for s in segments))
