"""Fuzz case generators for the grammar compiler, shared by the test suite
(a few thousand cases) and benchmarks/fuzz_grammar.py (tens of thousands).

A case passes when compiling either succeeds or raises an AsrError, and a
compiled grammar answers matches()/parse() consistently (or raises an
AsrError), all within the time and size limits given to the compiler."""
from __future__ import annotations

import random
import time
from pathlib import Path

from asr_engine.errors import AsrError
from asr_engine.grammar import compile_grammar

SPECIAL = b"<>()[]{}|$;\"'/*+!#~=-.:0123456789 \n\t"
FUZZ_LIMITS = dict(max_states=20000, max_arcs=200000, max_seconds=5.0, max_depth=500)


def seed_documents(suite_dir: Path, psx_dir: Path) -> list[tuple[Path, bytes]]:
    files = sorted((suite_dir / "w3c-srgs10" / "test").rglob("*.gr*"))
    files += sorted(psx_dir.glob("*.gram")) + [psx_dir / "cards" / "cards.gram"]
    return [(f, f.read_bytes()) for f in files if f.suffix in (".gram", ".grxml")]


def mutate(rng: random.Random, data: bytes) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 6)):
        op = rng.random()
        if not b:
            b.extend(rng.choice(SPECIAL) for _ in range(4))
            continue
        i = rng.randrange(len(b))
        if op < 0.25:
            b[i] = rng.randrange(256)
        elif op < 0.45:
            b[i:i] = bytes(rng.choice(SPECIAL) for _ in range(rng.randint(1, 4)))
        elif op < 0.6:
            del b[i:i + rng.randint(1, 20)]
        elif op < 0.75:
            j = rng.randrange(len(b))
            chunk = b[j:j + rng.randint(1, 60)]
            b[i:i] = chunk * rng.randint(1, 4)
        elif op < 0.85:
            del b[i:]
        else:
            b[i:i] = rng.choice([b"<0->", b"<1-1000>", b"$NULL", b"$GARBAGE", b"$VOID", b"(", b")", b"{", b"}!}",
                                 b"/0.5/", b"<ruleref uri=\"#x\"/>", b"<item repeat=\"0-\">", b"</item>",
                                 b"<!ENTITY x \"y\">", b"\xef\xbb\xbf", b"\x00"])
    return bytes(b)


def random_bytes(rng: random.Random) -> bytes:
    prefix = rng.choice([b"", b"#ABNF 1.0;\n", b"#ABNF 1.0;\nlanguage en;\nroot $a;\n$a = ", b"#JSGF V1.0;\n",
                         b"#JSGF V1.0;\ngrammar g;\npublic <a> = ", b"<?xml version=\"1.0\"?>\n<grammar "])
    n = rng.randint(0, 200)
    if rng.random() < 0.5:
        body = bytes(rng.randrange(256) for _ in range(n))
    else:
        body = bytes(rng.choice(SPECIAL + b"abcxyz") for _ in range(n))
    return prefix + body


def _expansion(rng: random.Random, depth: int, n_rules: int) -> str:
    if depth > 6 or rng.random() < 0.25:
        return rng.choice(["a", "b", '"c d"', "$NULL", "$VOID", "$GARBAGE", "{t}", "()",
                           f"$r{rng.randrange(n_rules)}", f"$r{rng.randrange(n_rules)}"])
    k = rng.random()
    sub = lambda: _expansion(rng, depth + 1, n_rules)  # noqa: E731
    if k < 0.35:
        return " ".join(sub() for _ in range(rng.randint(2, 4)))
    if k < 0.65:
        return "(" + " | ".join(sub() for _ in range(rng.randint(2, 4))) + ")"
    if k < 0.8:
        return "[" + sub() + "]"
    lo = rng.choice([0, 1, 2, 5, 50, 400])
    hi = rng.choice(["", str(lo), str(lo + rng.choice([1, 3, 100, 5000]))])
    return "(" + sub() + f")<{lo}-{hi}>"


def random_abnf(rng: random.Random) -> bytes:
    n = rng.randint(1, 6)
    rules = "\n".join(f"$r{i} = {_expansion(rng, 0, n)};" for i in range(n))
    return ("#ABNF 1.0;\nlanguage en;\nroot $r0;\n" + rules + "\n").encode()


def run_case(data: bytes, base_dir: Path, rng: random.Random, probes: list[str]) -> str:
    """Compile and exercise one input; returns 'loaded', 'refused:<Error>'.
    Any other exception propagates (that is a bug)."""
    try:
        g = compile_grammar(data, base_uri=base_dir, **FUZZ_LIMITS)
    except AsrError as e:
        return "refused:" + type(e).__name__
    for s in probes[:3] + [" ".join(rng.choice(["a", "b", "c", "d", "yes", "x"]) for _ in range(rng.randint(0, 4)))]:
        m = g.matches(s)
        try:
            p = g.parse(s)
        except AsrError:
            continue
        if (p is not None) != m:
            raise AssertionError(f"parse and automaton disagree on {s!r}")
    return "loaded"


def generate(rng: random.Random, seeds: list[tuple[Path, bytes]], n: int):
    """Yields (kind, data, probes) for n cases: mutated seeds, random bytes,
    random structured ABNF."""
    for i in range(n):
        k = i % 4
        if k < 2:
            path, data = rng.choice(seeds)
            probes = [x.split("'")[0] for x in data.decode("latin-1").split("in.")[1:4]]
            yield "mutated", mutate(rng, data), probes
        elif k == 2:
            yield "random", random_bytes(rng), []
        else:
            yield "structured", random_abnf(rng), []


def fuzz(n: int, seed: int, suite_dir: Path, psx_dir: Path, report_every: int = 0) -> dict:
    rng = random.Random(seed)
    seeds = seed_documents(suite_dir, psx_dir)
    base = suite_dir / "w3c-srgs10" / "test"
    stats: dict = {"cases": 0, "slowest": 0.0}
    for kind, data, probes in generate(rng, seeds, n):
        t = time.perf_counter()
        try:
            outcome = run_case(data, base, rng, probes)
        except Exception as e:  # a bug: anything but an AsrError or a wrong answer
            outcome = "BUG:" + type(e).__name__
            stats.setdefault("bugs", []).append((kind, data, repr(e)))
        dt = time.perf_counter() - t
        if dt > stats["slowest"]:
            stats["slowest"], stats["slowest_input"] = dt, data[:200]
        stats["cases"] += 1
        key = f"{kind}:{outcome}"
        stats[key] = stats.get(key, 0) + 1
        if report_every and stats["cases"] % report_every == 0:
            print(f"  {stats['cases']} cases", flush=True)
    return stats
