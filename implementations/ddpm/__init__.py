"""DDPM (Ho, Jain & Abbeel 2020): denoising diffusion on a 2-D mixture of 8 Gaussians."""
