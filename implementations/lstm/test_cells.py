"""The from-scratch cells against PyTorch's fused modules, gradcheck, and the gradient probe."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from implementations.lstm.model import GRUCell, LSTMCell, Recurrent, TanhRNNCell
from implementations.lstm.task import first_symbol_batch, jacobian_norm_first_input

T, B, IN, H = 5, 3, 4, 6


@pytest.fixture(autouse=True)
def _seed():
    torch.manual_seed(0)


def _compare_with_reference(ours: Recurrent, ref: nn.Module, wrap_state) -> None:
    """Same inputs and initial state through both; outputs, final states and all gradients must match."""
    xs = torch.randn(T, B, IN, dtype=torch.float64)
    h0 = torch.randn(B, H, dtype=torch.float64)
    c0 = torch.randn(B, H, dtype=torch.float64)
    xs_a, xs_b = xs.clone().requires_grad_(True), xs.clone().requires_grad_(True)
    state_ours, state_ref = wrap_state(h0, c0)
    out_a, last_a = ours(xs_a, state_ours)
    out_b, last_b = ref(xs_b, state_ref)
    torch.testing.assert_close(out_a, out_b)
    last_a = last_a if isinstance(last_a, tuple) else (last_a,)
    last_b = tuple(s[0] for s in last_b) if isinstance(last_b, tuple) else (last_b[0],)
    for a, b in zip(last_a, last_b, strict=True):
        torch.testing.assert_close(a, b)
    weights = torch.randn_like(out_a)  # a generic upstream gradient
    (out_a * weights).sum().backward()
    (out_b * weights).sum().backward()
    torch.testing.assert_close(xs_a.grad, xs_b.grad)
    return ours, ref


def test_lstm_matches_nn_lstm_outputs_and_gradients():
    ours = Recurrent(LSTMCell(IN, H, forget_bias=1.0)).double()
    ref = nn.LSTM(IN, H).double()
    cell = ours.cell
    f, i, g, o = range(4)
    order = [i, f, g, o]  # PyTorch stacks its gates as i, f, g, o; Olah's order (ours) is f, i, C~, o

    def to_torch_order(w):
        return torch.cat([w.chunk(4)[k] for k in order])

    with torch.no_grad():
        ref.weight_ih_l0.copy_(to_torch_order(cell.x_proj.weight))
        ref.weight_hh_l0.copy_(to_torch_order(cell.h_proj.weight))
        ref.bias_ih_l0.copy_(to_torch_order(cell.x_proj.bias))
        ref.bias_hh_l0.zero_()  # we have one bias per gate; PyTorch has two that add up
    _compare_with_reference(ours, ref, lambda h, c: ((h, c), (h[None], c[None])))
    torch.testing.assert_close(to_torch_order(cell.x_proj.weight.grad), ref.weight_ih_l0.grad)
    torch.testing.assert_close(to_torch_order(cell.h_proj.weight.grad), ref.weight_hh_l0.grad)
    torch.testing.assert_close(to_torch_order(cell.x_proj.bias.grad), ref.bias_ih_l0.grad)
    torch.testing.assert_close(to_torch_order(cell.x_proj.bias.grad), ref.bias_hh_l0.grad)


def test_gru_matches_nn_gru_outputs_and_gradients():
    ours = Recurrent(GRUCell(IN, H, reset_after=True)).double()
    ref = nn.GRU(IN, H).double()
    cell = ours.cell
    # Both stack r, z, n. Olah's z weights the NEW candidate, PyTorch's the OLD state:
    # z_torch = 1 - z_ours = sigmoid(-a), so the z rows are negated.
    sign = torch.ones(3 * H, dtype=torch.float64)
    sign[H: 2 * H] = -1

    with torch.no_grad():
        ref.weight_ih_l0.copy_(sign[:, None] * cell.x_proj.weight)
        ref.weight_hh_l0.copy_(sign[:, None] * cell.h_proj.weight)
        ref.bias_ih_l0.copy_(sign * cell.x_proj.bias)
        ref.bias_hh_l0.copy_(sign * cell.h_proj.bias)
    _compare_with_reference(ours, ref, lambda h, c: (h, h[None]))
    torch.testing.assert_close(sign[:, None] * cell.x_proj.weight.grad, ref.weight_ih_l0.grad)
    torch.testing.assert_close(sign[:, None] * cell.h_proj.weight.grad, ref.weight_hh_l0.grad)
    torch.testing.assert_close(sign * cell.x_proj.bias.grad, ref.bias_ih_l0.grad)
    torch.testing.assert_close(sign * cell.h_proj.bias.grad, ref.bias_hh_l0.grad)


def test_tanh_rnn_matches_nn_rnn():
    ours = Recurrent(TanhRNNCell(IN, H)).double()
    ref = nn.RNN(IN, H, nonlinearity="tanh").double()
    with torch.no_grad():
        ref.weight_ih_l0.copy_(ours.cell.x_proj.weight)
        ref.weight_hh_l0.copy_(ours.cell.h_proj.weight)
        ref.bias_ih_l0.copy_(ours.cell.x_proj.bias)
        ref.bias_hh_l0.zero_()
    _compare_with_reference(ours, ref, lambda h, c: (h, h[None]))
    torch.testing.assert_close(ours.cell.h_proj.weight.grad, ref.weight_hh_l0.grad)


def test_olah_gru_applies_reset_before_the_hidden_projection():
    """reset_after=False is Olah's h~ = tanh(W·[r*h, x]); check one step against that formula by hand."""
    cell = GRUCell(IN, H, reset_after=False).double()
    x, h = torch.randn(B, IN, dtype=torch.float64), torch.randn(B, H, dtype=torch.float64)
    wx, bx = cell.x_proj.weight.chunk(3), cell.x_proj.bias.chunk(3)
    wh, bh = cell.h_proj.weight.chunk(3), cell.h_proj.bias.chunk(3)
    r = torch.sigmoid(x @ wx[0].T + bx[0] + h @ wh[0].T + bh[0])
    z = torch.sigmoid(x @ wx[1].T + bx[1] + h @ wh[1].T + bh[1])
    h_tilde = torch.tanh(x @ wx[2].T + bx[2] + (r * h) @ wh[2].T + bh[2])
    expected = (1 - z) * h + z * h_tilde
    got, _ = cell(x, h)
    torch.testing.assert_close(got, expected)
    # ... and it really is a different function from the reset-after form.
    cell.reset_after = True
    assert (cell(x, h)[0] - expected).abs().max() > 1e-3


