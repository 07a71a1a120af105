"""Fuzzing the grammar compiler: random bytes, mutated suite grammars and
random structured grammars never crash, hang or leak a non-AsrError.
(benchmarks/fuzz_grammar.py runs the same generators for 20,000+ cases.)"""
from __future__ import annotations

from conftest import PSX, SHARED
from grammar_fuzzing import fuzz

CASES = 2000


def test_fuzz_compiler_never_crashes():
    stats = fuzz(CASES, seed=12345, suite_dir=SHARED / "grammar-suite", psx_dir=PSX)
    assert stats["cases"] == CASES
    assert stats.get("bugs", []) == []
    loaded = sum(v for k, v in stats.items() if k.endswith(":loaded"))
    refused = sum(v for k, v in stats.items() if ":refused:" in k)
    assert loaded + refused == CASES
    # The mix really exercises both outcomes.
    assert loaded > CASES // 10 and refused > CASES // 10
