"""Neural Turing Machine with an LSTM controller, and the plain LSTM it is compared with.

Graves, Wayne & Danihelka 2014, "Neural Turing Machines", arXiv 1410.5401.
Sections referenced: 3.1 reading (eq. 2), 3.2 writing (eq. 3-4), 3.3
addressing (eq. 5-9, in ``addressing.py``), 3.4 controller.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from implementations._common.params import count_parameters  # noqa: F401  (re-exported)

from .addressing import address

SHIFTS = 3  # allowed integer shifts -1, 0, +1 (Section 3.3.2)


def read_memory(memory: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
    """Eq. (2): r_t = sum_i w_t(i) M_t(i); memory (B, N, M), weights (B, N) -> (B, M)."""
    return (weights.unsqueeze(-1) * memory).sum(1)


def write_memory(memory: torch.Tensor, weights: torch.Tensor, erase: torch.Tensor, add: torch.Tensor) -> torch.Tensor:
    """Eq. (3)-(4): erase then add, each row in proportion to its write weight.

    memory (B, N, M), weights (B, N), erase e and add a (B, M) -> new memory.
    """
    w = weights.unsqueeze(-1)
    erased = memory * (1.0 - w * erase.unsqueeze(1))   # eq. (3) M~_t(i) = M_{t-1}(i)[1 - w_t(i) e_t]
    return erased + w * add.unsqueeze(1)               # eq. (4) M_t(i) = M~_t(i) + w_t(i) a_t


class LSTMCell(nn.Module):
    """One LSTM step, written out: i, f, o gates and candidate from one affine map."""

    def __init__(self, input_size: int, hidden_size: int) -> None:
        super().__init__()
        self.hidden_size = hidden_size
        self.affine = nn.Linear(input_size + hidden_size, 4 * hidden_size)
        with torch.no_grad():  # forget-gate bias 1: remember by default
            self.affine.bias[hidden_size:2 * hidden_size].fill_(1.0)

    def forward(self, x: torch.Tensor, state: tuple[torch.Tensor, torch.Tensor]) -> tuple[torch.Tensor, torch.Tensor]:
        h, c = state
        i, f, g, o = self.affine(torch.cat([x, h], dim=-1)).chunk(4, dim=-1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        return h, c


class LSTM(nn.Module):
    """Baseline: the same LSTM cell unrolled, with a linear read-out of h_t."""

    def __init__(self, input_size: int, output_size: int, hidden_size: int) -> None:
        super().__init__()
        self.cell = LSTMCell(input_size, hidden_size)
        self.readout = nn.Linear(hidden_size, output_size)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        """x (T, B, input_size) -> output logits (T, B, output_size)."""
        h = x.new_zeros(x.shape[1], self.cell.hidden_size)
        state = (h, h)
        outputs = []
        for x_t in x:
            state = self.cell(x_t, state)
            outputs.append(self.readout(state[0]))
        return torch.stack(outputs)


class NTM(nn.Module):
    """LSTM controller + one read head + one write head over an N x M memory.

    Per step t: the controller sees x_t and the previous read vector r_{t-1};
    its output emits each head's addressing parameters (key k, strength beta,
    gate g, shift s, sharpening gamma) and, for the write head, erase e and
    add a. Both heads address M_{t-1}; the read head reads r_t (eq. 2), the
    write head produces M_t (eq. 3-4); the output is read from [h_t, r_t].
    """

    def __init__(self, input_size: int, output_size: int, hidden_size: int = 64,
                 memory_rows: int = 20, memory_width: int = 8) -> None:
        super().__init__()
        self.n, self.m = memory_rows, memory_width
        self.controller = LSTMCell(input_size + memory_width, hidden_size)
        self.address_size = memory_width + 1 + 1 + SHIFTS + 1   # k, beta, g, s, gamma
        # Rows 0 and 1 are the read and write heads' addressing parameters,
        # the rest the write head's erase and add vectors.
        self.head_params = nn.Linear(hidden_size, 2 * self.address_size + 2 * memory_width)
        self.readout = nn.Linear(hidden_size + memory_width, output_size)

    def initial_state(self, batch: int, like: torch.Tensor):
        memory = like.new_full((batch, self.n, self.m), 1e-6)
        weights = like.new_zeros(batch, 2, self.n)
        weights[:, :, 0] = 1.0                       # both heads start on row 0
        read = like.new_zeros(batch, self.m)
        h = like.new_zeros(batch, self.controller.hidden_size)
        return memory, weights, read, (h, h)

    def _split_head_params(self, h: torch.Tensor):
        """Controller output -> constrained head parameters (Section 3.3)."""
        params = self.head_params(h)
        a = self.address_size
        heads = params[:, :2 * a].view(-1, 2, a)          # (B, heads, a)
        m = self.m
        key = heads[..., :m]
        strength = F.softplus(heads[..., m:m + 1])         # beta >= 0
        gate = torch.sigmoid(heads[..., m + 1:m + 2])      # g in (0, 1)
        shift = torch.softmax(heads[..., m + 2:m + 2 + SHIFTS], dim=-1)  # s sums to 1
        gamma = 1.0 + F.softplus(heads[..., -1:])          # gamma >= 1
        erase = torch.sigmoid(params[:, 2 * a:2 * a + m])  # e in (0, 1)^M
        add = torch.tanh(params[:, 2 * a + m:])
        return key, strength, gate, shift, gamma, erase, add

    def step(self, x_t: torch.Tensor, state):
        memory, weights, read, controller_state = state
        h, c = self.controller(torch.cat([x_t, read], dim=-1), controller_state)
        key, strength, gate, shift, gamma, erase, add = self._split_head_params(h)
        # Both heads address the same M_{t-1}; batched over the head dimension.
        weights = address(memory.unsqueeze(1), weights, key, strength, gate, shift, gamma)
        w_read, w_write = weights[:, 0], weights[:, 1]
        read = read_memory(memory, w_read)
        memory = write_memory(memory, w_write, erase, add)
        output = self.readout(torch.cat([h, read], dim=-1))
        return output, (memory, weights, read, (h, c))

    def forward(self, x: torch.Tensor, return_weights: bool = False):
        """x (T, B, input_size) -> output logits (T, B, output_size)."""
        state = self.initial_state(x.shape[1], x)
        outputs, trace = [], []
        for x_t in x:
            out, state = self.step(x_t, state)
            outputs.append(out)
            trace.append(state[1])
        outputs = torch.stack(outputs)
        return (outputs, torch.stack(trace)) if return_weights else outputs
