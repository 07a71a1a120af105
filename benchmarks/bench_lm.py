"""Language-model benchmark: our NgramModel against KenLM in one run.

    python benchmarks/bench_lm.py [--cache-dir DIR] [--sentences 20000] [--rounds 7]

Prints
* scoring speed on the same sentences with the default LM (en-us.lm.bin,
  72k words / 2M bigrams / 1.7M trigrams): kenlm.Model.score per sentence vs
  our NgramModel.score per sentence (both through Python), and our batched
  score_batch; ratio = KenLM time / our time (>= 1.0 means we are faster);
* load time and resident memory of the default LM from our binary cache,
  measured in a fresh subprocess (before load, after load, after scoring all
  the sentences), as load_default_lm serves it and with the full checksum;
* the slowdown of the KenLM backend (KenlmModel) relative to NgramModel
  through the word-by-word state API and through the native bridge.

KenLM gets the same model as ARPA (written by us from en-us.lm.bin; KenLM's
probing structure, its default). Timings are the best of interleaved rounds,
so a busy machine hurts both sides alike.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import kenlm  # noqa: E402
import numpy  # noqa: E402,F401  (import before timing: it starts BLAS threads)

from asr_engine.lm import KenlmModel, NgramModel, default_lm_path, load_cached  # noqa: E402

REFS = ROOT.parent / "shared" / "data" / "dev" / "refs.tsv"
if not REFS.exists():
    REFS = Path("/work/shared/data/dev/refs.tsv")


def make_sentences(model: NgramModel, n: int, seed: int = 1) -> list[str]:
    """Half real transcript text (whole lines and recombined spans), half
    random vocabulary words (every lookup backs off)."""
    rng = random.Random(seed)
    refs = [line.split("\t")[1] for line in REFS.read_text().splitlines()[1:] if "\t" in line]
    words = [w for w in model.words() if w not in ("<s>", "</s>", "<unk>")]
    out = []
    for i in range(n):
        if i % 2 == 0:
            if i % 4 == 0:
                out.append(rng.choice(refs))
            else:
                toks = []
                for _ in range(rng.randint(1, 3)):
                    r = rng.choice(refs).split()
                    a = rng.randrange(len(r))
                    toks += r[a : a + rng.randint(2, 6)]
                out.append(" ".join(toks))
        else:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 15))))
    return out


def best_of(rounds: int, fns: dict) -> dict:
    """Interleave the candidates round by round; keep each one's best time."""
    best = {k: float("inf") for k in fns}
    for _ in range(rounds):
        for k, f in fns.items():
            t = time.perf_counter()
            f()
            best[k] = min(best[k], time.perf_counter() - t)
    return best


LOAD_PROBE = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
def status(key):
    for line in open('/proc/self/status'):
        if line.startswith(key + ':'):
            return int(line.split()[1]) / 1024
def rss():
    return status('VmRSS')
sentences = open(sys.argv[3]).read().splitlines()  # read before measuring
from asr_engine.lm import NgramModel
verify = sys.argv[4] == "1"
before = rss()
t = time.perf_counter()
m = NgramModel(sys.argv[2], verify_checksum=verify)
load = time.perf_counter() - t
after_load = rss()
for s in sentences:
    m.score(s)
print(json.dumps({"load_s": load, "rss_before_mb": before, "rss_after_load_mb": after_load,
                  "rss_after_scoring_mb": rss(), "peak_mb": status('VmHWM')}))
