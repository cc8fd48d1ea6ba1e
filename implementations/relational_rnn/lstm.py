"""The baseline: an LSTM (Hochreiter & Schmidhuber 1997, with a forget gate) and a classifier on its last state.

The cell is the shared one (``implementations._common.recurrent``), with forget-gate bias 1.
"""

from __future__ import annotations

import torch
from torch import nn

from implementations._common.recurrent import LSTMCell


class LSTMClassifier(nn.Module):
    def __init__(self, input_size: int, num_classes: int, hidden_size: int = 96, hidden: int = 64) -> None:
        super().__init__()
        self.cell = LSTMCell(input_size, hidden_size, forget_bias=1.0)
        self.head = nn.Sequential(nn.Linear(hidden_size, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))

    def forward(self, sequence: torch.Tensor) -> torch.Tensor:
        B = sequence.shape[0]
        h = c = sequence.new_zeros(B, self.cell.hidden_size)
        for t in range(sequence.shape[1]):
            h, c = self.cell(sequence[:, t], (h, c))
        return self.head(h)
