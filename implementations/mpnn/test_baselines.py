"""The acyl-group target and the bag-of-bonds baseline: what it can and cannot see."""

from __future__ import annotations

import torch

from implementations.mpnn.baselines import BagOfBondsModel
from implementations.mpnn.graphs import ATOMS, BONDS, Graph, acyl_count, carbonyl_count, collate
from implementations.mpnn.model import MPNN

C, N, O = (ATOMS.index(a) for a in ("C", "N", "O"))
SINGLE, DOUBLE = 0, 1
# Same atoms, same bag of bonds {C=O, C-N, N-C, C-C}; only in the amide do C=O and C-N share a carbon.
AMIDE = Graph([C, O, N, C, C], [(0, 1, DOUBLE), (0, 2, SINGLE), (2, 3, SINGLE), (3, 4, SINGLE)])
KETONE_AND_AMINE = Graph([C, O, N, C, C], [(0, 1, DOUBLE), (0, 4, SINGLE), (4, 2, SINGLE), (2, 3, SINGLE)])


def test_acyl_count_by_hand():
    assert acyl_count(AMIDE) == 1 and acyl_count(KETONE_AND_AMINE) == 0
    assert carbonyl_count(AMIDE) == carbonyl_count(KETONE_AND_AMINE) == 1
    ester_and_acid = Graph([C, O, O, C, C, O, O],  # O=C(-O-C)-C(=O)-O: two acyl carbons
                           [(0, 1, DOUBLE), (0, 2, SINGLE), (2, 3, SINGLE), (0, 4, SINGLE), (4, 5, DOUBLE), (4, 6, SINGLE)])
    assert acyl_count(ester_and_acid) == 2
    # a C=O carbon with two single-bonded N counts once; N=O or a C=C carbon next to N does not count
    urea = Graph([C, O, N, N], [(0, 1, DOUBLE), (0, 2, SINGLE), (0, 3, SINGLE)])
    assert acyl_count(urea) == 1
    assert acyl_count(Graph([N, O, C], [(0, 1, DOUBLE), (0, 2, SINGLE)])) == 0
    assert acyl_count(Graph([C, C, N], [(0, 1, DOUBLE), (0, 2, SINGLE)])) == 0


def test_bag_of_bonds_cannot_tell_which_bonds_share_an_atom_but_mpnn_can():
    torch.manual_seed(0)
    bag = BagOfBondsModel(len(ATOMS), len(BONDS), hidden=8).double()
    mpnn = MPNN(len(ATOMS), len(BONDS), hidden=8).double()
    batch = collate([AMIDE, KETONE_AND_AMINE])
    batch.node_features, batch.edge_features = batch.node_features.double(), batch.edge_features.double()
    out = bag(batch).squeeze(-1)
    assert abs(out[0].item() - out[1].item()) < 1e-12  # equal but for summation order
    out = mpnn(batch).squeeze(-1)
    assert abs(out[0].item() - out[1].item()) > 1e-6


def test_bag_of_bonds_sees_bond_types_and_which_atoms_they_join():
    torch.manual_seed(0)
    bag = BagOfBondsModel(len(ATOMS), len(BONDS), hidden=8).double()

    def predict(graph: Graph) -> float:
        batch = collate([graph])
        batch.node_features, batch.edge_features = batch.node_features.double(), batch.edge_features.double()
        return bag(batch).item()

    ketone = Graph([C, O, C], [(0, 1, DOUBLE), (0, 2, SINGLE)])
    ether = Graph([C, O, C], [(0, 1, SINGLE), (0, 2, SINGLE)])      # same atoms, a bond type changed
    enol = Graph([C, O, C], [(0, 1, SINGLE), (0, 2, DOUBLE)])        # the double bond moved to C=C
    values = {predict(g) for g in (ketone, ether, enol)}
    assert len(values) == 3
