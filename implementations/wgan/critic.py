"""The Wasserstein-1 distance, the critic's estimate of it, and weight clipping (Arjovsky et al. 2017).

Kantorovich-Rubinstein duality (eq. 2):  W1(P_r, P_g) = sup over 1-Lipschitz f of E_r f(x) − E_g f(x).
A critic f_w whose weights are clipped to [−c, c] is K-Lipschitz for some K, so maximising
E_r f_w − E_g f_w estimates K·W1 (Theorem 3). The generator minimises −E_g f_w(G(z)), whose
gradient (Theorem 3) is −E_z ∇_θ f_w(G_θ(z)): it does not vanish where the supports are apart.
In one dimension W1 is exact from sorted samples: the mean gap between matched order statistics.
"""

from __future__ import annotations

import torch
from torch import nn


def w1_estimate(f_real: torch.Tensor, f_fake: torch.Tensor) -> torch.Tensor:
    """E_r f − E_g f from the critic's outputs on the two samples."""
    return f_real.mean() - f_fake.mean()


def critic_loss(f_real: torch.Tensor, f_fake: torch.Tensor) -> torch.Tensor:
    """The critic ascends the estimate (Algorithm 1, line 5)."""
    return -w1_estimate(f_real, f_fake)


def generator_loss(f_fake: torch.Tensor) -> torch.Tensor:
    """−E f(G(z)) (Algorithm 1, line 10)."""
    return -f_fake.mean()


@torch.no_grad()
def clip_weights_(critic: nn.Module, c: float) -> None:
    """w ← clip(w, −c, c) for every parameter, biases included (Algorithm 1, line 7)."""
    for p in critic.parameters():
        p.clamp_(-c, c)


def exact_w1_1d(x: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    """W1 between two 1-D empirical distributions of equal size: mean |x_(i) − y_(i)| over sorted samples."""
    x, y = x.reshape(-1), y.reshape(-1)
    if len(x) != len(y):
        raise ValueError(f"exact_w1_1d: samples of sizes {len(x)} and {len(y)}; equal sizes are needed")
    return (x.sort().values - y.sort().values).abs().mean()
