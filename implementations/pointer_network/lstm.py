"""A long short-term memory cell written out by hand (Hochreiter & Schmidhuber 1997).

    i, f, g, o = sigmoid / sigmoid / tanh / sigmoid of (W x + b_i + U h + b_h), split in four
    c' = f o c + i o g
    h' = o o tanh(c')

The gate order i, f, g, o and the two biases follow ``nn.LSTMCell`` so the
tests can compare against it with copied weights. Input projections do not
depend on the state, so ``input_gates`` applies them to a whole sequence in one
matmul before the time loop.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

State = tuple[Tensor, Tensor]  # (h, c)


class LSTMCell(nn.Module):
    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.input_proj = nn.Linear(input_size, 4 * hidden_size)  # W, rows i, f, g, o
        self.hidden_proj = nn.Linear(hidden_size, 4 * hidden_size)  # U
        bound = 0.08  # the Ptr-Net paper initialises uniformly in [-0.08, 0.08]
        for p in self.parameters():
            nn.init.uniform_(p, -bound, bound)

    def input_gates(self, x: Tensor) -> Tensor:
        return self.input_proj(x)

    def step(self, gates_x: Tensor, state: State) -> State:
        h, c = state
        i, f, g, o = (gates_x + self.hidden_proj(h)).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c

    def forward(self, x: Tensor, state: State) -> State:
        return self.step(self.input_gates(x), state)

    def zero_state(self, batch: int, like: Tensor) -> State:
        zeros = like.new_zeros(batch, self.hidden_size)
        return zeros, zeros


def run_lstm(cell: LSTMCell, x: Tensor, state: State, valid: Tensor | None = None) -> tuple[Tensor, State]:
    """Runs ``cell`` over (batch, T, input); returns all hidden states and the final state.

    Where ``valid`` is False (padding after a sequence's end) the state is held,
    so the final state is the one after each sequence's own last element.
    """
    outputs = []
    keep = None if valid is None else valid[..., None].unbind(1)
    for t, gates in enumerate(cell.input_gates(x).unbind(1)):
        h, c = cell.step(gates, state)
        if keep is not None:
            h, c = torch.where(keep[t], h, state[0]), torch.where(keep[t], c, state[1])
        state = (h, c)
        outputs.append(h)
    return torch.stack(outputs, dim=1), state
