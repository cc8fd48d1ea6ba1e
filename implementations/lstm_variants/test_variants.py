"""Each LSTM variant against its equations written out by hand, NP against nn.LSTM, gradcheck, the task."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from implementations.lstm_variants.model import VARIANTS, VariantLSTM, VariantLSTMCell
from implementations.lstm_variants.task import NO_TARGET, LatestValueStreams

IN, H, B = 3, 4, 2
sig, tanh = torch.sigmoid, torch.tanh


def _cell(variant: str) -> VariantLSTMCell:
    torch.manual_seed(0)
    cell = VariantLSTMCell(IN, H, variant).double()
    with torch.no_grad():  # make every parameter matter at a visible scale
        for p in cell.parameters():
            p.copy_(torch.randn_like(p) * 0.5)
    return cell


def _weights(cell: VariantLSTMCell) -> dict[str, torch.Tensor]:
    """W_*, R_*, b_*, p_* by name, read out of the stacked parameters."""
    w = {}
    for k, name in enumerate(cell.blocks):
        rows = slice(k * H, (k + 1) * H)
        w[f"W{name}"], w[f"R{name}"], w[f"b{name}"] = cell.W.weight[rows], cell.R.weight[rows], cell.W.bias[rows]
    for gate, p in cell.peep.items():
        w[f"p{gate}"] = p
    return w


def _step_by_hand(variant: str, w, x, y, c, gates_prev):
    """One step of Greff et al. (2015), eqs. in section 2, with the variant's change (section 3.2) spelled out."""
    def lin(name):  # W_* x_t + R_* y_{t-1} + b_*
        return x @ w[f"W{name}"].T + y @ w[f"R{name}"].T + w[f"b{name}"]

    if variant == "V":
        z = tanh(lin("z"))
        i = sig(lin("i") + w["pi"] * c)
        f = sig(lin("f") + w["pf"] * c)
        c_new = z * i + c * f
        o = sig(lin("o") + w["po"] * c_new)
        return tanh(c_new) * o, c_new
    if variant == "NIG":  # i_t = 1
        z = tanh(lin("z"))
        f = sig(lin("f") + w["pf"] * c)
        c_new = z + c * f
        o = sig(lin("o") + w["po"] * c_new)
        return tanh(c_new) * o, c_new
    if variant == "NFG":  # f_t = 1
        z = tanh(lin("z"))
        i = sig(lin("i") + w["pi"] * c)
        c_new = z * i + c
        o = sig(lin("o") + w["po"] * c_new)
        return tanh(c_new) * o, c_new
    if variant == "NOG":  # o_t = 1
        z = tanh(lin("z"))
        i = sig(lin("i") + w["pi"] * c)
        f = sig(lin("f") + w["pf"] * c)
        c_new = z * i + c * f
        return tanh(c_new), c_new
    if variant == "NIAF":  # g(x) = x
        z = lin("z")
        i = sig(lin("i") + w["pi"] * c)
        f = sig(lin("f") + w["pf"] * c)
        c_new = z * i + c * f
        o = sig(lin("o") + w["po"] * c_new)
        return tanh(c_new) * o, c_new
    if variant == "NOAF":  # h(x) = x
        z = tanh(lin("z"))
        i = sig(lin("i") + w["pi"] * c)
        f = sig(lin("f") + w["pf"] * c)
        c_new = z * i + c * f
        o = sig(lin("o") + w["po"] * c_new)
        return c_new * o, c_new
    if variant == "CIFG":  # f_t = 1 - i_t
        z = tanh(lin("z"))
        i = sig(lin("i") + w["pi"] * c)
        c_new = z * i + c * (1 - i)
        o = sig(lin("o") + w["po"] * c_new)
        return tanh(c_new) * o, c_new
    if variant == "NP":  # no peephole terms
        z = tanh(lin("z"))
        i = sig(lin("i"))
        f = sig(lin("f"))
        c_new = z * i + c * f
        o = sig(lin("o"))
        return tanh(c_new) * o, c_new
    if variant == "FGR":  # + R_{*i} i_{t-1} + R_{*f} f_{t-1} + R_{*o} o_{t-1} for * in i, f, o
        i_prev, f_prev, o_prev = gates_prev
        def rec(gate):
            return sum(g_prev @ w[f"R{src}{gate}"].T for src, g_prev in zip("ifo", (i_prev, f_prev, o_prev)))
        z = tanh(lin("z"))
        i = sig(lin("i") + w["pi"] * c + rec("i"))
        f = sig(lin("f") + w["pf"] * c + rec("f"))
        c_new = z * i + c * f
        o = sig(lin("o") + w["po"] * c_new + rec("o"))
        return tanh(c_new) * o, c_new
    raise AssertionError(variant)


