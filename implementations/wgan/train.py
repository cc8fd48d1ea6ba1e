"""Algorithm 1 of Arjovsky et al. 2017: n_critic clipped critic steps per generator step, RMSProp.

For the first ``early_iterations`` generator steps the critic takes ``n_critic_early`` steps, not
``n_critic`` (the authors' released code: 100 critic steps for each of the first 25), so that its
estimate is near the supremum from the first checkpoint on.

``js=True`` plays the baseline the paper argues against with everything else the same: the GAN's
discriminator loss on the same network's output as a logit, no clipping, the non-saturating
generator loss (``gan.losses``), and n_critic discriminator steps per generator step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import torch
from torch import nn

from implementations.gan import losses as js_losses

from .critic import clip_weights_, critic_loss, generator_loss


@dataclass(frozen=True)
class Schedule:
    batch: int = 64
    lr: float = 1e-3
    clip: float = 0.05
    n_critic: int = 5
    n_critic_early: int = 100
    early_iterations: int = 25

    def critic_steps(self, iteration: int) -> int:
        """Critic steps before generator step ``iteration`` (1-based)."""
        return self.n_critic_early if iteration <= self.early_iterations else self.n_critic


class Shift(nn.Module):
    """The paper's Example 1 generator in 1-D: x = scale·z + θ, a learnable location θ."""

    noise_dim = 1

    def __init__(self, theta: float, scale: float) -> None:
        super().__init__()
        self.theta = nn.Parameter(torch.tensor(float(theta)))
        self.scale = scale

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.scale * z + self.theta


def critic_step(G: nn.Module, critic: nn.Module, opt: torch.optim.Optimizer, real: torch.Tensor, z: torch.Tensor,
                clip: float, js: bool = False) -> float:
    """Ascend E_r f − E_g f, then clip the critic's weights to [−c, c] (Algorithm 1, lines 2-7).

    ``js``: descend the GAN discriminator's loss instead, unclipped.
    """
    opt.zero_grad()
    f_real, f_fake = critic(real), critic(G(z).detach())
    loss = js_losses.discriminator_loss(f_real, f_fake) if js else critic_loss(f_real, f_fake)
    loss.backward()
    opt.step()
    if not js:
        clip_weights_(critic, clip)
    return loss.item()


def generator_step(G: nn.Module, critic: nn.Module, opt: torch.optim.Optimizer, z: torch.Tensor, js: bool = False) -> float:
    """Descend −E f(G(z)) in G's parameters (lines 9-10); the critic's gradients are discarded.

    ``js``: descend the non-saturating −E log D(G(z)) instead.
    """
    opt.zero_grad()
    f_fake = critic(G(z))
    loss = js_losses.generator_loss(f_fake, saturating=False) if js else generator_loss(f_fake)
    loss.backward()
    opt.step()
    critic.zero_grad(set_to_none=True)
    return loss.item()


def train_wgan(G: nn.Module, critic: nn.Module, sample_real: Callable[[int], torch.Tensor], iterations: int,
               schedule: Schedule, generator: torch.Generator,
               after: Callable[[int, float], None] | None = None, js: bool = False) -> None:
    """``iterations`` generator steps, each after its critic steps; ``after(i, critic_loss)`` runs after
    the critic steps of iteration 1 and before its generator step (i = 0), and after each generator step i."""
    p = next(G.parameters())
    opt_c = torch.optim.RMSprop(critic.parameters(), lr=schedule.lr)
    opt_g = torch.optim.RMSprop(G.parameters(), lr=schedule.lr)

    def noise() -> torch.Tensor:
        return torch.randn(schedule.batch, G.noise_dim, generator=generator, dtype=p.dtype).to(p.device)

    if not js:
        clip_weights_(critic, schedule.clip)
    for i in range(1, iterations + 1):
        for _ in range(schedule.critic_steps(i)):
            loss = critic_step(G, critic, opt_c, sample_real(schedule.batch), noise(), schedule.clip, js)
        if i == 1 and after:
            after(0, loss)
        generator_step(G, critic, opt_g, noise(), js)
        if after:
            after(i, loss)
