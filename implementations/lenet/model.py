"""The 1989 zip-code network and LeNet-5 (1998), built on the im2col conv/pool in ``conv.py``.

LeCun et al. 1989, "Backpropagation Applied to Handwritten Zip Code Recognition"
(Neural Computation 1(4)), and LeCun, Bottou, Bengio & Haffner 1998,
"Gradient-Based Learning Applied to Document Recognition" (Proc. IEEE),
Section II-B (LeNet-5) and Appendix A (squashing function, initialisation).
"""

from __future__ import annotations

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from implementations._common.params import count_parameters

from .conv import avg_pool2d, conv2d

SQUASH_A, SQUASH_S = 1.7159, 2.0 / 3.0


def squash(a: torch.Tensor) -> torch.Tensor:
    """f(a) = A tanh(S a) with A = 1.7159, S = 2/3 (1998 Appendix A): f(+-1) = +-1."""
    return SQUASH_A * torch.tanh(SQUASH_S * a)


def _uniform_fan_in_(t: torch.Tensor, fan_in: torch.Tensor | float) -> None:
    """Weights uniform in [-2.4/F_i, 2.4/F_i], F_i the unit's fan-in (1998 Appendix A)."""
    with torch.no_grad():
        t.uniform_(-1.0, 1.0).mul_(2.4 / fan_in)


