"""Bahdanau, Cho & Bengio (2014): RNN encoder-decoder that jointly learns to align and translate."""
