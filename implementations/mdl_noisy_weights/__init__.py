"""Noisy-weight networks trained to minimise the description length of the weights (Hinton & van Camp 1993)."""
