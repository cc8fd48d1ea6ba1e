"""The whole char-RNN against nn.Embedding -> nn.LSTM -> nn.Linear with copied weights (float64), its
initialisation (forget bias on the forget rows, zero read-out), the loss in nats and bpc in bits, and the data."""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn
from torch.testing import assert_close

from implementations.char_rnn.data import VOCAB, encode, random_windows, split, stdlib_text
from implementations.char_rnn.model import CharRNN, bits_per_character

V = len(VOCAB)
F64 = torch.float64


def _torch_order(t: torch.Tensor) -> torch.Tensor:
    """The model stacks gate rows i, f, o, g; nn.LSTM i, f, g, o."""
    i, f, o, g = t.chunk(4)
    return torch.cat([i, f, g, o])


def _reference(model: CharRNN) -> tuple[nn.Embedding, nn.LSTM, nn.Linear]:
    cell = model.lstm.cell
    emb = nn.Embedding(V, model.embed.embedding_dim, dtype=F64)
    lstm = nn.LSTM(model.embed.embedding_dim, cell.hidden_size, dtype=F64)
    head = nn.Linear(cell.hidden_size, V, dtype=F64)
    with torch.no_grad():
        emb.weight.copy_(model.embed.weight)
        lstm.weight_ih_l0.copy_(_torch_order(cell.x_proj.weight))
        lstm.weight_hh_l0.copy_(_torch_order(cell.h_proj.weight))
        lstm.bias_ih_l0.copy_(_torch_order(cell.x_proj.bias))
        lstm.bias_hh_l0.zero_()
        head.load_state_dict(model.head.state_dict())
    return emb, lstm, head


def test_whole_model_logits_loss_and_carried_state_equal_torch_modules():
    torch.manual_seed(0)
    model = CharRNN(V, embed_size=6, hidden_size=10).double()
    with torch.no_grad():
        model.head.weight.normal_(0, 0.5)
        model.head.bias.normal_(0, 0.5)
    emb, lstm, head = _reference(model)
    ids = encode("def f(x):\n    return x\n")[:, None].repeat(1, 2)   # (T, B)
    ids[:, 1] = ids[:, 1].flip(0)
    x, y = ids[:-1], ids[1:]
    hidden, _ = lstm(emb(x))
    logits = head(hidden)
    ours, _ = model(x)
    assert_close(ours, logits)
    loss, _ = model.loss(x, y)
    assert_close(loss, F.cross_entropy(logits.reshape(-1, V), y.reshape(-1)))   # mean over every character, nats
    # reading in two pieces with the state carried equals one pass
    first, state = model(x[:7])
    second, _ = model(x[7:], state)
    assert_close(torch.cat([first, second]), logits)
    assert_close(bits_per_character(model, ids[:, 0], streams=1, chunk=5),
                 F.cross_entropy(head(lstm(emb(ids[:-1, :1]))[0]).reshape(-1, V), ids[1:, 0]).item() / math.log(2))


def test_initialisation_forget_bias_one_on_the_forget_rows_and_a_zero_read_out():
    torch.manual_seed(1)
    model = CharRNN(V, embed_size=8, hidden_size=64)
    bias = dict(zip("ifgo", _torch_order(model.lstm.cell.x_proj.bias.detach()).split(64)))
    bound = 1 / math.sqrt(64)
    assert bool(((bias["f"] - 1.0).abs() <= bound).all())
    for gate in "igo":
        assert bool((bias[gate].abs() <= bound).all()), gate
    assert model.lstm.cell.h_proj.bias is None                       # one bias per gate
    weights = [model.lstm.cell.x_proj.weight.detach(), model.lstm.cell.h_proj.weight.detach()]
    assert all(float(w.abs().max()) <= bound for w in weights)      # U(-1/sqrt(H), 1/sqrt(H))
    assert not model.head.weight.any() and not model.head.bias.any()


def test_vocabulary_is_fixed_not_built_from_any_text():
    assert V == 2 + 95 + 1 and VOCAB[:2] == "\t\n" and VOCAB[-1] == "\x00"
    text = stdlib_text(50_000)
    assert encode(text[:1000]).max() < V
    # the same character gets the same id whatever text it appears in, and unknown characters share one id
    assert encode("a").item() == encode("zzza")[-1].item()
    assert encode("é").item() == encode("漢").item() == V - 1


def test_held_out_text_is_the_tail_and_training_windows_never_reach_it():
    ids = torch.arange(1000)
    train, held = split(ids, 0.1)
    assert torch.equal(torch.cat([train, held]), ids) and len(held) == 100
    x, y = random_windows(train, 64, 20, torch.Generator().manual_seed(0))
    assert int(y.max()) < 900 and int(x.min()) >= 0                   # windows stay inside the training part
    assert torch.equal(y[:-1], x[1:])                                 # target t is input t + 1
