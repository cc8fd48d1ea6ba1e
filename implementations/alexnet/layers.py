"""The two layers AlexNet introduced or popularised, written out: LRN and dropout.

Krizhevsky, Sutskever & Hinton 2012, Sec. 3.3 (local response normalisation)
and Sec. 4.2 (dropout).
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F


def local_response_norm(a: torch.Tensor, n: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75) -> torch.Tensor:
    """Sec. 3.3: b^i = a^i / (k + alpha * sum_{j near i} (a^j)^2)^beta, over n adjacent channels.

    The window for channel i runs from i - n//2 to i + (n-1)//2, clipped at the
    first and last channel (the paper's max(0, i-n/2) .. min(N-1, i+n/2) for odd n).
    Note: alpha multiplies the plain sum here, as in the paper; torch's
    nn.LocalResponseNorm divides alpha by n first.
    """
    squares = a * a
    # Zero channels before and after, so the window sum is the same expression everywhere.
    padded = F.pad(squares, (0, 0) * (a.dim() - 2) + (n // 2, (n - 1) // 2))
    channels = a.shape[1]
    window_sum = sum(padded[:, j:j + channels] for j in range(n))
    return a / (k + alpha * window_sum) ** beta


class LocalResponseNorm(nn.Module):
    """LRN with the paper's hyper-parameters by default: k = 2, n = 5, alpha = 1e-4, beta = 0.75."""

    def __init__(self, n: int = 5, k: float = 2.0, alpha: float = 1e-4, beta: float = 0.75) -> None:
        super().__init__()
        self.n, self.k, self.alpha, self.beta = n, k, alpha, beta

    def forward(self, a: torch.Tensor) -> torch.Tensor:
        return local_response_norm(a, self.n, self.k, self.alpha, self.beta)


class Dropout(nn.Module):
    """Sec. 4.2: zero each hidden unit's output with probability p during training.

    The paper multiplies outputs by (1 - p) at test time; scaling the kept units
    by 1/(1 - p) during training instead gives the same expected activation and
    leaves test time untouched ("inverted" dropout).
    """

    def __init__(self, p: float = 0.5, generator: torch.Generator | None = None) -> None:
        super().__init__()
        if not 0.0 <= p < 1.0:
            raise ValueError("p must be in [0, 1)")
        self.p = p
        self.generator = generator

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        keep = torch.rand(x.shape, generator=self.generator, dtype=x.dtype).to(x.device) >= self.p
        return x * keep / (1.0 - self.p)
