"""AlexNet as a configurable stack: five convolutional and three fully connected layers (Sec. 3.5, Fig. 2).

``ALEXNET_2012`` is the ImageNet network (227x227 input; conv2, conv4 and conv5
only see the kernels on their own GPU, expressed here as groups=2).
``ALEXNET_DIGITS`` keeps the same shape of network, scaled for 16x16 digits.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

from .layers import Dropout, LocalResponseNorm


@dataclass(frozen=True)
class ConvSpec:
    out_channels: int
    kernel: int
    stride: int = 1
    padding: int = 0
    groups: int = 1
    lrn: bool = False     # response normalisation after the nonlinearity (conv1, conv2; Sec. 3.5)
    pool: bool = False    # overlapping max pooling, 3x3 windows at stride 2 (Sec. 3.4)


@dataclass(frozen=True)
class AlexNetConfig:
    in_channels: int
    image_size: int
    convs: tuple[ConvSpec, ...]
    hidden: tuple[int, ...]     # fully connected hidden layers (fc6, fc7)
    classes: int


ALEXNET_2012 = AlexNetConfig(
    in_channels=3, image_size=227,
    convs=(
        ConvSpec(96, 11, stride=4, lrn=True, pool=True),
        ConvSpec(256, 5, padding=2, groups=2, lrn=True, pool=True),
        ConvSpec(384, 3, padding=1),
        ConvSpec(384, 3, padding=1, groups=2),
        ConvSpec(256, 3, padding=1, groups=2, pool=True),
    ),
    hidden=(4096, 4096), classes=1000,
)

ALEXNET_DIGITS = AlexNetConfig(
    in_channels=1, image_size=16,
    convs=(
        ConvSpec(16, 5, padding=2, lrn=True, pool=True),     # 16x16 -> 7x7
        ConvSpec(32, 5, padding=2, lrn=True, pool=True),     # 7x7 -> 3x3
        ConvSpec(48, 3, padding=1),
        ConvSpec(48, 3, padding=1),
        ConvSpec(32, 3, padding=1, pool=True),               # 3x3 -> 1x1
    ),
    hidden=(128, 128), classes=10,
)

ACTIVATIONS = {"relu": F.relu, "tanh": torch.tanh}   # Sec. 3.1: f(x) = max(0, x) versus tanh(x)


def _pooled(size: int) -> int:
    return (size - 3) // 2 + 1


class AlexNet(nn.Module):
    def __init__(self, config: AlexNetConfig = ALEXNET_DIGITS, activation: str = "relu",
                 dropout: float = 0.5, use_lrn: bool = True) -> None:
        super().__init__()
        self.act = ACTIVATIONS[activation]
        self.convs = nn.ModuleList()
        self.norms = nn.ModuleList()
        self.pools: list[bool] = []
        c, size = config.in_channels, config.image_size
        for spec in config.convs:
            self.convs.append(nn.Conv2d(c, spec.out_channels, spec.kernel, spec.stride, spec.padding, groups=spec.groups))
            self.norms.append(LocalResponseNorm() if spec.lrn and use_lrn else nn.Identity())
            self.pools.append(spec.pool)
            c = spec.out_channels
            size = (size + 2 * spec.padding - spec.kernel) // spec.stride + 1
            size = _pooled(size) if spec.pool else size
        widths = (c * size * size, *config.hidden)
        self.hidden = nn.ModuleList(nn.Linear(a, b) for a, b in zip(widths[:-1], widths[1:]))
        self.dropout = Dropout(dropout)
        self.classifier = nn.Linear(widths[-1], config.classes)

    def features(self, x: torch.Tensor) -> list[torch.Tensor]:
        """Every layer's neurons (conv layers before pooling), as the paper counts them, then the logits."""
        outputs = []
        for conv, norm, pool in zip(self.convs, self.norms, self.pools):
            x = norm(self.act(conv(x)))
            outputs.append(x)
            if pool:
                x = F.max_pool2d(x, kernel_size=3, stride=2)     # z = 3 > s = 2: overlapping
        x = x.flatten(1)
        for layer in self.hidden:
            x = self.dropout(self.act(layer(x)))   # Sec. 4.2: drop the outputs of fc6 and fc7
            outputs.append(x)
        outputs.append(self.classifier(x))
        return outputs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.features(x)[-1]


def init_like_paper(net: AlexNet, reference: AlexNetConfig = ALEXNET_2012) -> None:
    """Sec. 5: weights ~ N(0, 0.01^2); biases 1 in conv2, conv4, conv5 and the hidden fc
    layers ("provides the ReLUs with positive inputs"), 0 elsewhere.

    A scaled-down net has smaller fan-ins, so std 0.01 would give it much weaker
    layers than the paper's. Each layer's std is instead 0.01 * sqrt(F_ref / F),
    F the fan-in, which keeps every layer's gain (std x sqrt(fan-in)) equal to
    that of the matching layer of the 2012 network.
    """
    with torch.device("meta"):
        ref = AlexNet(reference)
    ours = [*net.convs, *net.hidden, net.classifier]
    theirs = [*ref.convs, *ref.hidden, ref.classifier]
    if len(ours) != len(theirs):
        raise ValueError("the two configurations need the same number of layers")
    ones = {1, 3, 4} | {len(net.convs) + i for i in range(len(net.hidden))}
    with torch.no_grad():
        for i, (layer, ref_layer) in enumerate(zip(ours, theirs)):
            fan_in, ref_fan_in = layer.weight[0].numel(), ref_layer.weight[0].numel()
            layer.weight.normal_(0.0, 0.01 * (ref_fan_in / fan_in) ** 0.5)
            layer.bias.fill_(1.0 if i in ones else 0.0)
