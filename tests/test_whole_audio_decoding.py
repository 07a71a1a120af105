"""``recognize(phrase_decoding="live")`` has the whole audio at hand, so it
skips the live pass of a unit that a stream decodes live and then again with
the unit's own mean (``PhraseSettings.whole_audio``): its phrases must still
be a stream's, field for field, however the stream's audio is chunked, for
every kind of unit (a short first unit decoded again, a long one while the
channel is not learnt, held and then searched live, a later one decoded live
with the learnt prior)."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import asr_engine as ae
import asr_engine.phrase_decoding as pd
from asr_engine.audio.input import read_audio
from asr_engine.frontend import compute_features
from asr_engine.phrases.segmenter import PhraseSpan
from asr_engine.phrases.phrase_cmn import PRIOR_FRAMES

DEV = Path(__file__).resolve().parents[2] / "shared" / "data" / "dev"
OPTIONS = {"max_alternatives": 2, "keywords": ["the", "dark blue", "chicken"], "keywords_threshold": 0.2,
           "word_alternatives_threshold": 0.1}


def _quiet(seconds: float, seed: int) -> np.ndarray:
    return (np.random.default_rng(seed).standard_normal(int(16000 * seconds)) * 3e-4).astype(np.float32)


@pytest.fixture(scope="module")
def rec():
    return ae.Recognizer()


@pytest.fixture(scope="module")
def audio():
    """A 0.5 s blip, two sentences without a pause, then a third one."""
    u = [read_audio(str(DEV / f"{name}.wav"), target_rate=16000).samples
         for name in ("ieee_s01_02", "ieee_s01_03", "ieee_s01_04", "arctic_aew_a0003")]
    return np.concatenate([u[3][:8000], _quiet(1.5, 3), u[0], u[1], _quiet(1.5, 0), u[2], _quiet(1.0, 2)])


@pytest.fixture(scope="module")
def one_shot(rec, audio):
    return rec.recognize(audio, sample_rate=16000, phrase_decoding="live", **OPTIONS)


def test_the_audio_has_every_kind_of_unit(rec, audio, monkeypatch):
    units = []
    close = pd.PhrasePipeline._close_unit

    def recording(self, span):
        units.append((span.end - span.start, self._cmn.prior_weight))
        return close(self, span)

    monkeypatch.setattr(pd.PhrasePipeline, "_close_unit", recording)
    rec.recognize(audio, sample_rate=16000, phrase_decoding="live", **OPTIONS)
    early = [n for n, prior in units if prior < PRIOR_FRAMES]
    assert any(n <= pd.REDECODE_MAX_FRAMES for n in early), units  # held, decoded once with its own mean
    assert any(n > pd.REDECODE_MAX_FRAMES for n in early), units  # held, then searched live
    assert any(prior >= PRIOR_FRAMES for _n, prior in units), units  # live from its start


@settings(max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(size=st.one_of(st.integers(160, 3000), st.integers(3001, 60000)))
def test_one_shot_phrases_are_the_streams(rec, audio, one_shot, size):
    stream = rec.stream(**OPTIONS)
    for i in range(0, audio.size, size):
        stream.accept(audio[i:i + size])
    streamed = stream.finish()
    assert len(one_shot.phrases) >= 2 and one_shot.transcript
    assert streamed.phrases == one_shot.phrases
    assert (streamed.transcript, streamed.words, streamed.keywords, streamed.word_alternatives) == \
        (one_shot.transcript, one_shot.words, one_shot.keywords, one_shot.word_alternatives)


def test_a_held_unit_is_searched_before_an_interim_or_its_final(rec, audio):
    settings = pd.PhraseSettings(whole_audio=True)
    held = pd.PhraseDecoder(rec, rec.search_options, settings, 0)
    fed = pd.PhraseDecoder(rec, rec.search_options, settings, 0)
    feats = compute_features(audio[16000 * 2:16000 * 5], rec.frontend_options, rec.feature_options)
    held.hold(feats[:100])
    held.hold(feats[100:200])
    fed.feed(feats[:200])
    assert held.interim(2.0).words == fed.interim(2.0).words and fed.interim(2.0).words
    held.hold(feats[200:])
    fed.feed(feats[200:])
    span = PhraseSpan(0, len(feats), "end_of_data")
    final = fed.finish(span, 160.0)
    assert held.finish(span, 160.0) == final and final.words
