"""CLIP (Radford et al. 2021): contrastive image-caption pretraining and zero-shot classification, in miniature."""
