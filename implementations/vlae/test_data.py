"""The digits split: a seeded partition of all 1797 images, thresholded at half intensity, labels kept aligned.

Catches a held-out set that overlaps training, labels shuffled apart from
their images, and a threshold other than 8 of 16 (e.g. >= 8, or 0.5 on raw
0..16 values).
"""

from __future__ import annotations

from collections import Counter

import torch
from sklearn.datasets import load_digits

from implementations.vlae.demo import binarised_digits


def _pairs(x: torch.Tensor, y: torch.Tensor) -> Counter:
    return Counter((bytes(row.to(torch.uint8).tolist()), int(label)) for row, label in zip(x, y))


def test_split_partitions_every_binarised_digit_with_its_label() -> None:
    digits = load_digits()
    every = _pairs(torch.tensor(digits.data > 8), torch.tensor(digits.target))
    x_train, y_train, x_test, y_test = binarised_digits(torch.device("cpu"), seed=0)
    assert len(x_train) + len(x_test) == 1797 and len(x_test) > 0
    assert set(x_train.unique().tolist()) == {0.0, 1.0}
    assert _pairs(x_train, y_train) + _pairs(x_test, y_test) == every  # each image once, with its own label
    other = binarised_digits(torch.device("cpu"), seed=1)
    assert not torch.equal(other[0], x_train)  # the split follows the seed
