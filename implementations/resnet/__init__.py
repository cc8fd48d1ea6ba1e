"""Residual networks (He et al. 2015) and pre-activation residual units (He et al. 2016)."""
