"""What the benchmark scripts share: where ../shared is, and best-of-N timing."""
from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Callable

SHARED = Path(os.environ.get("ASR_ENGINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
PSX = SHARED / "data" / "pocketsphinx-test"


def best_time(fn: Callable[[], object], repeat: int, warmup: bool = False) -> float:
    """Shortest wall-clock time of ``repeat`` calls (after one untimed call
    if ``warmup``): the least disturbed run on a shared machine."""
    if warmup:
        fn()
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times)
