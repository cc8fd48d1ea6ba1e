"""sklearn's 8x8 digits as continuous data: each 0-16 pixel value moved to a uniform point in its bin.

Adding U(0, 1) noise and dividing by 17 (dequantisation, as for images in
Uria et al. 2013 and Dinh et al. 2017) makes densities comparable: a model
cannot pile infinite density on a discrete value, and the log-likelihood of
the continuous data bounds that of the discrete digits from below.
"""

from __future__ import annotations

import torch

SPLIT = (1100, 300)  # train, validation; the rest (397) is the test set


def dequantised_digits(seed: int) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    from sklearn.datasets import load_digits

    pixels = torch.tensor(load_digits().data, dtype=torch.get_default_dtype())
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(len(pixels), generator=g)
    x = (pixels[order] + torch.rand(pixels.shape, generator=g, dtype=pixels.dtype)) / 17
    a, b = SPLIT
    return x[:a], x[a:a + b], x[a + b:]
