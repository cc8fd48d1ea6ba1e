"""Two moons, and how far a point is from the curves they are drawn along.

sklearn's ``make_moons`` puts the outer moon on (cos u, sin u) and the inner
one on (1 - cos u, 0.5 - sin u), u in [0, pi], then adds Gaussian noise. A
sample "falls on the moons" when it is within a few noise widths of one of
those arcs; the distance to an arc is the distance to its circle where the
closest circle point lies on the arc, else to the nearer end.
"""

from __future__ import annotations


import torch

NOISE = 0.05


def moons(n: int, seed: int, noise: float = NOISE) -> torch.Tensor:
    from sklearn.datasets import make_moons

    x, _ = make_moons(n_samples=n, noise=noise, random_state=seed)
    return torch.tensor(x, dtype=torch.get_default_dtype())


def _arc_distance(p: torch.Tensor, centre: tuple[float, float], upper: bool) -> torch.Tensor:
    d = p - torch.tensor(centre, dtype=p.dtype)
    radial = (d.norm(dim=-1) - 1).abs()
    on_arc = d[:, 1] >= 0 if upper else d[:, 1] <= 0
    ends = torch.tensor([[centre[0] + 1, centre[1]], [centre[0] - 1, centre[1]]], dtype=p.dtype)
    to_ends = torch.cdist(p, ends).min(dim=1).values
    return torch.where(on_arc, radial, to_ends)


def distance_to_moons(p: torch.Tensor) -> torch.Tensor:
    """Each point's distance to the nearer of the two noiseless moon arcs."""
    outer = _arc_distance(p, (0.0, 0.0), upper=True)
    inner = _arc_distance(p, (1.0, 0.5), upper=False)
    return torch.minimum(outer, inner)


def on_moons(p: torch.Tensor, width: float = 3 * NOISE) -> float:
    """The fraction of points within ``width`` of a moon (3 noise widths: 99.7% of real 1-D noise)."""
    return float((distance_to_moons(p) <= width).double().mean())


