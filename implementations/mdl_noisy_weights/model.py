"""Gaussian noisy weights and the two-part description length (Hinton & van Camp 1993).

Every weight is sent as a sample from q(w) = N(mu, sigma^2) and coded against a
Gaussian prior p(w) = N(0, s^2). With bits-back coding the expected cost of the
weights is KL(q || p) ("the cost of a noisy weight"), and the data misfit is the
expected cost of the residuals under that weight noise, coded with a Gaussian
("coding the data misfits"). Minimising

    description length = KL(q(w) || p(w)) + E_q[ -log p(D | w) ]

keeps each weight only as precise as the data pay for, which stops a network
from fitting the noise in a tiny data set.

The paper computed E_q[-log p(D|w)] exactly for one hidden layer with linear
outputs (using a Gaussian approximation for the hidden units); here it is a
Monte Carlo estimate through the reparameterisation w = mu + sigma * eps, so
gradients reach mu and sigma. For a single linear layer the exact expectation is
``expected_squared_error``, which the tests use to check the estimator.
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn


def gaussian_kl(mu: torch.Tensor, logvar: torch.Tensor, prior_logvar: torch.Tensor) -> torch.Tensor:
    """KL( N(mu, e^logvar) || N(0, e^prior_logvar) ) per weight, in nats.

    = 1/2 [ log(s^2 / sigma^2) + (sigma^2 + mu^2) / s^2 - 1 ]
    """
    return 0.5 * (prior_logvar - logvar + (logvar.exp() + mu.pow(2)) / prior_logvar.exp() - 1)


class NoisyLinear(nn.Module):
    """y = x W^T + b with W, b ~ N(mu, sigma^2), sampled afresh for every Monte Carlo draw.

    The prior variance s^2 is learnt (the paper's adaptive prior), one per group:
    ``prior="rows"`` gives each output unit one s^2 for its incoming weights and
    bias; ``prior="cols"`` gives each input unit one s^2 for its outgoing
    weights (the bias gets its own). A hidden unit the data do not need can then
    shrink its s^2 and sit at q = p, costing nothing.
    """

    def __init__(self, fan_in: int, fan_out: int, prior: str = "rows", init_scale: float = 1.0,
                 init_logvar: float = -5.0) -> None:
        super().__init__()
        scale = init_scale / math.sqrt(fan_in)
        self.w_mu = nn.Parameter(torch.randn(fan_out, fan_in) * scale)
        self.w_logvar = nn.Parameter(torch.full((fan_out, fan_in), float(init_logvar)))
        self.b_mu = nn.Parameter(torch.randn(fan_out) * scale)
        self.b_logvar = nn.Parameter(torch.full((fan_out,), float(init_logvar)))
        rows = prior == "rows"
        self.w_prior_logvar = nn.Parameter(torch.full((fan_out, 1) if rows else (1, fan_in), 2 * math.log(scale)))
        self.b_prior_logvar = nn.Parameter(torch.full((fan_out,) if rows else (1,), 2 * math.log(scale)))

    def forward(self, x: torch.Tensor, samples: int | None = None) -> torch.Tensor:
        """x: (n, fan_in) or (S, n, fan_in). ``samples=None``: the mean weights, (n, fan_out).
        Otherwise S independent weight draws, one per leading slice: (S, n, fan_out)."""
        if samples is None:
            return x @ self.w_mu.T + self.b_mu
        eps_w = torch.randn(samples, *self.w_mu.shape, dtype=self.w_mu.dtype, device=self.w_mu.device)
        eps_b = torch.randn(samples, 1, *self.b_mu.shape, dtype=self.b_mu.dtype, device=self.b_mu.device)
        w = self.w_mu + torch.exp(0.5 * self.w_logvar) * eps_w          # (S, out, in)   reparameterised
        b = self.b_mu + torch.exp(0.5 * self.b_logvar) * eps_b          # (S, 1, out)
        return torch.matmul(x, w.transpose(1, 2)) + b

    def weight_cost(self) -> torch.Tensor:
        """Bits-back cost of this layer's weights, KL(q || p), in nats."""
        return (gaussian_kl(self.w_mu, self.w_logvar, self.w_prior_logvar).sum()
                + gaussian_kl(self.b_mu, self.b_logvar, self.b_prior_logvar).sum())


def expected_squared_error(x: torch.Tensor, target: torch.Tensor, layer: NoisyLinear) -> torch.Tensor:
    """Exact E_q[ ||x W^T + b - t||^2 ] per row for a noisy linear layer (the paper's
    analytic misfit for linear units): (x mu_W^T + mu_b - t)^2 + x^2 sigma_W^2^T + sigma_b^2."""
    mean = x @ layer.w_mu.T + layer.b_mu
    var = x.pow(2) @ layer.w_logvar.exp().T + layer.b_logvar.exp()
    return ((mean - target).pow(2) + var).sum(-1)


class NoisyMLP(nn.Module):
    """One tanh hidden layer and a linear output, every weight noisy (the paper's architecture)."""

    def __init__(self, fan_in: int = 1, hidden: int = 64, fan_out: int = 1, init_scale: float = 1.0) -> None:
        super().__init__()
        self.hidden = NoisyLinear(fan_in, hidden, prior="rows", init_scale=init_scale)
        self.output = NoisyLinear(hidden, fan_out, prior="cols")

    def forward(self, x: torch.Tensor, samples: int | None = None) -> torch.Tensor:
        return self.output(torch.tanh(self.hidden(x, samples)), samples)

    def weight_cost(self) -> torch.Tensor:
        return self.hidden.weight_cost() + self.output.weight_cost()

    def data_cost(self, x: torch.Tensor, y: torch.Tensor, samples: int = 8) -> torch.Tensor:
        """Cost of the residuals under the weight noise, in nats.

        The residuals are coded with a zero-mean Gaussian whose variance is their
        own expected mean square m = E_q[ mean (f(x; w) - y)^2 ] -- the cheapest
        such code -- which costs N/2 * (log(2 pi m) + 1) nats; m is a Monte Carlo mean.
        """
        m = (self(x, samples) - y).pow(2).mean()
        return 0.5 * y.numel() * (torch.log(2 * math.pi * m) + 1)

    def description_length(self, x: torch.Tensor, y: torch.Tensor, samples: int = 8) -> torch.Tensor:
        """Weights + data misfit, in nats (divide by ln 2 for bits)."""
        return self.weight_cost() + self.data_cost(x, y, samples)


class PlainMLP(nn.Module):
    """The same network with ordinary weights, trained on the data misfit alone."""

    def __init__(self, fan_in: int = 1, hidden: int = 64, fan_out: int = 1) -> None:
        super().__init__()
        self.hidden = nn.Linear(fan_in, hidden)
        self.output = nn.Linear(hidden, fan_out)

    @classmethod
    def like(cls, noisy: NoisyMLP) -> "PlainMLP":
        """A plain network starting from the noisy one's mean weights (same init for both)."""
        net = cls(noisy.hidden.w_mu.shape[1], noisy.hidden.w_mu.shape[0], noisy.output.w_mu.shape[0])
        with torch.no_grad():
            for plain, layer in ((net.hidden, noisy.hidden), (net.output, noisy.output)):
                plain.weight.copy_(layer.w_mu)
                plain.bias.copy_(layer.b_mu)
        return net

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.output(torch.tanh(self.hidden(x)))
