"""The digits in three disjoint parts: training, validation (to choose the large-batch learning
rate) and test. The split itself is ``rethinking_generalization.data.split_digits``."""

from __future__ import annotations

import torch

from implementations.rethinking_generalization.data import split_digits

N_TRAIN, N_VAL = 500, 300


def three_way_split(generator: torch.Generator, n_train: int = N_TRAIN, n_val: int = N_VAL):
    """((x, y) train, (x, y) validation, (x, y) test) from one random permutation of the 1797 digits."""
    x_tr, y_tr, x_rest, y_rest = split_digits(n_train, generator)
    return (x_tr, y_tr), (x_rest[:n_val], y_rest[:n_val]), (x_rest[n_val:], y_rest[n_val:])
