"""The whole read-process-write network against nn.LSTMCell with copied weights and eqs. (3)-(7) (float64).

Each set is run on its own, unpadded. Read: m_i = W2 ReLU(W1 x_i + b1) + b2.
Process: an nn.LSTMCell fed q*_{t-1}, dot-product attention over the
memories, q*_t = [q_t; r_t]. Write: an nn.LSTMCell started from
(tanh(W q*_T + b), c_T), fed the go symbol then the element pointed at last,
scoring the memories with eq. (3) of the Ptr-Net. Catches [r_t; q_t] for
[q_t; r_t], attention on r instead of q, a missing ReLU or tanh, the writer
started from zeros or from h_T, and the wrong number of process steps.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations.pointer_network.demo import sample
from implementations.set2set.model import Set2Set, Set2SetConfig

D = torch.float64
CFG = Set2SetConfig(input_size=1, hidden_size=4, attn_size=3, process_steps=3)


def _cell(shared, input_size: int) -> nn.LSTMCell:
    ref = nn.LSTMCell(input_size, CFG.hidden_size, dtype=D)
    with torch.no_grad():
        ref.weight_ih.copy_(shared.x_proj.weight)
        ref.weight_hh.copy_(shared.h_proj.weight)
        ref.bias_ih.copy_(shared.x_proj.bias)
        ref.bias_hh.copy_(shared.h_proj.bias)
    return ref


def test_teacher_forced_scores_match_the_reference_read_process_write() -> None:
    torch.manual_seed(0)
    model = Set2Set(CFG).double()
    with torch.no_grad():
        for p in model.parameters():
            p.uniform_(-1, 1)
    process, writer = _cell(model.process.lstm, 2 * CFG.hidden_size), _cell(model.decoder, 1)
    inputs, valid, targets = sample(torch.Generator().manual_seed(2), 3, (2, 5))
    inputs = inputs.to(D)
    scores = model(inputs, valid, targets)
    read1, read2 = model.read[0], model.read[2]
    W1, W2, v = model.pointer.W1.weight, model.pointer.W2.weight, model.pointer.v
    for b in range(inputs.size(0)):
        n = int(valid[b].sum())
        x = inputs[b, :n]
        m = F.linear(F.relu(F.linear(x, read1.weight, read1.bias)), read2.weight, read2.bias)  # memories
        q_star = torch.zeros(1, 2 * CFG.hidden_size, dtype=D)
        state = None
        for _ in range(CFG.process_steps):
            state = process(q_star, state)  # eq. (3)
            q = state[0][0]
            a = (m @ q).softmax(0)  # eq. (4)-(5)
            q_star = torch.cat([q, a @ m])[None]  # eq. (6)-(7)
        state = (torch.tanh(model.write_init(q_star)), state[1])
        prev = model.go[None]
        for i in range(n):
            state = writer(prev, state)
            u = torch.stack([v @ torch.tanh(W1 @ m_j + W2 @ state[0][0]) for m_j in m])
            u[targets[b, :i]] = float("-inf")
            assert_close(scores[b, i, :n], u)
            prev = x[targets[b, i]][None]