@pytest.mark.parametrize("variant", VARIANTS)
def test_one_step_matches_the_equations_by_hand(variant):
    cell = _cell(variant)
    w = _weights(cell)
    if variant == "FGR":  # the 3x3 grid of gate-to-gate matrices R_{src,gate}
        blocks = cell.gate_recurrence.weight
        for a, gate in enumerate("ifo"):
            for b, src in enumerate("ifo"):
                w[f"R{src}{gate}"] = blocks[a * H:(a + 1) * H, b * H:(b + 1) * H]
    g = torch.Generator().manual_seed(1)
    x, y, c = (torch.randn(B, n, generator=g, dtype=torch.float64) for n in (IN, H, H))
    gates_prev = tuple(torch.rand(B, H, generator=g, dtype=torch.float64) for _ in range(3))
    state = (y, c, torch.cat(gates_prev, -1) if variant == "FGR" else torch.zeros(B, 0, dtype=torch.float64))
    y_new, (_, c_new, _) = cell(x, state)
    y_ref, c_ref = _step_by_hand(variant, w, x, y, c, gates_prev)
    torch.testing.assert_close(y_new, y_ref)
    torch.testing.assert_close(c_new, c_ref)


@pytest.mark.parametrize("variant", [v for v in VARIANTS if v != "V"])
def test_every_variant_is_a_different_function(variant):
    """Guards the test above against a variant flag that silently does nothing."""
    cell, vanilla = _cell(variant), _cell("V")
    x = torch.randn(B, IN, dtype=torch.float64)
    state = vanilla.initial_state(B, x)
    state = (torch.randn(B, H, dtype=torch.float64), torch.randn(B, H, dtype=torch.float64), state[2])
    w_v = _weights(vanilla)
    y_v, _ = _step_by_hand("V", w_v, x, state[0], state[1], None)
    with torch.no_grad():  # give the variant the vanilla's weights where it has them
        for k, name in enumerate(cell.blocks):
            rows = slice(k * H, (k + 1) * H)
            cell.W.weight[rows], cell.R.weight[rows], cell.W.bias[rows] = w_v[f"W{name}"], w_v[f"R{name}"], w_v[f"b{name}"]
        for gate in cell.peep:
            cell.peep[gate].copy_(w_v[f"p{gate}"])
    prev = torch.rand(B, cell.initial_state(B, x)[2].shape[1], dtype=torch.float64)
    y, _ = cell(x, (state[0], state[1], prev))
    assert (y - y_v).abs().max() > 1e-3


