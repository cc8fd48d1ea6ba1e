"""The long-memory task and the gradient probe the demo uses."""

from __future__ import annotations

import torch
from torch.nn import functional as F


def first_symbol_batch(
    batch: int, length: int, n_symbols: int, generator: torch.Generator
) -> tuple[torch.Tensor, torch.Tensor]:
    """Sequences whose answer is their first symbol, read only after `length` steps.

    Step 1 shows one of ``n_symbols`` "signal" symbols; steps 2..T show random
    "noise" symbols from a disjoint set of the same size. The target is the
    signal symbol, so the network must keep it for T-1 steps while the noise
    keeps arriving. Returns one-hot inputs (T, B, 2 * n_symbols) and targets (B,).
    """
    target = torch.randint(0, n_symbols, (batch,), generator=generator)
    seq = torch.randint(n_symbols, 2 * n_symbols, (batch, length), generator=generator)
    seq[:, 0] = target
    return F.one_hot(seq, 2 * n_symbols).float().transpose(0, 1), target


def jacobian_norm_first_input(layer: torch.nn.Module, xs: torch.Tensor) -> torch.Tensor:
    """Per-sequence Frobenius norm of dh_T/dx_1, the Jacobian of the last hidden state w.r.t. the first input.

    Sequences in a batch are independent, so one backward pass per hidden unit
    k (of sum_b h_T[b, k]) yields row k of every sequence's Jacobian at once.
    """
    xs = xs.detach().clone().requires_grad_(True)
    outputs, _ = layer(xs)
    h_last = outputs[-1]
    squared = torch.zeros(xs.shape[1], dtype=xs.dtype, device=xs.device)
    for k in range(h_last.shape[1]):
        (grad,) = torch.autograd.grad(h_last[:, k].sum(), xs, retain_graph=True)
        squared += grad[0].pow(2).sum(dim=1)
    return squared.sqrt()
