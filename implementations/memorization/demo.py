"""Demo: nets learn the clean examples first, and regularisation holds off memorising the noisy
ones (Arpit et al. 2017, Sec. 4 and 5, Fig. 8 in miniature).

40% of 1000 training digits get a wrong label. The same 64-512-512-10 net, from the same
initialisation, on the same mini-batches, is trained twice with momentum SGD: plain, and with
dropout (0.2 on the input, 0.5 on the hidden units). Every 100 steps the demo scores, in eval
mode, the accuracy on the clean subset and on the noisy subset against its given (wrong) labels,
which is how much of the noise has been memorised.

The contest is against the memorisation-only view (Zhang et al. 2017 read in its strongest form):
if nets fitted data by memorising examples one by one, the clean and the noisy subsets would be
fitted at the same pace. They are not: the plain net fits 90% of the clean examples several
times sooner than half of the noisy ones. Dropout widens that gap: after the same budget the
plain net has memorised the noise, while the dropout net still fits the clean examples and few
of the noisy ones.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from implementations._common.params import count_parameters
from implementations.dropout.model import mlp
from tracker.demo_protocol import Reporter

from .data import NOISE, noisy_split

BATCH, LR, MOMENTUM, EVAL_EVERY, P_IN, P_HIDDEN = 64, 0.05, 0.9, 100, 0.2, 0.5
CLEAN_FIT, NOISY_FIT = 0.9, 0.5         # "clean learned" and "noise half memorised"
FULL = {"before": 3.0, "widening": 0.3}
QUICK = {"before": 2.0, "widening": 0.2}


@dataclass(frozen=True)
class Curves:
    clean_at: int | None      # first evaluation with clean-subset accuracy >= CLEAN_FIT
    noisy_at: int | None      # first evaluation with noisy-subset accuracy (given labels) >= NOISY_FIT
    clean: float              # at the end of the budget
    noisy: float
    test: float


def subset_accuracy(net, x, labels, mask) -> tuple[float, float]:
    """(accuracy on the examples where ``mask`` is False, on those where it is True), in eval mode."""
    net.eval()
    with torch.no_grad():
        right = net(x).argmax(1) == labels
    return right[~mask].float().mean().item(), right[mask].float().mean().item()


def train(p_in: float, p_hidden: float, data, cfg: DemoConfig, report: Reporter, first: int, series: str):
    """Momentum SGD on random mini-batches of the noisy labels, scored every EVAL_EVERY steps: (net, Curves)."""
    x, labels, noisy, x_test, y_test = data
    torch.manual_seed(cfg.seed)                              # the same initialisation for both arms
    net = mlp(p_in, p_hidden).to(cfg.device)
    opt = MomentumSGD(net.parameters(), LR, MOMENTUM)
    batches = torch.Generator().manual_seed(cfg.seed)        # the same mini-batches for both arms
    clean_at = noisy_at = None
    clean = noisy_acc = 0.0
    for i in range(1, cfg.steps + 1):
        idx = torch.randint(0, len(labels), (BATCH,), generator=batches).to(cfg.device)
        net.train()
        loss = F.cross_entropy(net(x[idx]), labels[idx])
        loss.backward()
        opt.step()
        if i % EVAL_EVERY and i != cfg.steps:
            continue
        clean, noisy_acc = subset_accuracy(net, x, labels, noisy)
        report.progress(first + i - 1, series=series, loss=loss.item(), clean=clean, noisy=noisy_acc)
        if i % EVAL_EVERY == 0:
            clean_at = clean_at or (i if clean >= CLEAN_FIT else None)
            noisy_at = noisy_at or (i if noisy_acc >= NOISY_FIT else None)
    test = subset_accuracy(net, x_test, y_test, torch.zeros(len(y_test), dtype=torch.bool, device=cfg.device))[0]
    return net, Curves(clean_at, noisy_at, clean, noisy_acc, test)


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    need = QUICK if cfg.quick else FULL
    data = tuple(t.to(cfg.device) for t in noisy_split(torch.Generator().manual_seed(cfg.seed)))
    names = ["plain", f"dropout {P_IN:g}/{P_HIDDEN:g}"]
    report.start(total=2 * cfg.steps, series=names)
    report.say(f"{len(data[1])} training digits, {int(data[2].sum())} ({NOISE:.0%}) with a wrong label; MLP "
               f"64-512-512-10 ({count_parameters(mlp()):,} parameters); {cfg.steps} steps per arm")
    _, plain = train(0.0, 0.0, data, cfg, report, 1, names[0])
    _, drop = train(P_IN, P_HIDDEN, data, cfg, report, 1 + cfg.steps, names[1])
    for name, c in zip(names, (plain, drop)):
        report.say(f"  {name:>13}: clean >= {CLEAN_FIT:.0%} at step {c.clean_at or '-'}, noisy >= {NOISY_FIT:.0%} "
                   f"at step {c.noisy_at or f'> {cfg.steps}'}; at the end clean {c.clean:.3f}, noisy {c.noisy:.3f} "
                   f"(memorised), test {c.test:.3f}")

    before = plain.noisy_at / plain.clean_at if plain.noisy_at and plain.clean_at else float("nan")
    widening = (drop.clean - drop.noisy) - (plain.clean - plain.noisy)
    reproduced = (before >= need["before"] and drop.clean_at is not None and widening >= need["widening"])
    return Claim(
        text=(f"plain net: clean subset {CLEAN_FIT:.0%} at step {plain.clean_at or '-'}, noisy subset "
              f"{NOISY_FIT:.0%} memorised at step {plain.noisy_at or '-'}, {before:.1f}x later (need >= "
              f"{need['before']:g}x); after {cfg.steps} steps clean - noisy accuracy is "
              f"{(drop.clean - drop.noisy) * 100:.1f} points with dropout vs {(plain.clean - plain.noisy) * 100:.1f} "
              f"plain: widened by {widening * 100:.1f} points (need >= {need['widening'] * 100:g}; dropout clean "
              f"{CLEAN_FIT:.0%} at step {drop.clean_at or '-'})"),
        measured=widening,
        threshold=need["widening"],
        reproduced=reproduced,
    )


if __name__ == "__main__":
    main(run, __file__)
