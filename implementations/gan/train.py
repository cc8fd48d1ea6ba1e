"""Algorithm 1 of Goodfellow et al. 2014: alternate k discriminator steps with one generator step.

Momentum SGD for both players, as in the paper. ``head_start`` discriminator steps against the
untrained generator come first: they put the game where Sec. 3 says the minimax loss fails,
"early in learning, when G is poor, D can reject samples with high confidence".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch

from implementations._common.optim import MomentumSGD

from .losses import discriminator_loss, generator_loss
from .model import Discriminator, Generator


@dataclass(frozen=True)
class Schedule:
    batch: int = 64
    lr_d: float = 0.05
    lr_g: float = 0.01
    momentum: float = 0.5
    k: int = 1                 # discriminator steps per generator step (the paper used k = 1)
    head_start: int = 0        # discriminator steps before the first generator step


def discriminator_step(G: Generator, D: Discriminator, opt: MomentumSGD, real: torch.Tensor, z: torch.Tensor) -> float:
    """Ascend V in D's parameters; G's samples are constants here."""
    loss = discriminator_loss(D(real), D(G(z).detach()))
    loss.backward()
    opt.step()
    return loss.item()


def generator_step(G: Generator, D: Discriminator, opt: MomentumSGD, z: torch.Tensor, saturating: bool) -> tuple[float, float]:
    """One step on G's loss; D's gradients are discarded. Returns the loss and the norm of G's gradient."""
    loss = generator_loss(D(G(z)), saturating)
    loss.backward()
    norm = torch.sqrt(sum(p.grad.pow(2).sum() for p in G.parameters())).item()
    opt.step()
    for p in D.parameters():
        p.grad = None
    return loss.item(), norm


def train(G: Generator, D: Discriminator, sample_real: Callable[[int], torch.Tensor], steps: int, schedule: Schedule,
          saturating: bool, generator: torch.Generator, on_step: Callable[[int, float, float], None] | None = None) -> list[float]:
    """``steps`` generator steps of Algorithm 1 after the head start; returns G's gradient norm per step."""
    p = next(G.parameters())
    opt_d = MomentumSGD(D.parameters(), schedule.lr_d, schedule.momentum)
    opt_g = MomentumSGD(G.parameters(), schedule.lr_g, schedule.momentum)

    def noise() -> torch.Tensor:
        return torch.randn(schedule.batch, G.noise_dim, generator=generator, dtype=p.dtype).to(p.device)

    for _ in range(schedule.head_start):
        discriminator_step(G, D, opt_d, sample_real(schedule.batch), noise())
    norms = []
    for step in range(1, steps + 1):
        for _ in range(schedule.k):
            discriminator_step(G, D, opt_d, sample_real(schedule.batch), noise())
        loss, norm = generator_step(G, D, opt_g, noise(), saturating)
        norms.append(norm)
        if on_step:
            on_step(step, loss, norm)
    return norms
