"""The baseline: an LSTM (Hochreiter & Schmidhuber 1997, with a forget gate) written out, and a classifier on its last state."""

from __future__ import annotations

import torch
from torch import nn


class LSTMCell(nn.Module):
    """i, f, g, o = split(W x + U h + b); c' = sigma(f) c + sigma(i) tanh(g); h' = sigma(o) tanh(c')."""

    def __init__(self, input_size: int, hidden_size: int, forget_bias: float = 1.0) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.input_to_gates = nn.Linear(input_size, 4 * hidden_size)
        self.hidden_to_gates = nn.Linear(hidden_size, 4 * hidden_size, bias=False)
        with torch.no_grad():
            self.input_to_gates.bias[hidden_size:2 * hidden_size] += forget_bias

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        h, c = state
        i, f, g, o = (self.input_to_gates(x) + self.hidden_to_gates(h)).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class LSTMClassifier(nn.Module):
    def __init__(self, input_size: int, num_classes: int, hidden_size: int = 96, hidden: int = 64) -> None:
        super().__init__()
        self.cell = LSTMCell(input_size, hidden_size)
        self.head = nn.Sequential(nn.Linear(hidden_size, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))

    def forward(self, sequence: torch.Tensor) -> torch.Tensor:
        B = sequence.shape[0]
        h = c = sequence.new_zeros(B, self.cell.hidden_size)
        for t in range(sequence.shape[1]):
            h, c = self.cell(sequence[:, t], (h, c))
        return self.head(h)
