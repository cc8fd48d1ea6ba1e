"""The N-th farthest task (Sec. 4.1), scaled down: which vector is the n-th farthest from the reference?

A sequence presents K random vectors (N(0, I) in ``dim`` dimensions), one per
step. Each step carries [vector, its label = position one-hot (K), n one-hot
(K), reference bit]; the question n is known from the start, as in the paper.
The answer is the label of the vector that is n-th farthest from the
reference vector in Euclidean distance (n = 1 the farthest; the reference
itself, at distance 0, is the K-th farthest).

Scale-down: the paper uses 8 vectors of 16 dimensions, random labels, and
names the reference by its label in every step; here K = 4 vectors of 4
dimensions, labels are positions, and the reference is marked by a bit on
its own step.
"""

from __future__ import annotations

import torch
from torch.nn.functional import one_hot


def input_size(num_vectors: int, dim: int) -> int:
    return dim + 2 * num_vectors + 1


def make_batch(size: int, generator: torch.Generator, num_vectors: int = 4, dim: int = 4) -> tuple[torch.Tensor, torch.Tensor]:
    """(sequences (B, K, dim + 2K + 1), answers (B,) in 0..K-1), on the CPU."""
    K, rows = num_vectors, torch.arange(size)
    vectors = torch.randn(size, K, dim, generator=generator)
    n = torch.randint(0, K, (size,), generator=generator)          # 0 = "the 1st farthest"
    reference = torch.randint(0, K, (size,), generator=generator)  # step of the reference vector
    dist = (vectors - vectors[rows, reference][:, None]).norm(dim=-1)
    answers = torch.argsort(dist, dim=1, descending=True)[rows, n]
    sequences = torch.cat([
        vectors,
        one_hot(torch.arange(K), K).float().expand(size, K, K),
        one_hot(n, K).float()[:, None].expand(size, K, K),
        one_hot(reference, K).float()[..., None],
    ], dim=-1)
    return sequences, answers
