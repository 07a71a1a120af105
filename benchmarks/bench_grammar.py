"""Grammar compilation and sentence matching: asr_engine vs PocketSphinx.

For the same JSGF grammars, times PocketSphinx's JSGF parse + FSG build and
our compile_grammar (parse, expansion, epsilon removal, determinisation,
minimisation), then sentence membership tests (our Grammar.matches against
PocketSphinx's FsgModel.accept) on the same sentences, in one process on
one thread. Also prints our automaton sizes and the compile time of the
whole W3C SRGS suite. Recognition speed under a grammar (RTF against n-gram
and PocketSphinx JSGF decoding) belongs with the decoder.

    PYTHONPATH=src python benchmarks/bench_grammar.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

import pocketsphinx

from asr_engine.grammar import compile_grammar
from bench_common import PSX, SHARED, best_time



def big_jsgf(n_names: int) -> str:
    rng = random.Random(0)
    names = " | ".join(f"name{i}" for i in range(n_names))
    return ("#JSGF V1.0;\ngrammar big;\n"
            "public <cmd> = [please] <verb> <who> [<when>] [thanks];\n"
            "<verb> = call | text | email | remind | ping;\n"
            f"<who> = {names} | <who> and <who2>;\n"
            f"<who2> = {names};\n"
            "<when> = (today | tomorrow | on <day>) [at <hour> [o clock]];\n"
            "<day> = monday | tuesday | wednesday | thursday | friday | saturday | sunday;\n"
            "<hour> = one | two | three | four | five | six | seven | eight | nine | ten | eleven | twelve;\n"
            ).replace("<who> and <who2>", "<who2> and <who2>") + "\n" * rng.randint(0, 1)


def sentences_for(grammar, n: int, rng: random.Random) -> list[str]:
    words = grammar.words
    out = []
    enumerated, _ = grammar.enumerate(max_length=12, max_count=5000)
    for i in range(n):
        if i % 2 == 0 and enumerated:
            out.append(" ".join(rng.choice(enumerated)))
        else:
            out.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))))
    return out


def compare(name: str, path: Path, rule: str, repeat: int) -> None:
    lm = pocketsphinx.LogMath()

    def ps_compile():
        j = pocketsphinx.Jsgf(str(path))
        return j.build_fsg(j.get_rule(rule), lm, 1.0)

    root = rule.rpartition(".")[2]
    ours_t = best_time(lambda: compile_grammar(path, root=root), repeat)
    ps_t = best_time(ps_compile, repeat)
    g = compile_grammar(path, root=root)
    fsg = ps_compile()
    sents = sentences_for(g, 2000, random.Random(1))
    ours_m = best_time(lambda: [g.matches(s) for s in sents], repeat)
    ps_m = best_time(lambda: [fsg.accept(s) for s in sents], repeat)
    agree = sum(g.matches(s) == bool(fsg.accept(s)) for s in sents)
    print(f"{name:12s} compile  ours {ours_t * 1e3:8.2f} ms   pocketsphinx {ps_t * 1e3:8.2f} ms   "
          f"ratio {ps_t / ours_t:6.2f}x   (ours: {g.num_states} states, {g.num_arcs} arcs, {len(g.words)} words)")
    print(f"{'':12s} match    ours {ours_m / len(sents) * 1e6:8.2f} us   pocketsphinx {ps_m / len(sents) * 1e6:8.2f} us"
          f"   ratio {ps_m / ours_m:6.2f}x   agree {agree}/{len(sents)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    pocketsphinx.set_loglevel("FATAL") if hasattr(pocketsphinx, "set_loglevel") else None
    compare("goforward", PSX / "goforward.gram", "goforward.move2", args.repeat)
    compare("cards", PSX / "cards" / "cards.gram", "cards.cards", args.repeat)
    with tempfile.TemporaryDirectory() as d:
        for n in (100, 2000):
            p = Path(d) / f"big{n}.gram"
            p.write_text(big_jsgf(n))
            compare(f"names{n}", p, "big.cmd", args.repeat)
    files = sorted((SHARED / "grammar-suite" / "w3c-srgs10" / "test").rglob("*.gr*"))
    t = time.perf_counter()
    ok = 0
    for f in files:
        try:
            compile_grammar(f)
            ok += 1
        except Exception:
            pass
    dt = time.perf_counter() - t
    print(f"W3C suite: {len(files)} grammars ({ok} load) compiled in {dt:.2f} s "
          f"({dt / len(files) * 1e3:.2f} ms each, including the ones refused)")


if __name__ == "__main__":
    sys.exit(main())
