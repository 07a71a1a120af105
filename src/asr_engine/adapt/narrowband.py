"""The narrowband (8 kHz) base model, derived from the wideband one.

Front end: the wideband model's filter bank cut at 4 kHz. The en-us model
has 25 mel filters from 130 to 6800 Hz; 19 filters from 130 Hz to
3812.8 Hz are exactly its lowest 19, and at 8 kHz with a 256-point FFT
the bins are as wide (31.25 Hz) as at 16 kHz with 512 points. So the
narrowband log-mel energies are the wideband ones without the band above
4 kHz, and the cepstra (a DCT over 19 instead of 25 channels) are close to
a linear function of the wideband cepstra per phone class.

Gaussians: stereo data. Each training recording at 16 kHz is force-aligned
with the wideband model; its 8 kHz round trip goes through the narrowband
front end; frame by frame the wideband features decide the Gaussian
posteriors while statistics are gathered from both channels. MLLR
estimated on each channel against the same model gives T_wb (speaker) and
T_nb (speaker and channel); the channel transform is
C = T_nb o T_wb^-1 per regression class, so the recordings' speaker
cancels to first order. Variances are scaled per class and dimension by
the ratio of the channels' pooled within-Gaussian variances (the MLLR
file's variance scales). The result is one Sphinx MLLR file
(``en-US_NarrowbandModel.mllr``, with ``.classes.json`` for the codebooks'
classes), written by ``python -m asr_engine.adapt.narrowband`` from the
stereo data and kept in the package; :func:`narrowband_model_dir` applies it
to the wideband model on first use and caches the model directory.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import shutil
import tempfile
import threading
from pathlib import Path
from typing import Iterable, Optional, Tuple

import numpy as np

from .. import _core
from ..acoustic import AcousticModel
from ..audio import load_audio
from ..audio.resample import resample
from ..cache import default_cache_dir
from ..dictionary import Dictionary
from ..errors import NotFoundError
from ..frontend import FeatureStream, model_feature_options
from ..model import default_model_dir
from .statistics import StatisticsCollector

NARROWBAND_MODEL = "en-US_NarrowbandModel"
BROADBAND_MODEL = "en-US_BroadbandModel"
_DATA = Path(__file__).resolve().parent / "data"
TRANSFORM_FILE = _DATA / f"{NARROWBAND_MODEL}.mllr"
CLASSES_FILE = _DATA / f"{NARROWBAND_MODEL}.classes.json"

#: feat.params keys that change for 8 kHz (the rest is the wideband model's).
NARROWBAND_FRONT_END = {"samprate": "8000", "nfft": "256", "lowerf": "130", "upperf": "3812.8", "nfilt": "19"}


def narrowband_feat_params(wideband_dir: str) -> str:
    """The narrowband model's feat.params text."""
    lines, seen = [], set()
    with open(os.path.join(wideband_dir, "feat.params"), encoding="utf-8") as f:
        for line in f:
            parts = line.split()
            if len(parts) >= 2 and parts[0].lstrip("-") in NARROWBAND_FRONT_END:
                key = parts[0].lstrip("-")
                seen.add(key)
                lines.append(f"-{key} {NARROWBAND_FRONT_END[key]}")
            elif parts:
                lines.append(line.rstrip("\n"))
    lines += [f"-{k} {v}" for k, v in NARROWBAND_FRONT_END.items() if k not in seen]
    return "\n".join(lines) + "\n"


def _features(frontend, samples: np.ndarray) -> np.ndarray:
    stream = FeatureStream(*frontend)
    return np.vstack([stream.accept(samples), stream.finish()])


