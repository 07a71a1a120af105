"""Helpers for tests of the Watson façade: SDK validation and polling."""
from __future__ import annotations

import time

from ibm_watson import speech_to_text_v1 as sdk


def sdk_check(cls, body: dict) -> dict:
    """Parse ``body`` with the real ``ibm_watson`` model class and require the
    round trip to give the same JSON (no unknown fields, right types/names)."""
    assert cls.from_dict(body).to_dict() == body
    return body


def sdk_check_word(word: dict) -> dict:
    """``Word.from_dict`` on a word. The SDK's ``WordError`` requires a literal
    ``element`` key, while the service (its docs and the SDK's own docstring)
    keys each error by the offending sounds_like; errors are checked apart."""
    body = {k: v for k, v in word.items() if k != "error"}
    sdk_check(sdk.Word, body)
    for entry in word.get("error", []):
        assert isinstance(entry, dict) and len(entry) == 1
        (key, message), = entry.items()
        assert key in word["sounds_like"] and isinstance(message, str) and message
    return word


def wait_model(stt, customization_id: str, timeout: float = 300.0) -> dict:
    """Poll until the model is no longer busy (as a client of the service does).
    The timeout allows for the G2P model being trained on its first use."""
    end = time.monotonic() + timeout
    while True:
        model = stt.get_language_model(customization_id)
        busy = model["status"] in ("training", "upgrading") or any(
            c["status"] == "being_processed" for c in stt.list_corpora(customization_id)["corpora"]) or any(
            g["status"] == "being_processed" for g in stt.list_grammars(customization_id)["grammars"])
        if not busy and stt.store.wait_idle(0.0):
            return stt.get_language_model(customization_id)
        if time.monotonic() > end:
            raise AssertionError(f"model still busy after {timeout} s: {model}")
        time.sleep(0.02)
