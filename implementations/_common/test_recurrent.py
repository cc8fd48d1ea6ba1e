"""The shared LSTM and GRU cells against nn.LSTM / nn.GRU with copied weights (float64), forget-bias slice included."""

from __future__ import annotations

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations._common.recurrent import GRUCell, LSTMCell, unroll

I, H, T, B = 3, 4, 5, 2
F64 = torch.float64


def _reorder(stacked: torch.Tensor, order: str, canonical: str) -> torch.Tensor:
    """Blocks of ``stacked`` (in ``order``) rearranged into ``canonical`` order."""
    blocks = dict(zip(order, stacked.chunk(len(order))))
    return torch.cat([blocks[g] for g in canonical])


def _copy_into(cell, ref_ih, ref_hh, ref_bih, ref_bhh, canonical: str) -> None:
    """Copies PyTorch's weights (blocks in ``canonical`` order) into ``cell`` (blocks in its gate_order)."""
    with torch.no_grad():
        cell.x_proj.weight.copy_(_reorder(ref_ih, canonical, cell.gate_order))
        if cell.h_proj.bias is None:
            cell.x_proj.bias.copy_(_reorder(ref_bih + ref_bhh, canonical, cell.gate_order))
        else:
            cell.x_proj.bias.copy_(_reorder(ref_bih, canonical, cell.gate_order))
            cell.h_proj.bias.copy_(_reorder(ref_bhh, canonical, cell.gate_order))
        cell.h_proj.weight.copy_(_reorder(ref_hh, canonical, cell.gate_order))


def _assert_same_gradients(ours, theirs, xs, cell, ref, canonical: str) -> None:
    grad = torch.randn_like(ours)
    g_x, g_w = torch.autograd.grad(ours, [xs, cell.h_proj.weight], grad)
    r_x, r_w = torch.autograd.grad(theirs, [xs, ref.weight_hh_l0], grad)
    assert_close(g_x, r_x)
    assert_close(_reorder(g_w, cell.gate_order, canonical), r_w)


@pytest.mark.parametrize("hidden_bias", [True, False])
@pytest.mark.parametrize("gate_order", ["ifgo", "ifog", "oigf"])
def test_lstm_unrolled_matches_nn_lstm_values_and_gradients(hidden_bias: bool, gate_order: str) -> None:
    torch.manual_seed(0)
    ref = nn.LSTM(I, H, dtype=F64)
    cell = LSTMCell(I, H, hidden_bias=hidden_bias, gate_order=gate_order).double()
    _copy_into(cell, ref.weight_ih_l0, ref.weight_hh_l0, ref.bias_ih_l0, ref.bias_hh_l0, "ifgo")
    xs = torch.randn(T, B, I, dtype=F64, requires_grad=True)
    h0, c0 = torch.randn(B, H, dtype=F64), torch.randn(B, H, dtype=F64)
    ours, (h, c) = unroll(cell, xs, (h0, c0))
    theirs, (h_ref, c_ref) = ref(xs, (h0[None], c0[None]))
    assert_close(ours, theirs)
    assert_close((h, c), (h_ref[0], c_ref[0]))
    _assert_same_gradients(ours, theirs, xs, cell, ref, "ifgo")


def test_lstm_batch_first_with_padding_holds_each_sequence_final_state() -> None:
    torch.manual_seed(1)
    ref = nn.LSTM(I, H, batch_first=True, dtype=F64)
    cell = LSTMCell(I, H, hidden_bias=True).double()
    _copy_into(cell, ref.weight_ih_l0, ref.weight_hh_l0, ref.bias_ih_l0, ref.bias_hh_l0, "ifgo")
    lengths = [5, 3, 1]
    xs = torch.randn(3, 5, I, dtype=F64)
    valid = torch.arange(5) < torch.tensor(lengths)[:, None]
    outputs, (h, c) = unroll(cell, xs, valid=valid, time_dim=1)
    for row, n in enumerate(lengths):
        expected, (h_ref, c_ref) = ref(xs[row:row + 1, :n])
        assert_close(outputs[row, :n], expected[0])
        assert_close((h[row], c[row]), (h_ref[0, 0], c_ref[0, 0]))


