"""The generated data (held-out triples, captions, images) and the baselines' pieces (float64)."""

from __future__ import annotations

import itertools

import pytest
import torch
from torch.testing import assert_close

from . import baselines, data
from .model import CLIPConfig


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def test_held_out_triples_are_new_combinations_of_seen_pairs():
    seen, unseen = data.seen_classes(), data.unseen_classes()
    assert len(unseen) == 16 and len(seen) == 48 and not set(seen.tolist()) & set(unseen.tolist())
    seen_attrs = torch.stack(data.attributes(seen), 1).tolist()
    for i, j in itertools.combinations(range(3), 2):  # every pair of values of two attributes ...
        pairs = {(a[i], a[j]) for a in seen_attrs}
        assert len(pairs) == 16  # ... is seen in pretraining
    assert data.label_of(1, 2, 1) == 25 and [int(a) for a in data.attributes(torch.tensor(25))] == [1, 2, 1]
    assert data.held_out(torch.tensor(data.label_of(1, 2, 1))) and not data.held_out(torch.tensor(data.label_of(1, 2, 2)))


def test_captions_name_the_attributes_and_tokenise_with_one_eot():
    label = data.label_of(2, 3, 1)  # a yellow triangle, top right
    texts = [data.caption(label, t) for t in range(len(data.TEMPLATES))]
    assert texts[0] == "a yellow triangle in the top right"
    assert texts[3] == "top right : a triangle that is yellow"
    for text in texts:
        assert {"yellow", "triangle", "top", "right"} <= set(text.split())
    table = data.caption_table()
    assert table.shape == (64, len(data.TEMPLATES), data.CONTEXT)
    assert ((table == data.EOT).sum(-1) == 1).all() and (table[..., 0] == data.SOT).all()
    inverse = {i: w for w, i in data.VOCAB.items()}
    row = table[label, 0].tolist()
    assert " ".join(inverse[i] for i in row[1:row.index(data.EOT)]) == texts[0]
    assert all(i == data.PAD for i in row[row.index(data.EOT) + 1:])


def test_images_put_the_right_colour_in_the_right_quadrant():
    g = torch.Generator().manual_seed(0)
    labels = torch.arange(64)
    clean = data.render(labels, g, noise=0.0)
    shape, colour, position = data.attributes(labels)
    brightness = clean.sum(1)  # the shape is brighter than the background in every colour
    half = data.SIZE // 2
    quadrants = torch.stack([brightness[:, :half, :half], brightness[:, :half, half:],
                             brightness[:, half:, :half], brightness[:, half:, half:]], 1).flatten(2).sum(-1)
    assert (quadrants.argmax(1) == position).all()
    pixels = clean.flatten(2)  # (n, 3, HW); the median pixel is background
    contrast = (pixels - pixels.median(2, keepdim=True).values).norm(dim=1)
    inside = contrast.topk(4, dim=1).indices  # the four pixels most unlike the background
    mean_rgb = pixels.gather(2, inside[:, None].expand(-1, 3, -1)).mean(2)
    assert ((mean_rgb[:, None] - data.RGB[None]).norm(dim=-1).argmin(1) == colour).all()
    many = torch.arange(64).repeat(8)  # sizes are jittered: average over 128 images per shape
    pixels = data.render(many, g, noise=0.0).flatten(2)
    covered = ((pixels - pixels.median(2, keepdim=True).values).norm(dim=1) > 0.3).double().sum(1)
    per_shape = torch.stack([covered[data.attributes(many)[0] == s].mean() for s in range(4)])
    # at the same size the triangle covers clearly least, the cross less than the square
    assert per_shape[2] + 4 < per_shape[[0, 1, 3]].min() and per_shape[3] + 2 < per_shape[0]


def test_logistic_regression_fits_a_separable_problem_and_the_probe_validates_l2():
    g = torch.Generator().manual_seed(1)
    centres = torch.tensor([[3.0, 0.0], [0.0, 3.0], [-3.0, -3.0]])
    y = torch.arange(3).repeat(30)
    x = centres[y] + 0.5 * torch.randn(90, 2, generator=g)
    head = baselines.fit_logistic_regression(x, y, 3, l2=1e-4, steps=30)
    with torch.no_grad():
        assert (head(x).argmax(1) == y).all()
    probe, l2 = baselines.linear_probe(x[:60], y[:60], x[60:], y[60:], 3, steps=30)
    assert l2 in baselines.PROBE_L2
    with torch.no_grad():
        assert (probe(x).argmax(1) == y).all()
        assert_close(probe[0](x).mean(0)[None], ((x - x[:60].mean(0)) / (x[:60].std(0) + 1e-6)).mean(0)[None])


def test_the_attribute_baseline_composes_its_three_argmaxes():
    cfg = CLIPConfig(vocab=3, context=4, eot_id=2, channels=(2, 4), image_heads=2, image_size=16)
    model = baselines.AttributeClassifier(cfg)
    fixed = [torch.tensor([[0.0, 0, 0, 1], [1, 0, 0, 0]]),  # shape: cross, square
             torch.tensor([[0.0, 1, 0, 0], [0, 0, 0, 1]]),  # colour: green, yellow
             torch.tensor([[0.0, 0, 1, 0], [0, 1, 0, 0]])]  # position: bottom left, top right
    model.forward = lambda images: fixed
    assert model.predict(torch.zeros(2)).tolist() == [data.label_of(3, 1, 2), data.label_of(0, 3, 1)]
    labels = torch.tensor([data.label_of(3, 1, 2), data.label_of(0, 3, 1)])
    expected = sum(torch.nn.functional.cross_entropy(z, t) for z, t in zip(fixed, data.attributes(labels)))
    assert_close(model.loss(torch.zeros(2), labels), expected)
