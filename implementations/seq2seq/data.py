"""A generated translation task in which each target word depends on one nearby source word, in order.

The "languages" share a vocabulary of ``n_words`` ids (after PAD and EOS). Half the words are
"adjectives" (class A). A target is the source translated word for word by a fixed random
dictionary d, except that an adjective followed by a non-adjective swaps with it, as French puts
the noun first: x = a1 n1 n2 a2 a3 n3 -> d(n1) d(a1) d(n2) d(a2) d(n3) d(a3), then <EOS>. Every
target word thus has one source word within one place of its own, so in the forward order each
source word is about T steps from the target word it explains, and about 1 to 2T-1 once the
source is reversed (Sec. 3.3's "minimal time lag").
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor

from .model import EOS, PAD

FIRST_WORD = 2


@dataclass(frozen=True)
class Batch:
    src: Tensor       # (B, T) words, PAD after each row's length
    lengths: Tensor   # (B,)
    tgt: Tensor       # (B, T + 1) translation, <EOS>, then PAD


class ToyTranslation:
    def __init__(self, n_words: int, gen: torch.Generator) -> None:
        self.n_words = n_words
        self.dictionary = torch.cat([torch.tensor([PAD, EOS]), FIRST_WORD + torch.randperm(n_words, generator=gen)])
        self.adjective = torch.zeros(FIRST_WORD + n_words, dtype=torch.bool)
        self.adjective[FIRST_WORD + torch.randperm(n_words, generator=gen)[: n_words // 2]] = True

    @property
    def vocab_size(self) -> int:
        return FIRST_WORD + self.n_words

    def translate(self, src: Tensor, lengths: Tensor) -> Tensor:
        """The target of each padded source row: swap every (adjective, non-adjective) pair, map by d, add <EOS>."""
        n, T = src.shape
        pos = torch.arange(T)
        real = pos < lengths[:, None]
        adj = self.adjective[src] & real
        nxt = torch.cat([adj[:, 1:], torch.ones(n, 1, dtype=torch.bool)], 1)   # past the end counts as adjective
        nxt_real = torch.cat([real[:, 1:], torch.zeros(n, 1, dtype=torch.bool)], 1)
        starts = adj & ~nxt & nxt_real                 # A at t and a real non-A at t + 1: swap t, t + 1
        # an A never follows the start of a pair's second half, so pairs cannot overlap
        ends = torch.cat([torch.zeros(n, 1, dtype=torch.bool), starts[:, :-1]], 1)
        source_of = pos - ends.long() + starts.long()  # which source position each target position reads
        tgt = self.dictionary[src.gather(1, source_of.expand(n, T))].masked_fill(~real, PAD)
        tgt = torch.cat([tgt, torch.full((n, 1), PAD)], 1)
        tgt[torch.arange(n), lengths] = EOS
        return tgt

    def sample(self, gen: torch.Generator, n: int, lo: int, hi: int) -> Batch:
        """n fresh pairs with source lengths uniform in [lo, hi]."""
        lengths = torch.randint(lo, hi + 1, (n,), generator=gen)
        src = torch.randint(FIRST_WORD, self.vocab_size, (n, hi), generator=gen)
        src = src.masked_fill(torch.arange(hi) >= lengths[:, None], PAD)
        return Batch(src, lengths, self.translate(src, lengths))
