"""The assembled GPT against PyTorch's own post-LN encoder stack with copied weights, the causal mask's
guarantees, and exact oracles for the losses L1 and L3 = L2 + lambda L1 (float64 throughout)."""

from __future__ import annotations

import math

import pytest
import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations._common.reference import load_encoder_layer

from .model import GPT, GPTConfig, lm_nll

CFG = GPTConfig(vocab=11, context=7, d_model=8, n_layers=2, n_heads=2, d_ff=12, dropout=0.0)
TOKENS = torch.tensor([[3, 1, 4, 1, 5, 9, 2], [6, 5, 3, 5, 8, 9, 7]])


pytestmark = pytest.mark.usefixtures("float64")  # implementations/conftest.py


def _model(cfg: GPTConfig = CFG, seed: int = 0) -> GPT:
    torch.manual_seed(seed)
    model = GPT(cfg)
    with torch.no_grad():  # move every parameter off its init (N(0, 0.02), zero biases, LN 1 / 0) so each use is seen
        for p in model.parameters():
            p.add_(0.3 * torch.randn_like(p))
    return model


def _reference(model: GPT) -> nn.TransformerEncoder:
    c = model.cfg
    layer = nn.TransformerEncoderLayer(c.d_model, c.n_heads, c.d_ff, dropout=0.0, activation="gelu",
                                       batch_first=True, norm_first=False)
    ref = nn.TransformerEncoder(layer, c.n_layers, enable_nested_tensor=False)
    with torch.no_grad():
        for r, m in zip(ref.layers, model.blocks):
            load_encoder_layer(r, m.attn, m.ff_in, m.ff_out, m.ln_attn, m.ln_ff)
    return ref


def _reference_logits(model: GPT, ref: nn.TransformerEncoder, w_e: torch.Tensor, w_p: torch.Tensor) -> torch.Tensor:
    """h_0 = U W_e + W_p, then the stack with a causal mask (True = may not attend), then h_n W_e^T."""
    length = TOKENS.size(1)
    future = torch.ones(length, length, dtype=torch.bool).triu(1)
    h = ref(F.embedding(TOKENS, w_e) + w_p[:length], mask=future, is_causal=True)
    return h @ w_e.T, h


def test_the_assembled_model_equals_a_post_ln_gelu_encoder_stack_with_causal_mask_and_tied_output():
    model = _model()
    ref = _reference(model)
    w_e = model.token_emb.weight.detach().clone().requires_grad_()
    w_p = model.pos_emb.weight.detach().clone().requires_grad_()
    ref_logits, ref_h = _reference_logits(model, ref, w_e, w_p)
    logits = model(TOKENS)
    assert_close(logits, ref_logits)
    assert_close(model.classify(TOKENS), model.head(ref_h[:, -1]))  # eq. 3 reads the last position
    # gradients: W_e gets both its input (embedding) and output (tied projection) share
    lm_nll(logits, TOKENS).backward()
    F.cross_entropy(ref_logits[:, :-1].reshape(-1, CFG.vocab), TOKENS[:, 1:].reshape(-1)).backward()
    assert_close(model.token_emb.weight.grad, w_e.grad)
    assert_close(model.pos_emb.weight.grad, w_p.grad)
    assert_close(model.blocks[0].attn.in_proj.weight.grad, ref.layers[0].self_attn.in_proj_weight.grad)
    assert_close(model.blocks[1].ff_in.weight.grad, ref.layers[1].linear1.weight.grad)
    assert_close(model.blocks[0].ln_attn.weight.grad, ref.layers[0].norm1.weight.grad)


def test_the_output_projection_is_the_token_embedding_and_adds_no_parameters():
    model = _model()
    h = torch.randn(2, 3, CFG.d_model)
    assert_close(model.lm_logits(h), h @ model.token_emb.weight.T)
    names = [name for name, _ in model.named_parameters()]
    assert not any("lm_head" in n or "out_emb" in n for n in names)
    assert set(model.lm_parameters()) == {p for n, p in model.named_parameters() if not n.startswith("head.")}


@pytest.mark.parametrize("j", range(1, 7))
def test_changing_a_token_never_changes_the_logits_before_it(j):
    model = _model().eval()
    changed = TOKENS.clone()
    changed[:, j] = (changed[:, j] + 1) % CFG.vocab
    with torch.no_grad():
        before, after = model(TOKENS), model(changed)
    assert torch.equal(before[:, :j], after[:, :j])  # bit-identical, not merely close
    assert not torch.allclose(before[:, j:], after[:, j:])  # and the change is seen from j on


def test_the_gradient_of_logit_i_with_respect_to_later_inputs_is_exactly_zero():
    model = _model().eval()
    h0 = model.embed(TOKENS).detach().requires_grad_()
    logits = model.lm_logits(model.transform(h0))
    for i in range(TOKENS.size(1)):
        (grad,) = torch.autograd.grad(logits[:, i].sum(), h0, retain_graph=True)
        assert torch.count_nonzero(grad[:, i + 1:]) == 0
        assert (grad[:, : i + 1].abs().sum(-1) > 0).all()  # it does depend on every earlier input


def test_lm_loss_by_hand():
    """Vocabulary 2, tokens (0, 1, 1): P(u_2 = 1) = 3/4 and P(u_3 = 1) = 1/3, so -L1 / 2 = (ln 4/3 + ln 3) / 2 = ln 2."""
    logits = torch.tensor([[[0.0, math.log(3)], [math.log(2), 0.0], [5.0, -5.0]]])  # the last row predicts nothing
    assert lm_nll(logits, torch.tensor([[0, 1, 1]])).item() == pytest.approx(math.log(2), abs=1e-15)


def test_the_fine_tuning_objective_is_task_plus_lambda_lm_by_hand():
    """W_e = 0 makes every LM prediction uniform (-L1 per token = ln V); a bias (0, ln 3) in W_y makes P(y=1) = 3/4."""
    model = _model().eval()
    with torch.no_grad():
        model.token_emb.weight.zero_()
        model.head.weight.zero_()
        model.head.bias.copy_(torch.tensor([0.0, math.log(3)]))
    labels = torch.tensor([1, 0])
    task_by_hand = (math.log(4 / 3) + math.log(4)) / 2
    for lam in (0.0, 0.5, 2.0):
        total, task, lm = model.finetune_loss(TOKENS, labels, lam)
        assert task.item() == pytest.approx(task_by_hand, abs=1e-14)
        assert lm.item() == pytest.approx(math.log(CFG.vocab), abs=1e-14)
        assert total.item() == pytest.approx(task_by_hand + lam * math.log(CFG.vocab), abs=1e-14)


def test_the_fine_tuning_objective_on_a_trained_looking_model_matches_its_parts():
    model = _model(seed=1).eval()
    labels = torch.tensor([0, 1])
    total, task, lm = model.finetune_loss(TOKENS, labels, 0.5)
    assert_close(task, F.cross_entropy(model.classify(TOKENS), labels))
    assert_close(lm, lm_nll(model(TOKENS), TOKENS))
    assert_close(total, task + 0.5 * lm)


def test_dropout_is_active_in_training_and_off_in_eval():
    model = _model(GPTConfig(vocab=11, context=7, d_model=8, n_layers=2, n_heads=2, d_ff=12, dropout=0.5))
    model.train()
    assert not torch.equal(model(TOKENS), model(TOKENS))
    model.eval()
    assert torch.equal(model(TOKENS), model(TOKENS))
