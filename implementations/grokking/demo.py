"""Demo: grokking on modular addition (Power et al. 2022, Fig. 1 and Fig. 2 in miniature).

The same MLP, from the same initialisation, is trained full-batch with AdamW on half of the
table a + b (mod 47), twice: with weight decay 1 and without weight decay. Both fit the training
half to 100% within a few hundred steps while scoring below chance on the held-out half. With
weight decay, validation accuracy then climbs, long after the training set was fitted, to >= 95%;
without weight decay it stays near zero for the whole budget. The baseline is the net without
weight decay, early-stopped: its best validation accuracy at any evaluation.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from tracker.demo_protocol import Reporter

from .data import split
from .model import ModularMLP

P, TRAIN_FRACTION, WEIGHT_DECAY, BETAS, EVAL_EVERY, GROKKED = 47, 0.5, 1.0, (0.9, 0.98), 50, 0.95
LR, QUICK_LR = 3e-3, 1e-2      # the quick run's faster clock: weight decay shrinks by lr * wd per step
FULL = {"margin": 0.5, "delay": 5.0}
QUICK = {"margin": 0.5, "delay": 3.0}


@dataclass(frozen=True)
class Run:
    fitted_at: int | None        # first evaluation with training accuracy 100%
    grokked_at: int | None       # first evaluation with validation accuracy >= GROKKED
    val_at_fit: float            # validation accuracy when the training set was first fitted
    best_val: float              # best validation accuracy at any evaluation (early stopping)
    last_val: float
    steps: int


def record(run: Run, step: int, train_acc: float, val_acc: float) -> Run:
    """The run after one more evaluation: the milestones keep their first step, the best is a maximum."""
    fitted = run.fitted_at is None and train_acc == 1.0
    return Run(fitted_at=step if fitted else run.fitted_at,
               grokked_at=step if run.grokked_at is None and val_acc >= GROKKED else run.grokked_at,
               val_at_fit=val_acc if fitted else run.val_at_fit,
               best_val=max(run.best_val, val_acc), last_val=val_acc, steps=step)


def accuracy(net, a, b, c) -> float:
    with torch.no_grad():
        return (net(a, b).argmax(-1) == c).float().mean().item()


def train(weight_decay: float, data, lr: float, cfg: DemoConfig, report: Reporter, first: int, series: str,
          stop_when_grokked: bool):
    """Full-batch AdamW, evaluated every EVAL_EVERY steps: (net, Run)."""
    (train_set, val_set) = data
    torch.manual_seed(cfg.seed)                            # the same initialisation for both arms
    net = ModularMLP(P).to(cfg.device)
    opt = torch.optim.AdamW(net.parameters(), lr=lr, betas=BETAS, weight_decay=weight_decay)
    run = Run(None, None, 0.0, 0.0, 0.0, 0)
    for i in range(1, cfg.steps + 1):
        loss = F.cross_entropy(net(*train_set[:2]), train_set[2])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if i % EVAL_EVERY:
            continue
        acc, val = accuracy(net, *train_set), accuracy(net, *val_set)
        report.progress(first + i - 1, series=series, loss=loss.item(), acc=acc, val_acc=val)
        run = record(run, i, acc, val)
        if stop_when_grokked and run.grokked_at is not None:
            return net, run
    return net, replace(run, steps=cfg.steps)


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    need, lr = (QUICK, QUICK_LR) if cfg.quick else (FULL, LR)
    data = tuple(tuple(t.to(cfg.device) for t in part)
                 for part in split(P, TRAIN_FRACTION, torch.Generator().manual_seed(cfg.seed)))
    flush = torch.set_flush_denormal(True)   # a fitted net's gradients underflow; denormals are 2x slower
    report.start(total=2 * cfg.steps, series=["weight decay 1", "no weight decay"])
    report.say(f"a + b (mod {P}): {len(data[0][2])} training and {len(data[1][2])} validation equations; "
               f"MLP with {count_parameters(ModularMLP(P)):,} parameters; full-batch AdamW lr {lr:g}, "
               f"budget {cfg.steps} steps per arm")
    try:
        _, decay = train(WEIGHT_DECAY, data, lr, cfg, report, 1, "weight decay 1", stop_when_grokked=True)
        _, plain = train(0.0, data, lr, cfg, report, 1 + cfg.steps, "no weight decay", stop_when_grokked=False)
    finally:
        if flush:
            torch.set_flush_denormal(False)
    for name, r in (("weight decay 1", decay), ("no weight decay", plain)):
        report.say(f"  {name:>15}: train 100% at step {r.fitted_at or '-'} (validation then {r.val_at_fit:.1%}), "
                   f"validation >= {GROKKED:.0%} at step {r.grokked_at or f'> {r.steps}'}, "
                   f"best validation {r.best_val:.1%}")

    grokked_val = decay.last_val if decay.grokked_at else decay.best_val
    margin = grokked_val - plain.best_val
    delay = decay.grokked_at / decay.fitted_at if decay.grokked_at and decay.fitted_at else float("nan")
    reproduced = (decay.grokked_at is not None and delay >= need["delay"] and plain.fitted_at is not None
                  and plain.best_val < GROKKED and margin >= need["margin"])
    return Claim(
        text=(f"with weight decay validation reached {grokked_val:.1%} at step {decay.grokked_at or '-'}, "
              f"{delay:.1f}x after training accuracy hit 100% at step {decay.fitted_at or '-'} "
              f"(need >= {need['delay']:g}x); without weight decay (train 100% at step {plain.fitted_at or '-'}) "
              f"the best validation in {cfg.steps} steps was {plain.best_val:.1%} (need < {GROKKED:.0%}): "
              f"margin {margin * 100:.1f} points (need >= {need['margin'] * 100:g})"),
        measured=margin,
        threshold=need["margin"],
        reproduced=reproduced,
    )


if __name__ == "__main__":
    main(run, __file__)
