"""The digits split in two, and the paper's random-label corruption (Zhang et al. 2017, Sec. 2).

Random labels: every training label is replaced, once and for all, by a class drawn uniformly
at random, independent of the image. The test labels stay true, so a net trained on random
labels can only score chance (1/10) on them.
"""

from __future__ import annotations

import torch

N_CLASSES = 10


def split_digits(n_train: int, generator: torch.Generator):
    """(x_train, y_train, x_test, y_test): a random disjoint split, inputs scaled to [0, 1]."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=generator)
    train, test = order[:n_train], order[n_train:]
    return x[train], y[train], x[test], y[test]


def random_labels(n: int, generator: torch.Generator) -> torch.Tensor:
    return torch.randint(0, N_CLASSES, (n,), generator=generator)
