"""Dropout LSTM: equals nn.LSTM without dropout, and in training masks only the vertical connections."""

from __future__ import annotations

import pytest
import torch
from torch import nn

from implementations.rnn_regularization.data import batchify, build_vocab, corpus, encode
from implementations.rnn_regularization.model import DropoutLSTMLanguageModel, LSTMLayer, evaluate

V, H, L, T, B = 11, 6, 2, 5, 3


def _model(dropout: float) -> DropoutLSTMLanguageModel:
    torch.manual_seed(0)
    return DropoutLSTMLanguageModel(V, H, L, dropout).double()


def _copy_layer(ours: LSTMLayer, ref: nn.LSTM, suffix: str = "l0") -> None:
    """Same i, f, g, o gate order as nn.LSTM; our single bias goes in bias_ih, bias_hh is zero."""
    with torch.no_grad():
        getattr(ref, f"weight_ih_{suffix}").copy_(ours.cell.x_proj.weight)
        getattr(ref, f"weight_hh_{suffix}").copy_(ours.cell.h_proj.weight)
        getattr(ref, f"bias_ih_{suffix}").copy_(ours.cell.x_proj.bias)
        getattr(ref, f"bias_hh_{suffix}").zero_()


def _reference_stack(model: DropoutLSTMLanguageModel) -> nn.LSTM:
    ref = nn.LSTM(H, H, num_layers=L, dropout=0.0).double()
    for k, layer in enumerate(model.layers):
        _copy_layer(layer, ref, f"l{k}")
    return ref


@pytest.mark.parametrize("dropout,train", [(0.0, True), (0.5, False)], ids=["p=0-train", "p=0.5-eval"])
def test_without_active_dropout_it_is_a_plain_stacked_lstm(dropout, train):
    """p = 0 in training (and any p in eval mode) is exactly nn.LSTM(num_layers=2): outputs and gradients."""
    model = _model(dropout).train(train)
    ref = _reference_stack(model)
    ids = torch.randint(0, V, (T, B), generator=torch.Generator().manual_seed(1))
    h0 = torch.randn(L, B, H, dtype=torch.float64)
    c0 = torch.randn(L, B, H, dtype=torch.float64)
    logits, states = model(ids, [(h0[k], c0[k]) for k in range(L)])
    ref_out, (h_n, c_n) = ref(model.embed(ids), (h0, c0))
    torch.testing.assert_close(logits, model.head(ref_out))
    for k in range(L):
        torch.testing.assert_close(states[k][0], h_n[k])
        torch.testing.assert_close(states[k][1], c_n[k])
    logits.square().sum().backward()
    model.head(ref_out).square().sum().backward()
    for k, layer in enumerate(model.layers):
        torch.testing.assert_close(layer.cell.h_proj.weight.grad, getattr(ref, f"weight_hh_l{k}").grad)
        torch.testing.assert_close(layer.cell.x_proj.weight.grad, getattr(ref, f"weight_ih_l{k}").grad)


def test_training_masks_only_the_vertical_connections():
    """Record every dropout the model applies in training, then rebuild the forward pass from
    single-layer nn.LSTMs (whose recurrence has no dropout) fed the recorded masked inputs.

    Exact equality means: dropout happens at exactly L + 1 places (embedding -> layer 1,
    between layers, top layer -> softmax), and h_{t-1} -> h_t within a layer is never masked.
    """
    model = _model(0.5).train()
    recorded: list[tuple[torch.Tensor, torch.Tensor]] = []
    original_drop = model.drop

    def recording_drop(x):
        y = original_drop(x)
        recorded.append((x, y))
        return y

    model.drop = recording_drop
    ids = torch.randint(0, V, (T, B), generator=torch.Generator().manual_seed(2))
    logits, _ = model(ids)
    assert len(recorded) == L + 1
    torch.testing.assert_close(recorded[0][0], model.embed(ids))
    for k, layer in enumerate(model.layers):
        ref = nn.LSTM(H, H).double()
        _copy_layer(layer, ref)
        ref_out, _ = ref(recorded[k][1])  # the masked input from below; an unmasked recurrence
        torch.testing.assert_close(recorded[k + 1][0], ref_out)
    torch.testing.assert_close(logits, model.head(recorded[-1][1]))
    # The masks were real: about half of the units dropped, survivors scaled by 1 / (1 - p),
    # and a fresh mask at every time step.
    x, y = recorded[1]
    kept = y != 0
    assert 0.3 < kept.double().mean() < 0.7
    torch.testing.assert_close(y[kept], 2 * x[kept])
    assert not torch.equal(kept[0], kept[1])


def test_recurrent_gradient_is_never_cut_by_dropout():
    """Even with p = 0.9 every unit of h_1 in layer 1 influences h_T of layer 1 through time.

    Were h_{t-1} masked, dropped units would give exact zeros in dh_T/dh_1 at
    the masked steps for most of them; with a 90% rate over several steps the
    chance that no column of the Jacobian vanishes would be tiny.
    """
    model = _model(0.9).train()
    layer = model.layers[0]
    x = model.drop(model.embed(torch.randint(0, V, (T, 1), generator=torch.Generator().manual_seed(3))))
    h1, c1 = torch.randn(1, H, dtype=torch.float64, requires_grad=True), torch.zeros(1, H, dtype=torch.float64)
    out, _ = layer(x[1:], (h1, c1))
    jac = torch.stack([torch.autograd.grad(out[-1, 0, k], h1, retain_graph=True)[0][0] for k in range(H)])
    assert (jac.abs().sum(dim=0) > 1e-8).all()


def test_evaluation_with_carried_state_equals_one_long_pass():
    model = _model(0.5)
    ids = torch.randint(0, V, (41,), generator=torch.Generator().manual_seed(4))
    chunked = evaluate(model, ids, streams=1, chunk=7)
    assert model.training is True  # evaluate restores the mode
    model.eval()
    with torch.no_grad():
        loss, _ = model.loss(ids[:-1, None], ids[1:, None])
    assert abs(chunked - loss.item()) < 1e-9


def test_data_split_vocab_and_batches():
    train, valid, vocab = corpus(2500, 100, block=500, every=5)
    assert len(train) == 2000 and len(valid) == 500 and len(vocab) == 100 and vocab[0] == "<unk>"
    assert build_vocab(["b", "a", "b", "c", "a", "b"], 3) == ["<unk>", "b", "a"]  # by count, ties alphabetical
    assert encode(["a", "zzz"], ["<unk>", "a"]).tolist() == [1, 0]
    streams = batchify(torch.arange(10), 3)
    assert streams.T.tolist() == [[0, 1, 2], [3, 4, 5], [6, 7, 8]]  # contiguous streams, read down the columns
