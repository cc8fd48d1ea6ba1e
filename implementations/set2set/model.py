"""Read-process-write network of "Order Matters: Sequence to sequence for sets" (Section 4, Figure 1).

- Read: each element x_i is embedded on its own into a memory vector m_i.
- Process: an LSTM with no inputs of its own runs T steps, each step attending
  over all memories (eqs. 3-7). Attention sums over the memories, so the
  result q*_T is invariant to the order the elements are stored in.
- Write: a pointer network (reused from ``implementations.pointer_network``)
  started from q*_T points at the memories one at a time.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch
from torch import Tensor, nn

from implementations.pointer_network.lstm import LSTMCell
from implementations.pointer_network.model import PointerDecoder


@dataclass(frozen=True)
class Set2SetConfig:
    input_size: int = 1
    hidden_size: int = 64  # memory size d; the process LSTM and the writer use it too
    attn_size: int = 64
    process_steps: int = 5  # T


class ProcessBlock(nn.Module):
    """q_t = LSTM(q*_{t-1}); e_{i,t} = m_i . q_t; a_{i,t} = softmax_i; r_t = sum_i a_{i,t} m_i; q*_t = [q_t; r_t]."""

    def __init__(self, memory_size: int, steps: int) -> None:
        super().__init__()
        self.steps = steps
        self.lstm = LSTMCell(2 * memory_size, memory_size)  # input q*_{t-1}: the LSTM reads no data

    def forward(self, memories: Tensor, valid: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor], list[Tensor]]:
        """memories (batch, n, d) -> q*_T (batch, 2d), the LSTM's final state and each step's weights."""
        batch, _, d = memories.shape
        state = self.lstm.zero_state(batch, memories)
        q_star = memories.new_zeros(batch, 2 * d)
        weights = []
        for _ in range(self.steps):
            state = self.lstm(q_star, state)  # eq. (3)
            q = state[0]
            e = (memories @ q[:, :, None]).squeeze(-1)  # eq. (4), f = dot product
            a = e.masked_fill(~valid, float("-inf")).softmax(dim=-1)  # eq. (5); padding gets 0
            r = (a[:, :, None] * memories).sum(dim=1)  # eq. (6), a sum: order does not matter
            q_star = torch.cat([q, r], dim=-1)  # eq. (7)
            weights.append(a)
        return q_star, state, weights


class Set2Set(PointerDecoder):
    def __init__(self, cfg: Set2SetConfig) -> None:
        super().__init__(cfg.input_size, cfg.hidden_size, cfg.attn_size)
        self.cfg = cfg
        d = cfg.hidden_size
        self.read = nn.Sequential(nn.Linear(cfg.input_size, d), nn.ReLU(), nn.Linear(d, d))  # m_i = f(x_i)
        self.process = ProcessBlock(d, cfg.process_steps)
        self.write_init = nn.Linear(2 * d, d)  # q*_T -> the writer's initial state

    def encode(self, inputs: Tensor, valid: Tensor) -> tuple[Tensor, tuple[Tensor, Tensor]]:
        """Memories to point at, and the writer's initial LSTM state built from q*_T."""
        memories = self.read(inputs)
        q_star, (_, c), _ = self.process(memories, valid)
        return memories, (torch.tanh(self.write_init(q_star)), c)

    def encoding(self, inputs: Tensor, valid: Tensor) -> Tensor:
        """q*_T, the order-invariant embedding of the set."""
        return self.process(self.read(inputs), valid)[0]
