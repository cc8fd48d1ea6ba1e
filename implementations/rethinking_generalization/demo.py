"""Demo: the same net fits random labels (Zhang et al. 2017, Sec. 2 and Fig. 1a in miniature).

An MLP 1x512 is trained twice from the same initialisation on the same images with the same
optimiser, once on the true labels and once on random labels, until it classifies every training
example correctly. The random-label run gets there too, more slowly, and scores chance on the
test set; the true-label run generalises. No regulariser is used: the paper's point is that
the net's capacity, not the data or the optimiser, makes fitting noise possible.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from implementations._common.params import count_parameters
from tracker.demo_protocol import Reporter

from .data import N_CLASSES, random_labels, split_digits
from .model import mlp_1x512

N_TRAIN, QUICK_N_TRAIN = 1000, 300
BATCH, LR, MOMENTUM, EVAL_EVERY = 64, 0.1, 0.9, 50
FULL = {"fit": 1.0, "slower": 2.0, "chance_band": 0.05, "true_test": 0.9}
QUICK = {"fit": 0.95, "slower": 1.5, "chance_band": 0.08, "true_test": 0.85}


def accuracy(net, x, y) -> float:
    with torch.no_grad():
        return (net(x).argmax(1) == y).float().mean().item()


def train_until_fit(x, y, fit: float, cfg: DemoConfig, report: Reporter, first: int, series: str):
    """Momentum SGD until the training accuracy reaches ``fit`` (or the budget ends): (net, steps)."""
    torch.manual_seed(cfg.seed)                          # the same initialisation for both runs
    net = mlp_1x512(x.shape[1], N_CLASSES).to(cfg.device)
    opt = MomentumSGD(net.parameters(), LR, MOMENTUM)
    batches = torch.Generator().manual_seed(cfg.seed)
    for i in range(1, cfg.steps + 1):
        idx = torch.randint(0, len(y), (BATCH,), generator=batches).to(cfg.device)
        loss = F.cross_entropy(net(x[idx]), y[idx])
        loss.backward()
        opt.step()
        if i % EVAL_EVERY:
            report.progress(first + i - 1, series=series, loss=loss.item())
            continue
        acc = accuracy(net, x, y)
        report.progress(first + i - 1, series=series, loss=loss.item(), acc=acc)
        if acc >= fit:
            return net, i
    return net, None


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    need = QUICK if cfg.quick else FULL
    gen = torch.Generator().manual_seed(cfg.seed)
    x_tr, y_tr, x_te, y_te = split_digits(QUICK_N_TRAIN if cfg.quick else N_TRAIN, gen)
    y_random = random_labels(len(y_tr), gen)
    x_tr, y_tr, x_te, y_te, y_random = (t.to(cfg.device) for t in (x_tr, y_tr, x_te, y_te, y_random))
    report.start(total=2 * cfg.steps, series=["true labels", "random labels"])
    report.say(f"MLP 1x512 ({count_parameters(mlp_1x512()):,} parameters), {len(y_tr)} training digits, "
               f"{len(y_te)} test digits; train until training accuracy >= {need['fit']:.0%} (budget {cfg.steps})")
    results = {}
    for k, (name, labels) in enumerate((("true labels", y_tr), ("random labels", y_random))):
        net, steps = train_until_fit(x_tr, labels, need["fit"], cfg, report, 1 + k * cfg.steps, name)
        results[name] = (accuracy(net, x_tr, labels), steps, accuracy(net, x_te, y_te))
        train_acc, steps, test_acc = results[name]
        report.say(f"  {name:>13}: train acc {train_acc:.3f} after {steps or f'> {cfg.steps}'} steps, "
                   f"test acc (true test labels) {test_acc:.3f}")

    true_train, true_steps, true_test = results["true labels"]
    rand_train, rand_steps, rand_test = results["random labels"]
    slower = (rand_steps / true_steps) if rand_steps and true_steps else float("nan")
    at_chance = abs(rand_test - 1 / N_CLASSES) <= need["chance_band"]
    reproduced = (rand_train >= need["fit"] and true_train >= need["fit"] and slower >= need["slower"]
                  and at_chance and true_test >= need["true_test"])
    return Claim(
        text=(f"random labels fitted to {rand_train:.1%} train accuracy (need >= {need['fit']:.0%}), "
              f"{slower:.1f}x slower than true labels (need >= {need['slower']:g}x), test {rand_test:.1%} "
              f"(chance 10% +- {need['chance_band']:.0%}); true labels test {true_test:.1%} "
              f"(need >= {need['true_test']:.0%})"),
        measured=rand_train,
        threshold=need["fit"],
        reproduced=reproduced,
    )


if __name__ == "__main__":
    main(run, __file__)
