"""The network: one shared embedding table for the operands, then a one-hidden-layer ReLU MLP.

    h = ReLU(W₁ [E_a ; E_b] + b₁),   logits = W₂ h + b₂   (p classes, one per residue c)

The paper trains a 2-layer decoder-only transformer on the token sequence "a ∘ b = c"; here an
MLP stands in for it (a CPU-budget choice, see the README). Grokking is not specific to
attention: Gromov 2023 ("Grokking modular arithmetic") shows it in a two-layer MLP on the same
task.
"""

from __future__ import annotations

import torch
from torch import nn

EMBED, HIDDEN = 32, 128


class ModularMLP(nn.Module):
    def __init__(self, p: int, embed: int = EMBED, hidden: int = HIDDEN) -> None:
        super().__init__()
        self.embed = nn.Embedding(p, embed)            # one table: a and b are the same kind of token
        self.hidden = nn.Linear(2 * embed, hidden)
        self.out = nn.Linear(hidden, p)

    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        x = torch.cat([self.embed(a), self.embed(b)], dim=-1)
        return self.out(torch.relu(self.hidden(x)))
