"""LSTM and GRU cells from scratch, after Olah (2015) "Understanding LSTM Networks"."""
