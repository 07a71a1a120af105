"""The narrowband model: derived from the wideband one, cached, and chosen
by the Recognizer for 8 kHz audio; runtime speaker adaptation runs."""
from __future__ import annotations

import csv
import os

import numpy as np
import pytest
import soundfile as sf

from asr_engine.acoustic import AcousticModel
from asr_engine.adapt.narrowband import NARROWBAND_FRONT_END, narrowband_model_dir
from asr_engine.audio import load_audio
from asr_engine.frontend import FeatureStream, model_feature_options
from conftest import DEV


@pytest.fixture(scope="module")
def osr_8k(tmp_path_factory):
    """A dev `osr` utterance (recorded at 8 kHz) written back at 8 kHz."""
    with open(DEV / "refs.tsv", encoding="utf-8") as f:
        row = next(r for r in csv.DictReader(f, delimiter="\t") if r["id"].startswith("osr_"))
    audio = load_audio(str(DEV / f"{row['id']}.wav"), sample_rate=8000)
    path = tmp_path_factory.mktemp("nb") / "osr.wav"
    sf.write(str(path), audio.samples, 8000, subtype="PCM_16")
    return path


@pytest.fixture(scope="module")
def recognizer():
    from asr_engine.recognizer import Recognizer

    return Recognizer()


def test_narrowband_model_is_a_cached_sphinx_model(tmp_path):
    first = narrowband_model_dir(cache_dir=str(tmp_path))
    assert narrowband_model_dir(cache_dir=str(tmp_path)) == first  # built once
    assert [p for p in os.listdir(tmp_path) if p.startswith(".")] == []  # no temporary left
    model = AcousticModel.load(first)
    assert model.feat_params["samprate"] == "8000" and model.feat_params["nfilt"] == NARROWBAND_FRONT_END["nfilt"]
    fe, _ = model_feature_options(first)
    assert fe.sample_rate == 8000 and fe.upper_freq < 4000


def test_narrowband_filters_are_the_lowest_wideband_filters(recognizer):
    """19 filters to 3812.8 Hz at 8 kHz sit where the wideband bank's lowest
    19 do, so on band-limited audio the log-mel energies nearly agree."""
    from asr_engine import _core
    from asr_engine.adapt.narrowband import narrowband_feat_params
    import tempfile

    wide = _core.FrontendOptions.from_feat_params(dict(recognizer.acoustic_model.feat_params), "wide")
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "feat.params"), "w") as f:
            f.write(narrowband_feat_params(recognizer.model_dir))
        narrow, _ = model_feature_options(d)
    mel = lambda f: 2595 * np.log10(1 + f / 700)  # noqa: E731
    spacing = (mel(wide.upper_freq) - mel(wide.lower_freq)) / (wide.num_filters + 1)
    assert mel(narrow.upper_freq) - mel(narrow.lower_freq) == pytest.approx(spacing * (narrow.num_filters + 1), rel=1e-4)


def test_recognizer_picks_the_narrowband_model_for_8khz_audio(recognizer, osr_8k):
    from asr_engine.recognizer import Recognizer

    narrow = Recognizer(narrowband_model_dir())
    picked = recognizer.recognize(str(osr_8k))
    assert picked.transcript == narrow.recognize(str(osr_8k)).transcript
    assert recognizer.narrowband().model_dir == narrow.model_dir
    wide_only = Recognizer(pick_model_by_rate=False)
    assert wide_only.recognize(str(osr_8k)).duration == picked.duration


def test_runtime_speaker_adaptation(recognizer):
    path = str(DEV / "cathy_a0028_1592747901.wav")
    plain = recognizer.recognize(path)
    adapted = recognizer.recognize(path, speaker_adaptation=True)
    assert adapted.words and adapted.duration == plain.duration
    # Too little speech for an estimate: the first pass stands.
    a = load_audio(path, sample_rate=16000)
    short = type(a)(a.samples[:8000], 16000, 16000, 1, 0.5, a.encoding)
    assert recognizer.recognize(short, speaker_adaptation=True).transcript == recognizer.recognize(short).transcript


def test_band_limited_audio_is_told_from_wideband_audio():
    """The dev set's 8 kHz recordings stored at 16 kHz (osr, fsdd) are
    narrowband; recordings made at 16 kHz or more are not; and a wideband
    recording sent through an 8 kHz round trip loses its upper band."""
    from asr_engine.audio.bandwidth import high_band_ratio, is_narrowband
    from asr_engine.audio.resample import resample

    with open(DEV / "refs.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))
    narrow = [r for r in rows if r["orig_rate"] == "8000"][::4]
    wide = [r for r in rows if int(r["orig_rate"]) >= 16000][::12]
    assert narrow and len(wide) > 10
    for r in narrow:
        a = load_audio(str(DEV / f"{r['id']}.wav"))
        assert is_narrowband(a.samples, a.sample_rate), r["id"]
    for r in wide:
        a = load_audio(str(DEV / f"{r['id']}.wav"))
        assert not is_narrowband(a.samples, a.sample_rate), r["id"]
        trip = resample(resample(a.samples, a.sample_rate, 8000), 8000, a.sample_rate)
        assert high_band_ratio(trip, a.sample_rate) < high_band_ratio(a.samples, a.sample_rate) / 10, r["id"]
    # Nothing to decide at 8 kHz, for silence or for a fragment.
    assert high_band_ratio(np.zeros(16000, np.float32), 16000) == 1.0
    assert high_band_ratio(np.ones(100, np.float32), 16000) == 1.0
    assert high_band_ratio(np.ones(16000, np.float32), 8000) == 1.0


@pytest.mark.parametrize("samples, rate", [
    (np.zeros((2, 100), np.float32), 16000),
    ([0.0] * 1000, 16000),
    (np.zeros(1000, np.float32), 0),
    (np.zeros(1000, np.float32), True),
    (np.zeros(1000, np.float32), 16000.5),
    (np.full(20000, np.nan, np.float32), 16000),
])
def test_band_check_refuses_malformed_input(samples, rate):
    from asr_engine.audio.bandwidth import high_band_ratio
    from asr_engine.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError):
        high_band_ratio(samples, rate)