"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cache-dir", type=Path, default=Path(tempfile.gettempdir()) / "asr_engine_bench_lm")
    ap.add_argument("--sentences", type=int, default=20_000)
    ap.add_argument("--rounds", type=int, default=7)
    args = ap.parse_args()
    args.cache_dir.mkdir(parents=True, exist_ok=True)

    src = default_lm_path()
    t = time.perf_counter()
    model = load_cached(src, args.cache_dir)
    first = time.perf_counter() - t
    cache_file = model.name
    arpa = args.cache_dir / "en-us.arpa"
    if not arpa.exists():
        model.write_arpa(arpa)
    t = time.perf_counter()
    ken = kenlm.Model(str(arpa))
    ken_load = time.perf_counter() - t
    print(f"default LM: {src}")
    print(f"  counts {model.counts}; cache {cache_file} ({os.path.getsize(cache_file) / 2**20:.1f} MiB)")
    print(f"  load_default_lm (cache hit or lm.bin compile+write): {first:.3f} s; KenLM ARPA load {ken_load:.2f} s")

    sentences = make_sentences(model, args.sentences)
    n_words = sum(len(s.split()) + 1 for s in sentences)

    # Same answers first.
    worst = max(abs(ken.score(s) - model.score(s)) for s in sentences)
    print(f"\n{len(sentences)} sentences, {n_words} scored words (incl. </s>); max |ours - KenLM| = {worst:.2e} log10")

    ks, ms = ken.score, model.score
    t = best_of(args.rounds, {
        "kenlm": lambda: [ks(s) for s in sentences],
        "ours": lambda: [ms(s) for s in sentences],
        "ours_batch": lambda: model.score_batch(sentences),
    })
    print("scoring (best of %d interleaved rounds):" % args.rounds)
    print(f"  kenlm.Model.score per sentence   {t['kenlm']*1e3:8.1f} ms  ({t['kenlm']/len(sentences)*1e6:.2f} us/sentence)")
    print(f"  NgramModel.score per sentence    {t['ours']*1e3:8.1f} ms  ({t['ours']/len(sentences)*1e6:.2f} us/sentence)")
    print(f"  NgramModel.score_batch           {t['ours_batch']*1e3:8.1f} ms  ({t['ours_batch']/n_words*1e9:.0f} ns/word)")
    print(f"  RATIO per-sentence (KenLM / ours): {t['kenlm']/t['ours']:.2f}x")
    print(f"  RATIO batched      (KenLM / ours): {t['kenlm']/t['ours_batch']:.2f}x")

    # Load time and memory from the binary cache, in a fresh process: as
    # load_cached serves it (header and index checked), and fully verified.
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        f.write("\n".join(sentences) + "\n")
    try:
        for verify, label in (("0", "as load_default_lm serves it"), ("1", "verify_checksum=True")):
            probe = subprocess.run(
                [sys.executable, "-c", LOAD_PROBE, str(ROOT / "src"), cache_file, f.name, verify],
                capture_output=True, text=True, check=True,
            )
            r = json.loads(probe.stdout.strip().splitlines()[-1])
            print(f"\ndefault LM from our binary cache, fresh process, {label}:")
            print(f"  load {r['load_s']*1e3:.1f} ms")
            print(f"  VmRSS {r['rss_before_mb']:.1f} MB before, {r['rss_after_load_mb']:.1f} MB after load "
                  f"(+{r['rss_after_load_mb'] - r['rss_before_mb']:.1f}), {r['rss_after_scoring_mb']:.1f} MB after "
                  f"scoring the {len(sentences)} sentences (+{r['rss_after_scoring_mb'] - r['rss_before_mb']:.1f}); "
                  f"peak (VmHWM) {r['peak_mb']:.1f} MB")
    finally:
        os.unlink(f.name)

    # KenLM backend slowdown.
    kb = KenlmModel(arpa)
    native = kb.as_native()
    sub = sentences[:2000]

    def state_walk(m):
        for s in sub:
            st = m.begin_state()
            for w in s.split():
                _, st = m.score_word(st, w)
            m.final(st)

    t = best_of(3, {
        "ngram_state": lambda: state_walk(model),
        "kenlm_state": lambda: state_walk(kb),
        "ngram_native": lambda: [model.score(s) for s in sub],
        "kenlm_native": lambda: [native.score(s) for s in sub],
    })
    print(f"\nKenLM backend (KenlmModel) vs NgramModel, {len(sub)} sentences:")
    print(f"  state API from Python (score_word loop): {t['kenlm_state']*1e3:.1f} ms vs {t['ngram_state']*1e3:.1f} ms"
          f" -> {t['kenlm_state']/t['ngram_state']:.1f}x slower")
    print(f"  through the native bridge (as_native().score): {t['kenlm_native']*1e3:.1f} ms vs "
          f"{t['ngram_native']*1e3:.1f} ms -> {t['kenlm_native']/t['ngram_native']:.1f}x slower")


if __name__ == "__main__":
    main()
