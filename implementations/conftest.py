"""Shared set-up for the implementations' tests.

Their tensors are tiny and ``make test`` runs one xdist worker per core: a
second intra-op thread per worker only spins against the other worker.
"""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)
