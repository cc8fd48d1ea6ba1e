"""The 80/10/10 masking recipe: exact oracles on tiny inputs and frequencies on a large sample."""

from __future__ import annotations

import math

import torch

from implementations.bert_mlm.masking import IGNORE, mask_tokens

PAD, CLS, SEP, MASK, FIRST, V = 0, 1, 2, 3, 4, 10      # ordinary words 4..9
TINY = torch.tensor([[CLS, 4, 5, 6, 7, 8, SEP, PAD],
                     [CLS, 9, 9, 4, SEP, PAD, PAD, PAD]])
ORDINARY = TINY >= FIRST


def _mask(tokens, seed, **rates):
    return mask_tokens(tokens, FIRST, V, MASK, torch.Generator().manual_seed(seed), **rates)


def test_replayed_draws_give_exactly_the_recipe_on_a_tiny_input() -> None:
    for seed in range(20):
        corrupted, labels = _mask(TINY, seed, select=0.5)       # half chosen, so every case shows up
        gen = torch.Generator().manual_seed(seed)
        chosen_u, action_u = torch.rand(TINY.shape, generator=gen), torch.rand(TINY.shape, generator=gen)
        random_tok = torch.randint(FIRST, V, TINY.shape, generator=gen)
        for i in range(TINY.size(0)):
            for j in range(TINY.size(1)):
                tok = TINY[i, j].item()
                if tok < FIRST or chosen_u[i, j] >= 0.5:
                    assert (corrupted[i, j].item(), labels[i, j].item()) == (tok, IGNORE)
                    continue
                assert labels[i, j].item() == tok
                u = action_u[i, j].item()
                want = MASK if u < 0.8 else random_tok[i, j].item() if u < 0.9 else tok
                assert corrupted[i, j].item() == want


def test_limiting_rates_by_hand() -> None:
    labels_all = torch.where(ORDINARY, TINY, IGNORE)
    corrupted, labels = _mask(TINY, 0, select=1.0, to_mask=1.0, to_random=0.0)
    assert corrupted.tolist() == [[CLS, MASK, MASK, MASK, MASK, MASK, SEP, PAD], [CLS, MASK, MASK, MASK, SEP, PAD, PAD, PAD]]
    assert labels.tolist() == labels_all.tolist()
    corrupted, labels = _mask(TINY, 0, select=1.0, to_mask=0.0, to_random=0.0)   # chosen but all kept
    assert corrupted.tolist() == TINY.tolist() and labels.tolist() == labels_all.tolist()
    corrupted, labels = _mask(TINY, 0, select=1.0, to_mask=0.0, to_random=1.0)   # all randomised
    assert (corrupted[ORDINARY] >= FIRST).all() and (corrupted[~ORDINARY] == TINY[~ORDINARY]).all()
    corrupted, labels = _mask(TINY, 0, select=0.0)
    assert corrupted.tolist() == TINY.tolist() and (labels == IGNORE).all()


def test_large_sample_frequencies_are_15_percent_then_80_10_10() -> None:
    gen = torch.Generator().manual_seed(1)
    tokens = torch.randint(FIRST, V, (4000, 50), generator=gen)
    special = torch.rand(tokens.shape, generator=gen) < 0.2
    tokens[special] = torch.randint(0, FIRST, (int(special.sum()),), generator=gen)   # PAD, CLS, SEP, MASK mixed in
    corrupted, labels = _mask(tokens, 2)
    ordinary = tokens >= FIRST
    chosen = labels != IGNORE
    # specials never chosen, never changed; labels are the original tokens where chosen
    assert not chosen[~ordinary].any() and (corrupted[~ordinary] == tokens[~ordinary]).all()
    assert (labels[chosen] == tokens[chosen]).all()
    assert ((corrupted != tokens) <= chosen).all()              # nothing outside the chosen positions moves
    n, k = int(ordinary.sum()), int(chosen.sum())
    assert abs(k / n - 0.15) < 4 * math.sqrt(0.15 * 0.85 / n)
    words = V - FIRST
    got, orig = corrupted[chosen], tokens[chosen]
    rates = {"mask": 0.8, "same": 0.1 + 0.1 / words, "other word": 0.1 * (1 - 1 / words)}
    seen = {"mask": (got == MASK).sum(), "same": (got == orig).sum(), "other word": ((got != MASK) & (got != orig)).sum()}
    for case, p in rates.items():
        assert abs(seen[case].item() / k - p) < 4 * math.sqrt(p * (1 - p) / k), case
    randomised = got[(got != MASK) & (got != orig)]
    assert randomised.min() >= FIRST and randomised.max() < V      # random tokens are ordinary words only
    counts = torch.bincount(randomised - FIRST, minlength=words).double()
    expected = len(randomised) / words
    assert ((counts - expected).abs() < 5 * math.sqrt(expected)).all()
