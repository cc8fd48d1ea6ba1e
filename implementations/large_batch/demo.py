"""Demo: the large-batch generalisation gap and sharp minima (Keskar et al. 2017, Table 2 and
Sec. 2.2 in miniature).

The same MLP, from the same initialisation, is trained for the same number of epochs on 500
digits with momentum SGD, once with small mini-batches (32) at one fixed learning rate, and
once full-batch (500), the large-batch arm, at its best learning rate from a grid, chosen on
held-out validation digits: the strongest cheap version of the baseline, since "large batches
just need a larger step" is the first objection to the paper. Both fit the training set. The
claim: the large-batch net ends in a sharper minimum (a larger top eigenvalue of the training
loss's Hessian, by power iteration on Hessian-vector products) and scores worse on the test set.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from implementations._common.params import count_parameters
from tracker.demo_protocol import Reporter

from .data import three_way_split
from .model import mlp
from .sharpness import top_eigenvalue

SMALL_BATCH, SMALL_LR, MOMENTUM, POWER_ITERATIONS, FITTED = 32, 0.1, 0.9, 30, 0.99
LARGE_LR_GRID, QUICK_LARGE_LR_GRID = (0.1, 0.3, 0.5), (0.3, 0.5)
FULL = {"test_gap": 0.01, "sharper": 3.0}         # test-accuracy fraction, ratio of top eigenvalues
QUICK = {"test_gap": 0.005, "sharper": 2.0}


def accuracy(net, x, y) -> float:
    with torch.no_grad():
        return (net(x).argmax(1) == y).float().mean().item()


def mean_loss(net, x, y) -> float:
    with torch.no_grad():
        return F.cross_entropy(net(x), y).item()


def epochs(cfg: DemoConfig) -> int:
    """``--steps`` counts epochs here: the budget both arms share is passes over the data."""
    return cfg.steps


def train(batch: int, lr: float, train_set, cfg: DemoConfig, report: Reporter, first: int, series: str):
    """Momentum SGD for ``epochs(cfg)`` passes over a fresh random order each epoch; a batch of the
    whole set is plain full-batch descent with momentum."""
    x, y = train_set
    torch.manual_seed(cfg.seed)                              # the same initialisation for every arm
    net = mlp().to(cfg.device)
    opt = MomentumSGD(net.parameters(), lr, MOMENTUM)
    order = torch.Generator().manual_seed(cfg.seed)
    for epoch in range(epochs(cfg)):
        for idx in torch.randperm(len(y), generator=order).to(cfg.device).split(batch):
            loss = F.cross_entropy(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
        report.progress(first + epoch, series=series, loss=loss.item())
    return net


def sharpness(net, train_set, seed: int) -> float:
    """λ_max of the Hessian of the mean training loss over the whole training set."""
    x, y = train_set
    return top_eigenvalue(lambda: F.cross_entropy(net(x), y), list(net.parameters()), POWER_ITERATIONS,
                          torch.Generator().manual_seed(seed))


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    need = QUICK if cfg.quick else FULL
    grid = QUICK_LARGE_LR_GRID if cfg.quick else LARGE_LR_GRID
    train_set, val_set, test_set = (tuple(t.to(cfg.device) for t in part)
                                    for part in three_way_split(torch.Generator().manual_seed(cfg.seed)))
    large_batch = len(train_set[1])
    arms = [(SMALL_BATCH, SMALL_LR)] + [(large_batch, lr) for lr in grid]
    names = [f"batch {b} lr {lr:g}" for b, lr in arms]
    report.start(total=len(arms) * epochs(cfg), series=names)
    report.say(f"{large_batch} training, {len(val_set[1])} validation, {len(test_set[1])} test digits; MLP "
               f"{count_parameters(mlp()):,} parameters; {epochs(cfg)} epochs per arm; small batch {SMALL_BATCH} "
               f"at lr {SMALL_LR:g}, full batch at its best lr of {', '.join(f'{v:g}' for v in grid)} on validation")
    results = {}
    for k, (arm, name) in enumerate(zip(arms, names)):
        net = train(*arm, train_set, cfg, report, 1 + k * epochs(cfg), name)
        results[arm] = {"train": accuracy(net, *train_set), "val": accuracy(net, *val_set),
                        "test": accuracy(net, *test_set), "sharpness": sharpness(net, train_set, cfg.seed),
                        "loss": mean_loss(net, *train_set)}
        r = results[arm]
        report.say(f"  {name:>18}: train acc {r['train']:.3f} (loss {r['loss']:.2g})  validation {r['val']:.3f}  "
                   f"test {r['test']:.3f}  top Hessian eigenvalue {r['sharpness']:.3g}")

    small = results[arms[0]]
    chosen = max(arms[1:], key=lambda a: results[a]["val"])
    large = results[chosen]
    gap = small["test"] - large["test"]
    sharper = large["sharpness"] / small["sharpness"] if small["sharpness"] > 0 else float("inf")
    both_fit = small["train"] >= FITTED and large["train"] >= FITTED
    return Claim(
        text=(f"after {epochs(cfg)} epochs, train accuracy batch {SMALL_BATCH} {small['train']:.1%} / full batch "
              f"{large['train']:.1%} (need both >= {FITTED:.0%}); full batch (lr {chosen[1]:g}) top Hessian eigenvalue {large['sharpness']:.3g} vs "
              f"batch {SMALL_BATCH} {small['sharpness']:.3g}, {sharper:.1f}x sharper (need >= {need['sharper']:g}x); "
              f"test {large['test']:.1%} vs {small['test']:.1%}: small batch ahead by {gap * 100:+.1f} points "
              f"(need >= {need['test_gap'] * 100:g})"),
        measured=gap,
        threshold=need["test_gap"],
        reproduced=both_fit and sharper >= need["sharper"] and gap >= need["test_gap"],
    )


if __name__ == "__main__":
    main(run, __file__)
