"""Which reference words the recognized words match: a Levenshtein
alignment over words (substitution, deletion and insertion cost 1, as WER
counts them); among alignments with the fewest edits, one with the most
matches.
"""
from __future__ import annotations

from typing import Optional, Sequence

__all__ = ["align_words"]


def align_words(reference: Sequence[str], hypothesis: Sequence[str]) -> list[tuple[Optional[int], Optional[int]]]:
    """Pairs ``(ref_index, hyp_index)`` in order: both set for a match or a
    substitution, ``(i, None)`` for a reference word the hypothesis lacks
    (deletion), ``(None, j)`` for an extra hypothesis word (insertion)."""
    n, m = len(reference), len(hypothesis)
    # cost[i][j] = (edits, -matches) of the best alignment of the prefixes.
    cost = [[(0, 0)] * (m + 1) for _ in range(n + 1)]
    for i in range(1, n + 1):
        cost[i][0] = (i, 0)
    for j in range(1, m + 1):
        cost[0][j] = (j, 0)

    def diagonal(i: int, j: int) -> tuple[int, int]:
        e, neg = cost[i - 1][j - 1]
        same = reference[i - 1] == hypothesis[j - 1]
        return (e, neg - 1) if same else (e + 1, neg)

    for i in range(1, n + 1):
        for j in range(1, m + 1):
            up, left = cost[i - 1][j], cost[i][j - 1]
            cost[i][j] = min(diagonal(i, j), (up[0] + 1, up[1]), (left[0] + 1, left[1]))
    pairs: list[tuple[Optional[int], Optional[int]]] = []
    i, j = n, m
    while i > 0 or j > 0:
        if i > 0 and j > 0 and cost[i][j] == diagonal(i, j):
            pairs.append((i - 1, j - 1))
            i, j = i - 1, j - 1
        elif i > 0 and cost[i][j] == (cost[i - 1][j][0] + 1, cost[i - 1][j][1]):
            pairs.append((i - 1, None))
            i -= 1
        else:
            pairs.append((None, j - 1))
            j -= 1
    pairs.reverse()
    return pairs
