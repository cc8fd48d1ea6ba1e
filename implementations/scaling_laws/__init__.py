"""Scaling laws (Kaplan et al. 2020): loss falls as a power law in non-embedding parameters N."""
