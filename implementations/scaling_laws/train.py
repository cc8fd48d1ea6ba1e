"""Training one model of the scan: AdamW, linear warmup then cosine decay to zero (Sec. 2.2)."""

from __future__ import annotations

import math
from typing import Callable

import torch
import torch.nn.functional as F
from torch import Tensor

from .model import TinyLM


def warmup_cosine(step: int, total: int, warmup: int) -> float:
    """Learning-rate multiplier: linear warmup over ``warmup`` steps, then cosine decay to 0 at ``total``."""
    if step < warmup:
        return (step + 1) / warmup
    progress = (step - warmup) / max(total - warmup, 1)
    return 0.5 * (1.0 + math.cos(math.pi * min(progress, 1.0)))


def train(
    model: TinyLM,
    batches: Tensor,
    lr: float,
    on_step: Callable[[int, float], None] = lambda step, loss: None,
) -> None:
    """One step per batch of ``batches`` (steps, batch, context + 1): the same tokens for every model."""
    steps = batches.size(0)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.0)
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: warmup_cosine(s, steps, max(steps // 20, 1)))
    model.train()
    for step in range(steps):
        loss = model.loss(batches[step])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        on_step(step, loss.item())


@torch.no_grad()
def held_out_loss(model: TinyLM, windows: Tensor, skip: int) -> Tensor:
    """Per-token cross-entropy (nats) of every target after the first ``skip`` tokens: (n, context + 1 - skip).

    ``skip`` = the source's order k, so each scored token has its full context
    inside the window and lines up with the source's own ``nll``.
    """
    model.eval()
    logits = model(windows[:, :-1])
    per_token = F.cross_entropy(logits.transpose(1, 2), windows[:, 1:], reduction="none")
    return per_token[:, skip - 1 :]
