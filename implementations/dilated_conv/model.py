"""The context module (Yu & Koltun 2016, Section 3, Table 1), scaled down.

A stack of 3x3 convolutions whose dilation doubles layer after layer, so the
receptive field grows exponentially while the parameter count grows linearly;
each layer is followed by a ReLU ("truncation") and initialised to the
identity, then a 1x1 layer. The paper's basic module uses dilations
1, 1, 2, 4, 8, 16, 1 (receptive field 67x67); the demo uses 1, 2, 4, 8, 1
(33x33) on 24x24 images.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from .dilated import DilatedConv2d

PAPER_DILATIONS = (1, 1, 2, 4, 8, 16, 1)
DEMO_DILATIONS = (1, 2, 4, 8, 1)


def identity_init_(conv: DilatedConv2d) -> None:
    """Section 3: k^b(t, a) = 1[t = 0] 1[a = b] -- each layer starts by passing its input through."""
    with torch.no_grad():
        conv.weight.zero_()
        out_channels, in_channels, k, _ = conv.weight.shape
        for c in range(min(out_channels, in_channels)):
            conv.weight[c, c, k // 2, k // 2] = 1.0
        conv.bias.zero_()


def receptive_field(dilations) -> int:
    """Side of the square receptive field of a stack of 3x3 layers: 1 + 2 * sum of dilations."""
    return 1 + 2 * sum(dilations)


class ContextModule(nn.Module):
    """C channels in, C channels out: 3x3 dilated layers + ReLU, then a 1x1 layer (Table 1)."""

    def __init__(self, channels: int, dilations=DEMO_DILATIONS) -> None:
        super().__init__()
        self.dilations = tuple(dilations)
        self.layers = nn.ModuleList(DilatedConv2d(channels, channels, d) for d in self.dilations)
        self.output = DilatedConv2d(channels, channels, kernel_size=1)
        for conv in [*self.layers, self.output]:
            identity_init_(conv)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        for conv in self.layers:
            x = torch.relu(conv(x))
        return self.output(x)


class DenseLabeller(nn.Module):
    """Per-pixel classifier: 1x1 projection to C channels, the context module, 1x1 to class scores.

    ``dilations`` all 1 gives the undilated baseline with exactly the same parameters.
    """

    def __init__(self, in_channels: int, classes: int, channels: int = 16, dilations=DEMO_DILATIONS) -> None:
        super().__init__()
        self.project = DilatedConv2d(in_channels, channels, kernel_size=1)
        self.context = ContextModule(channels, dilations)
        self.classify = DilatedConv2d(channels, classes, kernel_size=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classify(torch.relu(self.context(torch.relu(self.project(x)))))
