"""Reading a pronunciation dictionary as G2P training data.

CMUdict / Sphinx format: ``word P1 P2 ...`` per line, alternates marked
``word(2)``; ``;;;`` lines are comments. Training needs each word's distinct
pronunciations in the acoustic model's phone set, so alternate markers are
removed and, for dictionaries that carry stress (``AH0``), the stress digits
are dropped (the shipped dictionary and the acoustic model are stress-free).
"""
from __future__ import annotations

import os
import re
from typing import Union

from ..errors import FormatError, NotFoundError

_ALTERNATE = re.compile(r"\(\d+\)$")
_STRESS = re.compile(r"(?<=[A-Za-z])[0-2]$")

Lexicon = dict[str, list[tuple[str, ...]]]


def read_lexicon(path: Union[str, "os.PathLike[str]"], *, strip_stress: bool = True) -> Lexicon:
    """Words (lower-cased, without ``(2)`` markers) to their distinct
    pronunciations, in file order.

    Raises:
        NotFoundError: the file does not exist.
        FormatError: a line has a word but no phones, or is not UTF-8.
    """
    lexicon: Lexicon = {}
    try:
        with open(path, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                fields = line.split()
                if not fields or line.startswith(";;;"):
                    continue
                if len(fields) < 2:
                    raise FormatError(f"{os.fspath(path)}:{number}: '{fields[0]}' has no phones")
                word = _ALTERNATE.sub("", fields[0]).lower()
                phones = tuple(_STRESS.sub("", p) if strip_stress else p for p in fields[1:])
                prons = lexicon.setdefault(word, [])
                if phones not in prons:
                    prons.append(phones)
    except FileNotFoundError:
        raise NotFoundError(f"cannot open dictionary '{os.fspath(path)}'") from None
    except UnicodeDecodeError as e:
        raise FormatError(f"{os.fspath(path)}: not UTF-8 ({e.reason})") from None
    return lexicon
