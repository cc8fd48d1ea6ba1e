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


SHIFT_SEED = 54321  # where each digit sits in the field: also fixed, the same for every run seed


def shifted_digit_split(field: int = 28, digit: int = 16, pad: int = 2, low: float = -0.1,
                        high: float = 1.175) -> tuple[torch.Tensor, ...]:
    """The same split with every digit (upsampled to ``digit`` pixels) placed at a random spot of a larger field.

    Each image, training and test alike, gets one offset in [0, field - digit] on
    each axis, drawn once with a fixed seed. A classifier that does not share
    weights over positions has to learn every digit at every place from few
    examples; this is the case the 1998 paper (Sec. II) makes for convolutions.
    """
    x_train, y_train, x_test, y_test = load_digit_split(digit, 0, low, high)
    gen = torch.Generator().manual_seed(SHIFT_SEED)

    def place(x: torch.Tensor) -> torch.Tensor:
        out = torch.full((len(x), 1, field + 2 * pad, field + 2 * pad), low, dtype=x.dtype)
        offsets = torch.randint(0, field - digit + 1, (len(x), 2), generator=gen)
        for i, (r, c) in enumerate(offsets.tolist()):
            out[i, :, pad + r: pad + r + digit, pad + c: pad + c + digit] = x[i]
        return out

    return place(x_train), y_train, place(x_test), y_test


def lenet5_data() -> tuple[torch.Tensor, ...]:
    """28x28 digits centred in a 32x32 field; background -0.1, ink 1.175 (1998 Sec. II-A)."""
    return load_digit_split(28, 2, -0.1, 1.175)


def zipcode_data() -> tuple[torch.Tensor, ...]:
    """16x16 digits with grey levels in [-1, 1] (1989 Sec. 3)."""
    return load_digit_split(16, 0, -1.0, 1.0)
