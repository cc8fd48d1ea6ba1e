"""Demo: the degradation problem (2015 Fig. 6). A deeper plain net trains worse than a shallower one;
with shortcuts the deeper net trains better."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from tracker.demo_protocol import Reporter

from .model import CifarResNet, count_parameters

SHALLOW, DEEP = 1, 3  # units per stage n: 6n+2 = 8 and 20 layers (the paper compares 20 with 56)
EXTRA = 9            # plain-56 / ResNet-56, trained in the default run for the table, not part of the claim
WIDTH = 4            # stage widths 4-8-16 (the paper: 16-32-64)
BATCH = 32
LR = 0.02            # 0.1 at batch 128 in the paper; ~linearly scaled to batch 32
MOMENTUM, WEIGHT_DECAY = 0.9, 1e-4   # the paper's values
FULL_RATIO, QUICK_RATIO = 1.3, 1.2   # both ratios (deep/shallow plain, shallow/deep residual) must exceed this


def load_digit_images() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 8x8 digits as (N, 1, 8, 8), standardised; the task is to fit them."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1)
    return (x - x.mean()) / x.std(), torch.tensor(digits.target, dtype=torch.long)


def train(n: int, kind: str, x: torch.Tensor, y: torch.Tensor, cfg: DemoConfig, report: Reporter,
          first_step: int) -> float:
    """SGD with momentum and weight decay; returns the training loss on all digits at the end (eval mode)."""
    torch.manual_seed(cfg.seed)
    net = CifarResNet(n, WIDTH, in_channels=1, kind=kind).to(cfg.device)
    opt = MomentumSGD(net.parameters(), lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    generator = torch.Generator().manual_seed(cfg.seed)  # same mini-batches for every network
    for i in range(cfg.steps):
        idx = torch.randint(0, len(y), (BATCH,), generator=generator).to(cfg.device)
        logits = net(x[idx])
        loss = F.cross_entropy(logits, y[idx])
        loss.backward()
        opt.lr = LR if i < 0.75 * cfg.steps else LR / 10   # one /10 drop, like the paper's schedule
        opt.step()
        acc = (logits.argmax(1) == y[idx]).float().mean().item()
        report.progress(first_step + i, series=f"{kind}-{6 * n + 2}", loss=loss.item(), acc=acc)
    net.eval()
    with torch.no_grad():
        return F.cross_entropy(net(x), y).item()


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    x, y = (t.to(cfg.device) for t in load_digit_images())
    depths = (SHALLOW, DEEP) if cfg.quick else (SHALLOW, DEEP, EXTRA)
    nets = [(n, kind) for n in depths for kind in ("plain", "residual")]
    report.start(total=len(nets) * cfg.steps, series=[f"{kind}-{6 * n + 2}" for n, kind in nets])
    loss = {}
    for k, (n, kind) in enumerate(nets):
        params = count_parameters(CifarResNet(n, WIDTH, in_channels=1, kind=kind))
        report.say(f"training {kind}-{6 * n + 2} ({params:,} parameters) for {cfg.steps} steps")
        loss[kind, n] = train(n, kind, x, y, cfg, report, k * cfg.steps + 1)
    report.say("training loss on all 1797 digits after training (eval mode):")
    report.say(f"  {'layers':>6} {'plain':>8} {'residual':>9}")
    for n in depths:
        note = "   (not part of the claim)" if n == EXTRA else ""
        report.say(f"  {6 * n + 2:>6} {loss['plain', n]:>8.4f} {loss['residual', n]:>9.4f}{note}")

    shallow, deep = 6 * SHALLOW + 2, 6 * DEEP + 2
    degradation = loss["plain", DEEP] / loss["plain", SHALLOW]       # > 1: the deeper plain net trains worse
    residual_gain = loss["residual", SHALLOW] / loss["residual", DEEP]  # > 1: the deeper residual net trains better
    margin = min(degradation, residual_gain)
    need = QUICK_RATIO if cfg.quick else FULL_RATIO
    return Claim(
        text=(f"train loss plain-{deep}/plain-{shallow} = {degradation:.2f}x and "
              f"ResNet-{shallow}/ResNet-{deep} = {residual_gain:.2f}x, both >= {need:g}x"),
        measured=margin,
        threshold=need,
        reproduced=margin >= need,
    )


if __name__ == "__main__":
    main(run, __file__)
