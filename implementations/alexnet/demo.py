"""Demo: Figure 1. A ReLU network reaches 25% training error several times sooner than the same network with tanh."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from tracker.demo_protocol import Reporter

from .model import ALEXNET_DIGITS, AlexNet, init_like_paper

BATCH = 32
LR = {"relu": 0.01, "tanh": 0.01}   # tanh stays at chance for every lr from 0.001 to 0.3 (README)
MOMENTUM = 0.9                       # Sec. 5; no weight decay or dropout: "no regularization" (Fig. 1)
WINDOW = 10                          # training error = mean mini-batch error over the last 10 steps
# (target training error, required tanh/ReLU step ratio, tanh budget as a multiple of ReLU's steps)
FULL = (0.25, 3.0, 7.0)              # the paper: 25% error, 6x faster
QUICK = (0.50, 2.0, 2.0)


def load_digits_like_imagenet() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 digits upsampled to 16x16, on the 0..255 scale, minus the per-pixel mean
    (Sec. 2: the network trains on the centred raw pixel values)."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.float32).unsqueeze(1) / 16.0
    x = F.interpolate(x, size=(ALEXNET_DIGITS.image_size,) * 2, mode="bilinear", align_corners=False) * 255.0
    return x - x.mean(dim=0, keepdim=True), torch.tensor(digits.target, dtype=torch.long)


def steps_to_target(activation: str, budget: int, target: float, x: torch.Tensor, y: torch.Tensor,
                    cfg: DemoConfig, report: Reporter, first_step: int) -> tuple[int | None, float]:
    """Train until the running training error is <= target; returns (steps or None, last error)."""
    torch.manual_seed(cfg.seed)                       # both networks start from the same draw
    net = AlexNet(ALEXNET_DIGITS, activation=activation, dropout=0.0).to(cfg.device)
    init_like_paper(net)
    opt = MomentumSGD(net.parameters(), lr=LR[activation], momentum=MOMENTUM)
    generator = torch.Generator().manual_seed(cfg.seed)   # and see the same mini-batches
    errors: list[float] = []
    for step in range(1, budget + 1):
        idx = torch.randint(0, len(y), (BATCH,), generator=generator).to(cfg.device)
        logits = net(x[idx])
        loss = F.cross_entropy(logits, y[idx])
        errors.append((logits.argmax(1) != y[idx]).float().mean().item())
        loss.backward()
        opt.step()
        running = sum(errors[-WINDOW:]) / len(errors[-WINDOW:])
        report.progress(first_step + step - 1, series=activation, loss=loss.item(), train_error=running)
        if step >= WINDOW and running <= target:
            return step, running
    return None, running


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    target, ratio, budget_factor = QUICK if cfg.quick else FULL
    x, y = (t.to(cfg.device) for t in load_digits_like_imagenet())
    total = cfg.steps + math.ceil(budget_factor * cfg.steps)
    report.start(total=total, series=["relu", "tanh"], series_steps=[cfg.steps, total - cfg.steps])

    relu_steps, relu_err = steps_to_target("relu", cfg.steps, target, x, y, cfg, report, 1)
    if relu_steps is None:
        report.say(f"relu: training error {relu_err:.1%} after {cfg.steps} steps; never reached {target:.0%}")
        return Claim(text=f"ReLU net did not reach {target:.0%} training error in {cfg.steps} steps",
                     measured=0.0, threshold=ratio, reproduced=False)
    report.say(f"relu: {target:.0%} training error reached at step {relu_steps}")

    budget = math.ceil(budget_factor * relu_steps)
    tanh_steps, tanh_err = steps_to_target("tanh", budget, target, x, y, cfg, report, cfg.steps + 1)
    if tanh_steps is None:
        report.say(f"tanh: training error still {tanh_err:.1%} after {budget} steps")
        measured = budget / relu_steps
        text = (f"tanh net not at {target:.0%} training error after {budget} steps vs ReLU at {relu_steps}: "
                f"ratio > {measured:.1f}x (need >= {ratio:g}x)")
        reproduced = measured >= ratio
    else:
        report.say(f"tanh: {target:.0%} training error reached at step {tanh_steps}")
        measured = tanh_steps / relu_steps
        text = (f"steps to {target:.0%} training error: tanh {tanh_steps} / ReLU {relu_steps} = "
                f"{measured:.1f}x (need >= {ratio:g}x)")
        reproduced = measured >= ratio
    return Claim(text=text, measured=measured, threshold=ratio, reproduced=reproduced)


if __name__ == "__main__":
    main(run, __file__)
