"""Regenerate ``src/asr_engine/formatting/data/itn_vocabulary.txt``.

The formatter sends to the ITN grammar only the runs of words that the grammar
could rewrite; every other word is passed through untouched (that is what
keeps the cost linear in the length of a result, and the email rule from
reaching across a sentence).  The set of words the grammar knows is read here
from the grammar's own data: the ``itn/english`` tables and rule literals of
WeTextProcessing (Apache-2.0), the source of the FSTs that ``wetext`` ships.
Over-inclusion is harmless (a larger run is simply handed to the grammar);
the test ``test_chunking_agrees_with_whole_sentence`` checks the other side.

Usage::

    python benchmarks/make_itn_vocabulary.py /path/to/WeTextProcessing > \
        src/asr_engine/formatting/data/itn_vocabulary.txt
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

WORD = re.compile(r"^[a-z][a-z']*$")


def words_of(text: str) -> set[str]:
    out = set()
    for piece in re.split(r"[\s\"]+", text.lower()):
        if WORD.match(piece):
            out.add(piece)
    return out


def main(root: str) -> None:
    base = Path(root) / "itn" / "english"
    vocab: set[str] = set()
    for tsv in sorted((base / "data").rglob("*.tsv")):
        vocab |= words_of(tsv.read_text(encoding="utf-8"))
    for rule in sorted((base / "rules").glob("*.py")):
        for literal in re.findall(r'"([^"\n]*)"', rule.read_text(encoding="utf-8")):
            vocab |= words_of(literal)
    # Inflections the rules add to table entries (plural units, ordinals).
    for w in list(vocab):
        vocab |= {w + "s", w + "es", w + "th", w + "'s"}
        if w.endswith("y"):
            vocab |= {w[:-1] + "ies", w[:-1] + "ieth"}
    vocab |= set("abcdefghijklmnopqrstuvwxyz")
    vocab -= {"license", "as", "is", "utf"}  # licence boilerplate, not grammar
    print("# Words the en-US ITN grammar can rewrite (see benchmarks/make_itn_vocabulary.py).")
    print("# Derived from WeTextProcessing itn/english data and rules, Apache-2.0.")
    for w in sorted(vocab):
        print(w)


if __name__ == "__main__":
    main(sys.argv[1])
