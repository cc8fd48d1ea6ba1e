"""Every parameter, embedding and softmax included, starts uniform in [-1/sqrt(n), 1/sqrt(n)] (``LSTMLayer``).

The paper draws from a fixed small uniform range; this implementation scales
it with the width. Catches the embedding left at PyTorch's N(0, 1) default
(the linear layers' default happens to be this same range) and a wrong bound.
"""

from __future__ import annotations

import torch

from implementations.rnn_regularization.model import DropoutLSTMLanguageModel


def test_every_weight_starts_uniform_in_plus_minus_one_over_root_n() -> None:
    torch.manual_seed(0)
    model = DropoutLSTMLanguageModel(vocab_size=50, hidden_size=25, num_layers=2)
    bound = 1 / 25**0.5
    values = torch.cat([p.detach().flatten() for p in model.parameters()])
    assert values.abs().max() <= bound
    assert abs(values.std().item() - bound / 3**0.5) < 0.01  # U(-a, a) has std a / sqrt(3)
