"""The Sphinx lm.bin reader against PocketSphinx, and the default-LM cache."""
from __future__ import annotations

import sys
from pathlib import Path

import math
import random

import pocketsphinx
import pytest

from asr_engine.lm import NgramModel, default_lm_path, load_cached, load_default_lm

sys.path.insert(0, str(Path(__file__).resolve().parent))  # lm_corpus helper, however pytest imports us
from lm_corpus import PS_DATA  # noqa: E402

# PocketSphinx reports log probabilities as integers in base 1.0001 (truncated).
LN_BASE = math.log(1.0001)
TOL = 2.0  # base-1.0001 units: integer truncation plus float32 rounding


@pytest.fixture(scope="session")
def enus_cache(tmp_path_factory):
    return tmp_path_factory.mktemp("lmcache")


@pytest.fixture(scope="session")
def enus(enus_cache):
    return load_default_lm(enus_cache)


@pytest.fixture(scope="session")
def ps_enus():
    return pocketsphinx.NGramModel.readfile(str(default_lm_path()))


def ps_units(model: NgramModel, words) -> float:
    """Our log P(words[-1] | words[:-1]) in PocketSphinx's units."""
    return model.ngram_logprob(list(words)) * math.log(10) / LN_BASE


def test_default_lm_counts(enus):
    assert enus.order == 3
    assert enus.counts == [72547, 2051547, 1669625]
    # The file's header over-allocates 6 bigram slots; <unk> is added.
    assert enus.stored_counts == [72548, 2051541, 1669625]
    assert "<unk>" in enus and enus.index("no-such-word") == enus.unk_id


def random_ngrams(model: NgramModel, n: int, seed: int = 0):
    rng = random.Random(seed)
    vocab = [w for w in model.words() if w != "<unk>"]
    counts = model.stored_counts
    top = model.order

    def stored(k):
        return model.ngram_at(k, rng.randrange(counts[k - 1]))[0]

    out = []
    for i in range(n):
        kind = i % 5
        if kind == 0:  # a stored n-gram of the highest order
            out.append(stored(top))
        elif kind == 1:  # a stored n-gram of a lower order
            out.append(stored(max(1, top - 1)))
        elif kind == 2:  # stored, with an unrelated word in front: back-off
            out.append([rng.choice(vocab)] + stored(max(1, top - 1)))
        elif kind == 3:  # random words
            out.append([rng.choice(vocab) for _ in range(rng.randint(1, top))])
        else:  # stored, with its first word replaced
            w = stored(top)
            w[0] = rng.choice(vocab)
            out.append(w)
    return out


def test_agrees_with_pocketsphinx(enus, ps_enus):
    ngrams = random_ngrams(enus, 12_000)
    worst = 0.0
    for words in ngrams:
        theirs = ps_enus.prob(list(reversed(words)))
        ours = ps_units(enus, words)
        worst = max(worst, abs(theirs - ours))
    assert worst <= TOL, worst


@pytest.mark.parametrize("name", ["turtle.lm.bin", "tidigits/lm/tidigits.lm.bin"])
def test_small_lm_bins_agree_with_pocketsphinx(name):
    path = PS_DATA / name
    ours = NgramModel.load(path)
    theirs = pocketsphinx.NGramModel.readfile(str(path))
    worst = 0.0
    for words in random_ngrams(ours, 3000, seed=1)[: 3000]:
        worst = max(worst, abs(theirs.prob(list(reversed(words))) - ps_units(ours, words)))
    assert worst <= TOL


def test_cache_roundtrip_and_reuse(enus, enus_cache):
    files = list((enus_cache / "lm").glob("en-us.lm.bin.*.asrlm"))
    assert len(files) == 1
    again = load_default_lm(enus_cache)
    assert again.name == str(files[0])  # served from the mapping
    for s in ["the cat sat on the mat", "go forward ten meters", "zyzzyva"]:
        assert again.score(s) == enus.score(s)


def test_corrupt_cache_is_rebuilt(tmp_path):
    src = PS_DATA / "turtle.lm.bin"
    m = load_cached(src, tmp_path)
    cache = next((tmp_path / "lm").glob("*.asrlm"))
    data = bytearray(cache.read_bytes())
    data[len(data) // 2] ^= 0xFF
    cache.write_bytes(bytes(data))
    m2 = load_cached(src, tmp_path)
    assert m2.score("the turtle") == m.score("the turtle")
    assert not list((tmp_path / "lm").glob(".*.tmp"))  # no temp files left behind


def test_enus_arpa_agrees_with_kenlm(enus, tmp_path):
    # The whole default LM through ARPA into KenLM: same scores as ours.
    import kenlm

    arpa = tmp_path / "enus.arpa"
    enus.write_arpa(arpa)
    ken = kenlm.Model(str(arpa))
    rng = random.Random(4)
    vocab = enus.words()
    ngrams = random_ngrams(enus, 4000, seed=3)
    sentences = [" ".join(w) for w in ngrams] + [
        " ".join(rng.choice(vocab) for _ in range(rng.randint(1, 12))) for _ in range(6000)
    ]
    worst = 0.0
    for s in sentences:
        for bos, eos in ((True, True), (False, False)):
            worst = max(worst, abs(ken.score(s, bos=bos, eos=eos) - enus.score(s, bos=bos, eos=eos)))
    assert worst < 1e-4


def test_corrupt_levels_rebuilt_when_verifying(tmp_path):
    # The default cache load checks the header and index only; the n-gram
    # records (the end of the file) are covered by verify_checksum=True.
    src = PS_DATA / "turtle.lm.bin"
    m = load_cached(src, tmp_path)
    cache = next((tmp_path / "lm").glob("*.asrlm"))
    data = bytearray(cache.read_bytes())
    data[-20] ^= 0xFF
    cache.write_bytes(bytes(data))
    load_cached(src, tmp_path).score("the turtle")  # served as is, no crash
    assert cache.read_bytes() == bytes(data)
    m2 = load_cached(src, tmp_path, verify_checksum=True)
    assert cache.read_bytes() != bytes(data)  # rebuilt
    assert m2.score("the turtle") == m.score("the turtle")


def _mapped_rss_kb() -> dict:
    """Resident kB per mapping of this process (keyed by address range)."""
    out, key = {}, None
    with open("/proc/self/smaps") as f:
        for line in f:
            head = line.split(maxsplit=1)[0]
            if "-" in head and not head.endswith(":"):
                key = line.split()[0], line.split()[-1]
            elif head == "Rss:" and key is not None:
                out[key] = int(line.split()[1])
    return out


def test_default_cache_load_touches_little(enus, enus_cache):
    # Loading maps the file and reads only the header and the index (~7 MB of
    # the ~36 MB default LM); scoring then pages in what it needs.
    cache = next((enus_cache / "lm").glob("*.asrlm"))
    before = _mapped_rss_kb()
    m = load_default_lm(enus_cache)
    new = {k: v for k, v in _mapped_rss_kb().items() if k not in before and k[1] == str(cache)}
    assert len(new) == 1
    rss_mb = sum(new.values()) / 1024
    assert rss_mb < 12, rss_mb
    assert cache.stat().st_size < 40 * 2**20
    assert m.score("the cat sat on the mat") == enus.score("the cat sat on the mat")
