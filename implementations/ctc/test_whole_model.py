"""The assembled acoustic model against torch.nn (Conv2d, clipped ReLU, bidirectional nn.GRU over packed
sequences, Linear) with copied weights in float64; CTC by brute force over every 3-frame path; the data."""

from __future__ import annotations

import itertools
import math
import random

import torch
from torch import nn
from torch.nn.utils.rnn import pack_padded_sequence, pad_packed_sequence
from torch.testing import assert_close

from implementations.ctc.ctc import ctc_log_likelihood, ctc_loss
from implementations.ctc.data import SpeechConfig, alphabet, batch, symbol_frames
from implementations.ctc.model import AcousticModel, GRUCell

F64 = torch.float64


def _to_torch(cell: GRUCell) -> tuple[torch.Tensor, ...]:
    """Deep Speech 2 rows (z, r, h~) with h' = (1-z) h + z h~  ->  PyTorch rows (r, z, n), z_torch = 1 - z."""
    def convert(t):
        z, r, n = t.chunk(3)
        return torch.cat([r, -z, n])
    return convert(cell.input_projection.weight), convert(cell.hidden_projection.weight), convert(cell.input_projection.bias)


def test_acoustic_model_equals_conv_clipped_relu_bigru_linear_stack():
    torch.manual_seed(0)
    freq, classes, channels, hidden = 9, 6, 3, 5
    model = AcousticModel(freq, classes, channels=channels, hidden_size=hidden).double()
    with torch.no_grad():
        model.conv.weight.mul_(12.0)   # big enough that both ends of the clip, 0 and 20, are reached
    gru = nn.GRU(channels * 5, hidden, bidirectional=True, dtype=F64)
    with torch.no_grad():
        for suffix, cell in (("", model.rnn.forward_cell), ("_reverse", model.rnn.backward_cell)):
            w_ih, w_hh, b_ih = _to_torch(cell)
            getattr(gru, f"weight_ih_l0{suffix}").copy_(w_ih)
            getattr(gru, f"weight_hh_l0{suffix}").copy_(w_hh)
            getattr(gru, f"bias_ih_l0{suffix}").copy_(b_ih)
            getattr(gru, f"bias_hh_l0{suffix}").zero_()
    conv = nn.Conv2d(1, channels, kernel_size=5, stride=2, padding=2, dtype=F64)   # stride 2 in time and frequency
    conv.load_state_dict(model.conv.state_dict())
    x = 4 * torch.randn(3, freq, 11, dtype=F64)
    lengths = torch.tensor([11, 6, 3])
    out_lengths = torch.tensor([6, 3, 2])                        # ceil(L / 2): kernel 5, padding 2, stride 2

    maps = conv(x.unsqueeze(1)).clamp(0.0, 20.0)                 # (B, C, F', T'), min(max(x, 0), 20)
    assert float(maps.detach().max()) == 20.0 and float(maps.detach().min()) == 0.0
    frames = torch.stack([maps[:, :, :, t].reshape(3, -1) for t in range(maps.shape[-1])])  # one vector per frame
    packed = pack_padded_sequence(frames, out_lengths, enforce_sorted=False)
    hidden_states, _ = pad_packed_sequence(gru(packed)[0], total_length=frames.shape[0])
    expected = model.classifier(hidden_states).log_softmax(-1)

    log_probs, lengths_out = model(x, lengths)
    assert torch.equal(lengths_out, out_lengths)
    for b, n in enumerate(out_lengths.tolist()):
        assert_close(log_probs[:n, b], expected[:n, b])


def _collapse(path: tuple[int, ...], blank: int = 0) -> tuple[int, ...]:
    out = [k for i, k in enumerate(path) if i == 0 or k != path[i - 1]]
    return tuple(k for k in out if k != blank)


def test_ctc_equals_the_sum_over_every_path_of_three_frames():
    """C = 3 classes: targets 'ab', 'b', 'a' (only 2 of its 3 frames real) and 'bb' (needs a blank between)."""
    probs = torch.rand(3, 4, 3, generator=torch.Generator().manual_seed(0), dtype=F64) + 0.1
    probs = probs / probs.sum(-1, keepdim=True)                 # (T, B, C)
    targets = torch.tensor([[1, 2], [2, 0], [1, 0], [2, 2]])
    target_lengths = torch.tensor([2, 1, 1, 2])
    input_lengths = torch.tensor([3, 3, 2, 3])
    loglik = ctc_log_likelihood(probs.log(), targets, input_lengths, target_lengths)
    for b in range(4):
        frames, want = int(input_lengths[b]), tuple(targets[b, : target_lengths[b]].tolist())
        total = sum(math.prod(probs[t, b, k].item() for t, k in enumerate(path))
                    for path in itertools.product(range(3), repeat=frames) if _collapse(path) == want)
        assert_close(loglik[b], torch.tensor(math.log(total), dtype=F64))
    # 'mean' divides each item's -log p by its label count before averaging (F.ctc_loss's convention)
    expected = (-loglik / target_lengths.double()).mean()
    assert_close(ctc_loss(probs.log(), targets, input_lengths, target_lengths), expected)


def test_batches_label_1_to_symbols_pad_with_silence_and_never_repeat_a_symbol():
    cfg = SpeechConfig()
    blocks = symbol_frames(cfg, alphabet(cfg))
    specs, lengths, targets, target_lengths = batch(cfg, blocks, 64, random.Random(0), torch.Generator().manual_seed(0))
    for spec, n, target, s in zip(specs, lengths, targets, target_lengths):
        labels = target[:s]
        assert int(labels.min()) >= 1 and int(labels.max()) <= cfg.symbols   # 0 is the blank, never a label
        assert bool((labels[1:] != labels[:-1]).all())
        assert bool((target[s:] == 0).all())
        assert bool((spec[:, n:] == 0).all())                                # no noise on the padding
        assert cfg.min_symbols <= int(s) <= cfg.max_symbols
        assert int(n) >= int(s) * cfg.min_frames
    assert int(lengths.max()) == specs.shape[-1]


def test_held_out_utterances_come_from_generators_training_never_touches():
    cfg = SpeechConfig()
    blocks = symbol_frames(cfg, alphabet(cfg))
    train = batch(cfg, blocks, 32, random.Random(0), torch.Generator().manual_seed(0))
    test = batch(cfg, blocks, 32, random.Random(10_000), torch.Generator().manual_seed(10_000))  # the demo's seed + 10000
    train_labels = {tuple(t[:s].tolist()) for t, s in zip(train[2], train[3])}
    test_labels = [tuple(t[:s].tolist()) for t, s in zip(test[2], test[3])]
    assert sum(label in train_labels for label in test_labels) <= 1
