"""Adam (Kingma & Ba 2014, Algorithm 1) and AdaGrad, the adaptive method it argues with.

Adam, per parameter, at step t (g: the gradient, plus ``weight_decay * p`` when asked; that is
L2 folded into the gradient, as ``torch.optim.Adam`` does, and the coupling AdamW removes):

    m ← β₁ m + (1 − β₁) g              v ← β₂ v + (1 − β₂) g²
    m̂ = m / (1 − β₁ᵗ)                   v̂ = v / (1 − β₂ᵗ)        (bias correction, Sec. 3)
    p ← p − α m̂ / (√v̂ + ε)

AdaGrad (Duchi et al. 2011): s ← s + g²;  p ← p − α g / (√s + ε).

Written out rather than taken from ``torch.optim``: building one imports ``torch._dynamo`` (about
a CPU-second), and the demo builds dozens.
"""

from __future__ import annotations

import torch


class Adam:
    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        self.params = list(params)
        self.lr, (self.beta1, self.beta2), self.eps, self.weight_decay = lr, betas, eps, weight_decay
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = 0

    def gradient(self, p: torch.Tensor) -> torch.Tensor:
        return p.grad + self.weight_decay * p if self.weight_decay else p.grad

    @torch.no_grad()
    def step(self) -> None:
        """One update from each parameter's ``.grad``, which is then cleared."""
        self.t += 1
        correction1, correction2 = 1 - self.beta1**self.t, 1 - self.beta2**self.t
        for p, m, v in zip(self.params, self.m, self.v):
            g = self.gradient(p)
            m.mul_(self.beta1).add_(g, alpha=1 - self.beta1)
            v.mul_(self.beta2).addcmul_(g, g, value=1 - self.beta2)
            m_hat, v_hat = m / correction1, v / correction2
            p.sub_(self.lr * m_hat / (v_hat.sqrt() + self.eps))
            p.grad = None


class AdaGrad:
    def __init__(self, params, lr: float = 1e-2, eps: float = 1e-10) -> None:
        self.params, self.lr, self.eps = list(params), lr, eps
        self.sum_sq = [torch.zeros_like(p) for p in self.params]

    @torch.no_grad()
    def step(self) -> None:
        for p, s in zip(self.params, self.sum_sq):
            s.addcmul_(p.grad, p.grad)
            p.sub_(self.lr * p.grad / (s.sqrt() + self.eps))
            p.grad = None
