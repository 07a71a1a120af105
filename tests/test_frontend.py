"""MFCC front end against the Sphinx front end's own output (goforward.mfc),
chunked-vs-whole equality, dynamic features and CMN against direct formulas."""
from __future__ import annotations

import numpy as np
import pytest

import asr_engine as ae
from asr_engine import _core
from conftest import PSX


@pytest.fixture(scope="module")
def en_us_options(en_us_model_dir):
    return ae.model_feature_options(en_us_model_dir)


def read_mfc(path):
    raw = path.read_bytes()
    count = int(np.frombuffer(raw[:4], "<i4")[0])
    values = np.frombuffer(raw[4:], "<f4")
    assert values.size == count
    return values.reshape(-1, 13)


def test_matches_sphinx_mfc_file(en_us_options, goforward):
    ref = read_mfc(PSX / "goforward.mfc")
    ours = ae.compute_mfcc(goforward, en_us_options[0])
    n = len(ref)
    for k in range(13):
        r = np.corrcoef(ours[:n, k], ref[:, k])[0, 1]
        assert r >= 0.99, f"cepstrum {k}: correlation {r}"
    assert np.abs(ours[:n] - ref).mean() < 1e-4


def test_frame_count_matches_pocketsphinx(en_us_options, goforward):
    # goforward.mfc stops 14 frames before the end of goforward.raw, so the
    # frame-count oracle is PocketSphinx's own front end on the same audio.
    from pocketsphinx import Decoder

    decoder = Decoder(loglevel="ERROR")
    decoder.start_utt()
    decoder.process_raw((PSX / "goforward.raw").read_bytes(), full_utt=True)
    decoder.end_utt()
    ours = ae.compute_mfcc(goforward, en_us_options[0])
    assert abs(len(ours) - decoder.n_frames()) <= 2
    assert len(ours) == _core.Frontend.num_frames(en_us_options[0].to_native(), goforward.samples.size)


@pytest.mark.parametrize("chunk", [1, 160, 1000, 4097])
def test_chunked_equals_whole(en_us_options, goforward, chunk):
    whole = ae.compute_mfcc(goforward, en_us_options[0])
    fe = ae.Frontend(en_us_options[0])
    x = goforward.samples
    parts = [fe.accept(x[i : i + chunk]) for i in range(0, len(x), chunk)] + [fe.finish()]
    assert np.array_equal(np.vstack(parts), whole)


@pytest.mark.parametrize("cmn", ["live", "none"])
@pytest.mark.parametrize("chunk", [1, 160, 1000, 4097])
def test_feature_stream_chunked_equals_whole(en_us_options, goforward, cmn, chunk):
    fo, feo = en_us_options
    feo = ae.FeatureOptions(feo.feature_type, cmn, feo.cmn_init, False)
    whole = ae.compute_features(goforward, fo, feo)
    stream = ae.FeatureStream(fo, feo)
    x = goforward.samples
    parts = [stream.accept(x[i : i + chunk]) for i in range(0, len(x), chunk)] + [stream.finish()]
    assert np.array_equal(np.vstack(parts), whole)


def reference_1s_c_d_dd(cep):
    pad = np.vstack([cep[:1]] * 3 + [cep] + [cep[-1:]] * 3)
    c = lambda k: pad[3 + k : 3 + k + len(cep)]  # noqa: E731
    d = c(2) - c(-2)
    dd = (c(3) - c(-1)) - (c(1) - c(-3))
    return np.hstack([cep, d, dd])


def test_batch_cmn_and_deltas_match_formulas(en_us_options, goforward):
    fo, feo = en_us_options
    cep = ae.compute_mfcc(goforward, fo).astype(np.float64)
    mean = cep[cep[:, 0] >= 0].mean(axis=0)
    expected = reference_1s_c_d_dd(cep - mean)
    got = ae.compute_features(goforward, fo, feo)
    assert got.shape == (len(cep), 39)
    np.testing.assert_allclose(got, expected, atol=2e-4)


def test_live_cmn_uses_initial_mean_then_updates(en_us_options, goforward):
    fo, _ = en_us_options
    feo = ae.FeatureOptions("1s_c", "live", [40.0, 3.0, -1.0], False)
    stream = ae.FeatureStream(fo, feo)
    first = np.vstack([stream.accept(goforward.samples), stream.finish()])
    cep = ae.compute_mfcc(goforward, fo)
    init = np.zeros(13)
    init[:3] = [40, 3, -1]
    np.testing.assert_allclose(first, cep - init, atol=1e-4)
    # After the utterance the mean moves towards this audio's mean:
    # (500 * init + sum of frames) / (500 + frames).
    expected = (500 * init + cep.astype(np.float64).sum(axis=0)) / (500 + len(cep))
    np.testing.assert_allclose(stream.live_cmn_mean, expected, rtol=1e-4, atol=1e-4)


