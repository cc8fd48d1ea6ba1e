"""The unrolled NTM against a step written out from Sections 3.1-3.4 (float64), and the γ ≥ 1 constraint.

The reference uses the model's controller cell and linear maps (the cell has
its own test against nn.LSTMCell) and writes everything between them here:
the head-parameter layout and constraints, eq. (5)-(9) as loops over rows,
reading and writing on M_{t-1}, and the read-out from [h_t, r_t]. Catches a
dropped constraint (γ = softplus without the 1, β unconstrained), the gate
or erase squashed by the wrong function, reading after writing, the read
vector left out of the controller input or of the read-out, swapped heads, a
shift applied the wrong way round (visible only in the weightings), and a delimiter or recall phase misplaced.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.ntm.model import NTM
from implementations.ntm.task import copy_batch, output_phase

D = torch.float64
N, M, HIDDEN = 5, 3, 6


def _address(memory, prev, key, beta, g, s, gamma):
    """Eq. (5)-(9) for one sequence and one head, row by row."""
    cos = torch.stack([memory[i] @ key / (memory[i].norm() * key.norm() + 1e-8) for i in range(N)])
    w_c = torch.softmax(beta * cos, dim=0)
    w_g = g * w_c + (1 - g) * prev
    w_s = torch.stack([sum(w_g[(i - o) % N] * s[o + 1] for o in (-1, 0, 1)) for i in range(N)])
    w = w_s**gamma
    return w / w.sum()


def _heads(model: NTM, h: torch.Tensor):
    p = model.head_params(h)
    a = M + 1 + 1 + 3 + 1
    heads = []
    for k in range(2):  # read head, then write head
        q = p[k * a:(k + 1) * a]
        heads.append((q[:M], F.softplus(q[M]), torch.sigmoid(q[M + 1]), torch.softmax(q[M + 2:M + 5], 0),
                      1 + F.softplus(q[M + 5])))
    erase, add = torch.sigmoid(p[2 * a:2 * a + M]), torch.tanh(p[2 * a + M:])
    return heads, erase, add


def _reference(model: NTM, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    outputs, traces = [], []
    for b in range(x.shape[1]):
        memory = torch.full((N, M), 1e-6, dtype=D)
        weights = [F.one_hot(torch.tensor(0), N).to(D)] * 2  # both heads start on row 0
        read = torch.zeros(M, dtype=D)
        state = (torch.zeros(1, HIDDEN, dtype=D), torch.zeros(1, HIDDEN, dtype=D))
        seq, trace = [], []
        for x_t in x[:, b]:
            state = model.controller(torch.cat([x_t, read])[None], state)
            h = state[0][0]
            (read_head, write_head), erase, add = _heads(model, h)
            weights = [_address(memory, weights[0], *read_head), _address(memory, weights[1], *write_head)]
            read = weights[0] @ memory  # eq. (2), from M_{t-1}
            w = weights[1][:, None]
            memory = memory * (1 - w * erase) + w * add  # eq. (3)-(4)
            seq.append(model.readout(torch.cat([h, read])))
            trace.append(torch.stack(weights))
        outputs.append(torch.stack(seq))
        traces.append(torch.stack(trace))
    return torch.stack(outputs, dim=1), torch.stack(traces, dim=1)


def _model() -> NTM:
    torch.manual_seed(0)
    model = NTM(4, 3, hidden_size=HIDDEN, memory_rows=N, memory_width=M).double()
    with torch.no_grad():  # larger head outputs, so strength, gate, shift and sharpening all matter
        model.head_params.weight.mul_(4.0)
        model.head_params.bias.normal_()
    return model


def test_unrolled_ntm_matches_the_papers_step_written_out() -> None:
    model = _model()
    x, _ = copy_batch(2, 3, 3, torch.Generator().manual_seed(0))
    x = x.to(D)
    out, weights = model(x, return_weights=True)
    ref_out, ref_weights = _reference(model, x)
    assert_close(out, ref_out)
    # The weightings too: from the symmetric start (row 0, uniform memory) a shift taken the wrong way
    # round mirrors every weighting and leaves the outputs exactly as they were.
    assert_close(weights, ref_weights)


def test_sharpening_exponent_is_at_least_one_for_any_controller_output() -> None:
    model = _model()
    gamma_row = model.address_size - 1  # the read head's γ; the write head's is one head further on
    with torch.no_grad():
        for row in (gamma_row, 2 * model.address_size - 1):
            model.head_params.bias[row] = -60.0
            model.head_params.weight[row] = 0.0
    h = torch.randn(4, HIDDEN, dtype=D)
    gamma = model._split_head_params(h)[4]
    assert gamma.shape == (4, 2, 1)
    assert (gamma >= 1).all()
    assert_close(gamma, torch.ones_like(gamma))  # 1 + softplus(-60): the bound itself, not 0
    strength = model._split_head_params(-1e3 * torch.ones(1, HIDDEN, dtype=D))[1]
    assert (strength >= 0).all()


def test_copy_task_recall_phase_follows_the_delimiter() -> None:
    x, y = copy_batch(1, 4, 2, torch.Generator().manual_seed(1))
    assert x[4, 0].tolist() == [0.0, 0.0, 1.0]  # the delimiter step, channel `bits`
    logits = torch.arange(9.0)[:, None, None].expand(9, 1, 2)
    assert output_phase(logits, 4)[:, 0, 0].tolist() == [5.0, 6.0, 7.0, 8.0]  # steps L+1..2L
    assert x[5:].abs().sum() == 0  # the model sees nothing while it recalls


def test_controller_forget_gate_starts_open_on_its_own_slice() -> None:
    # Read b_f through the cell's behaviour, whatever its weight layout: with zero weights and h = x = 0,
    # c' = sigma(b_f) c + sigma(b_i) tanh(b_g), so two values of c give sigma(b_f) exactly.
    torch.manual_seed(0)
    model = NTM(4, 3, hidden_size=16, memory_rows=N, memory_width=M).double()
    cell = model.controller
    with torch.no_grad():
        for p in cell.parameters():
            if p.dim() == 2:
                p.zero_()
    x, h = torch.zeros(1, 4 + M, dtype=D), torch.zeros(1, 16, dtype=D)
    c_big = cell(x, (h, torch.full((1, 16), 10.0, dtype=D)))[1]
    c_zero = cell(x, (h, torch.zeros(1, 16, dtype=D)))[1]
    b_f = torch.logit((c_big - c_zero) / 10.0)
    # The forget bias is 1 (remember by default), give or take the layer's small initial draw (|b| < 0.5);
    # on the input or candidate slice instead, b_f would be that small draw alone.
    assert ((b_f - 1.0).abs() < 0.5).all()

