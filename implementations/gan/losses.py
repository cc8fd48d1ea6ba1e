"""The value function of Goodfellow et al. 2014 (eq. 1) and the two generator losses, on D's logit l.

    V(D, G) = E_data[log D(x)] + E_z[log(1 − D(G(z)))],   D = σ(l)

log σ(l) = −softplus(−l) and log(1 − σ(l)) = −softplus(l), which stay finite where D saturates.

D ascends V:                 loss_D = softplus(−l_real) + softplus(l_fake)
G, minimax (saturating):     loss_G = log(1 − D(G(z))) = −softplus(l_fake);   ∂/∂l = −σ(l) = −D
G, non-saturating (Sec. 3):  loss_G = −log D(G(z))   =  softplus(−l_fake);   ∂/∂l = −(1 − D)

Early on D rejects G's samples confidently (D ≈ 0): the minimax gradient −D vanishes there, the
non-saturating one −(1 − D) is near its largest. Both push l up, with the same fixed points.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

LOG4 = math.log(4.0)


def value(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    """The sample estimate of V(D, G) (eq. 1)."""
    return -F.softplus(-real_logits).mean() - F.softplus(fake_logits).mean()


def discriminator_loss(real_logits: torch.Tensor, fake_logits: torch.Tensor) -> torch.Tensor:
    return -value(real_logits, fake_logits)


def generator_loss(fake_logits: torch.Tensor, saturating: bool) -> torch.Tensor:
    if saturating:
        return -F.softplus(fake_logits).mean()
    return F.softplus(-fake_logits).mean()


def optimal_discriminator(p_data: torch.Tensor, p_g: torch.Tensor) -> torch.Tensor:
    """D*(x) = p_data(x) / (p_data(x) + p_g(x)) (Proposition 1), from the two densities at x."""
    return p_data / (p_data + p_g)


def value_at_optimal_d(p_data: torch.Tensor, p_g: torch.Tensor) -> torch.Tensor:
    """C(G) = V(D*, G) for two distributions on a common finite set (probabilities summing to 1).

    Theorem 1: C(G) = −log 4 + 2·JSD(p_data ‖ p_g), so −log 4 exactly when p_g = p_data. Points
    where a distribution has no mass contribute nothing to its expectation (0·log 0 = 0).
    """
    d = optimal_discriminator(p_data, p_g)
    real = torch.where(p_data > 0, p_data * torch.log(d), torch.zeros_like(d))
    fake = torch.where(p_g > 0, p_g * torch.log1p(-d), torch.zeros_like(d))
    return real.sum() + fake.sum()
