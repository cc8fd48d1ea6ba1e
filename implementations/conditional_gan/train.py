"""The conditional game (eq. 2 of Mirza & Osindero 2014): Goodfellow et al.'s Algorithm 1 with y given
to both players.

    min_G max_D  E_{x,y}[log D(x | y)] + E_{z,y}[log(1 − D(G(z | y) | y))]

Each step draws labels for the real batch (with its samples) and for the fake batch; the fake
labels that G is asked for are the ones D judges its samples under. The generator uses the
non-saturating loss and both players momentum SGD, as in ``gan``.
"""

from __future__ import annotations

from typing import Callable

import torch

from implementations._common.optim import MomentumSGD
from implementations.gan.losses import discriminator_loss, generator_loss
from implementations.gan.train import Schedule

from .model import ConditionalDiscriminator, ConditionalGenerator


def train(G: ConditionalGenerator, D: ConditionalDiscriminator,
          sample_real: Callable[[int], tuple[torch.Tensor, torch.Tensor]], steps: int, schedule: Schedule,
          generator: torch.Generator, on_step: Callable[[int, float], None] | None = None) -> None:
    """``steps`` generator steps, each after ``schedule.k`` discriminator steps; ``sample_real(n)``
    returns n data points and their labels."""
    p = next(G.parameters())
    opt_d = MomentumSGD(D.parameters(), schedule.lr_d, schedule.momentum)
    opt_g = MomentumSGD(G.parameters(), schedule.lr_g, schedule.momentum)

    def fake_batch() -> tuple[torch.Tensor, torch.Tensor]:
        z = torch.randn(schedule.batch, G.noise_dim, generator=generator, dtype=p.dtype).to(p.device)
        y = torch.randint(0, G.classes, (schedule.batch,), generator=generator).to(p.device)
        return z, y

    for step in range(1, steps + 1):
        for _ in range(schedule.k):
            x, y_real = sample_real(schedule.batch)
            z, y_fake = fake_batch()
            discriminator_loss(D(x, y_real), D(G(z, y_fake).detach(), y_fake)).backward()
            opt_d.step()
        z, y_fake = fake_batch()
        loss = generator_loss(D(G(z, y_fake), y_fake), saturating=False)
        loss.backward()
        opt_g.step()
        for q in D.parameters():
            q.grad = None
        if on_step:
            on_step(step, loss.item())
