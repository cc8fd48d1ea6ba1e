"""The NTM addressing mechanism, Section 3.3, one function per equation.

All weightings have shape ``(..., N)`` over the N memory rows; every function
broadcasts over leading batch/head dimensions, so the same code serves the
read and write heads.
"""

from __future__ import annotations

import functools

import torch

# Smallest weighting value fed to the logarithm in `sharpen`; keeps gradients
# finite when a weighting entry has underflowed to exactly zero.
_TINY = 1e-30


def content_weights(memory: torch.Tensor, key: torch.Tensor, strength: torch.Tensor, eps: float = 1e-8) -> torch.Tensor:
    """Eq. (5)-(6): softmax over rows of key strength x cosine similarity.

    memory (..., N, M), key (..., M), strength beta (..., 1) -> (..., N).
    """
    dot = (memory * key.unsqueeze(-2)).sum(-1)                      # u . v for every row
    norms = memory.norm(dim=-1) * key.norm(dim=-1, keepdim=True)    # ||u|| ||v||
    similarity = dot / (norms + eps)                                # eq. (6) K[u, v]
    return torch.softmax(strength * similarity, dim=-1)             # eq. (5)


def interpolate(content: torch.Tensor, previous: torch.Tensor, gate: torch.Tensor) -> torch.Tensor:
    """Eq. (7): w^g = g w^c + (1 - g) w_{t-1}; gate g in (0, 1) has shape (..., 1)."""
    return gate * content + (1.0 - gate) * previous


def circular_shift(weights: torch.Tensor, shift: torch.Tensor) -> torch.Tensor:
    """Eq. (8): circular convolution w~(i) = sum_j w^g(j) s(i - j).

    ``shift`` (..., S) is a distribution over the S = 2K+1 integer offsets
    -K..K (index k means offset k - K). For a one-hot shift at offset o the
    result equals ``torch.roll(weights, o, dims=-1)``.
    """
    source = _shift_sources(weights.shape[-1], shift.shape[-1], weights.device)
    gathered = weights[..., source]                                 # (..., N, S): w^g(i - o)
    return (gathered * shift.unsqueeze(-2)).sum(-1)


@functools.lru_cache(maxsize=None)
def _shift_sources(n: int, s: int, device: torch.device) -> torch.Tensor:
    """(N, S) table of source rows j = (i - o) mod N for row i and offset o = k - S//2."""
    offsets = torch.arange(s, device=device) - s // 2
    rows = torch.arange(n, device=device)
    return (rows.unsqueeze(-1) - offsets) % n


def sharpen(weights: torch.Tensor, gamma: torch.Tensor) -> torch.Tensor:
    """Eq. (9): w(i) = w~(i)^gamma / sum_j w~(j)^gamma, gamma >= 1 of shape (..., 1).

    Computed as a softmax of gamma * log w~, which is the same quantity but
    cannot underflow to 0/0 when gamma is large.
    """
    return torch.softmax(gamma * weights.clamp_min(_TINY).log(), dim=-1)


def address(
    memory: torch.Tensor,
    previous: torch.Tensor,
    key: torch.Tensor,
    strength: torch.Tensor,
    gate: torch.Tensor,
    shift: torch.Tensor,
    gamma: torch.Tensor,
) -> torch.Tensor:
    """Figure 2: content addressing -> interpolation -> shift -> sharpening."""
    w_c = content_weights(memory, key, strength)
    w_g = interpolate(w_c, previous, gate)
    w_tilde = circular_shift(w_g, shift)
    return sharpen(w_tilde, gamma)
