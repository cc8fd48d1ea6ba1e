"""Demo: a conditional GAN samples the mode it is asked for; an unconditional GAN cannot (Mirza &
Osindero 2014, Sec. 4.1 in miniature), on the ring of 8 Gaussians with the mode index as the label.

Both GANs have the same MLPs (the conditional ones take a one-hot label as 8 extra inputs), the
same non-saturating loss, momentum SGD, data, and step count (``gan.train`` for the unconditional
one). For each of the 8 labels, 500 samples are drawn, asking for that label. A sample counts as
following the request when the data's Bayes classifier labels it y (the nearest mode) and it lies
within 3 std of that mode, which is the same as lying within 3 std of mode y. The unconditional
GAN ignores the request, so its rate is the share of its samples near mode y, 1/8 at best on average.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from implementations._common.ring import balanced_precision, mode_centres, sample_mixture
from implementations.gan.model import Discriminator, Generator
from implementations.gan.train import Schedule
from implementations.gan.train import train as train_unconditional
from tracker.demo_protocol import Reporter

from .model import ConditionalDiscriminator, ConditionalGenerator
from .train import train

CLASSES, STD, WITHIN, PER_CLASS = 8, 0.1, 0.3, 500
SCHEDULE = Schedule(batch=64, lr_d=0.05, lr_g=0.01, momentum=0.5, k=1, head_start=0)
MARGIN = {False: 0.5, True: 0.3}   # request-following rate over the unconditional GAN's (default, quick)


def labelled_ring(n: int, generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    """n ring samples and, as each one's label, the mode it was drawn from."""
    y = torch.randint(0, CLASSES, (n,), generator=generator)
    return sample_mixture(n, generator, std=STD, modes=y), y


def follows_request(samples: torch.Tensor, requested: torch.Tensor) -> torch.Tensor:
    """Per sample: the nearest mode is the requested one and the sample is within 3 std of it."""
    dist = torch.cdist(samples.detach().cpu().double(), mode_centres(CLASSES))
    return (dist.argmin(dim=1) == requested.cpu()) & (dist.min(dim=1).values < WITHIN)


def per_class_rate(sample: callable, generator: torch.Generator, device: torch.device) -> torch.Tensor:
    rates = []
    for y in range(CLASSES):
        requested = torch.full((PER_CLASS,), y, dtype=torch.long)
        z = torch.randn(PER_CLASS, 2, generator=generator).to(device)
        with torch.no_grad():
            rates.append(follows_request(sample(z, requested.to(device)), requested).double().mean())
    return torch.stack(rates)


def per_class_gaussian_rate(generator: torch.Generator) -> float:
    """Each class of this data is one Gaussian, so sampling a Gaussian fitted to it follows every request."""
    rates = []
    for y in range(CLASSES):
        x = sample_mixture(1000, generator, std=STD, modes=torch.full((1000,), y)).double()
        fitted = torch.distributions.MultivariateNormal(x.mean(0), torch.cov(x.T))
        rates.append(follows_request(fitted.sample((PER_CLASS,)), torch.full((PER_CLASS,), y)).double().mean())
    return torch.stack(rates).mean().item()


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    report.start(total=2 * cfg.steps, series=["conditional", "unconditional"])

    def real(n: int, data: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
        x, y = labelled_ring(n, data)
        return x.to(cfg.device), y.to(cfg.device)

    torch.manual_seed(cfg.seed)
    G, D = ConditionalGenerator(CLASSES).to(cfg.device), ConditionalDiscriminator(CLASSES).to(cfg.device)
    data = torch.Generator().manual_seed(cfg.seed)
    train(G, D, lambda n: real(n, data), cfg.steps, SCHEDULE, data,
          lambda step, loss: report.progress(step, series="conditional", loss=loss))

    torch.manual_seed(cfg.seed)
    G0, D0 = Generator().to(cfg.device), Discriminator().to(cfg.device)
    data0 = torch.Generator().manual_seed(cfg.seed)
    train_unconditional(G0, D0, lambda n: real(n, data0)[0], cfg.steps, SCHEDULE, saturating=False, generator=data0,
                        on_step=lambda step, loss, norm: report.progress(cfg.steps + step, series="unconditional", loss=loss))
    report.say(f"parameters: conditional G {count_parameters(G)} / D {count_parameters(D)}, unconditional G "
               f"{count_parameters(G0)} / D {count_parameters(D0)}; {cfg.steps} steps each, momentum SGD")

    evaluation = torch.Generator().manual_seed(10_000 + cfg.seed)
    cond = per_class_rate(G, evaluation, cfg.device)
    uncond = per_class_rate(lambda z, y: G0(z), evaluation, cfg.device)
    with torch.no_grad():
        pooled = G(torch.randn(4000, 2, generator=evaluation).to(cfg.device),
                   torch.randint(0, CLASSES, (4000,), generator=evaluation).to(cfg.device))
        pooled0 = G0(torch.randn(4000, 2, generator=evaluation).to(cfg.device))
    report.say("  follows the request, per label: conditional " + " ".join(f"{v:.2f}" for v in cond.tolist()))
    report.say("                                unconditional " + " ".join(f"{v:.2f}" for v in uncond.tolist()))
    report.say(f"  balanced precision of all samples: conditional {balanced_precision(pooled, WITHIN):.3f}, "
               f"unconditional {balanced_precision(pooled0, WITHIN):.3f}")
    ceiling = per_class_gaussian_rate(evaluation)
    report.say(f"  a Gaussian fitted per label to 1000 real samples each (the ceiling on this data, not a contest): {ceiling:.3f}")
    margin = (cond.mean() - uncond.mean()).item()
    need = MARGIN[cfg.quick]
    return Claim(
        text=(f"samples asked for label y lie within 3 std of mode y: conditional GAN {cond.mean():.3f} (worst label "
              f"{cond.min():.3f}), unconditional GAN {uncond.mean():.3f}: {margin:+.3f} (need >= {need})"),
        measured=margin,
        threshold=need,
        reproduced=margin >= need,
    )


if __name__ == "__main__":
    main(run, __file__)
