"""Speech / non-speech frame labels of the dev set from forced alignment.

A 10 ms frame is speech when it lies inside a transcript word (not a
filler) and not inside a SIL phone of it; everything else is non-speech.
Utterances the aligner cannot align (missing words, alignment failures) are
left out. Labels, samples and features are cached under /tmp by content of
the dev set's refs, so the benchmarks that share them align only once.
"""
from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

import numpy as np

from dev_set import DEV, load_dev_set

from asr_engine.acoustic import AcousticModel
from asr_engine.align import ForcedAligner
from asr_engine.audio import load_audio

FRAME = 0.01


def frame_labels(alignment, n_frames: int) -> np.ndarray:
    """Boolean speech label per frame from an :class:`Alignment`."""
    lab = np.zeros(n_frames, dtype=bool)
    for p in alignment.phones:
        w = alignment.words[p.word]
        if w.filler or p.phone == "SIL":
            continue
        a, b = int(round(p.start / FRAME)), int(round(p.end / FRAME))
        lab[a:min(b, n_frames)] = True
    return lab


def dev_labels(limit: int | None = None) -> list[dict]:
    """[{id, samples (float32 16 kHz), features, labels}] for the dev set."""
    key = hashlib.sha1((DEV / "refs.tsv").read_bytes()).hexdigest()[:12]
    cache = Path(f"/tmp/asr_engine_vad_labels_{key}.pkl")
    if cache.exists():
        items = pickle.loads(cache.read_bytes())
    else:
        model = AcousticModel.load()
        aligner = ForcedAligner(model)
        items = []
        for u in load_dev_set():
            audio = load_audio(str(u.path))
            feats = aligner.features(audio)
            try:
                al = aligner.align_features(feats, u.reference)
            except Exception:  # noqa: BLE001 - unalignable utterances are skipped, counted below
                continue
            items.append({"id": u.id, "samples": np.asarray(audio.samples, dtype=np.float32),
                          "features": feats, "labels": frame_labels(al, feats.shape[0])})
        tmp = cache.with_suffix(".tmp")
        tmp.write_bytes(pickle.dumps(items))
        tmp.rename(cache)
    return items[:limit] if limit else items