def estimate_channel_transform(items: Iterable[Tuple[str, str]], wideband_dir: Optional[str] = None,
                               min_frames: float = 3000.0) -> "_core.MllrTransform":
    """The wideband -> narrowband channel transform from stereo recordings
    (16 kHz audio path, transcript)."""
    wideband_dir = wideband_dir or default_model_dir()
    model = AcousticModel.load(wideband_dir)
    dictionary = Dictionary.load(None, model)
    wb_front = model_feature_options(wideband_dir)
    with tempfile.TemporaryDirectory() as tmp:
        with open(os.path.join(tmp, "feat.params"), "w", encoding="utf-8") as f:
            f.write(narrowband_feat_params(wideband_dir))
        nb_front = model_feature_options(tmp)
    wb_stats = StatisticsCollector(model, dictionary)
    nb_stats = StatisticsCollector(model, dictionary)
    for path, transcript in items:
        audio = load_audio(path, sample_rate=16000)
        wb = _features(wb_front, audio.samples)
        nb = _features(nb_front, resample(audio.samples, 16000, 8000))
        n = min(len(wb), len(nb))
        if n == 0:
            continue
        words = transcript.split()
        if wb_stats.add(wb[:n], words):
            nb_stats.add(wb[:n], words, observed=nb[:n])
    tree = _core.RegressionTree.phonetic(model.native)
    t_wb = _core.MllrTransform.estimate(model.native, wb_stats.native, tree, min_frames=min_frames)
    t_nb = _core.MllrTransform.estimate(model.native, nb_stats.native, tree, min_frames=min_frames)
    classes = list(t_wb.class_of_codebook)
    if classes != list(t_nb.class_of_codebook):  # same posteriors, so the same classes
        raise RuntimeError("channel statistics chose different regression classes")
    occ, x1w, x2w = wb_stats.native.sums()
    _, x1n, x2n = nb_stats.native.sums()
    with np.errstate(divide="ignore", invalid="ignore"):
        within_w = np.where(occ > 0, x2w - x1w * x1w / occ, 0.0)
        within_n = np.where(occ > 0, x2n - x1n * x1n / occ, 0.0)
    a, b, h = [], [], []
    veclens = list(t_wb.veclens)
    offsets = np.cumsum([0] + veclens)
    for c in range(t_wb.n_class):
        members = [cb for cb, k in enumerate(classes) if k == c] or list(range(len(classes)))
        ratio = within_n[members].sum(axis=(0, 1)) / np.maximum(within_w[members].sum(axis=(0, 1)), 1e-9)
        ratio = np.clip(np.where(np.isfinite(ratio) & (ratio > 0), ratio, 1.0), 0.25, 4.0)
        ac, bc, hc = [], [], []
        for s, n in enumerate(veclens):
            aw = np.asarray(t_wb.a[c][s], np.float64).reshape(n, n)
            an = np.asarray(t_nb.a[c][s], np.float64).reshape(n, n)
            bw = np.asarray(t_wb.b[c][s], np.float64)
            bn = np.asarray(t_nb.b[c][s], np.float64)
            ch = an @ np.linalg.inv(aw)
            ac.append(ch.reshape(-1).astype(np.float32).tolist())
            bc.append((bn - ch @ bw).astype(np.float32).tolist())
            hc.append(ratio[offsets[s]:offsets[s + 1]].astype(np.float32).tolist())
        a.append(ac)
        b.append(bc)
        h.append(hc)
    return _core.MllrTransform(a, b, h, classes)


def _version(wideband_dir: str) -> str:
    digest = hashlib.sha256()
    for path in (TRANSFORM_FILE, CLASSES_FILE, Path(wideband_dir) / "means", Path(wideband_dir) / "variances"):
        digest.update(Path(path).read_bytes())
    return digest.hexdigest()[:16]


_build_lock = threading.Lock()


def narrowband_model_dir(wideband_dir: Optional[str] = None, cache_dir: Optional[str] = None) -> str:
    """The narrowband model's directory: built from the wideband model and
    the packaged channel transform on first use, then cached.

    Raises:
        NotFoundError: the packaged transform is missing (run
            ``python -m asr_engine.adapt.narrowband`` to make it).
    """
    wideband_dir = wideband_dir or default_model_dir()
    if not TRANSFORM_FILE.is_file() or not CLASSES_FILE.is_file():
        raise NotFoundError(f"the {NARROWBAND_MODEL} channel transform ({TRANSFORM_FILE.name}) is missing")
    root = Path(cache_dir) if cache_dir else default_cache_dir() / "models"
    target = root / f"{NARROWBAND_MODEL}-{_version(wideband_dir)}"
    if (target / "means").is_file():
        return str(target)
    with _build_lock:
        if (target / "means").is_file():
            return str(target)
        root.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".narrowband.", dir=root))
        try:
            for name in ("mdef", "transition_matrices", "noisedict", "sendump", "mixture_weights"):
                if (Path(wideband_dir) / name).is_file():
                    shutil.copyfile(Path(wideband_dir) / name, tmp / name)
            (tmp / "feat.params").write_text(narrowband_feat_params(wideband_dir), encoding="utf-8")
            transform = _core.MllrTransform.read(str(TRANSFORM_FILE))
            transform.class_of_codebook = json.loads(CLASSES_FILE.read_text(encoding="utf-8"))
            adapted = transform.apply(AcousticModel.load(wideband_dir).native)
            _core.write_model_parameters(adapted, str(tmp), False)
            try:
                os.rename(tmp, target)
            except OSError:  # another process built it first
                if not (target / "means").is_file():
                    raise
                shutil.rmtree(tmp, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    return str(target)


def _stereo_items(refs: Path, limit: Optional[int]) -> list[Tuple[str, str]]:
    with open(refs, encoding="utf-8") as f:
        rows = list(csv.DictReader(f, delimiter="\t"))[:limit]
    return [(str(refs.parent / f"{r['id']}.wav"), r["transcript"]) for r in rows]


def main(argv=None) -> None:
    """Writes the packaged channel transform from 16 kHz recordings with transcripts."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("refs", nargs="+", help="refs.tsv files (columns id, transcript; <id>.wav beside them)")
    ap.add_argument("--limit", type=int, default=None, help="first N utterances of each refs.tsv")
    ap.add_argument("--min-frames", type=float, default=3000.0)
    args = ap.parse_args(argv)
    items = [item for refs in args.refs for item in _stereo_items(Path(refs), args.limit)]
    transform = estimate_channel_transform(items, min_frames=args.min_frames)
    _DATA.mkdir(exist_ok=True)
    transform.write(str(TRANSFORM_FILE))
    tmp = CLASSES_FILE.with_suffix(".tmp")
    tmp.write_text(json.dumps(list(transform.class_of_codebook)), encoding="utf-8")
    os.replace(tmp, CLASSES_FILE)
    print(f"{TRANSFORM_FILE}: {transform.n_class} classes {list(transform.class_names) or ''} from {len(items)} recordings")


if __name__ == "__main__":
    main()
