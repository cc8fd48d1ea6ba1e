"""The linear-Gaussian model, where everything a VAE estimates has a closed form.

p(z) = N(0, I_q), p(x|z) = N(W z + b, s2 I_D) is probabilistic PCA (Tipping &
Bishop 1999). Its marginal is N(b, W W^T + s2 I), its posterior is
N(M^-1 W^T (x - b), s2 M^-1) with M = W^T W + s2 I, and for any Gaussian
q = N(m, S) the ELBO is exact:

    E_q[log p(x|z)] = -D/2 log(2 pi s2) - (|x - b - W m|^2 + tr(W S W^T)) / (2 s2)
    ELBO(q) = E_q[log p(x|z)] - KL(N(m, S) || N(0, I))

so ELBO <= log p(x), with equality exactly when q is the true posterior.
``fit_ppca`` is the maximum-likelihood fit in closed form: W spans the top q
eigenvectors of the sample covariance, s2 is the mean of the other eigenvalues.
"""

from __future__ import annotations

import math

import torch


def log_marginal(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, s2: float) -> torch.Tensor:
    cov = w @ w.T + s2 * torch.eye(w.shape[0], dtype=w.dtype)
    return torch.distributions.MultivariateNormal(b, covariance_matrix=cov).log_prob(x)


def posterior(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, s2: float) -> tuple[torch.Tensor, torch.Tensor]:
    m_inv = torch.linalg.inv(w.T @ w + s2 * torch.eye(w.shape[1], dtype=w.dtype))
    return (x - b) @ w @ m_inv.T, s2 * m_inv


def elbo(x: torch.Tensor, w: torch.Tensor, b: torch.Tensor, s2: float, m: torch.Tensor, s: torch.Tensor) -> torch.Tensor:
    """The exact ELBO of the Gaussian q = N(m, S) (one m per row of x, one S for all)."""
    d, q = w.shape
    residual = ((x - b - m @ w.T) ** 2).sum(-1)
    expected = -0.5 * d * math.log(2 * math.pi * s2) - (residual + torch.trace(w @ s @ w.T)) / (2 * s2)
    kl = 0.5 * (torch.trace(s) + (m ** 2).sum(-1) - q - torch.logdet(s))
    return expected - kl


def fit_ppca(x: torch.Tensor, q: int) -> tuple[torch.Tensor, torch.Tensor, float]:
    """(W, b, s2) maximising the likelihood of the rows of x (Tipping & Bishop 1999, eq. 7-8)."""
    b = x.mean(0)
    cov = (x - b).T @ (x - b) / x.shape[0]
    values, vectors = torch.linalg.eigh(cov)
    values, vectors = values.flip(0), vectors.flip(1)
    s2 = float(values[q:].mean())
    w = vectors[:, :q] * (values[:q] - s2).clamp_min(0).sqrt()
    return w, b, s2


def principal_angles(a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
    """The principal angles (radians) between the column spaces of a and b, smallest first."""
    qa, _ = torch.linalg.qr(a)
    qb, _ = torch.linalg.qr(b)
    cosines = torch.linalg.svdvals(qa.T @ qb).clamp(-1, 1)
    return torch.arccos(cosines)
