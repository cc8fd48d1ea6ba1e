"""Greedy (best-path) CTC decoding and the character error rate."""

from __future__ import annotations

import torch


def greedy_decode(log_probs: torch.Tensor, input_lengths: torch.Tensor, blank: int = 0) -> list[list[int]]:
    """Most likely label per frame, then collapse repeats and drop blanks.

    log_probs (T, B, C) -> one label list per batch item (Graves et al. 2006,
    Section 3.2, best path decoding; Deep Speech 2 uses it without a language model as a baseline).
    """
    best = log_probs.argmax(-1).t().cpu()                           # (B, T)
    decoded = []
    for path, n in zip(best.tolist(), input_lengths.tolist()):
        labels, previous = [], None
        for k in path[:n]:
            if k != previous and k != blank:
                labels.append(k)
            previous = k
        decoded.append(labels)
    return decoded


def edit_distance(a: list[int], b: list[int]) -> int:
    """Levenshtein distance (substitutions, insertions, deletions all cost 1)."""
    row = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        diagonal, row[0] = row[0], i
        for j, y in enumerate(b, 1):
            diagonal, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, diagonal + (x != y))
    return row[-1]


def character_error_rate(hypotheses: list[list[int]], references: list[list[int]]) -> float:
    """Total edit distance over total reference length."""
    errors = sum(edit_distance(h, r) for h, r in zip(hypotheses, references))
    return errors / max(sum(len(r) for r in references), 1)
