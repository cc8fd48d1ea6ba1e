"""Demo: dropout against the plain net and against the same net with tuned L2 (Srivastava et al.
2014, Sec. 6 and Table 9 in miniature), on a small noisy task.

The same 64-512-512-10 net (about 300k parameters for 300 examples, 30% of them mislabelled) is
trained with momentum SGD on the same mini-batches: plain, with L2 weight decay at each value of
a grid, and with dropout at each value of a grid. Each family's setting is chosen on the clean
validation digits; the claim compares the chosen models' test accuracies.

Claimed: dropout beats the plain net by a wide margin and is level with tuned L2. Not reproduced
at this scale (see the README): the paper's win over tuned L2; here the two are within about
2 points of each other, either way round.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from tracker.demo_protocol import Reporter

from .data import noisy_digits
from .model import mlp

BATCH, LR, MOMENTUM, P_IN = 32, 0.05, 0.9, 0.2
L2_GRID, QUICK_L2_GRID = (1e-3, 1e-2, 3e-2, 1e-1), (1e-2, 3e-2)
DROPOUT_GRID, QUICK_DROPOUT_GRID = (0.3, 0.5), (0.5,)
FULL = {"over_plain": 0.05, "level_with_l2": 0.02}   # test-accuracy fractions
QUICK = {"over_plain": 0.02, "level_with_l2": 0.04}


def accuracy(net, x, y) -> float:
    net.eval()
    with torch.no_grad():
        return (net(x).argmax(1) == y).float().mean().item()


def train(arm: tuple[str, float], data, cfg: DemoConfig, report: Reporter, first: int, series: str):
    (x, y), _, _ = data
    kind, value = arm
    torch.manual_seed(cfg.seed)                          # the same initialisation for every arm
    net = mlp(P_IN, value) if kind == "dropout" else mlp()
    net.to(cfg.device)
    opt = MomentumSGD(net.parameters(), LR, MOMENTUM, weight_decay=value if kind == "l2" else 0.0)
    batches = torch.Generator().manual_seed(cfg.seed)
    for i in range(cfg.steps):
        idx = torch.randint(0, len(y), (BATCH,), generator=batches).to(cfg.device)
        net.train()
        loss = F.cross_entropy(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        report.progress(first + i, series=series, loss=loss.item())
    return net


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    data = tuple(tuple(t.to(cfg.device) for t in part) for part in noisy_digits(torch.Generator().manual_seed(cfg.seed)))
    l2_grid = QUICK_L2_GRID if cfg.quick else L2_GRID
    drop_grid = QUICK_DROPOUT_GRID if cfg.quick else DROPOUT_GRID
    arms = [("plain", 0.0)] + [("l2", v) for v in l2_grid] + [("dropout", p) for p in drop_grid]
    names = [kind if kind == "plain" else f"{kind} {v:g}" for kind, v in arms]
    report.start(total=len(arms) * cfg.steps, series=names)
    report.say(f"300 training digits, 30% random labels; {cfg.steps} steps per arm; "
               f"dropout p_in = {P_IN}, p_hidden from the grid; chosen on 300 clean validation digits")
    scores = {}
    for k, (arm, name) in enumerate(zip(arms, names)):
        net = train(arm, data, cfg, report, 1 + k * cfg.steps, name)
        scores[arm] = (accuracy(net, *data[1]), accuracy(net, *data[2]))
        report.say(f"  {name:>12}: validation {scores[arm][0]:.3f}  test {scores[arm][1]:.3f}")

    def chosen(kind: str) -> tuple[str, float]:
        return max((a for a in arms if a[0] == kind), key=lambda a: scores[a][0])
    plain, l2, drop = ("plain", 0.0), chosen("l2"), chosen("dropout")
    over_plain = scores[drop][1] - scores[plain][1]
    over_l2 = scores[drop][1] - scores[l2][1]
    need = QUICK if cfg.quick else FULL
    return Claim(
        text=(f"test accuracy: dropout (p = {drop[1]:g}) {scores[drop][1]:.1%}, plain {scores[plain][1]:.1%}: "
              f"+{over_plain * 100:.1f} points (need >= {need['over_plain'] * 100:g}); tuned L2 (chosen {l2[1]:g}) "
              f"{scores[l2][1]:.1%}: dropout {over_l2 * 100:+.1f} points (level: need >= "
              f"-{need['level_with_l2'] * 100:g}; a win over L2 is not claimed)"),
        measured=over_plain,
        threshold=need["over_plain"],
        reproduced=over_plain >= need["over_plain"] and over_l2 >= -need["level_with_l2"],
    )


if __name__ == "__main__":
    main(run, __file__)
