"""Progress of a batch in seconds of audio, drawn by ``tqdm`` on stderr.

Files differ in length by orders of magnitude, so a count of files says little
about time left; seconds of audio do. The total comes from file headers
(:func:`~asr_engine.batch.inputs.probe_duration`); inputs whose length is not
known beforehand (standard input, headerless audio) are added as they finish.
The rate tqdm measures, seconds of audio per second, is the speed in times
real time.
"""
from __future__ import annotations

import sys
from typing import Optional, TextIO

#: ``transcribing  41%|#####      | 216.0/524.5 s audio [00:22<00:31, 9.8x real time]``
BAR_FORMAT = "{desc} {percentage:3.0f}%|{bar}| {n:.1f}/{total:.1f} s audio [{elapsed}<{remaining}{postfix}]"


class AudioProgress:
    """A progress bar over seconds of audio; silent unless ``enabled``."""

    def __init__(self, total_seconds: float, label: str, enabled: bool, stream: Optional[TextIO] = None) -> None:
        self.enabled = enabled
        self.stream = stream or sys.stderr
        self._bar = None
        if enabled:
            from tqdm import tqdm

            self._bar = tqdm(total=max(0.0, float(total_seconds)), desc=label, file=self.stream,
                             bar_format=BAR_FORMAT, smoothing=0.1, dynamic_ncols=True)

    def advance(self, seconds: float, expected: Optional[float]) -> None:
        """One input finished: ``seconds`` decoded, ``expected`` its probed
        length (None when it was not counted in the total)."""
        if self._bar is None:
            return
        seconds = max(0.0, float(seconds))
        correction = seconds - (expected or 0.0)  # the decoder's length is the true one
        if correction:
            self._bar.total = max(0.0, self._bar.total + correction)
        rate = self._bar.format_dict.get("rate")
        if rate:
            self._bar.set_postfix_str(f"{rate:.1f}x real time", refresh=False)
        self._bar.update(seconds)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


__all__ = ["AudioProgress"]
