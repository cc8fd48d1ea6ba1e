"""Variational Lossy Autoencoder: a VAE whose autoregressive decoder sees only a local window."""
