"""Demo: on a dense labelling task that needs wide context, a dilated context module beats the same stack undilated."""

from __future__ import annotations

import torch
import torch.nn.functional as F

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.params import count_parameters
from tracker.demo_protocol import Reporter

from .model import DEMO_DILATIONS, DenseLabeller, receptive_field
from .task import marker_images

SIZE = 24
CLASSES = 3
CHANNELS = 8
BATCH = 16
LR = 5e-3
TEST_IMAGES = 100
MARGIN = 0.15   # dilated per-pixel accuracy must beat the undilated one by 15 points


def train(model, cfg: DemoConfig, report: Reporter, offset: int, name: str) -> None:
    data = torch.Generator().manual_seed(cfg.seed)   # both models see the same images
    opt = torch.optim.Adam(model.parameters(), lr=LR)
    for step in range(1, cfg.steps + 1):
        x, y = marker_images(BATCH, SIZE, CLASSES, data)
        scores = model(x.to(cfg.device))
        loss = F.cross_entropy(scores, y.to(cfg.device))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        acc = (scores.argmax(1) == y.to(cfg.device)).float().mean()
        report.progress(offset + step, series=name, loss=loss.item(), acc=acc.item())


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    plain_dilations = (1,) * len(DEMO_DILATIONS)
    models = {}
    for name, dilations in (("dilated", DEMO_DILATIONS), ("undilated", plain_dilations)):
        torch.manual_seed(cfg.seed)   # identical initial weights (the 1x1 layers are the only random ones)
        models[name] = DenseLabeller(CLASSES, CLASSES, CHANNELS, dilations).to(cfg.device)
    n_params = {name: count_parameters(m) for name, m in models.items()}
    report.say(f"{SIZE}x{SIZE} images, 2-4 markers of {CLASSES} classes; label = class of the nearest marker")
    report.say(f"dilated {DEMO_DILATIONS}: receptive field {receptive_field(DEMO_DILATIONS)}x{receptive_field(DEMO_DILATIONS)}, "
               f"undilated: {receptive_field(plain_dilations)}x{receptive_field(plain_dilations)}; "
               f"parameters {n_params['dilated']} vs {n_params['undilated']}")
    report.start(total=2 * cfg.steps, series=list(models))
    for k, (name, model) in enumerate(models.items()):
        report.say(f"training {name}")
        train(model, cfg, report, k * cfg.steps, name)

    x, y = marker_images(TEST_IMAGES, SIZE, CLASSES, torch.Generator().manual_seed(cfg.seed + 10_000))
    distance = nearest_marker_distance(x)
    accuracy, by_distance = {}, {}
    with torch.no_grad():
        for name, model in models.items():
            correct = (model(x.to(cfg.device)).argmax(1).cpu() == y).float()
            accuracy[name] = correct.mean().item()
            by_distance[name] = [correct[(distance >= lo) & (distance < hi)].mean().item() for lo, hi in BANDS]
    report.say("held-out per-pixel accuracy by distance to the nearest marker (pixels):")
    report.say("  " + " " * 10 + "".join(f"{f'{lo}-{hi}':>8}" for lo, hi in BANDS) + "     all")
    for name in models:
        report.say(f"  {name:<10}" + "".join(f"{100 * a:8.1f}" for a in by_distance[name]) + f"{100 * accuracy[name]:8.1f}")

    threshold = accuracy["undilated"] + MARGIN
    text = (f"dilated per-pixel accuracy {100 * accuracy['dilated']:.1f}% >= undilated {100 * accuracy['undilated']:.1f}% "
            f"+ {100 * MARGIN:.0f} points = {100 * threshold:.1f}% (same {n_params['dilated']} parameters)")
    return Claim(text=text, measured=accuracy["dilated"], threshold=threshold, reproduced=accuracy["dilated"] >= threshold)


BANDS = ((0, 4), (4, 8), (8, 12), (12, 100))


def nearest_marker_distance(images: torch.Tensor) -> torch.Tensor:
    """(B, H, W) Chebyshev distance from each pixel to the nearest marker pixel (any class)."""
    marker = images.max(1).values > 0.5                                  # marker pixels carry +1 over weak noise
    size = images.shape[-1]
    coords = torch.stack(torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij"), -1).view(-1, 2)
    out = torch.empty(images.shape[0], size, size)
    for b in range(images.shape[0]):
        points = coords[marker[b].view(-1)]
        out[b] = (coords[:, None, :] - points[None]).abs().amax(-1).amin(-1).view(size, size).float()
    return out


if __name__ == "__main__":
    main(run, __file__)
