"""Shared set-up for the implementations' tests.

Their tensors are tiny and ``make test`` runs more xdist workers than cores: a
second intra-op thread per worker only spins against the other worker. A test
module that compares with references in float64 throughout opts in with
``pytestmark = pytest.mark.usefixtures("float64")``.
"""

import pytest
import torch


@pytest.fixture(autouse=True)
def _one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


@pytest.fixture
def float64():
    """Every tensor the test makes defaults to float64, and the default is put back after it."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    yield
    torch.set_default_dtype(previous)
