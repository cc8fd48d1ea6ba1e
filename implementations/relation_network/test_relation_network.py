"""The Relation Network: order invariance, the n^2 ordered pairs, eq. 1 against a loop, and the data's answers."""

from __future__ import annotations

import torch

from implementations.relation_network import data
from implementations.relation_network.model import MLPBaseline, RelationNetwork, all_pairs


def small_rn(d: int = 5, q: int = 3, seed: int = 0) -> RelationNetwork:
    torch.manual_seed(seed)
    return RelationNetwork(d, q, 4, g_hidden=8, f_hidden=8).double()


def test_output_is_invariant_to_object_order():
    gen = torch.Generator().manual_seed(0)
    rn = small_rn()
    objects = torch.randn(3, 6, 5, generator=gen, dtype=torch.float64)
    question = torch.randn(3, 3, generator=gen, dtype=torch.float64)
    out = rn(objects, question)
    for _ in range(3):
        perm = torch.randperm(6, generator=gen)
        torch.testing.assert_close(rn(objects[:, perm], question), out, rtol=1e-12, atol=1e-12)
    # the MLP baseline is not invariant, so the check above can fail
    torch.manual_seed(0)
    baseline = MLPBaseline(6, 5, 3, 4, hidden=8).double()
    perm = torch.tensor([1, 0, 2, 3, 4, 5])
    assert not torch.allclose(baseline(objects[:, perm], question), baseline(objects, question))


def test_every_ordered_pair_exactly_once():
    n, B = 5, 2
    objects = torch.eye(n, dtype=torch.float64).expand(B, n, n) * torch.tensor([1.0, 2.0])[:, None, None]  # o_k = e_k
    question = torch.tensor([[7.0], [8.0]], dtype=torch.float64)
    pairs = all_pairs(objects, question)
    assert pairs.shape == (B, n * n, 2 * n + 1)
    for b in range(B):
        seen = [(int(p[:n].argmax()), int(p[n:2 * n].argmax())) for p in pairs[b]]
        assert sorted(seen) == [(i, j) for i in range(n) for j in range(n)]  # all n^2, i = j included, no repeats
        for row, (i, j) in enumerate(seen):
            assert row == i * n + j
            torch.testing.assert_close(pairs[b, row], torch.cat([objects[b, i], objects[b, j], question[b]]))


def test_g_theta_runs_once_per_ordered_pair():
    rn = small_rn()
    rows = []
    hook = rn.g_theta[0].register_forward_hook(lambda module, inp, out: rows.append(inp[0].shape))
    rn(torch.randn(4, 6, 5, dtype=torch.float64), torch.randn(4, 3, dtype=torch.float64))
    hook.remove()
    assert rows == [torch.Size([4, 36, 13])]


def test_matches_equation_one_computed_with_loops():
    gen = torch.Generator().manual_seed(1)
    rn = small_rn()
    objects = torch.randn(2, 4, 5, generator=gen, dtype=torch.float64)
    question = torch.randn(2, 3, generator=gen, dtype=torch.float64)
    expected = []
    for b in range(2):
        total = sum(rn.g_theta(torch.cat([objects[b, i], objects[b, j], question[b]]))
                    for i in range(4) for j in range(4))
        expected.append(rn.f_phi(total))
    torch.testing.assert_close(rn(objects, question), torch.stack(expected), rtol=1e-12, atol=1e-12)


def test_gradients_by_finite_differences():
    rn = small_rn(d=3, q=2)
    objects = torch.randn(1, 3, 3, dtype=torch.float64, requires_grad=True)
    question = torch.randn(1, 2, dtype=torch.float64, requires_grad=True)
    assert torch.autograd.gradcheck(rn, (objects, question))


def test_answers_by_brute_force():
    n = 6
    batch = data.make_batch(300, torch.Generator().manual_seed(2), n=n)
    assert batch.objects.shape == (300, n, data.object_dim(n)) and batch.questions.shape == (300, data.QUESTION_DIM)
    for b in range(300):
        obj = batch.objects[b]
        asked = int(obj[:, -1].argmax())
        assert obj[:, -1].sum() == 1 and torch.equal(obj[:, :n].argmax(1), torch.arange(n))
        xy = (obj[:, n:n + 2] + 1) / 2
        shape = obj[:, n + 2:n + 4].argmax(1)
        rel, sub = bool(batch.relational[b]), int(batch.subtype[b])
        if not rel:
            expected = [int(shape[asked]), data.LEFT + int(xy[asked, 0] >= 0.5), data.TOP + int(xy[asked, 1] >= 0.5)][sub]
        elif sub == 0:
            others = [k for k in range(n) if k != asked]
            closest = min(others, key=lambda k: float((xy[k] - xy[asked]).norm()))
            expected = int(shape[closest])
        elif sub == 1:
            expected = data.COUNT_0 + sum(int(xy[k, 0] < xy[asked, 0]) for k in range(n))
        else:
            expected = data.COUNT_0 + sum(int(shape[k] == shape[asked]) for k in range(n))
        assert int(batch.answers[b]) == expected
        assert batch.questions[b, int(rel)] == 1 and batch.questions[b, 2 + sub] == 1