@pytest.mark.parametrize("make", [
    lambda: LSTMCell(2, 3),
    lambda: GRUCell(2, 3, reset_after=True),
    lambda: GRUCell(2, 3, reset_after=False),
    lambda: TanhRNNCell(2, 3),
], ids=["lstm", "gru", "gru-olah", "tanh-rnn"])
def test_cells_pass_gradcheck(make):
    cell = make().double()
    x = torch.randn(2, 2, dtype=torch.float64, requires_grad=True)
    h = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
    if isinstance(cell, LSTMCell):
        c = torch.randn(2, 3, dtype=torch.float64, requires_grad=True)
        fn = lambda x, h, c: torch.cat(cell(x, (h, c))[1], dim=-1)  # noqa: E731
        assert torch.autograd.gradcheck(fn, (x, h, c))
    else:
        assert torch.autograd.gradcheck(lambda x, h: cell(x, h)[0], (x, h))
    # and w.r.t. the parameters, through two unrolled steps
    params = tuple(cell.parameters())
    xs = torch.randn(2, 2, 2, dtype=torch.float64)

    def through_params(*ps):
        out = torch.func.functional_call(Recurrent(cell), {f"cell.{n}": p for (n, _), p in
                                                          zip(cell.named_parameters(), ps)}, (xs,))
        return out[0]
    assert torch.autograd.gradcheck(through_params, params)


def test_forget_bias_is_added_to_the_forget_gate_only():
    torch.manual_seed(1)
    base = LSTMCell(IN, H, forget_bias=0.0)
    torch.manual_seed(1)
    shifted = LSTMCell(IN, H, forget_bias=2.5)
    diff = shifted.x_proj.bias - base.x_proj.bias
    torch.testing.assert_close(diff[:H], torch.full((H,), 2.5))
    torch.testing.assert_close(diff[H:], torch.zeros(3 * H))


def test_jacobian_probe_matches_autograd_jacobian():
    layer = Recurrent(LSTMCell(8, H, forget_bias=1.0)).double()
    xs, _ = first_symbol_batch(3, 7, 4, torch.Generator().manual_seed(0))
    xs = xs.double()
    got = jacobian_norm_first_input(layer, xs)
    for b in range(xs.shape[1]):
        jac = torch.autograd.functional.jacobian(lambda x1: layer(torch.cat([x1[None], xs[1:, b:b + 1]]))[0][-1, 0],
                                                 xs[0, b:b + 1])
        torch.testing.assert_close(got[b], jac.norm())


def test_first_symbol_task_puts_the_answer_only_at_step_one():
    xs, target = first_symbol_batch(16, 10, 4, torch.Generator().manual_seed(0))
    assert xs.shape == (10, 16, 8)
    torch.testing.assert_close(xs[0].argmax(-1), target)
    assert (xs[1:].argmax(-1) >= 4).all()  # noise symbols are disjoint from the signal symbols
