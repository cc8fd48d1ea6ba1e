"""Demo: the degradation problem. At 56 layers a plain net barely trains; the residual net of equal depth does."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from tracker.demo_protocol import Reporter

from .model import CifarResNet, count_parameters

N_UNITS = 9          # 6n+2 = 56 layers, the paper's plain-56 / ResNet-56 (Sec. 4.2, Fig. 6)
WIDTH = 4            # stage widths 4-8-16 (the paper: 16-32-64)
BATCH = 32
LR = 0.02            # 0.1 at batch 128 in the paper; ~linearly scaled to batch 32
MOMENTUM, WEIGHT_DECAY = 0.9, 1e-4   # the paper's values
FULL_RATIO, QUICK_RATIO = 10.0, 2.0  # plain loss must exceed residual loss by this factor


def load_digit_images() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 8x8 digits as (N, 1, 8, 8), standardised; the task is to fit them."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1)
    return (x - x.mean()) / x.std(), torch.tensor(digits.target, dtype=torch.long)


def train(kind: str, x: torch.Tensor, y: torch.Tensor, cfg: DemoConfig, report: Reporter, first_step: int) -> float:
    """SGD with momentum and weight decay; returns the mean training loss of the last 10% of steps."""
    net = CifarResNet(N_UNITS, WIDTH, in_channels=1, kind=kind).to(cfg.device)
    opt = MomentumSGD(net.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    generator = torch.Generator().manual_seed(cfg.seed)  # same mini-batches for every network
    tail = max(cfg.steps // 10, 5)
    losses = []
    for i in range(cfg.steps):
        idx = torch.randint(0, len(y), (BATCH,), generator=generator).to(cfg.device)
        logits = net(x[idx])
        loss = F.cross_entropy(logits, y[idx])
        loss.backward()
        opt.lr = LR if i < 0.75 * cfg.steps else LR / 10   # one /10 drop, like the paper's schedule
        opt.step()
        losses.append(loss.item())
        acc = (logits.argmax(1) == y[idx]).float().mean().item()
        report.progress(first_step + i, loss=losses[-1], acc=acc)
    return sum(losses[-tail:]) / len(losses[-tail:])


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    x, y = (t.to(cfg.device) for t in load_digit_images())
    # The 2016 pre-activation net is an extra (not part of the claim), skipped in --quick.
    kinds = ("plain", "residual") if cfg.quick else ("plain", "residual", "preact")
    report.start(total=len(kinds) * cfg.steps)
    final = {}
    for k, kind in enumerate(kinds):
        params = count_parameters(CifarResNet(N_UNITS, WIDTH, in_channels=1, kind=kind))
        report.say(f"training {kind}-{6 * N_UNITS + 2} ({params:,} parameters) for {cfg.steps} steps")
        final[kind] = train(kind, x, y, cfg, report, k * cfg.steps + 1)
        report.say(f"{kind}-{6 * N_UNITS + 2}: final train loss {final[kind]:.4f}")

    ratio = QUICK_RATIO if cfg.quick else FULL_RATIO
    depth = 6 * N_UNITS + 2
    threshold = final["plain"] / ratio
    return Claim(
        text=(f"residual-{depth} final train loss {final['residual']:.3f} < "
              f"plain-{depth} {final['plain']:.3f} / {ratio:g}"),
        measured=final["residual"],
        threshold=threshold,
        reproduced=final["residual"] < threshold,
    )


if __name__ == "__main__":
    main(run, __file__)
