"""Sequence to Sequence Learning with Neural Networks (Sutskever, Vinyals & Le 2014): a deep LSTM encoder-decoder."""
