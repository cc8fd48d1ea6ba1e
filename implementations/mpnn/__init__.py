"""Message Passing Neural Network (Gilmer et al. 2017): edge-network messages, GRU updates, gated sum readout."""
