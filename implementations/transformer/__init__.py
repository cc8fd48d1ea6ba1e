"""Transformer (Vaswani et al. 2017): encoder-decoder built only from attention and feed-forward layers."""
