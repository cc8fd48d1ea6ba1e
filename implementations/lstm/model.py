"""LSTM, GRU and plain tanh-RNN cells, and a layer that unrolls any of them over time.

Notation follows Olah (2015), "Understanding LSTM Networks": each gate reads
the previous hidden state h_{t-1} and the input x_t. Olah writes
W·[h_{t-1}, x_t] + b; we keep the two halves of W apart
(W·[h, x] = W_h h + W_x x) because that is how PyTorch stores its weights and
because the GRU's reset gate needs the hidden half on its own.

Shapes: x is (batch, input_size), h and c are (batch, hidden_size); the layer
takes (time, batch, input_size) like ``nn.LSTM`` with ``batch_first=False``.
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F


def _uniform_init(module: nn.Module, hidden_size: int) -> None:
    """PyTorch's RNN default: every weight and bias ~ U(-1/sqrt(H), 1/sqrt(H))."""
    bound = 1.0 / math.sqrt(hidden_size)
    for p in module.parameters():
        nn.init.uniform_(p, -bound, bound)


class _Cell(nn.Module):
    """What the three cells share: x_proj holds W_x (and b), h_proj W_h; ``step`` is the recurrence.

    ``forward`` takes a raw x_t; ``Recurrent`` instead projects every x_t in
    one matmul and calls ``step`` in its loop.
    """

    def __init__(self, input_size: int, hidden_size: int, gates: int, hidden_bias: bool) -> None:
        super().__init__()
        self.input_size, self.hidden_size = input_size, hidden_size
        self.x_proj = nn.Linear(input_size, gates * hidden_size, bias=True)
        self.h_proj = nn.Linear(hidden_size, gates * hidden_size, bias=hidden_bias)
        _uniform_init(self, hidden_size)

    def initial_state(self, batch: int, like: torch.Tensor):
        return like.new_zeros(batch, self.hidden_size)

    def forward(self, x: torch.Tensor, state):
        return self.step(self.x_proj(x), state)

    def step(self, x_projected: torch.Tensor, state):
        raise NotImplementedError


class LSTMCell(_Cell):
    """One LSTM step (Olah, section "Step-by-Step LSTM Walk Through").

    The four pre-activations are stacked in Olah's order: forget f, input i,
    candidate C~, output o. ``forget_bias`` is added to b_f after the uniform
    init; a positive value keeps f near 1 at the start, so the cell state is
    carried almost unchanged (the "constant error carousel") until training
    decides what to forget (Gers et al. 2000; Jozefowicz et al. 2015 use 1).
    """

    def __init__(self, input_size: int, hidden_size: int, forget_bias: float = 1.0) -> None:
        super().__init__(input_size, hidden_size, gates=4, hidden_bias=False)  # rows: f, i, C~, o
        with torch.no_grad():
            self.x_proj.bias[:hidden_size] += forget_bias

    def initial_state(self, batch: int, like: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        zeros = like.new_zeros(batch, self.hidden_size)
        return zeros, zeros.clone()

    def step(
        self, x_projected: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]
    ) -> tuple[torch.Tensor, tuple[torch.Tensor, torch.Tensor]]:
        """One step from W_x x_t + b, which ``Recurrent`` computes for every t in one matmul."""
        h_prev, c_prev = state
        H = self.hidden_size
        gates = torch.addmm(x_projected, h_prev, self.h_proj.weight.t())  # W·[h_{t-1}, x_t] + b, 4 stacked
        f, i, _, o = torch.sigmoid(gates).chunk(4, dim=-1)
        # f_t = σ(W_f·[h_{t-1}, x_t] + b_f), i_t = σ(W_i·...), o_t = σ(W_o·...): one sigmoid for all three
        c_tilde = torch.tanh(gates[:, 2 * H: 3 * H])  # C~_t = tanh(W_C·[h_{t-1}, x_t] + b_C)
        c = torch.addcmul(f * c_prev, i, c_tilde)      # C_t = f_t * C_{t-1} + i_t * C~_t
        h = o * torch.tanh(c)                          # h_t = o_t * tanh(C_t)
        return h, (h, c)


class GRUCell(_Cell):
    """One GRU step (Olah, section "Variants on Long Short Term Memory"; Cho et al. 2014).

    Olah's update gate z_t says how much of the NEW candidate to take:
    h_t = (1 - z_t) * h_{t-1} + z_t * h~_t.

    Where the reset gate acts is a choice. Olah writes h~_t = tanh(W·[r_t * h_{t-1}, x_t])
    (``reset_after=False``). cuDNN and ``nn.GRU`` apply it after the hidden
    projection, h~_t = tanh(W_x x_t + b_x + r_t * (W_h h_{t-1} + b_h))
    (``reset_after=True``, the default), which lets all three hidden
    projections be one matrix product. Hence the hidden projection has its own
    bias here, as in PyTorch.
    """

    def __init__(self, input_size: int, hidden_size: int, reset_after: bool = True) -> None:
        super().__init__(input_size, hidden_size, gates=3, hidden_bias=True)  # rows: r, z, h~
        self.reset_after = reset_after

    def step(self, x_projected: torch.Tensor, h_prev: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """One step from W_x x_t + b_x, computed for every t at once by ``Recurrent``."""
        xr, xz, xn = x_projected.chunk(3, dim=-1)
        hr, hz, hn = self.h_proj(h_prev).chunk(3, dim=-1)
        r = torch.sigmoid(xr + hr)          # r_t = σ(W_r·[h_{t-1}, x_t] + b_r)
        z = torch.sigmoid(xz + hz)          # z_t = σ(W_z·[h_{t-1}, x_t] + b_z)
        if self.reset_after:                # h~_t = tanh(W_x x_t + b_x + r_t * (W_h h_{t-1} + b_h))
            h_tilde = torch.tanh(xn + r * hn)
        else:                               # h~_t = tanh(W·[r_t * h_{t-1}, x_t] + b)  (Olah)
            w_hn, b_hn = self.h_proj.weight.chunk(3)[2], self.h_proj.bias.chunk(3)[2]
            h_tilde = torch.tanh(xn + F.linear(r * h_prev, w_hn, b_hn))
        h = (1 - z) * h_prev + z * h_tilde  # h_t = (1 - z_t) * h_{t-1} + z_t * h~_t
        return h, h


class TanhRNNCell(_Cell):
    """The plain RNN Olah starts from: h_t = tanh(W·[h_{t-1}, x_t] + b)."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__(input_size, hidden_size, gates=1, hidden_bias=False)

    def step(self, x_projected: torch.Tensor, h_prev: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        h = torch.tanh(torch.addmm(x_projected, h_prev, self.h_proj.weight.t()))
        return h, h


class Recurrent(nn.Module):
    """Unrolls a cell over the time axis: the chain of copies in Olah's first figures."""

    def __init__(self, cell: nn.Module) -> None:
        super().__init__()
        self.cell = cell

    def forward(self, xs: torch.Tensor, state=None):
        """xs: (T, B, input_size) -> outputs (T, B, hidden_size) and the last state."""
        if state is None:
            state = self.cell.initial_state(xs.shape[1], xs)
        # W_x x_t + b does not depend on the previous step: one matmul for all t, outside the loop.
        outputs = []
        for x_projected in self.cell.x_proj(xs).unbind(0):
            h, state = self.cell.step(x_projected, state)
            outputs.append(h)
        return torch.stack(outputs), state
