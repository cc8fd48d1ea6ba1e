"""The ring of Gaussians and its scores, by hand."""

from __future__ import annotations

import math

import pytest
import torch
from torch.testing import assert_close

from implementations._common.ring import (
    balanced_precision, best_single_gaussian, mode_centres, mode_coverage, sample_mixture,
)


def test_mode_centres_are_evenly_spaced_on_the_circle() -> None:
    c = mode_centres(8, 2.0)
    assert_close(c.norm(dim=1), torch.full((8,), 2.0, dtype=torch.float64))
    assert_close(c[0], torch.tensor([2.0, 0.0], dtype=torch.float64))
    assert_close(c[2], torch.tensor([0.0, 2.0], dtype=torch.float64), atol=1e-12, rtol=0)
    assert_close((c[1] - c[0]).norm().item(), 4 * math.sin(math.pi / 8))


def test_samples_sit_near_uniformly_chosen_modes_with_the_given_std() -> None:
    x = sample_mixture(16000, torch.Generator().manual_seed(0), std=0.1).double()
    nearest = torch.cdist(x, mode_centres()).min(dim=1)
    counts = torch.bincount(nearest.indices, minlength=8).double() / len(x)
    assert (counts - 1 / 8).abs().max() < 4 * (1 / 8 * 7 / 8 / 16000) ** 0.5
    offsets = x - mode_centres()[nearest.indices]
    assert abs(offsets.std().item() - 0.1) < 0.003


def test_requested_modes_are_used_and_checked() -> None:
    modes = torch.tensor([3, 3, 5])
    x = sample_mixture(3, torch.Generator().manual_seed(1), std=1e-3, modes=modes).double()
    assert_close(x, mode_centres()[modes], atol=1e-2, rtol=0)
    with pytest.raises(ValueError):
        sample_mixture(4, torch.Generator(), modes=modes)


def test_mode_coverage_counts_samples_within_the_radius() -> None:
    c = mode_centres().float()
    samples = torch.cat([c[:4], c[:1] + torch.tensor([0.4, 0.0]), torch.zeros(3, 2)])  # 4 on modes, 1 at 0.4, 3 at centre
    per_mode, near_any = mode_coverage(samples, within=0.5)
    assert_close(per_mode, torch.tensor([2, 1, 1, 1, 0, 0, 0, 0], dtype=torch.float64) / 8)
    assert near_any == 5 / 8
    assert mode_coverage(samples, within=0.3)[1] == 4 / 8


def test_balanced_precision_caps_each_mode_at_its_share() -> None:
    c = mode_centres().float()
    assert balanced_precision(c, within=0.3) == pytest.approx(1.0)              # one sample per mode
    assert balanced_precision(c[:1].repeat(8, 1), within=0.3) == pytest.approx(1 / 8)   # collapsed on one mode
    half = torch.cat([c[:4], torch.zeros(4, 2)])                               # 4 modes, 4 samples off the ring
    assert balanced_precision(half, within=0.3) == pytest.approx(4 / 8)
    data = sample_mixture(8000, torch.Generator().manual_seed(2), std=0.1)
    assert balanced_precision(data, within=0.3) > 0.97                         # 3 std: 1 - e^-4.5 = 0.989 inside


def test_no_single_gaussian_gets_much_beyond_one_mode() -> None:
    """A wide bump on one mode fills its share and spills a little onto its neighbours: about 0.13."""
    score, where = best_single_gaussian(0.3, 4000, torch.Generator().manual_seed(3))
    assert where.startswith("N(a mode") and 0.125 <= score < 0.15
