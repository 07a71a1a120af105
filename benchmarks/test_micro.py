"""Micro-benchmarks, each stage beside its peer in one ``benchmark.group``.

* ``frontend``: MFCC + deltas of 10 s of dev speech — ours, python_speech_features, librosa.
* ``senone-scoring``: all 5,126 senones of the en-us model for 100 frames —
  ours and a vectorised NumPy scorer of the same model (PocketSphinx's scorer
  cannot be called on its own); the two must agree.
* ``lm-query``: 2,000 sentences scored by a trigram trained on the dev
  transcripts — ours and KenLM on the same ARPA file; scores must agree.
* ``grammar-compile``: a 200-name JSGF command grammar — ours (to a
  determinised, minimised automaton) and PocketSphinx's Jsgf to an FSG.
"""
from __future__ import annotations

import random

import numpy as np
import pytest

import asr_engine as ae
from bench_common import SHARED

DEV = SHARED / "data" / "dev"


def _dev_speech(seconds: float) -> np.ndarray:
    parts, total = [], 0
    for path in sorted(DEV.glob("*.wav")):
        x = ae.load_audio(path).samples
        parts.append(x)
        total += x.size
        if total >= seconds * 16000:
            break
    return np.concatenate(parts)[: int(seconds * 16000)]


@pytest.fixture(scope="module")
def model():
    return ae.AcousticModel.load()


@pytest.fixture(scope="module")
def speech():
    return _dev_speech(10.0)


# --- front end --------------------------------------------------------------

@pytest.mark.benchmark(group="frontend")
def test_frontend_asr_engine(benchmark, model, speech):
    fo, feo = ae.model_feature_options(model.path)
    feats = benchmark(ae.compute_features, speech, fo, feo)
    assert feats.shape[1] == 39


@pytest.mark.benchmark(group="frontend")
def test_frontend_python_speech_features(benchmark, speech):
    psf = pytest.importorskip("python_speech_features")
    pcm = speech * 32768.0

    def run():
        m = psf.mfcc(pcm, 16000, winlen=0.025625, numcep=13, nfilt=25, lowfreq=130, highfreq=6800)
        d = psf.delta(m, 2)
        return np.hstack([m, d, psf.delta(d, 2)])

    assert benchmark(run).shape[1] == 39


@pytest.mark.benchmark(group="frontend")
def test_frontend_librosa(benchmark, speech):
    librosa = pytest.importorskip("librosa")

    def run():
        m = librosa.feature.mfcc(y=speech, sr=16000, n_mfcc=13, n_fft=512, hop_length=160, win_length=410,
                                 n_mels=25, fmin=130, fmax=6800)
        return np.vstack([m, librosa.feature.delta(m), librosa.feature.delta(m, order=2)]).T

    assert benchmark(run).shape[1] == 39


# --- senone scoring ---------------------------------------------------------

class NumpySenoneScorer:
    """Top-4 tied-mixture senone scores, vectorised over frames (float64),
    from the model files read by tests/sphinx_reference.py."""

    def __init__(self, model: ae.AcousticModel, top_n: int = 4) -> None:
        import sphinx_reference as ref

        means, _ = ref.read_gaussians(model.path + "/means")
        variances, _ = ref.read_gaussians(model.path + "/variances")
        self.sen2cb = ref.binary_mdef_sen2ci(model.path + "/mdef")
        self.log_w = np.log(ref.read_sendump(model.path + "/sendump", model.n_senones, len(model.stream_lengths),
                                             model.n_densities))
        offsets = np.cumsum([0] + model.stream_lengths)
        self.streams = [slice(offsets[i], offsets[i + 1]) for i in range(len(model.stream_lengths))]
        self.top_n, self.n_sen = top_n, model.n_senones
        self.params = []
        for cb in range(len(means)):
            per = []
            for s in range(len(self.streams)):
                m, v = np.asarray(means[cb][s], float), np.maximum(np.asarray(variances[cb][s], float), 1e-4)
                iv = 1.0 / v
                const = -0.5 * (np.log(2 * np.pi * v).sum(1) + (m * m * iv).sum(1))
                per.append((iv, m * iv, const))
            self.params.append(per)
        self.senones_of = [np.flatnonzero(self.sen2cb == cb) for cb in range(len(means))]

    def score(self, feats: np.ndarray) -> np.ndarray:
        x = feats.astype(np.float64)
        T = len(x)
        out = np.zeros((T, self.n_sen))
        rows = np.arange(T)[:, None]
        for s, sl in enumerate(self.streams):
            xs = x[:, sl]
            tops = []
            for per in self.params:
                iv, miv, const = per[s]
                dens = const - 0.5 * (xs * xs) @ iv.T + xs @ miv.T  # T x densities
                idx = np.argpartition(-dens, self.top_n - 1, axis=1)[:, : self.top_n]
                tops.append((idx, dens[rows, idx]))
            best = np.max([sc.max(1) for _, sc in tops], axis=0)
            floor = best - 96 * 1024 * np.log(1.0001)
            for cb, (idx, sc) in enumerate(tops):
                sens = self.senones_of[cb]
                terms = np.maximum(sc, floor[:, None])[:, :, None] + self.log_w[s][idx][:, :, sens]
                top = terms.max(1)
                out[:, sens] += top + np.log(np.exp(terms - top[:, None, :]).sum(1))
        return out


