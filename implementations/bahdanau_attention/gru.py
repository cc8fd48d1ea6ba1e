"""A gated recurrent unit written out by hand (Bahdanau et al. 2014, Appendix A.1.1).

The paper's GRU (from Cho et al. 2014):

    r_i = sigmoid(W_r x_i + U_r h_{i-1})                 reset gate
    z_i = sigmoid(W_z x_i + U_z h_{i-1})                 update gate
    h~_i = tanh(W x_i + U [r_i o h_{i-1}])               candidate
    h_i = (1 - z_i) o h_{i-1} + z_i o h~_i

Biases are omitted in the paper's equations and included here. The input
projections do not depend on the state, so ``input_gates`` applies them to a
whole sequence in one matmul before the time loop. ``reset_after=True``
switches to the cuDNN / ``nn.GRU`` variant h~ = tanh(W x + r o (U h + b)),
which exists so the tests can compare against PyTorch.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

Gates = tuple[Tensor, Tensor]  # ([W_r; W_z] x + b, W x + b)


class GRUCell(nn.Module):
    def __init__(self, input_size: int, hidden_size: int, reset_after: bool = False) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.reset_after = reset_after
        self.input_rz = nn.Linear(input_size, 2 * hidden_size)  # [W_r; W_z]
        self.input_n = nn.Linear(input_size, hidden_size)  # W
        self.hidden_rz = nn.Linear(hidden_size, 2 * hidden_size)  # [U_r; U_z]
        self.hidden_n = nn.Linear(hidden_size, hidden_size)  # U
        bound = hidden_size**-0.5
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def input_gates(self, x: Tensor) -> Gates:
        """Input contributions to the gates; x may hold a whole sequence (batch, T, input)."""
        return self.input_rz(x), self.input_n(x)

    def step(self, gates_x: Gates, h: Tensor) -> Tensor:
        """One update h_{i-1} -> h_i given the precomputed input gates."""
        x_rz, x_n = gates_x
        r, z = torch.sigmoid(x_rz + self.hidden_rz(h)).chunk(2, dim=-1)
        if self.reset_after:
            candidate = torch.tanh(x_n + r * self.hidden_n(h))
        else:
            candidate = torch.tanh(x_n + self.hidden_n(r * h))
        return h + z * (candidate - h)  # = (1 - z) o h + z o candidate

    def forward(self, x: Tensor, h: Tensor) -> Tensor:
        return self.step(self.input_gates(x), h)


def unbind_time(gates: Gates) -> list[Gates]:
    """Per-step views of sequence gates; unbind keeps the backward pass linear in T."""
    return list(zip(gates[0].unbind(1), gates[1].unbind(1)))


class BidirectionalGRU(nn.Module):
    """Forward and backward GRUs over a right-padded batch (Section 3.2, Appendix A.2.1).

    Returns annotations h_j = [forward h_j ; backward h_j] of shape
    (batch, T, 2 * hidden). The backward GRU keeps its zero initial state
    through the padding, so it starts at each sequence's own last token.
    """

    def __init__(self, input_size: int, hidden_size: int, reset_after: bool = False) -> None:
        super().__init__()
        self.forward_cell = GRUCell(input_size, hidden_size, reset_after)
        self.backward_cell = GRUCell(input_size, hidden_size, reset_after)

    def forward(self, x: Tensor, valid: Tensor) -> Tensor:
        """x: (batch, T, input_size); valid: (batch, T) bool, True on real tokens."""
        batch, length, _ = x.shape
        gates_f = unbind_time(self.forward_cell.input_gates(x))
        gates_b = unbind_time(self.backward_cell.input_gates(x))
        keep = valid[..., None].unbind(1)
        h_f = h_b = x.new_zeros(batch, self.forward_cell.hidden_size)
        out_f, out_b = [], []
        for t in range(length):
            # Forward: padding only ever follows the real tokens, so states there are never read.
            h_f = self.forward_cell.step(gates_f[t], h_f)
            back = length - 1 - t
            h_b = torch.where(keep[back], self.backward_cell.step(gates_b[back], h_b), h_b)
            out_f.append(h_f)
            out_b.append(h_b)
        return torch.cat([torch.stack(out_f, dim=1), torch.stack(out_b[::-1], dim=1)], dim=-1)
