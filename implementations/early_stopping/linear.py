"""Early stopping as L2 regularisation on linear least squares (Goodfellow et al. 2016, Sec. 7.8).

Gradient descent on J(w) = 1/(2n) ‖X w − y‖² from w = 0, with step η. In the eigenbasis of
H = XᵀX/n (eigenvalues λ_i), with b = Xᵀy/n and the least-squares solution ŵ_i = b_i/λ_i:

    GD after t steps:    w_t,i  = [1 − (1 − η λ_i)^t] ŵ_i
    ridge with α:        w_α,i  = λ_i / (λ_i + α) · ŵ_i          (minimises J + (α/2) ‖w‖²)

For η λ_i ≪ 1 and α ≪ λ_i both factors are about 1 − e^{−η t λ_i} and 1 − α/λ_i, which agree
when α ≈ 1/(η t): after t steps, gradient descent is about where ridge with α = 1/(η t) is.
"""

from __future__ import annotations

import torch

N, FEATURES, NOISE = 200, 20, 0.5


def linear_problem(generator: torch.Generator, dtype: torch.dtype = torch.float64):
    """Features with scales 1/k (k = 1..20), so H's eigenvalues spread over about 400x; w* ~ N(0, I)."""
    scales = 1.0 / torch.arange(1, FEATURES + 1, dtype=dtype)
    x = torch.randn(N, FEATURES, generator=generator, dtype=dtype) * scales
    w = torch.randn(FEATURES, generator=generator, dtype=dtype)
    return x, x @ w + NOISE * torch.randn(N, generator=generator, dtype=dtype)


def gradient_descent(x: torch.Tensor, y: torch.Tensor, lr: float, steps: int) -> list[torch.Tensor]:
    """w_0 = 0, w_1, ..., w_steps: every iterate of full-batch gradient descent."""
    w = torch.zeros(x.shape[1], dtype=x.dtype, device=x.device)
    path = [w]
    for _ in range(steps):
        w = w - lr * x.T @ (x @ w - y) / len(y)
        path.append(w)
    return path


def ridge(x: torch.Tensor, y: torch.Tensor, alpha: float) -> torch.Tensor:
    """argmin 1/(2n) ‖X w − y‖² + (α/2) ‖w‖², by solving (XᵀX/n + α I) w = Xᵀy/n."""
    eye = torch.eye(x.shape[1], dtype=x.dtype, device=x.device)
    return torch.linalg.solve(x.T @ x / len(y) + alpha * eye, x.T @ y / len(y))


def closest_ridge(x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, alphas: torch.Tensor) -> tuple[float, float]:
    """(α, ‖w_α − w‖ / ‖w‖) for the α of ``alphas`` whose ridge solution is nearest to ``w``."""
    eig, vec = torch.linalg.eigh(x.T @ x / len(y))
    b = vec.T @ (x.T @ y / len(y))
    target = vec.T @ w
    dist = ((b / (eig + alphas[:, None].to(eig)) - target) ** 2).sum(1).sqrt()    # ‖V(w_α − w)‖ = ‖w_α − w‖
    k = int(dist.argmin())
    return alphas[k].item(), (dist[k] / w.norm()).item()
