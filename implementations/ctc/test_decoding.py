"""Greedy CTC decoding and the error rate on hand-made inputs."""

import torch

from implementations.ctc.decoding import character_error_rate, edit_distance, greedy_decode


def one_hot_log_probs(paths, classes=4):
    """(T, B, C) log-probabilities whose argmax at each frame is the given path."""
    probs = torch.full((len(paths[0]), len(paths), classes), 0.1)
    for b, path in enumerate(paths):
        for t, k in enumerate(path):
            probs[t, b, k] = 0.7
    return probs.log()


def test_collapse_repeats_then_drop_blanks():
    log_probs = one_hot_log_probs([[0, 1, 1, 0, 1, 2, 2, 0], [3, 3, 3, 0, 0, 2, 0, 2]])
    assert greedy_decode(log_probs, torch.tensor([8, 8])) == [[1, 1, 2], [3, 2, 2]]


def test_frames_past_the_input_length_are_ignored_and_all_blank_is_empty():
    log_probs = one_hot_log_probs([[1, 2, 3, 3], [0, 0, 0, 1]])
    assert greedy_decode(log_probs, torch.tensor([2, 3])) == [[1, 2], []]


def test_other_blank_index():
    log_probs = one_hot_log_probs([[3, 0, 0, 3, 1]])
    assert greedy_decode(log_probs, torch.tensor([5]), blank=3) == [[0, 1]]


def test_edit_distance_and_cer():
    assert edit_distance([1, 2, 3], [1, 2, 3]) == 0
    assert edit_distance([1, 3], [1, 2, 3]) == 1          # deletion
    assert edit_distance([1, 2, 4, 3], [1, 2, 3]) == 1    # insertion
    assert edit_distance([3, 2, 1], [1, 2, 3]) == 2       # two substitutions
    assert edit_distance([], [1, 2]) == 2
    assert character_error_rate([[1, 3], [5]], [[1, 2, 3], [5]]) == 0.25
