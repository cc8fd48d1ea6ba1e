"""Demo: a same-size CNN beats ViT on little data, by less on more (Dosovitskiy et al. 2020, Sec. 4.2, Fig. 4, in miniature).

A ViT and a CNN of the same parameter count are trained with the same recipe
and the same number of steps on two random subsets of sklearn's 8x8 training
digits, as Fig. 4 trains on random subsets of JFT-300M:

- small: 10 training images per class (100);
- large: all 1437 training images, 14x as many.

Both are scored on 360 held-out test images that never enter training. The
claim is about the gap, CNN accuracy minus ViT accuracy: clear on small data,
smaller on large. It does not reverse at this scale, and the ratio of the two
error rates does not shrink (the demo prints it): ViT gains more points, but
the CNN's error falls as fast as ViT's.
"""

from __future__ import annotations

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from tracker.demo_protocol import Reporter

from .data import digit_split, per_class_subset
from .model import SmallCNN, ViT, ViTConfig
from .training import accuracy, train

VIT = ViTConfig(image_size=8, channels=1, patch=2, dim=32, depth=2, heads=4, mlp_dim=64, classes=10)
CNN_WIDTH = 28  # 18,154 parameters against the ViT's 18,218
PER_CLASS = 10  # the small regime: 100 training images
BATCH = 32
WEIGHT_DECAY = 0.05
# Peak learning rate per model and regime: the best on the validation split (data.digit_split(validation=True),
# seed 0; ties to the lower rate) of the grids the README lists
LR = {("ViT", "small"): 1e-2, ("ViT", "large"): 3e-3, ("CNN", "small"): 2e-2, ("CNN", "large"): 2e-2}
# Claim: CNN - ViT >= SMALL_GAP on the small set, and the gap is at least SHRINK smaller on the large one.
# The first threshold for the large set, a gap <= 3 points, held on 3 of 5 seeds only (README); not claimed.
SMALL_GAP, SHRINK = 0.05, 0.02
QUICK_SHRINK = 0.01  # --quick, 300 steps: the ViT is far from trained on 1437 images (83-94%)


def make(name: str) -> torch.nn.Module:
    return ViT(VIT) if name == "ViT" else SmallCNN(CNN_WIDTH)


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    series = [f"{model}, {regime}" for regime in ("small", "large") for model in ("CNN", "ViT")]
    report.start(total=len(series) * cfg.steps, series=series)
    x_pool, y_pool, x_test, y_test = (t.to(cfg.device) for t in digit_split())
    subset = per_class_subset(y_pool.cpu(), PER_CLASS, torch.Generator().manual_seed(cfg.seed)).to(cfg.device)
    regimes = {"small": (x_pool[subset], y_pool[subset]), "large": (x_pool, y_pool)}
    sizes = {name: count_parameters(make(name)) for name in ("ViT", "CNN")}
    report.say(f"parameters: ViT {sizes['ViT']:,} (patch {VIT.patch}, D {VIT.dim}, L {VIT.depth}, {VIT.heads} heads), "
               f"CNN {sizes['CNN']:,}; {cfg.steps} steps of batch {BATCH} each; {len(y_test)} test images")
    acc: dict[str, float] = {}
    for k, name in enumerate(series):
        model_name, regime = name.split(", ")
        x, y = regimes[regime]
        torch.manual_seed(cfg.seed)
        model = make(model_name).to(cfg.device)
        first = k * cfg.steps

        def on_step(step: int, loss: float, batch_acc: float) -> None:
            report.progress(first + step, series=name, loss=loss, acc=batch_acc)

        train(model, x, y, cfg.steps, BATCH, LR[model_name, regime], WEIGHT_DECAY,
              torch.Generator().manual_seed(cfg.seed), on_step)
        acc[name] = accuracy(model, x_test, y_test)
        report.say(f"{name} ({len(y)} training images): test accuracy {acc[name]:.1%}")

    small = acc["CNN, small"] - acc["ViT, small"]
    large = acc["CNN, large"] - acc["ViT, large"]
    need = QUICK_SHRINK if cfg.quick else SHRINK
    # A model that broke on the large set would fake a shrinking gap: both must gain from the extra data.
    both_gain = all(acc[f"{m}, large"] > acc[f"{m}, small"] for m in ("ViT", "CNN"))
    ratios = [(1 - acc[f"ViT, {r}"]) / max(1 - acc[f"CNN, {r}"], 1e-9) for r in ("small", "large")]
    report.say(f"error rate ViT / CNN: {ratios[0]:.1f}x on the small set, {ratios[1]:.1f}x on the large one")
    return Claim(
        text=(f"CNN minus ViT test accuracy at equal size ({sizes['CNN']:,} vs {sizes['ViT']:,} parameters) and "
              f"steps: {100 * small:+.1f} points with {len(regimes['small'][1])} training images (need >= "
              f"{100 * SMALL_GAP:.0f}), {100 * large:+.1f} with {len(y_pool)}: the gap shrinks by "
              f"{100 * (small - large):.1f} (need >= {100 * need:.0f}); ViT {acc['ViT, small']:.1%} -> "
              f"{acc['ViT, large']:.1%}, CNN {acc['CNN, small']:.1%} -> {acc['CNN, large']:.1%}"
              f"{'' if both_gain else ' (a model got worse with more data: not a valid contest)'}"),
        measured=small - large,
        threshold=need,
        reproduced=both_gain and small >= SMALL_GAP and small - large >= need,
    )


if __name__ == "__main__":
    main(run, __file__)
