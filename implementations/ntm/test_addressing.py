"""Each addressing step (eq. 5-9) against values worked out by hand, plus gradcheck."""

import math

import pytest
import torch

from implementations.ntm.addressing import address, circular_shift, content_weights, interpolate, sharpen

D = torch.float64


def test_content_weights_cosine_similarity_and_key_strength():
    memory = torch.tensor([[1.0, 0.0], [0.0, 2.0], [3.0, 3.0]], dtype=D)
    key = torch.tensor([2.0, 0.0], dtype=D)
    beta = torch.tensor([2.0], dtype=D)
    # cosine similarities: 1, 0, 1/sqrt(2) (row norms do not matter)
    scores = [math.exp(2 * 1.0), math.exp(0.0), math.exp(2 / math.sqrt(2))]
    expected = torch.tensor([s / sum(scores) for s in scores], dtype=D)
    torch.testing.assert_close(content_weights(memory, key, beta), expected)


def test_content_weights_strength_zero_is_uniform_and_large_strength_is_argmax():
    memory = torch.randn(5, 4, dtype=D, generator=torch.Generator().manual_seed(0))
    key = memory[3] * 2.5
    torch.testing.assert_close(content_weights(memory, key, torch.tensor([0.0], dtype=D)), torch.full((5,), 0.2, dtype=D))
    sharp = content_weights(memory, key, torch.tensor([1e4], dtype=D))
    torch.testing.assert_close(sharp, torch.nn.functional.one_hot(torch.tensor(3), 5).to(D))


def test_interpolation():
    w_c = torch.tensor([1.0, 0.0, 0.0], dtype=D)
    w_prev = torch.tensor([0.0, 0.0, 1.0], dtype=D)
    out = interpolate(w_c, w_prev, torch.tensor([0.25], dtype=D))
    torch.testing.assert_close(out, torch.tensor([0.25, 0.0, 0.75], dtype=D))


@pytest.mark.parametrize("offset", [-1, 0, 1])
def test_one_hot_circular_shift_equals_roll(offset):
    w = torch.rand(2, 3, 7, dtype=D, generator=torch.Generator().manual_seed(1))
    s = torch.zeros(2, 3, 3, dtype=D)
    s[..., offset + 1] = 1.0
    torch.testing.assert_close(circular_shift(w, s), torch.roll(w, offset, dims=-1))


def test_one_hot_circular_shift_wider_range_equals_roll():
    w = torch.rand(9, dtype=D, generator=torch.Generator().manual_seed(2))
    for offset in range(-2, 3):
        s = torch.zeros(5, dtype=D)
        s[offset + 2] = 1.0
        torch.testing.assert_close(circular_shift(w, s), torch.roll(w, offset))


def test_soft_circular_shift_by_hand():
    w = torch.tensor([1.0, 0.0, 0.0, 0.0], dtype=D)
    s = torch.tensor([0.1, 0.7, 0.2], dtype=D)   # offsets -1, 0, +1
    # mass at row 0 stays (0.7), moves to row 1 (0.2) and wraps round to row 3 (0.1)
    torch.testing.assert_close(circular_shift(w, s), torch.tensor([0.7, 0.2, 0.0, 0.1], dtype=D))


def test_sharpening_by_hand():
    w = torch.tensor([0.5, 0.25, 0.25], dtype=D)
    out = sharpen(w, torch.tensor([2.0], dtype=D))
    # squares 0.25, 0.0625, 0.0625, normalised by 0.375
    torch.testing.assert_close(out, torch.tensor([2 / 3, 1 / 6, 1 / 6], dtype=D))
    torch.testing.assert_close(sharpen(w, torch.tensor([1.0], dtype=D)), w)


def test_sharpening_survives_zeros_and_huge_gamma():
    w = torch.tensor([0.0, 0.6, 0.4], dtype=D, requires_grad=True)
    gamma = torch.tensor([500.0], dtype=D, requires_grad=True)
    out = sharpen(w, gamma)
    torch.testing.assert_close(out, torch.tensor([0.0, 1.0, 0.0], dtype=D))
    out[1].backward()
    assert torch.isfinite(w.grad).all() and torch.isfinite(gamma.grad).all()


def test_address_gradcheck():
    g = torch.Generator().manual_seed(3)
    batch, n, m = 2, 5, 3

    def inputs():
        memory = torch.randn(batch, n, m, dtype=D, generator=g)
        previous = torch.softmax(torch.randn(batch, n, dtype=D, generator=g), -1)
        key = torch.randn(batch, m, dtype=D, generator=g)
        strength = torch.rand(batch, 1, dtype=D, generator=g) * 3
        gate = torch.rand(batch, 1, dtype=D, generator=g)
        shift = torch.softmax(torch.randn(batch, 3, dtype=D, generator=g), -1)
        gamma = 1 + torch.rand(batch, 1, dtype=D, generator=g) * 2
        return [t.requires_grad_() for t in (memory, previous, key, strength, gate, shift, gamma)]

    assert torch.autograd.gradcheck(address, inputs())
