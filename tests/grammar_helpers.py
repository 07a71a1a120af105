"""Shared helpers for the grammar tests: the W3C SRGS suite manifests and
language enumeration (of our automata and of PocketSphinx FSG files)."""
from __future__ import annotations

import csv
import math
import re
from collections import defaultdict
from pathlib import Path

from conftest import PSX, SHARED

SUITE = SHARED / "grammar-suite"
TESTS_DATA = Path(__file__).resolve().parent / "data" / "grammar"


def suite_rows(form: str) -> list[dict]:
    with open(SUITE / "grammars.tsv", newline="", encoding="utf-8") as f:
        return [r for r in csv.DictReader(f, delimiter="\t") if r["form"] == form]


def suite_cases() -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = defaultdict(list)
    with open(SUITE / "cases.tsv", newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f, delimiter="\t"):
            out[r["file"]].append(r)
    return out


def normalise_lps(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip())


def fsa_language(grammar, max_length: int) -> set[str]:
    """Every sentence of at most max_length words accepted by a compiled grammar."""
    fsa = grammar.fsa
    cache: dict[int, list] = {}
    out: set[str] = set()
    words: list[str] = []

    def rec(s: int) -> None:
        if fsa.final_weight(s) > -math.inf:
            out.add(" ".join(words))
        if len(words) == max_length:
            return
        if s not in cache:
            cache[s] = fsa.arcs(s)
        for w, _, t in cache[s]:
            words.append(w)
            rec(t)
            words.pop()

    rec(fsa.start)
    return out


def fsg_language(path, max_length: int) -> set[str]:
    """Every sentence of at most max_length words of a PocketSphinx FSG file
    (epsilon transitions allowed), by subset construction on the fly."""
    trans: dict[int, list] = defaultdict(list)
    start = final = None
    for line in open(path, encoding="utf-8"):
        p = line.split()
        if not p:
            continue
        if p[0] == "START_STATE":
            start = int(p[1])
        elif p[0] == "FINAL_STATE":
            final = int(p[1])
        elif p[0] == "TRANSITION":
            trans[int(p[1])].append((int(p[2]), p[4] if len(p) > 4 else None))

    def close(states) -> frozenset:
        out, stack = set(states), list(states)
        while stack:
            s = stack.pop()
            for t, w in trans[s]:
                if w is None and t not in out:
                    out.add(t)
                    stack.append(t)
        return frozenset(out)

    memo: dict[frozenset, dict] = {}

    def step(S: frozenset) -> dict:
        if S not in memo:
            d: dict[str, set] = defaultdict(set)
            for s in S:
                for t, w in trans[s]:
                    if w is not None:
                        d[w].add(t)
            memo[S] = {w: close(T) for w, T in d.items()}
        return memo[S]

    out: set[str] = set()
    words: list[str] = []

    def rec(S: frozenset) -> None:
        if final in S:
            out.add(" ".join(words))
        if len(words) == max_length:
            return
        for w, T in step(S).items():
            words.append(w)
            rec(T)
            words.pop()

    rec(close({start}))
    return out


def pocketsphinx_fsg(jsgf_path, rule: str, out_path) -> Path:
    """Compile a JSGF rule with PocketSphinx and write its FSG text."""
    import pocketsphinx

    j = pocketsphinx.Jsgf(str(jsgf_path))
    r = j.get_rule(rule)
    assert r is not None, rule
    fsg = j.build_fsg(r, pocketsphinx.LogMath(), 1.0)
    fsg.writefile(str(out_path))
    return Path(out_path)


__all__ = ["SUITE", "PSX", "TESTS_DATA", "suite_rows", "suite_cases", "normalise_lps", "fsa_language",
           "fsg_language", "pocketsphinx_fsg"]