@pytest.fixture(scope="module")
def frames(model, speech):
    fo, feo = ae.model_feature_options(model.path)
    return np.ascontiguousarray(ae.compute_features(speech, fo, feo)[:100])


@pytest.mark.benchmark(group="senone-scoring")
def test_senones_asr_engine(benchmark, model, frames):
    scorer = model.scorer()
    got = benchmark(scorer.score, frames)
    assert got.shape == (100, model.n_senones)


@pytest.mark.benchmark(group="senone-scoring")
def test_senones_numpy_reference(benchmark, model, frames):
    reference = NumpySenoneScorer(model)
    expected = benchmark(reference.score, frames)
    np.testing.assert_allclose(model.scorer().score(frames), expected, atol=5e-3, rtol=0)


# --- LM queries -------------------------------------------------------------

@pytest.fixture(scope="module")
def trigram(tmp_path_factory):
    rows = (DEV / "refs.tsv").read_text().splitlines()[1:]
    text = [r.split("\t")[1] for r in rows]
    arpa = tmp_path_factory.mktemp("lm") / "dev.arpa"
    ae.lm.train_ngram(text, order=3).write_arpa(arpa)
    ours = ae.lm.load_cached(arpa, arpa.parent)
    rng = random.Random(1)
    vocab = sorted({w for t in text for w in t.split()})
    sentences = [rng.choice(text) if i % 2 else " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 12)))
                 for i in range(2000)]
    return arpa, ours, sentences


@pytest.mark.benchmark(group="lm-query")
def test_lm_asr_engine(benchmark, trigram):
    _arpa, ours, sentences = trigram
    benchmark(lambda: [ours.score(s) for s in sentences])


@pytest.mark.benchmark(group="lm-query")
def test_lm_asr_engine_batch(benchmark, trigram):
    _arpa, ours, sentences = trigram
    benchmark(ours.score_batch, sentences)


@pytest.mark.benchmark(group="lm-query")
def test_lm_kenlm(benchmark, trigram):
    kenlm = pytest.importorskip("kenlm")
    arpa, ours, sentences = trigram
    ken = kenlm.Model(str(arpa))
    benchmark(lambda: [ken.score(s) for s in sentences])
    np.testing.assert_allclose([ours.score(s) for s in sentences[:200]],
                               [ken.score(s) for s in sentences[:200]], atol=1e-3)


# --- grammar compilation ----------------------------------------------------

@pytest.fixture(scope="module")
def command_grammar(tmp_path_factory):
    from bench_grammar import big_jsgf

    path = tmp_path_factory.mktemp("gram") / "big.gram"
    path.write_text(big_jsgf(200))
    return path


@pytest.mark.benchmark(group="grammar-compile")
def test_grammar_asr_engine(benchmark, command_grammar):
    g = benchmark(ae.compile_grammar, command_grammar, root="cmd")
    assert g.matches("please call name7 tomorrow at five")


@pytest.mark.benchmark(group="grammar-compile")
def test_grammar_pocketsphinx_jsgf(benchmark, command_grammar):
    pocketsphinx = pytest.importorskip("pocketsphinx")
    logmath = pocketsphinx.LogMath()

    def run():
        j = pocketsphinx.Jsgf(str(command_grammar))
        return j.build_fsg(j.get_rule("big.cmd"), logmath, 1.0)

    fsg = benchmark(run)
    assert fsg.accept("please call name7 tomorrow at five")
