"""Two gloo processes running torch.distributed.pipelining's ScheduleGPipe equal full-batch SGD."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from implementations.gpipe.model import make_mlp


def test_two_process_gpipe_step_equals_full_batch():
    distributed = pytest.importorskip("implementations.gpipe.distributed")
    if not distributed.gloo_available():
        pytest.skip("torch.distributed with the gloo backend is not available in this torch build")
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    widths = [6, 8, 8, 8, 3]
    net = make_mlp(widths, dtype=torch.float64)
    x = torch.randn(8, 6, generator=gen, dtype=torch.float64)
    y = torch.randint(0, 3, (8,), generator=gen)
    init = {name: p.detach().clone() for name, p in net.named_parameters()}
    result = distributed.run_two_process_gpipe(net, widths, x, y, num_micro=4, steps=1, lr=0.5, timeout_s=60)
    loss = F.cross_entropy(net(x), y)
    loss.backward()
    with torch.no_grad():
        for p in net.parameters():
            p -= 0.5 * p.grad
    assert result.losses == pytest.approx([loss.item()], abs=1e-12)
    assert set(result.state_dict) == {name for name, _ in net.named_parameters()}
    for name, p in net.named_parameters():
        assert not torch.equal(result.state_dict[name], init[name])  # the step really updated it
        torch.testing.assert_close(result.state_dict[name], p.detach(), rtol=0, atol=1e-10)
