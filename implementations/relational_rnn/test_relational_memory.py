"""The relational memory core against nn.MultiheadAttention, its slot-permutation equivariance, and the LSTM baseline."""

from __future__ import annotations

import torch
from torch import nn

from implementations.relational_rnn.lstm import LSTMCell
from implementations.relational_rnn.model import MemoryAttention, RelationalMemory
from implementations.relational_rnn.task import input_size, make_batch


def reference_mha(attention: MemoryAttention, d: int, heads: int, in_proj: torch.Tensor) -> nn.MultiheadAttention:
    mha = nn.MultiheadAttention(d, heads, bias=False, batch_first=True).double()
    with torch.no_grad():
        mha.in_proj_weight.copy_(in_proj)               # rows [W^q; W^k; W^v], the same layout as ours
        mha.out_proj.weight.copy_(torch.eye(d))         # the paper concatenates the heads, no output projection
    return mha


def test_memory_attention_equals_multihead_attention():
    torch.manual_seed(0)
    d, heads = 12, 3
    attention = MemoryAttention(d, heads, qkv_norm=False).double()
    mha = reference_mha(attention, d, heads, attention.qkv.weight.detach())
    memory = torch.randn(2, 5, d, dtype=torch.float64, requires_grad=True)
    x = torch.randn(2, 1, d, dtype=torch.float64, requires_grad=True)
    ours = attention(memory, x)
    memory_plus_input = torch.cat([memory, x], dim=1)
    theirs, _ = mha(memory, memory_plus_input, memory_plus_input, need_weights=False)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    # gradients w.r.t. the inputs and the projection weights agree too
    upstream = torch.randn_like(ours)
    g_ours = torch.autograd.grad(ours, (memory, x, attention.qkv.weight), upstream)
    g_theirs = torch.autograd.grad(theirs, (memory, x, mha.in_proj_weight), upstream)
    for a, b in zip(g_ours, g_theirs):
        torch.testing.assert_close(a, b, rtol=1e-10, atol=1e-12)


def test_memory_attention_with_qkv_norm_equals_mha_on_normalised_projections():
    torch.manual_seed(1)
    d, heads = 8, 2
    attention = MemoryAttention(d, heads, qkv_norm=True).double()
    with torch.no_grad():
        attention.qkv_norm.weight.uniform_(0.5, 1.5)
        attention.qkv_norm.bias.uniform_(-0.5, 0.5)
    memory, x = torch.randn(3, 4, d, dtype=torch.float64), torch.randn(3, 1, d, dtype=torch.float64)
    rows = torch.cat([memory, x], dim=1)
    q, k, v = attention.qkv_norm(attention.qkv(rows)).chunk(3, dim=-1)
    mha = reference_mha(attention, d, heads, torch.eye(d).repeat(3, 1))  # identity projections
    theirs, _ = mha(q[:, :4], k, v, need_weights=False)
    torch.testing.assert_close(attention(memory, x), theirs, rtol=1e-12, atol=1e-12)


def test_core_is_equivariant_to_memory_slot_order():
    """For any permutation P of the slots, RMC(x, P M) = P RMC(x, M).

    Holds because every slot is processed by the same parameters, attention
    reads [M; x] as a set (softmax over rows, no positions), the MLP and
    layer norms act row by row, and the input x reaches all slots identically
    (as one extra attention row and as the same gate term). It would fail with
    slot-specific parameters or a positional code on the slots.
    """
    torch.manual_seed(2)
    core = RelationalMemory(input_size=7, num_slots=5, mem_size=8, num_heads=2).double()
    memory = torch.randn(3, 5, 8, dtype=torch.float64)
    x = torch.randn(3, 7, dtype=torch.float64)
    out = core(x, memory)
    for perm in (torch.tensor([4, 0, 3, 1, 2]), torch.tensor([1, 0, 2, 3, 4])):
        torch.testing.assert_close(core(x, memory[:, perm]), out[:, perm], rtol=1e-12, atol=1e-12)
    # sanity: the update depends on the other slots, so this is not trivially row-wise
    changed = memory.clone()
    changed[:, 1] += 1.0
    assert not torch.allclose(core(x, changed)[:, 0], out[:, 0])


def test_core_gradients_by_finite_differences():
    torch.manual_seed(3)
    core = RelationalMemory(input_size=3, num_slots=2, mem_size=4, num_heads=2).double()
    x = torch.randn(1, 3, dtype=torch.float64, requires_grad=True)
    memory = torch.randn(1, 2, 4, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(core, (x, memory))


def test_lstm_cell_equals_torch_lstm():
    torch.manual_seed(4)
    cell = LSTMCell(5, 6).double()
    ref = nn.LSTM(5, 6, batch_first=True).double()
    with torch.no_grad():
        ref.weight_ih_l0.copy_(cell.x_proj.weight)
        ref.bias_ih_l0.copy_(cell.x_proj.bias)
        ref.weight_hh_l0.copy_(cell.h_proj.weight)
        ref.bias_hh_l0.zero_()
    seq = torch.randn(2, 4, 5, dtype=torch.float64, requires_grad=True)
    h = c = torch.zeros(2, 6, dtype=torch.float64)
    outs = []
    for t in range(4):
        h, c = cell(seq[:, t], (h, c))
        outs.append(h)
    ours = torch.stack(outs, dim=1)
    theirs, (h_ref, c_ref) = ref(seq)
    torch.testing.assert_close(ours, theirs, rtol=1e-12, atol=1e-12)
    torch.testing.assert_close(c, c_ref[0], rtol=1e-12, atol=1e-12)
    g_ours, = torch.autograd.grad(ours.sum(), seq, retain_graph=True)
    g_theirs, = torch.autograd.grad(theirs.sum(), seq)
    torch.testing.assert_close(g_ours, g_theirs, rtol=1e-10, atol=1e-12)


def test_nth_farthest_answers_by_brute_force():
    K, dim = 4, 4
    x, y = make_batch(200, torch.Generator().manual_seed(5), K, dim)
    assert x.shape == (200, K, input_size(K, dim))
    for b in range(200):
        vectors = x[b, :, :dim]
        n = int(x[b, 0, dim + K: dim + 2 * K].argmax())
        reference = int(x[b, :, -1].argmax())
        assert x[b, :, -1].sum() == 1 and torch.equal(x[b, :, dim:dim + K], torch.eye(K))
        dists = [float((vectors[j] - vectors[reference]).norm()) for j in range(K)]
        ranked = sorted(range(K), key=lambda j: -dists[j])
        assert int(y[b]) == ranked[n]
