"""fastText's subword units by hand, the summed input vector, unseen words from seen n-grams only,
and training steps against the written-out objective with autograd (float64)."""

from __future__ import annotations

import pytest
import torch
import torch.nn.functional as F
from torch.testing import assert_close

from implementations.fasttext.model import SubwordSkipGram, SubwordTable, subword_units
from implementations.word2vec.sgns import noise_distribution, train

D = torch.float64


def test_subword_units_by_hand() -> None:
    # "<dog>": 3-grams <do dog og>, 4-grams <dog dog>, the 5-gram is the word itself (kept once)
    assert subword_units("dog") == ["<dog>", "<do", "dog", "og>", "<dog", "dog>"]
    units = subword_units("walked")
    assert "ed>" in units and "<walk" in units and "walked" in units and "<walked>" == units[0]
    assert all(3 <= len(u) <= 6 for u in units[1:]) and len(units) == len(set(units))
    assert subword_units("ab", 3, 3) == ["<ab>", "<ab", "ab>"]


def test_table_is_built_from_training_words_and_unseen_words_use_only_seen_ngrams() -> None:
    table = SubwordTable(["dog", "cats"])
    assert set(table.index) == set(subword_units("dog")) | set(subword_units("cats"))
    # unseen "dogs" has 10 units; only <do, dog and <dog (all from "dog") are in the table
    seen = {u for u in subword_units("dogs") if u in table.index}
    assert len(subword_units("dogs")) == 10 and seen == {"<do", "dog", "<dog"}
    assert sorted(table.units_of("dogs")) == sorted(table.index[u] for u in seen)
    assert table.units_of("xyz") == []


def _model(words, dim, gen) -> SubwordSkipGram:
    model = SubwordSkipGram(SubwordTable(words), len(words), dim, gen, dtype=D)
    model.Z = torch.randn(model.Z.shape, generator=gen, dtype=D)
    model.W_out = torch.randn(model.W_out.shape, generator=gen, dtype=D)
    return model


def test_input_vector_is_the_sum_of_its_units_and_unseen_vectors_likewise() -> None:
    gen = torch.Generator().manual_seed(0)
    model = _model(["dog", "cats", "walk"], 4, gen)
    for row, word in enumerate(["dog", "cats", "walk"]):
        expected = sum(model.Z[model.table.index[u]] for u in subword_units(word))
        assert_close(model.input_vectors(torch.tensor([row]))[0], expected)
        assert_close(model.vector(word), expected)
    assert_close(model.vector("dogs"), sum(model.Z[model.table.index[u]] for u in ["<do", "dog", "<dog"]))
    assert_close(model.vector("zzz"), torch.zeros(4, dtype=D))


def _reference_loss(z, w_out, table, centre, context, negatives):
    """SGNS on v_w = Σ_g z_g, written out per pair."""
    total = 0.0
    for c, o, ks in zip(centre.tolist(), context.tolist(), negatives.tolist()):
        v = z[table.units[c][table.mask[c] > 0]].sum(0)
        total = total - F.logsigmoid(w_out[o] @ v) - sum(F.logsigmoid(-(w_out[k] @ v)) for k in ks)
    return total


def test_training_steps_equal_gradient_descent_on_the_written_out_loss() -> None:
    gen = torch.Generator().manual_seed(1)
    words = ["dog", "dogs", "cat", "walk", "walked"]          # shared n-grams: one z_g feeds several words
    model = _model(words, 3, gen)
    z, w_out = model.Z.clone(), model.W_out.clone()
    pairs = torch.randint(0, 5, (7, 2), generator=gen)
    noise = noise_distribution([5, 4, 3, 2, 1])
    losses = []
    train(model, pairs, noise, steps=3, batch=3, lr=0.1, negatives=2, gen=torch.Generator().manual_seed(4),
          on_step=lambda step, total, loss: losses.append(loss))
    ref_gen = torch.Generator().manual_seed(4)
    order = torch.randperm(7, generator=ref_gen)
    for step, start in enumerate((0, 3, 6)):
        chunk = pairs[order[start:start + 3]]
        neg = torch.multinomial(noise, len(chunk) * 2, replacement=True, generator=ref_gen).view(-1, 2)
        a, b = z.clone().requires_grad_(), w_out.clone().requires_grad_()
        loss = _reference_loss(a, b, model.table, chunk[:, 0], chunk[:, 1], neg)
        loss.backward()
        assert losses[step] == pytest.approx(loss.item() / len(chunk), abs=1e-12)
        rate = 0.1 * (1 - step / 3)
        z, w_out = z - rate * a.grad, w_out - rate * b.grad
    assert_close(model.Z, z)
    assert_close(model.W_out, w_out)
