"""Demo: BN trains a deep sigmoid net many times faster, and at a rate where the plain net stalls
(Ioffe & Szegedy 2015, Sec. 4.1 and Fig. 1a in miniature, on the 8x8 sklearn digits).

Both nets (4 hidden layers of 100 sigmoid units, the plain one with biases) are trained with
momentum SGD from ``_common.optim`` on the same mini-batches of 60, at every learning rate of a
small grid. Each run stops when its training loss on all 1797 digits (eval mode: BN uses its
running statistics) first reaches the target. The contest: each net at its own best rate.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from tracker.demo_protocol import Reporter

from .model import deep_mlp

DEPTH, WIDTH, BATCH, MOMENTUM = 4, 100, 60, 0.9
TARGET_LOSS = 0.1
EVAL_EVERY = 25
RATES = (0.03, 0.1, 0.3, 1.0)
QUICK_RATES = (0.3, 1.0)
FULL_SPEEDUP, QUICK_SPEEDUP = 3.0, 2.0


def load_digits_standardised() -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32)
    return (x - x.mean(0)) / (x.std(0) + 1e-6), torch.tensor(digits.target, dtype=torch.long)


def steps_to_target(batch_norm: bool, lr: float, x, y, cfg: DemoConfig, report: Reporter, first_step: int,
                    series: str) -> int | None:
    """The first evaluated step at which the full training loss is <= TARGET_LOSS, or None."""
    torch.manual_seed(cfg.seed)
    net = deep_mlp(x.shape[1], WIDTH, DEPTH, 10, batch_norm).to(cfg.device)
    opt = MomentumSGD(net.parameters(), lr, MOMENTUM)
    batches = torch.Generator().manual_seed(cfg.seed)   # the same mini-batches for every run
    for i in range(1, cfg.steps + 1):
        idx = torch.randint(0, len(y), (BATCH,), generator=batches).to(cfg.device)
        net.train()
        loss = F.cross_entropy(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        if i % EVAL_EVERY:
            report.progress(first_step + i - 1, series=series, loss=loss.item())
            continue
        net.eval()
        with torch.no_grad():
            full = F.cross_entropy(net(x), y).item()
        report.progress(first_step + i - 1, series=series, loss=loss.item(), train_loss=full)
        if full <= TARGET_LOSS:
            return i
        if not torch.isfinite(torch.tensor(full)):
            return None
    return None


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    x, y = (t.to(cfg.device) for t in load_digits_standardised())
    rates = QUICK_RATES if cfg.quick else RATES
    runs = [(bn, lr) for bn in (False, True) for lr in rates]
    names = [f"{'bn' if bn else 'plain'} lr={lr:g}" for bn, lr in runs]
    report.start(total=len(runs) * cfg.steps, series=names)
    report.say(f"{DEPTH} hidden sigmoid layers of {WIDTH}, batch {BATCH}, momentum {MOMENTUM}; "
               f"steps until the training loss on all digits <= {TARGET_LOSS} (budget {cfg.steps})")
    reached: dict[tuple[bool, float], int | None] = {}
    for k, ((bn, lr), name) in enumerate(zip(runs, names)):
        reached[bn, lr] = steps_to_target(bn, lr, x, y, cfg, report, k * cfg.steps + 1, name)
        shown = reached[bn, lr] if reached[bn, lr] is not None else f"not within {cfg.steps}"
        report.say(f"  {name:>14}: {shown}")

    budget_plus = cfg.steps + EVAL_EVERY      # "not reached" counts as just past the budget (a lower bound)
    def best(bn: bool) -> tuple[float, int]:
        lr = min(rates, key=lambda r: reached[bn, r] or budget_plus)
        return lr, reached[bn, lr] or budget_plus
    plain_lr, plain_steps = best(False)
    bn_lr, bn_steps = best(True)
    speedup = plain_steps / bn_steps
    top = rates[-1]
    stalls = reached[False, top] is None and reached[True, top] is not None
    need = QUICK_SPEEDUP if cfg.quick else FULL_SPEEDUP
    bound = "" if reached[False, plain_lr] is not None else " (at least: plain never reached it)"
    return Claim(
        text=(f"at each net's best rate, BN reaches train loss {TARGET_LOSS} in {bn_steps} steps (lr {bn_lr:g}) "
              f"vs plain {plain_steps} (lr {plain_lr:g}): {speedup:.1f}x{bound}, need >= {need:g}x; at lr {top:g} "
              f"plain {'stalls' if reached[False, top] is None else 'trains'} and BN "
              f"{'trains' if reached[True, top] is not None else 'stalls'}"),
        measured=speedup,
        threshold=need,
        reproduced=speedup >= need and stalls,
    )


if __name__ == "__main__":
    main(run, __file__)