def test_recognizer_picks_the_narrowband_model_for_upsampled_8khz_audio(recognizer, osr_8k):
    """An 8 kHz recording stored at 16 kHz goes to the narrowband model too."""
    from asr_engine.audio.resample import resample
    from asr_engine.recognizer import Recognizer

    a = load_audio(str(osr_8k))
    up = resample(a.samples, 8000, 16000)
    picked = recognizer.recognize(up, sample_rate=16000)
    assert picked.transcript == recognizer.narrowband().recognize(up, sample_rate=16000).transcript
    wide_only = Recognizer(pick_model_by_rate=False).recognize(up, sample_rate=16000)
    assert wide_only.duration == picked.duration


@pytest.mark.parametrize("stored_rate", [8000, 16000])
def test_long_wav_path_routes_band_limited_files_to_the_narrowband_model(recognizer, osr_8k, tmp_path, stored_rate):
    """A WAV decoded block by block (phrase_decoding, or longer than two
    minutes) is routed like audio in memory: 8 kHz files, and 8 kHz
    recordings stored at 16 kHz, go to the narrowband model."""
    from asr_engine.audio.resample import resample

    a = load_audio(str(osr_8k))
    samples = a.samples if stored_rate == 8000 else resample(a.samples, 8000, 16000)
    path = tmp_path / f"osr_{stored_rate}.wav"
    sf.write(str(path), samples, stored_rate, subtype="PCM_16")
    picked = recognizer.recognize(str(path), phrase_decoding=True)
    narrow = recognizer.narrowband().recognize(str(path), phrase_decoding=True)
    assert picked.transcript == narrow.transcript and picked.transcript
    assert [w.start for w in picked.words] == [w.start for w in narrow.words]
    assert recognizer._narrowband_wav(str(path), plain=True)
    # Only an 8 kHz file is narrowband whatever the search (grammars keep
    # the wideband model's calibrated margins for band-limited 16 kHz audio).
    assert recognizer._narrowband_wav(str(path), plain=False) == (stored_rate == 8000)


def test_long_wav_path_keeps_wideband_files_on_the_wideband_model(recognizer):
    path = str(DEV / "libri_61-70968-0000.wav")
    assert not recognizer._narrowband_wav(path, plain=True)


def test_custom_words_reach_the_narrowband_model(recognizer, osr_8k):
    """A recognizer with custom words sends 8 kHz audio to a narrowband
    recognizer that knows those words too (not the base's, which lacks them)."""
    custom = recognizer.with_words({"zorblax": "Z AO R B L AE K S"})
    narrow = custom.model_for(str(osr_8k))
    assert narrow.model_dir == narrowband_model_dir()
    assert "zorblax" in narrow.dictionary and "zorblax" not in recognizer.narrowband().dictionary
    assert narrow is custom.narrowband()
    assert custom.recognize(str(osr_8k)).transcript == narrow.recognize(str(osr_8k)).transcript


def test_pick_model_by_rate_false_keeps_the_recognizers_model(recognizer, osr_8k, tmp_path):
    """Per call, ``pick_model_by_rate=False`` decodes band-limited 16 kHz
    audio (in memory or a WAV read block by block) with the wideband model,
    as a recognizer built with ``pick_model_by_rate=False`` does."""
    from asr_engine.audio.resample import resample
    from asr_engine.errors import InvalidArgumentError
    from asr_engine.recognizer import Recognizer

    up = resample(load_audio(str(osr_8k)).samples, 8000, 16000)
    path = tmp_path / "osr_16000.wav"
    sf.write(str(path), up, 16000, subtype="PCM_16")
    wide_only = Recognizer(pick_model_by_rate=False)
    for audio, args in ((up, {"sample_rate": 16000}), (str(path), {"phrase_decoding": True})):
        kept = recognizer.recognize(audio, pick_model_by_rate=False, **args)
        assert kept.words == wide_only.recognize(audio, **args).words
        assert kept.words != recognizer.recognize(audio, **args).words  # routed otherwise
    with pytest.raises(InvalidArgumentError, match="pick_model_by_rate must be True, False or None"):
        recognizer.recognize(up, sample_rate=16000, pick_model_by_rate="no")