def test_vanilla_without_peepholes_equals_nn_lstm():
    torch.manual_seed(0)
    ours = VariantLSTM(IN, H, "NP").double()
    ref = nn.LSTM(IN, H).double()
    cell = ours.cell

    def to_torch_order(t):  # ours: z, i, f, o; nn.LSTM: i, f, g(=z), o
        z, i, f, o = t.chunk(4)
        return torch.cat([i, f, z, o])

    with torch.no_grad():
        ref.weight_ih_l0.copy_(to_torch_order(cell.W.weight))
        ref.weight_hh_l0.copy_(to_torch_order(cell.R.weight))
        ref.bias_ih_l0.copy_(to_torch_order(cell.W.bias))
        ref.bias_hh_l0.zero_()
    xs = torch.randn(6, B, IN, dtype=torch.float64)
    y0, c0 = torch.randn(B, H, dtype=torch.float64), torch.randn(B, H, dtype=torch.float64)
    out, (y_n, c_n, _) = ours(xs, (y0, c0, torch.zeros(B, 0, dtype=torch.float64)))
    out_ref, (h_ref, c_ref) = ref(xs, (y0[None], c0[None]))
    torch.testing.assert_close(out, out_ref)
    torch.testing.assert_close(c_n, c_ref[0])
    out.sin().sum().backward()
    out_ref.sin().sum().backward()
    torch.testing.assert_close(to_torch_order(cell.R.weight.grad), ref.weight_hh_l0.grad)
    torch.testing.assert_close(to_torch_order(cell.W.weight.grad), ref.weight_ih_l0.grad)
    torch.testing.assert_close(to_torch_order(cell.W.bias.grad), ref.bias_ih_l0.grad)


@pytest.mark.parametrize("variant", VARIANTS)
def test_gradcheck_through_two_steps(variant):
    torch.manual_seed(0)
    layer = VariantLSTM(2, 2, variant).double()
    xs = torch.randn(2, 1, 2, dtype=torch.float64, requires_grad=True)
    names = [n for n, _ in layer.named_parameters()]

    def fn(xs, *params):
        return torch.func.functional_call(layer, dict(zip(names, params)), (xs,))[0]
    assert torch.autograd.gradcheck(fn, (xs, *[p.detach().requires_grad_(True) for p in layer.parameters()]))


def test_parameter_counts_follow_the_variant():
    def count(v):
        return sum(p.numel() for p in VariantLSTMCell(IN, H, v).parameters())
    block = (IN + H + 1) * H  # one gate's W, R and b
    assert count("V") == 4 * block + 3 * H
    for v in ("NIG", "NFG", "NOG"):
        assert count(v) == count("V") - block - H  # one gate and its peephole fewer
    assert count("CIFG") == count("V") - block - H  # f has no weights of its own
    assert count("NP") == count("V") - 3 * H
    assert count("FGR") == count("V") + 9 * H * H
    assert count("NIAF") == count("NOAF") == count("V")
    with pytest.raises(ValueError):
        VariantLSTMCell(IN, H, "XYZ")


def test_forget_bias_starts_f_at_the_same_value_for_cifg():
    torch.manual_seed(0)
    v = VariantLSTMCell(IN, H, "V", forget_bias=2.0)
    torch.manual_seed(0)
    base = VariantLSTMCell(IN, H, "V", forget_bias=0.0)
    torch.testing.assert_close(v.W.bias[2 * H:3 * H] - base.W.bias[2 * H:3 * H], torch.full((H,), 2.0))
    torch.manual_seed(0)
    cifg = VariantLSTMCell(IN, H, "CIFG", forget_bias=2.0)
    torch.manual_seed(0)
    cifg0 = VariantLSTMCell(IN, H, "CIFG", forget_bias=0.0)
    torch.testing.assert_close(cifg.W.bias[H:2 * H] - cifg0.W.bias[H:2 * H], torch.full((H,), -2.0))


def test_latest_value_stream_targets():
    streams = LatestValueStreams(batch=3, n_values=2, n_noise=3, write_prob=0.3, generator=torch.Generator().manual_seed(0))
    chunks = [streams.next_chunk(15) for _ in range(3)]
    xs = torch.cat([x for x, _ in chunks])
    ys = torch.cat([y for _, y in chunks])
    symbols = xs.argmax(-1)
    for b in range(3):
        latest = NO_TARGET
        for t in range(45):  # recomputed across chunk boundaries: the stream continues
            if symbols[t, b] < 2:
                latest = symbols[t, b].item()
            assert ys[t, b].item() == latest
    assert (ys != NO_TARGET).any() and 0.1 < (symbols < 2).double().mean() < 0.5
