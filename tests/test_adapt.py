"""Acoustic adaptation: Sphinx MLLR files (both layouts), MLLR estimation,
MAP, adapted model files, and PocketSphinx reading what we write."""
from __future__ import annotations

import csv

import numpy as np
import pytest

from asr_engine import _core
from asr_engine.acoustic import AcousticModel, load_cached
from asr_engine.adapt import AdaptationOptions, AdaptedAcousticModel, MllrTransform, StatisticsCollector
from asr_engine.adapt.training import estimate, features_for, word_weight
from asr_engine.dictionary import Dictionary
from asr_engine.errors import AsrError, FormatError
from conftest import DATA, PSX

KATHLEEN = DATA / "adapt" / "kathleen"
UTTERANCES_FOR_STATS = 12  # adapt-set utterances the statistics tests use (about 35 s of audio)


@pytest.fixture(scope="module")
def model():
    return load_cached()


@pytest.fixture(scope="module")
def dictionary(model):
    return Dictionary.load(None, model)


@pytest.fixture(scope="module")
def kathleen_rows():
    with open(KATHLEEN / "refs.tsv", encoding="utf-8") as f:
        return list(csv.DictReader(f, delimiter="\t"))


@pytest.fixture(scope="module")
def aligned(model, dictionary, kathleen_rows):
    """(features, words) of a few adapt-set utterances."""
    from asr_engine.frontend import compute_features, model_feature_options

    fe, feat = model_feature_options(model.path)
    rows = [r for r in kathleen_rows if not dictionary.missing(r["transcript"].split())][:UTTERANCES_FOR_STATS]
    return [(compute_features(str(KATHLEEN / f"{r['id']}.wav"), fe, feat), r["transcript"].split()) for r in rows]


def _stats(model, dictionary, aligned, shift=None):
    col = StatisticsCollector(model, dictionary)
    for feats, words in aligned:
        observed = None if shift is None else feats + shift
        assert col.add(feats, words, observed=observed)
    return col.native


def _sphinxtrain_layout(a, b):
    """A file in sphinxtrain's layout, written the way its store_reg_mat
    (libmllr/mllr_io.c) loops: per class, per stream: veclen, A, b, ones."""
    lines = [str(len(a)), str(len(a[0]))]
    for c in range(len(a)):
        for s in range(len(a[c])):
            n = len(b[c][s])
            lines.append(str(n))
            for i in range(n):
                lines.append(" ".join("%f" % a[c][s][i * n + j] for j in range(n)))
            lines.append(" ".join("%f" % x for x in b[c][s]))
            lines.append("1.0 " * n)
    return "\n".join(lines) + "\n"


def test_sphinxtrain_multiclass_layout_loads(tmp_path):
    rng = np.random.default_rng(1)
    veclens = [13, 13, 13]
    a = [[np.round(rng.normal(size=n * n), 3).tolist() for n in veclens] for _ in range(3)]
    b = [[np.round(rng.normal(size=n), 3).tolist() for n in veclens] for _ in range(3)]
    path = tmp_path / "st.mllr"
    path.write_text(_sphinxtrain_layout(a, b))
    t = MllrTransform.read(path)
    assert t.n_class == 3
    for c in range(3):
        for s in range(3):
            np.testing.assert_allclose(t.native.a[c][s], a[c][s], atol=1e-6)
            np.testing.assert_allclose(t.native.b[c][s], b[c][s], atol=1e-6)
    # Written in PocketSphinx's layout (stream-major) it reads back the same.
    t.write(tmp_path / "ps.mllr")
    assert (tmp_path / "ps.mllr").read_text() != path.read_text()
    again = MllrTransform.read(tmp_path / "ps.mllr")
    for c in range(3):
        np.testing.assert_allclose(again.native.a[c][1], a[c][1], atol=1e-6)
    t.write(tmp_path / "st2.mllr", layout="sphinxtrain")
    np.testing.assert_allclose(MllrTransform.read(tmp_path / "st2.mllr").native.b[2][0], b[2][0], atol=1e-6)


