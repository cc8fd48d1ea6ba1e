"""The count-based baselines word2vec is measured against.

- Raw co-occurrence counts: each word's row of the window co-occurrence matrix is its vector.
- PPMI + SVD (Levy & Goldberg 2014; Levy, Goldberg & Dagan 2015): SGNS implicitly factorises the
  shifted PMI matrix, so the positive PMI matrix, truncated by SVD, is the explicit counterpart.
  Context counts are smoothed by the same power 0.75 as SGNS's noise distribution, and the word
  vectors are U_d S_d^(1/2) (the symmetric split Levy et al. recommend).
"""

from __future__ import annotations

import torch


def cooccurrence(encoded: list[list[int]], vocab_size: int, window: int, weight_by_distance: bool = False) -> torch.Tensor:
    """X[i, j]: how often j is within ``window`` words of i (symmetric); 1/distance each if asked (GloVe)."""
    tokens = torch.tensor([w for sent in encoded for w in sent])
    sentence = torch.repeat_interleave(torch.arange(len(encoded)), torch.tensor([len(s) for s in encoded]))
    x = torch.zeros(vocab_size, vocab_size, dtype=torch.float64)
    for d in range(1, window + 1):
        same = sentence[d:] == sentence[:-d]
        weight = torch.full((int(same.sum()),), 1.0 / d if weight_by_distance else 1.0, dtype=torch.float64)
        x.index_put_((tokens[:-d][same], tokens[d:][same]), weight, accumulate=True)
    return x + x.T


def ppmi(counts: torch.Tensor, context_power: float = 0.75) -> torch.Tensor:
    """max(0, log P(w, c) / (P(w) P_alpha(c))), with P_alpha(c) ∝ #(c)^alpha."""
    total = counts.sum()
    p_wc = counts / total
    p_w = counts.sum(1, keepdim=True) / total
    c_alpha = counts.sum(0, keepdim=True) ** context_power
    p_c = c_alpha / c_alpha.sum()
    with torch.no_grad():
        pmi = torch.log(p_wc / (p_w * p_c))
    return torch.nan_to_num(pmi, nan=0.0, neginf=0.0).clamp_min(0.0)


def svd_vectors(matrix: torch.Tensor, dim: int, eig_power: float = 0.5) -> torch.Tensor:
    """U_d S_d^p: the rank-``dim`` factor of ``matrix``."""
    u, s, _ = torch.linalg.svd(matrix)
    return u[:, :dim] * s[:dim] ** eig_power
