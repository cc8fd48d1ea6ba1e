"""The variational autoencoder (Kingma & Welling 2013): a Gaussian encoder, a Gaussian decoder, the ELBO.

The encoder q(z|x) = N(mu(x), diag(exp(logvar(x)))) and the decoder
p(x|z) = N(m(z), diag(exp(v(z)))) are MLPs; the prior is p(z) = N(0, I).
The reparameterisation z = mu + exp(logvar / 2) * eps, eps ~ N(0, I)
(Sec. 2.4) makes the ELBO differentiable in the encoder's parameters:

    ELBO(x) = E_q[log p(x|z)] - KL(q(z|x) || p(z))          (eq. 3)

with the KL in closed form for Gaussians (Appendix B, ``gaussian_kl``) and
the expectation estimated with one sample (the SGVB estimator B, eq. 7).
``importance_bound`` is the k-sample bound of Burda et al. 2015, which
tightens toward log p(x) as k grows; it is how a VAE's likelihood is
compared with a model whose likelihood is exact.
"""

from __future__ import annotations

import math

import torch
from torch import nn

LOG_2PI = math.log(2 * math.pi)


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(mu, diag e^logvar) || N(0, I)) per sample: 1/2 sum(mu^2 + e^logvar - 1 - logvar) (Appendix B)."""
    return 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar).sum(-1)


def diagonal_gaussian_log_prob(x: torch.Tensor, mean: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    return -0.5 * (LOG_2PI + logvar + (x - mean) ** 2 / logvar.exp()).sum(-1)


def mlp(sizes: list[int]) -> nn.Sequential:
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.Tanh())
    return nn.Sequential(*layers)


class VAE(nn.Module):
    def __init__(self, data_dim: int, latent_dim: int, hidden: list[int], min_logvar: float = -9.0,
                 isotropic_noise: bool = False) -> None:
        super().__init__()
        self.latent_dim = latent_dim
        self.encoder = mlp([data_dim, *hidden, 2 * latent_dim])
        # The decoder gives each pixel a mean and a log-variance; with ``isotropic_noise`` one learned
        # variance for all, independent of z: with linear maps that is exactly the pPCA model.
        self.isotropic = isotropic_noise
        self.decoder = mlp([latent_dim, *reversed(hidden), data_dim if isotropic_noise else 2 * data_dim])
        self.log_noise = nn.Parameter(torch.zeros(1)) if isotropic_noise else None
        self.min_logvar = min_logvar  # a floor on the decoder's variance: dequantised pixels have some spread

    def encode(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        mu, logvar = self.encoder(x).chunk(2, dim=-1)
        return mu, logvar

    def decode(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        if self.isotropic:
            mean = self.decoder(z)
            return mean, self.log_noise.expand_as(mean)
        mean, logvar = self.decoder(z).chunk(2, dim=-1)
        return mean, self.min_logvar + nn.functional.softplus(logvar - self.min_logvar)

    def elbo(self, x: torch.Tensor, eps: torch.Tensor | None = None) -> torch.Tensor:
        """The one-sample SGVB estimate of the ELBO per sample (eq. 7); ``eps`` fixes the noise."""
        mu, logvar = self.encode(x)
        eps = torch.randn_like(mu) if eps is None else eps
        z = mu + (0.5 * logvar).exp() * eps
        mean, dec_logvar = self.decode(z)
        return diagonal_gaussian_log_prob(x, mean, dec_logvar) - gaussian_kl(mu, logvar)

    def importance_bound(self, x: torch.Tensor, k: int, generator: torch.Generator | None = None) -> torch.Tensor:
        """log (1/k) sum_i p(x, z_i) / q(z_i|x), z_i ~ q(z|x): a lower bound on log p(x), tighter with k."""
        mu, logvar = self.encode(x)
        eps = torch.randn(k, *mu.shape, generator=generator, dtype=mu.dtype).to(mu.device)
        z = mu + (0.5 * logvar).exp() * eps
        mean, dec_logvar = self.decode(z)
        log_joint = diagonal_gaussian_log_prob(x, mean, dec_logvar) + diagonal_gaussian_log_prob(
            z, torch.zeros_like(z), torch.zeros_like(z))
        log_q = diagonal_gaussian_log_prob(z, mu, logvar)
        return torch.logsumexp(log_joint - log_q, dim=0) - math.log(k)