def test_pocketsphinx_test_matrix_file_loads():
    words = (PSX / "mllr_matrices").read_text().split()
    t = MllrTransform.read(PSX / "mllr_matrices")
    assert (t.n_class, list(t.native.veclens)) == (1, [39])
    np.testing.assert_allclose(t.native.a[0][0][:5], [float(w) for w in words[3:8]], rtol=1e-6)
    np.testing.assert_allclose(t.native.b[0][0], [float(w) for w in words[3 + 39 * 39:3 + 39 * 40]], rtol=1e-6)


@pytest.mark.parametrize("text, problem", [
    ("", "empty"),
    ("1\n1\n2\n1 0 0 1\n0 0\n", "truncated"),
    ("1\n1\n2\n1 0 0 1\n0 0\n1 1\n7\n", "unexpected"),
    ("1\n1\n2\n1 0 zero 1\n0 0\n1 1\n", "bad number"),
    ("1\n1\n2\n1 0 0 1\n0 0\n1 -1\n", "positive"),
    ("0\n1\n", "number of classes"),
])
def test_malformed_mllr_files(tmp_path, text, problem):
    path = tmp_path / "bad.mllr"
    path.write_text(text)
    with pytest.raises(FormatError, match=problem):
        MllrTransform.read(path)


def test_identity_transform_leaves_scores_unchanged(model, aligned):
    feats = aligned[0][0][:50]
    same = MllrTransform(_core.MllrTransform.identity(model.stream_lengths)).apply(model)
    np.testing.assert_allclose(_core.SenoneScorer(same.native).score(feats),
                               _core.SenoneScorer(model.native).score(feats), rtol=1e-5, atol=1e-3)


def test_mllr_is_affine_equivariant(model, dictionary, aligned):
    """Observations shifted by a vector d (posteriors unchanged) must give the
    same matrices and a bias larger by d: the ML solution is linear in the
    first-order sums."""
    shift = np.linspace(-0.5, 0.7, model.frame_dim).astype(np.float32)
    tree = _core.RegressionTree.phonetic(model.native)
    plain = _core.MllrTransform.estimate(model.native, _stats(model, dictionary, aligned), tree,
                                         regression_tree=False, ridge=0.0)
    moved = _core.MllrTransform.estimate(model.native, _stats(model, dictionary, aligned, shift), tree,
                                         regression_tree=False, ridge=0.0)
    for s, lo in enumerate((0, 13, 26)):
        np.testing.assert_allclose(moved.a[0][s], plain.a[0][s], atol=2e-3)
        np.testing.assert_allclose(np.asarray(moved.b[0][s]) - plain.b[0][s], shift[lo:lo + 13], atol=5e-3)


def test_adaptation_raises_the_likelihood_of_held_out_speech(model, dictionary, aligned, kathleen_rows):
    """Estimated on 11 utterances, scored on a 12th of the same speaker."""
    stats = _stats(model, dictionary, aligned[:-1])
    tree = _core.RegressionTree.phonetic(model.native)
    feats, words = aligned[-1]

    def score(m):
        return StatisticsCollector(m, dictionary).aligner.align_features(feats, words).acoustic_score

    base = score(model)
    mllr, transform = estimate(model, stats, tree, AdaptationOptions(mean_prior=0, weight_prior=0))
    full, _ = estimate(model, stats, tree, AdaptationOptions())
    assert transform.n_class >= 1 and transform.class_names[0] == "all"
    assert score(mllr) > base + 0.3 * len(feats)  # nats per frame
    assert score(full) > base + 0.3 * len(feats)


def test_map_with_a_heavy_prior_keeps_the_prior(model, dictionary, aligned):
    stats = _stats(model, dictionary, aligned[:3])
    same = AcousticModel(_core.map_adapt(model.native, stats, mean_prior=1e9, weight_prior=1e9))
    np.testing.assert_allclose(same.native.means(), model.native.means(), atol=1e-4)
    moved = AcousticModel(_core.map_adapt(model.native, stats, mean_prior=1.0, weight_prior=1.0))
    assert np.abs(moved.native.means() - model.native.means()).max() > 0.1


