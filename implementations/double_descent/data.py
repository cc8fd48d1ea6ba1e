"""A noisy regression task on the sphere: a linear teacher plus a small nonlinear term.

Inputs are uniform on the sphere of radius √d, so ReLU features see no input of outsized norm
(the scale-free ReLU would otherwise extrapolate wildly on the rare long test vectors).
The test targets are noise-free: the test MSE is the error against the true function.
"""

from __future__ import annotations

import torch

DIM, NOISE = 10, 0.3


def sphere(m: int, d: int, generator: torch.Generator) -> torch.Tensor:
    x = torch.randn(m, d, generator=generator, dtype=torch.float64)
    return x / x.norm(dim=1, keepdim=True) * d**0.5


def make_task(n_train: int, n_test: int, generator: torch.Generator, d: int = DIM, noise: float = NOISE):
    """(x_train, y_train, x_test, y_test): y_train carries Gaussian label noise of std ``noise``."""
    beta = torch.randn(d, generator=generator, dtype=torch.float64) / d**0.5

    def teacher(x: torch.Tensor) -> torch.Tensor:
        return x @ beta + 0.5 * torch.tanh(x[:, 0] * x[:, 1])

    x_train, x_test = sphere(n_train, d, generator), sphere(n_test, d, generator)
    y_train = teacher(x_train) + noise * torch.randn(n_train, generator=generator, dtype=torch.float64)
    return x_train, y_train, x_test, teacher(x_test)
