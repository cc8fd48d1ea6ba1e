"""The symmetric contrastive loss, the temperature and zero-shot prediction, by hand (float64)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from .model import (INIT_LOGIT_SCALE, class_embeddings, clipped_scale, contrastive_losses, similarity_logits,
                    symmetric_contrastive_loss, zero_shot_predict)


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def ce(logits: list[float], target: int) -> float:
    """-log softmax(logits)[target], written out."""
    return -logits[target] + math.log(sum(math.exp(z) for z in logits))


def test_two_pairs_by_hand_with_temperature():
    # cosines I_e T_e^T = [[1, 0.8], [0, 0.6]]; exp(t) = 2 scales them to [[2, 1.6], [0, 1.2]]
    images = torch.tensor([[1.0, 0.0], [0.0, 1.0]])
    texts = torch.tensor([[1.0, 0.0], [0.8, 0.6]])
    logits = similarity_logits(images, texts, torch.tensor(math.log(2.0)))
    assert_close(logits, torch.tensor([[2.0, 1.6], [0.0, 1.2]]))
    image_to_text, text_to_image = contrastive_losses(logits)
    # rows: image 0 must pick caption 0 out of (2, 1.6); image 1 caption 1 out of (0, 1.2)
    rows = (math.log1p(math.exp(-0.4)) + math.log1p(math.exp(-1.2))) / 2
    # columns: caption 0 must pick image 0 out of (2, 0); caption 1 image 1 out of (1.6, 1.2)
    cols = (math.log1p(math.exp(-2.0)) + math.log1p(math.exp(0.4))) / 2
    assert image_to_text.item() == pytest.approx(rows, abs=1e-12)
    assert text_to_image.item() == pytest.approx(cols, abs=1e-12)
    assert symmetric_contrastive_loss(logits).item() == pytest.approx((rows + cols) / 2, abs=1e-12)
    assert abs(rows - cols) > 0.1  # the two directions differ here, so both are checked


def test_three_pairs_by_hand_with_temperature():
    images = torch.eye(3)
    texts = torch.tensor([[1.0, 0.0, 0.0], [0.0, 0.6, 0.8], [0.8, 0.0, 0.6]])
    # I_e T_e^T = T^T = [[1, 0, 0.8], [0, 0.6, 0], [0, 0.8, 0.6]], times exp(t) = 3
    logits = similarity_logits(images, texts, torch.tensor(math.log(3.0)))
    s = [[3.0, 0.0, 2.4], [0.0, 1.8, 0.0], [0.0, 2.4, 1.8]]
    assert_close(logits, torch.tensor(s))
    rows = (ce(s[0], 0) + ce(s[1], 1) + ce(s[2], 2)) / 3
    columns = [[s[i][j] for i in range(3)] for j in range(3)]
    cols = (ce(columns[0], 0) + ce(columns[1], 1) + ce(columns[2], 2)) / 3
    image_to_text, text_to_image = contrastive_losses(logits)
    assert image_to_text.item() == pytest.approx(rows, abs=1e-12)
    assert text_to_image.item() == pytest.approx(cols, abs=1e-12)
    assert symmetric_contrastive_loss(logits).item() == pytest.approx((rows + cols) / 2, abs=1e-12)
    # hand values: row 1 is -1.8 + log(1 + e^1.8 + 1); column 0 is -3 + log(e^3 + 2)
    assert ce(s[1], 1) == pytest.approx(-1.8 + math.log(2 + math.exp(1.8)), abs=1e-12)
    assert ce(columns[0], 0) == pytest.approx(-3 + math.log(math.exp(3) + 2), abs=1e-12)


def test_the_temperature_starts_at_1_over_0_07_and_is_clipped_at_100():
    assert clipped_scale(torch.tensor(INIT_LOGIT_SCALE)).item() == pytest.approx(1 / 0.07, rel=1e-12)
    assert clipped_scale(torch.tensor(math.log(1000.0))).item() == pytest.approx(100.0, rel=1e-12)
    t = torch.tensor(math.log(1000.0), requires_grad=True)
    similarity_logits(torch.eye(2), torch.eye(2), t).sum().backward()
    assert t.grad.item() == 0.0  # past the clip the temperature gets no gradient
    t = torch.tensor(math.log(5.0), requires_grad=True)
    similarity_logits(torch.eye(2), torch.eye(2), t).sum().backward()
    assert t.grad.item() == pytest.approx(2 * 5.0)  # d/dt of exp(t) * trace(I) = 2 exp(t)


def test_the_loss_equals_cross_entropy_both_ways_on_random_logits():
    logits = torch.randn(5, 5, generator=torch.Generator().manual_seed(0))
    labels = torch.arange(5)
    expected = (F.cross_entropy(logits, labels) + F.cross_entropy(logits.T, labels)) / 2
    assert_close(symmetric_contrastive_loss(logits), expected)
    perm = torch.tensor([3, 0, 4, 1, 2])  # shuffling the pairs together changes nothing
    assert_close(symmetric_contrastive_loss(logits[perm][:, perm]), expected)


class LookupText:
    """A stand-in text encoder: a prompt's first token picks a fixed unit vector."""

    def __init__(self, vectors: torch.Tensor) -> None:
        self.vectors = F.normalize(vectors, dim=-1)

    def encode_text(self, tokens: torch.Tensor) -> torch.Tensor:
        return self.vectors[tokens[:, 0]]


def test_prompt_ensembling_averages_the_normalised_captions_and_renormalises():
    stub = LookupText(torch.tensor([[1.0, 0.0], [0.0, 3.0], [-1.0, 0.0], [0.6, 0.8]]))
    prompts = torch.tensor([[[0, 9], [1, 9]], [[2, 9], [2, 9]], [[3, 9], [0, 9]]])  # 3 classes, 2 prompts each
    weights = class_embeddings(stub, prompts)
    r = 1 / math.sqrt(2)
    # class 0: mean of (1, 0) and (0, 1) -> (r, r); class 1: (-1, 0); class 2: mean of (.6, .8), (1, 0) = (.8, .4)
    assert_close(weights, torch.tensor([[r, r], [-1.0, 0.0], [0.8 / math.sqrt(0.8), 0.4 / math.sqrt(0.8)]]))


def test_zero_shot_is_the_argmax_of_cosine_similarity():
    r = 1 / math.sqrt(2)
    weights = torch.tensor([[1.0, 0.0], [0.0, 1.0], [r, r]])
    images = torch.tensor([[1.0, 0.0], [0.6, 0.8], [-0.8, 0.6], [0.8, -0.6]])
    # cosines: (1, 0, .71), (.6, .8, .99), (-.8, .6, -.14), (.8, -.6, .14)
    assert zero_shot_predict(images, weights).tolist() == [0, 2, 1, 0]
