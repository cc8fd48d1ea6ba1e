"""The attentional encoder-decoder of Luong, Pham & Manning 2015 (Sec. 3), at toy size.

A stacked LSTM reads the source; a stacked LSTM decoder, started from the encoder's last states,
produces the top-layer state h_t. Attention turns h_t into a context vector c_t over the source
states h̄_s, and

    h~_t = tanh(W_c [c_t; h_t])        (eq. 5)
    p(y_t | y_<t, x) = softmax(W_s h~_t)  (eq. 6)

Input feeding (Sec. 3.3) gives the first decoder layer [embedding of y_{t-1}; h~_{t-1}] as input, so
the model knows where it attended before. ``attention`` chooses c_t: "global" (Sec. 3.1), "local-m"
(p_t = t) and "local-p" (p_t from eq. 9) (Sec. 3.2), or "none", the baseline: c_t = 0, every other
part, input feeding included, unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
import torch.nn.functional as F
from torch import Tensor, nn

from implementations._common.recurrent import LSTMCell, unroll

from .attention import Score, global_align, local_align, predictive_position

ATTENTIONS = ("none", "global", "local-m", "local-p")


@dataclass(frozen=True)
class LuongConfig:
    src_vocab: int
    tgt_vocab: int
    size: int = 1000  # embedding and LSTM size d (the paper: 1000)
    layers: int = 4  # the paper stacks 4 LSTM layers
    attention: str = "global"
    score: str = "general"
    window: int = 10  # D; the window holds 2D + 1 source positions
    reverse_source: bool = False  # Sutskever et al.'s trick, the paper's "reverse" baseline
    pad_id: int = 0
    bos_id: int = 1
    eos_id: int = 2


class LuongNMT(nn.Module):
    def __init__(self, cfg: LuongConfig) -> None:
        super().__init__()
        if cfg.attention not in ATTENTIONS:
            raise ValueError(f"attention must be one of {ATTENTIONS}, not {cfg.attention!r}")
        self.cfg = cfg
        d = cfg.size
        self.src_embed = nn.Embedding(cfg.src_vocab, d)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab, d)
        self.encoder = nn.ModuleList(LSTMCell(d, d) for _ in range(cfg.layers))
        # input feeding: the first decoder layer reads [E y_{t-1}; h~_{t-1}]
        self.decoder = nn.ModuleList(LSTMCell(2 * d if k == 0 else d, d) for k in range(cfg.layers))
        self.score = None if cfg.attention == "none" else Score(cfg.score, d)
        if cfg.attention == "local-p":
            self.W_p = nn.Linear(d, d, bias=False)
            self.v_p = nn.Linear(d, 1, bias=False)
        self.W_c = nn.Linear(2 * d, d, bias=False)  # acts on [c_t; h_t]
        self.W_s = nn.Linear(d, cfg.tgt_vocab)

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor, list[tuple[Tensor, Tensor]]]:
        """Source states h̄_s (batch, S, d) of the top layer, validity (batch, S), each layer's last (h, c)."""
        valid = src != self.cfg.pad_id
        if self.cfg.reverse_source:  # reverse each sentence inside its own length; padding stays at the end
            lengths = valid.sum(1, keepdim=True)
            pos = torch.arange(src.size(1), device=src.device)
            src = src.gather(1, torch.where(pos < lengths, lengths - 1 - pos, pos).expand_as(src))
        x, finals = self.src_embed(src), []
        for cell in self.encoder:
            x, state = unroll(cell, x, valid=valid, time_dim=1)
            finals.append(state)
        return x, valid, finals

    def _attend(self, h_t: Tensor, t: int, memory: Memory) -> tuple[Tensor, Tensor]:
        """c_t = Σ_s a_t(s) h̄_s and a_t (batch, S)."""
        kind = self.cfg.attention
        scores = self.score(h_t, memory.keys)
        if kind == "global":
            a_t = global_align(scores, memory.valid)
        else:
            if kind == "local-p":
                p_t = predictive_position(h_t, memory.lengths, self.W_p, self.v_p)
            else:  # local-m: p_t = t, held at the last source word once t runs past it
                p_t = torch.minimum(torch.full_like(memory.lengths, t), memory.lengths - 1).to(h_t.dtype)
            a_t = local_align(scores, memory.valid, p_t, self.cfg.window)
        # a weighted sum, not a (batch, 1, S) bmm: at these sizes a batched matmul is the slower kernel
        return (a_t[:, :, None] * memory.source).sum(1), a_t

    def embed_gates(self, y_prev: Tensor) -> Tensor:
        """The first decoder layer's input gates from E y_{t-1} alone (W_x [E y; 0] + b).

        Input feeding splits that layer's input matrix into an embedding half and an h~ half; the
        embedding half does not depend on the recurrence, so teacher forcing applies it to all t at once.
        """
        d = self.cfg.size
        first = self.decoder[0].x_proj
        return F.linear(self.tgt_embed(y_prev), first.weight[:, :d], first.bias)

    def step(self, gates_y: Tensor, t: int, memory: Memory, state: DecoderState) -> tuple[Tensor, Tensor | None, DecoderState]:
        """One target word from its ``embed_gates``: h~_t, a_t (None without attention), the new state."""
        d = self.cfg.size
        first = self.decoder[0]
        gates = gates_y + F.linear(state.h_tilde, first.x_proj.weight[:, d:])  # input feeding: + W h~_{t-1}
        layers = [first.step(gates, state.layers[0])]
        for cell, s in zip(self.decoder[1:], state.layers[1:]):
            layers.append(cell(layers[-1][0], s))
        h_t = layers[-1][0]
        if self.cfg.attention == "none":
            c_t, a_t = torch.zeros_like(h_t), None
        else:
            c_t, a_t = self._attend(h_t, t, memory)
        h_tilde = torch.tanh(self.W_c(torch.cat([c_t, h_t], dim=-1)))  # eq. 5
        return h_tilde, a_t, DecoderState(layers, h_tilde)

    def _start(self, src: Tensor) -> tuple[Memory, DecoderState]:
        source, valid, finals = self.encode(src)
        keys = None if self.score is None else self.score.keys(source)
        memory = Memory(source, valid, valid.sum(1), keys)
        return memory, DecoderState(finals, source.new_zeros(src.size(0), self.cfg.size))

    def forward(self, src: Tensor, tgt_in: Tensor) -> tuple[Tensor, Tensor | None]:
        """Teacher-forced logits (batch, T, vocab) and alignments (batch, T, S) or None; tgt_in = [BOS, y_1, ...]."""
        memory, state = self._start(src)
        h_tildes, aligns = [], []
        for t, gates_y in enumerate(self.embed_gates(tgt_in).unbind(1)):
            h_tilde, a_t, state = self.step(gates_y, t, memory, state)
            h_tildes.append(h_tilde)
            aligns.append(a_t)
        # W_s does not feed back into the recurrence: one matmul over all steps (eq. 6 before the softmax)
        return self.W_s(torch.stack(h_tildes, 1)), (None if aligns[0] is None else torch.stack(aligns, 1))

    @torch.no_grad()
    def greedy_decode(self, src: Tensor, max_len: int) -> tuple[Tensor, Tensor | None]:
        """Arg-max tokens (batch, max_len), PAD after each sentence's EOS, and their alignments."""
        memory, state = self._start(src)
        y = torch.full((src.size(0),), self.cfg.bos_id, dtype=torch.long, device=src.device)
        done = torch.zeros_like(y, dtype=torch.bool)
        tokens, aligns = [], []
        for t in range(max_len):
            h_tilde, a_t, state = self.step(self.embed_gates(y), t, memory, state)
            y = self.W_s(h_tilde).argmax(-1).masked_fill(done, self.cfg.pad_id)
            done |= y == self.cfg.eos_id
            tokens.append(y)
            aligns.append(a_t)
        return torch.stack(tokens, 1), (None if aligns[0] is None else torch.stack(aligns, 1))


@dataclass
class Memory:
    """What every decoder step reads: h̄_s, validity, source lengths S, and the score's source factor."""

    source: Tensor
    valid: Tensor
    lengths: Tensor
    keys: Tensor | None


@dataclass
class DecoderState:
    layers: list[tuple[Tensor, Tensor]]  # (h, c) of each decoder layer
    h_tilde: Tensor  # h~_{t-1}, fed to the next step's input
