"""Coverage-guided fuzzing (atheris, libFuzzer) of the input parsers that
are Python code: the WAV header reader, the content-type parser, and the
ABNF / JSGF / SRGS XML grammar front ends. Coverage pays there: their
branches are many and input-dependent. The native readers (ARPA, lm.bin,
dictionary, Sphinx files) are fuzzed by the mutation generators of
run.py; instrumenting them would need a clang build of the extension.

    pip install atheris
    PYTHONPATH=src python benchmarks/fuzz/atheris_parsers.py -atheris_runs=200000 [-max_len=4096] [corpus_dir]

Any exception other than an AsrError is reported by libFuzzer with the
input that caused it (saved as crash-<hash>).
"""
from __future__ import annotations

import sys

import atheris

with atheris.instrument_imports():
    from asr_engine.audio import parse_content_type, wav
    from asr_engine.errors import AsrError
    from asr_engine.grammar import compile_grammar

PREFIXES = [b"", b"#ABNF 1.0;\nlanguage en-US;\nroot $a;\n$a = ", b"#JSGF V1.0;\ngrammar g;\npublic <a> = ",
            b'<?xml version="1.0"?><grammar xmlns="http://www.w3.org/2001/06/grammar" version="1.0" '
            b'xml:lang="en-US" root="a"><rule id="a">']
LIMITS = dict(max_states=20000, max_arcs=200000, max_work=2_000_000, max_seconds=5.0)


def one_input(data: bytes) -> None:
    if not data:
        return
    kind, body = data[0] % 7, data[1:]
    try:
        if kind == 0:
            fmt, samples = wav.parse_wav(b"RIFF" + body)
            wav.decode_samples(fmt, samples)
        elif kind == 1:
            parse_content_type(body.decode("latin-1"))
        else:
            g = compile_grammar(PREFIXES[kind - 2] + body if kind < 6 else body, **LIMITS)
            g.matches("a b c")
    except AsrError:
        pass


def main() -> None:
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
