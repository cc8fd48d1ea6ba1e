"""The hand-written LSTM against nn.LSTMCell / nn.LSTM with copied weights (float64)."""

from __future__ import annotations

import torch
from torch import nn
from torch.testing import assert_close

from implementations.pointer_network.lstm import LSTMCell, run_lstm

I, H = 3, 4


def _copy(mine: LSTMCell, w_ih, w_hh, b_ih, b_hh) -> None:
    with torch.no_grad():
        mine.x_proj.weight.copy_(w_ih)
        mine.x_proj.bias.copy_(b_ih)
        mine.h_proj.weight.copy_(w_hh)
        mine.h_proj.bias.copy_(b_hh)


def test_cell_matches_nn_lstmcell_values_and_gradients() -> None:
    torch.manual_seed(0)
    ref = nn.LSTMCell(I, H, dtype=torch.float64)
    mine = LSTMCell(I, H).double()
    _copy(mine, ref.weight_ih, ref.weight_hh, ref.bias_ih, ref.bias_hh)
    x = torch.randn(5, I, dtype=torch.float64, requires_grad=True)
    h = torch.randn(5, H, dtype=torch.float64, requires_grad=True)
    c = torch.randn(5, H, dtype=torch.float64, requires_grad=True)
    out, ref_out = mine(x, (h, c)), ref(x, (h, c))
    assert_close(out, ref_out)
    g = (torch.randn(5, H, dtype=torch.float64), torch.randn(5, H, dtype=torch.float64))
    assert_close(torch.autograd.grad(out, (x, h, c), g), torch.autograd.grad(ref_out, (x, h, c), g))


def test_run_lstm_matches_nn_lstm_and_holds_state_through_padding() -> None:
    torch.manual_seed(1)
    ref = nn.LSTM(I, H, batch_first=True, dtype=torch.float64)
    mine = LSTMCell(I, H).double()
    _copy(mine, ref.weight_ih_l0, ref.weight_hh_l0, ref.bias_ih_l0, ref.bias_hh_l0)
    lengths = [5, 3, 1]
    x = torch.randn(3, 5, I, dtype=torch.float64)
    valid = torch.arange(5) < torch.tensor(lengths)[:, None]
    outputs, (h, c) = run_lstm(mine, x, mine.zero_state(3, x), valid)
    for row, n in enumerate(lengths):
        expected, (h_ref, c_ref) = ref(x[row : row + 1, :n])
        assert_close(outputs[row, :n], expected[0])
        assert_close(h[row], h_ref[0, 0])
        assert_close(c[row], c_ref[0, 0])
