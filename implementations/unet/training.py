"""The training loop both networks share."""

from __future__ import annotations

import torch

from implementations._common.demo import DemoConfig
from implementations._common.schedules import cosine_after_hold
from implementations.adam.optim import Adam  # written out: torch.optim would import torch._dynamo (~3 CPU-s)
from tracker.demo_protocol import Reporter

from .loss import weighted_cross_entropy
from .model import UNet


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
