"""Luong et al.'s score functions (eq. 8) and their global (Sec. 3.1) and local (Sec. 3.2) alignments.

Every function works on one decoder step: the target state h_t (batch, d) against the source states
h̄_s (batch, S, d), with ``valid`` (batch, S) False on padding. The part of a score that depends on
the source only (W_a h̄_s) is computed once per sentence (``Score.keys``), not once per target word.
"""

from __future__ import annotations

import torch
from torch import Tensor, nn

SCORES = ("dot", "general", "concat")


class Score(nn.Module):
    """score(h_t, h̄_s) of eq. 8: dot h_t^T h̄_s, general h_t^T W_a h̄_s, concat v_a^T tanh(W_a [h_t; h̄_s])."""

    def __init__(self, kind: str, size: int) -> None:
        super().__init__()
        if kind not in SCORES:
            raise ValueError(f"score must be one of {SCORES}, not {kind!r}")
        self.kind = kind
        if kind == "general":
            self.W_a = nn.Linear(size, size, bias=False)
        elif kind == "concat":
            self.W_a = nn.Linear(2 * size, size, bias=False)  # acts on [h_t; h̄_s]
            self.v_a = nn.Parameter(torch.empty(size).uniform_(-size**-0.5, size**-0.5))

    def keys(self, source: Tensor) -> Tensor:
        """The source-only factor: h̄_s (dot), W_a h̄_s (general), the h̄_s half of W_a [h_t; h̄_s] (concat)."""
        if self.kind == "dot":
            return source
        if self.kind == "general":
            return self.W_a(source)
        return source @ self.W_a.weight[:, source.size(-1):].T

    def forward(self, h_t: Tensor, keys: Tensor) -> Tensor:
        """score(h_t, h̄_s) for every s: (batch, S)."""
        if self.kind == "concat":
            query = h_t @ self.W_a.weight[:, : h_t.size(-1)].T
            return torch.tanh(query[:, None, :] + keys) @ self.v_a
        return (keys * h_t[:, None, :]).sum(-1)  # h_t · key_s; faster than a (batch, S, 1) bmm here


def global_align(scores: Tensor, valid: Tensor) -> Tensor:
    """a_t(s) = softmax_s score(h_t, h̄_s) over every real source position (eq. 7); padding gets exactly 0."""
    return scores.masked_fill(~valid, float("-inf")).softmax(dim=-1)


def predictive_position(h_t: Tensor, lengths: Tensor, W_p: nn.Linear, v_p: nn.Linear) -> Tensor:
    """p_t = S · sigmoid(v_p^T tanh(W_p h_t)) (eq. 9), a real number in [0, S], S the source length."""
    return lengths.to(h_t.dtype) * torch.sigmoid(v_p(torch.tanh(W_p(h_t)))).squeeze(-1)


def local_align(scores: Tensor, valid: Tensor, p_t: Tensor, D: int) -> Tensor:
    """Local attention (Sec. 3.2): a_t(s) = align(h_t, h̄_s) · exp(−(s − p_t)² / (2σ²)), σ = D/2 (eq. 10).

    The window holds the 2D + 1 positions s with |s − round(p_t)| ≤ D (fewer where it crosses an end of
    the sentence); align is the softmax of the scores over the window only, and every s outside it gets
    weight exactly 0. The window is a discrete choice, so p_t learns through the Gaussian factor alone,
    as in the paper. Positions are counted from 0; a local-m model passes p_t = t.
    """
    positions = torch.arange(scores.size(-1), device=scores.device, dtype=scores.dtype)
    window = (positions - torch.round(p_t)[:, None]).abs() <= D
    align = global_align(scores, valid & window)
    sigma = D / 2
    return align * torch.exp(-((positions - p_t[:, None]) ** 2) / (2 * sigma**2))