@pytest.mark.parametrize("gate_order", ["ifgo", "ifog"])
def test_forget_bias_lands_on_the_forget_gate_rows_only(gate_order: str) -> None:
    torch.manual_seed(2)
    plain = LSTMCell(I, H, gate_order=gate_order)
    torch.manual_seed(2)
    biased = LSTMCell(I, H, forget_bias=3.0, gate_order=gate_order)
    delta = (biased.x_proj.bias - plain.x_proj.bias).detach()
    f = gate_order.index("f")
    expected = torch.zeros(4 * H)
    expected[f * H:(f + 1) * H] = 3.0
    assert_close(delta, expected)
    assert_close(biased.x_proj.weight, plain.x_proj.weight)
    # Behaviour, not just storage: with zero weights the forget gate alone opens, to σ(3).
    with torch.no_grad():
        for p in (biased.x_proj.weight, biased.h_proj.weight):
            p.zero_()
        biased.x_proj.bias.copy_(delta)
    h, c = biased(torch.zeros(1, I), (torch.zeros(1, H), torch.ones(1, H)))
    assert_close(c, torch.full((1, H), torch.sigmoid(torch.tensor(3.0)).item()))  # f * c + i * tanh(0)


def test_init_bound_redraws_every_parameter_and_keeps_the_seeded_stream() -> None:
    torch.manual_seed(3)
    cell = LSTMCell(I, H, hidden_bias=True, init_bound=0.08)
    for p in cell.parameters():
        assert p.abs().max() <= 0.08 and p.std() > 0.02
    # The construction order is part of the interface: the same draws as two nn.Linear then uniform_.
    torch.manual_seed(3)
    x_proj, h_proj = nn.Linear(I, 4 * H), nn.Linear(H, 4 * H)
    for p in [*x_proj.parameters(), *h_proj.parameters()]:
        nn.init.uniform_(p, -0.08, 0.08)
    assert_close(cell.x_proj.weight, x_proj.weight)
    assert_close(cell.h_proj.bias, h_proj.bias)


@pytest.mark.parametrize("gate_order", ["rzn", "zrn"])
@pytest.mark.parametrize("hidden_bias", [True, False])
def test_gru_unrolled_matches_nn_gru_values_and_gradients(gate_order: str, hidden_bias: bool) -> None:
    torch.manual_seed(4)
    ref = nn.GRU(I, H, dtype=F64)
    if not hidden_bias:  # the candidate's hidden bias sits inside r ⊙ (...): it cannot fold into b_x
        with torch.no_grad():
            ref.bias_hh_l0.zero_()
    cell = GRUCell(I, H, hidden_bias=hidden_bias, gate_order=gate_order).double()
    _copy_into(cell, ref.weight_ih_l0, ref.weight_hh_l0, ref.bias_ih_l0, ref.bias_hh_l0, "rzn")
    xs = torch.randn(T, B, I, dtype=F64, requires_grad=True)
    h0 = torch.randn(B, H, dtype=F64)
    ours, h = unroll(cell, xs, h0)
    theirs, h_ref = ref(xs, h0[None])
    assert_close(ours, theirs)
    assert_close(h, h_ref[0])
    _assert_same_gradients(ours, theirs, xs, cell, ref, "rzn")


def test_gru_padding_holds_the_state() -> None:
    torch.manual_seed(5)
    cell = GRUCell(I, H).double()
    xs = torch.randn(4, 2, I, dtype=F64)
    valid = torch.tensor([[True, True], [True, False], [True, False], [True, False]])
    _, h = unroll(cell, xs, valid=valid)
    _, h_short = unroll(cell, xs[:1, 1:])
    assert_close(h[1], h_short[0])


def test_a_gate_order_that_is_not_a_permutation_is_refused() -> None:
    with pytest.raises(ValueError, match="gate_order"):
        LSTMCell(I, H, gate_order="iffo")
    with pytest.raises(ValueError, match="gate_order"):
        GRUCell(I, H, gate_order="rz")