def test_regression_classes_respect_min_frames(model, dictionary, aligned):
    stats = _stats(model, dictionary, aligned)
    tree = _core.RegressionTree.phonetic(model.native)
    for min_frames in (200.0, 1000.0, 1e9):
        t = _core.MllrTransform.estimate(model.native, stats, tree, min_frames=min_frames)
        assert t.class_names[0] == "all"
        assert all(f >= min_frames for f in t.class_frames[1:])
    assert _core.MllrTransform.estimate(model.native, stats, tree, min_frames=1e9).n_class == 1
    assert _core.MllrTransform.estimate(model.native, stats, tree, min_frames=200.0).n_class > 5


def test_adapted_model_round_trips_as_a_sphinx_model(model, dictionary, aligned, tmp_path):
    stats = _stats(model, dictionary, aligned)
    adapted, transform = estimate(model, stats, _core.RegressionTree.phonetic(model.native), AdaptationOptions())
    saved = AdaptedAcousticModel(adapted, model.path, transform, {"mixture_weights_adapted": True})
    saved.save(tmp_path / "am")
    with pytest.raises(AsrError):
        saved.save(tmp_path / "am")  # never overwritten
    loaded = AdaptedAcousticModel.load(tmp_path / "am")
    feats = aligned[0][0][:40]
    np.testing.assert_allclose(_core.SenoneScorer(loaded.native).score(feats),
                               _core.SenoneScorer(adapted.native).score(feats), rtol=1e-5, atol=1e-2)
    assert loaded.transform.native.class_of_codebook == transform.native.class_of_codebook
    assert (tmp_path / "am" / "mixture_weights").is_file() and not (tmp_path / "am" / "sendump").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["am"]  # no temporary left behind


def test_adapted_parameters_must_fit_the_model(model):
    means, variances = model.native.means(), model.native.variances()
    with pytest.raises(AsrError, match="shape"):
        model.native.with_gaussians(means[:, :64], variances[:, :64])
    with pytest.raises(AsrError, match="positive"):
        model.native.with_gaussians(means, -variances)
    bad = _core.MllrTransform.identity([13, 13])  # the model has three streams
    with pytest.raises(AsrError, match="streams"):
        bad.apply(model.native)


@pytest.mark.parametrize("bad", [dict(mean_prior=-1.0), dict(min_frames=float("nan")),
                                 dict(confidence_threshold=1.5), dict(confidence_threshold=-0.1),
                                 dict(confidence_weighting="yes"), dict(confidence_weighting=1),
                                 dict(regression_tree=None), dict(include_fillers="no")])
def test_adaptation_options_refuse_malformed_values(bad):
    with pytest.raises(AsrError) as info:
        AdaptationOptions(**bad)
    assert info.value.code == 400 and next(iter(bad)) in info.value.message


def test_unsupervised_words_count_by_their_posterior():
    plain = AdaptationOptions(confidence_weighting=False)
    weighted = AdaptationOptions()
    assert word_weight(0.49, weighted) == 0.0 and word_weight(None, weighted) == 0.0
    assert word_weight(0.8, weighted) == pytest.approx(0.8) and word_weight(0.8, plain) == 1.0
    assert word_weight(0.0, AdaptationOptions(confidence_threshold=0.0, confidence_weighting=False)) == 1.0


def test_confidence_weighting_gives_doubtful_words_fewer_frames(kathleen_rows):
    """Unsupervised adaptation of the base model on two kathleen utterances:
    with posterior weights the statistics hold fewer (weighted) frames than
    with 0/1 weights, from the same recognized words."""
    from asr_engine.adapt import adapt_acoustic_model
    from asr_engine.recognizer import default_recognizer

    recognizer = default_recognizer()
    items = [(str(DATA / "adapt" / "kathleen" / f"{r['id']}.wav"), None) for r in kathleen_rows[:2]]
    plain = adapt_acoustic_model(recognizer, items, AdaptationOptions(confidence_weighting=False)).info
    weighted = adapt_acoustic_model(recognizer, items, AdaptationOptions()).info
    assert plain["unsupervised_utterances"] == weighted["unsupervised_utterances"] == 2
    assert 0 < weighted["frames_used"] < plain["frames_used"]
    assert weighted["options"]["confidence_weighting"] is True
