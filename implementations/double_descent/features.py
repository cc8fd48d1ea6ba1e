"""The random-features model of Belkin et al. (2019, Sec. 3): a two-layer net whose first layer
is drawn once and frozen, so that fitting the second layer is linear least squares.

    φ_j(x) = ReLU(w_jᵀ x),  w_j ~ N(0, I/d),  j = 1..N;   f(x) = Σ_j a_j φ_j(x)

N, the number of features, is the model's capacity; N = n (samples) is the interpolation
threshold, where Φ (n x N) first becomes square.
"""

from __future__ import annotations

import torch

from .min_norm import min_norm_lstsq


def draw_weights(d: int, n_features: int, generator: torch.Generator) -> torch.Tensor:
    return torch.randn(d, n_features, generator=generator, dtype=torch.float64) / d**0.5


def features(x: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    return torch.relu(x @ weights)


def fit_and_test(x_train, y_train, x_test, y_test, weights) -> tuple[float, float]:
    """(train MSE, test MSE) of the min-norm second layer on these frozen features."""
    a = min_norm_lstsq(features(x_train, weights), y_train)
    train = ((features(x_train, weights) @ a - y_train) ** 2).mean().item()
    test = ((features(x_test, weights) @ a - y_test) ** 2).mean().item()
    return train, test
