"""Permutation invariance, sparse = dense message passing (float64), the GRU update, and the data."""

import random

import torch

from implementations.mpnn.graphs import ATOMS, BONDS, VALENCE, Graph, GraphBatch, carbonyl_count, collate, random_molecule
from implementations.mpnn.model import MPNN, EdgeBlindModel, GRUCell

D = torch.float64


def small_batch() -> GraphBatch:
    rng = random.Random(3)
    batch = collate([random_molecule(rng, 4, 9) for _ in range(3)])
    batch.node_features = batch.node_features.to(D)
    batch.edge_features = batch.edge_features.to(D)
    return batch


def permuted(batch: GraphBatch, generator: torch.Generator) -> GraphBatch:
    """Relabel every node (across the whole batch) and shuffle the edge list."""
    n = batch.node_features.shape[0]
    perm = torch.randperm(n, generator=generator)            # new node i is old node perm[i]
    new_id = torch.empty_like(perm)
    new_id[perm] = torch.arange(n)
    edge_order = torch.randperm(batch.edge_index.shape[1], generator=generator)
    return GraphBatch(
        node_features=batch.node_features[perm],
        edge_index=new_id[batch.edge_index][:, edge_order],
        edge_features=batch.edge_features[edge_order],
        graph_index=batch.graph_index[perm],
        num_graphs=batch.num_graphs,
    )


def test_graph_outputs_are_invariant_to_node_and_edge_order():
    torch.manual_seed(0)
    model = MPNN(len(ATOMS), len(BONDS), hidden=8, steps=3).double()
    batch = small_batch()
    out = model(batch)
    g = torch.Generator().manual_seed(1)
    for _ in range(3):
        torch.testing.assert_close(model(permuted(batch, g)), out, rtol=0, atol=1e-12)
    # and the outputs are not trivially constant
    assert out.std() > 1e-3


def dense_forward(model: MPNN, batch: GraphBatch) -> torch.Tensor:
    """Reference: the same model with messages from a dense (N, N, d, d) adjacency of edge matrices."""
    n, d = batch.node_features.shape[0], model.message.hidden
    adjacency = torch.zeros(n, n, d, d, dtype=D)
    source, target = batch.edge_index
    adjacency[target, source] = model.message.edge_matrices(batch.edge_features)
    h0 = model.embed(batch.node_features)
    h = h0
    for _ in range(model.steps):
        m = torch.einsum("vwij,wj->vi", adjacency, h)        # m_v = sum_w A(e_vw) h_w over all node pairs
        h = model.update(m, h)
    graph_of = torch.nn.functional.one_hot(batch.graph_index, batch.num_graphs).to(D)   # (N, G)
    per_node = torch.sigmoid(model.readout.gate(torch.cat([h, h0], -1))) * model.readout.value(h)
    return model.readout.head(graph_of.t() @ per_node)


def test_sparse_message_passing_equals_dense_adjacency():
    torch.manual_seed(0)
    model = MPNN(len(ATOMS), len(BONDS), hidden=6, steps=2).double()
    batch = small_batch()
    h = torch.randn(batch.node_features.shape[0], 6, dtype=D)
    matrices = model.message.edge_matrices(batch.edge_features)
    sparse = model.message.aggregate(h, batch.edge_index, matrices)
    n = h.shape[0]
    adjacency = torch.zeros(n, n, 6, 6, dtype=D)
    adjacency[batch.edge_index[1], batch.edge_index[0]] = matrices
    torch.testing.assert_close(sparse, torch.einsum("vwij,wj->vi", adjacency, h))
    torch.testing.assert_close(model(batch), dense_forward(model, batch))


def test_gru_update_matches_torch_gru_cell():
    torch.manual_seed(0)
    ref = torch.nn.GRUCell(5, 5).double()
    ours = GRUCell(5).double()
    with torch.no_grad():   # torch stacks gates (r, z, n); ours (z, r, n)
        r, z, n = ref.weight_ih.chunk(3)
        ours.x_proj.weight.copy_(torch.cat([z, r, n]))
        r, z, n = ref.bias_ih.chunk(3)
        ours.x_proj.bias.copy_(torch.cat([z, r, n]))
        r, z, n = ref.weight_hh.chunk(3)
        ours.h_proj.weight.copy_(torch.cat([z, r, n]))
        r, z, n = ref.bias_hh.chunk(3)
        ours.h_proj.bias.copy_(torch.cat([z, r, n]))
    m = torch.randn(4, 5, dtype=D, requires_grad=True)
    h = torch.randn(4, 5, dtype=D)
    out, out_ref = ours(m, h), ref(m, h)
    torch.testing.assert_close(out, out_ref)
    torch.testing.assert_close(torch.autograd.grad(out.sum(), m)[0], torch.autograd.grad(out_ref.sum(), m)[0])


def test_edge_blind_model_ignores_bonds_and_mpnn_does_not():
    torch.manual_seed(0)
    batch = small_batch()
    flipped = GraphBatch(batch.node_features, batch.edge_index, batch.edge_features.flip(-1),
                         batch.graph_index, batch.num_graphs)   # single <-> double everywhere
    blind = EdgeBlindModel(len(ATOMS), hidden=8).double()
    mpnn = MPNN(len(ATOMS), len(BONDS), hidden=8).double()
    torch.testing.assert_close(blind(flipped), blind(batch))
    assert (mpnn(flipped) - mpnn(batch)).abs().max() > 1e-6


def test_carbonyl_count_and_collate_by_hand():
    c, n, o = (ATOMS.index(a) for a in "CNO")
    # O=C(-N)-C=O ... plus a C=N double bond that is not a carbonyl
    graph = Graph(atoms=[o, c, n, c, o], bonds=[(0, 1, 1), (1, 2, 0), (1, 3, 0), (3, 4, 1), (2, 3, 0)])
    assert carbonyl_count(graph) == 2
    assert carbonyl_count(Graph(atoms=[c, n], bonds=[(0, 1, 1)])) == 0
    batch = collate([graph, Graph(atoms=[c, o], bonds=[(0, 1, 0)])])
    assert batch.node_features.shape == (7, 3) and batch.graph_index.tolist() == [0] * 5 + [1] * 2
    assert batch.edge_index.shape == (2, 12)
    assert batch.edge_index[:, -2:].tolist() == [[5, 6], [6, 5]]   # offset by 5 nodes, both directions


def test_generated_molecules_respect_valence_and_are_connected():
    rng = random.Random(0)
    for _ in range(200):
        g = random_molecule(rng)
        used = [0] * len(g.atoms)
        parent = list(range(len(g.atoms)))

        def root(i):
            while parent[i] != i:
                i = parent[i]
            return i

        for u, v, kind in g.bonds:
            used[u] += 1 + kind
            used[v] += 1 + kind
            parent[root(u)] = root(v)
        assert all(used[i] <= VALENCE[ATOMS[a]] for i, a in enumerate(g.atoms))
        assert len({root(i) for i in range(len(g.atoms))}) == 1
