"""A small noisy task: 300 training digits with 30% of their labels replaced by uniformly random
classes, and clean validation (300) and test (the remaining 1197) digits, disjoint."""

from __future__ import annotations

import torch

N_TRAIN, N_VAL, NOISE = 300, 300, 0.3


def noisy_digits(generator: torch.Generator, n_train: int = N_TRAIN, noise: float = NOISE):
    """((x, y) train with noisy labels, (x, y) validation, (x, y) test), pixels in [0, 1]."""
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.data, dtype=torch.float32) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    order = torch.randperm(len(y), generator=generator)
    train, val, test = order[:n_train], order[n_train:n_train + N_VAL], order[n_train + N_VAL:]
    y_train = y[train].clone()
    flip = torch.rand(n_train, generator=generator) < noise
    y_train[flip] = torch.randint(0, 10, (int(flip.sum()),), generator=generator)
    return (x[train], y_train), (x[val], y[val]), (x[test], y[test])
