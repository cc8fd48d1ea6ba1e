"""Residual units: basic and bottleneck (He et al. 2015), pre-activation (He et al. 2016).

2015, eq. (1):  y = F(x, {W_i}) + x         identity shortcut
2015, eq. (2):  y = F(x, {W_i}) + W_s x     projection shortcut when shapes differ
then a ReLU after the addition. 2016, eq. (1)-(2) write a unit as
y_l = h(x_l) + F(x_l, W_l), x_{l+1} = f(y_l); pre-activation makes f the identity
(BN and ReLU move into F, before each convolution), so x_{l+1} = x_l + F(x_l).

``shortcut`` picks the 2015 paper's options (Sec. 3.3 / 4.1):
  "projection"  1x1 conv (+ BN) when the shape changes (option B; torchvision's choice)
  "pad"         stride-2 subsampling + zero channels, parameter-free (option A, CIFAR)
  None          no shortcut at all: the *plain* network of the same depth
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def conv3x3(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, 3, stride=stride, padding=1, bias=False)


def conv1x1(c_in: int, c_out: int, stride: int = 1) -> nn.Conv2d:
    return nn.Conv2d(c_in, c_out, 1, stride=stride, bias=False)


class PadShortcut(nn.Module):
    """Option A: identity, subsampled by the stride, with the extra channels zero."""

    def __init__(self, c_in: int, c_out: int, stride: int) -> None:
        super().__init__()
        self.extra, self.stride = c_out - c_in, stride

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = x[:, :, ::self.stride, ::self.stride]
        return F.pad(x, (0, 0, 0, 0, 0, self.extra))


def make_shortcut(kind: str | None, c_in: int, c_out: int, stride: int, with_bn: bool = True) -> nn.Module | None:
    """h(x): identity where shapes agree, else W_s x by the chosen option; None for plain nets."""
    if kind is None:
        return None
    if c_in == c_out and stride == 1:
        return nn.Identity()
    if kind == "pad":
        return PadShortcut(c_in, c_out, stride)
    if kind == "projection":
        proj = conv1x1(c_in, c_out, stride)
        return nn.Sequential(proj, nn.BatchNorm2d(c_out)) if with_bn else proj
    raise ValueError(f"unknown shortcut {kind!r}")


class BasicBlock(nn.Module):
    """Two 3x3 convolutions (2015 Fig. 2 / Fig. 5 left): y = ReLU(F(x) + h(x))."""

    expansion = 1

    def __init__(self, c_in: int, planes: int, stride: int = 1, shortcut: str | None = "projection") -> None:
        super().__init__()
        self.conv1, self.bn1 = conv3x3(c_in, planes, stride), nn.BatchNorm2d(planes)
        self.conv2, self.bn2 = conv3x3(planes, planes), nn.BatchNorm2d(planes)
        self.shortcut = make_shortcut(shortcut, c_in, planes, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))                       # F(x, {W_i})
        if self.shortcut is not None:
            out = out + self.shortcut(x)                      # eq. (1) / (2)
        return F.relu(out)                                    # f = ReLU after the addition


class Bottleneck(nn.Module):
    """1x1 reduce, 3x3, 1x1 restore to 4x the width (2015 Fig. 5 right, ResNet-50/101/152).

    The stride sits on the 3x3 convolution, as in torchvision; it does not change
    the parameter count.
    """

    expansion = 4

    def __init__(self, c_in: int, planes: int, stride: int = 1, shortcut: str | None = "projection") -> None:
        super().__init__()
        c_out = planes * self.expansion
        self.conv1, self.bn1 = conv1x1(c_in, planes), nn.BatchNorm2d(planes)
        self.conv2, self.bn2 = conv3x3(planes, planes, stride), nn.BatchNorm2d(planes)
        self.conv3, self.bn3 = conv1x1(planes, c_out), nn.BatchNorm2d(c_out)
        self.shortcut = make_shortcut(shortcut, c_in, c_out, stride)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = F.relu(self.bn1(self.conv1(x)))
        out = F.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        if self.shortcut is not None:
            out = out + self.shortcut(x)
        return F.relu(out)


class PreActBlock(nn.Module):
    """Full pre-activation unit (2016 Fig. 1b / Fig. 4e): x_{l+1} = x_l + F(x_l).

    F = conv(ReLU(BN(conv(ReLU(BN(x)))))); nothing follows the addition, so a
    unit whose F is zero passes its input through unchanged (2016 eq. (3)-(4)).
    """

    expansion = 1

    def __init__(self, c_in: int, planes: int, stride: int = 1, shortcut: str | None = "projection") -> None:
        super().__init__()
        self.bn1, self.conv1 = nn.BatchNorm2d(c_in), conv3x3(c_in, planes, stride)
        self.bn2, self.conv2 = nn.BatchNorm2d(planes), conv3x3(planes, planes)
        # A projection sees the pre-activated input, so it needs no BN of its own.
        self.shortcut = make_shortcut(shortcut, c_in, planes, stride, with_bn=False)
        self.shortcut_sees_preactivation = isinstance(self.shortcut, nn.Conv2d)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        pre = F.relu(self.bn1(x))
        out = self.conv1(pre)
        out = self.conv2(F.relu(self.bn2(out)))                # F(x_l, W_l)
        if self.shortcut is None:
            return out
        skip = self.shortcut(pre if self.shortcut_sees_preactivation else x)
        return skip + out                                      # 2016 eq. (3): x_{l+1} = x_l + F(x_l)
