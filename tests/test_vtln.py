"""Vocal-tract-length normalisation: the piecewise-linear filterbank warp
against its formula (a float64 re-derivation of every filter), warp 1 as the
identity (the Sphinx MFC oracle still holds), the maximum-likelihood warp
estimate on audio whose spectrum is shifted by resampling, and bad values."""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from scipy.signal import resample_poly

import asr_engine as ae
from asr_engine import _core
from asr_engine.acoustic import AcousticModel
from asr_engine.adapt.vtln import BackgroundModel, estimate_warp, features_at
from conftest import PSX
from test_frontend import en_us_options, read_mfc  # noqa: F401 - fixtures shared with the front end tests (goforward is in conftest)


@pytest.fixture(scope="module")
def en_us(en_us_options):
    return en_us_options


def _warped_filterbank(o: ae.FrontendOptions) -> np.ndarray:
    """The filters from the formula, in float64: mel over w(f) = alpha f
    below the cutoff F, the line (F, alpha F)-(Nyquist, Nyquist) above."""
    rate, nfft = o.sample_rate, o.to_native().resolved_fft_size
    nyq, a = rate / 2, o.warp_alpha
    cut = o.warp_cutoff or 0.85 * rate

    def warp(f):
        if f < cut:
            return a * f
        return (nyq - a * cut) / (nyq - cut) * f + nyq * cut * (a - 1) / (nyq - cut)

    def unwarp(g):
        # brute force: the f in [0, rate] with warp(f) = g, by bisection (warp rises)
        lo, hi = 0.0, float(rate)
        for _ in range(100):
            mid = (lo + hi) / 2
            lo, hi = (mid, hi) if warp(mid) < g else (lo, mid)
        return (lo + hi) / 2

    mel = lambda f: 2595 * np.log10(1 + f / 700.0)  # noqa: E731
    inv = lambda m: 700 * (10 ** (m / 2595.0) - 1)  # noqa: E731
    if o.warp_band_edges:  # the mel band laid over the warped axis as it is
        lo, hi = mel(o.lower_freq), mel(o.upper_freq)
    else:  # Sphinx: the edges are warped too, so unwarping puts them back
        lo, hi = mel(warp(o.lower_freq)), mel(warp(o.upper_freq))
    bw = (hi - lo) / (o.num_filters + 1)
    binhz = rate / nfft
    fb = np.zeros((o.num_filters, nfft // 2 + 1))
    for i in range(o.num_filters):
        e = [int(unwarp(inv(lo + (i + j) * bw)) / binhz + 0.5) * binhz for j in range(3)]
        for k in range(nfft // 2):
            hz = k * binhz
            if e[0] <= hz <= e[2]:
                fb[i, k] = min((hz - e[0]) / (e[1] - e[0]), (e[2] - hz) / (e[2] - e[1])) * 2 / (e[2] - e[0])
    return fb


@pytest.mark.parametrize("alpha,cutoff,edges", [(0.8, 0.0, False), (0.9, 0.0, False), (1.12, 0.0, False),
                                                (1.2, 0.0, False), (0.85, 5000.0, False), (1.15, 5500.0, False),
                                                (1.1, 3000.0, False), (0.8, 5440.0, True), (1.2, 5440.0, True)])
def test_filters_move_as_the_formula_says(en_us, alpha, cutoff, edges):
    o = replace(en_us[0], warp_alpha=alpha, warp_cutoff=cutoff, warp_band_edges=edges)
    ours = _core.mel_filterbank(o.to_native())
    np.testing.assert_allclose(ours, _warped_filterbank(o), rtol=1e-4, atol=1e-9)
    # and the warp really moved them: centres up for alpha < 1, down for alpha > 1
    plain = _core.mel_filterbank(en_us[0].to_native())
    centre = lambda fb: (fb * np.arange(fb.shape[1])).sum(1) / fb.sum(1)  # noqa: E731
    shift = centre(ours)[5:-5] - centre(plain)[5:-5]
    assert (shift > 0).all() if alpha < 1 else (shift < 0).all()


def test_unwarped_filterbank_matches_formula(en_us):
    np.testing.assert_allclose(_core.mel_filterbank(en_us[0].to_native()), _warped_filterbank(en_us[0]),
                               rtol=1e-4, atol=1e-9)


def test_warp_one_is_bit_identical(en_us, goforward):
    fo, feo = en_us
    assert fo.warp_alpha == 1.0
    base = ae.compute_features(goforward, fo, feo)
    # a cutoff does nothing at alpha 1, and the Sphinx oracle still holds
    for o in (replace(fo, warp_alpha=1.0), replace(fo, warp_alpha=1.0, warp_cutoff=4000.0)):
        assert np.array_equal(ae.compute_features(goforward, o, feo), base)
    ref = read_mfc(PSX / "goforward.mfc")
    assert np.abs(ae.compute_mfcc(goforward, replace(fo, warp_alpha=1.0))[:len(ref)] - ref).mean() < 1e-4
    assert not np.array_equal(ae.compute_features(goforward, replace(fo, warp_alpha=0.98), feo), base)


def test_estimate_follows_a_shifted_spectrum(en_us, goforward, en_us_model_dir):
    """Resampling the audio by r and playing it at the old rate multiplies
    every frequency by r: formants higher (r > 1) want filters moved up, a
    smaller alpha; lower formants a larger one."""
    fo, feo = en_us
    model = AcousticModel.load(str(en_us_model_dir))
    x = goforward.samples.astype(np.float64)
    alphas = {}
    for r, (up, down) in {0.9: (10, 9), 1.0: (1, 1), 1.12: (25, 28)}.items():
        y = resample_poly(x, up, down).astype(np.float32)  # r = down / up times the frequencies
        est = estimate_warp(y, model, fo, feo)
        alphas[r] = est.ml_alpha
        assert est.scores[est.ml_alpha] == max(est.scores.values())
        assert np.array_equal(est.features, features_at(y, fo, feo, est.alpha))
    assert alphas[1.12] < alphas[1.0] < alphas[0.9], alphas


def test_background_model_scores_like_a_dense_gmm(en_us_model_dir):
    model = AcousticModel.load(str(en_us_model_dir))
    bg = BackgroundModel(model, size=8)
    rng = np.random.default_rng(1)
    x = rng.standard_normal((5, bg.dim)).astype(np.float32)
    # direct: per stream, log sum_k w_k N(x; mu_k, var_k) over the 8 most used Gaussians
    means, variances = np.asarray(model.native.means()), np.asarray(model.native.variances())
    weights = np.asarray(model.native.codebook_weights(), dtype=np.float64)
    expected = np.zeros(len(x))
    start = 0
    for s, n in enumerate(model.stream_lengths):
        w = weights[:, s, :].ravel()
        keep = np.argsort(-w)[:8]
        mu = means[:, :, start:start + n].reshape(-1, n)[keep]
        var = variances[:, :, start:start + n].reshape(-1, n)[keep]
        xs = x[:, None, start:start + n].astype(np.float64)
        logn = -0.5 * (np.log(2 * np.pi * var)[None] + (xs - mu[None]) ** 2 / var[None]).sum(2)
        expected += np.log((w[keep] / w[keep].sum() * np.exp(logn)).sum(1))
        start += n
    np.testing.assert_allclose(bg.frame_scores(x), expected, rtol=1e-6)


@pytest.mark.parametrize("kwargs", [dict(warp_alpha=0.3), dict(warp_alpha=2.5), dict(warp_alpha="1.1"),
                                    dict(warp_cutoff=-5.0), dict(warp_alpha=1.5, warp_cutoff=7000.0),
                                    dict(warp_alpha=0.8, warp_band_edges=True, upper_freq=7000.0),
                                    dict(warp_band_edges="yes")])
def test_bad_warp_values_rejected(kwargs):
    with pytest.raises(ae.InvalidArgumentError):
        ae.Frontend(ae.FrontendOptions(**kwargs))


def test_bad_vtln_search_option():
    with pytest.raises(ae.InvalidArgumentError):
        ae.SearchOptions(vtln="yes")  # type: ignore[arg-type]


@pytest.mark.parametrize("text,alpha,cutoff", [("-warp_type piecewise_linear\n-warp_params 0.9", 0.9, 0.0),
                                               ("-warp_type piecewise_linear\n-warp_params 1.1", 1.1, 0.0)])
def test_feat_params_warp(tmp_path, text, alpha, cutoff):
    (tmp_path / "feat.params").write_text(text + "\n")
    fo, _ = ae.model_feature_options(tmp_path)
    assert (fo.warp_alpha, fo.warp_cutoff) == (pytest.approx(alpha), cutoff)


@pytest.mark.parametrize("text", ["-warp_params 0.9", "-warp_type inverse_linear\n-warp_params 0.9",
                                  "-warp_type piecewise_linear\n-warp_params x",
                                  "-warp_type piecewise_linear\n-warp_params 1 2 3",
                                  "-warp_type piecewise_linear\n-warp_params 7"])
def test_feat_params_bad_warp(tmp_path, text):
    (tmp_path / "feat.params").write_text(text + "\n")
    with pytest.raises(ae.FormatError):
        ae.model_feature_options(tmp_path)


def test_recognize_decodes_the_estimated_warp(goforward):
    """``vtln=True`` decodes the features at the estimated warp (the result
    of decoding them directly), and the default decodes warp 1."""
    rec = ae.Recognizer(pick_model_by_rate=False)
    feats = ae.compute_features(goforward, rec.frontend_options, rec.feature_options)
    from asr_engine.recognition_reports import speech_frames

    est = estimate_warp(goforward.samples, rec.acoustic_model, rec.frontend_options, rec.feature_options,
                        speech_frames(feats, rec.acoustic_model))
    assert est.alpha != 1.0  # goforward's male speaker is warped (else this test shows nothing)
    opts = rec.search_options
    direct = rec._result(rec._decode(est.features, opts), goforward.duration, True, opts)
    warped = rec.recognize(goforward, vtln=True)
    assert [(w.word, w.start, w.end) for w in warped.words] == [(w.word, w.start, w.end) for w in direct.words]
    plain = rec._result(rec._decode(feats, opts), goforward.duration, True, opts)
    assert rec.recognize(goforward).transcript == plain.transcript


def test_vtln_is_refused_where_the_whole_audio_is_not_known(goforward):
    """A call's vtln=True on a stream or phrase-by-phrase decoding is an
    error, not silently ignored."""
    rec = ae.default_recognizer()
    with pytest.raises(ae.InvalidArgumentError, match="vtln"):
        rec.stream(vtln=True)
    with pytest.raises(ae.InvalidArgumentError, match="vtln"):
        rec.recognize(goforward, vtln=True, phrase_decoding=True)
