"""Residual (and plain) networks: the ImageNet layouts of He et al. 2015 Table 1 and
the CIFAR-10 6n+2 layout of its Section 4.2."""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from implementations._common.params import count_parameters  # noqa: F401  (re-exported)

from .blocks import BasicBlock, Bottleneck, PreActBlock

IMAGENET_LAYOUTS = {  # Table 1: block type and blocks per stage
    18: (BasicBlock, (2, 2, 2, 2)),
    34: (BasicBlock, (3, 4, 6, 3)),
    50: (Bottleneck, (3, 4, 6, 3)),
    101: (Bottleneck, (3, 4, 23, 3)),
    152: (Bottleneck, (3, 8, 36, 3)),
}


def _stage(block: type[nn.Module], c_in: int, planes: int, blocks: int, stride: int, shortcut) -> tuple[nn.Sequential, int]:
    """One stage: the first unit changes width/resolution, the rest keep them."""
    layers = []
    for i in range(blocks):
        layers.append(block(c_in, planes, stride if i == 0 else 1, shortcut))
        c_in = planes * block.expansion
    return nn.Sequential(*layers), c_in


class ImageNetResNet(nn.Module):
    """conv1 7x7/2 -> 3x3 max pool/2 -> stages conv2_x..conv5_x -> global average pool -> fc."""

    def __init__(self, depth: int = 18, classes: int = 1000, shortcut: str | None = "projection") -> None:
        super().__init__()
        block, counts = IMAGENET_LAYOUTS[depth]
        self.stem = nn.Sequential(
            nn.Conv2d(3, 64, 7, stride=2, padding=3, bias=False), nn.BatchNorm2d(64), nn.ReLU(inplace=True),
            nn.MaxPool2d(3, stride=2, padding=1),
        )
        stages, c_in = [], 64
        for i, (planes, blocks) in enumerate(zip((64, 128, 256, 512), counts)):
            stage, c_in = _stage(block, c_in, planes, blocks, 1 if i == 0 else 2, shortcut)
            stages.append(stage)
        self.stages = nn.Sequential(*stages)
        self.fc = nn.Linear(c_in, classes)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.stages(self.stem(x))
        return self.fc(h.mean(dim=(2, 3)))


class CifarResNet(nn.Module):
    """6n+2 layers (Sec. 4.2): 3x3 conv, 3 stages of n two-conv units (widths w, 2w, 4w,
    feature maps halved per stage), global average pool, fc.

    ``kind`` is "residual" (BasicBlock with option-A shortcuts, as in the paper's
    CIFAR runs), "plain" (the same stack without shortcuts) or "preact" (2016 units).
    """

    def __init__(self, n: int, width: int = 16, classes: int = 10, in_channels: int = 3, kind: str = "residual") -> None:
        super().__init__()
        if kind not in ("residual", "plain", "preact"):
            raise ValueError(f"unknown kind {kind!r}")
        self.depth, self.kind = 6 * n + 2, kind
        block = PreActBlock if kind == "preact" else BasicBlock
        shortcut = None if kind == "plain" else "pad"
        self.conv1 = nn.Conv2d(in_channels, width, 3, padding=1, bias=False)
        # 2016 Sec. 4.1: with pre-activation, the first unit's BN-ReLU does the stem's job,
        # and the last unit is followed by an extra BN-ReLU before pooling.
        self.bn1 = None if kind == "preact" else nn.BatchNorm2d(width)
        stages, c_in = [], width
        for i in range(3):
            stage, c_in = _stage(block, c_in, width * 2 ** i, n, 1 if i == 0 else 2, shortcut)
            stages.append(stage)
        self.stages = nn.Sequential(*stages)
        self.bn_final = nn.BatchNorm2d(c_in) if kind == "preact" else None
        self.fc = nn.Linear(c_in, classes)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")  # He init, as in the paper

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        h = self.conv1(x)
        if self.bn1 is not None:
            h = F.relu(self.bn1(h))
        h = self.stages(h)
        if self.bn_final is not None:
            h = F.relu(self.bn_final(h))
        return self.fc(h.mean(dim=(2, 3)))
