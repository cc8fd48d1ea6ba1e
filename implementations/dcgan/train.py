"""One GAN, trained as the DCGAN paper trains: Adam (β1 = 0.5), batch 64, one D step per G step,
the non-saturating generator loss (``gan.losses``)."""

from __future__ import annotations

from typing import Callable

import torch
from torch import nn

from implementations.gan.losses import discriminator_loss, generator_loss

BATCH, BETAS = 64, (0.5, 0.999)


def train(G: nn.Module, D: nn.Module, images: torch.Tensor, steps: int, lr: float, generator: torch.Generator,
          on_step: Callable[[int, float], None] | None = None) -> None:
    opt_d = torch.optim.Adam(D.parameters(), lr=lr, betas=BETAS)
    opt_g = torch.optim.Adam(G.parameters(), lr=lr, betas=BETAS)
    G.train()
    D.train()
    for step in range(1, steps + 1):
        real = images[torch.randint(0, len(images), (BATCH,), generator=generator).to(images.device)]
        z = torch.randn(BATCH, G.noise_dim, generator=generator, dtype=real.dtype).to(images.device)
        fake = G(z)
        opt_d.zero_grad()
        discriminator_loss(D(real), D(fake.detach())).backward()
        opt_d.step()
        opt_g.zero_grad()
        loss = generator_loss(D(fake), saturating=False)
        loss.backward()
        opt_g.step()
        if on_step:
            on_step(step, loss.item())
