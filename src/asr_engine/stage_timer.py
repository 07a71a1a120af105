"""Per-stage wall times of one recognizer call, for the DEBUG log.

``Recognizer()`` and ``recognize()`` log one line on the ``asr_engine``
logger at DEBUG level (``recognize of 3.20 s of audio: grammar 0.0 ms,
audio 1.2 ms, features ...``); measuring costs nothing when DEBUG is off.
"""
from __future__ import annotations

import logging
import time

logger = logging.getLogger("asr_engine")


class StageTimer:
    """Per-stage wall times of one call, logged at DEBUG on ``asr_engine``."""

    def __init__(self, what: str) -> None:
        self.what = what
        self.enabled = logger.isEnabledFor(logging.DEBUG)
        self.stages: list[tuple[str, float]] = []
        self._t = time.perf_counter()

    def lap(self, stage: str) -> None:
        """End the stage ``stage`` now (the next one starts)."""
        if self.enabled:
            now = time.perf_counter()
            self.stages.append((stage, now - self._t))
            self._t = now

    def log(self, duration: float) -> None:
        """Log the stages of a call on ``duration`` seconds of audio."""
        if self.enabled:
            parts = ", ".join(f"{name} {1000 * t:.1f} ms" for name, t in self.stages)
            logger.debug("%s of %.2f s of audio: %s", self.what, duration, parts)
