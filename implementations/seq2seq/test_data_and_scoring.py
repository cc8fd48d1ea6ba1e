"""Exact oracles for the toy translation, the scores and the counting baselines."""

from __future__ import annotations

import pytest
import torch

from implementations.seq2seq import baselines
from implementations.seq2seq.data import FIRST_WORD, ToyTranslation
from implementations.seq2seq.demo import setup
from implementations.seq2seq.evaluate import exact_sequences, token_hits
from implementations.seq2seq.model import EOS, PAD


def _task() -> ToyTranslation:
    """Words 2..5; d = 2->5, 3->4, 4->3, 5->2; adjectives {2, 3}."""
    task = ToyTranslation(4, torch.Generator().manual_seed(0))
    task.dictionary = torch.tensor([PAD, EOS, 5, 4, 3, 2])
    task.adjective = torch.tensor([False, False, True, True, False, False])
    return task


def test_translation_swaps_adjective_noun_pairs_then_maps_word_for_word() -> None:
    src = torch.tensor([[2, 4, 3, 5], [4, 2, 0, 0], [2, 3, 4, 0], [3, 2, 2, 4]])
    lengths = torch.tensor([4, 2, 3, 4])
    want = [[3, 5, 2, 4, EOS],         # (2 4)(3 5) -> 4 2 5 3 -> d
            [3, 5, EOS, PAD, PAD],     # the adjective 2 is last: nothing to swap with (a pad is no noun)
            [5, 3, 4, EOS, PAD],       # 2 3 are both adjectives; (3 4) swaps
            [4, 5, 3, 5, EOS]]         # only the last adjective touches a noun
    assert _task().translate(src, lengths).tolist() == want


def test_samples_are_padded_after_their_length_and_each_word_comes_from_within_one_place() -> None:
    task = ToyTranslation(8, torch.Generator().manual_seed(3))
    b = task.sample(torch.Generator().manual_seed(4), 300, 5, 9)
    assert int(b.lengths.min()) == 5 and int(b.lengths.max()) == 9
    pos = torch.arange(9)
    assert torch.equal(b.src == PAD, pos >= b.lengths[:, None])
    assert torch.equal(b.tgt[torch.arange(300), b.lengths], torch.full((300,), EOS))
    assert bool((b.tgt[:, :9][pos < b.lengths[:, None]] >= FIRST_WORD).all())
    inverse = torch.argsort(task.dictionary)                       # d^-1
    back = inverse[b.tgt[:, :9]]
    near = torch.zeros_like(b.src, dtype=torch.bool)
    for shift in (-1, 0, 1):
        near |= back == b.src.roll(shift, 1)
    assert bool(near[pos < b.lengths[:, None]].all())
    swapped = (back != b.src)[pos < b.lengths[:, None]].float().mean()
    assert 0.3 < float(swapped) < 0.6                              # a real share of the words move


def test_token_accuracy_counts_the_eos_and_not_the_pads() -> None:
    tgt = torch.tensor([[5, 6, EOS, PAD], [7, 8, 9, EOS]])
    pred = torch.tensor([[5, 6, EOS, PAD, PAD], [7, EOS, PAD, PAD, PAD]])   # row 2 stops early
    assert token_hits(pred, tgt) == (4, 7)
    assert exact_sequences(pred, tgt) == 1
    pred[0, 3] = 4                                                 # junk after the <EOS> is not scored
    assert token_hits(pred, tgt) == (4, 7) and exact_sequences(pred, tgt) == 1


def test_counting_baselines_by_hand() -> None:
    src = torch.tensor([[2, 3, 0], [2, 2, 4], [3, 4, 0]])
    tgt = torch.tensor([[5, 4, 1, 0], [5, 3, 3, 1], [4, 5, 1, 0]])
    assert baselines.position_majority(tgt).tolist() == [5, 3, 1, 1]   # ties go to the lower id: 3 < 4 < 5
    table = baselines.fit_dictionary(src, tgt, vocab=6)
    assert table[2].item() == 5 and table[3].item() == 4 and table[4].item() == 3
    out = baselines.translate_word_for_word(table, src, torch.tensor([2, 3, 2]))
    assert out.tolist() == [[5, 4, EOS, PAD], [5, 5, 3, EOS], [4, 3, EOS, PAD]]


@pytest.mark.parametrize("quick", [False, True])
def test_held_out_buckets_lie_inside_the_training_lengths(quick: bool) -> None:
    s = setup(quick)
    lo, hi = s.lengths
    assert lo == s.short[0] <= s.short[1] < s.long[0] <= s.long[1] == hi
