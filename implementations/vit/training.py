"""One training recipe for every model and regime: AdamW, linear warm-up then cosine decay, fixed batch.

The paper trains ViT and ResNets alike with Adam, batch 4096, weight decay 0.1
and a linear warm-up (Sec. 4.1); here both models get the same steps, batch
and schedule, with the peak learning rate chosen per model and regime on the
validation split (as Sec. 4.2 tunes regularisation per dataset size).
"""

from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F
from torch import nn

from implementations._common.schedules import cosine_after_hold
from implementations.adamw.optim import AdamW


def lr_factor(step: int, total: int, warmup: int) -> float:
    """Linear warm-up over ``warmup`` steps, then a half cosine to 0 at ``total`` (step counted from 0)."""
    if step < warmup:
        return (step + 1) / warmup
    return cosine_after_hold(step - warmup, total - warmup, 0)


def train(model: nn.Module, x: torch.Tensor, y: torch.Tensor, steps: int, batch: int, lr: float,
          weight_decay: float, generator: torch.Generator,
          on_step: Callable[[int, float, float], None] | None = None, warmup: int = 70) -> None:
    """``steps`` AdamW steps on mini-batches drawn from (x, y) without replacement, reshuffled each pass.

    The warm-up is a fixed number of steps, not a share of the run: 20 steps at a peak rate of 2e-2
    (a 200-step --quick run with a 10% warm-up) let the CNN diverge. A run shorter than the warm-up
    is all warm-up.
    """
    opt = AdamW(model.parameters(), lr=lr)  # written out: torch.optim costs a CPU-second to import
    model.train()
    order, pos = torch.randperm(len(y), generator=generator), 0
    for step in range(steps):
        if pos + batch > len(y):
            order, pos = torch.randperm(len(y), generator=generator), 0
        idx = order[pos:pos + batch].to(x.device)
        pos += batch
        xb, yb = x[idx], y[idx]
        opt.lr = lr * lr_factor(step, steps, warmup)
        opt.decay = opt.lr * weight_decay  # decoupled decay scaled by the rate, as torch.optim.AdamW does
        logits = model(xb)
        loss = F.cross_entropy(logits, yb)
        loss.backward()
        opt.step()  # and clears the gradients
        if on_step is not None:
            on_step(step + 1, loss.item(), (logits.argmax(1) == yb).float().mean().item())


@torch.no_grad()
def accuracy(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> float:
    model.eval()
    return (model(x).argmax(1) == y).float().mean().item()
