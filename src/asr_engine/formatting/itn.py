"""Inverse text normalization: recognizer words to written text.

``inverse_normalize("remind me to buy five pencils", convention="azure")``
gives ``"remind me to buy 5 pencils"``.  One pipeline, three conventions:

* ``"nemo"`` (default): NeMo's English ITN exactly, e.g. standalone zero to
  twelve stay words in running text, ``09:30 a.m.``, ``mr. dao``.  Measured
  on ``shared/data/itn/en_itn_cases.tsv`` (see README, "Smart formatting").
* ``"azure"``: Azure's ITN form: small numbers become digits too
  (``5 pencils``), titles lose their period (``dr smith``; the display form
  puts it back), times read ``9:30 AM``.
* ``"ibm"``: IBM smart formatting (previous-generation models), as its
  documentation shows it: dates ``10/6/1970``, times ``9:30 AM``, ``7:00
  EST``, ``0700 hours``, digit series and phone numbers ``914-237-1000``,
  ``$3202.66``, ``109.79 yen``, every number in digits, email addresses
  only after "email", web addresses in their short form only, and the
  spoken punctuation "comma", "period", "question mark", "exclamation point".

How it works: email and web addresses are found first (``electronic.py``);
then, for IBM, the rules its documentation adds (spoken punctuation, digit
series, military times, time zones, spoken numeric dates); then each
remaining run of words the grammar knows (``data/itn_vocabulary.txt``) goes
to the grammar (``grammar.py``), and the tokens it returns are rendered in
the chosen convention.  Words outside those runs are never touched, so the
cost is linear in the text and words keep their case.

Engine choice (measured in ``benchmarks/bench_formatting.py``): the grammar is
NeMo's English ITN as ``wetext`` ships it compiled (prebuilt FSTs run by
``kaldifst``: a 5 MB wheel, no pynini, no downloads).  On the NeMo cases it
scores what ``nemo_text_processing`` scores bar one Indian-numbering case, at
a fraction of the cost (``nemo_text_processing`` needs pynini and
transformers, 1.1 GB, and 40-100 ms a sentence); our own rules would have to
re-derive hundreds of NeMo's decisions to match it.  Its one real fault in
running text, an email rule that swallows the neighbouring words, is why
addresses are ours.  ``text2num`` converts numbers only.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files
from typing import Literal

from ..errors import InvalidArgumentError, PayloadTooLargeError
from . import numbers as num
from .electronic import find_addresses
from .grammar import Token, default_grammar
from .punctuation import find_spoken_punctuation

Convention = Literal["nemo", "azure", "ibm"]
CONVENTIONS = ("nemo", "azure", "ibm")

# A result longer than this is not a recognizer's phrase; refuse it rather
# than spend seconds on it (the services cap a phrase at two minutes).
MAX_TEXT_CHARS = 200_000


@dataclass(frozen=True)
class ItnOptions:
    """Options of ``inverse_normalize``."""

    convention: Convention = "nemo"  # whose written forms: "nemo", "azure" or "ibm"
    spoken_punctuation: bool | None = None  # "comma" -> ","; None: only for "ibm"

    def __post_init__(self) -> None:
        if self.convention not in CONVENTIONS:
            raise InvalidArgumentError(
                f"convention must be one of {', '.join(CONVENTIONS)}, not {self.convention!r}"
            )
        if self.spoken_punctuation not in (None, True, False):
            raise InvalidArgumentError("spoken_punctuation must be true, false or None")

    @property
    def punctuation(self) -> bool:
        return self.convention == "ibm" if self.spoken_punctuation is None else self.spoken_punctuation


@dataclass(frozen=True)
class Span:
    """Written text for the input words ``[start, end)``."""

    start: int
    end: int
    text: str
    rewritten: bool = True  # False: the word as spoken (display_as may apply)
    glue_left: bool = False  # no space before it (punctuation)


@lru_cache(maxsize=1)
def grammar_vocabulary() -> frozenset[str]:
    """Words the grammar can rewrite (``data/itn_vocabulary.txt``)."""
    text = files("asr_engine.formatting").joinpath("data/itn_vocabulary.txt").read_text("utf-8")
    words = {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    # The grammar's email rule is replaced by electronic.py: "at" never goes to it.
    return frozenset(words - {"at"})


# Words that join a run the grammar reads but never start one.
_CONNECTORS = frozenset({"the", "of", "and", "to", "for", "per", "on", "in", "past", "till", "by", "a"})
_TITLES = {"mr.": "mr", "mrs.": "mrs", "ms.": "ms", "dr.": "dr", "st.": "st", "jr.": "jr", "sr.": "sr"}
_MONTHS = ("january february march april may june july august september october november december").split()
_ZONES = frozenset("est edt cst cdt mst mdt pst pdt gmt utc cet bst ist".split())
_IBM_CURRENCY = {"dollar": "$", "dollars": "$", "euro": "€", "euros": "€"}
_CENTS = frozenset({"cent", "cents"})
# "one" after these is a pronoun ("no one", "the one"), not a number.
_ONE_PRONOUN_BEFORE = frozenset(
    "no the this that any every each which another some someone anyone everyone "
    "little last next other only right wrong same big small new old good bad such".split()
)
_ONE_PRONOUN_AFTER = frozenset({"another", "of", "day"})
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?: ([ap])\.m\.)?(?: (.+))?$")


def inverse_normalize(text: str, **options) -> str:
    """Written form of ``text``, a recognizer's words separated by spaces.

    Options are the fields of ``ItnOptions`` (``convention``,
    ``spoken_punctuation``).  Whitespace is normalized to single spaces; words
    the conventions do not rewrite keep their case.  Raises
    ``InvalidArgumentError`` for a non-str text or an unknown option, and
    ``PayloadTooLargeError`` beyond ``MAX_TEXT_CHARS``.
    """
    words = split_words(text)
    return join_spans(words, format_spans(words, make_options(options)))


def make_options(options: dict) -> ItnOptions:
    try:
        return ItnOptions(**options)
    except TypeError as exc:
        known = ", ".join(ItnOptions.__dataclass_fields__)
        raise InvalidArgumentError(f"unknown formatting option ({exc}); known options: {known}") from None


def split_words(text: object) -> list[str]:
    """The words of ``text``, validated."""
    if not isinstance(text, str):
        raise InvalidArgumentError(f"text to format must be a str, not {type(text).__name__}")
    if len(text) > MAX_TEXT_CHARS:
        raise PayloadTooLargeError(
            f"text to format has {len(text)} characters; the limit is {MAX_TEXT_CHARS}"
        )
    return text.split()


def join_spans(words: list[str], spans: list[Span]) -> str:
    out: list[str] = []
    for s in spans:
        if s.glue_left and out:
            out[-1] += s.text
        elif s.text:
            out.append(s.text)
    return " ".join(out)


def format_spans(words: list[str], options: ItnOptions) -> list[Span]:
    """Spans covering ``words`` in order: what each run of words is written as."""
    lower = [w.lower() for w in words]
    spans: dict[int, Span] = {}
    taken = [False] * len(words)

    def add(span: Span) -> None:
        spans[span.start] = span
        for k in range(span.start, max(span.end, span.start + 1)):
            taken[k] = True

    ibm = options.convention == "ibm"
    if options.punctuation:
        for start, mark in find_spoken_punctuation(lower):
            add(Span(start, start + len(mark[1]), mark[0], glue_left=True))
    for a in find_addresses(lower, words, email_needs_cue=ibm, spelled_web_addresses=not ibm):
        if not any(taken[a.start:a.end]):
            add(Span(a.start, a.end, a.text))
    if ibm:
        for span in _ibm_rules(lower, taken):
            add(span)
    for start, end in _grammar_runs(lower, taken):
        for span in _grammar_spans(words, lower, start, end, options.convention):
            add(span)
    if options.convention != "nemo":
        for span in _number_words(lower, taken):
            add(span)

    out: list[Span] = []
    i = 0
    while i < len(words):
        span = spans.get(i)
        if span is None:
            out.append(Span(i, i + 1, words[i], rewritten=False))
            i += 1
        else:
            out.append(span)
            i = max(span.end, i + 1)
    return _merge_cents(out, lower) if ibm else out


# --- the grammar ----------------------------------------------------------


def _grammar_runs(lower: list[str], taken: list[bool]):
    """Maximal runs of free words the grammar knows that hold more than connectors."""
    vocab = grammar_vocabulary()
    i, n = 0, len(lower)
    while i < n:
        if taken[i] or not _known(lower[i], vocab):
            i += 1
            continue
        j = i
        while j < n and not taken[j] and _known(lower[j], vocab):
            j += 1
        if any(w not in _CONNECTORS for w in lower[i:j]):
            yield i, j
        i = j


def _known(word: str, vocab: frozenset[str]) -> bool:
    # Numerals already written ("5") may join a run; only ASCII reaches the FST.
    return word in vocab or (word.isascii() and word.isalnum() and any(c.isdigit() for c in word))


def _grammar_spans(words, lower, start, end, convention) -> list[Span]:
    grammar = default_grammar()
    tokens = grammar.tag(" ".join(lower[start:end]))
    spans: list[Span] = []
    pos = start
    for token in tokens:
        n = len(token.spoken_words)
        if n == 0 or token.spoken_words != lower[pos:pos + n]:
            return []  # the tagger rewrote its input: leave the run as spoken
        if token.name != "word":
            text = _render(token, grammar.verbalize(token), words[pos:pos + n], convention)
            if text is not None:
                spans.append(Span(pos, pos + n, text))
        pos += n
    return spans if pos == end else []


def _render(token: Token, written: str, spoken: list[str], convention: str) -> str | None:
    """``written`` (NeMo's form) in ``convention``; None keeps the spoken words."""
    name = token.name
    if name == "electronic":
        # Addresses are electronic.py's; in running text the grammar's rule
        # reaches across words that are not part of one (see module doc).
        return None
    if convention == "nemo":
        return written
    if name == "whitelist":
        if convention == "ibm":
            return None
        return _TITLES.get(written, written)
    if name == "time":
        return _clock(written)
    if name == "measure":
        if token.fields.get("units") == "percent":
            return written.replace(" %", "%")
        # Neither service documents unit symbols for these models: the
        # number is written, the unit stays a word ("go forward 10 meters").
        value_words = token.fields.get("value", "").split()
        value = _number_text(value_words)
        units = spoken[len(value_words):]
        return " ".join([value] + units) if value and units else None
    if convention == "azure":
        return written
    if name == "date":
        return _ibm_date(written, spoken)
    if name == "money":
        currency = token.fields.get("currency", "")
        if currency in _IBM_CURRENCY or currency in _CENTS:
            return written
        value_words = len(spoken) - len(currency.split())
        amount = _number_text(spoken[:value_words])
        return f"{amount} {' '.join(spoken[value_words:])}" if amount else None
    if name == "telephone":
        return _ibm_phone(re.sub(r"\D", "", written)) if token.fields.get("kind") == "phone" else written
    return written


def _number_text(spoken: list[str]) -> str | None:
    """``one hundred and nine point seven nine`` -> ``109.79``."""
    lower = [w.lower() for w in spoken]
    if lower[:1] == ["minus"]:
        rest = _number_text(lower[1:])
        return None if rest is None else "-" + rest
    point = lower.index("point") if "point" in lower else len(lower)
    whole = num.cardinal_value(lower[:point]) if point else 0
    if whole is None:
        return None
    if point == len(lower):
        return str(whole)
    digits, end = num.read_digit_series(lower, point + 1)
    return f"{whole}.{digits}" if digits and end == len(lower) else None


def _clock(written: str) -> str:
    m = _TIME.match(written)
    if not m:
        return written
    hour, minute, noon, zone = m.groups()
    out = f"{int(hour)}:{minute}"
    if noon:
        out += f" {noon.upper()}M"
    if zone:
        out += " " + zone.upper()
    return out


def _ibm_date(written: str, spoken: list[str]) -> str:
    """NeMo's date (``may 5 2001``, ``9 december 1900``) as IBM writes it."""
    parts = written.split()
    month = next((i for i, p in enumerate(parts) if p.lower() in _MONTHS), None)
    if month is None:
        return written
    numbers = [p for i, p in enumerate(parts) if i != month and p.isdigit()]
    month_no = _MONTHS.index(parts[month].lower()) + 1
    spoken_month = next((w for w in spoken if w.lower() == parts[month].lower()), parts[month])
    if len(numbers) == 2:
        day, year = (numbers if int(numbers[0]) <= 31 else numbers[::-1])
        return f"{month_no}/{int(day)}/{year}"
    if len(numbers) == 1:
        return f"{spoken_month} {int(numbers[0])}" if int(numbers[0]) <= 31 else f"{spoken_month} {numbers[0]}"
    return written


def _ibm_phone(digits: str) -> str:
    if len(digits) == 10:
        return f"{digits[:3]}-{digits[3:6]}-{digits[6:]}"
    if len(digits) == 11 and digits[0] == "1":
        return f"1-{digits[1:4]}-{digits[4:7]}-{digits[7:]}"
    return digits


# --- conventions beyond the grammar ---------------------------------------


def _number_words(lower: list[str], taken: list[bool]):
    """Numbers the NeMo convention leaves as words ("five pencils")."""
    i, n = 0, len(lower)
    while i < n:
        if taken[i] or lower[i] not in num.NUMBER_WORDS:
            i += 1
            continue
        value, end = num.read_cardinal(lower, i)
        if value is None or any(taken[i:end]):
            i += 1
            continue
        if lower[i] == "one" and end == i + 1 and (
            (i > 0 and lower[i - 1] in _ONE_PRONOUN_BEFORE)
            or (i + 1 < n and lower[i + 1] in _ONE_PRONOUN_AFTER)
        ):
            i += 1
            continue
        yield Span(i, end, str(value))
        i = end


def _ibm_rules(lower: list[str], taken: list[bool]):
    """IBM's documented forms the NeMo grammar writes otherwise."""
    n = len(lower)
    i = 0
    while i < n:
        if taken[i]:
            i += 1
            continue
        span = _military_time(lower, i) or _zone_time(lower, i) or _numeric_date(lower, i) or _digit_series(lower, i)
        if span is not None and not any(taken[span.start:span.end]):
            yield span
            i = span.end
        else:
            i += 1


def _hour_minute(lower: list[str], i: int) -> tuple[int, int, int] | None:
    """``H [MM]`` at ``i``: (hour, minute, end)."""
    hour, j = num._below_hundred(lower, i)
    if hour is None or hour > 24:
        return None
    if j < len(lower) and lower[j] in ("oh", "o") and j + 1 < len(lower) and lower[j + 1] in num.DIGITS:
        return hour, num.DIGITS[lower[j + 1]], j + 2
    minute, k = num._below_hundred(lower, j)
    if minute is not None and 10 <= minute < 60:
        return hour, minute, k
    return hour, 0, j


def _military_time(lower, i):
    """``oh seven hundred hours`` -> ``0700 hours``."""
    lead = lower[i] in ("oh", "zero")
    j = i + 1 if lead else i
    hm = _hour_minute(lower, j)
    if hm is None:
        return None
    hour, minute, k = hm
    if k < len(lower) and lower[k] == "hundred" and minute == 0:
        k += 1
    elif not (lead or hour >= 13) or minute == 0:
        return None
    if k < len(lower) and lower[k] == "hours" and hour < 24:
        return Span(i, k, f"{hour:02d}{minute:02d}")
    return None


def _zone_time(lower, i):
    """``seven est`` -> ``7:00 EST`` (IBM: a time zone marks a time)."""
    hm = _hour_minute(lower, i)
    if hm is None:
        return None
    hour, minute, k = hm
    if k < len(lower) and lower[k] in _ZONES and 1 <= hour <= 12:
        return Span(i, k + 1, f"{hour}:{minute:02d} {lower[k].upper()}")
    return None


def _year(lower: list[str], i: int) -> tuple[int, int] | None:
    """A spoken year at ``i``: ``nineteen seventy``, ``two thousand and one``."""
    value, j = num.read_cardinal(lower, i)
    if value is not None and 1000 <= value <= 2099 and lower[i] != "nineteen":
        return value, j
    century, j = num._below_hundred(lower, i)
    if century is None or not 10 <= century <= 20 or j >= len(lower):
        return None
    if lower[j] == "hundred":
        return century * 100, j + 1
    if lower[j] in ("oh", "o") and j + 1 < len(lower) and lower[j + 1] in num.DIGITS:
        return century * 100 + num.DIGITS[lower[j + 1]], j + 2
    rest, k = num._below_hundred(lower, j)
    if rest is not None and 10 <= rest <= 99:
        return century * 100 + rest, k
    return None


def _numeric_date(lower, i):
    """``ten oh six nineteen seventy`` -> ``10/6/1970`` (month, day, year)."""
    month, j = num._below_hundred(lower, i)
    if month is None or not 1 <= month <= 12 or j >= len(lower):
        return None
    if lower[j] in ("oh", "o") and j + 1 < len(lower) and lower[j + 1] in num.DIGITS:
        day, k = num.DIGITS[lower[j + 1]], j + 2
    else:
        day, k = num._below_hundred(lower, j)
    if day is None or not 1 <= day <= 31:
        return None
    year = _year(lower, k)
    if year is None:
        return None
    return Span(i, year[1], f"{month}/{day}/{year[0]}")


def _digit_series(lower, i):
    """Two or more digits spoken one by one: a code or a phone number."""
    if not (lower[i] in num.DIGITS and i + 1 < len(lower) and lower[i + 1] in num.DIGITS):
        return None
    if lower[i] == "o" or (lower[i] == "oh" and lower[i + 1] == "oh"):
        return None
    if i > 0 and lower[i - 1] == "point":  # the decimals of a number
        return None
    digits, end = num.read_digit_series(lower, i)
    return Span(i, end, _ibm_phone(digits))


def _merge_cents(spans: list[Span], lower: list[str]) -> list[Span]:
    """``$3202`` ``and sixty six [cents]`` / ``point twenty five`` -> ``$3202.66``."""
    out: list[Span] = []
    i = 0
    while i < len(spans):
        s = spans[i]
        if s.rewritten and s.text.startswith(("$", "€")) and s.text[1:].isdigit() and i + 2 < len(spans):
            link = spans[i + 1]
            if not link.rewritten and lower[link.start] in ("and", "point"):
                value, end = num.read_cardinal(lower, link.end)
                if value is not None and value < 100:
                    if end < len(lower) and lower[end] in _CENTS:
                        end += 1
                    j = i + 2
                    while j < len(spans) and spans[j].end <= end:
                        j += 1
                    if j > i + 2 and spans[j - 1].end == end:
                        out.append(Span(s.start, end, f"{s.text}.{value:02d}"))
                        i = j
                        continue
        out.append(s)
        i += 1
    return out
