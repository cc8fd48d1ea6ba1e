"""The generated task is monotone, 1-2 words per source word; the word-accuracy metric on hand-worked cases."""

from __future__ import annotations

import torch

from implementations.luong_attention.data import BOS, EOS, FIRST, PAD, MonotoneTask
from implementations.luong_attention.metrics import edit_distance, score, words


def test_table_emits_one_or_two_words_and_the_target_follows_the_source_left_to_right() -> None:
    task = MonotoneTask(12, 16, torch.Generator().manual_seed(0))
    assert sorted(len(e) for e in task.table) == [1] * 6 + [2] * 6
    assert all(FIRST <= y < task.tgt_vocab for e in task.table for y in e)
    src, tgt_in, tgt_out = task.sample(torch.Generator().manual_seed(1), 50, (3, 9))
    for s, ti, to in zip(src, tgt_in, tgt_out):
        n = int((s != PAD).sum())
        assert s[n - 1] == EOS and 3 <= n - 1 <= 9
        target = task.translate(s[: n - 1].tolist())
        assert to[: len(target) + 1].tolist() == target + [EOS] and (to[len(target) + 1:] == PAD).all()
        assert ti[0] == BOS and ti[1 : len(target) + 1].tolist() == target and (ti[len(target) + 1:] == PAD).all()
    assert task.translate([FIRST, FIRST + 1]) == task.table[0] + task.table[1]


def test_edit_distance_by_hand() -> None:
    assert edit_distance([1, 2, 3], [1, 2, 3]) == 0
    assert edit_distance([1, 2, 3], [1, 3]) == 1          # one deletion
    assert edit_distance([1, 2, 3], [3, 2, 1]) == 2       # two substitutions
    assert edit_distance([], [4, 5]) == 2
    assert edit_distance([5, 6, 7, 8], [6, 7, 8, 9]) == 2  # delete 5, insert 9 (not 4 substitutions)


def test_score_reads_words_up_to_eos_and_pools_errors() -> None:
    pred = torch.tensor([[4, 5, 6, EOS, 9], [4, 7, EOS, PAD, PAD]])
    ref = torch.tensor([[4, 5, 6, EOS, PAD], [4, 5, 6, EOS, PAD]])
    assert words(pred) == [[4, 5, 6], [4, 7]]
    accuracy, exact = score(pred, ref)
    assert accuracy == 1 - 2 / 6 and exact == 0.5       # 0 + 2 errors over 6 reference words
