"""VGG networks built from a Table 1 layer list, plus their test-time fully-convolutional form.

Simonyan & Zisserman 2014, "Very Deep Convolutional Networks for Large-Scale
Image Recognition". Every convolution has stride 1 and "same" padding, so only
the 2x2/2 max pools change resolution (Sec. 2.1).
"""

from __future__ import annotations

import torch
import torch.nn as nn

from implementations._common.params import count_parameters  # noqa: F401  (re-exported)

# Table 1. A number is the width of a conv layer with the default kernel (3x3),
# "M" a 2x2 max pool with stride 2, ("1x1", w) a 1x1 conv of width w (config C).
# A-LRN (A plus LRN after the first layer) is left out: LRN did not help (Sec. 4.1)
# and adds no parameters; it lives in implementations/alexnet.
CONFIGS: dict[str, list] = {
    "A": [64, "M", 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "B": [64, 64, "M", 128, 128, "M", 256, 256, "M", 512, 512, "M", 512, 512, "M"],
    "C": [64, 64, "M", 128, 128, "M", 256, 256, ("1x1", 256), "M", 512, 512, ("1x1", 512), "M",
          512, 512, ("1x1", 512), "M"],
    "D": [64, 64, "M", 128, 128, "M", 256, 256, 256, "M", 512, 512, 512, "M", 512, 512, 512, "M"],
    "E": [64, 64, "M", 128, 128, "M", 256, 256, 256, 256, "M", 512, 512, 512, 512, "M",
          512, 512, 512, 512, "M"],
}


def conv_stack(in_channels: int, layers: list, kernel: int = 3) -> tuple[nn.Sequential, int]:
    """Conv + ReLU per width entry, max pool per "M"; returns the stack and its output width.

    ``kernel`` sets the size of the plain entries: 3 for VGG, 5 for Sec. 4.1's
    shallow variant of B, in which each pair of 3x3 layers becomes one 5x5.
    """
    modules: list[nn.Module] = []
    c = in_channels
    for item in layers:
        if item == "M":
            modules.append(nn.MaxPool2d(kernel_size=2, stride=2))
            continue
        k, width = (1, item[1]) if isinstance(item, tuple) else (kernel, item)
        # Sec. 2.1: stride 1, padding k // 2 keeps the spatial size; every hidden layer has a ReLU.
        modules += [nn.Conv2d(c, width, k, stride=1, padding=k // 2), nn.ReLU()]
        c = width
    return nn.Sequential(*modules), c


class VGG(nn.Module):
    """Conv stack, then fully-connected layers: 4096-4096-1000 with dropout 0.5 for ImageNet (Sec. 2.1, 3.1).

    ``hidden=()`` puts a single linear classifier straight on the conv features.
    """

    def __init__(self, layers: list, in_channels: int = 3, image_size: int = 224,
                 hidden: tuple[int, ...] = (4096, 4096), classes: int = 1000, kernel: int = 3,
                 dropout: float = 0.5) -> None:
        super().__init__()
        self.features, c = conv_stack(in_channels, layers, kernel)
        self.side = image_size // 2 ** sum(1 for item in layers if item == "M")
        self.feature_channels = c
        widths = (c * self.side * self.side, *hidden)
        head: list[nn.Module] = []
        for a, b in zip(widths[:-1], widths[1:]):
            head += [nn.Linear(a, b), nn.ReLU(), nn.Dropout(dropout)]   # dropout on the first two FC (Sec. 3.1)
        head.append(nn.Linear(widths[-1], classes))                      # soft-max is in the loss
        self.classifier = nn.Sequential(*head)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.features(x).flatten(1))


def vgg(config: str, **kwargs) -> VGG:
    """The ImageNet network of one Table 1 column, e.g. vgg("D") is VGG-16."""
    return VGG(CONFIGS[config], **kwargs)


def glorot_init(model: nn.Module) -> None:
    """Sec. 3.1 (end): Glorot & Bengio uniform weights, zero biases, which trains deep nets
    without the paper's first-stage pre-training of net A."""
    for m in model.modules():
        if isinstance(m, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(m.weight)
            nn.init.zeros_(m.bias)


class FullyConvolutionalVGG(nn.Module):
    """Sec. 3.2 dense evaluation: the FC layers become convolutions, so a trained net can be
    applied to an image of any size; the class score map is then spatially averaged.

    The first FC layer becomes a conv with the training-time feature-map size as its
    kernel (7x7 for ImageNet), the others 1x1 convs; the weights are the FC weights reshaped.
    """

    def __init__(self, net: VGG) -> None:
        super().__init__()
        self.features = net.features
        layers: list[nn.Module] = []
        first = True
        for m in net.classifier:
            if isinstance(m, nn.Linear):
                side = net.side if first else 1
                channels = net.feature_channels if first else m.in_features
                conv = nn.Conv2d(channels, m.out_features, side).to(m.weight.device, m.weight.dtype)
                with torch.no_grad():
                    # Linear input order is (channel, row, col) from flatten, the conv kernel's too.
                    conv.weight.copy_(m.weight.reshape(m.out_features, channels, side, side))
                    conv.bias.copy_(m.bias)
                layers.append(conv)
                first = False
            else:
                layers.append(m)
        self.classifier = nn.Sequential(*layers)

    def score_map(self, x: torch.Tensor) -> torch.Tensor:
        """Class scores at every position: (N, classes, H', W')."""
        return self.classifier(self.features(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.score_map(x).mean(dim=(2, 3))   # "spatially averaged (sum-pooled)"
