"""The relational memory core (RMC) of Santoro et al. (2018), Sec. 3.

At every step the memory M (N slots x d) attends over itself and the new
input, [M; x] (Sec. 3.1, Fig. 1), with multi-head dot-product attention
(MHDPA); a row-wise MLP follows; each has a residual connection and layer
norm (Sec. 3.2). LSTM-style input and forget gates then decide, per slot and
unit, how much of this proposal replaces the old memory (Sec. 3.3).

No parameter belongs to a particular slot and the input reaches every slot
the same way, so the core treats the slots as a set: permuting the slots of
M permutes the new memory in the same way.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class MemoryAttention(nn.Module):
    """MHDPA with queries from the memory rows and keys/values from [memory; input] (Sec. 3.1).

    For head h: A_h = softmax(Q_h K_h^T / sqrt(d_k)) V_h with Q_h = M W^q_h,
    K_h = [M; x] W^k_h, V_h = [M; x] W^v_h; the heads' outputs are
    concatenated. ``qkv_norm`` layer-normalises each row's [q, k, v] after
    the projection, as DeepMind's Sonnet RMC does: the logits then start at
    unit scale, so slots attend selectively from the first step (without it
    training was markedly slower here). With ``qkv_norm=False`` this is
    exactly ``nn.MultiheadAttention`` without biases and with an identity
    output projection (see the tests).
    """

    def __init__(self, mem_size: int, num_heads: int, qkv_norm: bool = True) -> None:
        super().__init__()
        if mem_size % num_heads:
            raise ValueError("mem_size must be divisible by num_heads")
        self.num_heads, self.head_size = num_heads, mem_size // num_heads
        self.qkv = nn.Linear(mem_size, 3 * mem_size, bias=False)  # rows: [W^q; W^k; W^v]
        self.qkv_norm = nn.LayerNorm(3 * mem_size) if qkv_norm else nn.Identity()

    def split_heads(self, t: torch.Tensor) -> torch.Tensor:
        B, rows, _ = t.shape
        return t.reshape(B, rows, self.num_heads, self.head_size).transpose(1, 2)  # (B, H, rows, head_size)

    def forward(self, memory: torch.Tensor, inputs: torch.Tensor) -> torch.Tensor:
        """memory (B, N, d), inputs (B, R, d) -> attended memory (B, N, d)."""
        memory_plus_input = torch.cat([memory, inputs], dim=1)
        q, k, v = self.qkv_norm(self.qkv(memory_plus_input)).chunk(3, dim=-1)
        q = self.split_heads(q[:, : memory.shape[1]])  # only the memory rows ask
        k, v = self.split_heads(k), self.split_heads(v)
        weights = torch.softmax(q @ k.transpose(-2, -1) / math.sqrt(self.head_size), dim=-1)
        return (weights @ v).transpose(1, 2).flatten(2)  # (B, N, H * head_size): heads concatenated


class RelationalMemory(nn.Module):
    """One step of the RMC: (input x_t, memory M_{t-1}) -> M_t. Its output is M_t, flattened."""

    def __init__(self, input_size: int, num_slots: int, mem_size: int, num_heads: int = 2,
                 forget_bias: float = 1.0, qkv_norm: bool = True) -> None:
        super().__init__()
        self.num_slots, self.mem_size, self.forget_bias = num_slots, mem_size, forget_bias
        self.input_projection = nn.Linear(input_size, mem_size)  # x_t becomes one extra row of [M; x]
        self.attention = MemoryAttention(mem_size, num_heads, qkv_norm)
        self.norm_attention = nn.LayerNorm(mem_size)
        self.mlp = nn.Sequential(nn.Linear(mem_size, mem_size), nn.ReLU(), nn.Linear(mem_size, mem_size))
        self.norm_mlp = nn.LayerNorm(mem_size)
        # gates (Sec. 3.3): W x_t + U tanh(m_{t-1}) + b, the same for every slot
        self.gate_input = nn.Linear(mem_size, 2 * mem_size)
        self.gate_memory = nn.Linear(mem_size, 2 * mem_size, bias=False)
        # initial memory: distinct rows (identity, as in the paper's code); identical rows would stay identical forever
        self.initial = nn.Parameter(torch.eye(num_slots, mem_size) if num_slots <= mem_size
                                    else torch.randn(num_slots, mem_size) / math.sqrt(mem_size))

    def initial_memory(self, batch_size: int) -> torch.Tensor:
        return self.initial.expand(batch_size, -1, -1)

    def propose(self, memory: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """The candidate memory M~: attention, then a row-wise MLP, each with residual + layer norm (Sec. 3.2)."""
        attended = self.norm_attention(memory + self.attention(memory, x))
        return self.norm_mlp(attended + self.mlp(attended))

    def forward(self, x_t: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
        """x_t (B, input_size), memory (B, N, d) -> new memory (B, N, d)."""
        x = self.input_projection(x_t)[:, None, :]                           # (B, 1, d)
        candidate = self.propose(memory, x)
        gates = self.gate_input(x) + self.gate_memory(torch.tanh(memory))   # (B, N, 2d); x broadcast to all slots
        input_gate, forget_gate = gates.chunk(2, dim=-1)
        # m_t = sigma(i_t) * tanh(m~_t) + sigma(f_t + b_f) * m_{t-1}
        return torch.sigmoid(input_gate) * torch.tanh(candidate) + torch.sigmoid(forget_gate + self.forget_bias) * memory


class RMCClassifier(nn.Module):
    """Reads a sequence with the RMC and classifies from the final memory, flattened."""

    def __init__(self, input_size: int, num_classes: int, num_slots: int = 4, mem_size: int = 32,
                 num_heads: int = 2, hidden: int = 64) -> None:
        super().__init__()
        self.core = RelationalMemory(input_size, num_slots, mem_size, num_heads)
        self.head = nn.Sequential(nn.Linear(num_slots * mem_size, hidden), nn.ReLU(), nn.Linear(hidden, num_classes))

    def forward(self, sequence: torch.Tensor) -> torch.Tensor:
        """sequence (B, T, input_size) -> logits (B, num_classes)."""
        memory = self.core.initial_memory(sequence.shape[0])
        for t in range(sequence.shape[1]):
            memory = self.core(sequence[:, t], memory)
        return self.head(memory.flatten(1))
