"""WordLattice.rescaled: a lattice at another posterior scale without a
second build must be exactly the lattice built at that scale."""
from __future__ import annotations

import pytest

import asr_engine as ae
from conftest import PSX


@pytest.fixture(scope="module")
def decoded():
    rec = ae.Recognizer()
    audio = ae.load_audio(PSX / "librivox" / "sense_and_sensibility_01_austen_64kb-0880.wav")
    feats = ae.compute_features(audio, rec.frontend_options, rec.feature_options)
    return rec, rec._decode(feats, rec.search_options)


@pytest.mark.parametrize("scale", [0.02, 0.12, 1.0])
def test_rescaled_equals_a_lattice_built_at_that_scale(decoded, scale):
    rec, dec = decoded
    built = dec.lattice(rec._lattice_options(rec.search_options, scale))
    rescaled = dec.lattice().rescaled(scale)
    assert rescaled.instances == built.instances
    assert rescaled.log_total == built.log_total
    assert rescaled.posteriors == built.posteriors
    assert rescaled.best_path() == built.best_path()
    assert rescaled.nbest(5) == built.nbest(5)
    path = built.best_path()[0]
    assert rescaled.confidences(path) == built.confidences(path)
    a, b = rescaled.confusion_network(), built.confusion_network()
    assert a.bins == b.bins and a.best_path() == b.best_path()


def test_rescaled_rejects_a_bad_scale(decoded):
    _rec, dec = decoded
    with pytest.raises(ae.InvalidArgumentError):
        dec.lattice().rescaled(0.0)
    with pytest.raises(ae.InvalidArgumentError):
        dec.lattice().rescaled(float("nan"))
