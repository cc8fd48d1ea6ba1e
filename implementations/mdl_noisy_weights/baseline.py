"""The strongest cheap rivals to the MDL net: weight decay and early stopping tuned on held-out data.

Two ways to tune, both over the same grid (the L2 weight-decay strength, the first layer's initial
scale, and the stopping step):

- ``held_out_decay``: the usual recipe. 10 of the 30 points are held out, the nets train on the
  other 20, and the model with the lowest error on the 10 is kept. The MDL net needs no held-out
  data; this baseline pays for its tuning with a third of the data.
- ``cross_validated_decay``: the stronger one. The setting is chosen by 5-fold cross-validation on
  the 30 points, and the net trained on all 30 with that setting is kept.

All grid points and folds train at once as one batch of independent networks: Adam's update is
elementwise, so stacking the models along a leading axis trains each exactly as if alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch

DECAYS = (0.0, 1e-4, 1e-3, 3e-3, 1e-2, 1e-1)   # L2 coefficient on the weights (biases free)
INIT_SCALES = (1.0, 10.0)


@dataclass(frozen=True)
class Choice:
    decay: float
    init_scale: float
    steps: int
    cv_mse: float
    test_mse: float
    train_mse: float
    unregularised_test_mse: float   # decay 0, init scale 10, all steps: the net trained on the data alone


def fold_masks(n: int, folds: int, generator: torch.Generator) -> torch.Tensor:
    """(folds, n) training masks: fold k holds out every point whose shuffled position is k mod folds."""
    position = torch.empty(n, dtype=torch.long)
    position[torch.randperm(n, generator=generator)] = torch.arange(n)
    held = position.remainder(folds)
    return torch.stack([(held != k).float() for k in range(folds)])


class BatchedMLP(torch.nn.Module):
    """M independent 1-hidden-layer tanh networks, weights stacked on a leading axis."""

    def __init__(self, init_scales: torch.Tensor, fan_in: int, hidden: int, generator: torch.Generator) -> None:
        super().__init__()
        m = init_scales.numel()
        first = (init_scales / math.sqrt(fan_in)).view(m, 1, 1)
        self.w1 = torch.nn.Parameter(torch.randn(m, fan_in, hidden, generator=generator) * first)
        self.b1 = torch.nn.Parameter(torch.randn(m, 1, hidden, generator=generator) * first)
        self.w2 = torch.nn.Parameter(torch.randn(m, hidden, 1, generator=generator) / math.sqrt(hidden))
        self.b2 = torch.nn.Parameter(torch.zeros(m, 1, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x: (n, fan_in) -> (M, n) predictions."""
        return (torch.tanh(x @ self.w1 + self.b1) @ self.w2 + self.b2).squeeze(-1)

    def squared_weights(self) -> torch.Tensor:
        """Per-model sum of squared weights (biases not decayed), shape (M,)."""
        return self.w1.pow(2).sum((1, 2)) + self.w2.pow(2).sum((1, 2))


