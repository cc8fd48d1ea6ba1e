"""Cheap baselines for the task itself, fitted by counting on training pairs.

They show what the seq2seq models learned beyond surface statistics: the most frequent target
word at each position, and a word-for-word dictionary (each source word's most frequent
translation at its own position; it gets every unswapped word and misses the reordering).
"""

from __future__ import annotations

import torch
from torch import Tensor

from .model import EOS, PAD


def position_majority(tgt: Tensor) -> Tensor:
    """The most frequent real target token at each position (B, T') -> (T',)."""
    vocab = int(tgt.max()) + 1
    counts = torch.zeros(tgt.size(1), vocab, dtype=torch.long)
    counts.scatter_add_(1, tgt.T, torch.ones_like(tgt.T))
    counts[:, PAD] = 0
    return counts.argmax(1)


def fit_dictionary(src: Tensor, tgt: Tensor, vocab: int) -> Tensor:
    """table[w] = the target word most often aligned with source word w at the same position."""
    real = src != PAD
    pairs = src[real] * vocab + tgt[:, : src.size(1)][real]
    counts = torch.bincount(pairs, minlength=vocab * vocab).view(vocab, vocab)
    return counts.argmax(1)


def translate_word_for_word(table: Tensor, src: Tensor, lengths: Tensor) -> Tensor:
    """table[x_t] at every real position, then <EOS> (the length is always right)."""
    out = torch.cat([table[src].masked_fill(src == PAD, PAD), torch.full_like(src[:, :1], PAD)], 1)
    out[torch.arange(src.size(0)), lengths] = EOS
    return out
