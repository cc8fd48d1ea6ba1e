"""The log-space CTC loss against F.ctc_loss (float64, values and gradients) and by hand."""

import math

import pytest
import torch
import torch.nn.functional as F

from implementations.ctc.ctc import ctc_log_likelihood, ctc_loss, extend_with_blanks

D = torch.float64


def example():
    """Four utterances: repeated labels, a zero-length target, an input exactly as long as it must be."""
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(9, 4, 6, dtype=D, generator=g, requires_grad=True)
    targets = torch.tensor([[1, 1, 2, 5], [3, 4, 3, 2], [2, 0, 0, 0], [5, 5, 5, 0]])
    target_lengths = torch.tensor([3, 4, 0, 3])
    input_lengths = torch.tensor([9, 6, 4, 5])   # item 3: 'a a a' needs 5 frames (a - a - a)
    return logits, targets, input_lengths, target_lengths


@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_loss_and_gradient_match_torch_ctc(reduction):
    logits, targets, input_lengths, target_lengths = example()
    ours = ctc_loss(logits.log_softmax(-1), targets, input_lengths, target_lengths, reduction=reduction)
    ref = F.ctc_loss(logits.log_softmax(-1), targets, input_lengths, target_lengths, reduction=reduction)
    torch.testing.assert_close(ours, ref)
    weights = torch.arange(1, ours.numel() + 1, dtype=D).reshape(ours.shape)  # distinct weight per item
    (g_ours,) = torch.autograd.grad((ours * weights).sum(), logits)
    (g_ref,) = torch.autograd.grad((ref * weights).sum(), logits)
    assert torch.isfinite(g_ours).all()
    torch.testing.assert_close(g_ours, g_ref)


def test_blank_index_other_than_zero_matches_torch():
    logits, targets, input_lengths, target_lengths = example()
    targets = (targets - 1).clamp_min(0)   # labels 0..4, blank = 5 (padding entries are ignored)
    ours = ctc_loss(logits.log_softmax(-1), targets, input_lengths, target_lengths, blank=5, reduction="sum")
    ref = F.ctc_loss(logits.log_softmax(-1), targets, input_lengths, target_lengths, blank=5, reduction="sum")
    torch.testing.assert_close(ours, ref)


def test_two_frames_one_label_by_hand():
    # Paths for label 'a' over two frames: aa, -a, a-.
    probs = torch.tensor([[[0.5, 0.3, 0.2]], [[0.1, 0.6, 0.3]]], dtype=D)   # (T=2, B=1, C=3), blank 0, a = 1
    expected = 0.3 * 0.6 + 0.5 * 0.6 + 0.3 * 0.1
    loglik = ctc_log_likelihood(probs.log(), torch.tensor([[1]]), torch.tensor([2]), torch.tensor([1]))
    torch.testing.assert_close(loglik, torch.tensor([math.log(expected)], dtype=D))


def test_repeated_label_needs_a_blank_between():
    # 'a a' over exactly three frames has one path: a - a.
    probs = torch.tensor([[[0.5, 0.5]], [[0.25, 0.75]], [[0.4, 0.6]]], dtype=D)
    loglik = ctc_log_likelihood(probs.log(), torch.tensor([[1, 1]]), torch.tensor([3]), torch.tensor([2]))
    torch.testing.assert_close(loglik, torch.tensor([math.log(0.5 * 0.25 * 0.6)], dtype=D))


def test_extended_label_sequence():
    assert extend_with_blanks(torch.tensor([[3, 1]]), blank=0).tolist() == [[0, 3, 0, 1, 0]]


def test_gradcheck():
    logits, targets, input_lengths, target_lengths = example()
    small = logits[:6, :2].detach().clone().requires_grad_()

    def loss(x):
        return ctc_loss(x.log_softmax(-1), targets[:2], torch.tensor([6, 5]), target_lengths[:2], reduction="sum")

    assert torch.autograd.gradcheck(loss, (small,))
