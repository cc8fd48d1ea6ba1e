"""The deep LSTM encoder-decoder of Sutskever, Vinyals & Le (2014), Sec. 2.

One LSTM (the encoder) reads the source x_1..x_T into a fixed vector v: the
final (h, c) of each of its layers. A second LSTM (the decoder, its own
weights) starts from v and models p(y_1..y_T' | v) = prod_t p(y_t | v, y_<t)
(eq. 1) with a softmax over the top layer's h. As in Fig. 1, the first thing
the decoder reads is <EOS>, the symbol that closes the source, and it stops
when it emits <EOS>. Reversing the source (Sec. 3.3) is a data transform
applied to each sequence's own words, so pads stay at the end.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.recurrent import LSTMCell, LSTMState, unroll

PAD, EOS = 0, 1  # every other id is a word


def reverse_source(src: Tensor, lengths: Tensor) -> Tensor:
    """Each row's first ``lengths`` tokens in reverse order, padding left where it was (at the end).

    "a b c PAD" -> "c b a PAD": a plain ``flip`` would give "PAD c b a" and the encoder would
    read the pads first.
    """
    T = src.size(1)
    pos = torch.arange(T, device=src.device)
    mirrored = lengths[:, None] - 1 - pos                  # position t reads position len - 1 - t
    real = mirrored >= 0
    picked = src.gather(1, mirrored.clamp(min=0))
    return torch.where(real, picked, src)


def decoder_inputs(tgt: Tensor) -> Tensor:
    """y_0 = <EOS>, then y_1..y_{T'-1}: the decoder reads <EOS> first (Fig. 1), then its previous word."""
    return torch.cat([torch.full_like(tgt[:, :1], EOS), tgt[:, :-1]], dim=1)


def masked_cross_entropy(logits: Tensor, targets: Tensor) -> Tensor:
    """Mean of -log p(y_t | v, y_<t) over real target tokens (the closing <EOS> counts; PAD does not)."""
    return F.cross_entropy(logits.flatten(0, 1), targets.flatten(), ignore_index=PAD)


class Seq2Seq(nn.Module):
    """``layers`` LSTM layers each side, with their own weights.

    Every weight is drawn from U(-init_bound, init_bound), 0.08 in Sec. 3.4; ``init_bound=None`` keeps
    PyTorch's defaults, which the small demo needs to learn within its budget.
    """

    def __init__(self, src_vocab: int, tgt_vocab: int, embed: int, hidden: int, layers: int = 2,
                 init_bound: float | None = 0.08) -> None:
        super().__init__()
        self.src_embed = nn.Embedding(src_vocab, embed)
        self.tgt_embed = nn.Embedding(tgt_vocab, embed)
        sizes = [embed] + [hidden] * (layers - 1)
        self.encoder = nn.ModuleList(LSTMCell(n, hidden, init_bound=init_bound) for n in sizes)
        self.decoder = nn.ModuleList(LSTMCell(n, hidden, init_bound=init_bound) for n in sizes)
        self.out = nn.Linear(hidden, tgt_vocab)
        if init_bound is not None:   # the cells drew theirs already
            for p in (*self.src_embed.parameters(), *self.tgt_embed.parameters(), *self.out.parameters()):
                nn.init.uniform_(p, -init_bound, init_bound)

    def encode(self, src: Tensor) -> list[LSTMState]:
        """v: the final (h, c) of every encoder layer; each row's own last real step (pads hold the state)."""
        x = self.src_embed(src).transpose(0, 1)          # (T, B, E)
        valid = (src != PAD).transpose(0, 1)
        valid = None if bool(valid.all()) else valid     # a batch of one length (Sec. 3.4) needs no holding
        v = []
        for cell in self.encoder:
            x, state = unroll(cell, x, valid=valid)
            v.append(state)
        return v

    def forward(self, src: Tensor, tgt: Tensor) -> Tensor:
        """Teacher-forced logits (B, T', vocab) for targets ``tgt`` = y_1..y_T' (ending in <EOS>, then PAD)."""
        v = self.encode(src)
        x = self.tgt_embed(decoder_inputs(tgt)).transpose(0, 1)
        for cell, state in zip(self.decoder, v):
            x, _ = unroll(cell, x, state)
        return self.out(x).transpose(0, 1)

    @torch.no_grad()
    def greedy_decode(self, src: Tensor, max_len: int) -> Tensor:
        """arg max_y p(y_t | v, y_<t) step by step (B, max_len); PAD after a row's <EOS>."""
        states = self.encode(src)
        y = torch.full((src.size(0),), EOS, dtype=torch.long, device=src.device)
        done = torch.zeros_like(y, dtype=torch.bool)
        tokens = []
        for _ in range(max_len):
            x = self.tgt_embed(y)
            for k, cell in enumerate(self.decoder):
                states[k] = cell(x, states[k])
                x = states[k][0]
            y = self.out(x).argmax(-1).masked_fill(done, PAD)
            done |= y == EOS
            tokens.append(y)
        return torch.stack(tokens, 1)
