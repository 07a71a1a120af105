"""Senone scores against an independent NumPy implementation."""
from __future__ import annotations

import numpy as np
import pytest

from asr_engine.acoustic import AcousticModel, MeanTransform, ScorerOptions, SenoneScorer
from asr_engine.errors import InvalidArgumentError

import sphinx_reference as ref
from conftest import PSX

FRAMES = [0, 47, 100, 180, 263]


@pytest.fixture(scope="module")
def en_us(en_us_model_dir):
    return AcousticModel.load(str(en_us_model_dir))


@pytest.fixture(scope="module")
def goforward_features():
    return ref.features_1s_c_d_dd(ref.read_mfc(str(PSX / "goforward.mfc")))


def _streams(model):
    out, off = [], 0
    for n in model.stream_lengths:
        out.append(list(range(off, off + n)))
        off += n
    return out


def test_ptm_matches_reference(en_us, goforward_features):
    feats = goforward_features[FRAMES]
    weights = ref.read_sendump(en_us.path + "/sendump", en_us.n_senones, 3, 128)
    sen2cb = ref.binary_mdef_sen2ci(en_us.path + "/mdef")
    expected = ref.reference_scores(en_us.path, feats, _streams(en_us), sen2cb, weights)
    got = en_us.score(feats)
    assert got.shape == (len(FRAMES), 5126) and got.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=0, atol=2e-3)


def test_semi_matches_reference():
    model = AcousticModel.load(str(PSX / "tidigits" / "hmm"))
    feats = ref.features_s2_4x(ref.read_mfc(str(PSX / "tidigits" / "man.ah.111a.mfc")))[[0, 30, 60]]
    weights = ref.read_sendump(model.path + "/sendump", 670, 4, 256)
    expected = ref.reference_scores(model.path, feats, _streams(model), np.zeros(670, int), weights)
    np.testing.assert_allclose(model.score(feats), expected, rtol=0, atol=2e-3)


def test_cont_matches_reference(goforward_features):
    model = AcousticModel.load(str(PSX / "an4_ci_cont"))
    feats = goforward_features[FRAMES]
    weights = ref.read_float_mixw(model.path + "/mixture_weights")
    expected = ref.reference_scores(model.path, feats, _streams(model), np.arange(102), weights, density_floor=None)
    np.testing.assert_allclose(model.score(feats), expected, rtol=1e-5)


@pytest.mark.parametrize("top_n", [1, 2, 8])
def test_top_n(en_us, goforward_features, top_n):
    feats = goforward_features[[50]]
    weights = ref.read_sendump(en_us.path + "/sendump", en_us.n_senones, 3, 128)
    sen2cb = ref.binary_mdef_sen2ci(en_us.path + "/mdef")
    expected = ref.reference_scores(en_us.path, feats, _streams(en_us), sen2cb, weights, top_n=top_n)
    got = en_us.score(feats, ScorerOptions(top_n=top_n))
    np.testing.assert_allclose(got, expected, rtol=0, atol=2e-3)


def test_more_gaussians_never_lower_the_score(en_us, goforward_features):
    feats = goforward_features[::20]
    s1 = en_us.score(feats, ScorerOptions(top_n=1))
    s4 = en_us.score(feats, ScorerOptions(top_n=4))
    assert np.all(s4 >= s1 - 1e-3)


def test_active_subset_matches_all(en_us, goforward_features):
    feats = goforward_features[::10]
    scorer = en_us.scorer()
    full = scorer.score(feats)
    everything = scorer.score(feats, active=np.arange(en_us.n_senones))
    np.testing.assert_allclose(everything, full, atol=1e-4)
    # Without the density floor, scores do not depend on which codebooks are active.
    no_floor = ScorerOptions(density_floor=0)
    full = en_us.scorer(no_floor).score(feats)
    active = np.array([5, 17, 400, 4000, 5125, 17])
    part = en_us.scorer(no_floor).score(feats, active=active)
    np.testing.assert_allclose(part[:, active], full[:, active], atol=1e-4)
    inactive = np.setdiff1d(np.arange(en_us.n_senones), active)
    assert np.all(np.isneginf(part[:, inactive]))


def test_density_floor_is_sphinx_level(en_us, goforward_features):
    feats = goforward_features[::25]
    floored = en_us.score(feats)
    raw = en_us.score(feats, ScorerOptions(density_floor=0))
    assert np.all(floored >= raw - 1e-3)  # the floor only raises densities


def test_mean_transform(en_us, goforward_features):
    feats = goforward_features[::30]
    eye, zero = np.eye(13), np.zeros(13)
    same = SenoneScorer(en_us, mean_transform=MeanTransform([[eye] * 3], [[zero] * 3])).score(feats)
    np.testing.assert_array_equal(same, en_us.score(feats))
    # Shifting every mean by b scores x + b like the original scores x.
    b = np.linspace(-1, 1, 13)
    shifted = SenoneScorer(en_us, mean_transform=MeanTransform([[eye] * 3], [[b] * 3])).score(feats + np.tile(b, 3))
    np.testing.assert_allclose(shifted, en_us.score(feats), atol=1e-3)
    # Two regression classes, chosen per codebook.
    classes = [i % 2 for i in range(en_us.n_codebooks)]
    two = SenoneScorer(en_us, mean_transform=MeanTransform([[eye] * 3, [eye] * 3], [[zero] * 3, [zero] * 3],
                                                           class_of_codebook=classes)).score(feats)
    np.testing.assert_array_equal(two, en_us.score(feats))
    with pytest.raises(InvalidArgumentError):
        SenoneScorer(en_us, mean_transform=MeanTransform([[np.eye(12)] * 3], [[zero] * 3]))


def test_bad_feature_shape(en_us):
    with pytest.raises(InvalidArgumentError):
        en_us.score(np.zeros((4, 13), np.float32))
    with pytest.raises(InvalidArgumentError):
        en_us.scorer(ScorerOptions(top_n=0))
    with pytest.raises(InvalidArgumentError):
        en_us.score(np.zeros((2, 39), np.float32), active=[0, 999999])
    bad = np.zeros((2, 39), np.float32)
    bad[1, 5] = np.nan
    with pytest.raises(InvalidArgumentError):
        en_us.score(bad)
