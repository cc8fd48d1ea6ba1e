"""Pointer Network (Vinyals, Fortunato & Jaitly 2015, Section 2.3).

An LSTM encoder reads the input elements P_1..P_n into states e_1..e_n; an
LSTM decoder, started from the encoder's final state and fed the element it
pointed to last, produces d_i, and the output distribution is attention over
the *inputs* themselves:

    u_j^i = v^T tanh(W1 e_j + W2 d_i)                 j = 1..n        (eq. 3)
    p(C_i | C_1..C_{i-1}, P) = softmax(u^i)

Positions already pointed at and padded positions are masked to probability
exactly 0, so every decode is a permutation of the real inputs.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from .lstm import LSTMCell, run_lstm


@dataclass(frozen=True)
class PointerNetConfig:
    input_size: int = 1  # one number per element when sorting
    hidden_size: int = 256
    attn_size: int = 256


class PointerAttention(nn.Module):
    """u_j = v^T tanh(W1 e_j + W2 d) over every input position j (eq. 3)."""

    def __init__(self, hidden_size: int, attn_size: int) -> None:
        super().__init__()
        self.W1 = nn.Linear(hidden_size, attn_size, bias=False)
        self.W2 = nn.Linear(hidden_size, attn_size, bias=False)
        self.v = nn.Parameter(torch.empty(attn_size).uniform_(-0.08, 0.08))

    def forward(self, enc_keys: Tensor, dec: Tensor) -> Tensor:
        """enc_keys = W1 e: (batch, n, attn); dec: (batch, ..., hidden) -> scores (batch, ..., n)."""
        query = self.W2(dec).unsqueeze(-2)  # (batch, ..., 1, attn)
        keys = enc_keys.view(enc_keys.size(0), *([1] * (dec.dim() - 2)), *enc_keys.shape[1:])
        return torch.tanh(keys + query) @ self.v


def mask_scores(scores: Tensor, blocked: Tensor) -> Tensor:
    """Blocked positions get -inf, hence probability exactly 0 after the softmax.

    A row with every position blocked (a step past a sequence's end) is left
    unmasked so it stays finite; its loss is ignored anyway.
    """
    blocked = blocked & ~blocked.all(dim=-1, keepdim=True)
    return scores.masked_fill(blocked, float("-inf"))


class PointerDecoder(nn.Module):
    """The decoding half: an LSTM fed the element it pointed at last, pointing with eq. (3).

    Subclasses supply ``encode``: the vectors to point at (one per input
    element) and the decoder's initial state. The set2set implementation
    reuses this as its write block.
    """

    def __init__(self, input_size: int, hidden_size: int, attn_size: int) -> None:
        super().__init__()
        self.decoder = LSTMCell(input_size, hidden_size)
        self.go = nn.Parameter(torch.zeros(input_size))  # the first decoder input, a learned symbol
        self.pointer = PointerAttention(hidden_size, attn_size)

    def encode(self, inputs: Tensor, valid: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        raise NotImplementedError

    def forward(self, inputs: Tensor, valid: Tensor, targets: Tensor) -> Tensor:
        """Teacher-forced pointer scores (batch, steps, n), masked.

        targets (batch, steps) are the reference pointers; entries past a
        sequence's length may hold anything (they are ignored by the loss).
        """
        enc, state = self.encode(inputs, valid)
        batch, steps = targets.shape
        safe = targets.clamp(0, inputs.size(1) - 1)
        pointed = inputs.gather(1, safe[..., None].expand(-1, -1, inputs.size(-1)))  # P_{C_i}
        dec_in = torch.cat([self.go.expand(batch, 1, -1), pointed[:, :-1]], dim=1)
        dec, _ = run_lstm(self.decoder, dec_in, state)
        # The decoder never reads the scores, so all steps are scored at once.
        scores = self.pointer(self.pointer.W1(enc), dec)  # (batch, steps, n)
        chosen_before = F.one_hot(safe, inputs.size(1)).cumsum(dim=1) - F.one_hot(safe, inputs.size(1))
        blocked = (chosen_before > 0) | ~valid[:, None, :]
        return mask_scores(scores, blocked)

    @torch.no_grad()
    def greedy_decode(self, inputs: Tensor, valid: Tensor) -> tuple[Tensor, Tensor]:
        """Arg-max pointers (batch, n) and their probabilities (batch, n, n); -1 past each length."""
        enc, state = self.encode(inputs, valid)
        enc_keys = self.pointer.W1(enc)
        batch, n, _ = inputs.shape
        blocked = ~valid
        lengths = valid.sum(dim=-1)
        x = self.go.expand(batch, -1)
        rows = torch.arange(batch, device=inputs.device)
        pointers, probs = [], []
        for i in range(n):
            state = self.decoder(x, state)
            p = mask_scores(self.pointer(enc_keys, state[0]), blocked).softmax(dim=-1)
            choice = p.argmax(dim=-1)
            pointers.append(choice.masked_fill(i >= lengths, -1))
            probs.append(p)
            blocked = blocked.clone()
            blocked[rows, choice] = True
            x = inputs[rows, choice]
        return torch.stack(pointers, 1), torch.stack(probs, 1)


class PointerNetwork(PointerDecoder):
    """Ptr-Net: an LSTM encoder reads the inputs in the order given (Section 2.3)."""

    def __init__(self, cfg: PointerNetConfig) -> None:
        super().__init__(cfg.input_size, cfg.hidden_size, cfg.attn_size)
        self.cfg = cfg
        self.encoder = LSTMCell(cfg.input_size, cfg.hidden_size)

    def encode(self, inputs: Tensor, valid: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """inputs (batch, n, input_size) -> states e_j (batch, n, hidden) and the final state."""
        state = self.encoder.zero_state(inputs.size(0), inputs)
        return run_lstm(self.encoder, inputs, state, valid)
