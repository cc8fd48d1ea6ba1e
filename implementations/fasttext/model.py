"""fastText's subword skip-gram (Bojanowski et al. 2017): a word's input vector is the sum of the
vectors of its character n-grams (3 to 6 characters of "<word>") and of the word itself,

    s(w, c) = Σ_{g ∈ G_w} z_gᵀ v_c,

trained with word2vec's negative-sampling loss. A word never seen in training still gets a vector,
from those of its n-grams that were seen. The n-gram table is exact (built from the training
vocabulary) where the paper hashes n-grams into 2 million buckets.
"""

from __future__ import annotations

import torch

from implementations.word2vec.sgns import sgns_loss_and_grads


def subword_units(word: str, n_min: int = 3, n_max: int = 6) -> list[str]:
    """"<word>" itself, then its character n-grams, n_min <= n <= n_max, each once."""
    marked = f"<{word}>"
    units = [marked]
    for n in range(n_min, n_max + 1):
        for start in range(len(marked) - n + 1):
            gram = marked[start:start + n]
            if gram not in units:
                units.append(gram)
    return units


class SubwordTable:
    """Every unit of the training vocabulary, and each vocabulary word's units as a padded index matrix."""

    def __init__(self, words: list[str]) -> None:
        self.index: dict[str, int] = {}
        for w in words:
            for unit in subword_units(w):
                self.index.setdefault(unit, len(self.index))
        rows = [self.units_of(w) for w in words]
        width = max(map(len, rows))
        self.units = torch.tensor([r + [0] * (width - len(r)) for r in rows])
        self.mask = torch.tensor([[1.0] * len(r) + [0.0] * (width - len(r)) for r in rows])

    def units_of(self, word: str) -> list[int]:
        """The table's ids of ``word``'s units; for an unseen word only its seen n-grams."""
        return [self.index[u] for u in subword_units(word) if u in self.index]


class SubwordSkipGram:
    def __init__(self, table: SubwordTable, vocab_size: int, dim: int, gen: torch.Generator, dtype=torch.float32) -> None:
        self.table = table
        self.Z = (torch.rand(len(table.index), dim, generator=gen, dtype=dtype) - 0.5) / dim
        self.W_out = torch.zeros(vocab_size, dim, dtype=dtype)

    def input_vectors(self, words: torch.Tensor) -> torch.Tensor:
        """v_w = Σ_{g ∈ G_w} z_g for vocabulary rows ``words``."""
        mask = self.table.mask[words].to(self.Z.dtype)
        return (self.Z[self.table.units[words]] * mask[..., None]).sum(1)

    def vector(self, word: str) -> torch.Tensor:
        """Any word's vector, seen or not: the sum of its known units (zero if none is known)."""
        ids = self.table.units_of(word)
        return self.Z[ids].sum(0) if ids else torch.zeros(self.Z.shape[1], dtype=self.Z.dtype)

    def loss_and_grads(self, centre, context, negatives):
        return sgns_loss_and_grads(self.input_vectors(centre), self.W_out[context], self.W_out[negatives])

    def step(self, centre, context, negatives, lr: float) -> float:
        """SGD on the summed loss; every unit of a centre word receives that word's ∂L/∂v."""
        loss, grad_v, grad_o, grad_k = self.loss_and_grads(centre, context, negatives)
        units, mask = self.table.units[centre], self.table.mask[centre].to(self.Z.dtype)
        per_unit = (grad_v[:, None, :] * mask[..., None]).reshape(-1, grad_v.shape[1])
        self.Z.index_add_(0, units.reshape(-1), per_unit, alpha=-lr)
        self.W_out.index_add_(0, context, grad_o, alpha=-lr)
        self.W_out.index_add_(0, negatives.reshape(-1), grad_k.reshape(-1, grad_k.shape[-1]), alpha=-lr)
        return loss.item()
