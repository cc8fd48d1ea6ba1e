"""A character-level LSTM language model, after Karpathy (2015) "The Unreasonable Effectiveness of Recurrent Neural Networks"."""
