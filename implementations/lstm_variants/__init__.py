"""The vanilla LSTM and its eight variants from Greff et al. (2015) "LSTM: A Search Space Odyssey"."""
