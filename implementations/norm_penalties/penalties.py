"""L1 and L2 parameter-norm penalties on least squares, solved by proximal gradient descent.

The objective (Goodfellow et al. 2016, Sec. 7.1), with the mean squared error the data term:

    J(w) = 1/(2n) ‖X w − y‖² + Ω(w),    Ω = λ ‖w‖₁ (L1)  or  (λ/2) ‖w‖² (L2)

A gradient step on the data term, then the penalty's proximal operator
prox_{ηΩ}(v) = argmin_z ½‖z − v‖² + η Ω(z):

    L1:  prox(v) = sign(v) · max(|v| − ηλ, 0)     soft-thresholding: small weights become exactly 0
    L2:  prox(v) = v / (1 + ηλ)                   every weight shrinks by the same factor, none reaches 0

A plain (sub)gradient step on λ‖w‖₁ only ever moves a weight by ±ηλ, so it jitters around zero
instead of landing on it: the proximal step is what gives L1 its exact zeros.
"""

from __future__ import annotations

from typing import Callable

import torch

Prox = Callable[[torch.Tensor, float], torch.Tensor]   # (v, t = η·λ) -> prox_{tΩ/λ}(v)


def soft_threshold(v: torch.Tensor, t: float) -> torch.Tensor:
    """The proximal operator of t‖·‖₁."""
    return v.sign() * (v.abs() - t).clamp(min=0)


def shrink(v: torch.Tensor, t: float) -> torch.Tensor:
    """The proximal operator of (t/2)‖·‖²."""
    return v / (1 + t)


PROX: dict[str, Prox] = {"l1": soft_threshold, "l2": shrink}


def penalty(kind: str, w: torch.Tensor, lam: float) -> torch.Tensor:
    return lam * w.abs().sum() if kind == "l1" else 0.5 * lam * (w * w).sum()


def objective(kind: str, x: torch.Tensor, y: torch.Tensor, w: torch.Tensor, lam: float) -> torch.Tensor:
    residual = x @ w - y
    return 0.5 * (residual * residual).mean() + penalty(kind, w, lam)


def step_size(x: torch.Tensor) -> float:
    """1/L, L the largest eigenvalue of XᵀX/n: the data term's gradient is L-Lipschitz."""
    return 1.0 / torch.linalg.eigvalsh(x.T @ x / len(x)).max().item()


def fit(kind: str, x: torch.Tensor, y: torch.Tensor, lam: float, steps: int, w0: torch.Tensor | None = None
        ) -> torch.Tensor:
    """``steps`` proximal gradient steps (ISTA for L1) from ``w0`` (zeros by default)."""
    eta, prox = step_size(x), PROX[kind]
    w = torch.zeros(x.shape[1], dtype=x.dtype, device=x.device) if w0 is None else w0.clone()
    for _ in range(steps):
        grad = x.T @ (x @ w - y) / len(x)
        w = prox(w - eta * grad, eta * lam)
    return w
