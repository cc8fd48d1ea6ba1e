"""The infinite-width NTK of the two-layer ReLU net, from the arc-cosine kernels (Cho & Saul 2009).

With θ the angle between x and x', as m → ∞ the empirical kernel tends to its expectation:

    E[ReLU(wᵀx) ReLU(wᵀx')] = |x||x'| (sin θ + (π − θ) cos θ) / (2π)        (arc-cosine, order 1)
    E[a²] E[1[wᵀx > 0] 1[wᵀx' > 0]] xᵀx' = (π − θ)/(2π) · xᵀx'              (arc-cosine, order 0)
    Θ∞(x, x') = sum of the two  (Jacot et al. Sec. 4: the limit is deterministic)
"""

from __future__ import annotations

import math

import torch


def analytic_ntk(x1: torch.Tensor, x2: torch.Tensor) -> torch.Tensor:
    n1, n2 = x1.norm(dim=1), x2.norm(dim=1)
    dot = x1 @ x2.T
    cos = (dot / (n1[:, None] * n2[None, :])).clamp(-1.0, 1.0)
    theta = torch.arccos(cos)
    order1 = n1[:, None] * n2[None, :] * (torch.sin(theta) + (math.pi - theta) * cos) / (2 * math.pi)
    order0 = (math.pi - theta) / (2 * math.pi) * dot
    return order1 + order0


def kernel_gd_prediction(k_train: torch.Tensor, k_test_train: torch.Tensor, y: torch.Tensor,
                         lr: float, steps: int) -> torch.Tensor:
    """The outputs at x* of a net in the kernel regime after ``steps`` of full-batch gradient descent
    on ½ Σ (f(X) − y)² from f₀ = 0 (Jacot et al. Sec. 5, discrete time). On the training points
    the residual decays as f_t(X) − y = (I − ηΘ)ᵗ (0 − y), and the test outputs follow the same
    kernel: f_t(x*) = Θ(x*, X) Θ⁻¹ (I − (I − ηΘ)ᵗ) y. As t → ∞ this is kernel regression,
    Θ(x*, X) Θ⁻¹ y."""
    eigvals, eigvecs = torch.linalg.eigh(k_train)
    fitted = eigvecs @ ((1 - (1 - lr * eigvals) ** steps) / eigvals * (eigvecs.T @ y))
    return k_test_train @ fitted
