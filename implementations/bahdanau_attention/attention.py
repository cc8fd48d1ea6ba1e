"""The alignment model of Section 3.1 / Appendix A.1.2: additive (concat) attention."""

from __future__ import annotations

import torch
from torch import Tensor, nn


class AdditiveAttention(nn.Module):
    """e_ij = v_a^T tanh(W_a s_{i-1} + U_a h_j);  alpha_ij = softmax_j(e_ij);  c_i = sum_j alpha_ij h_j.

    ``U_a h_j`` does not depend on the decoder step, so it is computed once per
    source sentence (``precompute_keys``), as the paper notes in Appendix A.1.2.
    """

    def __init__(self, state_size: int, annotation_size: int, attn_size: int) -> None:
        super().__init__()
        self.W_a = nn.Linear(state_size, attn_size, bias=False)
        self.U_a = nn.Linear(annotation_size, attn_size)
        self.v_a = nn.Parameter(torch.empty(attn_size).uniform_(-attn_size**-0.5, attn_size**-0.5))

    def precompute_keys(self, annotations: Tensor) -> Tensor:
        """U_a h_j for all j: (batch, T_x, attn_size)."""
        return self.U_a(annotations)

    def scores(self, state: Tensor, keys: Tensor) -> Tensor:
        """e_ij for one decoder step: state s_{i-1} (batch, n) -> (batch, T_x)  (eq. 6)."""
        return torch.tanh(self.W_a(state)[:, None, :] + keys) @ self.v_a

    def forward(self, state: Tensor, keys: Tensor, annotations: Tensor, valid: Tensor) -> tuple[Tensor, Tensor]:
        """Context c_i (eq. 5) and weights alpha_ij (eq. 6); padded j get weight exactly 0."""
        e = self.scores(state, keys).masked_fill(~valid, float("-inf"))
        alpha = torch.softmax(e, dim=-1)
        context = torch.bmm(alpha[:, None, :], annotations).squeeze(1)
        return context, alpha
