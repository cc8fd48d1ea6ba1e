"""The references zero-shot CLIP is measured against: a supervised linear probe and per-attribute classifiers.

The linear probe (the paper's Sec. 3.2 protocol, in small) is L2-regularised multinomial logistic regression
on the frozen image features I_f, fitted with labels of every class, the held-out pairs included; its L2
strength is chosen on a validation split. It shows what the features allow when labels are given.

The per-attribute baseline is the strongest cheap zero-shot rival we know: the same CNN trained with
three softmax heads (shape, colour, position) on the pretraining images, whose captions state exactly
those labels. At test time its three arg-maxes compose a class, including pairs it never saw.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.schedules import cosine_after_hold
from implementations.adamw.optim import AdamW

from . import data
from .model import CLIPConfig, ImageEncoder

PROBE_L2 = (1e-4, 1e-3, 1e-2)


def fit_logistic_regression(x: Tensor, y: Tensor, classes: int, l2: float, steps: int = 300) -> nn.Linear:
    """Multinomial logistic regression, mean CE + l2 |W|^2, full-batch Adam (the problem is convex)."""
    head = nn.Linear(x.shape[1], classes).to(x.device, x.dtype)
    opt = AdamW(head.parameters(), lr=0.05)
    for step in range(steps):
        opt.lr = 0.05 * cosine_after_hold(step, steps, steps // 2)
        loss = F.cross_entropy(head(x), y) + l2 * head.weight.square().sum()
        loss.backward()
        opt.step()
    return head


def linear_probe(train_x: Tensor, train_y: Tensor, valid_x: Tensor, valid_y: Tensor,
                 classes: int, steps: int = 300) -> tuple[nn.Module, float]:
    """Standardise the features, pick the L2 strength on validation, refit on train + validation."""
    mean, std = train_x.mean(0), train_x.std(0) + 1e-6
    scores = {}
    for l2 in PROBE_L2:
        head = fit_logistic_regression((train_x - mean) / std, train_y, classes, l2, steps)
        with torch.no_grad():
            scores[l2] = (head((valid_x - mean) / std).argmax(1) == valid_y).double().mean().item()
    l2 = max(scores, key=scores.get)
    head = fit_logistic_regression((torch.cat([train_x, valid_x]) - mean) / std, torch.cat([train_y, valid_y]),
                                   classes, l2, steps)
    return nn.Sequential(Standardise(mean, std), head), l2


class Standardise(nn.Module):
    def __init__(self, mean: Tensor, std: Tensor) -> None:
        super().__init__()
        self.register_buffer("mean", mean)
        self.register_buffer("std", std)

    def forward(self, x: Tensor) -> Tensor:
        return (x - self.mean) / self.std


class AttributeClassifier(nn.Module):
    """CLIP's image encoder with one linear head per attribute."""

    def __init__(self, cfg: CLIPConfig) -> None:
        super().__init__()
        self.encoder = ImageEncoder(cfg)
        self.heads = nn.ModuleList(nn.Linear(cfg.channels[1], k)
                                   for k in (len(data.SHAPES), len(data.COLOURS), len(data.POSITIONS)))

    def forward(self, images: Tensor) -> list[Tensor]:
        features = self.encoder(images)
        return [head(features) for head in self.heads]

    def loss(self, images: Tensor, labels: Tensor) -> Tensor:
        return sum(F.cross_entropy(logits, target) for logits, target in zip(self(images), data.attributes(labels)))

    @torch.no_grad()
    def predict(self, images: Tensor) -> Tensor:
        """The composed class: each attribute's arg-max, independently."""
        shape, colour, position = (logits.argmax(1) for logits in self(images))
        return (shape * len(data.COLOURS) + colour) * len(data.POSITIONS) + position
