"""A sparse linear problem: y = X w* + noise with only a few of the weights in w* non-zero.

50 standard-normal features, 5 of them relevant (weights ±1 to ±2, signs random), noise σ = 0.5.
Training, validation and test sets are independent draws (100, 100 and 1000 examples).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

N_TRAIN, N_VAL, N_TEST, FEATURES, RELEVANT, NOISE = 100, 100, 1000, 50, 5, 0.5


@dataclass(frozen=True)
class SparseProblem:
    w_true: torch.Tensor
    train: tuple[torch.Tensor, torch.Tensor]
    val: tuple[torch.Tensor, torch.Tensor]
    test: tuple[torch.Tensor, torch.Tensor]

    @property
    def support(self) -> torch.Tensor:
        return self.w_true != 0


def sparse_problem(generator: torch.Generator, dtype: torch.dtype = torch.float64) -> SparseProblem:
    w = torch.zeros(FEATURES, dtype=dtype)
    where = torch.randperm(FEATURES, generator=generator)[:RELEVANT]
    size = 1 + torch.rand(RELEVANT, generator=generator, dtype=dtype)
    sign = torch.randint(0, 2, (RELEVANT,), generator=generator).to(dtype) * 2 - 1
    w[where] = size * sign

    def draw(n: int) -> tuple[torch.Tensor, torch.Tensor]:
        x = torch.randn(n, FEATURES, generator=generator, dtype=dtype)
        return x, x @ w + NOISE * torch.randn(n, generator=generator, dtype=dtype)
    return SparseProblem(w, draw(N_TRAIN), draw(N_VAL), draw(N_TEST))
