"""Model-level checks: masking invariances, positional encoding, Noam schedule, FLOPs, decoding."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close
from torch.utils.flop_counter import FlopCounterMode

from implementations.transformer.flops import BatchShape, flops_per_step
from implementations.transformer.model import Transformer, TransformerConfig, sinusoidal_encoding
from implementations.transformer.training import label_smoothed_nll, noam_rate, noam_scheduler

CFG = TransformerConfig(vocab_size=11, d_model=16, n_heads=4, d_ff=24, n_layers=2, dropout=0.0, max_len=16)


def _model(**overrides) -> Transformer:
    torch.manual_seed(0)
    cfg = TransformerConfig(**{**CFG.__dict__, **overrides})
    return Transformer(cfg).double().eval()


def _batch() -> tuple[torch.Tensor, torch.Tensor]:
    src = torch.tensor([[4, 5, 6, 7, 8], [9, 4, 3, 0, 0]])  # second source: two PAD positions
    tgt_in = torch.tensor([[1, 8, 7, 6, 5], [1, 3, 4, 9, 0]])
    return src, tgt_in


def test_future_target_tokens_never_influence_earlier_logits() -> None:
    model = _model()
    src, tgt_in = _batch()
    logits = model(src, tgt_in)
    changed = tgt_in.clone()
    changed[:, 3] = 10  # perturb position 3 only
    logits2 = model(src, changed)
    assert_close(logits2[:, :3], logits[:, :3], rtol=0, atol=1e-12)
    assert (logits2[:, 3:] - logits[:, 3:]).abs().max() > 1e-3  # the test can see a change


def test_padded_source_positions_never_influence_the_output() -> None:
    model = _model()
    src, tgt_in = _batch()
    memory, src_mask = model.encode(src)
    logits = model.decode(tgt_in, memory, src_mask)
    noisy = memory.clone()
    noisy[1, 3:] += 100 * torch.randn(2, CFG.d_model, dtype=torch.float64)
    assert_close(model.decode(tgt_in, noisy, src_mask), logits, rtol=0, atol=1e-12)
    noisy[1, 2] += 1.0  # a real position does matter
    assert (model.decode(tgt_in, noisy, src_mask)[1] - logits[1]).abs().max() > 1e-3
    # Extra padding columns change nothing at the real positions.
    longer = F.pad(src, (0, 3), value=CFG.pad_id)
    assert_close(model(longer, tgt_in), logits, rtol=0, atol=1e-12)
    memory_longer, _ = model.encode(longer)
    assert_close(memory_longer[0, :5], memory[0], rtol=0, atol=1e-12)
    assert_close(memory_longer[1, :3], memory[1, :3], rtol=0, atol=1e-12)


@pytest.mark.parametrize(
    "pos, dim, expected",
    [
        (0, 0, 0.0),  # sin(0)
        (0, 1, 1.0),  # cos(0)
        (1, 0, math.sin(1.0)),  # i = 0: wavelength 2 pi
        (1, 1, math.cos(1.0)),
        (5, 4, math.sin(5 / 10000 ** (4 / 16))),  # 2i = 4
        (5, 5, math.cos(5 / 10000 ** (4 / 16))),
        (7, 14, math.sin(7 / 10000 ** (14 / 16))),  # the slowest pair, 2i = d - 2
        (7, 15, math.cos(7 / 10000 ** (14 / 16))),
    ],
)
def test_sinusoidal_encoding_values(pos: int, dim: int, expected: float) -> None:
    pe = sinusoidal_encoding(max_len=8, d_model=16)
    assert pe.shape == (8, 16)
    assert pe[pos, dim].item() == pytest.approx(expected, abs=1e-7)


def test_noam_schedule_values() -> None:
    # Paper setting: d_model = 512, warmup_steps = 4000.
    assert noam_rate(1, 512, 4000) == pytest.approx(512**-0.5 * 4000**-1.5)
    assert noam_rate(2000, 512, 4000) == pytest.approx(512**-0.5 * 2000 * 4000**-1.5)  # linear warm-up
    peak = noam_rate(4000, 512, 4000)
    assert peak == pytest.approx(6.987712e-4, rel=1e-6)  # the maximum, at step = warmup
    assert noam_rate(16000, 512, 4000) == pytest.approx(peak / 2)  # then 1/sqrt(step) decay
    assert noam_rate(3999, 512, 4000) < peak and noam_rate(4001, 512, 4000) < peak

    param = torch.nn.Parameter(torch.zeros(1))
    opt = torch.optim.SGD([param], lr=1.0)
    sched = noam_scheduler(opt, d_model=512, warmup=4000, factor=2.0)
    seen = []
    for _ in range(3):
        seen.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    assert seen == pytest.approx([2 * noam_rate(s, 512, 4000) for s in (1, 2, 3)])


def test_label_smoothing_matches_torch_cross_entropy() -> None:
    gen = torch.Generator().manual_seed(0)
    logits = torch.randn(3, 4, 7, generator=gen, dtype=torch.float64)
    target = torch.tensor([[1, 2, 0, 0], [3, 4, 5, 0], [6, 1, 2, 3]])
    for eps in (0.0, 0.1):
        ref = F.cross_entropy(logits.reshape(-1, 7), target.reshape(-1), ignore_index=0, label_smoothing=eps)
        assert_close(label_smoothed_nll(logits, target, eps, ignore_index=0), ref)


@pytest.mark.parametrize("tie_output", [True, False])
def test_flops_per_step_matches_pytorch_flop_counter(tie_output: bool) -> None:
    model = _model(tie_output=tie_output).float().train()
    src, tgt_in = _batch()
    with FlopCounterMode(display=False) as counter:
        model(src, tgt_in).square().mean().backward()
    assert flops_per_step(model.cfg, BatchShape(2, src.size(1), tgt_in.size(1))) == counter.get_total_flops()


def test_greedy_decode_is_consistent_with_teacher_forcing() -> None:
    model = _model()
    src, _ = _batch()
    out = model.greedy_decode(src, max_len=6)
    assert out.shape == (2, 6)
    tgt_in = torch.cat([torch.full((2, 1), CFG.bos_id), out[:, :-1]], dim=1)
    logits = model(src, tgt_in)
    ended = torch.cumsum(out == CFG.eos_id, dim=1) - (out == CFG.eos_id).long() > 0  # strictly after EOS
    assert (out[ended] == CFG.pad_id).all()
    assert (logits.argmax(-1)[~ended] == out[~ended]).all()
