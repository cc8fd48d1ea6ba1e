"""The two problems of the paper's Sec. 6.1-6.2 in miniature.

- Sparse-feature logistic regression (the paper: IMDB bag-of-words). 300 binary features with
  Zipf frequencies (feature k appears ∝ 1/k), 10 active per example, labels drawn from a logistic
  teacher. Most features are rare, which is where per-coordinate step sizes matter.
- A small MLP classifier (the paper: 2 x 1000 ReLU on MNIST): 64-100-100-10 ReLU on the digits.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

N_EXAMPLES, N_FEATURES, ACTIVE = 4000, 300, 10


def sparse_logistic_task(generator: torch.Generator) -> tuple[torch.Tensor, torch.Tensor]:
    freq = 1.0 / torch.arange(1, N_FEATURES + 1, dtype=torch.float64)
    idx = torch.multinomial((freq / freq.sum()).expand(N_EXAMPLES, N_FEATURES), ACTIVE,
                            replacement=False, generator=generator)
    x = torch.zeros(N_EXAMPLES, N_FEATURES).scatter_(1, idx, 1.0)
    teacher = torch.randn(N_FEATURES, generator=generator)
    y = (torch.rand(N_EXAMPLES, generator=generator) < torch.sigmoid(x @ teacher)).float()
    return x, y


def logistic_optimum(x: torch.Tensor, y: torch.Tensor, iterations: int = 30) -> float:
    """The minimum mean log loss over (w, b), by Newton's method in float64: the target's floor."""
    a = torch.cat([x.double(), torch.ones(len(y), 1, dtype=torch.float64)], dim=1)
    t, w = y.double(), torch.zeros(a.shape[1], dtype=torch.float64)
    ridge = 1e-9 * torch.eye(a.shape[1], dtype=torch.float64)   # rare features can be unidentified
    for _ in range(iterations):
        p = torch.sigmoid(a @ w)
        hessian = (a * (p * (1 - p))[:, None]).T @ a / len(t) + ridge
        w -= torch.linalg.solve(hessian, a.T @ (p - t) / len(t))
    return F.binary_cross_entropy(torch.sigmoid(a @ w), t).item()


def logistic_model(n_features: int) -> nn.Module:
    model = nn.Linear(n_features, 1)
    nn.init.zeros_(model.weight), nn.init.zeros_(model.bias)
    return model


def logistic_loss(out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    return F.binary_cross_entropy_with_logits(out.squeeze(1), y)


def digits_task() -> tuple[torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    digits = load_digits()
    return torch.tensor(digits.data, dtype=torch.float32) / 16.0, torch.tensor(digits.target, dtype=torch.long)


def mlp_model() -> nn.Module:
    return nn.Sequential(nn.Linear(64, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(), nn.Linear(100, 10))
