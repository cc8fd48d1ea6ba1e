"""Decoding, the toy translation task and the word-error metric."""

from __future__ import annotations

import torch

from implementations.bahdanau_attention.demo import EOS, PAD, ToyTranslation, word_errors
from implementations.bahdanau_attention.model import Seq2Seq, Seq2SeqConfig


def test_greedy_decode_agrees_with_teacher_forcing_on_its_own_output() -> None:
    torch.manual_seed(0)
    model = Seq2Seq(Seq2SeqConfig(9, 9, embed_size=4, hidden_size=5, attn_size=3, maxout_size=3)).double()
    src = torch.tensor([[3, 4, 5, 6, 2], [7, 8, 2, 0, 0]])
    out, alpha = model.greedy_decode(src, max_len=6)
    assert out.shape == (2, 6) and alpha.shape == (2, 6, 5)
    tgt_in = torch.cat([torch.full((2, 1), model.cfg.bos_id), out[:, :-1]], dim=1)
    logits, alpha_tf = model(src, tgt_in)
    after_eos = (out == EOS).long().cumsum(1) - (out == EOS).long() > 0
    assert (out[after_eos] == PAD).all()
    assert (logits.argmax(-1)[~after_eos] == out[~after_eos]).all()
    assert torch.allclose(alpha_tf[~after_eos], alpha[~after_eos])


def test_toy_translation_maps_words_and_swaps_neighbours() -> None:
    task = ToyTranslation(6, torch.Generator().manual_seed(0))
    src, tgt_in, tgt_out = task.sample(torch.Generator().manual_seed(1), 50, (3, 5))
    d = task.dictionary
    for s, ti, to in zip(src, tgt_in, tgt_out):
        n = int((s != PAD).sum()) - 1  # words before EOS
        words = s[:n].tolist()
        expected = []
        for k in range(0, n, 2):
            expected += [int(d[w]) for w in reversed(words[k : k + 2])]
        assert s[n] == EOS and to[n] == EOS and to[:n].tolist() == expected
        assert ti[0] == 1 and ti[1 : n + 1].tolist() == expected


def _levenshtein(a: list[int], b: list[int]) -> int:
    prev = list(range(len(b) + 1))
    for i, x in enumerate(a, 1):
        cur = [i]
        for j, y in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x != y)))
        prev = cur
    return prev[-1]


def test_word_errors_equals_levenshtein_distance() -> None:
    gen = torch.Generator().manual_seed(0)
    refs = [torch.randint(3, 6, (int(n),), generator=gen).tolist() for n in torch.randint(0, 7, (40,), generator=gen)]
    hyps = [torch.randint(3, 6, (int(n),), generator=gen).tolist() for n in torch.randint(0, 9, (40,), generator=gen)]

    def pack(rows: list[list[int]], width: int) -> torch.Tensor:
        out = torch.full((len(rows), width), PAD)
        for k, r in enumerate(rows):
            out[k, : len(r)] = torch.tensor(r, dtype=torch.long)
            out[k, len(r)] = EOS
        return out

    errors, words = word_errors(pack(hyps, 10), pack(refs, 8))
    assert words == sum(map(len, refs))
    assert errors == sum(_levenshtein(r, h) for r, h in zip(refs, hyps))
