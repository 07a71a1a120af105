"""Spoken email and web addresses: ``john dot doe at foo dot com``.

Written here rather than left to the grammar: the grammar's electronic rule
accepts any word as part of a user name, so in running text it glues the
whole sentence into the address (``myemailaddressisjohn.doe@foo.com``).
An address here is a chain of *units* joined by spoken connectors, where a
unit is one word, a run of spelled letters and digits (``i b m``,
``a b three``), or a short spelled prefix and a word (``g mail``).  The
chain is as short as it can be: the user name is the units joined to
``at`` by connectors, the domain needs at least one ``dot``, and a web
address without ``at`` must end in a known top-level domain or start with
``w w w`` or a protocol.
"""
from __future__ import annotations

from dataclasses import dataclass

from .numbers import DIGITS

CONNECTORS = {"dot": ".", "hyphen": "-", "dash": "-", "underscore": "_", "slash": "/"}
TOP_LEVEL_DOMAINS = frozenset(
    "com org net edu gov mil int io ai co us uk de fr ca au in jp cn ru nl es it "
    "ch se no br info biz me tv app dev".split()
)
_NOT_UNITS = frozenset(CONNECTORS) | {"at", "colon"}
# Spelled letters that are also words; never taken as the prefix of a unit.
_WORD_LETTERS = frozenset({"a", "i"})


@dataclass(frozen=True)
class Address:
    """An address found in a word list: ``words[start:end]`` reads ``text``."""

    start: int
    end: int
    text: str
    is_email: bool


def _is_letter(w: str) -> bool:
    return len(w) == 1 and w.isalpha() and w.isascii()


def _is_spelled(w: str) -> bool:
    return _is_letter(w) or (w in DIGITS and w not in ("oh", "o"))


def _spelled(w: str) -> str:
    return str(DIGITS[w]) if w in DIGITS and not _is_letter(w) else w


def _is_word(w: str) -> bool:
    return len(w) > 1 and w.isalpha() and w.isascii() and w not in _NOT_UNITS and w not in DIGITS


def _unit_forward(words: list[str], i: int, words_only: bool) -> tuple[str, int] | None:
    """The unit at ``words[i:]`` as ``(text, end)``."""
    n = len(words)
    if i >= n:
        return None
    if _is_word(words[i]):
        return words[i], i + 1
    if words_only:
        return None
    j = i
    while j < n and _is_spelled(words[j]):
        j += 1
    if j == i:
        return None
    text = "".join(_spelled(w) for w in words[i:j])
    # "g mail", "n vidia": a spelled prefix and a word, only inside a chain.
    if j + 1 < n and _is_word(words[j]) and (words[j + 1] in CONNECTORS or words[j + 1] == "at"):
        return text + words[j], j + 1
    return text, j


def _unit_backward(words: list[str], j: int, words_only: bool) -> tuple[str, int] | None:
    """The unit ending at ``words[j]`` (inclusive) as ``(text, start)``."""
    if j < 0:
        return None
    if _is_word(words[j]):
        start = j
        if not words_only:
            k = j
            while k > 0 and _is_letter(words[k - 1]):
                k -= 1
            if k < j and not (j - k == 1 and words[k] in _WORD_LETTERS):
                start = k
        return "".join(words[start:j]) + words[j], start
    if words_only:
        return None
    k = j
    while k >= 0 and _is_spelled(words[k]):
        k -= 1
    if k == j:
        return None
    return "".join(_spelled(w) for w in words[k + 1:j + 1]), k + 1


def _chain_forward(words: list[str], i: int, words_only: bool) -> tuple[list[str], list[str], int]:
    """Units and connectors from ``words[i:]``; returns (units, connectors, end)."""
    units, conns = [], []
    first = _unit_forward(words, i, words_only)
    if first is None:
        return [], [], i
    units.append(first[0])
    j = first[1]
    while j + 1 < len(words) and words[j] in CONNECTORS:
        nxt = _unit_forward(words, j + 1, words_only)
        if nxt is None:
            break
        conns.append(CONNECTORS[words[j]])
        units.append(nxt[0])
        j = nxt[1]
    return units, conns, j


