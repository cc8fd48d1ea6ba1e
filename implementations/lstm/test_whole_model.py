"""The demo's assembled classifier (unrolled cell -> linear read-out of h_T) against nn.LSTM / nn.RNN +
nn.Linear with copied weights (float64), the gradient probe against a finite difference, and the task's data."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations.lstm.demo import accuracy, gradient_reach
from implementations.lstm.model import LSTMCell, Recurrent, TanhRNNCell
from implementations.lstm.task import first_symbol_batch

F64 = torch.float64
T, B, SYMBOLS, H = 9, 5, 3, 6


def _olah_to_torch(t: torch.Tensor) -> torch.Tensor:
    f, i, g, o = t.chunk(4)   # Olah's stacking; nn.LSTM stacks i, f, g, o
    return torch.cat([i, f, g, o])


@pytest.mark.parametrize("kind", ["lstm", "rnn"])
def test_classifier_reads_the_last_step_exactly_like_torch_modules(kind: str) -> None:
    torch.manual_seed(0)
    n_in = 2 * SYMBOLS
    cell = LSTMCell(n_in, H, forget_bias=3.0) if kind == "lstm" else TanhRNNCell(n_in, H)
    layer, head = Recurrent(cell).double(), nn.Linear(H, SYMBOLS, dtype=F64)
    ref = nn.LSTM(n_in, H, dtype=F64) if kind == "lstm" else nn.RNN(n_in, H, dtype=F64)
    convert = _olah_to_torch if kind == "lstm" else (lambda t: t)
    with torch.no_grad():
        ref.weight_ih_l0.copy_(convert(cell.x_proj.weight))
        ref.weight_hh_l0.copy_(convert(cell.h_proj.weight))
        ref.bias_ih_l0.copy_(convert(cell.x_proj.bias))
        ref.bias_hh_l0.zero_()
        head.weight.normal_(0, 3.0)   # predictions that vary from sequence to sequence
        head.bias.zero_()
    xs, _ = first_symbol_batch(64, T, SYMBOLS, torch.Generator().manual_seed(1))
    xs = xs.double()
    outputs, _ = layer(xs)
    ref_out, _ = ref(xs)
    assert_close(outputs, ref_out)
    # labels set to the reference's read-out at step T: only a read-out of h_T scores 1
    predicted = head(ref_out[-1]).argmax(1)
    assert accuracy(layer, head, xs, predicted) == 1.0
    assert (head(ref_out[0]).argmax(1) != predicted).any()   # the check can tell step 1 from step T
    if kind == "lstm":  # the forget bias sits on nn.LSTM's f rows [H:2H] once converted
        b = ref.bias_ih_l0.detach()
        assert float((b[H:2 * H] - 3.0).abs().max()) <= H ** -0.5
        assert float(torch.cat([b[:H], b[2 * H:]]).abs().max()) <= H ** -0.5


def test_gradient_reach_is_the_geometric_mean_of_first_input_jacobian_norms() -> None:
    torch.manual_seed(2)
    layer = Recurrent(TanhRNNCell(4, 3)).double()
    xs = torch.randn(5, 3, 4, dtype=F64)
    norms = []
    for b in range(3):
        jac = torch.autograd.functional.jacobian(lambda x1: layer(torch.cat([x1[None], xs[1:, b:b + 1]]))[0][-1, 0],
                                                 xs[0, b:b + 1])
        norms.append(jac.norm())
    expected = torch.stack(norms).log().mean().exp().item()
    assert gradient_reach(layer, xs) == pytest.approx(expected, rel=1e-9)


def test_first_symbol_task_signal_and_noise_symbols_are_disjoint() -> None:
    xs, target = first_symbol_batch(200, 7, 4, torch.Generator().manual_seed(3))
    symbols = xs.argmax(-1)                                   # (T, B)
    assert xs.shape == (7, 200, 8) and bool((xs.sum(-1) == 1).all())
    assert torch.equal(symbols[0], target)                    # the answer is shown once, at step 1
    assert bool((symbols[1:] >= 4).all()) and bool((target < 4).all())
    assert set(target.tolist()) == {0, 1, 2, 3}
