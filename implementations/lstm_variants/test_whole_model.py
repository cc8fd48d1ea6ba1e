"""VariantLSTM unrolled over several steps against Greff et al.'s equations written out here (float64):
peepholes read c_{t-1} for i, f and c_t for o, and FGR carries the previous gate activations through time."""

from __future__ import annotations

import pytest
import torch
from torch.testing import assert_close

from implementations.lstm_variants.model import VariantLSTM

IN, H, B, T = 3, 4, 2, 4
F64 = torch.float64
sig, tanh = torch.sigmoid, torch.tanh


def _unrolled_by_hand(model: VariantLSTM, xs: torch.Tensor, fgr: bool) -> torch.Tensor:
    cell = model.cell
    W = dict(zip("zifo", cell.W.weight.split(H)))
    R = dict(zip("zifo", cell.R.weight.split(H)))
    b = dict(zip("zifo", cell.W.bias.split(H)))
    p = {g: cell.peep[g] for g in "ifo"}
    if fgr:   # rows: the gate that receives, columns: the gate whose previous activation is read
        blocks = cell.gate_recurrence.weight
        G = {(dst, src): blocks[a * H:(a + 1) * H, c * H:(c + 1) * H]
             for a, dst in enumerate("ifo") for c, src in enumerate("ifo")}
    y = c = torch.zeros(B, H, dtype=F64)
    prev = {g: torch.zeros(B, H, dtype=F64) for g in "ifo"}
    outs = []
    for x in xs:
        def pre(g):
            v = x @ W[g].T + y @ R[g].T + b[g]
            if fgr and g != "z":
                v = v + sum(prev[s] @ G[(g, s)].T for s in "ifo")
            return v
        z = tanh(pre("z"))
        i = sig(pre("i") + p["i"] * c)
        f = sig(pre("f") + p["f"] * c)
        c_new = z * i + c * f
        o = sig(pre("o") + p["o"] * c_new)
        y, c = tanh(c_new) * o, c_new
        prev = {"i": i, "f": f, "o": o}
        outs.append(y)
    return torch.stack(outs)


@pytest.mark.parametrize("variant", ["V", "FGR"])
def test_unrolled_vanilla_and_full_gate_recurrence_match_the_equations_over_time(variant: str) -> None:
    torch.manual_seed(0)
    model = VariantLSTM(IN, H, variant).double()
    with torch.no_grad():
        for q in model.parameters():
            q.copy_(torch.randn_like(q) * 0.7)
    xs = torch.randn(T, B, IN, dtype=F64)
    out, (y, c, gates) = model(xs)
    assert_close(out, _unrolled_by_hand(model, xs, fgr=variant == "FGR"))
    assert_close(y, out[-1])
    if variant == "FGR":
        gates = gates.detach()
        assert gates.shape == (B, 3 * H) and float(gates.min()) > 0 and float(gates.max()) < 1  # activations, not pre-activations
