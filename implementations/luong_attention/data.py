"""A generated task whose alignment is monotone but not the identity.

Each source word emits one or two target words by a fixed table, left to right, so target word j
comes from source position a(j) with a non-decreasing a and the target is about 1.5 times as long
as the source: a local-m model's p_t = t drifts off the source word it needs, a local-p model has to
learn where it is. Sentences end with EOS; batches are padded with PAD.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

PAD, BOS, EOS, FIRST = 0, 1, 2, 3


class MonotoneTask:
    """``n_words`` source words; word k emits ``table[k]``: 1 target word for half of them, 2 for the rest."""

    def __init__(self, n_words: int, n_targets: int, gen: torch.Generator) -> None:
        self.n_words, self.n_targets = n_words, n_targets
        emits = 1 + (torch.randperm(n_words, generator=gen) >= n_words // 2).long()
        self.table = [(FIRST + torch.randint(n_targets, (int(k),), generator=gen)).tolist() for k in emits]

    @property
    def src_vocab(self) -> int:
        return FIRST + self.n_words

    @property
    def tgt_vocab(self) -> int:
        return FIRST + self.n_targets

    def translate(self, words: list[int]) -> list[int]:
        """The target of a source sentence (source words without EOS), EOS not included."""
        return [y for w in words for y in self.table[w - FIRST]]

    def sample(self, gen: torch.Generator, n: int, lengths: tuple[int, int]) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        """src (n, L+1) ending in EOS, tgt_in = [BOS, y...] and tgt_out = [y..., EOS], PAD-padded.

        Source lengths (words before EOS) are drawn uniformly from ``lengths`` inclusive.
        """
        lo, hi = lengths
        length = torch.randint(lo, hi + 1, (n,), generator=gen).tolist()
        words = FIRST + torch.randint(self.n_words, (n, hi), generator=gen)
        sources = [words[i, :k].tolist() + [EOS] for i, k in enumerate(length)]
        targets = [self.translate(s[:-1]) + [EOS] for s in sources]
        src = _pad(sources)
        tgt_out = _pad(targets)
        tgt_in = F.pad(tgt_out[:, :-1], (1, 0), value=BOS).masked_fill(F.pad(tgt_out[:, :-1], (1, 0)) == EOS, PAD)
        return src, tgt_in, tgt_out


def _pad(rows: list[list[int]]) -> torch.Tensor:
    out = torch.full((len(rows), max(map(len, rows))), PAD, dtype=torch.long)
    for i, r in enumerate(rows):
        out[i, : len(r)] = torch.tensor(r)
    return out
