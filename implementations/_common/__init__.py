"""Helpers shared by every implementation's demo and tests: one tested home per shared primitive.

``demo`` (command line, seeding, claim check), ``recurrent`` (LSTM and GRU cells, ``unroll``),
``optim`` (momentum SGD), ``schedules`` (``cosine_after_hold``), ``params`` (``count_parameters``),
``ring`` (the ring of Gaussians and its mode-coverage scores, for ddpm and the GANs), ``reference``
(our Transformer blocks' weights copied into ``nn.TransformerEncoderLayer`` for tests),
``attention`` (scaled dot-product and multi-head attention with boolean masks, for every Transformer).
Copies kept on purpose (a folder that derives the primitive itself, or writes its paper's own
form) are held to the same references by ``test_conformance.py``.
"""
