"""The assembled BERT against PyTorch's post-LN ``nn.TransformerEncoder`` (GELU) with copied weights, float64.

The reference's input is built here from the model's embedding tables (token + position, then
LayerNorm), and its heads are written out with ``torch.nn.functional``. Catches pre-LN for
post-LN, ReLU for GELU, a missing embedding LayerNorm, padding masks on the wrong side, an untied
MLM output, and a classifier that reads a position other than [CLS].
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations._common.params import count_parameters
from implementations._common.reference import load_encoder_layer
from implementations.bert_mlm.model import Bert, BertConfig

CFG = BertConfig(vocab_size=13, d_model=8, n_heads=2, d_ff=12, n_layers=2, max_len=7, dropout=0.0)
TOKENS = torch.tensor([[1, 5, 6, 7, 8, 9, 2], [1, 4, 12, 2, 0, 0, 0], [1, 3, 10, 11, 2, 0, 0]])   # PAD = 0


def _model() -> Bert:
    torch.manual_seed(0)
    model = Bert(CFG).double().eval()
    with torch.no_grad():   # biases and LayerNorm gains away from 0 and 1, so their use is checked
        for name, p in model.named_parameters():
            if "norm" in name or name.endswith("bias"):
                p.add_(0.3 * torch.randn_like(p))
    return model


def _reference(model: Bert) -> nn.TransformerEncoder:
    c = model.cfg
    layer = nn.TransformerEncoderLayer(c.d_model, c.n_heads, c.d_ff, dropout=0.0, activation="gelu",
                                       layer_norm_eps=1e-12, batch_first=True, norm_first=False, dtype=torch.float64)
    ref = nn.TransformerEncoder(layer, c.n_layers, enable_nested_tensor=False).eval()
    with torch.no_grad():
        for r, m in zip(ref.layers, model.layers):
            load_encoder_layer(r, m.attn, m.ff1, m.ff2, m.norm1, m.norm2)
    return ref


def _reference_outputs(model: Bert, ref: nn.TransformerEncoder, tokens: torch.Tensor):
    m = model
    x = m.tok.weight[tokens] + m.pos.weight[: tokens.size(1)]
    x = F.layer_norm(x, (CFG.d_model,), m.embed_norm.weight, m.embed_norm.bias, eps=1e-12)
    hidden = ref(x, src_key_padding_mask=tokens == 0)
    h = F.layer_norm(F.gelu(hidden @ m.mlm_dense.weight.T + m.mlm_dense.bias), (CFG.d_model,),
                     m.mlm_norm.weight, m.mlm_norm.bias, eps=1e-12)
    mlm = h @ m.tok.weight.T + m.mlm_bias                       # tied to the input embedding
    pooled = torch.tanh(hidden[:, 0] @ m.pooler.weight.T + m.pooler.bias)
    return hidden, mlm, pooled @ m.classifier.weight.T + m.classifier.bias


def test_whole_model_matches_nn_transformer_encoder_with_copied_weights_and_padding() -> None:
    model = _model()
    ref = _reference(model)
    hidden = model.encode(TOKENS)
    want_hidden, want_mlm, want_cls = _reference_outputs(model, ref, TOKENS)
    real = TOKENS != 0
    assert_close(hidden[real], want_hidden[real])
    assert_close(model.mlm_logits(hidden)[real], want_mlm[real])
    assert_close(model(TOKENS), want_cls)
    # and the gradients, through the tied embedding and the first block
    loss, want_loss = model.mlm_logits(hidden)[real].square().sum() + model(TOKENS).sum(), want_mlm[real].square().sum() + want_cls.sum()
    got = torch.autograd.grad(loss, [model.tok.weight, model.layers[0].ff1.weight, model.pos.weight])
    want = torch.autograd.grad(want_loss, [model.tok.weight, ref.layers[0].linear1.weight, model.pos.weight])
    for g, w in zip(got, want):
        assert_close(g, w)


def test_padding_is_invisible_to_real_positions() -> None:
    model = _model()
    longer = torch.cat([TOKENS[:, :5], torch.zeros(3, 2, dtype=torch.long)], 1)   # rows cut to 5, then 2 PADs
    short = TOKENS[1:2, :4]                                                      # row 1 without its PADs
    assert_close(model.encode(TOKENS[1:2])[:, :4], model.encode(short))
    assert not torch.allclose(model.encode(longer[:1])[:, :5], model.encode(TOKENS[:1])[:, :5])   # real words do count


def test_mlm_output_is_tied_to_the_token_embedding_and_stages_train_their_own_heads() -> None:
    model = _model()
    d, v, f, n = CFG.d_model, CFG.vocab_size, CFG.d_ff, CFG.n_layers
    block = (3 * d * d + 3 * d) + (d * d + d) + (d * f + f) + (f * d + d) + 4 * d
    embed = v * d + CFG.max_len * d + 2 * d
    heads = (d * d + d + 2 * d + v) + (d * d + d) + (d * CFG.n_classes + CFG.n_classes)
    assert count_parameters(model) == embed + n * block + heads           # no separate V x H output matrix
    with torch.no_grad():
        model.tok.weight[5].add_(1.0)
    hidden = torch.randn(1, d, dtype=torch.float64)
    before = model.mlm_logits(hidden)
    with torch.no_grad():
        model.tok.weight[7].add_(1.0)
    changed = (model.mlm_logits(hidden) - before).abs() > 0
    assert changed[0].tolist() == [i == 7 for i in range(v)]
    pre = {id(p) for p in model.parameters_for("pretrain")}
    fine = {id(p) for p in model.parameters_for("finetune")}
    assert id(model.classifier.weight) not in pre and id(model.pooler.weight) not in pre
    assert id(model.mlm_dense.weight) not in fine and id(model.mlm_bias) not in fine
    assert id(model.tok.weight) in pre & fine


def test_classifier_reads_the_cls_position() -> None:
    model = _model()
    hidden = model.encode(TOKENS).detach()
    moved = hidden.clone()
    moved[:, 1:] = torch.randn_like(moved[:, 1:])
    assert_close(model.class_logits(hidden), model.class_logits(moved))
    moved[:, 0] += 1.0
    assert not torch.allclose(model.class_logits(hidden), model.class_logits(moved))


def test_initialiser_keeps_bert_base_per_unit_variance() -> None:
    torch.manual_seed(0)
    model = Bert(BertConfig(vocab_size=50, d_model=48, n_heads=2, d_ff=192, max_len=9))
    std = 0.02 * (768 / 48) ** 0.5
    w = model.layers[0].ff1.weight
    # a normal truncated at 2 sigma has standard deviation 0.880 sigma
    assert abs(w.std().item() / (0.880 * std) - 1) < 0.05 and w.abs().max() <= 2 * std
    assert (model.layers[0].ff1.bias == 0).all() and (model.layers[0].norm1.weight == 1).all()