class SharedConv(nn.Module):
    """A feature-map layer: one kernel per map, shared over positions (weight sharing).

    ``connections`` (out_maps x in_maps, bool) is a partial connection table such
    as LeNet-5's Table I; missing connections are held at zero by a mask.
    ``untied_bias`` gives every unit its own bias, as in the 1989 net.
    """

    def __init__(self, in_maps: int, out_maps: int, kernel: int, stride: int = 1, padding: int = 0,
                 connections: torch.Tensor | None = None, untied_bias: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.stride, self.padding, self.kernel = stride, padding, kernel
        if connections is None:
            connections = torch.ones(out_maps, in_maps, dtype=torch.bool)
        self.register_buffer("mask", connections.to(torch.get_default_dtype()).reshape(out_maps, in_maps, 1, 1))
        self.weight = nn.Parameter(torch.empty(out_maps, in_maps, kernel, kernel))
        self.bias = nn.Parameter(torch.zeros(out_maps, *untied_bias) if untied_bias else torch.zeros(out_maps))
        fan_in = self.mask.sum(dim=1, keepdim=True) * kernel * kernel   # per output map
        with torch.no_grad():
            self.weight.uniform_(-1.0, 1.0).mul_(2.4 / fan_in)   # Appendix A, per-map fan-in

    def free_parameters(self) -> int:
        """Trainable numbers that are actually used (masked-out kernels excluded)."""
        return int(self.mask.sum()) * self.kernel * self.kernel + self.bias.numel()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        out = conv2d(x, self.weight * self.mask, None, stride=self.stride, padding=self.padding)
        bias = self.bias if self.bias.dim() == 3 else self.bias.reshape(-1, 1, 1)
        return out + bias


class Subsample(nn.Module):
    """LeNet-5 S-layer (Sec. II-B): 2x2 average x trainable coefficient + trainable bias, per map.

    The paper sums the four inputs; averaging only rescales the coefficient.
    """

    def __init__(self, maps: int) -> None:
        super().__init__()
        self.coef = nn.Parameter(torch.ones(maps))
        self.bias = nn.Parameter(torch.zeros(maps))

    def free_parameters(self) -> int:
        return self.coef.numel() + self.bias.numel()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return avg_pool2d(x, 2) * self.coef.reshape(-1, 1, 1) + self.bias.reshape(-1, 1, 1)


def _linear(n_in: int, n_out: int) -> nn.Linear:
    layer = nn.Linear(n_in, n_out)
    _uniform_fan_in_(layer.weight, n_in)
    nn.init.zeros_(layer.bias)
    return layer


def lenet5_c3_table() -> torch.Tensor:
    """Table I: which S2 maps (columns here) feed each C3 map (rows), 60 connections."""
    groups = [[(i + k) % 6 for k in range(3)] for i in range(6)]      # maps 0-5: 3 contiguous
    groups += [[(i + k) % 6 for k in range(4)] for i in range(6)]     # maps 6-11: 4 contiguous
    groups += [[0, 1, 3, 4], [1, 2, 4, 5], [0, 2, 3, 5]]               # maps 12-14: 4 non-contiguous
    groups += [list(range(6))]                                         # map 15: all six
    table = torch.zeros(16, 6, dtype=torch.bool)
    for out_map, inputs in enumerate(groups):
        table[out_map, inputs] = True
    return table


def rbf_prototypes(classes: int = 10, dim: int = 84, seed: int = 0) -> torch.Tensor:
    """Fixed +-1 target codes, one per class (the paper draws 7x12 bitmaps of the characters)."""
    gen = torch.Generator().manual_seed(seed)
    return torch.randint(0, 2, (classes, dim), generator=gen).to(torch.get_default_dtype()) * 2 - 1


class LeNet5(nn.Module):
    """32x32 input -> C1 -> S2 -> C3 -> S4 -> C5 -> F6 -> Euclidean RBF outputs (Fig. 2)."""

    def __init__(self, classes: int = 10) -> None:
        super().__init__()
        self.c1 = SharedConv(1, 6, 5)                                  # 6 @ 28x28
        self.s2 = Subsample(6)                                         # 6 @ 14x14
        self.c3 = SharedConv(6, 16, 5, connections=lenet5_c3_table())  # 16 @ 10x10
        self.s4 = Subsample(16)                                        # 16 @ 5x5
        self.c5 = SharedConv(16, 120, 5)                               # 120 @ 1x1
        self.f6 = _linear(120, 84)
        self.register_buffer("prototypes", rbf_prototypes(classes, 84))

    def free_parameters(self) -> dict[str, int]:
        return {
            "C1": self.c1.free_parameters(), "S2": self.s2.free_parameters(),
            "C3": self.c3.free_parameters(), "S4": self.s4.free_parameters(),
            "C5": self.c5.free_parameters(), "F6": count_parameters(self.f6),
        }

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the RBF outputs y_i: a *distance* per class (small = likely)."""
        h = squash(self.c1(x))
        h = squash(self.s2(h))
        h = squash(self.c3(h))
        h = squash(self.s4(h))
        h = squash(self.c5(h)).flatten(1)
        h = squash(self.f6(h))                                          # eq. (6): x_i = f(a_i)
        return ((h.unsqueeze(1) - self.prototypes) ** 2).sum(dim=-1)  # eq. (7): y_i = sum_j (x_j - w_ij)^2

    @staticmethod
    def predict(y: torch.Tensor) -> torch.Tensor:
        return y.argmin(dim=1)


def map_loss(y: torch.Tensor, target: torch.Tensor, j: float = 1.0) -> torch.Tensor:
    """Eq. (9): E = mean_p [ y_D(p) + log(e^{-j} + sum_i e^{-y_i(p)}) ].

    Pulls the correct class's RBF distance down and pushes the others up; the
    e^{-j} term stops the push once the wrong classes are far enough.
    """
    y_correct = y.gather(1, target.unsqueeze(1)).squeeze(1)
    floor = torch.full_like(y_correct, -j).unsqueeze(1)
    return (y_correct + torch.logsumexp(torch.cat([floor, -y], dim=1), dim=1)).mean()


def zipcode_h2_table() -> torch.Tensor:
    """Each of the 12 H2 maps sees 8 of the 12 H1 maps. The 1989 paper does not list
    which; here map k takes maps k, k+1, ..., k+7 (mod 12)."""
    table = torch.zeros(12, 12, dtype=torch.bool)
    for k in range(12):
        table[k, [(k + i) % 12 for i in range(8)]] = True
    return table


class ZipCodeNet(nn.Module):
    """The 1989 network: 16x16 -> H1 12@8x8 -> H2 12@4x4 -> H3 30 -> 10 (Fig. 3 there).

    Kernels are 5x5 with stride 2 (no pooling layers yet); every unit has its
    own bias. 1256 units, 64,660 connections, 9,760 free parameters.
    """

    BACKGROUND = -1.0  # inputs are scaled to [-1, 1]; off-image pixels are background

    def __init__(self) -> None:
        super().__init__()
        self.h1 = SharedConv(1, 12, 5, stride=2, untied_bias=(8, 8))
        self.h2 = SharedConv(12, 12, 5, stride=2, padding=2, connections=zipcode_h2_table(), untied_bias=(4, 4))
        self.h3 = _linear(192, 30)
        self.out = _linear(30, 10)

    def free_parameters(self) -> dict[str, int]:
        return {
            "H1": self.h1.free_parameters(), "H2": self.h2.free_parameters(),
            "H3": count_parameters(self.h3),
            "output": count_parameters(self.out),
        }

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """Returns the 10 output units' activities in (-1.7, 1.7); argmax is the guess."""
        x = F.pad(x, (2, 2, 2, 2), value=self.BACKGROUND)
        h = squash(self.h1(x))
        h = squash(self.h2(h)).flatten(1)
        h = squash(self.h3(h))
        return squash(self.out(h))

    @staticmethod
    def predict(y: torch.Tensor) -> torch.Tensor:
        return y.argmax(dim=1)


def zipcode_loss(y: torch.Tensor, target: torch.Tensor) -> torch.Tensor:
    """Mean squared error against +1 for the right class and -1 elsewhere (1989, Sec. 5)."""
    d = F.one_hot(target, y.shape[1]).to(y.dtype) * 2 - 1
    return ((y - d) ** 2).sum(dim=1).mean()
