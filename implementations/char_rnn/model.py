"""A character-level LSTM language model (Karpathy 2015), with its own LSTM.

Each step reads one character and predicts a distribution over the next:
    e_t = E[x_t]                       (embedding)
    h_t, c_t = LSTM(e_t, h_{t-1}, c_{t-1})
    p(x_{t+1} | x_<=t) = softmax(W_y h_t + b_y)
trained by cross-entropy (Karpathy's min-char-rnn: "the loss is the sum of
-log p of the correct next character").
"""

from __future__ import annotations

import math

import torch
from torch import nn
from torch.nn import functional as F

from implementations._common.recurrent import LSTMCell, unroll


class LSTM(nn.Module):
    """One LSTM layer, unrolled in Python (Hochreiter & Schmidhuber 1997 with a forget gate).

    The cell is the shared one (``implementations._common.recurrent``). Gate
    rows are stacked i, f, o, g (the three sigmoid gates first, as in
    Karpathy's char-rnn), every weight starts in U(-1/sqrt(H), 1/sqrt(H)), and
    the forget gate's bias starts at +1 (Jozefowicz et al. 2015). ``unroll``
    applies W_x to all steps in one matrix product before the loop.
    """

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.cell = LSTMCell(input_size, hidden_size, forget_bias=1.0, init_bound=1.0 / math.sqrt(hidden_size),
                             gate_order="ifog")

    def forward(self, xs: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor] | None = None):
        """xs: (T, B, input_size) -> hidden states (T, B, H) and the final (h, c)."""
        return unroll(self.cell, xs, state)


class CharRNN(nn.Module):
    """Embedding -> LSTM -> linear read-out over the vocabulary.

    The read-out starts at exactly zero, so every initial prediction is the
    uniform distribution and the initial loss is ln(vocabulary size): a check
    that nothing leaks information before training.
    """

    def __init__(self, vocab_size: int, embed_size: int = 32, hidden_size: int = 256) -> None:
        super().__init__()
        self.vocab_size = vocab_size
        self.embed = nn.Embedding(vocab_size, embed_size)
        self.lstm = LSTM(embed_size, hidden_size)
        self.head = nn.Linear(hidden_size, vocab_size)
        nn.init.zeros_(self.head.weight)
        nn.init.zeros_(self.head.bias)

    def forward(self, ids: torch.Tensor, state=None):
        """ids: (T, B) character ids -> logits (T, B, V) for the next character, and the final state."""
        hidden, state = self.lstm(self.embed(ids), state)
        return self.head(hidden), state

    def loss(self, ids: torch.Tensor, targets: torch.Tensor, state=None):
        """Mean cross-entropy in nats per character, and the final state."""
        logits, state = self(ids, state)
        return F.cross_entropy(logits.reshape(-1, self.vocab_size), targets.reshape(-1)), state


@torch.no_grad()
def bits_per_character(model: CharRNN, ids: torch.Tensor, streams: int = 16, chunk: int = 128) -> float:
    """Held-out bpc: split the text into `streams` contiguous pieces, read them in chunks, carry the state.

    bpc = (mean cross-entropy in nats) / ln 2.
    """
    model.eval()
    length = (len(ids) - 1) // streams
    inputs = ids[: streams * length].view(streams, length).T
    targets = ids[1: streams * length + 1].view(streams, length).T
    total, state = 0.0, None
    for start in range(0, length, chunk):
        x, y = inputs[start: start + chunk], targets[start: start + chunk]
        loss, state = model.loss(x, y, state)
        total += loss.item() * x.numel()
    model.train()
    return total / (streams * length) / math.log(2)


@torch.no_grad()
def sample(model: CharRNN, prompt: torch.Tensor, length: int, generator: torch.Generator,
           temperature: float = 1.0) -> torch.Tensor:
    """Feed the prompt ids (1-D), then draw `length` characters one at a time from softmax(logits / T)."""
    model.eval()
    device = next(model.parameters()).device
    logits, state = model(prompt.to(device)[:, None])
    out = []
    for _ in range(length):
        probs = F.softmax(logits[-1, 0] / temperature, dim=-1).cpu()
        nxt = torch.multinomial(probs, 1, generator=generator)
        out.append(nxt)
        logits, state = model(nxt.to(device)[:, None], state)
    model.train()
    return torch.cat(out)
