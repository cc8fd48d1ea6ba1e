"""The process block's encoding is invariant to the order of the set (float64, to 1e-12)."""

from __future__ import annotations

import torch
from torch.testing import assert_close

from implementations.set2set.demo import present, sorted_order
from implementations.pointer_network.demo import sample
from implementations.set2set.model import ProcessBlock, Set2Set, Set2SetConfig

CFG = Set2SetConfig(input_size=1, hidden_size=6, attn_size=5, process_steps=4)


def _model_and_sets():
    torch.manual_seed(0)
    model = Set2Set(CFG).double().eval()
    inputs, valid, targets = sample(torch.Generator().manual_seed(1), 5, (3, 7))
    return model, inputs.double(), valid, targets


def _shuffle(inputs, valid, seed):
    """Permute every position, padding included; returns the permuted batch and the permutation."""
    gen = torch.Generator().manual_seed(seed)
    perm = torch.stack([torch.randperm(inputs.size(1), generator=gen) for _ in range(inputs.size(0))])
    return inputs.gather(1, perm[..., None]), valid.gather(1, perm), perm


def test_encoding_is_exactly_invariant_to_input_permutation() -> None:
    model, inputs, valid, _ = _model_and_sets()
    q_star = model.encoding(inputs, valid)
    assert q_star.shape == (5, 2 * CFG.hidden_size)
    for seed in range(3):
        shuffled, shuffled_valid, _ = _shuffle(inputs, valid, seed)
        assert not torch.equal(shuffled, inputs)
        assert_close(model.encoding(shuffled, shuffled_valid), q_star, rtol=0, atol=1e-12)


def test_padding_is_ignored_by_the_process_block() -> None:
    model, inputs, valid, _ = _model_and_sets()
    noisy = inputs.masked_fill(~valid[..., None], 7.5)
    assert_close(model.encoding(noisy, valid), model.encoding(inputs, valid), rtol=0, atol=1e-12)
    _, _, weights = model.process(model.read(inputs), valid)
    for a in weights:
        assert (a[~valid] == 0).all()
        assert_close(a.sum(-1), torch.ones(5, dtype=torch.float64))


def test_process_block_follows_equations_3_to_7() -> None:
    torch.manual_seed(2)
    block = ProcessBlock(memory_size=3, steps=2).double()
    memories = torch.randn(1, 4, 3, dtype=torch.float64)
    valid = torch.ones(1, 4, dtype=torch.bool)
    q_star_out, _, _ = block(memories, valid)
    h = c = torch.zeros(1, 3, dtype=torch.float64)
    q_star = torch.zeros(1, 6, dtype=torch.float64)
    for _ in range(2):
        h, c = block.lstm(q_star, (h, c))  # q_t = LSTM(q*_{t-1})
        e = torch.stack([memories[0, i] @ h[0] for i in range(4)])  # e_i = m_i . q_t
        a = torch.exp(e) / torch.exp(e).sum()  # softmax
        r = sum(a[i] * memories[0, i] for i in range(4))  # r_t = sum_i a_i m_i
        q_star = torch.cat([h[0], r])[None]  # q*_t = [q_t; r_t]
    assert_close(q_star_out, q_star)


def test_written_output_is_the_same_sequence_of_values_whatever_the_input_order() -> None:
    model, inputs, valid, targets = _model_and_sets()
    pointers, probs = model.greedy_decode(inputs, valid)
    for seed in range(2):
        shuffled, shuffled_valid, perm = _shuffle(inputs, valid, seed)
        new_pointers, new_probs = model.greedy_decode(shuffled, shuffled_valid)
        for b in range(inputs.size(0)):
            n = int(valid[b].sum())
            # The same elements, in the same order, whatever positions they were stored at.
            assert torch.equal(perm[b, new_pointers[b, :n]], pointers[b, :n])
            assert_close(new_probs[b, :n].gather(1, perm[b].argsort()[None].expand(n, -1)), probs[b, :n],
                         rtol=0, atol=1e-12)
    # The demo's "sorted presentation" is one such permutation, with targets moved along.
    sorted_inputs, sorted_valid, sorted_targets = present(inputs, valid, targets, sorted_order(inputs, valid))
    for b in range(inputs.size(0)):
        n = int(valid[b].sum())
        assert sorted_targets[b, :n].tolist() == list(range(n))
        assert torch.equal(sorted_inputs[b, sorted_targets[b, :n]], inputs[b, targets[b, :n]])
