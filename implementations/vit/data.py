"""sklearn's 8x8 digits: a fixed held-out test split, and random training subsets of the rest.

The test split is the same for every run seed and never enters training.
``validation=True`` carves a validation split out of the training pool
instead; hyper-parameters were chosen on it, never on the test split.
"""

from __future__ import annotations

from pathlib import Path

import torch

SPLIT_SEED = 2010  # one train/test split for all run seeds
TEST_SIZE, VALID_SIZE = 360, 300


def load_digit_images() -> tuple[torch.Tensor, torch.Tensor]:
    """All 1797 digits as (n, 1, 8, 8) ink in [0, 1] and their labels, read from the file scikit-learn ships.

    The same numbers as ``sklearn.datasets.load_digits()`` (tested), without
    importing ``sklearn.datasets``, which costs more CPU than a --quick run can spare.
    """
    import importlib.util

    import numpy as np

    package = importlib.util.find_spec("sklearn").submodule_search_locations[0]
    table = np.loadtxt(Path(package) / "datasets" / "data" / "digits.csv.gz", delimiter=",")
    x = torch.tensor(table[:, :64], dtype=torch.get_default_dtype()).reshape(-1, 1, 8, 8) / 16.0
    return x, torch.tensor(table[:, 64], dtype=torch.long)


def digit_split(validation: bool = False) -> tuple[torch.Tensor, ...]:
    """(x_train, y_train, x_test, y_test) on CPU, x in [0, 1] of shape (n, 1, 8, 8).

    With ``validation`` the "test" tensors are a validation split of the training
    pool and the test split is left out entirely.
    """
    x, y = load_digit_images()
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(SPLIT_SEED))
    pool, test = order[TEST_SIZE:], order[:TEST_SIZE]
    if validation:
        pool, test = pool[VALID_SIZE:], pool[:VALID_SIZE]
    return x[pool], y[pool], x[test], y[test]


def per_class_subset(y: torch.Tensor, per_class: int, generator: torch.Generator) -> torch.Tensor:
    """Indices of ``per_class`` random examples of every class: the small training set, balanced."""
    picks = []
    for c in range(int(y.max()) + 1):
        members = (y == c).nonzero().flatten()
        picks.append(members[torch.randperm(len(members), generator=generator)[:per_class]])
    return torch.cat(picks)