def test_s2_4x_layout(goforward):
    fo = ae.FrontendOptions()
    feo = ae.FeatureOptions("s2_4x", "batch")
    stream = ae.FeatureStream(fo, feo)
    assert stream.stream_lengths == [12, 24, 3, 12]
    feats = ae.compute_features(goforward, fo, feo)
    cep = ae.compute_mfcc(goforward, fo).astype(np.float64)
    cep -= cep[cep[:, 0] >= 0].mean(axis=0)
    pad = np.vstack([cep[:1]] * 4 + [cep] + [cep[-1:]] * 4)
    c = lambda k: pad[4 + k : 4 + k + len(cep)]  # noqa: E731
    np.testing.assert_allclose(feats[:, :12], cep[:, 1:], atol=2e-4)
    np.testing.assert_allclose(feats[:, 24:36], (c(4) - c(-4))[:, 1:], atol=2e-4)
    np.testing.assert_allclose(feats[:, 36], cep[:, 0], atol=2e-4)


def test_empty_and_tiny_input():
    fe = ae.Frontend()
    assert fe.accept(np.zeros(0, np.float32)).shape == (0, 13)
    assert fe.finish().shape == (0, 13)
    fe.accept(np.full(10, 0.1, np.float32))
    assert fe.finish().shape == (1, 13)  # one partial frame, as Sphinx
    stream = ae.FeatureStream()
    assert stream.finish().shape == (0, 39)


def test_silence_gives_finite_features():
    feats = ae.compute_features(np.zeros(16000, np.float32))
    assert np.all(np.isfinite(feats))


@pytest.mark.parametrize("model", ["tidigits/hmm", "an4_ci_cont"])
def test_other_models_feat_params(model):
    fo, feo = ae.model_feature_options(PSX / model)
    assert ae.FeatureStream(fo, feo).dim > 0


@pytest.mark.parametrize("nfft,window", [(256, 0.016), (512, 0.025625), (1024, 0.05)])
def test_fft_against_numpy(nfft, window):
    # 256, 512 and 1024 points exercise every combination of the FFT's
    # radix-4 first pass, fused stage pairs and a final single stage.
    rng = np.random.default_rng(0)
    x = rng.standard_normal(3000).astype(np.float32) * 0.3
    opts = ae.FrontendOptions(preemphasis=0.0, num_filters=20, transform="dct", lifter=0, fft_size=nfft,
                              window_length=window)
    ours = ae.compute_mfcc(x, opts)
    # Direct reference in float64.
    size, shift = opts.to_native().frame_size, opts.to_native().frame_shift
    n = 1 + (len(x) - size) // shift
    win = 0.54 - 0.46 * np.cos(2 * np.pi * np.arange(size) / (size - 1))
    frames = np.stack([x[i * shift : i * shift + size] * 32768.0 * win for i in range(n)])
    spec = np.abs(np.fft.rfft(frames, nfft)) ** 2
    fb = _filterbank(opts, nfft)
    logmel = np.log(spec @ fb.T + 1e-4)
    nf = opts.num_filters
    dct = np.cos(np.pi / nf * np.outer(np.arange(13), np.arange(nf) + 0.5)) * np.sqrt(2.0 / nf)
    dct[0] = np.sqrt(1.0 / nf)
    np.testing.assert_allclose(ours[:n], logmel @ dct.T, atol=2e-3)


def _filterbank(o, nfft):
    mel = lambda f: 2595 * np.log10(1 + f / 700.0)  # noqa: E731
    inv = lambda m: 700 * (10 ** (m / 2595.0) - 1)  # noqa: E731
    lo, hi = mel(np.float32(o.lower_freq)), mel(np.float32(o.upper_freq))
    bw = (hi - lo) / (o.num_filters + 1)
    binhz = 16000 / nfft
    fb = np.zeros((o.num_filters, nfft // 2 + 1))
    for i in range(o.num_filters):
        e = [int(inv(lo + (i + j) * bw) / binhz + 0.5) * binhz for j in range(3)]
        for k in range(nfft // 2):
            hz = k * binhz
            if e[0] <= hz <= e[2]:
                up, down = (hz - e[0]) / (e[1] - e[0]), (e[2] - hz) / (e[2] - e[1])
                fb[i, k] = min(up, down) * 2 / (e[2] - e[0])
    return fb


@pytest.mark.parametrize(
    "text",
    ["-nfilt", "nfilt 25", "-nfilt abc", "-transform fourier", "-upperf 9000", "-feat 9s_x", "-cmn sometimes",
     "-lifter x", "-agc max", "-remove_noise maybe", "-cmninit 1,b,3"],
)
def test_bad_feat_params_rejected(tmp_path, text):
    (tmp_path / "feat.params").write_text(text + "\n")
    with pytest.raises(ae.FormatError):
        ae.model_feature_options(tmp_path)


@pytest.mark.parametrize(
    "kwargs",
    [dict(sample_rate=10), dict(num_filters=0), dict(num_cepstra=50), dict(fft_size=100), dict(fft_size=256),
     dict(lower_freq=5000, upper_freq=100), dict(window_length=0.001), dict(transform="wavelet"),
     dict(num_filters=200)],
)
def test_invalid_options_rejected(kwargs):
    with pytest.raises(ae.InvalidArgumentError):
        ae.Frontend(ae.FrontendOptions(**kwargs))


def test_feature_options_validation():
    with pytest.raises(ae.InvalidArgumentError):
        ae.FeatureStream(features=ae.FeatureOptions(cmn="live", varnorm=True))
    with pytest.raises(ae.InvalidArgumentError):
        ae.FeatureStream(features=ae.FeatureOptions(feature_type="nope"))
