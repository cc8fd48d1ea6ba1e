"""RNNsearch (attention) and RNNencdec (fixed context) of Bahdanau et al. 2014.

Both share the bidirectional GRU encoder and the GRU decoder with a maxout
deep output (Appendix A.2); they differ only in the context vector fed to
every decoder step: c_i = sum_j alpha_ij h_j (attention), or one fixed
summary c = [forward h_{T_x}; backward h_1] of the whole source (no attention,
the encoder-decoder of Cho et al. 2014 / Sutskever et al. 2014).
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from .attention import AdditiveAttention
from .gru import BidirectionalGRU, GRUCell


@dataclass(frozen=True)
class Seq2SeqConfig:
    src_vocab: int
    tgt_vocab: int
    embed_size: int = 620  # m in the paper
    hidden_size: int = 1000  # n
    attn_size: int = 1000  # n'
    maxout_size: int = 500  # l
    attention: bool = True  # False: the RNNencdec baseline
    pad_id: int = 0
    bos_id: int = 1
    eos_id: int = 2


class Seq2Seq(nn.Module):
    def __init__(self, cfg: Seq2SeqConfig) -> None:
        super().__init__()
        self.cfg = cfg
        n, m, ctx = cfg.hidden_size, cfg.embed_size, 2 * cfg.hidden_size
        self.src_embed = nn.Embedding(cfg.src_vocab, m)
        self.encoder = BidirectionalGRU(m, n)
        self.tgt_embed = nn.Embedding(cfg.tgt_vocab, m)
        self.init_state = nn.Linear(n, n)  # s_0 = tanh(W_s backward h_1)
        self.attention = AdditiveAttention(n, ctx, cfg.attn_size)
        self.decoder_cell = GRUCell(m + ctx, n)  # input [E y_{i-1}; c_i]: W E y + C c in one matmul
        # Deep output (A.2.2): t~_i = U_o s_{i-1} + V_o E y_{i-1} + C_o c_i, maxout, then W_o t_i.
        self.readout = nn.Linear(n + m + ctx, 2 * cfg.maxout_size)
        self.W_o = nn.Linear(cfg.maxout_size, cfg.tgt_vocab)

    def encode(self, src: Tensor) -> tuple[Tensor, Tensor, Tensor]:
        """Annotations h_j (batch, T_x, 2n), validity mask, and initial decoder state s_0."""
        valid = src != self.cfg.pad_id
        annotations = self.encoder(self.src_embed(src), valid)
        backward_first = annotations[:, 0, self.cfg.hidden_size :]
        s0 = torch.tanh(self.init_state(backward_first))
        return annotations, valid, s0

    def _fixed_context(self, annotations: Tensor, valid: Tensor) -> Tensor:
        """Baseline context: last forward state and first backward state, one per sentence."""
        n = self.cfg.hidden_size
        last = valid.sum(dim=1) - 1
        forward_last = annotations[torch.arange(annotations.size(0), device=annotations.device), last, :n]
        return torch.cat([forward_last, annotations[:, 0, n:]], dim=-1)

    def _output_logits(self, s_prev: Tensor, y_prev_emb: Tensor, context: Tensor) -> Tensor:
        """p(y_i | s_{i-1}, y_{i-1}, c_i) before the softmax, via maxout with pool size 2 (A.2.2)."""
        t_tilde = self.readout(torch.cat([s_prev, y_prev_emb, context], dim=-1))
        t = t_tilde.unflatten(-1, (self.cfg.maxout_size, 2)).amax(dim=-1)  # t_i,j = max(t~_2j-1, t~_2j)
        return self.W_o(t)

    def _context(self, s_prev: Tensor, memory: EncodedSource) -> tuple[Tensor, Tensor | None]:
        """c_i and alpha_i for one step: attention over h_j (eq. 5-6), or the fixed summary."""
        if self.cfg.attention:
            return self.attention(s_prev, memory.keys, memory.annotations, memory.valid)
        return memory.fixed_context, None

    def _memory(self, src: Tensor) -> EncodedSource:
        annotations, valid, s0 = self.encode(src)
        if self.cfg.attention:
            return EncodedSource(annotations, valid, s0, keys=self.attention.precompute_keys(annotations))
        return EncodedSource(annotations, valid, s0, fixed_context=self._fixed_context(annotations, valid))

    def forward(self, src: Tensor, tgt_in: Tensor) -> tuple[Tensor, Tensor | None]:
        """Teacher-forced logits (batch, T_y, vocab) and alignments alpha (batch, T_y, T_x) or None.

        tgt_in holds y_0 = BOS, y_1, ..., y_{T_y - 1}.
        """
        memory = self._memory(src)
        y_emb = self.tgt_embed(tgt_in)
        s, states, contexts, alphas = memory.s0, [], [], []
        for y_prev in y_emb.unbind(1):
            context, alpha = self._context(s, memory)
            states.append(s)
            contexts.append(context)
            alphas.append(alpha)
            s = self.decoder_cell(torch.cat([y_prev, context], dim=-1), s)  # s_i = f(s_{i-1}, y_{i-1}, c_i)
        # The output layer does not feed back into the recurrence, so it runs once over all steps.
        logits = self._output_logits(torch.stack(states, 1), y_emb, torch.stack(contexts, 1))
        return logits, (torch.stack(alphas, 1) if self.cfg.attention else None)

    @torch.no_grad()
    def greedy_decode(self, src: Tensor, max_len: int) -> tuple[Tensor, Tensor | None]:
        """Arg-max tokens (batch, max_len) and their alignments; PAD after a sequence's EOS."""
        memory = self._memory(src)
        batch = src.size(0)
        y = torch.full((batch,), self.cfg.bos_id, dtype=torch.long, device=src.device)
        done = torch.zeros(batch, dtype=torch.bool, device=src.device)
        s, tokens, alphas = memory.s0, [], []
        for _ in range(max_len):
            context, alpha = self._context(s, memory)
            y_emb = self.tgt_embed(y)
            y = self._output_logits(s, y_emb, context).argmax(dim=-1).masked_fill(done, self.cfg.pad_id)
            done |= y == self.cfg.eos_id
            tokens.append(y)
            alphas.append(alpha)
            s = self.decoder_cell(torch.cat([y_emb, context], dim=-1), s)
        return torch.stack(tokens, 1), (torch.stack(alphas, 1) if self.cfg.attention else None)


@dataclass
class EncodedSource:
    """What the decoder reads at every step."""

    annotations: Tensor  # h_j, (batch, T_x, 2n)
    valid: Tensor  # (batch, T_x), False on padding
    s0: Tensor  # initial decoder state
    keys: Tensor | None = None  # U_a h_j (attention model)
    fixed_context: Tensor | None = None  # c (baseline)
