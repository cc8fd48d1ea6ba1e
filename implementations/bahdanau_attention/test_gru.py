"""The hand-written GRU against nn.GRU / nn.GRUCell (float64) and against its own equations."""

from __future__ import annotations

import torch
from torch import nn
from torch.testing import assert_close

from implementations.bahdanau_attention.gru import BidirectionalGRU, GRUCell

I, H = 3, 4


def _load_from_torch(mine: GRUCell, weight_ih, weight_hh, bias_ih, bias_hh) -> None:
    """Copy nn.GRU weights (rows r, z, n) into a GRUCell.

    PyTorch writes h' = (1 - z) h + z' ... with z weighting the *old* state, the
    paper's z weights the candidate; negating z's pre-activation maps one onto
    the other, since sigmoid(-a) = 1 - sigmoid(a).
    """
    flip = torch.ones(2 * H, 1, dtype=torch.float64)
    flip[H:] = -1  # the z rows
    with torch.no_grad():
        mine.input_rz.weight.copy_(weight_ih[: 2 * H] * flip)
        mine.input_rz.bias.copy_(bias_ih[: 2 * H] * flip[:, 0])
        mine.hidden_rz.weight.copy_(weight_hh[: 2 * H] * flip)
        mine.hidden_rz.bias.copy_(bias_hh[: 2 * H] * flip[:, 0])
        mine.input_n.weight.copy_(weight_ih[2 * H :])
        mine.input_n.bias.copy_(bias_ih[2 * H :])
        mine.hidden_n.weight.copy_(weight_hh[2 * H :])
        mine.hidden_n.bias.copy_(bias_hh[2 * H :])


def test_cell_matches_nn_grucell_values_and_gradients() -> None:
    torch.manual_seed(0)
    ref = nn.GRUCell(I, H, dtype=torch.float64)
    mine = GRUCell(I, H, reset_after=True).double()
    _load_from_torch(mine, ref.weight_ih, ref.weight_hh, ref.bias_ih, ref.bias_hh)
    x = torch.randn(5, I, dtype=torch.float64, requires_grad=True)
    h = torch.randn(5, H, dtype=torch.float64, requires_grad=True)
    out, ref_out = mine(x, h), ref(x, h)
    assert_close(out, ref_out)
    g = torch.randn_like(out)
    assert_close(torch.autograd.grad(out, (x, h), g), torch.autograd.grad(ref_out, (x, h), g))


def test_bidirectional_gru_matches_nn_gru_per_sequence_despite_padding() -> None:
    torch.manual_seed(1)
    ref = nn.GRU(I, H, batch_first=True, bidirectional=True, dtype=torch.float64)
    mine = BidirectionalGRU(I, H, reset_after=True).double()
    _load_from_torch(mine.forward_cell, ref.weight_ih_l0, ref.weight_hh_l0, ref.bias_ih_l0, ref.bias_hh_l0)
    _load_from_torch(mine.backward_cell, ref.weight_ih_l0_reverse, ref.weight_hh_l0_reverse,
                     ref.bias_ih_l0_reverse, ref.bias_hh_l0_reverse)
    lengths = [6, 4, 1]
    x = torch.randn(3, 6, I, dtype=torch.float64)
    valid = torch.arange(6) < torch.tensor(lengths)[:, None]
    x = x.masked_fill(~valid[..., None], 123.0)  # garbage in the padding must not leak in
    out = mine(x, valid)
    for row, n in enumerate(lengths):
        expected, _ = ref(x[row : row + 1, :n])  # the reference sees the unpadded sentence
        assert_close(out[row, :n], expected[0])


def test_paper_cell_follows_its_equations_and_passes_gradcheck() -> None:
    torch.manual_seed(2)
    cell = GRUCell(I, H).double()  # the paper's variant: reset gate applied before U
    x = torch.randn(2, I, dtype=torch.float64, requires_grad=True)
    h = torch.randn(2, H, dtype=torch.float64, requires_grad=True)
    W_r, W_z = cell.input_rz.weight.split(H)
    b_r, b_z = cell.input_rz.bias.split(H)
    U_r, U_z = cell.hidden_rz.weight.split(H)
    c_r, c_z = cell.hidden_rz.bias.split(H)
    r = torch.sigmoid(x @ W_r.T + b_r + h @ U_r.T + c_r)
    z = torch.sigmoid(x @ W_z.T + b_z + h @ U_z.T + c_z)
    candidate = torch.tanh(x @ cell.input_n.weight.T + cell.input_n.bias + (r * h) @ cell.hidden_n.weight.T
                           + cell.hidden_n.bias)
    assert_close(cell(x, h), (1 - z) * h + z * candidate)
    assert torch.autograd.gradcheck(cell, (x, h))
