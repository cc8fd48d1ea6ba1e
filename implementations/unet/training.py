"""The training loop both networks share, and the Adam update it uses."""

from __future__ import annotations

import torch
from torch.optim.adam import adam

from implementations._common.demo import DemoConfig
from implementations._common.schedules import cosine_after_hold
from tracker.demo_protocol import Reporter

from .loss import weighted_cross_entropy
from .model import UNet


class Adam:
    """PyTorch's own Adam update (``torch.optim.adam.adam``) without building a ``torch.optim.Optimizer``,
    which imports torch._dynamo: about 3 CPU-seconds, most of a --quick run's budget."""

    def __init__(self, params, lr: float) -> None:
        self.params, self.lr = list(params), lr
        self.m = [torch.zeros_like(p) for p in self.params]
        self.v = [torch.zeros_like(p) for p in self.params]
        self.t = [torch.zeros(()) for _ in self.params]   # step counts stay on the CPU (capturable=False)

    @torch.no_grad()
    def step(self) -> None:
        grads = [p.grad for p in self.params]
        adam(self.params, grads, self.m, self.v, [], self.t, foreach=False, capturable=False, differentiable=False,
             fused=None, grad_scale=None, found_inf=None, has_complex=False, amsgrad=False, beta1=0.9,
             beta2=0.999, lr=self.lr, weight_decay=0.0, eps=1e-8, maximize=False)
        for p in self.params:
            p.grad = None


def train(model: UNet, data, cfg: DemoConfig, batch: int, lr: float, w0: float, report: Reporter,
          offset: int, name: str) -> None:
    """``steps`` Adam steps on eq. 1 with w(x) = w_c(x) + w0 * term(x); the lr held for a third, then a half cosine."""
    images, masks, w_class, term = data
    weights = w_class + w0 * term if w0 else w_class                                             # eq. 2
    images, masks, weights = (t.to(cfg.device) for t in (images, masks, weights))
    opt = Adam(model.parameters(), lr=lr)
    g = torch.Generator().manual_seed(cfg.seed)          # both networks see the same batches
    for step in range(1, cfg.steps + 1):
        idx = torch.randint(len(images), (batch,), generator=g).to(cfg.device)
        turns = int(torch.randint(4, (1,), generator=g))   # a random quarter-turn: labels and weights turn too
        x, y, w = (t[idx].rot90(turns, (-2, -1)) for t in (images, masks, weights))
        opt.lr = lr * cosine_after_hold(step, cfg.steps, cfg.steps // 3)
        loss = weighted_cross_entropy(model(x), y, w)
        loss.backward()
        opt.step()
        report.progress(offset + step, series=name, loss=loss.item())
