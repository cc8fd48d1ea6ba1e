"""Momentum SGD as ``torch.optim.SGD`` computes it, for demos that train many small nets.

    g <- dL/dp + weight_decay * p;  v <- momentum * v + g;  p <- p - lr * v

Written out because building a ``torch.optim`` optimiser imports
``torch._dynamo``, about a CPU-second, a large share of a --quick run.
``lr`` is a plain attribute: a schedule sets it before ``step``.
"""

from __future__ import annotations

import torch


class MomentumSGD:
    def __init__(self, params, lr: float, momentum: float = 0.9, weight_decay: float = 0.0) -> None:
        self.params, self.lr, self.momentum, self.weight_decay = list(params), lr, momentum, weight_decay
        self.velocity = [torch.zeros_like(p) for p in self.params]

    @torch.no_grad()
    def step(self) -> None:
        """One update from each parameter's ``.grad``, which is then cleared."""
        for p, v in zip(self.params, self.velocity):
            g = p.grad + self.weight_decay * p if self.weight_decay else p.grad
            v.mul_(self.momentum).add_(g)
            p.sub_(self.lr * v)
            p.grad = None
