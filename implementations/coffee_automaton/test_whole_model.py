"""One sweep of the automaton against a loop over the paper's swap rule with the same random draws, the initial
cup, and the entropy / complexity pipeline end to end on a hand-made state."""

from __future__ import annotations

import zlib

import torch

from implementations.coffee_automaton.automaton import (coarse_grain, complexity_estimate, entropy_estimate,
                                                        initial_state, sweep)


def _sweep_by_loops(grid: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Axis, parity and one coin per pair, drawn in that order; pair (j, j+1) for j = parity, parity + 2, ...;
    no pair crosses a wall."""
    vertical = bool(torch.randint(0, 2, (1,), generator=gen))
    parity = int(torch.randint(0, 2, (1,), generator=gen))
    n = grid.shape[0]
    pairs = list(range(parity, n - 1, 2))
    coins = torch.rand(n, len(pairs), generator=gen) < 0.5
    out = grid.clone()
    for line in range(n):
        for p, j in enumerate(pairs):
            if coins[line, p]:
                a, b = ((j, line), (j + 1, line)) if vertical else ((line, j), (line, j + 1))
                out[a], out[b] = grid[b], grid[a]
    return out


def test_sweeps_equal_the_loop_over_pairs_for_both_axes_and_parities():
    grid = torch.randint(0, 2, (5, 5), generator=torch.Generator().manual_seed(0), dtype=torch.uint8)
    ours, theirs = torch.Generator().manual_seed(1), torch.Generator().manual_seed(1)
    seen = set()
    for _ in range(12):
        state_before = ours.get_state()
        probe = torch.Generator()
        probe.set_state(state_before)
        seen.add((bool(torch.randint(0, 2, (1,), generator=probe)), int(torch.randint(0, 2, (1,), generator=probe))))
        expected = _sweep_by_loops(grid, theirs)
        grid_next = sweep(grid, ours)
        assert torch.equal(grid_next, expected)
        grid = grid_next
    assert seen == {(False, 0), (False, 1), (True, 0), (True, 1)}


def test_the_cup_starts_with_cream_on_top_of_coffee():
    cup = initial_state(6)
    assert cup.dtype == torch.uint8
    assert bool((cup[:3] == 1).all()) and bool((cup[3:] == 0).all())


def test_entropy_and_complexity_compress_the_fine_and_the_coarse_state():
    grid = initial_state(8)
    grid[3, 0], grid[4, 7] = 0, 1
    assert entropy_estimate(grid) == len(zlib.compress(grid.numpy().tobytes(), 9))
    coarse = coarse_grain(grid, 3)
    assert complexity_estimate(grid, 3) == len(zlib.compress(coarse.numpy().tobytes(), 9))
    # clipped 3x3 mean at the corner (0, 0): the 4 cells that exist are cream -> level 2 (mostly cream)
    assert int(coarse[0, 0]) == 2 and int(coarse[7, 7]) == 0
    # (3, 0): window rows 2-4, columns 0-1 holds cream at (2,0), (2,1), (3,1) of 6 cells: 1/2 -> level 1
    assert int(coarse[3, 0]) == 1
