"""Shared test fixtures: where the project's real data lives."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(os.environ.get("ASR_ENGINE_SHARED", Path(__file__).resolve().parents[2] / "shared"))
DATA = SHARED / "data"
PSX = DATA / "pocketsphinx-test"
DEV = DATA / "dev"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.fail(f"shared data not found at {SHARED} (set ASR_ENGINE_SHARED)")
    return SHARED


@pytest.fixture(scope="session")
def en_us_model_dir() -> Path:
    import pocketsphinx

    return Path(pocketsphinx.get_model_path()) / "en-us" / "en-us"


@pytest.fixture(scope="module")
def goforward():
    """PocketSphinx's own test recording "go forward ten meters" (16 kHz, 16-bit little-endian raw)."""
    import asr_engine

    return asr_engine.load_audio((PSX / "goforward.raw").read_bytes(), "audio/l16;rate=16000;endianness=little-endian")
