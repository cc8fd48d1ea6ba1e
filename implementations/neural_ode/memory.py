"""The memory a backward pass needs kept from its forward pass, measured by counting.

Every tensor autograd saves for backward (inputs of each ``Linear``, outputs of each ``tanh``,
RK4 stages, or what the adjoint's ``save_for_backward`` keeps) passes through a
``saved_tensors_hooks`` pack hook; each distinct storage is counted once, parameters included.
The count is exact and deterministic, unlike sampling a process's peak memory, and it is the
quantity the paper's "constant memory cost" is about (Chen et al. 2018, Sec. 2).
"""

from __future__ import annotations

import torch


def saved_bytes(forward) -> int:
    """Bytes of distinct storages saved for backward while ``forward()`` runs."""
    seen: dict[int, int] = {}

    def pack(tensor: torch.Tensor) -> torch.Tensor:
        storage = tensor.untyped_storage()
        seen[storage.data_ptr()] = storage.nbytes()
        return tensor

    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        out = forward()
    del out
    return sum(seen.values())
