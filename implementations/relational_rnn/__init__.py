"""Relational recurrent neural networks (Santoro et al. 2018): the relational memory core on the N-th farthest task."""
