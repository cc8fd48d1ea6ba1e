"""Data and the training recipe by hand, float64: the images are sklearn's, the splits are disjoint and
complete, the small set is balanced, the schedule's values, one training step, and the equal-size match
the claim is stated at."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations._common.params import count_parameters

from . import demo
from .data import TEST_SIZE, VALID_SIZE, digit_split, load_digit_images, per_class_subset
from .model import SmallCNN
from .training import lr_factor, train


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def test_the_splits_are_disjoint_and_cover_every_digit_once():
    everything = sorted(map(tuple, load_digit_images()[0].flatten(1).tolist()))
    x_pool, y_pool, x_test, y_test = digit_split()
    assert len(y_test) == TEST_SIZE and len(y_pool) + len(y_test) == len(everything)
    assert sorted(map(tuple, torch.cat([x_pool, x_test]).flatten(1).tolist())) == everything
    x_train, _, x_valid, y_valid = digit_split(validation=True)
    assert len(y_valid) == VALID_SIZE
    # validation = train pool minus the training rows: the test split is never seen while tuning
    assert sorted(map(tuple, torch.cat([x_train, x_valid]).flatten(1).tolist())) == sorted(
        map(tuple, x_pool.flatten(1).tolist()))


def test_the_small_set_has_exactly_k_of_each_class():
    y = digit_split()[1]
    idx = per_class_subset(y, 7, torch.Generator().manual_seed(3))
    assert len(set(idx.tolist())) == 70 and torch.bincount(y[idx]).tolist() == [7] * 10
    assert idx.tolist() == per_class_subset(y, 7, torch.Generator().manual_seed(3)).tolist()


def test_warmup_then_cosine_by_hand():
    values = [lr_factor(s, 10, 2) for s in (0, 1, 2, 6, 10)]
    assert values == pytest.approx([0.5, 1.0, 1.0, 0.5, 0.0])


def test_one_training_step_is_one_adamw_step_on_the_first_batch():
    """Adam's first step is lr * g / (|g| + eps) (m_hat = g, v_hat = g^2); AdamW first shrinks p by lr * wd."""
    torch.manual_seed(0)
    net, ref = SmallCNN(8), SmallCNN(8)
    ref.load_state_dict(net.state_dict())
    x, y = torch.rand(6, 1, 8, 8), torch.arange(6)
    train(net, x, y, steps=1, batch=4, lr=0.01, weight_decay=0.1, generator=torch.Generator().manual_seed(5),
          warmup=2)  # step 1 of a 2-step warm-up runs at half the rate
    idx = torch.randperm(6, generator=torch.Generator().manual_seed(5))[:4]
    F.cross_entropy(ref(x[idx]), y[idx]).backward()
    lr = 0.01 * 0.5
    for a, p in zip(net.parameters(), ref.parameters()):
        assert_close(a, p.detach() * (1 - lr * 0.1) - lr * p.grad / (p.grad.abs() + 1e-8))


def test_the_images_are_sklearns_digits():
    from sklearn.datasets import load_digits

    digits = load_digits()
    x, y = load_digit_images()
    assert_close(x, torch.tensor(digits.images).unsqueeze(1) / 16)
    assert y.tolist() == digits.target.tolist()


def test_the_contest_is_at_equal_size():
    vit, cnn = count_parameters(demo.make("ViT")), count_parameters(demo.make("CNN"))
    assert abs(vit - cnn) / vit < 0.01
