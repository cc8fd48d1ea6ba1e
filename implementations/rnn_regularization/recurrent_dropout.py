"""The arm Zaremba et al. argue against: dropout on the recurrent connections as well.

Earlier attempts (their section 2 cites Bayer et al. 2013) dropped units everywhere, including
the connections from one time step to the next. With a fresh mask every time step, a unit's value
is corrupted once per step, so information carried over T steps is hit T times and the memory the
LSTM exists for is destroyed; the paper's point is that dropping only the vertical arrows avoids
this. This model is ``DropoutLSTMLanguageModel`` (same weights, same vertical dropout) with masks
on the recurrent state as well, fresh at every step. An LSTM's state is the pair (h, c), and two
placements are offered:

- ``drop_cell=True`` (the demo's arm): both h_{t-1} and c_{t-1} are masked before step t reads
  them, so every path through time, the memory cell's included, is corrupted at every step;
- ``drop_cell=False``: only the copy of h_{t-1} that enters the recurrent half T_{n,4n} is
  masked, and c_{t-1} -> c_t is left clean, so the memory cell still carries information intact.

The state handed to the next chunk is the unmasked (h, c); the masks sit only on what each step reads.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .model import DropoutLSTMLanguageModel


class RecurrentDropoutLSTMLanguageModel(DropoutLSTMLanguageModel):
    """Dropout on every vertical arrow and on the recurrent state read at every step (fresh mask per step)."""

    def __init__(self, vocab_size: int, hidden_size: int, num_layers: int = 2, dropout: float = 0.5,
                 drop_cell: bool = True) -> None:
        super().__init__(vocab_size, hidden_size, num_layers, dropout)
        self.drop_cell = drop_cell

    def drop_recurrent(self, h: torch.Tensor) -> torch.Tensor:
        return F.dropout(h, self.dropout, self.training)

    def forward(self, ids: torch.Tensor, states=None):
        states = states or [None] * len(self.layers)
        x = self.embed(ids)
        new_states = []
        for layer, state in zip(self.layers, states):
            cell = layer.cell
            gates_x = cell.input_gates(self.drop(x))          # D(h_t^{l-1}), as in the paper's model
            h, c = state if state is not None else cell.zero_state(ids.shape[1], gates_x)
            outputs = []
            for t in range(ids.shape[0]):
                read_h = self.drop_recurrent(h)                                   # D(h_{t-1}^l)
                read_c = self.drop_recurrent(c) if self.drop_cell else c          # D(c_{t-1}^l)
                h, c = cell.step(gates_x[t], (read_h, read_c))
                outputs.append(h)
            x = torch.stack(outputs)
            new_states.append((h, c))
        return self.head(self.drop(x)), new_states
