"""Spiral trajectories of the cubic system of the neural-ODE toy problem,

    dz/dt = (z ∘ z ∘ z) A,    A = [[−0.1, 2], [−2, −0.1]],

observed at irregular times with Gaussian noise. Initial states lie on a ring of radii 0.4-1.4 at
random angles; training and test trajectories come from separate draws (disjoint initial states).
The true states are integrated by ``solvers.odeint_dopri5`` at tight tolerance on a fine grid of
step GRID, all trajectories at once. A split's trajectories share one observation schedule, 0
and N_OBS − 1 distinct random grid times (irregular gaps), so that a batch of segments shares its
time points; the test split has its own schedule.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

from .solvers import odeint_dopri5

TRUE_A = ((-0.1, 2.0), (-2.0, -0.1))
T_END, N_OBS, NOISE, GRID = 5.0, 50, 0.02, 0.02
RADII = (0.4, 1.4)


def true_field(t: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    return (z ** 3) @ torch.tensor(TRUE_A, dtype=z.dtype, device=z.device)


@dataclass(frozen=True)
class Trajectories:
    times: torch.Tensor       # (N_OBS,), increasing, times[0] = 0, shared by the split
    clean: torch.Tensor       # (count, N_OBS, 2) true states
    observed: torch.Tensor    # clean + noise


def grid() -> torch.Tensor:
    return torch.arange(round(T_END / GRID) + 1, dtype=torch.float64) * GRID


def observation_indices(generator: torch.Generator) -> torch.Tensor:
    """Grid index 0, then N_OBS − 1 distinct sorted random grid indices: irregular gaps."""
    inner = torch.randperm(len(grid()) - 1, generator=generator)[:N_OBS - 1] + 1
    return torch.cat([torch.zeros(1, dtype=torch.long), inner.sort().values])


def initial_states(count: int, generator: torch.Generator) -> torch.Tensor:
    radius = RADII[0] + (RADII[1] - RADII[0]) * torch.rand(count, generator=generator, dtype=torch.float64)
    angle = 2 * math.pi * torch.rand(count, generator=generator, dtype=torch.float64)
    return torch.stack([radius * torch.cos(angle), radius * torch.sin(angle)], dim=1)


def make_trajectories(count: int, generator: torch.Generator) -> Trajectories:
    index, z0 = observation_indices(generator), initial_states(count, generator)
    path = odeint_dopri5(true_field, z0, grid(), rtol=1e-9, atol=1e-11)         # (points, count, 2)
    clean = path[index].transpose(0, 1)
    times = grid()[index]
    noise = NOISE * torch.randn(clean.shape, generator=generator, dtype=torch.float64)
    return Trajectories(times, clean, clean + noise)


def make_splits(n_train: int, n_test: int, seed: int) -> tuple[Trajectories, Trajectories]:
    gen = torch.Generator().manual_seed(seed)
    return make_trajectories(n_train, gen), make_trajectories(n_test, gen)
