"""The Gaussian diffusion of Ho et al. (2020): forward process, posterior, simple loss, Algorithm 2.

Notation follows the paper: beta_t is the noise schedule, alpha_t = 1 - beta_t,
alpha_bar_t = prod_{s<=t} alpha_s. Time steps run t = 1..T; index 0 of every
per-step tensor here is t = 1.
"""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

NoisePredictor = Callable[[torch.Tensor, torch.Tensor], torch.Tensor]  # eps_theta(x_t, t)


class GaussianDiffusion(nn.Module):
    """Holds the schedule as buffers so ``.to(device)`` moves it with the model."""

    def __init__(self, betas: torch.Tensor) -> None:
        super().__init__()
        betas = betas.to(torch.float64)
        alphas = 1.0 - betas
        alpha_bars = torch.cumprod(alphas, dim=0)
        alpha_bars_prev = torch.cat([torch.ones(1, dtype=torch.float64), alpha_bars[:-1]])  # alpha_bar_0 = 1
        self.T = betas.shape[0]
        self.register_buffer("betas", betas)
        self.register_buffer("alphas", alphas)
        self.register_buffer("alpha_bars", alpha_bars)
        self.register_buffer("alpha_bars_prev", alpha_bars_prev)
        # eq. 7: beta~_t = (1 - alpha_bar_{t-1}) / (1 - alpha_bar_t) * beta_t
        self.register_buffer("posterior_variance", (1 - alpha_bars_prev) / (1 - alpha_bars) * betas)

    @staticmethod
    def linear_betas(T: int, beta_1: float, beta_T: float) -> torch.Tensor:
        """The paper's linear schedule (Sec. 4: 1e-4 to 0.02 over T = 1000)."""
        return torch.linspace(beta_1, beta_T, T, dtype=torch.float64)

    def _at(self, values: torch.Tensor, t: torch.Tensor, like: torch.Tensor) -> torch.Tensor:
        """values[t-1] for each example, shaped to broadcast against ``like``."""
        out = values[t - 1].to(like.dtype)
        return out.view(-1, *([1] * (like.dim() - 1)))

    def q_step(self, x_prev: torch.Tensor, t: int, noise: torch.Tensor) -> torch.Tensor:
        """One forward step, eq. 2: q(x_t | x_{t-1}) = N(sqrt(1 - beta_t) x_{t-1}, beta_t I)."""
        beta = self.betas[t - 1].to(x_prev.dtype)
        return torch.sqrt(1 - beta) * x_prev + torch.sqrt(beta) * noise

    def q_sample(self, x0: torch.Tensor, t: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        """Closed form, eq. 4: q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I)."""
        a_bar = self._at(self.alpha_bars, t, x0)
        return torch.sqrt(a_bar) * x0 + torch.sqrt(1 - a_bar) * noise

    def q_posterior(self, x0: torch.Tensor, xt: torch.Tensor, t: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Eq. 6-7: mean and variance of q(x_{t-1} | x_t, x_0)."""
        a_bar = self._at(self.alpha_bars, t, x0)
        a_bar_prev = self._at(self.alpha_bars_prev, t, x0)
        beta = self._at(self.betas, t, x0)
        alpha = self._at(self.alphas, t, x0)
        mean = (torch.sqrt(a_bar_prev) * beta / (1 - a_bar)) * x0 + (torch.sqrt(alpha) * (1 - a_bar_prev) / (1 - a_bar)) * xt
        return mean, self._at(self.posterior_variance, t, x0).expand_as(mean)

    def loss_simple(self, eps_model: NoisePredictor, x0: torch.Tensor, generator: torch.Generator | None = None) -> torch.Tensor:
        """Eq. 14 / Algorithm 1: E_{t, x0, eps} || eps - eps_theta(sqrt(a_bar) x0 + sqrt(1 - a_bar) eps, t) ||^2."""
        t = torch.randint(1, self.T + 1, (x0.shape[0],), generator=generator).to(x0.device)
        noise = torch.randn(x0.shape, generator=generator, dtype=x0.dtype).to(x0.device)
        prediction = eps_model(self.q_sample(x0, t, noise), t)
        return ((noise - prediction) ** 2).sum(dim=-1).mean()

    @torch.no_grad()
    def sample(
        self,
        eps_model: NoisePredictor,
        shape: tuple[int, ...],
        generator: torch.Generator | None = None,
        device: torch.device | str = "cpu",
        dtype: torch.dtype = torch.float32,
        sigma: str = "beta",
    ) -> torch.Tensor:
        """Algorithm 2 (ancestral sampling). ``sigma`` is "beta" (sigma_t^2 = beta_t) or
        "posterior" (sigma_t^2 = beta~_t); the paper reports both give similar results (Sec. 3.2)."""
        variances = self.betas if sigma == "beta" else self.posterior_variance
        x = torch.randn(shape, generator=generator, dtype=dtype).to(device)  # x_T ~ N(0, I)
        for t in range(self.T, 0, -1):
            z = torch.randn(shape, generator=generator, dtype=dtype).to(device) if t > 1 else torch.zeros_like(x)
            t_batch = torch.full((shape[0],), t, dtype=torch.long, device=device)
            alpha, a_bar = self.alphas[t - 1].to(dtype), self.alpha_bars[t - 1].to(dtype)
            beta = self.betas[t - 1].to(dtype)
            # x_{t-1} = 1/sqrt(alpha_t) (x_t - beta_t / sqrt(1 - alpha_bar_t) eps_theta(x_t, t)) + sigma_t z
            x = (x - beta / torch.sqrt(1 - a_bar) * eps_model(x, t_batch)) / torch.sqrt(alpha)
            x = x + torch.sqrt(variances[t - 1].to(dtype)) * z
        return x
