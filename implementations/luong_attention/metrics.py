"""How greedy outputs are scored: word accuracy, 1 − (edit distance / reference length).

Edit distance rather than position-by-position matching, so one dropped word costs one error, not
every word after it. Exact sentence matches are counted too.
"""

from __future__ import annotations

import torch

from .data import EOS, PAD


def words(tokens: torch.Tensor) -> list[list[int]]:
    """Each row's words before its first EOS or PAD."""
    rows = []
    for row in tokens.tolist():
        stop = next((i for i, y in enumerate(row) if y in (EOS, PAD)), len(row))
        rows.append(row[:stop])
    return rows


def edit_distance(a: list[int], b: list[int]) -> int:
    """Levenshtein distance: insertions, deletions and substitutions, each costing 1."""
    previous = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        current = [i]
        for j, y in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x != y)))
        previous = current
    return previous[-1]


def score(pred: torch.Tensor, tgt_out: torch.Tensor) -> tuple[float, float]:
    """(word accuracy, exact-match rate) of greedy outputs against references, over the whole batch."""
    hyps, refs = words(pred.cpu()), words(tgt_out.cpu())
    errors = sum(edit_distance(h, r) for h, r in zip(hyps, refs))
    exact = sum(h == r for h, r in zip(hyps, refs))
    return max(0.0, 1.0 - errors / sum(map(len, refs))), exact / len(refs)