def _chain_backward(words: list[str], j: int, words_only: bool) -> tuple[str, int]:
    """The text of the chain ending at ``words[j]`` and its start index."""
    unit = _unit_backward(words, j, words_only)
    if unit is None:
        return "", j + 1
    text, start = unit
    while start >= 2 and words[start - 1] in CONNECTORS:
        prev = _unit_backward(words, start - 2, words_only)
        if prev is None:
            break
        text = prev[0] + CONNECTORS[words[start - 1]] + text
        start = prev[1]
    return text, start


def _join(units: list[str], conns: list[str]) -> str:
    out = units[0]
    for c, u in zip(conns, units[1:]):
        out += c + u
    return out


def _protocol(words: list[str], start: int) -> tuple[str, int]:
    """``h t t p s colon slash slash`` before ``start``: (``https://``, new start)."""
    if start >= 3 and words[start - 3:start] == ["colon", "slash", "slash"]:
        k = start - 3
        for spoken in (["h", "t", "t", "p", "s"], ["h", "t", "t", "p"], ["https"], ["http"]):
            if words[max(0, k - len(spoken)):k] == spoken:
                return "".join(spoken) + "://", k - len(spoken)
    return "", start


def find_addresses(words: list[str], original: list[str] | None = None, *,
                   email_needs_cue: bool = False, spelled_web_addresses: bool = True) -> list[Address]:
    """Email and web addresses in ``words`` (lower-case), left to right.

    ``original``: the same words as spoken (cased); a word that is an
    address unit on its own keeps its case (``Yahoo.com``).

    ``email_needs_cue``: IBM converts an email address only after the phrase
    "email address" (or "email") earlier in the text.  ``spelled_web_addresses``
    False is IBM's documented limit: web addresses are converted in their
    short form only, so spelled letters (``w w w``) stay words and the
    address starts at the first word (``w w w .yahoo.com``).
    """
    found: list[Address] = []
    taken = [False] * len(words)

    def add(a: Address) -> None:
        if not any(taken[a.start:a.end]):
            found.append(a)
            for k in range(a.start, a.end):
                taken[k] = True

    for k, w in enumerate(words):
        if w != "at" or k == 0:
            continue
        if email_needs_cue and not any(x in ("email", "e-mail") for x in words[:k]):
            continue
        units, conns, end = _chain_forward(words, k + 1, False)
        if "." not in conns:
            continue
        while conns and conns[-1] != ".":  # the domain ends in a dotted label
            units.pop()
            conns.pop()
            end -= 2
        user, start = _chain_backward(words, k - 1, False)
        if user:
            add(Address(start, end, user + "@" + _join(units, conns), True))

    words_only = not spelled_web_addresses
    for k, w in enumerate(words):
        if w != "dot" or taken[k] or k + 1 >= len(words):
            continue
        head, start = _chain_backward(words, k - 1, words_only)
        if any(taken[start:k]):
            continue
        units, conns, end = _chain_forward(words, k + 1, words_only)
        if not units:
            continue
        protocol, start2 = _protocol(words, start) if head else ("", start)
        dotted = [u for c, u in zip(["."] + conns, units) if c == "."]
        if not (protocol or head == "www" or dotted[-1] in TOP_LEVEL_DOMAINS):
            continue
        text = protocol + head + "." + _join(units, conns)
        add(Address(start2, end, text, False))
    found.sort(key=lambda a: a.start)
    if original is not None:
        found = [_recase(a, original) for a in found]
    return found


def _recase(a: Address, original: list[str]) -> Address:
    text = a.text
    for w in original[a.start:a.end]:
        if w != w.lower() and len(w) > 1:
            text = text.replace(w.lower(), w, 1)
    return Address(a.start, a.end, text, a.is_email)
