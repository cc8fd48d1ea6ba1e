"""Coffee automaton: conservation, locality of the swaps, determinism, coarse-graining by hand."""

from __future__ import annotations

import torch

from implementations.coffee_automaton.automaton import (
    coarse_grain, complexity_estimate, compressed_size, entropy_estimate, initial_state, sweep,
)


def _run(n: int, steps: int, seed: int) -> list[torch.Tensor]:
    gen = torch.Generator().manual_seed(seed)
    grids = [initial_state(n)]
    for _ in range(steps):
        grids.append(sweep(grids[-1], gen))
    return grids


def test_cream_is_conserved_and_values_stay_binary() -> None:
    grids = _run(10, 300, seed=0)
    assert int(grids[0].sum()) == 50
    for g in grids:
        assert int(g.sum()) == 50
        assert set(g.unique().tolist()) <= {0, 1}
    assert not torch.equal(grids[0], grids[-1])  # it does mix


def test_each_sweep_only_swaps_neighbours_along_one_axis() -> None:
    """A horizontal sweep keeps every row's cream count, a vertical one every column's,
    and no cell moves further than one step."""
    grids = _run(9, 200, seed=1)
    for a, b in zip(grids, grids[1:]):
        rows_kept = torch.equal(a.sum(1), b.sum(1))
        cols_kept = torch.equal(a.sum(0), b.sum(0))
        assert rows_kept or cols_kept
        # a changed cell must have a neighbour (along some axis) holding its new value before the sweep
        changed = (a != b).nonzero().tolist()
        for r, c in changed:
            neighbours = [a[rr, cc] for rr, cc in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1))
                          if 0 <= rr < a.shape[0] and 0 <= cc < a.shape[1]]
            assert any(int(v) == int(b[r, c]) for v in neighbours)


def test_deterministic_for_a_seed() -> None:
    a, b, c = _run(12, 100, seed=7), _run(12, 100, seed=7), _run(12, 100, seed=8)
    assert all(torch.equal(x, y) for x, y in zip(a, b))
    assert not torch.equal(a[-1], c[-1])


def test_coarse_graining_by_hand() -> None:
    """Top two rows cream, 3x3 window clipped at the walls, 4 levels (thresholds 1/4, 1/2, 3/4):
    row 0 sees rows 0-1 (all cream), row 1 rows 0-2 (2/3), row 2 rows 1-3 (1/3), row 3 rows 2-3 (0)."""
    grid = initial_state(4)
    expected = torch.tensor([[3] * 4, [2] * 4, [1] * 4, [0] * 4], dtype=torch.uint8)
    assert torch.equal(coarse_grain(grid, grain=3, levels=4), expected)


def test_coarse_graining_matches_a_loop_over_windows() -> None:
    gen = torch.Generator().manual_seed(3)
    grid = (torch.rand(7, 6, generator=gen) < 0.5).to(torch.uint8)
    for grain in (2, 3, 4):
        got = coarse_grain(grid, grain, levels=3)
        lo = grain // 2
        for r in range(7):
            for c in range(6):
                win = grid[max(r - lo, 0):r - lo + grain, max(c - lo, 0):c - lo + grain].double()
                assert int(got[r, c]) == min(int(win.mean() * 3), 2)


def test_compression_orders_states() -> None:
    """Ordered < mixed for the fine-grained state, while the mixed cup's coarse-grained
    picture is nearly uniform and compresses to a fraction of its fine-grained size."""
    gen = torch.Generator().manual_seed(4)
    ordered = initial_state(32)
    mixed = ordered.flatten()[torch.randperm(32 * 32, generator=gen)].view(32, 32)
    assert entropy_estimate(ordered) * 5 < entropy_estimate(mixed)
    assert compressed_size(torch.zeros(32, 32)) < compressed_size(ordered) + 5
    assert complexity_estimate(mixed, grain=9) * 4 < entropy_estimate(mixed)
