"""Batch normalisation (Ioffe & Szegedy 2015, Algorithm 1 and 2) with its backward pass by hand.

Over a mini-batch B (every axis but the channel axis 1):

    μ_B = mean(x)     σ²_B = mean((x − μ_B)²)     x̂ = (x − μ_B) / √(σ²_B + ε)     y = γ x̂ + β

Backward (Sec. 3, the chain rule through μ_B and σ²_B), with m the number of values averaged:

    ∂L/∂γ = Σ ∂L/∂y · x̂        ∂L/∂β = Σ ∂L/∂y
    ∂L/∂x = γ / (m √(σ²_B + ε)) · (m ∂L/∂y − Σ ∂L/∂y − x̂ Σ ∂L/∂y · x̂)

Inference (Alg. 2) uses population statistics instead, tracked as ``nn.BatchNorm`` does: an
exponential moving average with ``momentum`` of μ_B and of the unbiased m/(m−1) σ²_B.
"""

from __future__ import annotations

import torch
from torch import nn


def _axes(x: torch.Tensor) -> tuple[int, ...]:
    return (0,) + tuple(range(2, x.dim()))


def _per_channel(t: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    return t.view(1, -1, *([1] * (x.dim() - 2)))


def forward_train(x, gamma, beta, eps):
    """y and what the backward pass needs (x̂, 1/√(σ²_B + ε)), plus the batch mean and variance."""
    axes = _axes(x)
    mean = x.mean(dim=axes)
    var = ((x - _per_channel(mean, x)) ** 2).mean(dim=axes)
    inv_std = 1.0 / torch.sqrt(var + eps)
    x_hat = (x - _per_channel(mean, x)) * _per_channel(inv_std, x)
    y = _per_channel(gamma, x) * x_hat + _per_channel(beta, x)
    return y, x_hat, inv_std, mean, var


def backward(dy, x_hat, inv_std, gamma):
    """(∂L/∂x, ∂L/∂γ, ∂L/∂β) from ∂L/∂y, by the formulas in the module docstring."""
    axes = _axes(dy)
    m = dy.numel() // dy.shape[1]
    dgamma = (dy * x_hat).sum(dim=axes)
    dbeta = dy.sum(dim=axes)
    dx = _per_channel(gamma * inv_std / m, dy) * (
        m * dy - _per_channel(dbeta, dy) - x_hat * _per_channel(dgamma, dy))
    return dx, dgamma, dbeta


class BatchNormFunction(torch.autograd.Function):
    """Training-mode batch norm whose gradient is ``backward`` above, not autograd's."""

    @staticmethod
    def forward(ctx, x, gamma, beta, eps):
        y, x_hat, inv_std, mean, var = forward_train(x, gamma, beta, eps)
        ctx.save_for_backward(x_hat, inv_std, gamma)
        ctx.mark_non_differentiable(mean, var)
        return y, mean, var

    @staticmethod
    def backward(ctx, dy, _dmean, _dvar):
        dx, dgamma, dbeta = backward(dy, *ctx.saved_tensors)
        return dx, dgamma, dbeta, None


class BatchNorm(nn.Module):
    """BN over channel axis 1 of (N, C) or (N, C, H, W) input: ``nn.BatchNorm1d/2d`` semantics."""

    def __init__(self, num_features: int, eps: float = 1e-5, momentum: float = 0.1) -> None:
        super().__init__()
        self.eps, self.momentum = eps, momentum
        self.weight = nn.Parameter(torch.ones(num_features))    # γ
        self.bias = nn.Parameter(torch.zeros(num_features))     # β
        self.register_buffer("running_mean", torch.zeros(num_features))
        self.register_buffer("running_var", torch.ones(num_features))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training:
            inv_std = 1.0 / torch.sqrt(self.running_var + self.eps)
            x_hat = (x - _per_channel(self.running_mean, x)) * _per_channel(inv_std, x)
            return _per_channel(self.weight, x) * x_hat + _per_channel(self.bias, x)
        y, mean, var = BatchNormFunction.apply(x, self.weight, self.bias, self.eps)
        m = x.numel() // x.shape[1]
        with torch.no_grad():
            self.running_mean.mul_(1 - self.momentum).add_(self.momentum * mean)
            self.running_var.mul_(1 - self.momentum).add_(self.momentum * var * m / (m - 1))
        return y
