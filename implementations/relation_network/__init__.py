"""Relation Networks (Santoro et al. 2017) on a state-description Sort-of-CLEVR."""
