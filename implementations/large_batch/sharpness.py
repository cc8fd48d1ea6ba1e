"""Sharpness as the top eigenvalue of the training loss's Hessian, by power iteration on
Hessian-vector products (Pearlmutter 1994), never forming the Hessian.

    Hv = ∇_θ (∇_θ L(θ) · v)        one extra backward pass through the gradient graph

Power iteration v ← Hv / ‖Hv‖ converges to the eigenvector of the largest-magnitude eigenvalue;
at a minimum the Hessian is (close to) positive semi-definite, so that is the top one, λ_max.
Keskar et al. 2017 measure sharpness by the largest loss rise in a small box around θ (their
Metric 2.1); λ_max is the curvature that box maximises to second order.
"""

from __future__ import annotations

from typing import Callable, Sequence

import torch


def hessian_vector_product(loss_fn: Callable[[], torch.Tensor], params: Sequence[torch.Tensor],
                           vector: Sequence[torch.Tensor]) -> list[torch.Tensor]:
    """H v for the Hessian of ``loss_fn()`` with respect to ``params``; ``vector`` is shaped like them."""
    grads = torch.autograd.grad(loss_fn(), params, create_graph=True)
    dot = sum((g * v).sum() for g, v in zip(grads, vector))
    return [h.detach() for h in torch.autograd.grad(dot, params)]


def top_eigenvalue(loss_fn: Callable[[], torch.Tensor], params: Sequence[torch.Tensor], iterations: int,
                   generator: torch.Generator) -> float:
    """The Rayleigh quotient vᵀHv after ``iterations`` power steps from a random unit vector."""
    params = list(params)
    vector = [torch.randn(p.shape, generator=generator, dtype=p.dtype).to(p.device) for p in params]
    eigenvalue = 0.0
    for _ in range(iterations):
        norm = torch.sqrt(sum((v * v).sum() for v in vector))
        vector = [v / norm for v in vector]
        product = hessian_vector_product(loss_fn, params, vector)
        eigenvalue = sum((v * h).sum() for v, h in zip(vector, product)).item()
        vector = product
    return eigenvalue
