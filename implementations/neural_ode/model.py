"""The ODE-Net and its baselines for the spiral task.

``ODEFunc`` is the learned vector field dz/dt = f_θ(z) (Chen et al. 2018, Sec. 5's toy spirals);
``StepMap`` is the discrete rival the paper contrasts with continuous depth (Sec. 1: a residual
update z_{n+1} = z_n + g(z_n, Δt_n)), of about the same size, told the gap Δt to the next
observation since the observations are irregular; ``LinearField`` is dz/dt = Az + b.
"""

from __future__ import annotations

import torch
from torch import nn


def mlp(inputs: int, hidden: int, outputs: int) -> nn.Sequential:
    return nn.Sequential(nn.Linear(inputs, hidden), nn.Tanh(), nn.Linear(hidden, hidden), nn.Tanh(),
                         nn.Linear(hidden, outputs))


class ODEFunc(nn.Module):
    """f_θ(t, z) = MLP(z): an autonomous field, as the spiral's true one is."""

    def __init__(self, hidden: int = 32) -> None:
        super().__init__()
        self.net = mlp(2, hidden, 2)

    def forward(self, t: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class LinearField(nn.Module):
    """dz/dt = Az + b, whose flow is exact: [z(t); 1] = exp(M (t − t₀)) [z(t₀); 1], M = [[A, b], [0, 0]].
    No solver is needed, so the baseline is fitted at the cost of a matrix exponential per gap."""

    def __init__(self) -> None:
        super().__init__()
        self.net = nn.Linear(2, 2)

    def forward(self, t: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)

    def rollout(self, z0: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """States at each t[i] (len(t), batch, 2), t shared by the batch."""
        m = torch.zeros(3, 3, dtype=z0.dtype, device=z0.device)
        m[:2, :2], m[:2, 2] = self.net.weight, self.net.bias
        flows = torch.matrix_exp((t - t[0])[:, None, None] * m)                  # (len(t), 3, 3)
        lifted = torch.cat([z0, torch.ones_like(z0[:, :1])], dim=1)               # (batch, 3)
        return torch.einsum("tij,bj->tbi", flows, lifted)[..., :2]


class StepMap(nn.Module):
    """z(t + Δt) = z(t) + g(z(t), Δt): one learned step per observation gap."""

    def __init__(self, hidden: int = 32) -> None:
        super().__init__()
        self.net = mlp(3, hidden, 2)

    def rollout(self, z0: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        """States at each t[i] (len(t), batch, 2), t shared by the batch."""
        zs, z = [z0], z0
        for t0, t1 in zip(t[:-1], t[1:]):
            gap = (t1 - t0).expand(z.shape[0], 1)
            z = z + self.net(torch.cat([z, gap], dim=1))
            zs.append(z)
        return torch.stack(zs)
