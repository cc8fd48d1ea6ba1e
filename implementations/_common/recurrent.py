"""The LSTM and GRU cells that implementations use when the cell is not their subject.

Both store their weights as ``nn.LSTM`` / ``nn.GRU`` do: ``x_proj`` holds the
input half W_x (with the bias b), ``h_proj`` the hidden half W_h, and the
gate blocks are stacked in the order ``gate_order`` names (PyTorch's by
default). The input half does not depend on the state, so ``unroll`` applies
it to a whole sequence in one matrix product and calls ``step`` in the loop.

LSTM (Hochreiter & Schmidhuber 1997, with the forget gate of Gers et al. 2000)::

    i, f, g, o = σ, σ, tanh, σ of (W_x x_t + b + W_h h_{t-1})
    c_t = f ⊙ c_{t-1} + i ⊙ g
    h_t = o ⊙ tanh(c_t)

GRU (Cho et al. 2014, in the reset-after form of cuDNN and ``nn.GRU``)::

    r, z = σ(W_x x_t + b_x + W_h h_{t-1} + b_h), split
    n = tanh(W_xn x_t + b_xn + r ⊙ (W_hn h_{t-1} + b_hn))
    h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}

Construction order and initialisation are part of the interface: the
projections are built x first, then h (each with ``nn.Linear``'s default
draw), then ``init_bound`` re-draws every parameter from U(-bound, bound),
then ``forget_bias`` is added to b_f. Implementations that moved here kept
their seeded weights, and with them their published figures.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

LSTMState = tuple[Tensor, Tensor]  # (h, c)


def _projections(module: nn.Module, input_size: int, hidden_size: int, gates: int, hidden_bias: bool,
                 init_bound: float | None) -> None:
    module.x_proj = nn.Linear(input_size, gates * hidden_size)
    module.h_proj = nn.Linear(hidden_size, gates * hidden_size, bias=hidden_bias)
    if init_bound is not None:
        for p in module.parameters():
            nn.init.uniform_(p, -init_bound, init_bound)


class LSTMCell(nn.Module):
    """One LSTM step; ``forget_bias`` is added to the forget gate's slice of b after initialisation."""

    def __init__(self, input_size: int, hidden_size: int, *, hidden_bias: bool = False, forget_bias: float = 0.0,
                 init_bound: float | None = None, gate_order: str = "ifgo") -> None:
        super().__init__()
        if sorted(gate_order) != sorted("ifgo"):
            raise ValueError(f"gate_order must order the letters i, f, g, o, not {gate_order!r}")
        self.input_size, self.hidden_size, self.gate_order = input_size, hidden_size, gate_order
        _projections(self, input_size, hidden_size, 4, hidden_bias, init_bound)
        if forget_bias:
            with torch.no_grad():
                self.gate_slice(self.x_proj.bias, "f").add_(forget_bias)

    def gate_slice(self, stacked: Tensor, gate: str) -> Tensor:
        """The rows of a stacked weight or bias that belong to ``gate`` (a view)."""
        k, H = self.gate_order.index(gate), self.hidden_size
        return stacked[k * H:(k + 1) * H]

    def input_gates(self, x: Tensor) -> Tensor:
        """W_x x + b; x may hold a whole sequence."""
        return self.x_proj(x)

    def step(self, gates_x: Tensor, state: LSTMState) -> LSTMState:
        """(h_{t-1}, c_{t-1}) -> (h_t, c_t) from the precomputed W_x x_t + b."""
        h, c = state
        pre = dict(zip(self.gate_order, (gates_x + self.h_proj(h)).chunk(4, dim=-1)))
        c = torch.sigmoid(pre["f"]) * c + torch.sigmoid(pre["i"]) * torch.tanh(pre["g"])
        h = torch.sigmoid(pre["o"]) * torch.tanh(c)
        return h, c

    def forward(self, x: Tensor, state: LSTMState) -> LSTMState:
        return self.step(self.input_gates(x), state)

    def zero_state(self, batch: int, like: Tensor) -> LSTMState:
        zeros = like.new_zeros(batch, self.hidden_size)
        return zeros, zeros


class GRUCell(nn.Module):
    """One GRU step in ``nn.GRU``'s form; the state is h alone."""

    def __init__(self, input_size: int, hidden_size: int, *, hidden_bias: bool = True,
                 init_bound: float | None = None, gate_order: str = "rzn") -> None:
        super().__init__()
        if sorted(gate_order) != sorted("rzn"):
            raise ValueError(f"gate_order must order the letters r, z, n, not {gate_order!r}")
        self.input_size, self.hidden_size, self.gate_order = input_size, hidden_size, gate_order
        _projections(self, input_size, hidden_size, 3, hidden_bias, init_bound)

    def input_gates(self, x: Tensor) -> Tensor:
        return self.x_proj(x)

    def step(self, gates_x: Tensor, h: Tensor) -> Tensor:
        x = dict(zip(self.gate_order, gates_x.chunk(3, dim=-1)))
        hh = dict(zip(self.gate_order, self.h_proj(h).chunk(3, dim=-1)))
        r = torch.sigmoid(x["r"] + hh["r"])
        z = torch.sigmoid(x["z"] + hh["z"])
        n = torch.tanh(x["n"] + r * hh["n"])
        return (1 - z) * n + z * h

    def forward(self, x: Tensor, h: Tensor) -> Tensor:
        return self.step(self.input_gates(x), h)

    def zero_state(self, batch: int, like: Tensor) -> Tensor:
        return like.new_zeros(batch, self.hidden_size)


def unroll(cell: LSTMCell | GRUCell, xs: Tensor, state=None, valid: Tensor | None = None, time_dim: int = 0):
    """Runs ``cell`` along ``time_dim`` of ``xs``; returns every step's h (stacked on that axis) and the last state.

    ``valid`` (the shape of xs without its feature axis, True on real steps)
    holds the state through padding, so the last state is each sequence's own.
    """
    if state is None:
        state = cell.zero_state(xs.shape[1 - time_dim], xs)
    keep = None if valid is None else valid.unsqueeze(-1).unbind(time_dim)
    outputs = []
    # unbind, not indexing: its backward is one stack, not one scatter per step
    for t, gates in enumerate(cell.input_gates(xs).unbind(time_dim)):
        new = cell.step(gates, state)
        if keep is not None:
            new = (tuple(torch.where(keep[t], n, s) for n, s in zip(new, state)) if isinstance(new, tuple)
                   else torch.where(keep[t], new, state))
        state = new
        outputs.append(state[0] if isinstance(state, tuple) else state)
    return torch.stack(outputs, dim=time_dim), state
