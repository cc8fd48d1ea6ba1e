"""Digits with part of the training labels randomised (Arpit et al. 2017, Sec. 3: "random labels"
on a fraction of the examples), and the mask saying which ones.

A corrupted label is drawn uniformly from the *other* nine classes, so every example in the noisy
subset really is mislabelled and "accuracy on the noisy subset" (against its given labels) means
memorisation, never a lucky correct label. The split is ``rethinking_generalization``'s.
"""

from __future__ import annotations

import torch

from implementations.rethinking_generalization.data import N_CLASSES, split_digits

N_TRAIN, NOISE = 1000, 0.4


def corrupt(y: torch.Tensor, fraction: float, generator: torch.Generator):
    """(labels, noisy mask): exactly round(fraction * n) labels moved to a different class."""
    noisy = torch.zeros(len(y), dtype=torch.bool)
    noisy[torch.randperm(len(y), generator=generator)[:round(fraction * len(y))]] = True
    shift = torch.randint(1, N_CLASSES, (int(noisy.sum()),), generator=generator)
    labels = y.clone()
    labels[noisy] = (y[noisy] + shift) % N_CLASSES
    return labels, noisy


def noisy_split(generator: torch.Generator, n_train: int = N_TRAIN, fraction: float = NOISE):
    """(x_train, given labels, noisy mask, x_test, true test labels)."""
    x_tr, y_tr, x_te, y_te = split_digits(n_train, generator)
    labels, noisy = corrupt(y_tr, fraction, generator)
    return x_tr, labels, noisy, x_te, y_te
