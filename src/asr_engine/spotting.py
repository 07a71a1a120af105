"""Keyword spotting and word alternatives, from a decoded word lattice.

* **Keywords**: every chain of lattice words that spells a keyword (one or
  more words, case-insensitive, at most 0.1 s of silence or noise between
  them, so a phrase never spans a pause) gets the posterior probability of
  all paths through it; chains of one keyword over overlapping times are one
  match. A match is reported when its posterior reaches ``keywords_threshold``.
* **Word alternatives**: the lattice's confusion network (pivot alignment on
  the best path, see ``csrc/search/confusion_network.h``): per bin, the words
  whose posterior reaches ``word_alternatives_threshold``.

The limits and interactions are the IBM service's (§1.2 of the contract):
at most 1000 keywords of at most 1024 characters, thresholds in [0, 1], and
keywords and ``keywords_threshold`` only together.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Optional

from .errors import InvalidArgumentError
from .results import KeywordMatch, WordAlternatives
from .validation import describe_value

__all__ = ["MAX_KEYWORDS", "MAX_KEYWORD_LENGTH", "KEYWORD_MAX_GAP", "SpottingRequest", "check_spotting",
           "keyword_matches", "word_alternatives"]

#: At most this many keywords per request.
MAX_KEYWORDS = 1000
#: At most this many characters per keyword.
MAX_KEYWORD_LENGTH = 1024
#: Seconds of silence or noise allowed between the words of a multi-word keyword.
KEYWORD_MAX_GAP = 0.1


@dataclass(frozen=True)
class SpottingRequest:
    """Checked spotting options of one recognition.

    Attributes:
        keywords: the keywords as given, duplicates removed, in order.
        keyword_words: each keyword's words, lower-case.
        keywords_threshold: minimum confidence of a match; None without keywords.
        word_alternatives_threshold: minimum confidence of a word
            alternative; None for no word alternatives.
    """

    keywords: tuple[str, ...] = ()
    keyword_words: tuple[tuple[str, ...], ...] = ()
    keywords_threshold: Optional[float] = None
    word_alternatives_threshold: Optional[float] = None

    @property
    def empty(self) -> bool:
        """True when nothing is to be spotted."""
        return not self.keywords and self.word_alternatives_threshold is None


def _threshold(value: object, name: str) -> Optional[float]:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(float(value)) \
            or not 0.0 <= float(value) <= 1.0:
        raise InvalidArgumentError(f"{name} must be a number from 0.0 to 1.0, got {describe_value(value)}")
    return float(value)


def check_spotting(keywords: Optional[Sequence[str]] = None, keywords_threshold: Optional[float] = None,
                   word_alternatives_threshold: Optional[float] = None) -> SpottingRequest:
    """Check the spotting arguments of a recognition (InvalidArgumentError, 400, names the problem)."""
    kw_threshold = _threshold(keywords_threshold, "keywords_threshold")
    wa_threshold = _threshold(word_alternatives_threshold, "word_alternatives_threshold")
    if keywords is None:
        if kw_threshold is not None:
            raise InvalidArgumentError("keywords_threshold requires keywords: give both or neither")
        return SpottingRequest(word_alternatives_threshold=wa_threshold)
    if isinstance(keywords, (str, bytes)) or not isinstance(keywords, Sequence):
        raise InvalidArgumentError(f"keywords must be a list of strings, got {describe_value(keywords)}")
    if len(keywords) > MAX_KEYWORDS:
        raise InvalidArgumentError(f"at most {MAX_KEYWORDS} keywords may be given, got {len(keywords)}")
    given: dict[str, tuple[str, ...]] = {}
    for kw in keywords:
        if not isinstance(kw, str):
            raise InvalidArgumentError(f"every keyword must be a string, got {describe_value(kw)}")
        if len(kw) > MAX_KEYWORD_LENGTH:
            raise InvalidArgumentError(f"a keyword may have at most {MAX_KEYWORD_LENGTH} characters, "
                                       f"got one of {len(kw)}")
        words = tuple(kw.lower().split())
        if not words:
            raise InvalidArgumentError("a keyword must have at least one word, got an empty one")
        given.setdefault(kw, words)
    if not given:
        if kw_threshold is not None:
            raise InvalidArgumentError("keywords_threshold requires keywords: give both or neither")
        return SpottingRequest(word_alternatives_threshold=wa_threshold)
    if kw_threshold is None:
        raise InvalidArgumentError("keywords require keywords_threshold: give both or neither")
    return SpottingRequest(tuple(given), tuple(given.values()), kw_threshold, wa_threshold)


def keyword_matches(lattice: Any, request: SpottingRequest, frame_rate: float) -> dict[str, list[KeywordMatch]]:
    """The matches of the request's keywords in a native lattice, by keyword (matched keywords only)."""
    if not request.keywords or lattice.empty:
        return {}
    step = 1.0 / frame_rate
    threshold = request.keywords_threshold or 0.0
    instances = lattice.instances
    out: dict[str, list[KeywordMatch]] = {}
    hits = lattice.spot_keywords([list(w) for w in request.keyword_words],
                                 max_gap_frames=int(round(KEYWORD_MAX_GAP * frame_rate)),
                                 min_posterior=max(1e-6, min(1e-4, threshold)))
    for keyword, start, end, posterior, chains in hits:
        if posterior < threshold:
            continue
        text = " ".join(instances[i][0] for i in chains[0] if not instances[i][4])
        out.setdefault(request.keywords[keyword], []).append(
            KeywordMatch(text, round(start * step, 3), round((end + 1) * step, 3), round(min(1.0, posterior), 4)))
    return out


def word_alternatives(network: Any, threshold: float, frame_rate: float) -> list[WordAlternatives]:
    """The bins of a native confusion network with their words of posterior >= ``threshold``."""
    step = 1.0 / frame_rate
    out = []
    for start, end, _pivot, _epsilon, words in network.bins:
        kept = [(text, round(p, 4)) for text, p, _i, _s, _e in words if p >= threshold]
        if kept:
            out.append(WordAlternatives(round(start * step, 3), round((end + 1) * step, 3), kept))
    return out
