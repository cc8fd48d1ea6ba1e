"""Demo: the U-Net's skip connections put object edges where they are; the same network without them cannot.

Both networks are the unpadded U-Net of Fig. 1 at depth 2 (three levels, 8-16-32 channels), trained
alike: the same scenes, batches, rotations, steps, momentum SGD and the weighted loss of eq. 1 with the
border weights of eq. 2. The baseline drops the concatenations and keeps all channels through its
up-convolutions instead, so it has more parameters, not fewer. Each runs at the learning rate that
suited it best on validation scenes. Held-out scenes are scored by boundary IoU (metrics.py): IoU in a
band around the true edges, where coarse features alone cannot say where an edge or a one-pixel
separating line lies. Plain IoU and Otsu's threshold are reported for context.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from implementations._common.demo import Claim, DemoConfig, main
from implementations._common.optim import MomentumSGD
from implementations._common.params import count_parameters
from implementations._common.schedules import cosine_after_hold
from tracker.demo_protocol import Reporter

from . import metrics
from .baselines import otsu_segment
from .data import scenes
from .geometry import center_crop, output_size, receptive_field
from .loss import class_balance, weight_map, weighted_cross_entropy
from .model import UNet

DEPTH, WIDTH, MOMENTUM = 2, 8, 0.9
W0, SIGMA = 10.0, 2.0            # eq. 2; the paper's sigma = 5 px is for cells of ~50 px, ours span ~12
BAND = 1                         # boundary IoU band: within 1 pixel (Chebyshev) of a true edge
LR = {"u-net": 0.05, "no skips": 0.05}
TEST_OFFSET, VALID_OFFSET = 10_000, 5_000


@dataclass(frozen=True)
class Scale:
    tile: int
    train: int
    test: int
    batch: int
    margin: float


DEFAULT = Scale(tile=76, train=192, test=64, batch=8, margin=0.10)
QUICK = Scale(tile=60, train=64, test=32, batch=4, margin=0.05)


def labelled(count: int, scale: Scale, seed: int, w_class: torch.Tensor | None = None):
    """Scenes with the centre-tile masks and eq. 2 weights (w_c from these masks unless given)."""
    images, instances = scenes(count, scale.tile, seed)
    out = output_size(scale.tile, DEPTH)
    masks = center_crop(instances > 0, out, out).long()
    w_class = class_balance(masks) if w_class is None else w_class
    weights = torch.stack([center_crop(weight_map(i, w_class, W0, SIGMA), out, out) for i in instances])
    return images, masks, weights


def train(model: UNet, data, cfg: DemoConfig, scale: Scale, lr: float, report: Reporter, offset: int, name: str):
    images, masks, weights = (t.to(cfg.device) for t in data)
    opt = MomentumSGD(model.parameters(), lr=lr, momentum=MOMENTUM)
    g = torch.Generator().manual_seed(cfg.seed)          # both networks see the same batches
    for step in range(1, cfg.steps + 1):
        idx = torch.randint(len(images), (scale.batch,), generator=g).to(cfg.device)
        turns = int(torch.randint(4, (1,), generator=g))   # a random quarter-turn: labels and weights turn too
        x, y, w = (t[idx].rot90(turns, (-2, -1)) for t in (images, masks, weights))
        opt.lr = lr * cosine_after_hold(step, cfg.steps, cfg.steps // 3)
        loss = weighted_cross_entropy(model(x), y, w)
        loss.backward()
        opt.step()
        report.progress(offset + step, series=name, loss=loss.item())


def scores(pred: torch.Tensor, masks: torch.Tensor) -> tuple[float, float]:
    return metrics.boundary_iou(pred, masks, BAND), metrics.iou(pred, masks)


def contest(cfg: DemoConfig, report: Reporter, eval_offset: int = TEST_OFFSET) -> dict[str, tuple[float, float]]:
    """(boundary IoU, IoU) on held-out scenes for the U-Net, the network without skips, and Otsu."""
    scale = QUICK if cfg.quick else DEFAULT
    data = labelled(scale.train, scale, cfg.seed)
    images, masks, _ = labelled(scale.test, scale, cfg.seed + eval_offset, w_class=torch.ones(2))
    report.start(total=2 * cfg.steps, series=list(LR))
    out = output_size(scale.tile, DEPTH)
    report.say(f"{scale.train} training scenes, {scale.test} held-out; {scale.tile}-px input tiles -> "
               f"{out}-px predicted centre tiles (receptive field {receptive_field(DEPTH)} px)")
    result = {}
    for k, name in enumerate(LR):
        torch.manual_seed(cfg.seed)
        model = UNet(width=WIDTH, depth=DEPTH, skip=name == "u-net").to(cfg.device)
        report.say(f"training {name}: {count_parameters(model)} parameters, lr {LR[name]}")
        train(model, data, cfg, scale, LR[name], report, k * cfg.steps, name)
        with torch.no_grad():
            pred = torch.cat([model(images[i:i + 16].to(cfg.device)).argmax(1).cpu()
                              for i in range(0, len(images), 16)])
        result[name] = scores(pred, masks)
    result["otsu"] = scores(otsu_segment(images, out), masks)
    report.say("held-out scenes:        boundary IoU   IoU")
    for name, (b, i) in result.items():
        report.say(f"  {name:<20} {b:12.3f} {i:7.3f}")
    return result


def run(cfg: DemoConfig, report: Reporter) -> Claim:
    scale = QUICK if cfg.quick else DEFAULT
    result = contest(cfg, report)
    gain = result["u-net"][0] - result["no skips"][0]
    params = {name: count_parameters(UNet(width=WIDTH, depth=DEPTH, skip=name == "u-net")) for name in LR}
    text = (f"skip connections raise held-out boundary IoU (band {BAND} px) from {result['no skips'][0]:.3f} to "
            f"{result['u-net'][0]:.3f}, +{gain:.3f} (need >= {scale.margin:.2f}), with {params['u-net']} parameters "
            f"against the skip-less network's {params['no skips']}; plain IoU {result['u-net'][1]:.3f} vs "
            f"{result['no skips'][1]:.3f}; Otsu {result['otsu'][0]:.3f} / {result['otsu'][1]:.3f}")
    return Claim(text=text, measured=gain, threshold=scale.margin, reproduced=gain >= scale.margin)


if __name__ == "__main__":
    main(run, __file__)
