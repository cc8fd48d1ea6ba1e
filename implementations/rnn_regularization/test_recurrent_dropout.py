"""The recurrent-dropout arm differs from the paper's model by exactly one masked arrow, h_{t-1} -> h_t."""

from __future__ import annotations

import torch
from torch.nn import functional as F

from .model import DropoutLSTMLanguageModel
from .recurrent_dropout import RecurrentDropoutLSTMLanguageModel

V, H, L, T, B = 11, 6, 2, 5, 3


def _pair(p: float) -> tuple[DropoutLSTMLanguageModel, RecurrentDropoutLSTMLanguageModel]:
    torch.manual_seed(0)
    base = DropoutLSTMLanguageModel(V, H, L, dropout=p).double()
    torch.manual_seed(0)
    arm = RecurrentDropoutLSTMLanguageModel(V, H, L, dropout=p).double()
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


def test_masks_every_recurrent_input_and_carries_the_unmasked_state(monkeypatch) -> None:
    """Record every dropout call in training: L + 1 vertical masks plus one per layer per step on h_{t-1}.

    Replaying the recorded masks through the cell by hand reproduces the logits, which pins where
    each mask sits (the recurrent one on the copy the next step reads, not on the carried state).
    """
    _, arm = _pair(0.5)
    arm.train()
    calls: list[tuple[torch.Tensor, torch.Tensor]] = []
    real_dropout = F.dropout

    def recording(x, p=0.5, training=True, inplace=False):
        out = real_dropout(x, p, training, inplace)
        calls.append((x, out))
        return out

    monkeypatch.setattr(F, "dropout", recording)
    ids = torch.randint(0, V, (T, B), generator=torch.Generator().manual_seed(2))
    logits, _ = arm(ids)
    monkeypatch.setattr(F, "dropout", real_dropout)
    assert len(calls) == (L + 1) + L * T
    masked_inputs = [out for _, out in calls]
    # Replay: per layer, one vertical mask then T recurrent masks; the head's mask comes last.
    x, k = arm.embed(ids), 0
    for layer in arm.layers:
        cell = layer.cell
        gates_x = cell.input_gates(masked_inputs[k])
        k += 1
        h = c = torch.zeros(B, H, dtype=torch.float64)
        outputs = []
        for t in range(T):
            dropped_h = masked_inputs[k]
            assert torch.equal(calls[k][0], h)        # the mask is applied to the carried h_{t-1}
            k += 1
            h, c = cell.step(gates_x[t], (dropped_h, c))
            outputs.append(h)
        x = torch.stack(outputs)
    assert torch.equal(calls[k][0], x)
    torch.testing.assert_close(logits, arm.head(masked_inputs[k]))
    dropped = torch.cat([out.flatten() for _, out in calls[2:1 + T]])   # steps t >= 1 (h_0 is zero)
    assert 0.2 < (dropped == 0).double().mean().item() < 0.8   # real masks, about half dropped
