"""Both classifiers, unrolled, against references written here (float64).

The RMC reference writes Sec. 3.1-3.3 out per head, with its own attention
(a loop over heads, softmax(Q_h K_h^T / sqrt(d_k)) V_h); the LSTM baseline is
checked against nn.LSTM with copied weights. Catches queries taken from
[M; x] instead of M, a missing 1/sqrt(d_k), the MLP's residual or a layer
norm dropped or moved (pre-norm), tanh of the candidate left out, the gates
reading m_{t-1} without tanh, b_f dropped or added to the input gate, and the
classifier reading the first memory instead of the last.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations._common.recurrent import LSTMCell
from implementations.relational_rnn.lstm import LSTMClassifier
from implementations.relational_rnn.model import RMCClassifier

D = torch.float64
SLOTS, MEM, HEADS = 3, 4, 2


def _layer_norm(x: torch.Tensor, ln: nn.LayerNorm) -> torch.Tensor:
    mu, var = x.mean(-1, keepdim=True), x.var(-1, unbiased=False, keepdim=True)
    return (x - mu) / torch.sqrt(var + ln.eps) * ln.weight + ln.bias


def _rmc_step(core, x_t: torch.Tensor, memory: torch.Tensor) -> torch.Tensor:
    """One step for one sequence: x_t (input,), memory (N, d)."""
    x = core.input_projection(x_t)[None]  # one extra row
    rows = torch.cat([memory, x])
    q, k, v = _layer_norm(rows @ core.attention.qkv.weight.T, core.attention.qkv_norm).split(MEM, dim=-1)
    dk = MEM // HEADS
    heads = []
    for h in range(HEADS):
        cols = slice(h * dk, (h + 1) * dk)
        logits = q[:SLOTS, cols] @ k[:, cols].T / math.sqrt(dk)  # only memory rows ask
        heads.append(logits.softmax(-1) @ v[:, cols])
    attended = _layer_norm(memory + torch.cat(heads, dim=-1), core.norm_attention)
    l1, l2 = core.mlp[0], core.mlp[2]
    mlp = F.linear(F.relu(F.linear(attended, l1.weight, l1.bias)), l2.weight, l2.bias)
    candidate = _layer_norm(attended + mlp, core.norm_mlp)
    gates = core.gate_input(x) + torch.tanh(memory) @ core.gate_memory.weight.T
    i, f = gates.split(MEM, dim=-1)
    return torch.sigmoid(i) * torch.tanh(candidate) + torch.sigmoid(f + 1.0) * memory


def test_unrolled_rmc_classifier_matches_the_sections_written_out() -> None:
    torch.manual_seed(0)
    model = RMCClassifier(input_size=5, num_classes=3, num_slots=SLOTS, mem_size=MEM, num_heads=HEADS,
                          hidden=6).double()
    with torch.no_grad():  # layer-norm gains and biases away from 1 and 0
        for name, p in model.named_parameters():
            if "norm" in name:
                p.add_(0.5 * torch.randn_like(p))
    seq = torch.randn(2, 3, 5, dtype=D)
    expected = []
    for b in range(2):
        memory = model.core.initial.to(D)
        for t in range(seq.shape[1]):
            memory = _rmc_step(model.core, seq[b, t], memory)
        expected.append(model.head(memory.flatten()))
    assert_close(model(seq), torch.stack(expected))


def test_lstm_baseline_matches_nn_lstm_and_adds_one_to_the_forget_slice_only() -> None:
    torch.manual_seed(1)
    model = LSTMClassifier(input_size=5, num_classes=3, hidden_size=4, hidden=6).double()
    cell = model.cell
    ref = nn.LSTM(5, 4, batch_first=True, dtype=D)  # gate blocks i, f, g, o, as nn.LSTM stacks them
    with torch.no_grad():
        ref.weight_ih_l0.copy_(cell.x_proj.weight)
        ref.weight_hh_l0.copy_(cell.h_proj.weight)
        ref.bias_ih_l0.copy_(cell.x_proj.bias)
        ref.bias_hh_l0.zero_()
    seq = torch.randn(2, 3, 5, dtype=D)
    _, (h, _) = ref(seq)
    assert_close(model(seq), model.head(h[0]))
    # Same seed without the forget bias: the two differ by exactly 1 on b_f and nowhere else.
    torch.manual_seed(1)
    plain = LSTMCell(5, 4).double()
    delta = cell.x_proj.bias - plain.x_proj.bias
    assert_close(delta, torch.tensor([0.0] * 4 + [1.0] * 4 + [0.0] * 8, dtype=D))
