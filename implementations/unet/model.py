"""The U-Net (Ronneberger, Fischer & Brox 2015, Sec. 2 and Fig. 1), and the same network without its skips.

Contracting path: at each level two unpadded 3x3 convolutions, each followed
by a ReLU, then 2x2 max-pooling with stride 2; the channel count doubles at
each level. Expansive path: a 2x2 up-convolution (transposed convolution,
stride 2) that halves the channels, concatenation with the centre crop of the
contracting path's map at that level (the crop is needed because every
unpadded convolution loses border pixels), two 3x3 convolutions with ReLUs.
A final 1x1 convolution maps to class scores a_k(x); the softmax
p_k(x) = exp(a_k(x)) / sum_k' exp(a_k'(x)) is taken in the loss.

``skip=False`` is the contest's baseline: the same encoder and decoder
without the concatenation. So as not to shrink it, its up-convolutions keep
all the channels they receive, and the decoder's convolutions then see as
many channels as the U-Net's do: the same layers, larger up-convolutions,
more parameters in all.

Weights start from N(0, 2 / N), N = k * k * C_in the inputs of one unit
(Sec. 3, the "MSRA" scale of He et al. 2015); an up-convolution's unit sees
one pixel of every input channel, so N = C_in there. Biases start at zero.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from .geometry import center_crop, check_input_size


def double_conv(c_in: int, c_out: int) -> nn.Sequential:
    """(3x3 valid conv, ReLU) x 2: a map loses 4 pixels of side."""
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3), nn.ReLU(), nn.Conv2d(c_out, c_out, 3), nn.ReLU())


class UNet(nn.Module):
    def __init__(self, in_channels: int = 1, classes: int = 2, width: int = 8, depth: int = 2,
                 skip: bool = True) -> None:
        super().__init__()
        self.depth, self.skip = depth, skip
        channels = [width * 2 ** level for level in range(depth + 1)]   # doubling at every level
        self.down = nn.ModuleList()
        c_prev = in_channels
        for c in channels:
            self.down.append(double_conv(c_prev, c))
            c_prev = c
        self.pool = nn.MaxPool2d(2)
        self.upconv, self.up = nn.ModuleList(), nn.ModuleList()
        for c in reversed(channels[:-1]):          # c_prev = 2c coming up from the level below
            self.upconv.append(nn.ConvTranspose2d(c_prev, c if skip else 2 * c, 2, stride=2))
            self.up.append(double_conv(2 * c, c))  # 2c inputs: c cropped + c up-convolved, or 2c up-convolved
            c_prev = c
        self.head = nn.Conv2d(c_prev, classes, 1)
        for m in self.modules():
            if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d)):
                # a conv unit sees k * k * C_in inputs; an up-conv unit (kernel = stride = 2) sees one pixel of C_in
                fan_in = m.weight[0].numel() if isinstance(m, nn.Conv2d) else m.weight.shape[0]
                nn.init.normal_(m.weight, std=math.sqrt(2 / fan_in))
                nn.init.zeros_(m.bias)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """(B, C, s, s) -> class scores (B, classes, o, o), o = geometry.output_size(s, depth) < s."""
        check_input_size(x.shape[-1], self.depth)
        check_input_size(x.shape[-2], self.depth)
        kept = []
        for level, block in enumerate(self.down):
            x = block(x)
            if level < self.depth:
                kept.append(x)
                x = self.pool(x)
        for upconv, block, skipped in zip(self.upconv, self.up, reversed(kept)):
            x = upconv(x)
            if self.skip:
                x = torch.cat([center_crop(skipped, x.shape[-2], x.shape[-1]), x], dim=1)
            x = block(x)
        return self.head(x)
