"""AdamW (Loshchilov & Hutter 2019, Algorithm 2): Adam with the weight decay taken out of the gradient.

L2-in-Adam (``adam.optim.Adam(weight_decay=λ')``) adds λ' θ to the gradient, so the decay goes
through m and v and is divided by √v̂ like the loss gradient: weights with large gradients are
barely decayed, weights with small ones are pushed by about α·sign(θ) whatever their size.
AdamW applies the decay to the weights directly, at the same relative rate for every weight:

    g ← ∇f(θ)                            (no decay term)
    m, v, m̂, v̂ as in Adam
    θ ← θ − η (α m̂ / (√v̂ + ε) + λ θ)    (η: the schedule multiplier, 1 here)

The paper's λ is its own knob, not multiplied by α: that is the decoupling its Figure 2 shows.
``torch.optim.AdamW(lr=α, weight_decay=w)`` decays by α·w, so it is this with λ = α·w.
The moment update is adam's (``implementations.adam.optim.Adam``), reused, not copied.
"""

from __future__ import annotations

import torch

from implementations.adam.optim import Adam


class AdamW(Adam):
    def __init__(self, params, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, lr, betas, eps, weight_decay=0.0)   # the gradient carries no decay
        self.decay = weight_decay                                     # λ, per step, independent of α

    @torch.no_grad()
    def step(self) -> None:
        """θ ← (1 − λ) θ, then Adam's step from the loss gradient alone (it never reads θ itself)."""
        if self.decay:
            for p in self.params:
                p.mul_(1 - self.decay)
        super().step()
