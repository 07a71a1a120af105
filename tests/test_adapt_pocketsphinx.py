"""MLLR files interoperate with PocketSphinx: transforms we write change
PocketSphinx's decoding (it reads them with ``-mllr``) the way they change
ours: a speaker transform estimated here changes both engines' output, and
a transform that collapses the cepstral means wrecks both alike.

(Its direction on this speaker, measured on the whole dev set, is in
benchmarks/bench_speaker_adaptation.py; a few utterances are too few to
assert it.)"""
from __future__ import annotations

import csv

import numpy as np
import pytest
import soundfile as sf

from asr_engine import _core
from asr_engine.adapt import AdaptationOptions, MllrTransform, StatisticsCollector
from asr_engine.adapt.training import estimate, features_for
from conftest import DATA, DEV

pocketsphinx = pytest.importorskip("pocketsphinx")

KATHLEEN = DATA / "adapt" / "kathleen"
ADAPT_UTTERANCES = 20  # about a minute of the speaker
TEST_UTTERANCES = 2  # her dev recordings decoded by both engines


def _errors(ref: str, hyp: str) -> int:
    r, h = ref.split(), hyp.lower().split()
    prev = list(range(len(h) + 1))
    for i, rw in enumerate(r, 1):
        cur = [i] + [0] * len(h)
        for j, hw in enumerate(h, 1):
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (rw != hw))
        prev = cur
    return prev[-1]


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    from asr_engine.recognizer import Recognizer

    rec = Recognizer()
    with open(KATHLEEN / "refs.tsv", encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))[:ADAPT_UTTERANCES]
    col = StatisticsCollector(rec.acoustic_model, rec.dictionary)
    for r in rows:
        col.add(features_for(rec, str(KATHLEEN / f"{r['id']}.wav"))[0], r["transcript"].split())
    tree = _core.RegressionTree.phonetic(rec.acoustic_model.native)
    # One global transform: the class PocketSphinx applies.
    adapted, transform = estimate(rec.acoustic_model, col.native, tree,
                                  AdaptationOptions(regression_tree=False, mean_prior=0, weight_prior=0))
    d = tmp_path_factory.mktemp("mllr")
    transform.write(d / "speaker.mllr")
    # A destructive transform: cepstral means collapse to zero.
    a = [[np.eye(13).reshape(-1).tolist() for _ in range(3)]]
    a[0][0] = np.zeros(169).tolist()
    broken = MllrTransform(_core.MllrTransform(a, [[[0.0] * 13] * 3]))
    broken.write(d / "broken.mllr")
    with open(DEV / "refs.tsv", encoding="utf-8") as f:
        dev = [r for r in csv.DictReader(f, delimiter="\t") if r["id"].startswith("cathy_")][:TEST_UTTERANCES]
    return rec, d, dev, adapted, broken.apply(rec.acoustic_model)


def _pocketsphinx_errors(model_dir, dev, mllr=None):
    kwargs = {"mllr": str(mllr)} if mllr else {}
    decoder = pocketsphinx.Decoder(hmm=model_dir, loglevel="ERROR", **kwargs)
    total, hyps = 0, []
    for r in dev:
        samples, rate = sf.read(str(DEV / f"{r['id']}.wav"), dtype="int16")
        decoder.start_utt()
        decoder.process_raw(np.ascontiguousarray(samples).tobytes(), full_utt=True)
        decoder.end_utt()
        hyp = decoder.hyp().hypstr if decoder.hyp() is not None else ""
        hyps.append(hyp)
        total += _errors(r["transcript"], hyp)
    return total, hyps


def _our_errors(rec, dev, model=None):
    """(word errors, per utterance the words with their confidences): the
    confidences come from the acoustic scores, so they show a transform
    applied even where the wide search settles on the same words. Best-path
    decoding, as PocketSphinx decodes: the comparison is like for like."""
    results = [rec.recognize(str(DEV / f"{r['id']}.wav"), adaptation=model, consensus=False) for r in dev]
    outputs = [[(w.word, w.confidence) for w in res.words] for res in results]
    return sum(_errors(r["transcript"], res.transcript) for r, res in zip(dev, results)), outputs


def test_pocketsphinx_reads_our_transform_and_moves_like_us(setup):
    rec, d, dev, adapted, broken = setup
    ps_base, base_hyps = _pocketsphinx_errors(rec.model_dir, dev)
    _, speaker_hyps = _pocketsphinx_errors(rec.model_dir, dev, d / "speaker.mllr")
    ps_broken, _ = _pocketsphinx_errors(rec.model_dir, dev, d / "broken.mllr")
    (ours_base, ours_base_hyps), (_, ours_speaker_hyps), (ours_broken, _) = (
        _our_errors(rec, dev), _our_errors(rec, dev, adapted), _our_errors(rec, dev, broken))
    words = sum(len(r["transcript"].split()) for r in dev)
    # Both engines applied the speaker transform: their outputs changed (ours: words or confidences).
    assert speaker_hyps != base_hyps and ours_speaker_hyps != ours_base_hyps
    # Collapsing the cepstral means wrecks both.
    assert ps_broken > ps_base + words // 3 and ours_broken > ours_base + words // 3
