"""Loading the three kinds of Sphinx acoustic model."""
from __future__ import annotations

import numpy as np
import pytest

from asr_engine.acoustic import AcousticModel, load_cached
from asr_engine.errors import NotFoundError

from conftest import PSX


@pytest.fixture(scope="module")
def en_us(en_us_model_dir):
    return AcousticModel.load(str(en_us_model_dir))


def test_default_model_is_en_us_ptm(en_us, en_us_model_dir):
    m = AcousticModel.load()
    assert m.path == str(en_us_model_dir)
    assert m.kind == "ptm"


def test_ptm_en_us(en_us):
    assert en_us.kind == "ptm"
    assert en_us.n_senones == 5126
    assert en_us.n_codebooks == len(en_us.phones) == 42
    assert en_us.n_densities == 128
    assert en_us.stream_lengths == [13, 13, 13]  # -svspec 0-12/13-25/26-38
    assert en_us.frame_dim == 39
    assert en_us.n_states_per_phone == 3
    assert en_us.n_triphones == 137053
    assert en_us.native.mdef_is_binary
    assert {"SIL", "+NSN+", "+SPN+"} <= set(en_us.filler_phones)
    assert "AH" in en_us.phones and "AH" not in en_us.filler_phones
    assert en_us.feat_params["feat"] == "1s_c_d_dd"
    assert en_us.noise_dict_path.endswith("noisedict")


def test_semi_tidigits():
    m = AcousticModel.load(str(PSX / "tidigits" / "hmm"))
    assert m.kind == "semi"
    assert m.n_codebooks == 1
    assert m.n_densities == 256
    assert m.stream_lengths == [12, 24, 3, 12]  # s2_4x
    assert m.frame_dim == 51
    assert m.n_senones == 670
    assert m.n_states_per_phone == 5
    assert m.noise_dict_path is None


def test_cont_an4():
    m = AcousticModel.load(str(PSX / "an4_ci_cont"))
    assert m.kind == "cont"
    assert m.n_codebooks == m.n_senones == 102
    assert m.stream_lengths == [39]
    assert not m.native.mdef_is_binary  # text mdef
    assert m.n_triphones == 0


def test_triphone_lookup_and_backoff(en_us):
    name, senones, tmat = en_us.senone_sequence("AH", "B", "K", "i")
    assert name == "AH(B,K)i" and len(senones) == 3 and all(0 <= s < 5126 for s in senones)
    assert tmat == en_us.phones.index("AH")
    # Fillers as context look like silence.
    assert en_us.senone_sequence("AH", "+NSN+", "K", "b")[1] == en_us.senone_sequence("AH", "SIL", "K", "b")[1]
    # CI phones and filler phones use the base HMM.
    assert en_us.senone_sequence("SIL")[0] == "SIL"
    assert en_us.senone_sequence("SIL", "AH", "K", "s")[0] == "SIL"
    with pytest.raises(NotFoundError):
        en_us.senone_sequence("XX")


def test_transition_matrices_are_normalised(en_us):
    for tm in range(3):
        p = np.exp(en_us.transition_matrix(tm).astype(np.float64))
        assert p.shape == (3, 4)
        np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-5)
        assert np.all(np.tril(p, -1)[:, :3] == 0)  # left to right


def test_missing_directory_and_files(tmp_path):
    with pytest.raises(NotFoundError):
        AcousticModel.load(str(tmp_path / "nope"))
    with pytest.raises(NotFoundError, match="mdef"):
        AcousticModel.load(str(tmp_path))


def test_load_cached_shares_model(en_us_model_dir):
    assert load_cached(str(en_us_model_dir)) is load_cached(str(en_us_model_dir))
