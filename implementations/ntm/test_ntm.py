"""Memory read/write (eq. 2-4) by hand, the LSTM cell against nn.LSTMCell, and gradcheck through the NTM."""

import torch

from implementations.ntm.model import LSTM, NTM, LSTMCell, read_memory, write_memory
from implementations.ntm.task import bit_errors_per_sequence, copy_batch

D = torch.float64


def test_read_is_weighted_sum_of_rows():
    memory = torch.tensor([[[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]], dtype=D)
    w = torch.tensor([[0.5, 0.5, 0.0]], dtype=D)
    torch.testing.assert_close(read_memory(memory, w), torch.tensor([[2.0, 3.0]], dtype=D))


def test_write_erases_then_adds():
    memory = torch.tensor([[[1.0, 2.0], [3.0, 4.0]]], dtype=D)
    w = torch.tensor([[1.0, 0.5]], dtype=D)
    erase = torch.tensor([[1.0, 0.0]], dtype=D)
    add = torch.tensor([[10.0, 20.0]], dtype=D)
    # row 0: [1*(1-1), 2*(1-0)] + [10, 20];  row 1: [3*(1-0.5), 4] + 0.5*[10, 20]
    expected = torch.tensor([[[10.0, 22.0], [6.5, 14.0]]], dtype=D)
    torch.testing.assert_close(write_memory(memory, w, erase, add), expected)


def test_lstm_cell_matches_torch_lstm_cell():
    torch.manual_seed(0)
    ours = LSTMCell(3, 4).double()
    ref = torch.nn.LSTMCell(3, 4).double()
    with torch.no_grad():
        ref.weight_ih.copy_(ours.affine.weight[:, :3])
        ref.weight_hh.copy_(ours.affine.weight[:, 3:])
        ref.bias_ih.copy_(ours.affine.bias)
        ref.bias_hh.zero_()
    x = torch.randn(5, 3, dtype=D, requires_grad=True)
    h0, c0 = torch.randn(5, 4, dtype=D), torch.randn(5, 4, dtype=D)
    h, c = ours(x, (h0, c0))
    h_ref, c_ref = ref(x, (h0, c0))
    torch.testing.assert_close(h, h_ref)
    torch.testing.assert_close(c, c_ref)
    (g,) = torch.autograd.grad((h + c).sum(), x)
    (g_ref,) = torch.autograd.grad((h_ref + c_ref).sum(), x)
    torch.testing.assert_close(g, g_ref)


def test_ntm_gradcheck_through_time():
    torch.manual_seed(0)
    model = NTM(3, 2, hidden_size=4, memory_rows=5, memory_width=3).double()
    x = torch.randn(3, 1, 3, dtype=D, requires_grad=True)
    assert torch.autograd.gradcheck(model, (x,))


def test_ntm_weightings_are_distributions_and_shapes():
    torch.manual_seed(0)
    model = NTM(5, 4, hidden_size=8, memory_rows=6, memory_width=4)
    x, _ = copy_batch(3, 2, 4, torch.Generator().manual_seed(0))
    out, weights = model(x, return_weights=True)
    assert out.shape == (5, 3, 4) and weights.shape == (5, 3, 2, 6)
    torch.testing.assert_close(weights.sum(-1), torch.ones(5, 3, 2))
    assert LSTM(5, 4, 8)(x).shape == (5, 3, 4)


def test_copy_batch_layout_and_bit_errors():
    x, y = copy_batch(2, 3, 4, torch.Generator().manual_seed(0))
    assert x.shape == (7, 2, 5) and y.shape == (3, 2, 4)
    torch.testing.assert_close(x[:3, :, :4], y)
    assert x[3, :, 4].eq(1).all() and x[:3, :, 4].eq(0).all() and x[4:].eq(0).all()
    logits = (2 * y - 1).clone()
    logits[0, 0, 0] *= -1                            # flip one bit of sequence 0
    torch.testing.assert_close(bit_errors_per_sequence(logits, y), torch.tensor([1.0, 0.0]))
