"""The recurrent-dropout arm differs from the paper's model only by masks on the recurrent state:
h_{t-1} and c_{t-1} (``drop_cell=True``, the demo's arm), or h_{t-1} alone."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from .model import DropoutLSTMLanguageModel
from .recurrent_dropout import RecurrentDropoutLSTMLanguageModel

V, H, L, T, B = 11, 6, 2, 5, 3


def _pair(p: float, drop_cell: bool = True) -> tuple[DropoutLSTMLanguageModel, RecurrentDropoutLSTMLanguageModel]:
    torch.manual_seed(0)
    base = DropoutLSTMLanguageModel(V, H, L, dropout=p).double()
    torch.manual_seed(0)
    arm = RecurrentDropoutLSTMLanguageModel(V, H, L, dropout=p, drop_cell=drop_cell).double()
    return base, arm


def test_same_weights_and_same_function_without_dropout() -> None:
    base, arm = _pair(0.5)
    for (name, a), (_, b) in zip(base.named_parameters(), arm.named_parameters()):
        assert torch.equal(a, b), name
    ids = torch.randint(0, V, (T, B), generator=torch.Generator().manual_seed(1))
    base.eval()
    arm.eval()
    (logits_a, states_a), (logits_b, states_b) = base(ids), arm(ids)
    torch.testing.assert_close(logits_a, logits_b)
    for (ha, ca), (hb, cb) in zip(states_a, states_b):
        torch.testing.assert_close(ha, hb)
        torch.testing.assert_close(ca, cb)


@pytest.mark.parametrize("drop_cell", [True, False])
def test_masks_every_recurrent_input_and_carries_the_unmasked_state(monkeypatch, drop_cell: bool) -> None:
    """Record every dropout call in training: L + 1 vertical masks plus, per layer per step, one on
    h_{t-1} and (drop_cell) one on c_{t-1}.

    Replaying the recorded masks through the cell by hand reproduces the logits and final states, which
    pins where each mask sits (on what the next step reads, not on the carried state).
    """
    _, arm = _pair(0.5, drop_cell)
    arm.train()
    calls: list[tuple[torch.Tensor, torch.Tensor]] = []
    real_dropout = F.dropout

    def recording(x, p=0.5, training=True, inplace=False):
        out = real_dropout(x, p, training, inplace)
        calls.append((x, out))
        return out

    monkeypatch.setattr(F, "dropout", recording)
    ids = torch.randint(0, V, (T, B), generator=torch.Generator().manual_seed(2))
    logits, states = arm(ids)
    monkeypatch.setattr(F, "dropout", real_dropout)
    per_step = 2 if drop_cell else 1
    assert len(calls) == (L + 1) + per_step * L * T
    masked_inputs = [out for _, out in calls]
    # Replay: per layer, one vertical mask then per step the h mask and (drop_cell) the c mask; the head's last.
    x, k = arm.embed(ids), 0
    for layer, (final_h, final_c) in zip(arm.layers, states):
        cell = layer.cell
        gates_x = cell.input_gates(masked_inputs[k])
        k += 1
        h = c = torch.zeros(B, H, dtype=torch.float64)
        outputs = []
        for t in range(T):
            assert torch.equal(calls[k][0], h)        # the mask is applied to the carried h_{t-1}
            read_h, read_c = masked_inputs[k], c
            k += 1
            if drop_cell:
                assert torch.equal(calls[k][0], c)    # and to the carried c_{t-1}
                read_c = masked_inputs[k]
                k += 1
            h, c = cell.step(gates_x[t], (read_h, read_c))
            outputs.append(h)
        x = torch.stack(outputs)
        torch.testing.assert_close(final_h, h)        # the state handed on is unmasked
        torch.testing.assert_close(final_c, c)
    assert torch.equal(calls[k][0], x)
    torch.testing.assert_close(logits, arm.head(masked_inputs[k]))
    recurrent = [out for x_in, out in calls if x_in.dim() == 2 and x_in.abs().sum() > 0]
    dropped = torch.cat([out.flatten() for out in recurrent])
    assert 0.3 < (dropped == 0).double().mean().item() < 0.7   # real masks, about half dropped
    assert not torch.equal(recurrent[0] == 0, recurrent[1] == 0)   # fresh masks, not one reused
