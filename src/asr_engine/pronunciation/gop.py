"""Goodness of pronunciation (GOP) of each phone of a forced alignment.

For the frames ``t`` of an aligned phone ``p`` (its triphone's senones
``s_t`` as the alignment placed them), with ``L[t, s]`` the senone
log-likelihoods and ``Q`` the model's context-independent speech phones
(fillers left out), the competing phone loop over the same segment is the
best single CI phone, each frame taking that phone's best state:

    loop(q) = sum_t max_{k in states(q)} L[t, k]
    GOP(p)  = (sum_t L[t, s_t] - max_{q in Q} loop(q)) / T

in nats per 10 ms frame: about 0 or above where the expected phone (in
context) explains the audio as well as any freely chosen phone, well below
0 where another phone, or none, fits better. The candidates ranked by
``loop(q)`` are the phone's n-best (``NBestPhonemes``).

All the per-frame work is two numpy reductions over the senones the
alignment uses plus the CI senones: the senone scorer (C++) dominates.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..acoustic import AcousticModel, SenoneScorer
from ..align import Alignment

__all__ = ["PhoneGoodness", "CiPhoneSet", "phone_goodness"]


@dataclass(frozen=True)
class PhoneGoodness:
    """GOP of one aligned phone.

    Attributes:
        index: the phone's position in :attr:`Alignment.phones`.
        gop: GOP in nats per frame (see the module docstring).
        candidates: CI phones ranked best first, each ``(phone, margin)`` with
            ``margin`` its ``loop(q)`` minus the best competitor's, per frame
            (0 for the best, negative for the rest).
        frames: the phone's length in frames.
    """

    index: int
    gop: float
    candidates: tuple[tuple[str, float], ...]
    frames: int


class CiPhoneSet:
    """The CI speech phones of a model and their senones (built once per model)."""

    def __init__(self, model: AcousticModel) -> None:
        fillers = set(model.filler_phones)
        self.phones = [p for p in model.phones if p not in fillers]
        self.senones = np.array([model.senone_sequence(p)[1] for p in self.phones], dtype=np.int64)


def phone_goodness(features: np.ndarray, alignment: Alignment, scorer: SenoneScorer, ci: CiPhoneSet,
                   frame_seconds: float, n_candidates: int = 0) -> list[PhoneGoodness]:
    """GOP of every non-filler phone of ``alignment`` over ``features``."""
    n = len(features)
    senone_of = np.full(n, -1, dtype=np.int64)
    for st in alignment.states:
        a, b = _frames(st.start, st.end, frame_seconds, n)
        senone_of[a:b] = st.senone
    wanted = sorted(set(ci.senones.ravel().tolist()) | {int(s) for s in senone_of if s >= 0})
    ll = scorer.score(features, wanted)
    best_state = ll[:, ci.senones].max(axis=2)  # frames x CI phones
    filler = {i for i, w in enumerate(alignment.words) if w.filler}
    out: list[PhoneGoodness] = []
    for i, ph in enumerate(alignment.phones):
        if ph.word in filler:
            continue
        a, b = _frames(ph.start, ph.end, frame_seconds, n)
        if b <= a:
            continue
        t = np.arange(a, b)
        target = float(ll[t, senone_of[a:b]].sum())
        loops = best_state[a:b].sum(axis=0)
        top = float(loops.max())
        frames = b - a
        cands: tuple[tuple[str, float], ...] = ()
        if n_candidates > 0:
            order = np.argsort(-loops)[:n_candidates]
            cands = tuple((ci.phones[k], float(loops[k] - top) / frames) for k in order)
        out.append(PhoneGoodness(i, (target - top) / frames, cands, frames))
    return out


def _frames(start: float, end: float, step: float, n: int) -> tuple[int, int]:
    return max(0, min(n, int(round(start / step)))), max(0, min(n, int(round(end / step))))
