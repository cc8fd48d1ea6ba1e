"""Demo: early stopping (Goodfellow et al. 2016, Secs. 7.8 and Algorithm 7.1), in two halves.

1. Linear least squares: gradient descent from w = 0 with step η, against ridge regression. For
   each of several step counts t, the ridge α whose solution is nearest to w_t is found on a fine
   grid; the claim is that it is within a factor 2 of 1/(η t) over two decades of t.
2. A small net on noisy digits, trained with momentum SGD (``_common.optim``) for the whole
   budget: the parameters the stopping rule returns (best validation accuracy, patience 10
   evaluations) against the parameters at the end of training, by test accuracy.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from tracker.demo_protocol import Reporter

from . import linear
from .net import accuracy, mlp, noisy_digits
from .stopping import EarlyStopping

GD_STEPS = (10, 30, 100, 300)      # 1/(ηt) inside H's spectrum; t = 1000 (at its bottom) is printed, not claimed
OUTSIDE = 1000
ALPHAS = torch.logspace(-6, 2, 801, dtype=torch.float64)       # the grid the nearest ridge is found on
LR_FRACTION = 0.5                                               # η = 0.5 / L
BATCH, LR, MOMENTUM, EVAL_EVERY, PATIENCE = 32, 0.05, 0.9, 25, 10
FULL = {"factor": 2.0, "slope": 0.1, "over_final": 0.03}       # α* within 2x of 1/(ηt); |slope + 1|; test points
QUICK = {"factor": 2.0, "slope": 0.1, "over_final": 0.02}


def linear_half(cfg: DemoConfig, report: Reporter) -> tuple[float, float]:
    """(the worst factor between the nearest ridge α and 1/(ηt) over ``GD_STEPS``, the log-log slope of
    the nearest α against t)."""
    x, y = (t.to(cfg.device) for t in linear.linear_problem(torch.Generator().manual_seed(cfg.seed)))
    eig = torch.linalg.eigvalsh(x.T @ x / len(y))
    lr = LR_FRACTION / eig.max().item()
    path = linear.gradient_descent(x, y, lr, OUTSIDE)
    worst, nearest = 1.0, []
    report.say(f"linear least squares, n {len(y)}, {x.shape[1]} features, H's eigenvalues "
               f"{eig.min().item():.2g}..{eig.max().item():.2g}, η = {lr:.3g}:")
    for t in (*GD_STEPS, OUTSIDE):
        alpha, gap = linear.closest_ridge(x, y, path[t], ALPHAS)
        predicted = 1 / (lr * t)
        factor = max(alpha / predicted, predicted / alpha)
        if t in GD_STEPS:
            nearest.append(alpha)
            worst = max(worst, factor)
        off = linear.ridge(x, y, 4 * predicted), linear.ridge(x, y, predicted / 4)
        report.say(f"  t {t:>5}: nearest ridge α {alpha:.3g}, 1/(ηt) {predicted:.3g} (factor {factor:.2f}); "
                   f"relative gap {gap:.3f}, at 4x / 0.25x that α: "
                   + " / ".join(f"{((w - path[t]).norm() / path[t].norm()).item():.3f}" for w in off)
                   + ("" if t in GD_STEPS else "  (not claimed: 1/(ηt) is at H's smallest eigenvalue)"))
    return worst, log_log_slope(GD_STEPS, nearest)


def log_log_slope(ts, alphas) -> float:
    """The least-squares slope of log α against log t: −1 for α ∝ 1/t."""
    u = torch.tensor(ts, dtype=torch.float64).log()
    v = torch.tensor(alphas, dtype=torch.float64).log()
    u, v = u - u.mean(), v - v.mean()
    return ((u * v).sum() / (u * u).sum()).item()


def net_half(cfg: DemoConfig, report: Reporter) -> tuple[float, float, EarlyStopping]:
    (x, y), val, test = (tuple(t.to(cfg.device) for t in part)
                         for part in noisy_digits(torch.Generator().manual_seed(cfg.seed)))
    torch.manual_seed(cfg.seed)
    net = mlp().to(cfg.device)
    opt = MomentumSGD(net.parameters(), LR, MOMENTUM)
    rule = EarlyStopping(PATIENCE)
    batches = torch.Generator().manual_seed(cfg.seed)
    for i in range(1, cfg.steps + 1):
        idx = torch.randint(0, len(y), (BATCH,), generator=batches).to(cfg.device)
        loss = F.cross_entropy(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        if i % EVAL_EVERY == 0:
            score = accuracy(net, *val)
            rule.update(i, score, net)             # the rule's verdict is recorded; training runs on
            report.progress(i, loss=loss.item(), acc=score)
    final_test, final_train = accuracy(net, *test), accuracy(net, x, y)
    rule.restore(net)
    stopped_test = accuracy(net, *test)
    report.say(f"net on noisy digits, {cfg.steps} steps: training accuracy on the noisy labels at the end "
               f"{final_train:.1%}; the rule (patience {PATIENCE} x {EVAL_EVERY} steps) stopped at step "
               f"{rule.stopped_at or '-'} and returns step {rule.best_step} (validation {rule.best_score:.1%})")
    return stopped_test, final_test, rule


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    report.start(total=cfg.steps)
    worst, slope = linear_half(cfg, report)
    stopped, final, rule = net_half(cfg, report)
    need = QUICK if cfg.quick else FULL
    gain = stopped - final
    return Claim(
        text=(f"linear: the nearest ridge α falls as t^{slope:.2f} (need -1 ± {need['slope']:g}) and is within "
              f"{worst:.2f}x of 1/(ηt) for t = {GD_STEPS[0]}..{GD_STEPS[-1]} (need <= {need['factor']:g}x); net: early stopping (step {rule.best_step}) {stopped:.1%} test "
              f"accuracy against {final:.1%} at step {cfg.steps}: {gain * 100:+.1f} points "
              f"(need >= {need['over_final'] * 100:g})"),
        measured=gain,
        threshold=need["over_final"],
        reproduced=(worst <= need["factor"] and abs(slope + 1) <= need["slope"]
                    and gain >= need["over_final"]),
    )


if __name__ == "__main__":
    main(run, __file__)
