"""Zaremba, Sutskever & Vinyals (2014), "Recurrent Neural Network Regularization".

The paper's whole idea (section 3.2, eq. for the "dropout LSTM"): apply the
dropout operator D only to the NON-recurrent connections of a multi-layer LSTM,

    (i, f, o, g) = (sigm, sigm, sigm, tanh)( T_{2n,4n} ( D(h_t^{l-1}) , h_{t-1}^l ) )
    c_t^l = f ⊙ c_{t-1}^l + i ⊙ g
    h_t^l = o ⊙ tanh(c_t^l)

i.e. on the input each layer receives from the layer below (h_t^0 is the word
embedding) and on the top layer's output before the softmax, but never on
h_{t-1}^l → h_t^l, so information can still flow through time undisturbed
and is corrupted only L + 1 times on its way from input to prediction, however
long the time span (their Figure 3).
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from implementations._common.recurrent import LSTMCell, unroll


class LSTMLayer(nn.Module):
    """One LSTM layer unrolled over time; nothing inside it is ever dropped.

    The cell is the shared one (``implementations._common.recurrent``): gate
    rows i, f, g, o as in ``nn.LSTM``; ``x_proj`` is the input half of
    T_{2n,4n} (with the bias), ``h_proj`` the recurrent half, which h_{t-1}^l
    enters unmasked. Every weight starts in U(-1/sqrt(n), 1/sqrt(n)).
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.cell = LSTMCell(input_size, hidden_size, init_bound=1.0 / math.sqrt(hidden_size))

    def forward(self, xs: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None):
        """xs: (T, B, input), already dropped -> h for every step (T, B, H), final (h, c)."""
        return unroll(self.cell, xs, state)


class DropoutLSTMLanguageModel(nn.Module):
    """Embedding → L LSTM layers → softmax, with dropout D on every vertical arrow and no horizontal one.

    ``dropout=0`` gives the paper's non-regularised baseline with the same
    weights. Dropout masks are fresh for every time step and every
    connection (standard dropout, inverted scaling 1/(1-p) at training time).
    """

    def __init__(self, vocab_size: int, hidden_size: int, num_layers: int = 2, dropout: float = 0.5) -> None:
        super().__init__()
        self.vocab_size, self.dropout = vocab_size, dropout
        self.embed = nn.Embedding(vocab_size, hidden_size)  # h_t^0
        self.layers = nn.ModuleList(LSTMLayer(hidden_size, hidden_size) for _ in range(num_layers))
        self.head = nn.Linear(hidden_size, vocab_size)
        bound = 1.0 / math.sqrt(hidden_size)
        for p in (self.embed.weight, self.head.weight, self.head.bias):
            nn.init.uniform_(p, -bound, bound)

    def drop(self, x: torch.Tensor) -> torch.Tensor:
        """D: the only place anything is masked."""
        return F.dropout(x, self.dropout, self.training)

    def forward(self, ids: torch.Tensor, states=None):
        """ids: (T, B) -> next-token logits (T, B, V) and the per-layer final states."""
        states = states or [None] * len(self.layers)
        x = self.embed(ids)
        new_states = []
        for layer, state in zip(self.layers, states):
            x, state = layer(self.drop(x), state)  # D(h_t^{l-1}) feeds layer l; its own recurrence is not dropped
            new_states.append(state)
        return self.head(self.drop(x)), new_states  # D before the softmax, too

    def loss(self, ids: torch.Tensor, targets: torch.Tensor, states=None):
        logits, states = self(ids, states)
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), targets.reshape(-1)), states


def detach_states(states):
    """Truncated BPTT: keep the values, cut the graph."""
    return [tuple(s.detach() for s in state) for state in states]


@torch.no_grad()
def evaluate(model: DropoutLSTMLanguageModel, ids: torch.Tensor, streams: int = 10, chunk: int = 35) -> float:
    """Mean next-token cross-entropy (nats) over a text, read as `streams` contiguous pieces with carried state."""
    was_training = model.training
    model.eval()
    length = (len(ids) - 1) // streams
    inputs = ids[: streams * length].view(streams, length).T
    targets = ids[1: streams * length + 1].view(streams, length).T
    total, states = 0.0, None
    for start in range(0, length, chunk):
        loss, states = model.loss(inputs[start: start + chunk], targets[start: start + chunk], states)
        total += loss.item() * inputs[start: start + chunk].numel()
    model.train(was_training)
    return total / (streams * length)
