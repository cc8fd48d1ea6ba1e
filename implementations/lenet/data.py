"""sklearn's 8x8 digits, upsampled to the input size each network expects, with a fixed held-out split."""

from __future__ import annotations

import torch
import torch.nn.functional as F

SPLIT_SEED = 12345  # the train/test split is the same for every run seed
TEST_FRACTION = 0.2


def load_digit_split(size: int, pad: int, low: float, high: float) -> tuple[torch.Tensor, ...]:
    """(x_train, y_train, x_test, y_test) on CPU.

    Each 8x8 image (values 0..16) is bilinearly upsampled to size x size, mapped
    so that background = ``low`` and full ink = ``high``, then padded with
    background to (size + 2 pad) square.
    """
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = torch.tensor(digits.images, dtype=torch.get_default_dtype()).unsqueeze(1) / 16.0
    y = torch.tensor(digits.target, dtype=torch.long)
    x = F.interpolate(x, size=(size, size), mode="bilinear", align_corners=False)
    x = low + (high - low) * x
    if pad:
        x = F.pad(x, (pad, pad, pad, pad), value=low)
    order = torch.randperm(len(y), generator=torch.Generator().manual_seed(SPLIT_SEED))
    n_test = int(len(y) * TEST_FRACTION)
    test, train = order[:n_test], order[n_test:]
    return x[train], y[train], x[test], y[test]


def lenet5_data() -> tuple[torch.Tensor, ...]:
    """28x28 digits centred in a 32x32 field; background -0.1, ink 1.175 (1998 Sec. II-A)."""
    return load_digit_split(28, 2, -0.1, 1.175)


def zipcode_data() -> tuple[torch.Tensor, ...]:
    """16x16 digits with grey levels in [-1, 1] (1989 Sec. 3)."""
    return load_digit_split(16, 0, -1.0, 1.0)
