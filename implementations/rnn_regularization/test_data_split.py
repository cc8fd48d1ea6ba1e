"""The corpus split: interleaved blocks partition the text, and the vocabulary sees the training blocks only.

Catches a vocabulary built from the whole text (validation words leak into
the model's inputs), blocks assigned to both splits or to neither, and ids
that do not decode back to their own split's text.
"""

from __future__ import annotations

from implementations.rnn_regularization.data import UNK, build_vocab, corpus, stdlib_tokens

N_TOKENS, VOCAB, BLOCK, EVERY = 3000, 600, 200, 5


def test_blocks_partition_the_text_and_the_vocabulary_comes_from_training_blocks_only() -> None:
    tokens = stdlib_tokens()[:N_TOKENS]
    train_ids, valid_ids, vocab = corpus(N_TOKENS, VOCAB, block=BLOCK, every=EVERY)
    blocks = [tokens[i:i + BLOCK] for i in range(0, N_TOKENS, BLOCK)]
    train = [t for k, b in enumerate(blocks) if k % EVERY != EVERY - 1 for t in b]
    valid = [t for k, b in enumerate(blocks) if k % EVERY == EVERY - 1 for t in b]
    assert len(train_ids) + len(valid_ids) == N_TOKENS and len(valid_ids) == N_TOKENS // EVERY
    assert vocab == build_vocab(train, VOCAB)
    only_in_valid = set(valid) - set(train)
    assert only_in_valid and only_in_valid.isdisjoint(vocab)  # the test is not vacuous: such words exist
    assert [vocab[i] for i in train_ids] == [t if t in vocab else UNK for t in train]
    assert [vocab[i] for i in valid_ids] == [t if t in vocab else UNK for t in valid]

