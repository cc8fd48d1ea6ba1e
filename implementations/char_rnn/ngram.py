"""The count-based baseline: an interpolated Kneser-Ney character n-gram model.

A char-RNN's claim to "learn the structure of text" is only interesting against
the model that needs no training at all: counts of what followed each context
of n - 1 characters in the training text, smoothed by interpolating with the
next shorter context (Kneser & Ney 1995; the interpolated form of Chen &
Goodman 1998, one absolute discount D per order). The lower orders use
continuation counts (how many distinct contexts a character follows), which is
what makes Kneser-Ney the standard strong n-gram baseline.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict

import torch


class KneserNey:
    """P(c | context) for every context length up to ``order`` - 1, fitted on training ids."""

    def __init__(self, train: torch.Tensor, order: int, vocab_size: int, discount: float = 0.75) -> None:
        if order < 1:
            raise ValueError("order must be at least 1")
        self.order, self.vocab_size, self.discount = order, vocab_size, discount
        ids = train.tolist()
        # counts[k][(context of length k, c)]: raw counts at the top order, continuation counts below it
        self.counts: list[Counter] = [Counter() for _ in range(order)]
        top = order - 1
        for i in range(top, len(ids)):
            self.counts[top][tuple(ids[i - top: i + 1])] += 1
        for k in range(top - 1, -1, -1):
            for gram in self.counts[k + 1]:
                self.counts[k][gram[1:]] += 1  # one per distinct left extension
        # per context: total count and number of distinct followers
        self.totals: list[dict] = []
        self.types: list[dict] = []
        for k in range(order):
            totals, types = defaultdict(int), defaultdict(int)
            for gram, n in self.counts[k].items():
                totals[gram[:-1]] += n
                types[gram[:-1]] += 1
            self.totals.append(dict(totals))
            self.types.append(dict(types))

    def prob(self, context: tuple[int, ...], c: int) -> float:
        """Interpolated P(c | the last order - 1 ids of ``context``), never zero (uniform at the bottom)."""
        p = 1.0 / self.vocab_size
        start = max(0, len(context) - (self.order - 1))
        context = context[start:]
        for k in range(0, len(context) + 1):
            ctx = context[len(context) - k:] if k else ()
            total = self.totals[k].get(ctx)
            if not total:
                continue
            n = self.counts[k].get(ctx + (c,), 0)
            p = (max(n - self.discount, 0.0) + self.discount * self.types[k][ctx] * p) / total
        return p

    def bits(self, held_out: torch.Tensor) -> torch.Tensor:
        """-log2 P of every character of ``held_out`` given the ones before it (the first has no context)."""
        ids = held_out.tolist()
        history = self.order - 1
        return torch.tensor([-math.log2(self.prob(tuple(ids[max(0, i - history): i]), c)) for i, c in enumerate(ids)],
                            dtype=torch.float64)

    def bits_per_character(self, held_out: torch.Tensor) -> float:
        return self.bits(held_out).mean().item()
