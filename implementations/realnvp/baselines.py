"""What a flow must beat: a full-covariance Gaussian (the maximum-likelihood fit, closed form),
and, for context, a Gaussian mixture with its number of components chosen on validation data."""

from __future__ import annotations

import math

import torch


class FullGaussian:
    """The ML Gaussian: sample mean and (biased) sample covariance."""

    def __init__(self, x: torch.Tensor) -> None:
        self.mean = x.mean(0)
        centred = x - self.mean
        self.cov = centred.T @ centred / x.shape[0]

    def log_prob(self, x: torch.Tensor) -> torch.Tensor:
        d = x.shape[-1]
        chol = torch.linalg.cholesky(self.cov)
        solved = torch.linalg.solve_triangular(chol, (x - self.mean).T, upper=False)
        return -0.5 * (solved ** 2).sum(0) - torch.log(torch.diagonal(chol)).sum() - 0.5 * d * math.log(2 * math.pi)

    def sample(self, n: int, generator: torch.Generator) -> torch.Tensor:
        z = torch.randn(n, self.mean.numel(), generator=generator, dtype=self.mean.dtype)
        return self.mean + z @ torch.linalg.cholesky(self.cov).T


def best_mixture_nll(train: torch.Tensor, valid: torch.Tensor, test: torch.Tensor, seed: int,
                     components: tuple[int, ...] = (2, 4, 8, 16, 32)) -> tuple[int, float]:
    """(components, test NLL in nats) of the sklearn mixture whose validation NLL is lowest."""
    from sklearn.mixture import GaussianMixture

    best = None
    for k in components:
        gmm = GaussianMixture(k, covariance_type="full", random_state=seed, max_iter=500).fit(train.numpy())
        score = -gmm.score(valid.numpy())
        if best is None or score < best[0]:
            best = (score, k, gmm)
    _, k, gmm = best
    return k, float(-gmm.score(test.numpy()))
