"""Demo: CNNs win on small data, ViT catches up with more (Dosovitskiy et al. 2020, Sec. 4.2, Fig. 3-4, in miniature).

A ViT and a CNN of the same parameter count are trained with the same recipe
and the same number of steps on two random subsets of sklearn's 8x8 training
digits, as Fig. 4 trains on random subsets of JFT-300M:

- small: 20 training images per class (200);
- large: all 1437 training images, 7x as many.

Both are scored on 360 held-out test images that never enter training. The
claim is about the gap, CNN accuracy minus ViT accuracy: clear on small data,
small (or reversed) on large.
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
PER_CLASS = 20  # the small regime: 200 training images
BATCH, QUICK_BATCH = 32, 16
# (peak learning rate, weight decay) per model, chosen on the validation split (data.digit_split(validation=True))
RECIPE = {"ViT": (3e-3, 0.05), "CNN": (2e-2, 0.05)}
SMALL_GAP, LARGE_GAP = 0.05, 0.03  # claim: CNN - ViT >= SMALL_GAP on small data and <= LARGE_GAP on large
QUICK_SMALL_GAP, QUICK_LARGE_GAP = 0.03, 0.06


def make(name: str) -> torch.nn.Module:
    return ViT(VIT) if name == "ViT" else SmallCNN(CNN_WIDTH)


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    series = [f"{model}, {regime}" for regime in ("small", "large") for model in ("CNN", "ViT")]
    report.start(total=len(series) * cfg.steps, series=series)
    x_pool, y_pool, x_test, y_test = (t.to(cfg.device) for t in digit_split())
    subset = per_class_subset(y_pool.cpu(), PER_CLASS, torch.Generator().manual_seed(cfg.seed)).to(cfg.device)
    regimes = {"small": (x_pool[subset], y_pool[subset]), "large": (x_pool, y_pool)}
    batch = QUICK_BATCH if cfg.quick else BATCH
    sizes = {name: count_parameters(make(name)) for name in RECIPE}
    report.say(f"parameters: ViT {sizes['ViT']:,} (patch {VIT.patch}, D {VIT.dim}, L {VIT.depth}, {VIT.heads} heads), "
               f"CNN {sizes['CNN']:,}; {cfg.steps} steps of batch {batch} each; {len(y_test)} test images")
    acc: dict[str, float] = {}
    for k, name in enumerate(series):
        model_name, regime = name.split(", ")
        x, y = regimes[regime]
        torch.manual_seed(cfg.seed)
        model = make(model_name).to(cfg.device)
        lr, wd = RECIPE[model_name]
        first = k * cfg.steps

        def on_step(step: int, loss: float, batch_acc: float) -> None:
            report.progress(first + step, series=name, loss=loss, acc=batch_acc)

        train(model, x, y, cfg.steps, batch, lr, wd, torch.Generator().manual_seed(cfg.seed), on_step)
        acc[name] = accuracy(model, x_test, y_test)
        report.say(f"{name} ({len(y)} training images): test accuracy {acc[name]:.1%}")

    small = acc["CNN, small"] - acc["ViT, small"]
    large = acc["CNN, large"] - acc["ViT, large"]
    need_small, need_large = (QUICK_SMALL_GAP, QUICK_LARGE_GAP) if cfg.quick else (SMALL_GAP, LARGE_GAP)
    return Claim(
        text=(f"CNN minus ViT test accuracy at equal size ({sizes['CNN']:,} vs {sizes['ViT']:,} parameters) and steps: "
              f"{100 * small:+.1f} points with {len(regimes['small'][1])} training images (need >= "
              f"{100 * need_small:.0f}), {100 * large:+.1f} with {len(y_pool)} (need <= {100 * need_large:.0f}); "
              f"ViT {acc['ViT, small']:.1%} -> {acc['ViT, large']:.1%}, CNN {acc['CNN, small']:.1%} -> "
              f"{acc['CNN, large']:.1%}"),
        measured=large,
        threshold=need_large,
        reproduced=small >= need_small and large <= need_large,
    )


if __name__ == "__main__":
    main(run, __file__)
