"""LSTM language model with dropout on non-recurrent connections only (Zaremba, Sutskever & Vinyals 2014)."""