def cross_validated_decay(x: torch.Tensor, y: torch.Tensor, x_test: torch.Tensor, y_test: torch.Tensor,
                          steps: int, lr: float, hidden: int, seed: int, folds: int = 5,
                          eval_every: int = 100, decays: tuple[float, ...] = DECAYS,
                          init_scales: tuple[float, ...] = INIT_SCALES, early_stopping: bool = True) -> Choice:
    """Pick (decay, init scale, stopping step) by K-fold CV error; report the all-data model's test MSE.

    ``x_test``/``y_test`` are only read for the chosen model's report, never for the choice.
    """
    g = torch.Generator().manual_seed(seed)
    n = y.numel()
    grid = [(d, s) for d in decays for s in init_scales]
    masks = torch.cat([fold_masks(n, folds, g), torch.ones(1, n)]).to(x.device)   # last row: all data
    runs = folds + 1
    decay = torch.tensor([d for d, _ in grid for _ in range(runs)], device=x.device)
    scale = torch.tensor([s for _, s in grid for _ in range(runs)])
    train_mask = masks.repeat(len(grid), 1)                                       # (M, n)
    net = BatchedMLP(scale, x.shape[1], hidden, g).to(x.device)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    target = y.view(1, -1)
    counts = train_mask.sum(1)
    cv, test, train = [], [], []
    for step in range(1, steps + 1):
        misfit = ((net(x) - target).pow(2) * train_mask).sum(1) / counts
        loss = (misfit + decay * net.squared_weights()).sum()                  # models are independent
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % eval_every == 0 or step == steps:
            with torch.no_grad():
                err = (net(x) - target).pow(2).view(len(grid), runs, n)
                held = (1 - masks[:folds]).view(1, folds, n)
                cv.append((err[:, :folds] * held).sum((1, 2)) / n)               # each point held out once
                train.append(err[:, folds].mean(1))
                test.append((net(x_test) - y_test.view(1, -1)).pow(2).mean(1).view(len(grid), runs)[:, folds])
    cv_t, test_t, train_t = torch.stack(cv), torch.stack(test), torch.stack(train)  # (checkpoints, grid)
    plain = grid.index((0.0, 10.0)) if (0.0, 10.0) in grid else None
    unregularised = test_t[-1, plain].item() if plain is not None else float("nan")
    if not early_stopping:
        cv_t, test_t, train_t = cv_t[-1:], test_t[-1:], train_t[-1:]
    best = int(torch.argmin(cv_t))
    t, k = divmod(best, len(grid))
    stop = min((t + 1) * eval_every, steps) if early_stopping else steps
    d, s = grid[k]
    return Choice(decay=d, init_scale=s, steps=stop, cv_mse=cv_t[t, k].item(),
                  test_mse=test_t[t, k].item(), train_mse=train_t[t, k].item(),
                  unregularised_test_mse=unregularised)


@dataclass(frozen=True)
class HeldOutChoice:
    decay: float
    init_scale: float
    steps: int
    valid_mse: float
    test_mse: float


def holdout_split(n: int, valid: int, generator: torch.Generator) -> torch.Tensor:
    """(n,) training mask: ``valid`` points chosen at random are held out for validation."""
    mask = torch.ones(n)
    mask[torch.randperm(n, generator=generator)[:valid]] = 0
    return mask


def held_out_decay(x: torch.Tensor, y: torch.Tensor, x_test: torch.Tensor, y_test: torch.Tensor,
                   steps: int, lr: float, hidden: int, seed: int, valid: int = 10, eval_every: int = 100,
                   decays: tuple[float, ...] = DECAYS, init_scales: tuple[float, ...] = INIT_SCALES) -> HeldOutChoice:
    """Weight decay and early stopping as usually done: train on the other points, pick (decay, init, stop)
    by the error on ``valid`` held-out points, and keep the model so chosen (trained without them).

    The MDL net needs no held-out data: this is the price the paper says MDL avoids.
    ``x_test``/``y_test`` are only read for the chosen model's report, never for the choice.
    """
    g = torch.Generator().manual_seed(seed)
    grid = [(d, s) for d in decays for s in init_scales]
    mask = holdout_split(y.numel(), valid, g).to(x.device).view(1, -1)
    decay = torch.tensor([d for d, _ in grid], device=x.device)
    net = BatchedMLP(torch.tensor([s for _, s in grid]), x.shape[1], hidden, g).to(x.device)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    target = y.view(1, -1)
    valid_err, test_err = [], []
    for step in range(1, steps + 1):
        misfit = ((net(x) - target).pow(2) * mask).sum(1) / mask.sum()
        loss = (misfit + decay * net.squared_weights()).sum()                  # models are independent
        opt.zero_grad()
        loss.backward()
        opt.step()
        if step % eval_every == 0 or step == steps:
            with torch.no_grad():
                valid_err.append(((net(x) - target).pow(2) * (1 - mask)).sum(1) / (1 - mask).sum())
                test_err.append((net(x_test) - y_test.view(1, -1)).pow(2).mean(1))
    valid_t, test_t = torch.stack(valid_err), torch.stack(test_err)            # (checkpoints, grid)
    t, k = divmod(int(torch.argmin(valid_t)), len(grid))
    d, s = grid[k]
    return HeldOutChoice(decay=d, init_scale=s, steps=min((t + 1) * eval_every, steps),
                         valid_mse=valid_t[t, k].item(), test_mse=test_t[t, k].item())
