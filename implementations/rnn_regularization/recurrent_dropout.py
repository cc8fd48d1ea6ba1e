"""The arm Zaremba et al. argue against: dropout on the recurrent connections as well.

Earlier attempts (their section 2 cites Bayer et al. 2013) dropped units everywhere, including
h_{t-1} -> h_t. With a fresh mask every time step, a unit's value is corrupted once per step, so
information carried over T steps is hit T times and the memory the LSTM exists for is destroyed;
the paper's point is that dropping only the vertical arrows avoids this. This model is
``DropoutLSTMLanguageModel`` (same weights, same vertical dropout) with one more mask, on the
h_{t-1} that enters the recurrent half T_{n,4n} at every step. The carried state itself is not
masked, only the copy the next step reads, so the difference from the paper's model is exactly
that one arrow.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .model import DropoutLSTMLanguageModel


class RecurrentDropoutLSTMLanguageModel(DropoutLSTMLanguageModel):
    """Dropout on every vertical arrow and on every horizontal arrow h_{t-1} -> h_t (fresh mask per step)."""

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
                h, c = cell.step(gates_x[t], (self.drop_recurrent(h), c))   # D(h_{t-1}^l) too
                outputs.append(h)
            x = torch.stack(outputs)
            new_states.append((h, c))
        return self.head(self.drop(x)), new_states
