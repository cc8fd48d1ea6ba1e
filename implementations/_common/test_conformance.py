"""Every copy of a shared primitive, kept on purpose or for its paper's own form, against PyTorch's reference.

lstm and lstm_variants derive the cells themselves; bahdanau_attention writes
the paper's GRU, ctc Deep Speech 2's, ntm the controller's W·[x, h]; backprop
writes the paper's momentum rule (eq. 9). Each copy is read out into
``nn.LSTMCell`` / ``nn.GRUCell`` / ``torch.optim.SGD`` terms by an adapter
here and must then compute the same thing, the forget-gate bias on the
forget gate's rows included.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import pytest
import torch
from torch import nn
from torch.testing import assert_close

from implementations._common import recurrent
from implementations._common.optim import MomentumSGD
from implementations.backprop.model import MomentumDescent
from implementations.bahdanau_attention import gru as bahdanau
from implementations.ctc import model as ctc
from implementations.lstm import model as lstm
from implementations.lstm_variants.model import VariantLSTMCell
from implementations.ntm import model as ntm

I, H, B, STEPS = 3, 4, 2, 3
F64 = torch.float64


def _blocks(t: torch.Tensor, order: str, want: str = "ifgo") -> torch.Tensor:
    parts = dict(zip(order, t.chunk(len(order))))
    return torch.cat([parts[g] for g in want])


@dataclass(frozen=True)
class Copy:
    make: Callable[..., nn.Module]  # make(hidden_size=H)
    export: Callable[[nn.Module], tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]]  # w_ih, w_hh, b_ih, b_hh
    step: Callable[[nn.Module, torch.Tensor, object], object]  # (cell, x, state) -> state
    forget_bias: float | None = None  # what the default construction adds to (or sets) b_f


def _zero(like: torch.Tensor) -> torch.Tensor:
    """The second bias PyTorch has and the copy folds into its first."""
    return torch.zeros_like(like)


LSTM_COPIES = {
    "_common.recurrent.LSTMCell": Copy(
        make=lambda h=H: recurrent.LSTMCell(I, h, forget_bias=2.0),
        export=lambda c: (c.x_proj.weight, c.h_proj.weight, c.x_proj.bias, _zero(c.x_proj.bias)),
        step=lambda c, x, s: c(x, s), forget_bias=2.0),
    "lstm.LSTMCell (Olah's f, i, C~, o)": Copy(
        make=lambda h=H: lstm.LSTMCell(I, h, forget_bias=1.0),
        export=lambda c: (_blocks(c.x_proj.weight, "figo"), _blocks(c.h_proj.weight, "figo"),
                          _blocks(c.x_proj.bias, "figo"), _zero(c.x_proj.bias)),
        step=lambda c, x, s: c(x, s)[1], forget_bias=1.0),
    "lstm_variants.VariantLSTMCell('NP')": Copy(
        make=lambda h=H: VariantLSTMCell(I, h, "NP", forget_bias=1.0),
        export=lambda c: (_blocks(c.W.weight, "gifo"), _blocks(c.R.weight, "gifo"),
                          _blocks(c.W.bias, "gifo"), _zero(c.W.bias)),
        step=lambda c, x, s: c(x, (*s, torch.zeros(B, 0, dtype=F64)))[1][:2], forget_bias=1.0),
    "ntm.LSTMCell (controller, W·[x, h])": Copy(
        make=lambda h=H: ntm.LSTMCell(I, h),
        export=lambda c: (c.affine.weight[:, :I], c.affine.weight[:, I:], c.affine.bias, _zero(c.affine.bias)),
        step=lambda c, x, s: c(x, s), forget_bias=None),  # set to exactly 1, checked below
}


def _negate_z(t: torch.Tensor) -> torch.Tensor:
    """Cho et al. weight the NEW candidate by z, PyTorch the OLD state: z_torch = 1 - z = σ(-a)."""
    r, z, n = t.chunk(3)
    return torch.cat([r, -z, n])


GRU_COPIES = {
    "_common.recurrent.GRUCell": Copy(
        make=lambda: recurrent.GRUCell(I, H),
        export=lambda c: (c.x_proj.weight, c.h_proj.weight, c.x_proj.bias, c.h_proj.bias),
        step=lambda c, x, s: c(x, s)),
    "lstm.GRUCell(reset_after=True)": Copy(
        make=lambda: lstm.GRUCell(I, H, reset_after=True),
        export=lambda c: tuple(_negate_z(t) for t in (c.x_proj.weight, c.h_proj.weight, c.x_proj.bias, c.h_proj.bias)),
        step=lambda c, x, s: c(x, s)[1]),
    "bahdanau_attention.GRUCell(reset_after=True)": Copy(
        make=lambda: bahdanau.GRUCell(I, H, reset_after=True),
        export=lambda c: tuple(_negate_z(torch.cat([a, b])) for a, b in (
            (c.input_rz.weight, c.input_n.weight), (c.hidden_rz.weight, c.hidden_n.weight),
            (c.input_rz.bias, c.input_n.bias), (c.hidden_rz.bias, c.hidden_n.bias))),
        step=lambda c, x, s: c(x, s)),
    "ctc.GRUCell (Deep Speech 2, z, r, h rows)": Copy(
        make=lambda: ctc.GRUCell(I, H),
        export=lambda c: (_negate_z(_blocks(c.input_projection.weight, "zrn", "rzn")),
                          _negate_z(_blocks(c.hidden_projection.weight, "zrn", "rzn")),
                          _negate_z(_blocks(c.input_projection.bias, "zrn", "rzn")), _zero(c.input_projection.bias)),
        step=lambda c, x, s: c(c.input_projection(x), s)),
}


def _run(copy: Copy, ref: nn.Module, lstm_state: bool) -> None:
    torch.manual_seed(0)
    cell = copy.make().double()
    with torch.no_grad():
        w_ih, w_hh, b_ih, b_hh = copy.export(cell)
        ref.weight_ih.copy_(w_ih)
        ref.weight_hh.copy_(w_hh)
        ref.bias_ih.copy_(b_ih)
        ref.bias_hh.copy_(b_hh)
    xs = torch.randn(STEPS, B, I, dtype=F64, requires_grad=True)
    h0, c0 = torch.randn(B, H, dtype=F64), torch.randn(B, H, dtype=F64)
    ours = theirs = (h0, c0) if lstm_state else h0
    for x in xs:
        ours, theirs = copy.step(cell, x, ours), ref(x, theirs)
    assert_close(ours, theirs)
    out, out_ref = (ours[0], theirs[0]) if lstm_state else (ours, theirs)
    grad = torch.randn_like(out)
    assert_close(torch.autograd.grad(out, xs, grad)[0], torch.autograd.grad(out_ref, xs, grad)[0])


@pytest.mark.parametrize("name", LSTM_COPIES)
def test_every_lstm_copy_equals_nn_lstmcell(name: str) -> None:
    _run(LSTM_COPIES[name], nn.LSTMCell(I, H, dtype=F64), lstm_state=True)


@pytest.mark.parametrize("name", LSTM_COPIES)
def test_every_lstm_copy_puts_its_forget_bias_on_the_forget_gate(name: str) -> None:
    """Read out in nn.LSTM's order i, f, g, o, b_f alone is raised; a bias on i, g or o fails this.

    64 units: every copy's initial biases are within ±1/sqrt(3) of their centre, so a raised
    slice and an unraised one cannot be confused.
    """
    copy = LSTM_COPIES[name]
    torch.manual_seed(1)
    bias = copy.export(copy.make(64))[2].detach()
    slices = dict(zip("ifgo", bias.split(64)))
    centre = 1.0 if copy.forget_bias is None else copy.forget_bias
    if copy.forget_bias is None:  # set, not added
        assert_close(slices["f"], torch.ones(64))
    assert (slices["f"] - centre).abs().max() <= 0.58
    for gate in "igo":
        assert slices[gate].abs().max() <= 0.58, f"gate {gate} got a forget bias"


@pytest.mark.parametrize("name", GRU_COPIES)
def test_every_gru_copy_equals_nn_grucell(name: str) -> None:
    _run(GRU_COPIES[name], nn.GRUCell(I, H, dtype=F64), lstm_state=False)


def test_every_momentum_sgd_copy_equals_torch_sgd() -> None:
    torch.manual_seed(2)
    start = [torch.randn(3, 2, dtype=F64), torch.randn(4, dtype=F64)]
    ref_p = [p.clone().requires_grad_() for p in start]
    shared_p = [p.clone().requires_grad_() for p in start]
    paper_p = [p.clone() for p in start]
    ref = torch.optim.SGD(ref_p, lr=0.05, momentum=0.9)
    shared = MomentumSGD(shared_p, lr=0.05, momentum=0.9)
    paper = MomentumDescent(paper_p, eps=0.05, alpha=0.9)   # eq. (9): dw(t) = -eps dE/dw + alpha dw(t-1)
    for k in range(5):
        grads = [(k + 1) * p.detach() + 0.3 for p in ref_p]
        for p, g in zip(ref_p, grads):
            p.grad = g.clone()
        for p, g in zip(shared_p, grads):
            p.grad = g.clone()
        ref.step()
        shared.step()
        paper.step([g.clone() for g in grads])
        assert_close([p.detach() for p in shared_p], [p.detach() for p in ref_p])
        assert_close(paper_p, [p.detach() for p in ref_p])
