"""Deep Speech 2 in miniature: CTC loss in log space, a conv + bidirectional GRU acoustic model, greedy decoding."""
