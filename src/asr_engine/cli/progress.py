"""Progress of a batch in seconds of audio, on one line of stderr.

Files differ in length by orders of magnitude, so a count of files says little
about time left; seconds of audio do. The total comes from file headers
(:func:`~asr_engine.cli.inputs.probe_duration`); inputs whose length is not
known beforehand (standard input, headerless audio) are added as they finish.
"""
from __future__ import annotations

import sys
import time
from typing import Optional, TextIO


class AudioProgress:
    """``label [#####     ]  41.2%  216.0/524.5 s audio  9.8x real time  ETA 0:31``.

    Redrawn at most ten times a second; silent unless ``enabled``.
    """

    def __init__(self, total_seconds: float, label: str, enabled: bool, stream: Optional[TextIO] = None) -> None:
        self.total = max(0.0, float(total_seconds))
        self.done = 0.0
        self.files = 0
        self.label = label
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._start = time.monotonic()
        self._last_draw = 0.0

    def advance(self, seconds: float, expected: Optional[float]) -> None:
        """One input finished: ``seconds`` decoded, ``expected`` its probed
        length (None when it was not counted in the total)."""
        seconds = max(0.0, float(seconds))
        if expected is None:
            self.total += seconds
        else:
            self.total += seconds - expected  # the decoder's length is the true one
        self.done += seconds
        self.files += 1
        self._draw(force=False)

    def message(self, text: str) -> None:
        """Print a line of text on stderr without breaking the progress line."""
        if self.enabled:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.stream.flush()
        self._draw(force=True)

    def line(self) -> str:
        """The progress line as it is drawn."""
        elapsed = max(1e-9, time.monotonic() - self._start)
        frac = min(1.0, self.done / self.total) if self.total > 0 else 0.0
        bar = "#" * int(frac * 24)
        speed = self.done / elapsed
        eta = (self.total - self.done) / speed if speed > 0 else None
        eta_text = "--:--" if eta is None else f"{int(eta // 60)}:{int(eta % 60):02d}"
        return (f"{self.label} [{bar:<24s}] {100 * frac:5.1f}%  {self.done:.1f}/{self.total:.1f} s audio  "
                f"{speed:.1f}x real time  ETA {eta_text}")

    def _draw(self, force: bool) -> None:
        if not self.enabled:
            return
        now = time.monotonic()
        if not force and now - self._last_draw < 0.1:
            return
        self._last_draw = now
        self.stream.write("\r" + self.line())
        self.stream.flush()

    def close(self) -> None:
        """Draw the final state and end the line."""
        if self.enabled:
            self._draw(force=True)
            self.stream.write("\n")
            self.stream.flush()


__all__ = ["AudioProgress"]
